// The campaign's figures per level (township, county, city): persons needing aid with the 口粮 /
// 衣被 / 取暖 / 住房 breakdown, households, classes, decided and amount; for counties and the city
// their submission against its due date (overdue and late first), the button that sends an area's
// figures up (confirmation stating them) and, for the level above, accept and return (a reason).
import { confirmAction } from '../../confirm';
import { h } from '../../dom';
import { errorText } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { toast } from '../../toast';
import {
  canDecide,
  canSubmit,
  figureCells,
  FIGURE_COLUMNS,
  sortAreas,
  submissionState,
  winterSpringApi,
  type AreaNeed,
  type Caller,
  type CampaignSummary,
  type FigureColumn,
  type SubmissionState,
} from '../../winterspring';
import { factList } from '../applications/common';

const STATE_TONE: Record<SubmissionState, string> = {
  accepted: 'badge-ok',
  returned: 'badge-warn',
  submitted: 'badge-info',
  late: 'badge-warn',
  overdue: 'badge-danger',
  open: 'badge-muted',
};

export function stateBadge(a: AreaNeed): HTMLElement {
  const s = submissionState(a);
  return h('span', { class: `badge ${STATE_TONE[s]}`, 'data-testid': `ws-state-${a.area_code}`, 'data-state': s }, t(`ws.state.${s}` as MsgKey));
}

/** The figures an area sends up, as its confirmation lists them. */
function figureFacts(a: AreaNeed): HTMLElement {
  const c = figureCells(a.figures, getLang());
  const rows: Array<[string, string, string?]> = [
    [t('ws.col.area'), `${a.area_name} (${a.area_code})`, 'area'],
    [t('ws.col.persons'), c.persons, 'persons'],
    [t('ws.breakdown'), `${t('ws.col.food')} ${c.food} · ${t('ws.col.clothing')} ${c.clothing} · ${t('ws.col.heating')} ${c.heating} · ${t('ws.col.housing')} ${c.housing}`, 'breakdown'],
    [t('ws.col.households'), c.households, 'households'],
    [t('ws.classes'), `${t('ws.class.class_one')} ${c.class_one} · ${t('ws.class.class_two')} ${c.class_two} · ${t('ws.class.class_three')} ${c.class_three}`, 'classes'],
    [t('ws.col.amount'), c.amount, 'amount'],
    [t('ws.col.due'), formatDate(a.due), 'due'],
  ];
  return factList(rows);
}

export interface FiguresTable {
  el: HTMLElement;
  render(summary: CampaignSummary): void;
}

