// The chosen area: reported and verified figures side by side, a reason for every changed
// figure, and save / accept / return.
import { disasterApi, indicatorLabel, stageLabel, unitLabelOf } from '../../disaster';
import {
  cleanFigures,
  differs,
  formatFigure,
  INDICATOR_GROUPS,
  indicatorUnit,
  isDecimalIndicator,
  MAX_TEXT,
  parseFigure,
  reportFieldOf,
  SUB_INDICATORS,
  validateAssessment,
  type Figures,
  type Indicator,
} from '../../disasterrules';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { getLang, msgText, t, type Msg, type MsgKey } from '../../i18n';
import { photoStrips } from '../../photos';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBadges } from './queue';
import { returnNotes, versionArticles } from '../report/versions';
import { selectedItem, type QueueItem, type VerifyState } from './state';

/** The area's earlier versions (with their descriptions, explanations and photos) and the returns, folded. */
function historyOf(state: VerifyState, it: QueueItem, photosOf: (v: QueueItem['report']) => HTMLElement): HTMLElement | '' {
  const returns = state.returns.filter((r) => r.area_code === it.code);
  if (it.history.length < 2 && !returns.length) return '';
  return h(
    'details',
    { class: 'verify-history', 'data-testid': 'verify-history' },
    h('summary', {}, t('verify.history'), ` (${it.history.length})`),
    ...returnNotes(returns, it.history),
    h('div', { class: 'versions' }, ...versionArticles(it.history, photosOf)),
  );
}

