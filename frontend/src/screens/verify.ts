// The assessor's queue (#/events/{id}/verify): areas with reports, grouped by county, with their
// status (to verify, verified, discrepancy, accepted); for the chosen area the reported and the
// verified figures side by side, a reason for every changed figure, and accept / return.
import { disasterApi, indicatorLabel, stageLabel, unitLabelOf, type Assessment, type AreaSummary, type DisasterEvent, type LossReport } from '../disaster';
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
} from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { chooseEvent, eventHeader } from '../eventui';
import { formatDateTime, formatInteger } from '../format';
import { getLang, msgText, t, type Msg, type MsgKey } from '../i18n';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { badge, statusBlock } from '../widgets';


export type QueueStatus = 'pending' | 'verified' | 'accepted';
type Filter = 'all' | 'pending' | 'discrepancy' | 'accepted';

interface QueueItem {
  code: string;
  name: string;
  county: string;
  report: LossReport;
  versions: number;
  assessment: Assessment | null;
  summary: AreaSummary | null;
  status: QueueStatus;
  discrepancies: number;
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  if (!ctx.args.id) return void chooseEvent(root, signal, 'verify');
  const eventId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner wide' });
  const page = h('div', { class: 'page verify-page', 'data-testid': 'verify-screen', 'data-event-id': String(eventId) }, inner);
  root.append(page);

  let event: DisasterEvent | null = null;
  let items: QueueItem[] = [];
  let selected: string | null = ctx.params.get('area');
  let filter: Filter = 'all';
  let showAll = false;
  const names = new Map<string, string>();

