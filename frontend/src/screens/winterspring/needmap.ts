// The campaign's map of need, on the township map (map/townshipmap.ts): counties coloured by persons needing winter–spring aid (冬春需救助人口),
// townships (points) as circles coloured and sized by theirs, counties whose figures are overdue
// outlined in red, names as the dashboard map shows them (DOM labels), a popup with an area's
// figures, and the legend of the classes.
import type { ExpressionSpecification } from 'maplibre-gl';
import { choroplethBreaks, legendClasses, rampExpression } from '../../disasterrules';
import { h } from '../../dom';
import { formatInteger } from '../../format';
import { getLang, t } from '../../i18n';
import { TOWNSHIP_RADIUS } from '../../map/event';
import { TOWNSHIP_MAP_COLORS, townshipMap } from '../../map/townshipmap';
import { figureCells, personsByArea, type AreaNeed } from '../../winterspring';
import { stateBadge } from './figures';

const PERSONS = 'persons';
const OVERDUE = 'overdue';

export interface NeedMap {
  el: HTMLElement;
  /** The need per township and per county (summaries of those levels). */
  setData(townships: readonly AreaNeed[], counties: readonly AreaNeed[]): void;
  relabel(): void;
}

export function needMap(ctx: { signal: AbortSignal; defer(fn: () => void): void }, campaignArea: string): NeedMap {
  let needByCode = new Map<string, AreaNeed>();
  let breaks: number[] = [];

  const popup = ({ code, name }: { code: string; name: string }) => {
    const need = needByCode.get(code);
    const c = need ? figureCells(need.figures, getLang()) : null;
    return h(
      'div',
      { class: 'area-popup', 'data-testid': 'ws-map-popup' },
      h('strong', {}, name),
      need && (need.overdue || need.late) ? h('p', {}, stateBadge(need)) : null,
      c
        ? h(
            'dl',
            {},
            ...([
              ['ws.col.persons', c.persons],
              ['ws.col.food', c.food],
              ['ws.col.clothing', c.clothing],
              ['ws.col.heating', c.heating],
              ['ws.col.housing', c.housing],
              ['ws.col.households', c.households],
            ] as const).map(([k, v]) => h('div', { class: 'popup-row' }, h('dt', {}, t(k)), h('dd', {}, v))),
          )
        : h('p', { class: 'muted' }, t('ws.map.none')),
    );
  };

  const tm = townshipMap(ctx, {
    prefix: 'ws',
    within: campaignArea,
    countyKey: PERSONS,
    // Counties whose figures are overdue outlined; townships with need as circles (styled by setData).
    layers: (ids) => [
      {
        id: ids.layer('county-overdue'),
        type: 'line',
        source: ids.counties,
        filter: ['has', OVERDUE],
        paint: { 'line-color': TOWNSHIP_MAP_COLORS.overdue, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
      },
      {
        id: ids.townshipLayer,
        type: 'circle',
        source: ids.townships,
        filter: ['has', PERSONS],
        paint: { 'circle-color': '#b11f1a', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2, 'circle-radius': TOWNSHIP_RADIUS.min },
      },
    ],
    named: (code) => needByCode.has(code),
    popup,
    legend: () => {
      const lang = getLang();
      return {
        title: t('ws.map.legend'),
        rows: [
          ...legendClasses(breaks, 1).map((r) => ({
            style: `background:${r.color}`,
            text: r.to === null ? `≥ ${formatInteger(r.from, lang)}` : r.to - 1 <= r.from ? formatInteger(r.from, lang) : `${formatInteger(r.from, lang)}–${formatInteger(r.to - 1, lang)}`,
          })),
          { style: `background:${TOWNSHIP_MAP_COLORS.countyWith}`, text: t('ws.map.countyWithNeed') },
          { style: `background:${TOWNSHIP_MAP_COLORS.none}`, text: t('ws.map.none') },
          { style: `background:transparent;border:2px dashed ${TOWNSHIP_MAP_COLORS.overdue}`, text: t('ws.state.overdue') },
        ],
      };
    },
  });

  const setData = (tw: readonly AreaNeed[], co: readonly AreaNeed[]) => {
    needByCode = new Map([...tw, ...co].map((a) => [a.area_code, a]));
    const persons = personsByArea([...tw, ...co]);
    const overdue = new Set(co.filter((a) => a.overdue).map((a) => a.area_code));
    // The townships carry the classes; a county with need is only tinted (its sum would swamp the townships' scale).
    breaks = choroplethBreaks(tw.map((a) => a.figures.persons), 5, true);
    const largest = Math.max(1, ...tw.map((a) => a.figures.persons));
    const k = (TOWNSHIP_RADIUS.max - TOWNSHIP_RADIUS.min) / Math.sqrt(largest);
    void tm.ready.then(() => {
      if (ctx.signal.aborted) return;
      tm.map.setPaintProperty(tm.ids.townshipLayer, 'circle-color', rampExpression(PERSONS, breaks) as ExpressionSpecification);
      tm.map.setPaintProperty(tm.ids.townshipLayer, 'circle-radius', ['+', TOWNSHIP_RADIUS.min, ['*', k, ['sqrt', ['to-number', ['get', PERSONS], 0]]]]);
      tm.renderLegend();
    });
    tm.setProperties(
      (code, level) => ({ [PERSONS]: persons.get(code), [OVERDUE]: level === 'county' && overdue.has(code) }),
      () => (tm.mapEl.dataset.townships = String(tw.filter((a) => a.figures.persons > 0).length)),
    );
  };

  return { el: tm.el, setData, relabel: tm.relabel };
}
