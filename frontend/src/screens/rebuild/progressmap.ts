// The map of rebuilding progress (#/rebuild?view=map), made like the winter–spring map of need:
// counties with rebuild cases tinted, townships (points) as circles coloured by the share of their
// houses accepted (none, under half, half or more, all) and sized by their cases, townships with
// overdue cases ringed in dashed red, names as DOM labels, and a popup naming the township and its
// county with the counts (never a code).
import type { ExpressionSpecification } from 'maplibre-gl';
import { api } from '../../api';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { formatInteger, formatPercent } from '../../format';
import { bboxOfCollection, bboxOfGeometry, type AreaCollection } from '../../geo';
import { getLang, t, type MsgKey } from '../../i18n';
import { COUNTY_LABEL_ZOOM, createLabelLayer, type MapLabel } from '../../maplabels';
import { TOWNSHIP_RADIUS } from '../../map/event';
import { createMap, maplibregl } from '../../map/setup';
import { countyOf, progressClass, PROGRESS_CLASSES, PROGRESS_COLORS, townshipProgress, type Case, type TownshipProgress } from '../../rebuild';
import { statusText } from './common';

const SRC = { counties: 'rb-counties', townships: 'rb-townships' } as const;
const LAYERS = {
  countyFill: 'rb-county-fill',
  countyLine: 'rb-county-line',
  overdueRing: 'rb-township-overdue',
  townships: 'rb-township-circle',
} as const;
const OVERDUE_LINE = '#c4271d';
const COUNTY_WITH = '#f6e3cf';
const NO_CASES = '#eef1f4';
const LABEL_ZOOM = 8.4;

export interface ProgressMap {
  el: HTMLElement;
  setData(cases: readonly Case[], names: ReadonlyMap<string, string>): void;
  relabel(): void;
}

