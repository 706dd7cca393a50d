// The campaign's map of need: counties coloured by persons needing winter–spring aid (冬春需救助人口),
// townships (points) as circles coloured and sized by theirs, counties whose figures are overdue
// outlined in red, names as the dashboard map shows them (DOM labels), a popup with an area's
// figures, and the legend of the classes.
import type { ExpressionSpecification } from 'maplibre-gl';
import { api } from '../../api';
import { choroplethBreaks, legendClasses, rampExpression } from '../../disasterrules';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { formatInteger } from '../../format';
import { bboxOfCollection, bboxOfGeometry, type AreaCollection } from '../../geo';
import { getLang, t } from '../../i18n';
import { COUNTY_LABEL_ZOOM, createLabelLayer, type MapLabel } from '../../maplabels';
import { TOWNSHIP_RADIUS } from '../../map/event';
import { createMap, maplibregl } from '../../map/setup';
import { figureCells, personsByArea, type AreaNeed } from '../../winterspring';
import { stateBadge } from './figures';

const SRC = { counties: 'ws-counties', townships: 'ws-townships' } as const;
const LAYERS = {
  countyFill: 'ws-county-fill',
  countyLine: 'ws-county-line',
  countyOverdue: 'ws-county-overdue',
  townships: 'ws-township-circle',
} as const;
const PERSONS = 'persons';
const OVERDUE = 'overdue';
const OVERDUE_LINE = '#c4271d';
const COUNTY_WITH_NEED = '#f6e3cf';
const NO_NEED = '#eef1f4';
/** Township names of areas with need show from this zoom (the city view is about 7.6). */
const NEED_LABEL_ZOOM = 8.4;

export interface NeedMap {
  el: HTMLElement;
  /** The need per township and per county (summaries of those levels). */
  setData(townships: readonly AreaNeed[], counties: readonly AreaNeed[]): void;
  relabel(): void;
}

function withPersons(fc: AreaCollection, persons: Map<string, number>, overdue: ReadonlySet<string> = new Set()): AreaCollection {
  return {
    ...fc,
    features: fc.features.map((f) => {
      const n = persons.get(f.properties.code);
      const props: Record<string, unknown> = { ...f.properties };
      if (n) props[PERSONS] = n;
      if (overdue.has(f.properties.code)) props[OVERDUE] = true;
      return { ...f, properties: props as unknown as typeof f.properties };
    }),
  };
}