export function figuresTable(opts: { campaignId: number; caller: Caller; signal: AbortSignal; onChanged(): void }): FiguresTable {
  const { campaignId, caller, signal } = opts;
  const table = h('table', { class: 'data-table ws-figures', 'data-testid': 'ws-figures' });
  const el = h('div', { class: 'table-wrap' }, table);

  const submit = async (a: AreaNeed) => {
    const late = !!a.due && a.overdue;
    const ok = await confirmAction({
      title: t('ws.submit.title', { area: a.area_name }),
      body: [h('p', {}, t('ws.submit.text')), figureFacts(a), late ? h('p', { class: 'text-danger', 'data-testid': 'confirm-late' }, t('ws.submit.late')) : ''].filter(Boolean) as Node[],
      confirmKey: 'ws.submit.confirm',
    });
    if (!ok) return;
    try {
      await winterSpringApi.submit(campaignId, a.area_code, { signal });
      toast(t('ws.submit.done', { area: a.area_name }));
      opts.onChanged();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const decide = async (a: AreaNeed, decision: 'accept' | 'return') => {
    const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: 2000, 'data-testid': 'ws-return-reason', i18nPlaceholder: 'ws.return.reasonHint' });
    const submittedAt = a.submission ? formatDateTime(a.submission.submitted_at, getLang()) : '';
    const pending = confirmAction({
      title: t(decision === 'accept' ? 'ws.accept.title' : 'ws.return.title', { area: a.area_name }),
      body: [
        h('p', {}, t(decision === 'accept' ? 'ws.accept.text' : 'ws.return.text', { by: a.submission?.submitted_by ?? '', at: submittedAt })),
        figureFacts(a),
        ...(decision === 'return' ? [h('label', { class: 'field' }, h('span', { i18n: 'ws.return.reason' }), reason)] : []),
      ],
      confirmKey: decision === 'accept' ? 'ws.accept.confirm' : 'ws.return.confirm',
      danger: decision === 'return',
    });
    // A return needs its reason: the button waits for one.
    if (decision === 'return') {
      const okBtn = document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]');
      if (okBtn) {
        okBtn.disabled = true;
        reason.addEventListener('input', () => (okBtn.disabled = !reason.value.trim()));
      }
    }
    if (!(await pending)) return;
    try {
      await winterSpringApi.decide(campaignId, a.area_code, decision === 'accept' ? { decision } : { decision, reason: reason.value.trim() }, { signal });
      toast(t(decision === 'accept' ? 'ws.accept.done' : 'ws.return.done', { area: a.area_name }));
      opts.onChanged();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const render = (summary: CampaignSummary) => {
    const lang = getLang();
    const withSubmission = summary.level !== 'township';
    const rows = withSubmission ? sortAreas(summary.areas) : [...summary.areas].sort((x, y) => y.figures.persons - x.figures.persons || x.area_code.localeCompare(y.area_code));
    const cols: Array<[MsgKey, string?]> = [
      ['ws.col.area'],
      ...FIGURE_COLUMNS.map((c): [MsgKey, string] => [`ws.col.${c}` as MsgKey, 'num']),
      ...(withSubmission ? ([['ws.col.due'], ['ws.col.submission'], ['common.actions']] as Array<[MsgKey]>) : []),
    ];
    const cells = (values: Record<FigureColumn, string>) => FIGURE_COLUMNS.map((c) => h('td', { class: 'num', 'data-col': c }, values[c]));
    const body = rows.map((a) => {
      const actions: HTMLElement[] = [];
      if (withSubmission && canSubmit(caller, a.area_code) && a.submission?.status !== 'accepted') {
        actions.push(
          h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': `ws-submit-${a.area_code}`, onclick: () => void submit(a) }, t(a.submission ? 'ws.submit.again' : 'ws.submit.button')),
        );
      }
      if (withSubmission && canDecide(caller, a)) {
        actions.push(
          h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `ws-accept-${a.area_code}`, i18n: 'ws.accept.button', onclick: () => void decide(a, 'accept') }),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `ws-return-${a.area_code}`, i18n: 'ws.return.button', onclick: () => void decide(a, 'return') }),
        );
      }
      const s = a.submission;
      return h(
        'tr',
        { 'data-testid': `ws-row-${a.area_code}`, 'data-state': withSubmission ? submissionState(a) : undefined, class: a.overdue ? 'row-review' : '' },
        h('th', { scope: 'row', class: 'nowrap', title: a.area_code }, a.area_name || a.area_code),
        ...cells(figureCells(a.figures, lang)),
        ...(withSubmission
          ? [
              h('td', { class: 'nowrap' }, formatDate(a.due)),
              h(
                'td',
                { class: 'nowrap ws-submission' },
                stateBadge(a),
                s ? h('div', { class: 'muted small' }, t('ws.submittedBy', { by: s.submitted_by, at: formatDateTime(s.submitted_at, lang) })) : '',
                s?.status === 'returned' && s.reason ? h('div', { class: 'muted small', 'data-testid': `ws-return-why-${a.area_code}` }, t('ws.returnedWhy', { reason: s.reason })) : '',
              ),
              h('td', { class: 'nowrap' }, h('div', { class: 'ws-actions' }, ...actions)),
            ]
          : []),
      );
    });
    const total = h(
      'tr',
      { class: 'total-row', 'data-testid': 'ws-total' },
      h('th', { scope: 'row' }, t('ws.total')),
      ...cells(figureCells(summary.total, lang)),
      ...(withSubmission ? [h('td'), h('td'), h('td')] : []),
    );
    table.replaceChildren(
      h('thead', {}, h('tr', {}, ...cols.map(([k, cls]) => h('th', { scope: 'col', class: cls }, t(k))))),
      h('tbody', {}, ...(body.length ? body : [h('tr', {}, h('td', { colspan: cols.length, class: 'empty-cell', i18n: 'ws.noFigures' }))])),
      h('tfoot', {}, total),
    );
    table.dataset.level = summary.level;
  };

  return { el, render };
}