  // ---- queue -------------------------------------------------------------------------------------
  const filterSel = h('select', { class: 'select select-small', 'data-testid': 'verify-filter', 'aria-label': t('verify.filter') });
  const counts = h('p', { class: 'muted small queue-counts', 'data-testid': 'verify-counts' });
  const queueList = h('div', { class: 'queue-list', 'data-testid': 'verify-queue', role: 'list' });
  const queueCard = h(
    'aside',
    { class: 'card queue-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'verify.queue' }), filterSel),
    counts,
    queueList,
  );

  const fillFilter = () => {
    filterSel.replaceChildren(...(['all', 'pending', 'discrepancy', 'accepted'] as Filter[]).map((f) => h('option', { value: f }, t(`verify.filter.${f}` as MsgKey))));
    filterSel.value = filter;
  };
  ctx.onLang(fillFilter);
  filterSel.addEventListener('change', () => {
    filter = filterSel.value as Filter;
    renderQueue();
  });

  const statusBadges = (it: QueueItem, withTestids = false) => {
    const out: HTMLElement[] = [];
    const id = (x: string): Record<string, string> => (withTestids ? { 'data-testid': x } : {});
    if (it.status === 'accepted') out.push(badge(t('badge.accepted'), 'badge-ok', id('badge-accepted')));
    if (it.assessment) out.push(badge(t('badge.verified'), 'badge-info', id('badge-verified')));
    else out.push(badge(t('badge.pending'), 'badge-muted', id('badge-pending')));
    if (it.discrepancies) out.push(badge(t('map.discrepancyN', { n: it.discrepancies }), 'badge-warn', id('badge-discrepancy')));
    return out;
  };

  const renderQueue = () => {
    const lang = getLang();
    const shown = items.filter(
      (it) => filter === 'all' || (filter === 'pending' && !it.assessment && it.status !== 'accepted') || (filter === 'discrepancy' && it.discrepancies > 0) || (filter === 'accepted' && it.status === 'accepted'),
    );
    counts.textContent = t('verify.counts', {
      n: formatInteger(items.length, lang),
      verified: formatInteger(items.filter((i) => i.assessment).length, lang),
      accepted: formatInteger(items.filter((i) => i.status === 'accepted').length, lang),
    });
    if (!shown.length) {
      queueList.replaceChildren(h('p', { class: 'muted empty-line', i18n: items.length ? 'verify.noneFiltered' : 'verify.none' }));
      return;
    }
    const byCounty = new Map<string, QueueItem[]>();
    for (const it of shown) {
      if (!byCounty.has(it.county)) byCounty.set(it.county, []);
      byCounty.get(it.county)!.push(it);
    }
    queueList.replaceChildren(
      ...[...byCounty.entries()].map(([county, list]) =>
        h(
          'div',
          { class: 'queue-group', role: 'group', 'aria-label': names.get(county) ?? county },
          h('div', { class: 'queue-county' }, h('span', {}, names.get(county) ?? county), h('span', { class: 'muted small' }, String(list.length))),
          ...list.map((it) =>
            h(
              'button',
              {
                type: 'button',
                role: 'listitem',
                class: `queue-item${it.code === selected ? ' active' : ''}`,
                'data-testid': `queue-${it.code}`,
                'data-status': it.status === 'accepted' ? 'accepted' : it.assessment ? 'verified' : 'pending',
                'data-disc': String(it.discrepancies),
                'aria-current': it.code === selected ? 'true' : undefined,
                onclick: () => select(it.code),
              },
              h('span', { class: 'queue-name' }, it.name, it.code.length === 6 ? h('small', { class: 'muted' }, ` ${t('verify.countyLevel')}`) : ''),
              h('span', { class: 'queue-badges' }, ...statusBadges(it)),
              h('span', { class: 'queue-meta muted small' }, `${stageLabel(it.report.stage)} · ${t('report.versionN', { n: it.report.version })} · ${formatDateTime(it.report.reported_at, lang)}`),
            ),
          ),
        ),
      ),
    );
  };
  ctx.onLang(renderQueue);

  // ---- detail ------------------------------------------------------------------------------------
  const detail = h('section', { class: 'card verify-detail', 'data-testid': 'verify-detail' });
  const valueInputs = new Map<Indicator, HTMLInputElement>();
  const reasonInputs = new Map<Indicator, HTMLInputElement>();
  const diffCells = new Map<Indicator, HTMLElement>();
  const rowNodes = new Map<Indicator, HTMLElement>();
  const valueErrors = new Map<Indicator, HTMLElement>();
  const reasonErrors = new Map<Indicator, HTMLElement>();
  let formError: HTMLElement | null = null;

  const current = () => items.find((i) => i.code === selected) ?? null;

  const updateRow = (ind: Indicator) => {
    const it = current();
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
    reason.disabled = !changed || it.status === 'accepted' || event?.status === 'closed';
    reason.placeholder = changed ? t('verify.reasonPlaceholder') : '';
  };

  /** Typed values survive a re-render of the same area (language switch, "show all"), not a reload. */
  let keepTyped = false;
  const renderDetail = () => {
    const it = current();
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
      detail.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: items.length ? 'verify.pick' : 'verify.none' })));
      return;
    }
    const lang = getLang();
    const reported = cleanFigures(it.report.indicators);
    const verified: Figures = it.assessment ? cleanFigures(it.assessment.indicators) : {};
    const reasons = it.assessment?.reasons ?? {};
    const locked = it.status === 'accepted';
    const closed = event?.status === 'closed';
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
      renderDetail();
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
            t('verify.reportLine', { county: names.get(it.county) ?? it.county, n: it.report.version, stage: stageLabel(it.report.stage), time: formatDateTime(it.report.reported_at, lang), by: it.report.reported_by }),
            it.assessment ? ` · ${t('verify.assessedLine', { time: formatDateTime(it.assessment.assessed_at, lang), by: it.assessment.assessed_by })}` : '',
          ),
        ),
        h('div', { class: 'queue-badges', 'data-testid': 'verify-badges' }, ...statusBadges(it, true)),
      ),
      locked ? h('div', { class: 'notice notice-ok', 'data-testid': 'verify-locked' }, t('verify.lockedNote')) : '',
      closed ? h('div', { class: 'notice notice-muted' }, t('report.closed')) : '',
      it.report.description ? h('p', { class: 'report-desc' }, it.report.description) : '',
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
    renderDetail();
  });

  const select = (code: string) => {
    selected = code;
    window.history.replaceState(null, '', `#/events/${eventId}/verify?area=${code}`);
    renderQueue();
    renderDetail();
    if (detail.getBoundingClientRect().top < 0) detail.scrollIntoView({ block: 'start' });
  };

  // ---- actions -----------------------------------------------------------------------------------
  const showError = (m: Msg | null) => {
    if (!formError) return;
    formError.hidden = !m;
    formError.textContent = m ? msgText(m) : '';
  };

  const saveAssessment = async (btn: HTMLButtonElement) => {
    const it = current();
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
    const it = current();
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
    const it = current();
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

  // ---- loading -------------------------------------------------------------------------------------
  const fetchAll = async () => {
    const [e, reports, assessments, towns, counties] = await Promise.all([
      disasterApi.event(eventId, { signal }),
      disasterApi.reports(eventId, undefined, { signal }),
      disasterApi.assessments(eventId, undefined, { signal }),
      disasterApi.summary(eventId, 'township', { signal }),
      disasterApi.summary(eventId, 'county', { signal }),
    ]);
    event = e;
    const summaries = new Map<string, AreaSummary>();
    for (const a of [...towns.areas, ...counties.areas]) {
      summaries.set(a.code, a);
      names.set(a.code, a.name);
    }
    const latestReport = new Map<string, LossReport>();
    const versionCount = new Map<string, number>();
    for (const r of [...reports].sort((a, b) => a.version - b.version)) {
      latestReport.set(r.area_code, r);
      versionCount.set(r.area_code, (versionCount.get(r.area_code) ?? 0) + 1);
    }
    const latestAssessment = new Map<string, Assessment>();
    for (const a of [...assessments].sort((x, y) => x.version - y.version || x.id - y.id)) latestAssessment.set(a.area_code, a);
    items = [...latestReport.entries()]
      .map(([code, report]) => {
        const s = summaries.get(code) ?? null;
        const assessment = latestAssessment.get(code) ?? null;
        return {
          code,
          name: s?.name ?? code,
          county: code.slice(0, 6),
          report,
          versions: versionCount.get(code) ?? 1,
          assessment,
          summary: s,
          status: (s?.accepted ? 'accepted' : assessment ? 'verified' : 'pending') as QueueStatus,
          // own figures only: reported vs the assessment of this area
          discrepancies: assessment
            ? (Object.entries(cleanFigures(assessment.indicators)) as Array<[Indicator, number]>).filter(([i, v]) => differs(i, cleanFigures(report.indicators)[i], v)).length
            : 0,
        };
      })
      .sort((a, b) => a.code.localeCompare(b.code));
  };

  const reload = async () => {
    try {
      await fetchAll();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
      return;
    }
    if (signal.aborted) return;
    renderQueue();
    renderDetail();
    page.dataset.version = String(Number(page.dataset.version ?? '0') + 1);
  };

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      await fetchAll();
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.status === 404) return inner.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: 'event.notFound' })));
      return inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
    }
    if (signal.aborted || !event) return;
    if (selected && !items.some((i) => i.code === selected)) selected = null;
    inner.replaceChildren(
      h('a', { href: `#/map?event=${eventId}`, class: 'crumb link', 'data-testid': 'back-to-map' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'report.backToMap' })),
      eventHeader(event),
      h('div', { class: 'verify-grid' }, queueCard, detail),
    );
    fillFilter();
    renderQueue();
    renderDetail();
    page.dataset.ready = 'true';
    page.dataset.version = '1';
  };
  void load();
}
