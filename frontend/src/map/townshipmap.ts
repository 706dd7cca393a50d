// A city's counties and townships on a map, for a screen that counts something per area (the
// winter–spring need, the rebuilding progress): the county polygons tinted where they have some,
// the township points as circles the screen styles, names as DOM labels (counties, and the
// townships the screen names), a legend box the screen fills, and a popup of the screen's making
// for the township or county clicked. What each screen counts, and how it draws and says it, stays
// with the screen.
import type { LayerSpecification } from 'maplibre-gl';
import { api } from '../api';
import { disasterApi, type AreaRow } from '../disaster';
import { h } from '../dom';
import { bboxOfCollection, bboxOfGeometry, type AreaCollection } from '../geo';
import { COUNTY_LABEL_ZOOM, createLabelLayer, type MapLabel } from '../maplabels';
import { createMap, maplibregl } from './setup';

/** Colours the screens share: an overdue mark, a county with something counted, one without. */
export const TOWNSHIP_MAP_COLORS = { overdue: '#c4271d', countyWith: '#f6e3cf', none: '#eef1f4' } as const;
/** Township names of areas with something to show appear from this zoom (the city view is about 7.6). */
const TOWNSHIP_NAME_ZOOM = 8.4;

export type AreaLevel = 'county' | 'township';

export interface LegendRow {
  /** The swatch's inline style (its colour, a border for an outline). */
  style: string;
  text: string;
  /** A round swatch (a township circle) rather than a square (a county). */
  dot?: boolean;
  testid?: string;
}

export interface TownshipMapSpec {
  /** Prefix of the sources, layers, classes and test ids: 'ws' → ws-counties, ws-township-circle, ws-map … */
  prefix: string;
  /** Only the areas within this one (a campaign's city); all the areas when absent. */
  within?: string;
  /** The county property that tints a county (one the screen sets). */
  countyKey: string;
  /**
   * The screen's layers over the county fill and outline, in drawing order, on the sources
   * `ids.counties` and `ids.townships`; the township circles are the layer `ids.townshipLayer`.
   */
  layers(ids: TownshipMapIds): LayerSpecification[];
  /** Whether a township is named on the map (it has something counted). */
  named(code: string): boolean;
  /** The popup's content for the area clicked. */
  popup(area: { code: string; name: string; level: AreaLevel }): HTMLElement;
  /** The legend box's title and rows. */
  legend(): { title: string; rows: LegendRow[] };
}

export interface TownshipMapIds {
  counties: string;
  townships: string;
  countyFill: string;
  countyLine: string;
  townshipLayer: string;
  /** The id of one of the screen's own layers. */
  layer(name: string): string;
}

export interface TownshipMap {
  el: HTMLElement;
  /** The map's own element: the screen marks on it what was drawn (for tests). */
  mapEl: HTMLElement;
  map: maplibregl.Map;
  ids: TownshipMapIds;
  /** Resolves once the areas' shapes and the screen's layers are on the map. */
  ready: Promise<void>;
  /**
   * The screen's properties on each county and township (values that are empty, 0 or false are
   * left out, so a layer can filter with `has`), the names placed again; `drawn` once the map has
   * drawn them.
   */
  setProperties(props: (code: string, level: AreaLevel) => Record<string, unknown> | undefined, drawn?: () => void): void;
  renderLegend(): void;
  /** After a language switch: the legend in the new language, no popup left in the old one. */
  relabel(): void;
}