export function detailSection(ctx: ScreenContext, state: VerifyState, reload: () => Promise<void>): { node: HTMLElement; render(): void } {
  const { signal } = ctx;
  const { eventId } = state;
  let showAll = false;
  const detail = h('section', { class: 'card verify-detail', 'data-testid': 'verify-detail' });
  const valueInputs = new Map<Indicator, HTMLInputElement>();
  const reasonInputs = new Map<Indicator, HTMLInputElement>();
  const diffCells = new Map<Indicator, HTMLElement>();
  const rowNodes = new Map<Indicator, HTMLElement>();
  const valueErrors = new Map<Indicator, HTMLElement>();
  const reasonErrors = new Map<Indicator, HTMLElement>();
  let formError: HTMLElement | null = null;
  // A node stands in one place: the report's own strip and the history's are made apart.
  const photoStripOf = photoStrips(eventId, signal);
  const historyPhotoOf = photoStrips(eventId, signal);

  const updateRow = (ind: Indicator) => {
    const it = selectedItem(state);
    if (!it) return;
    const lang = getLang();
    const reported = cleanFigures(it.report.indicators)[ind];
    const p = parseFigure(valueInputs.get(ind)!.value, ind);
    const v = p.ok ? (p.value ?? undefined) : undefined;
    const changed = differs(ind, reported, v);
    const cell = diffCells.get(ind)!;
    if (!p.ok) cell.textContent = '';
    else if (changed && typeof reported === 'number' && typeof v === 'number') {
      const d = v - reported;
      cell.textContent = `${d > 0 ? '+' : '−'}${formatFigure(Math.abs(d), ind, lang)}`;
    } else cell.textContent = changed ? t('verify.new') : '';
    cell.className = `num diff-cell${changed ? ' changed' : ''}`;
    rowNodes.get(ind)!.classList.toggle('row-diff', changed);
    rowNodes.get(ind)!.dataset.changed = String(changed);
    const reason = reasonInputs.get(ind)!;
    reason.disabled = !changed || it.status === 'accepted' || state.event?.status === 'closed';
    reason.placeholder = changed ? t('verify.reasonPlaceholder') : '';
  };

  /** Typed values survive a re-render of the same area (language switch, "show all"), not a reload. */
  let keepTyped = false;
  const render = () => {
    const it = selectedItem(state);
    const typed = new Map<Indicator, [string, string]>();
    if (keepTyped && it && detail.dataset.code === it.code) for (const [ind, input] of valueInputs) typed.set(ind, [input.value, reasonInputs.get(ind)!.value]);
    keepTyped = false;
    valueInputs.clear();
    reasonInputs.clear();
    diffCells.clear();
    rowNodes.clear();
    valueErrors.clear();
    reasonErrors.clear();
    if (!it) {
      detail.dataset.code = '';
      detail.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: state.items.length ? 'verify.pick' : 'verify.none' })));
      return;
    }
    const lang = getLang();
    const reported = cleanFigures(it.report.indicators);
    const verified: Figures = it.assessment ? cleanFigures(it.assessment.indicators) : {};
    const reasons = it.assessment?.reasons ?? {};
    const locked = it.status === 'accepted';
    const closed = state.event?.status === 'closed';
    detail.dataset.code = it.code;
    detail.dataset.status = it.status;

    const rows: HTMLElement[] = [];
    for (const g of INDICATOR_GROUPS) {
      const inds = g.indicators.filter((i) => showAll || typeof reported[i] === 'number' || typeof verified[i] === 'number');
      if (!inds.length) continue;
      rows.push(h('tr', { class: 'group-row' }, h('th', { colspan: 5, scope: 'rowgroup' }, t(`indGroup.${g.group}` as MsgKey))));
      for (const ind of inds) {
        const value = h('input', {
          type: 'text',
          class: 'input num-input',
          'data-testid': `verify-value-${ind}`,
          id: `verify-value-${ind}`,
          inputmode: isDecimalIndicator(ind) ? 'decimal' : 'numeric',
          autocomplete: 'off',
          value: typed.get(ind)?.[0] ?? (typeof verified[ind] === 'number' ? String(verified[ind]) : ''),
          disabled: locked || closed,
          'aria-label': t('verify.valueFor', { indicator: indicatorLabel(ind) }),
        });
        const reason = h('input', {
          type: 'text',
          class: 'input',
          'data-testid': `verify-reason-${ind}`,
          id: `verify-reason-${ind}`,
          maxlength: MAX_TEXT,
          autocomplete: 'off',
          value: typed.get(ind)?.[1] ?? reasons[ind] ?? '',
          'aria-label': t('verify.reasonFor', { indicator: indicatorLabel(ind) }),
        });
        const vErr = h('div', { class: 'field-error', 'data-testid': `verify-error-${ind}`, hidden: true });
        const rErr = h('div', { class: 'field-error', 'data-testid': `verify-reason-error-${ind}`, hidden: true });
        const diff = h('td', { class: 'num diff-cell', 'data-testid': `verify-diff-${ind}` });
        valueInputs.set(ind, value);
        reasonInputs.set(ind, reason);
        diffCells.set(ind, diff);
        valueErrors.set(ind, vErr);
        reasonErrors.set(ind, rErr);
        value.addEventListener('input', () => {
          vErr.hidden = true;
          updateRow(ind);
        });
        reason.addEventListener('input', () => (rErr.hidden = true));
        const row = h(
          'tr',
          { 'data-testid': `verify-row-${ind}`, 'data-indicator': ind },
          h('th', { scope: 'row', class: SUB_INDICATORS.has(ind) ? 'sub-label' : undefined }, indicatorLabel(ind), h('span', { class: 'muted small' }, t('common.inUnit', { unit: unitLabelOf(indicatorUnit(ind)) }))),
          h('td', { class: 'num reported-cell', 'data-testid': `verify-reported-${ind}`, 'data-value': typeof reported[ind] === 'number' ? String(reported[ind]) : '' }, formatFigure(reported[ind], ind, lang)),
          h('td', { class: 'value-cell' }, value, vErr),
          diff,
          h('td', { class: 'reason-cell' }, reason, rErr),
        );
        rowNodes.set(ind, row);
        rows.push(row);
      }
    }

    formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'verify-form-error', hidden: true });
    const save = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'verify-save', disabled: locked || closed, i18n: 'verify.save' });
    const accept = h('button', { type: 'button', class: 'btn btn-outline btn-accept', 'data-testid': 'verify-accept', disabled: locked, i18n: 'verify.accept', title: t('verify.acceptHint') });
    const ret = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'verify-return', disabled: !locked, i18n: 'verify.return', title: t('verify.returnHint') });
    const retReason = h('input', { type: 'text', class: 'input', 'data-testid': 'verify-return-reason', maxlength: MAX_TEXT, i18nPlaceholder: 'verify.returnReason' });
    const retConfirm = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'verify-return-confirm', i18n: 'verify.returnConfirm' });
    const retCancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'verify.cancel' });
    const retBox = h('div', { class: 'return-box', hidden: true, 'data-testid': 'verify-return-box' }, retReason, retConfirm, retCancel);
    save.addEventListener('click', () => void saveAssessment(save));
    accept.addEventListener('click', () => void acceptArea(accept));
    ret.addEventListener('click', () => {
      retBox.hidden = false;
      retReason.focus();
    });
    retCancel.addEventListener('click', () => (retBox.hidden = true));
    retConfirm.addEventListener('click', () => void returnArea(retReason, retConfirm));
    const showAllBox = h('input', { type: 'checkbox', checked: showAll, 'data-testid': 'verify-show-all' });
    showAllBox.addEventListener('change', () => {
      showAll = showAllBox.checked;
      keepTyped = true;
      render();
    });

    detail.replaceChildren(
      h(
        'div',
        { class: 'card-head verify-head' },
        h(
          'div',
          {},
          h('h2', { 'data-testid': 'verify-area-name' }, it.name, h('span', { class: 'mono muted small' }, ` ${it.code}`)),
          h(
            'p',
            { class: 'card-sub muted' },
            t('verify.reportLine', { county: state.names.get(it.county) ?? it.county, n: it.report.version, stage: stageLabel(it.report.stage), time: formatDateTime(it.report.reported_at, lang), by: it.report.reported_by }),
            it.assessment ? ` · ${t('verify.assessedLine', { time: formatDateTime(it.assessment.assessed_at, lang), by: it.assessment.assessed_by })}` : '',
          ),
        ),
        h('div', { class: 'queue-badges', 'data-testid': 'verify-badges' }, ...statusBadges(it, true)),
      ),
      locked ? h('div', { class: 'notice notice-ok', 'data-testid': 'verify-locked' }, t('verify.lockedNote')) : '',
      closed ? h('div', { class: 'notice notice-muted' }, t('report.closed')) : '',
      it.report.description ? h('p', { class: 'report-desc' }, it.report.description) : '',
      it.report.explanation
        ? h('p', { class: 'report-desc explanation', 'data-testid': 'verify-explanation' }, t('common.labelled', { label: t('report.explanation'), value: it.report.explanation }))
        : '',
      photoStripOf(it.report, it.name),
      historyOf(state, it, (v) => historyPhotoOf(v, it.name)),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data-table verify-table', 'data-testid': 'verify-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('verify.indicator')),
              h('th', { scope: 'col', class: 'num' }, t('verify.reported')),
              h('th', { scope: 'col' }, t('verify.verified')),
              h('th', { scope: 'col', class: 'num' }, t('verify.difference')),
              h('th', { scope: 'col' }, t('verify.reason')),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
      h(
        'div',
        { class: 'verify-foot' },
        h('label', { class: 'check' }, showAllBox, h('span', { i18n: 'verify.showAll' })),
        formError,
        h('div', { class: 'verify-actions' }, save, h('span', { class: 'action-sep' }), accept, ret),
        retBox,
      ),
    );
    for (const ind of valueInputs.keys()) updateRow(ind);
  };
  ctx.onLang(() => {
    keepTyped = true;
    render();
  });

  // ---- actions -----------------------------------------------------------------------------------
  const showError = (m: Msg | null) => {
    if (!formError) return;
    formError.hidden = !m;
    formError.textContent = m ? msgText(m) : '';
  };

  const saveAssessment = async (btn: HTMLButtonElement) => {
    const it = selectedItem(state);
    if (!it) return;
    const reported = cleanFigures(it.report.indicators);
    const rows = [...valueInputs.keys()].map((ind) => ({ indicator: ind, reported: reported[ind], value: valueInputs.get(ind)!.value, reason: reasonInputs.get(ind)!.value }));
    // Verified values of indicators not shown (all hidden rows) are kept as they were.
    const prior = it.assessment ? cleanFigures(it.assessment.indicators) : {};
    for (const [k, v] of Object.entries(prior) as Array<[Indicator, number]>) {
      if (!valueInputs.has(k)) rows.push({ indicator: k, reported: reported[k], value: String(v), reason: it.assessment?.reasons[k] ?? '' });
    }
    const v = validateAssessment(rows, getLang());
    for (const [ind, node] of valueErrors) {
      const m = v.errors[ind];
      node.hidden = !m;
      node.textContent = m ? msgText(m) : '';
    }
    for (const [ind, node] of reasonErrors) {
      const m = v.reasonErrors[ind];
      node.hidden = !m;
      node.textContent = m ? msgText(m) : '';
    }
    if (!v.body) {
      showError({ key: 'form.fixErrors' });
      return;
    }
    if (!Object.keys(v.body.indicators).length) {
      showError({ key: 'verify.err.nothing' });
      return;
    }
    showError(null);
    btn.disabled = true;
    try {
      await disasterApi.postAssessment(eventId, { area_code: it.code, indicators: v.body.indicators, reasons: v.body.reasons }, { signal });
      if (signal.aborted) return;
      toast(t('verify.saved', { area: it.name }));
      await reload();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      btn.disabled = false;
      if (err instanceof ApiError && err.status === 422 && Array.isArray(err.details)) {
        const leftovers: string[] = [];
        for (const d of err.details as Array<{ field?: unknown; reason?: unknown }>) {
          const field = reportFieldOf(d.field);
          const reason = typeof d.reason === 'string' ? d.reason : '';
          const isReason = typeof d.field === 'string' && d.field.startsWith('reasons.');
          const node = field && (isReason ? reasonErrors.get(field as Indicator) : valueErrors.get(field as Indicator));
          if (node) {
            node.hidden = false;
            node.textContent = reason;
          } else if (reason) leftovers.push(reason);
        }
        showError(leftovers.length ? { text: leftovers.join('；') } : { key: 'form.fixErrors' });
      } else showError({ text: errorText(err) });
    }
  };

  const acceptArea = async (btn: HTMLButtonElement) => {
    const it = selectedItem(state);
    if (!it) return;
    btn.disabled = true;
    try {
      await disasterApi.accept(eventId, it.code, { signal });
      toast(t('verify.accepted', { area: it.name }));
      await reload();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      btn.disabled = false;
      showError({ text: errorText(err) });
    }
  };

  const returnArea = async (input: HTMLInputElement, btn: HTMLButtonElement) => {
    const it = selectedItem(state);
    if (!it) return;
    const reason = input.value.trim();
    if (!reason) {
      input.classList.add('invalid-input');
      showError({ key: 'verify.err.returnReason' });
      input.focus();
      return;
    }
    btn.disabled = true;
    try {
      await disasterApi.returnArea(eventId, it.code, reason, { signal });
      toast(t('verify.returned', { area: it.name }));
      await reload();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      btn.disabled = false;
      showError({ text: errorText(err) });
    }
  };

  return { node: detail, render };
}