export function progressMap(ctx: { signal: AbortSignal; defer(fn: () => void): void }): ProgressMap {
  const { signal } = ctx;
  const mapEl = h('div', { class: 'rb-map', 'data-testid': 'rb-map', style: 'position:absolute;inset:0' });
  const legend = h('div', { class: 'rb-legend', 'data-testid': 'rb-map-legend' });
  const el = h('div', { class: 'rb-map-wrap' }, mapEl, legend);
  const map = createMap(mapEl);
  window.jiuzaiMap = map;
  const labels = createLabelLayer(map);
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));

  let counties: AreaCollection | null = null;
  let townships: AreaCollection | null = null;
  let countyRows: AreaRow[] = [];
  let progress = new Map<string, TownshipProgress>();
  let names: ReadonlyMap<string, string> = new Map();
  let popup: maplibregl.Popup | null = null;

  const geo = Promise.all([
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'county' }, signal }),
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'township' }, signal }),
    disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
    loaded,
  ]).then(([c, tw, rows]) => {
    counties = c;
    townships = tw;
    countyRows = rows;
    map.addSource(SRC.counties, { type: 'geojson', data: counties as GeoJSON.FeatureCollection });
    map.addSource(SRC.townships, { type: 'geojson', data: townships as GeoJSON.FeatureCollection });
    map.addLayer({ id: LAYERS.countyFill, type: 'fill', source: SRC.counties, paint: { 'fill-color': ['case', ['has', 'cases'], COUNTY_WITH, NO_CASES], 'fill-opacity': 0.9 } });
    map.addLayer({ id: LAYERS.countyLine, type: 'line', source: SRC.counties, paint: { 'line-color': '#6f8597', 'line-width': 1 } });
    const radius: ExpressionSpecification = ['+', TOWNSHIP_RADIUS.min + 2, ['*', 2.2, ['sqrt', ['to-number', ['get', 'cases'], 0]]]];
    map.addLayer({
      id: LAYERS.overdueRing,
      type: 'circle',
      source: SRC.townships,
      filter: ['has', 'overdue'],
      paint: { 'circle-radius': ['+', radius, 4], 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': OVERDUE_LINE, 'circle-stroke-width': 2.2 },
    });
    map.addLayer({
      id: LAYERS.townships,
      type: 'circle',
      source: SRC.townships,
      filter: ['has', 'cases'],
      paint: {
        'circle-color': ['match', ['get', 'class'], ...PROGRESS_CLASSES.flatMap((k) => [k, PROGRESS_COLORS[k]]), '#999999'] as unknown as ExpressionSpecification,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
        'circle-radius': radius,
      },
    });
    const box = bboxOfCollection(counties);
    if (box) map.fitBounds(box, { padding: 24, duration: 0 });
  });
  geo.catch(() => undefined);

  const renderLegend = () => {
    legend.replaceChildren(
      h('div', { class: 'legend-subhead' }, t('rb.map.legend')),
      h(
        'ul',
        { class: 'legend' },
        ...PROGRESS_CLASSES.map((k) =>
          h('li', { 'data-testid': `rb-legend-${k}` }, h('span', { class: 'swatch swatch-dot', style: `background:${PROGRESS_COLORS[k]}` }), h('span', {}, t(`rb.map.${k}` as MsgKey))),
        ),
        h('li', { 'data-testid': 'rb-legend-overdue' }, h('span', { class: 'swatch swatch-dot', style: `background:transparent;border:2px solid ${OVERDUE_LINE}` }), h('span', {}, t('rb.map.overdue'))),
        h('li', {}, h('span', { class: 'swatch', style: `background:${COUNTY_WITH}` }), h('span', {}, t('rb.map.countyWith'))),
      ),
    );
  };
  renderLegend();

  const placeLabels = () => {
    const list: MapLabel[] = [];
    const points = new Map(countyRows.map((r) => [r.code, [r.lon, r.lat] as [number, number]]));
    for (const f of counties?.features ?? []) {
      const b = bboxOfGeometry(f.geometry);
      const at = points.get(f.properties.code) ?? (b ? ([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] as [number, number]) : null);
      if (at) list.push({ id: f.properties.code, text: f.properties.name, lngLat: at, kind: 'county', minZoom: COUNTY_LABEL_ZOOM, priority: 0 });
    }
    for (const f of townships?.features ?? []) {
      if (f.geometry?.type !== 'Point' || !progress.has(f.properties.code)) continue;
      const [lon, lat] = f.geometry.coordinates;
      list.push({ id: f.properties.code, text: f.properties.name, lngLat: [lon, lat], kind: 'township', minZoom: LABEL_ZOOM, priority: 1 });
    }
    labels.setLabels(list);
  };

  const withProgress = (fc: AreaCollection, county: boolean): GeoJSON.FeatureCollection => {
    const perCounty = new Map<string, number>();
    for (const p of progress.values()) perCounty.set(countyOf(p.code), (perCounty.get(countyOf(p.code)) ?? 0) + p.total);
    return {
      ...fc,
      features: fc.features.map((f) => {
        const props: Record<string, unknown> = { ...f.properties };
        if (county) {
          const n = perCounty.get(f.properties.code);
          if (n) props.cases = n;
        } else {
          const p = progress.get(f.properties.code);
          if (p) {
            props.cases = p.total;
            props.class = progressClass(p);
            if (p.overdue) props.overdue = p.overdue;
          }
        }
        return { ...f, properties: props };
      }),
    } as GeoJSON.FeatureCollection;
  };

  const setData = (cases: readonly Case[], areaNames: ReadonlyMap<string, string>) => {
    progress = townshipProgress(cases);
    names = areaNames;
    void geo.then(() => {
      if (signal.aborted || !counties || !townships) return;
      (map.getSource(SRC.counties) as maplibregl.GeoJSONSource).setData(withProgress(counties, true));
      (map.getSource(SRC.townships) as maplibregl.GeoJSONSource).setData(withProgress(townships, false));
      placeLabels();
      map.once('idle', () => {
        if (signal.aborted) return;
        mapEl.dataset.townships = String(progress.size);
        mapEl.dataset.classes = [...progress.values()].map((p) => `${p.code}:${progressClass(p)}`).join(',');
      });
    });
  };

  const popupFor = (code: string, name: string, level: 'county' | 'township', at: maplibregl.LngLatLike) => {
    const lang = getLang();
    const row = (k: MsgKey, v: string, testid?: string) => h('div', { class: 'popup-row' }, h('dt', {}, t(k)), h('dd', testid ? { 'data-testid': testid } : {}, v));
    let body: HTMLElement;
    if (level === 'township') {
      const p = progress.get(code);
      const county = names.get(countyOf(code));
      body = h(
        'div',
        { class: 'area-popup', 'data-testid': 'rb-map-popup', 'data-code': code },
        h('h3', {}, name),
        h(
          'dl',
          {},
          county ? row('rb.map.county', county) : '',
          ...(p
            ? [
                row('rb.map.cases', formatInteger(p.total, lang)),
                row('rb.map.accepted', t('rb.map.share', { n: formatInteger(p.accepted, lang), total: formatInteger(p.total, lang), pct: formatPercent(p.accepted / p.total, lang) }), 'rb-popup-accepted'),
                p.overdue ? row('rb.map.overdueN', formatInteger(p.overdue, lang)) : '',
                p.failed ? row('rb.map.failed', formatInteger(p.failed, lang)) : '',
                row('rb.map.worst', statusText(p.worst)),
              ]
            : [row('rb.map.cases', t('rb.map.noCases'))]),
        ),
      );
    } else {
      const mine = [...progress.values()].filter((p) => countyOf(p.code) === code);
      const total = mine.reduce((s, p) => s + p.total, 0);
      const accepted = mine.reduce((s, p) => s + p.accepted, 0);
      const overdue = mine.reduce((s, p) => s + p.overdue, 0);
      body = h(
        'div',
        { class: 'area-popup', 'data-testid': 'rb-map-popup', 'data-code': code },
        h('h3', {}, name),
        h(
          'dl',
          {},
          ...(total
            ? [
                row('rb.map.cases', formatInteger(total, lang)),
                row('rb.map.accepted', t('rb.map.share', { n: formatInteger(accepted, lang), total: formatInteger(total, lang), pct: formatPercent(accepted / total, lang) })),
                overdue ? row('rb.map.overdueN', formatInteger(overdue, lang)) : '',
              ]
            : [row('rb.map.cases', t('rb.map.noCases'))]),
        ),
      );
    }
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '260px', offset: 8 }).setLngLat(at).setDOMContent(body).addTo(map);
  };
  map.on('click', (e) => {
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [e.point.x - 5, e.point.y - 5],
      [e.point.x + 5, e.point.y + 5],
    ];
    const town = map.getLayer(LAYERS.townships) ? map.queryRenderedFeatures(box, { layers: [LAYERS.townships] })[0] : undefined;
    if (town) {
      const p = town.properties as { code: string; name: string };
      return popupFor(String(p.code), String(p.name), 'township', town.geometry.type === 'Point' ? (town.geometry.coordinates as [number, number]) : e.lngLat);
    }
    const county = map.getLayer(LAYERS.countyFill) ? map.queryRenderedFeatures(e.point, { layers: [LAYERS.countyFill] })[0] : undefined;
    if (county) popupFor(String(county.properties.code), String(county.properties.name), 'county', e.lngLat);
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
