// The map of rebuilding progress (#/rebuild?view=map), on the township map (map/townshipmap.ts):
// counties with rebuild cases tinted, townships (points) as circles coloured by the share of their
// houses accepted (none, under half, half or more, all) and sized by their cases, townships with
// overdue cases ringed in dashed red, names as DOM labels, and a popup naming the township and its
// county with the counts (never a code).
import type { ExpressionSpecification } from 'maplibre-gl';
import { h } from '../../dom';
import { formatInteger, formatPercent } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { TOWNSHIP_RADIUS } from '../../map/event';
import { TOWNSHIP_MAP_COLORS, townshipMap } from '../../map/townshipmap';
import { countyOf, progressClass, PROGRESS_CLASSES, PROGRESS_COLORS, townshipProgress, type Case, type TownshipProgress } from '../../rebuild';
import { statusText } from './common';

export interface ProgressMap {
  el: HTMLElement;
  setData(cases: readonly Case[], names: ReadonlyMap<string, string>): void;
  relabel(): void;
}

export function progressMap(ctx: { signal: AbortSignal; defer(fn: () => void): void }): ProgressMap {
  let progress = new Map<string, TownshipProgress>();
  let names: ReadonlyMap<string, string> = new Map();

  const row = (k: MsgKey, v: string, testid?: string) => h('div', { class: 'popup-row' }, h('dt', {}, t(k)), h('dd', testid ? { 'data-testid': testid } : {}, v));
  /** A township's counts, or a county's summed over its townships. */
  const popup = ({ code, name, level }: { code: string; name: string; level: 'county' | 'township' }) => {
    const lang = getLang();
    const mine = level === 'township' ? [progress.get(code)].filter((p): p is TownshipProgress => !!p) : [...progress.values()].filter((p) => countyOf(p.code) === code);
    const total = mine.reduce((s, p) => s + p.total, 0);
    const accepted = mine.reduce((s, p) => s + p.accepted, 0);
    const overdue = mine.reduce((s, p) => s + p.overdue, 0);
    const county = level === 'township' ? names.get(countyOf(code)) : undefined;
    const one = level === 'township' ? mine[0] : undefined;
    return h(
      'div',
      { class: 'area-popup', 'data-testid': 'rb-map-popup', 'data-code': code },
      h('h3', {}, name),
      h(
        'dl',
        {},
        county ? row('rb.map.county', county) : '',
        ...(total
          ? [
              row('rb.map.cases', formatInteger(total, lang)),
              row('rb.map.accepted', t('rb.map.share', { n: formatInteger(accepted, lang), total: formatInteger(total, lang), pct: formatPercent(accepted / total, lang) }), one ? 'rb-popup-accepted' : undefined),
              overdue ? row('rb.map.overdueN', formatInteger(overdue, lang)) : '',
              one?.failed ? row('rb.map.failed', formatInteger(one.failed, lang)) : '',
              one ? row('rb.map.worst', statusText(one.worst)) : '',
            ]
          : [row('rb.map.cases', t('rb.map.noCases'))]),
      ),
    );
  };

  // Townships coloured by the share of their houses accepted, sized by their cases, overdue ones ringed.
  const radius: ExpressionSpecification = ['+', TOWNSHIP_RADIUS.min + 2, ['*', 2.2, ['sqrt', ['to-number', ['get', 'cases'], 0]]]];
  const tm = townshipMap(ctx, {
    prefix: 'rb',
    countyKey: 'cases',
    layers: (ids) => [
      {
        id: ids.layer('township-overdue'),
        type: 'circle',
        source: ids.townships,
        filter: ['has', 'overdue'],
        paint: { 'circle-radius': ['+', radius, 4], 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': TOWNSHIP_MAP_COLORS.overdue, 'circle-stroke-width': 2.2 },
      },
      {
        id: ids.townshipLayer,
        type: 'circle',
        source: ids.townships,
        filter: ['has', 'cases'],
        paint: {
          'circle-color': ['match', ['get', 'class'], ...PROGRESS_CLASSES.flatMap((k) => [k, PROGRESS_COLORS[k]]), '#999999'] as unknown as ExpressionSpecification,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.2,
          'circle-radius': radius,
        },
      },
    ],
    named: (code) => progress.has(code),
    popup,
    legend: () => ({
      title: t('rb.map.legend'),
      rows: [
        ...PROGRESS_CLASSES.map((k) => ({ style: `background:${PROGRESS_COLORS[k]}`, dot: true, text: t(`rb.map.${k}` as MsgKey), testid: `rb-legend-${k}` })),
        { style: `background:transparent;border:2px solid ${TOWNSHIP_MAP_COLORS.overdue}`, dot: true, text: t('rb.map.overdue'), testid: 'rb-legend-overdue' },
        { style: `background:${TOWNSHIP_MAP_COLORS.countyWith}`, text: t('rb.map.countyWith') },
      ],
    }),
  });
  tm.renderLegend();

  const setData = (cases: readonly Case[], areaNames: ReadonlyMap<string, string>) => {
    progress = townshipProgress(cases);
    names = areaNames;
    const perCounty = new Map<string, number>();
    for (const p of progress.values()) perCounty.set(countyOf(p.code), (perCounty.get(countyOf(p.code)) ?? 0) + p.total);
    tm.setProperties(
      (code, level) => {
        if (level === 'county') return { cases: perCounty.get(code) };
        const p = progress.get(code);
        return p && { cases: p.total, class: progressClass(p), overdue: p.overdue };
      },
      () => {
        tm.mapEl.dataset.townships = String(progress.size);
        tm.mapEl.dataset.classes = [...progress.values()].map((p) => `${p.code}:${progressClass(p)}`).join(',');
      },
    );
  };

  return { el: tm.el, setData, relabel: tm.relabel };
}
