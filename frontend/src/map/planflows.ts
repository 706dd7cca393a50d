// The plan on a map: straight flows depot → area (width by quantity, late ones dashed red),
// depots, areas and unreachable areas. No text layers (offline style): names are in popups.
import type { maplibregl } from './setup';
import { flowWidth, type Plan } from '../plans';

export const PLAN_SRC = { counties: 'plan-counties', flows: 'plan-flows', depots: 'plan-depots', areas: 'plan-areas' } as const;
export const PLAN_LAYERS = {
  countyFill: 'plan-county-fill',
  countyLine: 'plan-county-line',
  flows: 'plan-flows-line',
  late: 'plan-flows-late',
  areas: 'plan-areas-circle',
  depots: 'plan-depots-circle',
} as const;
export const PLAN_COLORS = { flow: '#2f6f9f', late: '#c0392b', depot: '#1d3557', area: '#e9a23b', unreachable: '#c0392b' };

type Pt = [number, number];

export function planCollections(plan: Plan, depots: Map<number, Pt>, areas: Map<string, Pt>) {
  const lines = plan.lines ?? [];
  // One flow per depot → area pair (all items together).
  const pairs = new Map<string, { depot: number; area: string; quantity: number; late: boolean; items: number }>();
  for (const l of lines) {
    const k = `${l.depot_id}|${l.area_code}`;
    const p = pairs.get(k) ?? { depot: l.depot_id, area: l.area_code, quantity: 0, late: false, items: 0 };
    p.quantity += l.quantity;
    p.late ||= l.late;
    p.items += 1;
    pairs.set(k, p);
  }
  const max = Math.max(0, ...[...pairs.values()].map((p) => p.quantity));
  const flows: GeoJSON.Feature<GeoJSON.LineString>[] = [];
  for (const p of pairs.values()) {
    const a = depots.get(p.depot);
    const b = areas.get(p.area);
    if (!a || !b) continue;
    flows.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [a, b] }, properties: { depot: p.depot, area: p.area, quantity: p.quantity, late: p.late, width: flowWidth(p.quantity, max) } });
  }
  const unreachable = new Set((plan.unreachable ?? []).map((u) => u.area_code));
  const areaCodes = new Set([...(plan.areas ?? []).map((a) => a.area_code), ...lines.map((l) => l.area_code), ...unreachable]);
  const areaPts: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const code of areaCodes) {
    const c = areas.get(code);
    if (c) areaPts.push({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: { code, unreachable: unreachable.has(code) } });
  }
  const depotIds = new Set(lines.map((l) => l.depot_id));
  const depotPts: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const id of depotIds) {
    const c = depots.get(id);
    if (c) depotPts.push({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: { id } });
  }
  const fc = <G extends GeoJSON.Geometry>(features: GeoJSON.Feature<G>[]): GeoJSON.FeatureCollection<G> => ({ type: 'FeatureCollection', features });
  return { flows: fc(flows), areas: fc(areaPts), depots: fc(depotPts) };
}

export function addPlanLayers(map: maplibregl.Map, counties: GeoJSON.FeatureCollection | null, data: ReturnType<typeof planCollections>): void {
  if (counties) {
    map.addSource(PLAN_SRC.counties, { type: 'geojson', data: counties });
    map.addLayer({ id: PLAN_LAYERS.countyFill, type: 'fill', source: PLAN_SRC.counties, paint: { 'fill-color': '#f7f9fb', 'fill-opacity': 0.9 } });
    map.addLayer({ id: PLAN_LAYERS.countyLine, type: 'line', source: PLAN_SRC.counties, paint: { 'line-color': '#9aa9b8', 'line-width': 1 } });
  }
  map.addSource(PLAN_SRC.flows, { type: 'geojson', data: data.flows });
  map.addSource(PLAN_SRC.areas, { type: 'geojson', data: data.areas });
  map.addSource(PLAN_SRC.depots, { type: 'geojson', data: data.depots });
  map.addLayer({
    id: PLAN_LAYERS.flows,
    type: 'line',
    source: PLAN_SRC.flows,
    filter: ['!', ['get', 'late']],
    layout: { 'line-cap': 'round' },
    paint: { 'line-color': PLAN_COLORS.flow, 'line-opacity': 0.55, 'line-width': ['get', 'width'] },
  });
  map.addLayer({
    id: PLAN_LAYERS.late,
    type: 'line',
    source: PLAN_SRC.flows,
    filter: ['get', 'late'],
    paint: { 'line-color': PLAN_COLORS.late, 'line-opacity': 0.85, 'line-width': ['get', 'width'], 'line-dasharray': [2, 1.5] },
  });
  map.addLayer({
    id: PLAN_LAYERS.areas,
    type: 'circle',
    source: PLAN_SRC.areas,
    paint: {
      'circle-radius': ['case', ['get', 'unreachable'], 7, 4.5],
      'circle-color': ['case', ['get', 'unreachable'], '#ffffff', PLAN_COLORS.area],
      'circle-stroke-color': ['case', ['get', 'unreachable'], PLAN_COLORS.unreachable, '#ffffff'],
      'circle-stroke-width': ['case', ['get', 'unreachable'], 2.5, 1],
    },
  });
  map.addLayer({
    id: PLAN_LAYERS.depots,
    type: 'circle',
    source: PLAN_SRC.depots,
    paint: { 'circle-radius': 8, 'circle-color': PLAN_COLORS.depot, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
  });
}

/** The plan's flows, areas and depots anew (after its lines were edited), on layers already added. */
export function setPlanData(map: maplibregl.Map, data: ReturnType<typeof planCollections>): void {
  for (const [src, fc] of [[PLAN_SRC.flows, data.flows], [PLAN_SRC.areas, data.areas], [PLAN_SRC.depots, data.depots]] as const) {
    (map.getSource(src) as maplibregl.GeoJSONSource | undefined)?.setData(fc as GeoJSON.FeatureCollection);
  }
}