export function needMap(ctx: { signal: AbortSignal; defer(fn: () => void): void }, campaignArea: string): NeedMap {
  const { signal } = ctx;
  const mapEl = h('div', { class: 'ws-map', 'data-testid': 'ws-map', style: 'position:absolute;inset:0' });
  const legend = h('div', { class: 'ws-legend', 'data-testid': 'ws-map-legend' });
  const el = h('div', { class: 'ws-map-wrap' }, mapEl, legend);
  const map = createMap(mapEl);
  window.jiuzaiMap = map;
  const labels = createLabelLayer(map);
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const prefix = campaignArea.replace(/(00)+$/, '');

  let counties: AreaCollection | null = null;
  let townships: AreaCollection | null = null;
  let countyRows: AreaRow[] = [];
  let needByCode = new Map<string, AreaNeed>();
  let breaks: number[] = [];
  let popup: maplibregl.Popup | null = null;

  const geo = Promise.all([
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'county' }, signal }),
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'township' }, signal }),
    disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
    loaded,
  ]).then(([c, tw, rows]) => {
    counties = { ...c, features: c.features.filter((f) => f.properties.code.startsWith(prefix)) };
    townships = { ...tw, features: tw.features.filter((f) => f.properties.code.startsWith(prefix)) };
    countyRows = rows;
    map.addSource(SRC.counties, { type: 'geojson', data: counties as GeoJSON.FeatureCollection });
    map.addSource(SRC.townships, { type: 'geojson', data: townships as GeoJSON.FeatureCollection });
    map.addLayer({ id: LAYERS.countyFill, type: 'fill', source: SRC.counties, paint: { 'fill-color': NO_NEED, 'fill-opacity': 0.9 } });
    map.addLayer({ id: LAYERS.countyLine, type: 'line', source: SRC.counties, paint: { 'line-color': '#6f8597', 'line-width': 1 } });
    map.addLayer({
      id: LAYERS.countyOverdue,
      type: 'line',
      source: SRC.counties,
      filter: ['has', OVERDUE],
      paint: { 'line-color': OVERDUE_LINE, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
    });
    map.addLayer({
      id: LAYERS.townships,
      type: 'circle',
      source: SRC.townships,
      filter: ['has', PERSONS],
      paint: { 'circle-color': '#b11f1a', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2, 'circle-radius': TOWNSHIP_RADIUS.min },
    });
    const box = bboxOfCollection(counties);
    if (box) map.fitBounds(box, { padding: 24, duration: 0 });
  });
  geo.catch(() => undefined);

  const renderLegend = () => {
    const lang = getLang();
    const rows = legendClasses(breaks, 1);
    legend.replaceChildren(
      h('div', { class: 'legend-subhead' }, t('ws.map.legend')),
      h(
        'ul',
        { class: 'legend' },
        ...rows.map((r) =>
          h(
            'li',
            {},
            h('span', { class: 'swatch', style: `background:${r.color}` }),
            h('span', {}, r.to === null ? `≥ ${formatInteger(r.from, lang)}` : r.to - 1 <= r.from ? formatInteger(r.from, lang) : `${formatInteger(r.from, lang)}–${formatInteger(r.to - 1, lang)}`),
          ),
        ),
        h('li', {}, h('span', { class: 'swatch', style: `background:${COUNTY_WITH_NEED}` }), h('span', {}, t('ws.map.countyWithNeed'))),
        h('li', {}, h('span', { class: 'swatch', style: `background:${NO_NEED}` }), h('span', {}, t('ws.map.none'))),
        h('li', {}, h('span', { class: 'swatch', style: `background:transparent;border:2px dashed ${OVERDUE_LINE}` }), h('span', {}, t('ws.state.overdue'))),
      ),
    );
  };

  const placeLabels = () => {
    const list: MapLabel[] = [];
    const points = new Map(countyRows.map((r) => [r.code, [r.lon, r.lat] as [number, number]]));
    for (const f of counties?.features ?? []) {
      const b = bboxOfGeometry(f.geometry);
      const at = points.get(f.properties.code) ?? (b ? ([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] as [number, number]) : null);
      if (at) list.push({ id: f.properties.code, text: f.properties.name, lngLat: at, kind: 'county', minZoom: COUNTY_LABEL_ZOOM, priority: 0 });
    }
    for (const f of townships?.features ?? []) {
      if (f.geometry?.type !== 'Point' || !needByCode.has(f.properties.code)) continue;
      const [lon, lat] = f.geometry.coordinates;
      list.push({ id: f.properties.code, text: f.properties.name, lngLat: [lon, lat], kind: 'township', minZoom: NEED_LABEL_ZOOM, priority: 1 });
    }
    labels.setLabels(list);
  };

  const setData = (tw: readonly AreaNeed[], co: readonly AreaNeed[]) => {
    needByCode = new Map([...tw, ...co].map((a) => [a.area_code, a]));
    void geo.then(() => {
      if (signal.aborted || !counties || !townships) return;
      const persons = personsByArea([...tw, ...co]);
      const overdue = new Set(co.filter((a) => a.overdue).map((a) => a.area_code));
      (map.getSource(SRC.counties) as maplibregl.GeoJSONSource).setData(withPersons(counties, persons, overdue) as GeoJSON.FeatureCollection);
      (map.getSource(SRC.townships) as maplibregl.GeoJSONSource).setData(withPersons(townships, persons) as GeoJSON.FeatureCollection);
      // The townships carry the classes; a county with need is only tinted (its sum would
      // swamp the townships' scale).
      breaks = choroplethBreaks(tw.map((a) => a.figures.persons), 5, true);
      map.setPaintProperty(LAYERS.countyFill, 'fill-color', ['case', ['has', PERSONS], COUNTY_WITH_NEED, NO_NEED]);
      map.setPaintProperty(LAYERS.townships, 'circle-color', rampExpression(PERSONS, breaks) as ExpressionSpecification);
      const largest = Math.max(1, ...tw.map((a) => a.figures.persons));
      const k = (TOWNSHIP_RADIUS.max - TOWNSHIP_RADIUS.min) / Math.sqrt(largest);
      map.setPaintProperty(LAYERS.townships, 'circle-radius', ['+', TOWNSHIP_RADIUS.min, ['*', k, ['sqrt', ['to-number', ['get', PERSONS], 0]]]]);
      renderLegend();
      placeLabels();
      map.once('idle', () => {
        if (!signal.aborted) mapEl.dataset.townships = String(tw.filter((a) => a.figures.persons > 0).length);
      });
    });
  };

  const popupFor = (code: string, name: string, at: maplibregl.LngLatLike) => {
    const lang = getLang();
    const need = needByCode.get(code);
    const c = need ? figureCells(need.figures, lang) : null;
    const body = h(
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
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '260px', offset: 8 }).setLngLat(at).setDOMContent(body).addTo(map);
  };
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: [LAYERS.townships, LAYERS.countyFill].filter((l) => map.getLayer(l)) })[0];
    if (!hit) return;
    const p = hit.properties as { code: string; name: string };
    popupFor(String(p.code), String(p.name), e.lngLat);
  });
  for (const layer of [LAYERS.townships, LAYERS.countyFill]) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }

  ctx.defer(() => {
    labels.destroy();
    popup?.remove();
    map.remove();
    if (window.jiuzaiMap === map) delete window.jiuzaiMap;
  });
  return {
    el,
    setData,
    relabel: () => {
      popup?.remove();
      renderLegend();
    },
  };
}