export function townshipMap(ctx: { signal: AbortSignal; defer(fn: () => void): void }, spec: TownshipMapSpec): TownshipMap {
  const { signal } = ctx;
  const p = spec.prefix;
  const ids: TownshipMapIds = {
    counties: `${p}-counties`,
    townships: `${p}-townships`,
    countyFill: `${p}-county-fill`,
    countyLine: `${p}-county-line`,
    townshipLayer: `${p}-township-circle`,
    layer: (name) => `${p}-${name}`,
  };
  const mapEl = h('div', { class: `township-map ${p}-map`, 'data-testid': `${p}-map`, style: 'position:absolute;inset:0' });
  const legend = h('div', { class: `township-legend ${p}-legend`, 'data-testid': `${p}-map-legend` });
  const el = h('div', { class: `township-map-wrap ${p}-map-wrap` }, mapEl, legend);
  const map = createMap(mapEl);
  window.jiuzaiMap = map;
  const labels = createLabelLayer(map);
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const within = (spec.within ?? '').replace(/(00)+$/, '');
  const inside = (fc: AreaCollection): AreaCollection => (within ? { ...fc, features: fc.features.filter((f) => f.properties.code.startsWith(within)) } : fc);

  let counties: AreaCollection | null = null;
  let townships: AreaCollection | null = null;
  let countyRows: AreaRow[] = [];
  let popup: maplibregl.Popup | null = null;

  const ready = Promise.all([
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'county' }, signal }),
    api.get<AreaCollection>('/map/areas.geojson', { query: { level: 'township' }, signal }),
    disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
    loaded,
  ]).then(([c, tw, rows]) => {
    counties = inside(c);
    townships = inside(tw);
    countyRows = rows;
    map.addSource(ids.counties, { type: 'geojson', data: counties as GeoJSON.FeatureCollection });
    map.addSource(ids.townships, { type: 'geojson', data: townships as GeoJSON.FeatureCollection });
    map.addLayer({
      id: ids.countyFill,
      type: 'fill',
      source: ids.counties,
      paint: { 'fill-color': ['case', ['has', spec.countyKey], TOWNSHIP_MAP_COLORS.countyWith, TOWNSHIP_MAP_COLORS.none], 'fill-opacity': 0.9 },
    });
    map.addLayer({ id: ids.countyLine, type: 'line', source: ids.counties, paint: { 'line-color': '#6f8597', 'line-width': 1 } });
    for (const layer of spec.layers(ids)) map.addLayer(layer);
    const box = bboxOfCollection(counties);
    if (box) map.fitBounds(box, { padding: 24, duration: 0 });
  });
  ready.catch(() => undefined);

  const renderLegend = () => {
    const { title, rows } = spec.legend();
    legend.replaceChildren(
      h('div', { class: 'legend-subhead' }, title),
      h(
        'ul',
        { class: 'legend' },
        ...rows.map((r) => h('li', r.testid ? { 'data-testid': r.testid } : {}, h('span', { class: r.dot ? 'swatch swatch-dot' : 'swatch', style: r.style }), h('span', {}, r.text))),
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
      if (f.geometry?.type !== 'Point' || !spec.named(f.properties.code)) continue;
      const [lon, lat] = f.geometry.coordinates;
      list.push({ id: f.properties.code, text: f.properties.name, lngLat: [lon, lat], kind: 'township', minZoom: TOWNSHIP_NAME_ZOOM, priority: 1 });
    }
    labels.setLabels(list);
  };

  const withProperties = (fc: AreaCollection, level: AreaLevel, props: (code: string, level: AreaLevel) => Record<string, unknown> | undefined) =>
    ({
      ...fc,
      features: fc.features.map((f) => {
        const extra = Object.entries(props(f.properties.code, level) ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== false && v !== 0);
        return { ...f, properties: { ...f.properties, ...Object.fromEntries(extra) } };
      }),
    }) as GeoJSON.FeatureCollection;

  const setProperties: TownshipMap['setProperties'] = (props, drawn) => {
    void ready.then(() => {
      if (signal.aborted || !counties || !townships) return;
      (map.getSource(ids.counties) as maplibregl.GeoJSONSource).setData(withProperties(counties, 'county', props));
      (map.getSource(ids.townships) as maplibregl.GeoJSONSource).setData(withProperties(townships, 'township', props));
      placeLabels();
      map.once('idle', () => {
        if (!signal.aborted) drawn?.();
      });
    });
  };

  const showPopup = (code: string, name: string, level: AreaLevel, at: maplibregl.LngLatLike) => {
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '260px', offset: 8 }).setLngLat(at).setDOMContent(spec.popup({ code, name, level })).addTo(map);
  };
  map.on('click', (e) => {
    // A township's small circle is found a few pixels off; a county under the point.
    const near: [maplibregl.PointLike, maplibregl.PointLike] = [
      [e.point.x - 5, e.point.y - 5],
      [e.point.x + 5, e.point.y + 5],
    ];
    const town = map.getLayer(ids.townshipLayer) ? map.queryRenderedFeatures(near, { layers: [ids.townshipLayer] })[0] : undefined;
    if (town) {
      const props = town.properties as { code: string; name: string };
      return showPopup(String(props.code), String(props.name), 'township', town.geometry.type === 'Point' ? (town.geometry.coordinates as [number, number]) : e.lngLat);
    }
    const county = map.getLayer(ids.countyFill) ? map.queryRenderedFeatures(e.point, { layers: [ids.countyFill] })[0] : undefined;
    if (county) showPopup(String(county.properties.code), String(county.properties.name), 'county', e.lngLat);
  });
  for (const layer of [ids.townshipLayer, ids.countyFill]) {
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
    mapEl,
    map,
    ids,
    ready,
    setProperties,
    renderLegend,
    relabel: () => {
      popup?.remove();
      renderLegend();
    },
  };
}
