// Policy rural housing insurance (#/rebuild/insurance, 政策性农房保险): the claims of the caller's
// scope filtered by event and status (open ones first), with the assessed loss, the payout and the
// days it took; county staff record the insurer's assessment, the payout with its date, or the
// refusal with its reason, each after a confirmation naming the household and the amount; the
// county report (houses insured, claims by status, payouts, days to payout) with its CSV and XLSX;
// the policy import (a file, all or nothing, the refused rows listed).
import '../../styles/rebuild.css';
import { fenToYuanText } from '../../applications';
import { confirmAction } from '../../confirm';
import { shanghaiDate } from '../../dates';
import type { DisasterEvent } from '../../disaster';
import { h, setLabel } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDate, formatFen, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import {
  checkClaimAmount,
  checkPaidOn,
  canDraftStage,
  CLAIM_STATUSES,
  parsePercent,
  claimActions,
  insuranceApi,
  sortClaims,
  townshipOf,
  type ClaimAction,
  type CountyCover,
  type ImportRowError,
  type InsuranceClaim,
} from '../../rebuild';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { dataTable, statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { claimBadge, fillEvents, loadAreaNames, loadEvents, rebuildTabs, setText } from './common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page rb-page', 'data-testid': 'ins-screen' }, inner);
  root.append(page);
  let claims: InsuranceClaim[] = [];
  let report: CountyCover[] = [];
  let events: DisasterEvent[] = [];
  let names = new Map<string, string>();
  const status = h('div');
  // County staff (reviewers of a county or above, managers) act on claims, import policies and set the counting rule.
  const county = canDraftStage(user);

  const eventSel = h('select', { class: 'select', 'data-testid': 'ins-filter-event' });
  const statusSel = h('select', { class: 'select', 'data-testid': 'ins-filter-status' });
  const tbl = dataTable(
    [
      { key: 'ins.col.household' },
      { key: 'ins.col.status' },
      { key: 'ins.col.assessed', cls: 'num' },
      { key: 'ins.col.payout', cls: 'num' },
      { key: 'ins.col.paidOn' },
      { key: 'ins.col.days', cls: 'num' },
      { key: 'ins.col.village' },
      { key: 'ins.col.policy' },
      { key: 'ins.col.rooms', cls: 'num' },
      { key: 'ins.col.cap', cls: 'num' },
      { key: 'ins.col.reportedOn' },
      ...(county ? [{ key: 'ins.col.actions' as MsgKey }] : []),
    ],
    'ins-claims',
  );
  const reportTbl = dataTable(
    [
      { key: 'ins.report.county' },
      { key: 'ins.report.covered', cls: 'num' },
      { key: 'ins.report.policies', cls: 'num' },
      { key: 'ins.report.claims', cls: 'num' },
      { key: 'ins.status.reported', cls: 'num' },
      { key: 'ins.status.surveyed', cls: 'num' },
      { key: 'ins.status.paid', cls: 'num' },
      { key: 'ins.status.refused', cls: 'num' },
      { key: 'ins.report.payout', cls: 'num' },
      { key: 'ins.report.avgDays', cls: 'num' },
    ],
    'ins-report',
  );
  const downloads = h('div', { class: 'rb-downloads', 'data-testid': 'ins-downloads' });
  const downloadErr = h('p', { class: 'form-error', role: 'alert', hidden: true });
  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'ins.title' }), h('p', { class: 'muted page-sub', i18n: 'ins.sub' })),
    h('div', { class: 'rb-toolbar' }, rebuildTabs('insurance')),
    status,
    h(
      'section',
      { class: 'card', 'data-testid': 'ins-claims-card' },
      h(
        'div',
        { class: 'rb-filters' },
        h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.filter.event' }), eventSel),
        h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'ins.filter.status' }), statusSel),
      ),
      h('div', { class: 'table-wrap' }, tbl.table),
    ),
    h(
      'section',
      { class: 'card', 'data-testid': 'ins-report-card' },
      h('div', { class: 'card-head', style: 'flex-wrap:wrap;gap:8px 14px' }, h('h2', { i18n: 'ins.report.title' }), downloads),
      downloadErr,
      h('div', { class: 'table-wrap' }, reportTbl.table),
    ),
  );
  const counting = county ? countingCard() : null;
  if (counting) inner.append(counting.el);
  if (county) inner.append(importCard());

  const query = () => ({ event_id: Number(eventSel.value) || null });

  const renderDownloads = () => {
    downloads.replaceChildren(
      ...(['csv', 'xlsx'] as const).map((format) =>
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-outline btn-small',
            'data-testid': `ins-download-${format}`,
            onclick: async (ev: Event) => {
              const b = ev.currentTarget as HTMLButtonElement;
              b.disabled = true;
              downloadErr.hidden = true;
              try {
                const name = await insuranceApi.reportFile(query(), format, signal);
                toast(t('ins.report.downloaded', { name }));
              } catch (err) {
                if (isAbort(err)) return;
                downloadErr.textContent = errorText(err);
                downloadErr.hidden = false;
              } finally {
                b.disabled = false;
              }
            },
          },
          t('ins.report.download', { format: format.toUpperCase() }),
        ),
      ),
    );
  };

  const renderReport = () => {
    const lang = getLang();
    if (!report.length) return void reportTbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 10, class: 'empty-cell', i18n: 'ins.report.empty' })));
    reportTbl.body.replaceChildren(
      ...report.map((r) =>
        h(
          'tr',
          { 'data-testid': `ins-report-${r.area_code}` },
          h('td', { class: 'nowrap' }, r.area_name || names.get(r.area_code) || r.area_code),
          ...[r.houses_covered, r.policies, r.claims, r.reported, r.surveyed, r.paid, r.refused].map((n) => h('td', { class: 'num' }, formatInteger(n, lang))),
          h('td', { class: 'num nowrap' }, formatFen(r.payout_fen, lang)),
          h('td', { class: 'num nowrap' }, r.average_days_to_payout === null || r.average_days_to_payout === undefined ? '—' : t('ins.days', { n: r.average_days_to_payout.toFixed(1) })),
        ),
      ),
    );
  };

  const actionCell = (c: InsuranceClaim): HTMLElement => {
    const cell = h('td', { class: 'rb-claim-actions' });
    const box = h('div');
    const buttons = h('div', { style: 'display:flex;flex-wrap:wrap;gap:6px' });
    for (const a of claimActions(user, c)) {
      buttons.append(
        h('button', {
          type: 'button',
          class: `btn btn-small ${a === 'refuse' ? 'btn-outline' : 'btn-primary'}`,
          'data-testid': `ins-${a}-${c.id}`,
          i18n: `ins.act.${a}` as MsgKey,
          onclick: () => box.replaceChildren(actionForm(c, a, () => box.replaceChildren())),
        }),
      );
    }
    cell.append(buttons, box);
    return cell;
  };

  /** The small form of one action; its confirmation names the household and what is recorded. */
  const actionForm = (c: InsuranceClaim, a: ClaimAction, close: () => void): HTMLElement => {
    const today = shanghaiDate();
    const amount = h('input', {
      type: 'text',
      class: 'input',
      inputmode: 'decimal',
      autocomplete: 'off',
      'data-testid': `ins-amount-${c.id}`,
      value: a === 'payout' && c.assessed_fen ? fenToYuanText(c.assessed_fen) : '',
    });
    const paidOn = h('input', { type: 'date', class: 'input', max: today, value: today, 'data-testid': `ins-paid-on-${c.id}` });
    const reason = h('input', { type: 'text', class: 'input', maxlength: 500, 'data-testid': `ins-reason-${c.id}` });
    const err = h('div', { class: 'field-error', hidden: true, 'data-testid': `ins-error-${c.id}` });
    const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': `ins-save-${c.id}`, i18n: 'ins.act.save' });
    const fields: HTMLElement[] =
      a === 'refuse'
        ? [h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: 'ins.form.reason' }), reason)]
        : [
            h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: a === 'survey' ? 'ins.form.assessed' : 'ins.form.payout' }), amount),
            ...(a === 'payout' ? [h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: 'ins.form.paidOn' }), paidOn)] : []),
          ];
    const form = h(
      'form',
      { class: 'rb-inline', novalidate: true, 'data-testid': `ins-form-${c.id}` },
      ...fields,
      ok,
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'ins.act.cancel', onclick: close }),
      err,
    );
    const fail = (key: MsgKey | string, isKey = true) => {
      if (isKey) setLabel(err, key as MsgKey);
      else setText(err, key);
      err.hidden = false;
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.hidden = true;
      const lang = getLang();
      let facts: Array<[string, string, string?]> = [
        [t('ins.col.household'), `${c.name} · ${c.id_number} · ${c.area_name}`, 'household'],
        [t('ins.col.policy'), `${c.policy_number} · ${c.insurer}`, 'policy'],
        [t('ins.col.cap'), formatFen(c.cap_fen, lang), 'cap'],
      ];
      let send: () => Promise<InsuranceClaim>;
      if (a === 'refuse') {
        const why = reason.value.trim();
        if (!why) return fail('ins.err.reasonRequired');
        facts = [...facts, [t('ins.form.reason'), why, 'reason']];
        send = () => insuranceApi.refuse(c.id, why, { signal });
      } else {
        const checked = checkClaimAmount(amount.value, c.cap_fen);
        if ('key' in checked) return fail(checked.key);
        if (a === 'payout') {
          const bad = checkPaidOn(paidOn.value, c.reported_on, today);
          if (bad) return fail(bad);
          facts = [...facts, [t('ins.form.payout'), formatFen(checked.fen, lang), 'amount'], [t('ins.form.paidOn'), formatDate(paidOn.value), 'paid-on']];
          send = () => insuranceApi.payout(c.id, checked.fen, paidOn.value, { signal });
        } else {
          facts = [...facts, [t('ins.form.assessed'), formatFen(checked.fen, lang), 'amount']];
          send = () => insuranceApi.survey(c.id, checked.fen, { signal });
        }
      }
      const yes = await confirmAction({
        title: t(`ins.confirm.${a === 'refuse' ? 'refuse' : a}Title` as MsgKey, { name: c.name }),
        body: [factList(facts)],
        confirmKey: a === 'refuse' ? 'ins.confirm.refuse' : 'ins.confirm.ok',
        danger: a === 'refuse',
      });
      if (!yes) return;
      ok.disabled = true;
      try {
        const next = await send();
        claims = claims.map((x) => (x.id === next.id ? next : x));
        toast(t(`ins.done.${a}` as MsgKey));
        render();
        void loadReport();
      } catch (e2) {
        if (isAbort(e2)) return;
        fail(errorText(e2), false);
      } finally {
        ok.disabled = false;
      }
    });
    queueMicrotask(() => (a === 'refuse' ? reason : amount).focus());
    return form;
  };

  const render = () => {
    const lang = getLang();
    const wanted = statusSel.value;
    statusSel.replaceChildren(
      h('option', { value: '' }, t('rb.filter.allStatuses', { n: formatInteger(claims.length, lang) })),
      ...CLAIM_STATUSES.map((s) => h('option', { value: s }, `${t(`ins.status.${s}` as MsgKey)}（${formatInteger(claims.filter((c) => c.status === s).length, lang)}）`)),
    );
    statusSel.value = wanted;
    const rows = sortClaims(claims.filter((c) => !statusSel.value || c.status === statusSel.value));
    page.dataset.shown = String(rows.length);
    const span = county ? 12 : 11;
    if (!rows.length) return void tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: span, class: 'empty-cell', 'data-testid': 'ins-empty', i18n: 'ins.empty' })));
    tbl.body.replaceChildren(
      ...rows.map((c) =>
        h(
          'tr',
          { 'data-testid': `ins-claim-${c.id}`, 'data-status': c.status },
          h('td', {}, h('div', { class: 'strong' }, c.name), h('div', { class: 'mono muted small' }, c.id_number)),
          h('td', {}, claimBadge(c.status, `ins-status-${c.id}`), c.refusal_reason ? h('div', { class: 'muted small' }, t('ins.refusedWhy', { reason: c.refusal_reason })) : ''),
          h('td', { class: 'num nowrap', 'data-testid': `ins-assessed-fen-${c.id}` }, formatFen(c.assessed_fen, lang)),
          h('td', { class: 'num nowrap', 'data-testid': `ins-payout-fen-${c.id}` }, formatFen(c.payout_fen, lang)),
          h('td', { class: 'nowrap' }, formatDate(c.paid_on)),
          h('td', { class: 'num nowrap' }, c.days_to_payout === null || c.days_to_payout === undefined ? '—' : t('ins.days', { n: formatInteger(c.days_to_payout, lang) })),
          h('td', { class: 'nowrap' }, h('div', {}, names.get(townshipOf(c.area_code)) ?? c.area_name), c.area_code.length > 9 ? h('div', { class: 'muted small' }, c.area_name) : ''),
          h('td', {}, h('div', { class: 'mono small' }, c.policy_number), h('div', { class: 'muted small' }, c.insurer)),
          h('td', { class: 'num' }, formatInteger(c.rooms, lang)),
          h('td', { class: 'num nowrap' }, formatFen(c.cap_fen, lang)),
          h('td', { class: 'nowrap' }, formatDate(c.reported_on)),
          county ? actionCell(c) : '',
        ),
      ),
    );
  };

  const loadReport = async () => {
    try {
      report = await insuranceApi.report(query(), { signal });
      renderReport();
      counting?.setCounties(report.map((r) => r.area_code));
    } catch (err) {
      if (isAbort(err)) return;
      reportTbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 10, class: 'empty-cell form-error' }, errorText(err))));
    }
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('rb.loading')));
    try {
      const [list, evs, n] = await Promise.all([
        insuranceApi.claims(query(), { signal }),
        events.length ? Promise.resolve(events) : loadEvents(signal),
        names.size ? Promise.resolve(names) : loadAreaNames(signal),
      ]);
      claims = list;
      events = evs;
      names = n;
      if (!eventSel.options.length) fillEvents(eventSel, events, ctx.params.get('event') ?? '', 'rb.filter.allEvents');
      status.replaceChildren();
      render();
      await loadReport();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('common.retry')));
    }
  };
  eventSel.addEventListener('change', () => void load());
  statusSel.addEventListener('change', render);
  renderDownloads();
  void load();
  ctx.onLang(() => {
    fillEvents(eventSel, events, eventSel.value, 'rb.filter.allEvents');
    render();
    renderReport();
    renderDownloads();
  });

  // ---- the counting rule: the share of a paid claim counted against the subsidy ------------------------
  function countingCard(): { el: HTMLElement; setCounties(codes: string[]): void } {
    const sel = h('select', { class: 'select', 'data-testid': 'ins-count-county' });
    const percent = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 4, 'data-testid': 'ins-count-percent' });
    const now = h('span', { class: 'muted small', 'data-testid': 'ins-count-current' });
    const err = h('div', { class: 'field-error', hidden: true, 'data-testid': 'ins-count-error' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'ins-count-save', i18n: 'ins.count.save' });
    let current: { percent: number; own: boolean } | null = null;
    const showNow = () => {
      now.textContent = current ? t('ins.count.current', { n: current.percent, own: t(current.own ? 'ins.count.own' : 'ins.count.default') }) : '';
    };
    const load = async () => {
      current = null;
      showNow();
      if (!sel.value) return;
      try {
        const c = await insuranceApi.counting(sel.value, { signal });
        current = { percent: c.percent, own: c.own };
        percent.value = String(c.percent);
        showNow();
      } catch (e) {
        if (!isAbort(e)) setText(now, errorText(e));
      }
    };
    sel.addEventListener('change', () => void load());
    const form = h(
      'form',
      { class: 'rb-inline', novalidate: true, 'data-testid': 'ins-count-form' },
      h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: 'ins.count.county' }), sel),
      h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: 'ins.count.percent' }), percent),
      save,
      now,
      err,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.hidden = true;
      const n = parsePercent(percent.value);
      if (n === null) {
        setLabel(err, 'ins.count.err');
        err.hidden = false;
        return;
      }
      const name = sel.selectedOptions[0]?.textContent ?? sel.value;
      const ok = await confirmAction({
        title: t('ins.count.confirmTitle', { county: name }),
        body: [
          factList([
            [t('ins.count.county'), name, 'county'],
            [t('ins.count.percent'), `${current?.percent ?? '—'}% → ${n}%`, 'percent'],
          ]),
          h('p', { class: 'muted small' }, t('ins.count.confirmText')),
        ],
        confirmKey: 'ins.count.confirm',
      });
      if (!ok) return;
      save.disabled = true;
      try {
        const c = await insuranceApi.setCounting(sel.value, n, { signal });
        current = { percent: c.percent, own: c.own };
        showNow();
        toast(t('ins.count.saved', { n: c.percent }));
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        save.disabled = false;
      }
    });
    const mine = user.area_code && user.area_code.length === 6 && !user.area_code.endsWith('00') ? user.area_code : null;
    const setCounties = (codes: string[]) => {
      const list = [...new Set([...(mine ? [mine] : []), ...codes])].sort();
      const wanted = sel.value;
      sel.replaceChildren(...list.map((c) => h('option', { value: c }, names.get(c) ?? report.find((r) => r.area_code === c)?.area_name ?? c)));
      sel.value = list.includes(wanted) ? wanted : (list[0] ?? '');
      if (sel.value !== wanted) void load();
    };
    ctx.onLang(showNow);
    const el = h(
      'section',
      { class: 'card', 'data-testid': 'ins-count-card' },
      h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'ins.count.title' }), h('p', { class: 'card-sub muted', i18n: 'ins.count.sub' }))),
      h('div', { class: 'card-body' }, form),
    );
    return { el, setCounties };
  }

  // ---- the policy import ----------------------------------------------------------------------------------
  function importCard(): HTMLElement {
    const file = h('input', { type: 'file', class: 'input', accept: '.csv,.xlsx,text/csv', 'data-testid': 'ins-import-file', i18nAriaLabel: 'ins.import.file' });
    const start = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ins-import-start', i18n: 'ins.import.start' });
    const said = h('p', { class: 'import-said', role: 'status', 'data-testid': 'ins-import-status' });
    const errors = h('div', { 'data-testid': 'ins-import-errors' });
    const form = h('form', { class: 'inline-form', 'data-testid': 'ins-import-form' }, h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'ins.import.file' }), file), start);
    const show = (text: string, isError = false) => {
      said.className = `import-said${isError ? ' error' : ''}`;
      said.setAttribute('role', isError ? 'alert' : 'status');
      said.textContent = text;
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.replaceChildren();
      const chosen = file.files?.[0];
      if (!chosen) return show(t('ins.import.pickFile'), true);
      start.disabled = true;
      show(t('ins.import.uploading'));
      try {
        const r = await insuranceApi.importPolicies(chosen, chosen.name, { signal });
        show(t('ins.import.done', { n: formatInteger(r.imported, getLang()) }));
        void loadReport();
      } catch (err) {
        if (isAbort(err)) return;
        const rows = err instanceof ApiError && err.status === 422 ? rowErrors(err.body) : null;
        if (rows?.length) {
          show(t('ins.import.rejected', { n: formatInteger(new Set(rows.map((r) => r.row)).size, getLang()) }), true);
          errors.replaceChildren(
            h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'data-table', 'data-testid': 'ins-import-error-table' },
                h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num', i18n: 'ins.import.row' }), h('th', { scope: 'col', i18n: 'ins.import.field' }), h('th', { scope: 'col', i18n: 'ins.import.reason' }))),
                h('tbody', {}, ...rows.slice(0, 200).map((r) => h('tr', {}, h('td', { class: 'num' }, String(r.row)), h('td', { class: 'mono' }, r.field ?? ''), h('td', {}, r.reason)))),
              ),
            ),
          );
        } else {
          show(errorText(err), true);
        }
      } finally {
        start.disabled = false;
      }
    });
    return h(
      'section',
      { class: 'card', 'data-testid': 'ins-import-card' },
      h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'ins.import.title' }), h('p', { class: 'card-sub muted', i18n: 'ins.import.sub' }))),
      h('div', { class: 'import-body' }, form, said, errors),
    );
  }
}

/** The refused rows of a 422 import answer. */
function rowErrors(body: unknown): ImportRowError[] | null {
  const b = body as { errors?: unknown } | null;
  return b && Array.isArray(b.errors) ? (b.errors as ImportRowError[]).filter((e) => e && typeof e.reason === 'string') : null;
}
