// One event (#/events/{id}): the summary table by county, township or city with response levels,
// key figures, overdue, accepted and discrepancy markers; the level history; exports; and for
// managers the level override and the status change. Reviewers, auditors and admins read.
import {
  disasterApi,
  indicatorLabel,
  statusLabel,
  unitLabelOf,
  type AreaSummary,
  type DisasterEvent,
  type EventSummary,
  type LevelChange,
  type SummaryLevel,
} from '../disaster';
import { differs, formatFigure, indicatorUnit, isLevel, LEVELS, levelLabel, nextStatuses, responsesText, type EventStatus, type Indicator } from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort, serverFieldErrors } from '../errors';
import { eventHeader, levelChip, registerButtons } from '../eventui';
import { formatDateTime } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import { hasRole, REGISTER_READERS } from '../roles';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { badge, statusBlock } from '../widgets';

/** Columns of the summary table, in the order of the national quick report. */
export const SUMMARY_COLUMNS: readonly Indicator[] = ['affected', 'dead', 'missing', 'relocated', 'collapsed_rooms', 'crops_affected_ha', 'direct_loss_wan'];

const LEVEL_TABS: SummaryLevel[] = ['county', 'township', 'city'];

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const isManager = user.role === 'manager';
  const eventId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page event-page', 'data-testid': 'event-screen', 'data-event-id': String(eventId) }, inner);
  root.append(page);

  let event: DisasterEvent | null = null;
  let summary: EventSummary | null = null;
  let countySummary: EventSummary | null = null;
  let citySummary: EventSummary | null = null;
  let history: LevelChange[] = [];
  let level: SummaryLevel = (['county', 'township', 'city'] as string[]).includes(ctx.params.get('level') ?? '') ? (ctx.params.get('level') as SummaryLevel) : 'county';
  let onlyWithData = true;
  const names = new Map<string, string>();

  const remember = (s: EventSummary) => {
    for (const a of s.areas) names.set(a.code, a.name);
  };
  const nameOf = (code: string) => names.get(code) ?? code;

  // ---- header ------------------------------------------------------------------------------------
  const headerSlot = h('div', { class: 'slot' });
  const statusSelect = h('select', { class: 'select select-small', 'data-testid': 'event-status-select', 'aria-label': t('event.changeStatus') });
  const statusSubmit = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'event-status-submit', i18n: 'event.changeStatus' });

  const exportButton = (format: 'csv' | 'xlsx') => {
    const btn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `export-summary-${format}` }, format.toUpperCase());
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const name = await disasterApi.exportSummary(eventId, level, format, { signal });
        toast(t('export.done', { name }));
      } catch (err) {
        if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
        toast(t('export.failed', { message: errorText(err) }), 'error');
      } finally {
        btn.disabled = false;
      }
    });
    return btn;
  };

  const renderHeader = () => {
    if (!event) return;
    const actions: Node[] = [
      h('a', { class: 'btn btn-outline btn-small', href: `#/map?event=${eventId}`, 'data-testid': 'event-map-link', i18n: 'event.openMap' }),
      h('a', { class: 'btn btn-outline btn-small', href: `#/events/${eventId}/print?level=${level}`, 'data-testid': 'event-print-link', i18n: 'event.print' }),
    ];
    if (isManager) {
      actions.push(
        h('a', { class: 'btn btn-outline btn-small', href: `#/events/${eventId}/report`, 'data-testid': 'event-report-link', i18n: 'map.openReport' }),
        h('a', { class: 'btn btn-outline btn-small', href: `#/events/${eventId}/verify`, 'data-testid': 'event-verify-link', i18n: 'map.openVerify' }),
      );
    }
    const extra: Node[] = [];
    if (event.description) extra.push(h('p', { class: 'event-desc', 'data-testid': 'event-description' }, event.description));
    const responses = citySummary?.responses ?? summary?.responses ?? [];
    if (responses.length) {
      extra.push(
        h('p', { class: 'event-responses', 'data-testid': 'event-responses' },
          h('span', { class: 'muted' }, t('common.labelled', { label: t('event.responses'), value: '' })),
          responsesText(responses, getLang(), t)),
      );
    }
    if (hasRole(user, REGISTER_READERS)) extra.push(registerButtons(eventId, signal));
    if (isManager) {
      const options = nextStatuses(event.status);
      statusSelect.replaceChildren(...options.map((s) => h('option', { value: s }, statusLabel(s))));
      extra.push(
        h(
          'div',
          { class: 'status-change' },
          h('span', { class: 'muted', i18n: 'event.statusTo' }),
          statusSelect,
          statusSubmit,
        ),
      );
    }
    headerSlot.replaceChildren(
      eventHeader(event, {
        overall: citySummary?.overall_response_level ?? summary?.overall_response_level ?? null,
        actions: [...actions, h('span', { class: 'export-pair' }, h('span', { class: 'muted', i18n: 'event.export' }), exportButton('csv'), exportButton('xlsx'))],
        extra,
      }),
    );
  };
  ctx.onLang(renderHeader);

  statusSubmit.addEventListener('click', async () => {
    if (!event || !statusSelect.value) return;
    statusSubmit.disabled = true;
    try {
      event = await disasterApi.updateEvent(eventId, { status: statusSelect.value as EventStatus }, { signal });
      toast(t('event.statusChanged', { status: statusLabel(event.status) }));
      renderHeader();
      await refresh();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(errorText(err), 'error');
    } finally {
      statusSubmit.disabled = false;
    }
  });

  // ---- overdue banner -----------------------------------------------------------------------------
  const banner = h('div', { class: 'notice notice-danger', 'data-testid': 'overdue-banner', role: 'status', hidden: true });
  const renderBanner = () => {
    const lang = getLang();
    const overdue = (countySummary?.areas ?? []).filter((a) => a.overdue);
    banner.hidden = !overdue.length;
    banner.replaceChildren(
      h('strong', {}, t('event.overdueBanner', { n: overdue.length })),
      ...overdue.map((a) =>
        h(
          'span',
          { class: 'notice-item', 'data-testid': `overdue-${a.code}` },
          `${a.name} · ${t(a.overdue!.kind === 'initial' ? 'overdue.initial' : 'overdue.daily_update')} · ${t('overdue.dueAt', { time: formatDateTime(a.overdue!.due_at, lang) })}`,
        ),
      ),
    );
  };
  ctx.onLang(renderBanner);

  // ---- summary table ---------------------------------------------------------------------------
  const tabs = LEVEL_TABS.map((l) =>
    h('button', { type: 'button', role: 'tab', class: `seg-tab${l === level ? ' active' : ''}`, 'aria-selected': String(l === level), 'data-testid': `summary-level-${l}`, i18n: `summary.level.${l}` as MsgKey }),
  );
  const onlyData = h('input', { type: 'checkbox', checked: true, 'data-testid': 'summary-only-data' });
  const onlyDataLabel = h('label', { class: 'check' }, onlyData, h('span', { i18n: 'summary.onlyWithData' }));
  const table = h('table', { class: 'data-table summary-table', 'data-testid': 'summary-table' });
  const summaryNote = h('p', { class: 'muted small table-note', i18n: 'summary.note' });
  const summaryCard = h(
    'section',
    { class: 'card', 'data-testid': 'summary-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'summary.title' }), h('div', { class: 'filters' }, h('div', { class: 'seg-tabs compact', role: 'tablist' }, ...tabs), onlyDataLabel)),
    h('div', { class: 'table-wrap' }, table),
    summaryNote,
  );

  const figureCell = (a: AreaSummary, ind: Indicator) => {
    const lang = getLang();
    const v = a.figures[ind];
    const rep = a.reported[ind];
    const ver = a.verified[ind];
    const changed = differs(ind, rep, ver);
    return h(
      'td',
      { class: `num${changed ? ' verified-diff' : ''}`, 'data-testid': `cell-${a.code}-${ind}`, title: changed ? t('summary.diffTitle', { reported: formatFigure(rep, ind, lang), verified: formatFigure(ver, ind, lang) }) : undefined },
      typeof v === 'number' ? formatFigure(v, ind, lang) : h('span', { class: 'muted' }, '—'),
      changed ? h('sup', { class: 'diff-mark' }, '≠') : '',
    );
  };

  const renderTable = () => {
    if (!summary) return;
    const lang = getLang();
    const showLevel = level !== 'township';
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, t('summary.area')),
      showLevel ? h('th', { scope: 'col' }, t('summary.responseLevel')) : '',
      ...SUMMARY_COLUMNS.map((i) => h('th', { scope: 'col', class: 'num' }, indicatorLabel(i), h('div', { class: 'th-unit' }, unitLabelOf(indicatorUnit(i))))),
      h('th', { scope: 'col' }, t('summary.status')),
      isManager && showLevel ? h('th', { scope: 'col', class: 'actions' }, t('common.actions')) : '',
    );
    let rows = summary.areas;
    if (level === 'township' && onlyWithData) rows = rows.filter((a) => Object.keys(a.figures).length || a.overdue);
    const cols = 2 + SUMMARY_COLUMNS.length + (showLevel ? 1 : 0) + (isManager && showLevel ? 1 : 0);
    const body = rows.length
      ? rows.map((a) => {
          const flags: Node[] = [];
          if (a.overdue) flags.push(badge(t(a.overdue.kind === 'initial' ? 'overdue.initial' : 'overdue.daily_update'), 'badge-danger', { 'data-testid': `flag-overdue-${a.code}`, title: t('overdue.dueAt', { time: formatDateTime(a.overdue.due_at, lang) }) }));
          if (a.accepted) flags.push(badge(t('badge.accepted'), 'badge-ok', { 'data-testid': `flag-accepted-${a.code}` }));
          else if (Object.keys(a.verified).length) flags.push(badge(t('badge.verified'), 'badge-info', { 'data-testid': `flag-verified-${a.code}` }));
          if (a.discrepancies.length)
            flags.push(badge(t('map.discrepancyN', { n: a.discrepancies.length }), 'badge-warn', { 'data-testid': `flag-disc-${a.code}`, title: a.discrepancies.map(indicatorLabel).join('、') }));
          const overrideBtn =
            isManager && showLevel
              ? h('td', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `override-open-${a.code}`, onclick: () => openOverride(a.code) }, t('override.open')))
              : '';
          return h(
            'tr',
            { 'data-testid': `summary-row-${a.code}`, 'data-level': String(a.response_level ?? 'none'), class: !Object.keys(a.figures).length && !a.overdue ? 'row-muted' : undefined },
            h(
              'td',
              { class: 'area-cell' },
              h('span', { class: Object.keys(a.figures).length ? 'strong' : undefined }, a.name),
              h('span', { class: 'area-code mono muted small' }, a.code),
              level === 'township' && a.parent_code ? h('div', { class: 'muted small' }, nameOf(a.parent_code)) : '',
            ),
            showLevel ? h('td', {}, levelChip(a.response_level, a.overridden, `level-${a.code}`)) : '',
            ...SUMMARY_COLUMNS.map((i) => figureCell(a, i)),
            h('td', { class: 'flags-cell' }, flags.length ? h('div', { class: 'flags' }, ...flags) : h('span', { class: 'muted' }, '—')),
            overrideBtn,
          );
        })
      : [h('tr', {}, h('td', { colspan: cols, class: 'empty-cell' }, t('summary.empty')))];
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
    onlyDataLabel.hidden = level !== 'township';
    table.dataset.level = level;
  };
  ctx.onLang(renderTable);

  tabs.forEach((tab, i) =>
    tab.addEventListener('click', async () => {
      level = LEVEL_TABS[i];
      tabs.forEach((x, j) => {
        x.classList.toggle('active', i === j);
        x.setAttribute('aria-selected', String(i === j));
      });
      history_replace();
      await loadSummary();
      renderHeader();
    }),
  );
  onlyData.addEventListener('change', () => {
    onlyWithData = onlyData.checked;
    renderTable();
  });
  const history_replace = () => window.history.replaceState(null, '', `#/events/${eventId}${level === 'county' ? '' : `?level=${level}`}`);

  // ---- override (managers) ---------------------------------------------------------------------
  const ovArea = h('select', { class: 'select', 'data-testid': 'override-area', id: 'override-area' });
  const ovLevel = h('select', { class: 'select', 'data-testid': 'override-level', id: 'override-level' });
  const ovReason = h('input', { type: 'text', class: 'input', maxlength: 500, 'data-testid': 'override-reason', id: 'override-reason', autocomplete: 'off', i18nPlaceholder: 'override.reasonPlaceholder' });
  const ovCurrent = h('div', { class: 'field-hint', 'data-testid': 'override-current' });
  const ovError = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'override-error' });
  const ovSubmit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'override-submit', i18n: 'override.submit' });
  const ovForm = h(
    'form',
    { class: 'override-form', novalidate: true, 'data-testid': 'override-form' },
    h('div', { class: 'field' }, h('label', { for: ovArea.id, i18n: 'summary.area' }), ovArea, ovCurrent),
    h('div', { class: 'field' }, h('label', { for: ovLevel.id, i18n: 'override.level' }), ovLevel),
    h('div', { class: 'field field-grow' }, h('label', { for: ovReason.id, i18n: 'override.reason' }), ovReason),
    h('div', { class: 'form-actions' }, ovSubmit),
  );
  const overrideCard = h(
    'section',
    { class: 'card', 'data-testid': 'override-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'override.title' }), h('p', { class: 'card-sub muted', i18n: 'override.hint' }))),
    h('div', { class: 'card-body' }, ovForm, ovError),
  );

  const overridable = (): AreaSummary[] => [...(citySummary?.areas ?? []), ...(countySummary?.areas ?? [])];
  const fillOverride = () => {
    const keep = ovArea.value;
    const lang = getLang();
    const list = overridable();
    ovArea.replaceChildren(...list.map((a) => h('option', { value: a.code }, `${a.name}（${levelLabel(a.response_level, lang)}）`)));
    ovArea.value = list.some((a) => a.code === keep) ? keep : (list[0]?.code ?? '');
    const keepLevel = ovLevel.value;
    ovLevel.replaceChildren(...LEVELS.map((l) => h('option', { value: String(l) }, levelLabel(l, lang))), h('option', { value: 'clear' }, t('override.clear')));
    ovLevel.value = keepLevel || '1';
    showCurrent();
  };
  const showCurrent = () => {
    const a = overridable().find((x) => x.code === ovArea.value);
    const lang = getLang();
    ovCurrent.textContent = a
      ? t('override.current', { level: levelLabel(a.response_level, lang), computed: levelLabel(a.computed_level, lang) }) + (a.overridden ? ` · ${t('override.isOverridden')}` : '')
      : '';
  };
  ovArea.addEventListener('change', showCurrent);
  ctx.onLang(fillOverride);

  const openOverride = (code: string) => {
    ovArea.value = code;
    showCurrent();
    overrideCard.scrollIntoView({ behavior: 'smooth', block: 'center' });
    ovReason.focus();
  };

  ovForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reason = ovReason.value.trim();
    const lvl = ovLevel.value === 'clear' ? null : Number(ovLevel.value);
    const problems: string[] = [];
    if (!ovArea.value) problems.push(t('override.err.area'));
    if (lvl !== null && !isLevel(lvl)) problems.push(t('override.err.level'));
    if (!reason) problems.push(t('override.err.reason'));
    ovError.hidden = !problems.length;
    ovError.textContent = problems.join('；');
    ovReason.classList.toggle('invalid-input', !reason);
    if (problems.length) return;
    ovSubmit.disabled = true;
    try {
      await disasterApi.overrideLevel(eventId, { area_code: ovArea.value, level: lvl, reason }, { signal });
      toast(lvl === null ? t('override.cleared', { area: nameOf(ovArea.value) }) : t('override.done', { area: nameOf(ovArea.value), level: levelLabel(lvl, getLang()) }));
      ovReason.value = '';
      await refresh();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      const details = err instanceof ApiError ? serverFieldErrors(err.details).map((d) => d.reason) : [];
      ovError.hidden = false;
      ovError.textContent = details.length ? details.join('；') : errorText(err);
    } finally {
      ovSubmit.disabled = false;
    }
  });

  // ---- level history -----------------------------------------------------------------------------
  const historyTable = h('table', { class: 'data-table', 'data-testid': 'level-history' });
  const historyCard = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'history.levelsTitle' })), h('div', { class: 'table-wrap' }, historyTable));
  const sourceBadge = (s: string) => {
    const key = `levelSource.${s}` as MsgKey;
    const text = t(key) === key ? s : t(key);
    return badge(text, s === 'computed' ? 'badge-muted' : s === 'override' ? 'badge-warn' : 'badge-soft');
  };
  const renderHistory = () => {
    const lang = getLang();
    const rows = [...history].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
    historyTable.replaceChildren(
      h(
        'thead',
        {},
        h('tr', {}, ...(['history.time', 'summary.area', 'summary.responseLevel', 'history.source', 'override.reason', 'history.actor'] as MsgKey[]).map((k) => h('th', { scope: 'col' }, t(k)))),
      ),
      h(
        'tbody',
        {},
        ...(rows.length
          ? rows.map((x) =>
              h(
                'tr',
                { 'data-testid': `history-row-${x.id}`, 'data-source': x.source },
                h('td', { class: 'nowrap' }, formatDateTime(x.at, lang)),
                h('td', {}, nameOf(x.area_code), h('span', { class: 'mono muted small' }, ` ${x.area_code}`)),
                h('td', {}, levelChip(x.level)),
                h('td', {}, sourceBadge(x.source)),
                h('td', { class: 'details-cell' }, x.reason ?? ''),
                h('td', { class: 'nowrap' }, x.actor_name === 'system' ? t('history.system') : x.actor_name),
              ),
            )
          : [h('tr', {}, h('td', { colspan: 6, class: 'empty-cell' }, t('history.empty')))]),
      ),
    );
  };
  ctx.onLang(renderHistory);

  // ---- loading ------------------------------------------------------------------------------------
  const loadSummary = async () => {
    table.classList.add('loading');
    try {
      const s = level === 'county' && countySummary ? countySummary : level === 'city' && citySummary ? citySummary : await disasterApi.summary(eventId, level, { signal });
      if (signal.aborted) return;
      summary = s;
      remember(s);
      renderTable();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    } finally {
      table.classList.remove('loading');
    }
  };

  /** After an override or a status change: every figure and level again. */
  const refresh = async () => {
    try {
      const [c, city, hist] = await Promise.all([
        disasterApi.summary(eventId, 'county', { signal }),
        disasterApi.summary(eventId, 'city', { signal }),
        disasterApi.levels(eventId, { signal }),
      ]);
      if (signal.aborted) return;
      countySummary = c;
      citySummary = city;
      history = hist;
      remember(c);
      remember(city);
      if (level !== 'township') summary = level === 'county' ? c : city;
      else summary = await disasterApi.summary(eventId, 'township', { signal });
      renderHeader();
      renderBanner();
      renderTable();
      renderHistory();
      if (isManager) fillOverride();
      page.dataset.version = String(Number(page.dataset.version ?? '0') + 1);
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    }
  };

  const load = async () => {
    if (!Number.isInteger(eventId) || eventId <= 0) return inner.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: 'event.notFound' })));
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      const [c, city, hist] = await Promise.all([
        disasterApi.summary(eventId, 'county', { signal }),
        disasterApi.summary(eventId, 'city', { signal }),
        disasterApi.levels(eventId, { signal }),
      ]);
      countySummary = c;
      citySummary = city;
      history = hist;
      event = c.event;
      remember(c);
      remember(city);
      summary = level === 'county' ? c : level === 'city' ? city : await disasterApi.summary(eventId, 'township', { signal });
      remember(summary);
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.status === 404) return inner.replaceChildren(h('div', { class: 'empty-state', 'data-testid': 'event-problem' }, h('p', { i18n: 'event.notFound' })));
      return inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
    }
    if (signal.aborted) return;
    inner.replaceChildren(
      h('a', { href: '#/events', class: 'crumb link', 'data-testid': 'back-to-events' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'nav.events' })),
      headerSlot,
      banner,
      summaryCard,
      isManager ? overrideCard : '',
      historyCard,
    );
    renderHeader();
    renderBanner();
    renderTable();
    renderHistory();
    if (isManager) fillOverride();
    page.dataset.ready = 'true';
    page.dataset.version = '1';
  };
  void load();
}

