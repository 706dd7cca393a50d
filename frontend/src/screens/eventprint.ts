// Printable summary (#/events/{id}/print): a clean A4 (landscape) table with the title, the
// generation time in Beijing time and a "虚构演示" label for demo events. On paper only the sheet
// is printed: the header, the toolbar and the toasts are hidden by the @media print rules.
import { disasterApi, hazardLabel, indicatorLabel, statusLabel, unitLabelOf, type AreaSummary, type EventSummary, type SummaryLevel } from '../disaster';
import { formatFigure, indicatorUnit, isFictional, levelLabel, responseLabel, type Indicator } from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatDateTime } from '../format';
import { getLang, t } from '../i18n';
import type { ScreenContext } from '../screen';
import { statusBlock } from '../widgets';

export const PRINT_COLUMNS: readonly Indicator[] = [
  'affected',
  'dead',
  'missing',
  'relocated',
  'needing_emergency_aid',
  'collapsed_rooms',
  'severe_rooms',
  'crops_affected_ha',
  'crops_lost_ha',
  'direct_loss_wan',
];

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const eventId = Number(ctx.args.id);
  const level: SummaryLevel = ctx.params.get('level') === 'township' ? 'township' : 'county';
  const inner = h('div', { class: 'print-inner' });
  const page = h('div', { class: 'page print-page', 'data-testid': 'print-screen' }, inner);
  root.append(page);

  let summary: EventSummary | null = null;
  let city: EventSummary | null = null;
  let generatedAt = new Date().toISOString();

  const remark = (a: AreaSummary) => {
    const parts: string[] = [];
    if (a.overdue) parts.push(t(a.overdue.kind === 'initial' ? 'overdue.initial' : 'overdue.daily_update'));
    if (a.accepted) parts.push(t('badge.accepted'));
    if (a.discrepancies.length) parts.push(t('map.discrepancyN', { n: a.discrepancies.length }));
    if (a.overridden) parts.push(t('level.overridden'));
    return parts.join('；');
  };

  const render = () => {
    if (!summary) return;
    const lang = getLang();
    const e = summary.event;
    const showLevel = level !== 'township';
    const rows = level === 'township' ? summary.areas.filter((a) => Object.keys(a.figures).length || a.overdue) : summary.areas;
    const names = new Map((summary.areas ?? []).map((a) => [a.code, a.name]));
    const total = city?.areas[0];
    const cell = (v: number | undefined, i: Indicator) => h('td', { class: 'num' }, typeof v === 'number' ? formatFigure(v, i, lang) : '');

    const toolbar = h(
      'div',
      { class: 'print-toolbar no-print', 'data-testid': 'print-toolbar' },
      h('a', { class: 'link', href: `#/events/${eventId}`, 'data-testid': 'print-back' }, `← ${t('print.back')}`),
      h(
        'div',
        { class: 'seg-tabs compact' },
        ...(['county', 'township'] as SummaryLevel[]).map((l) =>
          h('a', { class: `seg-tab${l === level ? ' active' : ''}`, href: `#/events/${eventId}/print?level=${l}`, 'data-testid': `print-level-${l}` }, t(`summary.level.${l}` as 'summary.level.county')),
        ),
      ),
      h('span', { class: 'muted small', i18n: 'print.hint' }),
      h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'print-button', onclick: () => window.print() }, t('print.print')),
    );

    const sheet = h(
      'article',
      { class: 'print-sheet', 'data-testid': 'print-sheet' },
      h(
        'header',
        { class: 'print-head' },
        isFictional(e) ? h('div', { class: 'print-fictional', 'data-testid': 'print-fictional' }, t('event.fictional')) : '',
        h('h1', { 'data-testid': 'print-title' }, t('print.title', { name: e.name })),
        h(
          'div',
          { class: 'print-meta' },
          h('span', {}, t('common.labelled', { label: t('event.hazard'), value: hazardLabel(e.hazard) })),
          h('span', {}, t('common.labelled', { label: t('event.onset'), value: `${formatDateTime(e.onset_at, lang)} ${t('common.beijing')}` })),
          h('span', {}, t('common.labelled', { label: t('event.status'), value: statusLabel(e.status) })),
          h('span', { 'data-testid': 'print-overall' }, t('common.labelled', { label: t('map.overallLevel'), value: responseLabel(city?.overall_response_level ?? summary.overall_response_level, lang) })),
          h('span', {}, t('common.labelled', { label: t('print.scope'), value: t(`summary.level.${level}` as 'summary.level.county') })),
        ),
      ),
      h(
        'table',
        { class: 'print-table', 'data-testid': 'print-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { class: 'area' }, t('summary.area')),
            level === 'township' ? h('th', {}, t('print.county')) : '',
            showLevel ? h('th', {}, t('summary.responseLevel')) : '',
            ...PRINT_COLUMNS.map((i) => h('th', { class: 'num' }, indicatorLabel(i), h('span', { class: 'th-unit' }, `（${unitLabelOf(indicatorUnit(i))}）`))),
            h('th', {}, t('print.remark')),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((a) =>
            h(
              'tr',
              { 'data-testid': `print-row-${a.code}` },
              h('td', { class: 'area' }, a.name),
              level === 'township' ? h('td', {}, a.parent_code ? (names.get(a.parent_code) ?? countyName(a.parent_code)) : '') : '',
              showLevel ? h('td', { class: 'level' }, a.response_level ? levelLabel(a.response_level, lang) : '—') : '',
              ...PRINT_COLUMNS.map((i) => cell(a.figures[i], i)),
              h('td', { class: 'remark' }, remark(a)),
            ),
          ),
        ),
        total
          ? h(
              'tfoot',
              {},
              h(
                'tr',
                { 'data-testid': 'print-total' },
                h('td', { class: 'area' }, t('print.total', { name: total.name })),
                level === 'township' ? h('td', {}, '') : '',
                showLevel ? h('td', { class: 'level' }, total.response_level ? levelLabel(total.response_level, lang) : '—') : '',
                ...PRINT_COLUMNS.map((i) => cell(total.figures[i], i)),
                h('td', {}, ''),
              ),
            )
          : '',
      ),
      h(
        'footer',
        { class: 'print-foot' },
        h('p', { class: 'print-note' }, t('print.note')),
        h(
          'div',
          { class: 'print-sign' },
          h('span', {}, `${t('print.unit')}：`),
          h('span', {}, `${t('print.reviewer')}：`),
          h('span', {}, `${t('print.signer')}：`),
        ),
        h('p', { class: 'print-generated', 'data-testid': 'print-generated', 'data-at': generatedAt }, t('print.generated', { time: `${formatDateTime(generatedAt, lang)} ${t('common.beijing')}` })),
      ),
    );
    inner.replaceChildren(toolbar, sheet);
  };

  // Township rows name their county: from the county summary when the township one lacks it.
  const countyNames = new Map<string, string>();
  const countyName = (code: string) => countyNames.get(code) ?? code;

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      const [s, c, counties] = await Promise.all([
        disasterApi.summary(eventId, level, { signal }),
        disasterApi.summary(eventId, 'city', { signal }),
        level === 'township' ? disasterApi.summary(eventId, 'county', { signal }) : Promise.resolve(null),
      ]);
      summary = s;
      city = c;
      for (const a of counties?.areas ?? []) countyNames.set(a.code, a.name);
      generatedAt = new Date().toISOString();
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
      return;
    }
    if (signal.aborted) return;
    document.body.classList.add('printing-view');
    render();
    page.dataset.ready = 'true';
  };
  void load();

  ctx.onLang(render);
  ctx.defer(() => document.body.classList.remove('printing-view'));
}
