// The event layers of the map: county choropleth (response level or an indicator), overdue
// outlines and badges, discrepancy badges, township circles sized by an indicator.
// The event's figures are flattened into plain properties (`lvl`, `ov`, `disc`, `acc`, `fig_<indicator>`)
// so that every expression reads a number or a string, never a nested object.
import type { ExpressionSpecification, FilterSpecification, Map as MlMap } from 'maplibre-gl';
import {
  choroplethBreaks,
  cleanFigures,
  INDICATORS,
  isDecimalIndicator,
  levelColorExpression,
  rampExpression,
  type Figures,
  type Indicator,
} from '../disasterrules';
import type { AreaCollection, AreaProperties } from '../geo';
import { COLORS, LAYERS, SRC_COUNTIES, SRC_TOWNSHIPS } from './layers';

export const SRC_EVENT_MARKERS = 'event-markers';
export const EVENT_LAYERS = {
  overdueLine: 'event-overdue-line',
  townships: 'event-townships',
  markers: 'event-markers',
} as const;

export const EVENT_COLORS = {
  overdue: '#c0302b',
  discrepancy: '#d98a00',
  township: '#24557f',
  townshipFill: '#ffffff',
  quietTownship: '#9aabb9',
};

export type ChoroplethMode = 'level' | Indicator;

/** What the event adds to an area (from the map endpoint's properties). */
export interface EventAreaInfo {
  figures: Figures;
  response_level: number | null;
  overdue: string | null;
  accepted: boolean;
  discrepancies: number;
}

export const figProp = (ind: Indicator) => `fig_${ind}`;

function readInfo(p: Record<string, unknown>): EventAreaInfo {
  let figures: unknown = p.figures;
  if (typeof figures === 'string') {
    try {
      figures = JSON.parse(figures);
    } catch {
      figures = {};
    }
  }
  const lvl = Number(p.response_level);
  return {
    figures: cleanFigures(figures),
    response_level: Number.isInteger(lvl) && lvl >= 1 && lvl <= 4 ? lvl : null,
    overdue: typeof p.overdue === 'string' && p.overdue ? p.overdue : null,
    accepted: p.accepted === true || p.accepted === 'true',
    discrepancies: Number(p.discrepancies) || 0,
  };
}

/**
 * The event collection with flat properties for the expressions, and the per-area info by code.
 * Pure (no map), so it is unit-tested.
 */
export function flattenEvent(fc: AreaCollection): { data: AreaCollection; info: Map<string, EventAreaInfo> } {
  const info = new Map<string, EventAreaInfo>();
  const features = fc.features.map((f) => {
    const raw = (f.properties ?? {}) as unknown as Record<string, unknown>;
    const i = readInfo(raw);
    info.set(String(raw.code), i);
    const props: Record<string, unknown> = {
      code: raw.code,
      name: raw.name,
      level: raw.level,
      parent_code: raw.parent_code ?? null,
      population: raw.population ?? null,
      approximate: raw.approximate === true,
      lvl: i.response_level ?? 0,
      ov: i.overdue ?? '',
      disc: i.discrepancies,
      acc: i.accepted,
    };
    for (const ind of INDICATORS) if (typeof i.figures[ind] === 'number') props[figProp(ind)] = i.figures[ind];
    return { ...f, properties: props as unknown as AreaProperties };
  });
  return { data: { ...fc, features }, info };
}

/** Breaks of an indicator over the areas (counties) that have it. */
export function indicatorBreaks(info: Map<string, EventAreaInfo>, codes: Iterable<string>, ind: Indicator): number[] {
  const values: number[] = [];
  for (const c of codes) {
    const v = info.get(c)?.figures[ind];
    if (typeof v === 'number') values.push(v);
  }
  return choroplethBreaks(values, 5, !isDecimalIndicator(ind));
}

/** The county fill colour for a mode. */
export function choroplethExpression(mode: ChoroplethMode, breaks: readonly number[]): ExpressionSpecification {
  if (mode === 'level') return levelColorExpression('lvl') as ExpressionSpecification;
  return rampExpression(figProp(mode), breaks) as ExpressionSpecification;
}

export const OVERDUE_FILTER: FilterSpecification = ['any', ['==', ['get', 'ov'], 'initial'], ['==', ['get', 'ov'], 'daily_update']];

/** Township circles: radius = min + (max − min)·√(value / largest), scaled by zoom. */
export const TOWNSHIP_RADIUS = { min: 3.5, max: 17 } as const;

export function townshipRadius(value: number, largest: number, min: number = TOWNSHIP_RADIUS.min, max: number = TOWNSHIP_RADIUS.max): number {
  if (!(largest > 0) || !(value > 0)) return min;
  return min + (max - min) * Math.sqrt(Math.min(value, largest) / largest);
}

function radiusExpression(prop: string, largest: number, scale: number): ExpressionSpecification {
  const min = TOWNSHIP_RADIUS.min * scale;
  const max = TOWNSHIP_RADIUS.max * scale;
  const k = largest > 0 ? (max - min) / Math.sqrt(largest) : 0;
  return ['+', min, ['*', k, ['sqrt', ['min', largest, ['max', 0, ['to-number', ['get', prop], 0]]]]]] as unknown as ExpressionSpecification;
}

export function largestValue(info: Map<string, EventAreaInfo>, ind: Indicator, level: (code: string) => boolean): number {
  let m = 0;
  for (const [code, i] of info) if (level(code)) m = Math.max(m, i.figures[ind] ?? 0);
  return m;
}

// ---- badges drawn on a canvas (no sprite, no font) -------------------------------------------

const ICON_PX = 2; // pixel ratio of the generated images

function drawBadge(kind: 'overdue' | 'discrepancy'): ImageData | null {
  const size = 22 * ICON_PX;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) return null;
  const c = size / 2;
  g.beginPath();
  g.arc(c, c, c - 1.5 * ICON_PX, 0, Math.PI * 2);
  g.fillStyle = kind === 'overdue' ? EVENT_COLORS.overdue : EVENT_COLORS.discrepancy;
  g.fill();
  g.lineWidth = 2 * ICON_PX;
  g.strokeStyle = '#ffffff';
  g.stroke();
  g.fillStyle = '#ffffff';
  g.strokeStyle = '#ffffff';
  g.lineCap = 'round';
  if (kind === 'overdue') {
    // "!" : a bar and a dot
    g.fillRect(c - 1.4 * ICON_PX, c - 6.5 * ICON_PX, 2.8 * ICON_PX, 8 * ICON_PX);
    g.beginPath();
    g.arc(c, c + 5 * ICON_PX, 1.6 * ICON_PX, 0, Math.PI * 2);
    g.fill();
  } else {
    // "≠" : two bars and a slash
    g.lineWidth = 2 * ICON_PX;
    g.beginPath();
    g.moveTo(c - 5 * ICON_PX, c - 2.5 * ICON_PX);
    g.lineTo(c + 5 * ICON_PX, c - 2.5 * ICON_PX);
    g.moveTo(c - 5 * ICON_PX, c + 2.5 * ICON_PX);
    g.lineTo(c + 5 * ICON_PX, c + 2.5 * ICON_PX);
    g.moveTo(c + 2.5 * ICON_PX, c - 6.5 * ICON_PX);
    g.lineTo(c - 2.5 * ICON_PX, c + 6.5 * ICON_PX);
    g.stroke();
  }
  return g.getImageData(0, 0, size, size);
}

/** A data URL of the same badge, for the legend. */
export function badgeDataUrl(kind: 'overdue' | 'discrepancy'): string {
  const img = drawBadge(kind);
  if (!img) return '';
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')?.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

export interface MarkerPoint {
  code: string;
  lon: number;
  lat: number;
}

/** Badge points at the counties' representative points: overdue left, discrepancy right when both. */
export function markerCollection(info: Map<string, EventAreaInfo>, points: readonly MarkerPoint[]): GeoJSON.FeatureCollection<GeoJSON.Point> {
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const p of points) {
    const i = info.get(p.code);
    if (!i) continue;
    const both = !!i.overdue && i.discrepancies > 0;
    if (i.overdue) features.push(marker(p, 'jz-overdue', both ? -11 : 0, i.overdue));
    if (i.discrepancies > 0) features.push(marker(p, 'jz-discrepancy', both ? 11 : 0, String(i.discrepancies)));
  }
  return { type: 'FeatureCollection', features };
}

function marker(p: MarkerPoint, icon: string, dx: number, detail: string): GeoJSON.Feature<GeoJSON.Point> {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { code: p.code, icon, dx, detail } };
}

/** Adds the event layers once (hidden until an event is shown); `before` keeps depots on top. */
export function addEventLayers(map: MlMap, before?: string): void {
  if (map.getLayer(EVENT_LAYERS.overdueLine)) return;
  for (const kind of ['overdue', 'discrepancy'] as const) {
    const id = `jz-${kind}`;
    const img = drawBadge(kind);
    if (img && !map.hasImage(id)) map.addImage(id, img, { pixelRatio: ICON_PX });
  }
  map.addSource(SRC_EVENT_MARKERS, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  // Overdue counties: a red outline, drawn above the county lines and below the highlight.
  map.addLayer(
    {
      id: EVENT_LAYERS.overdueLine,
      type: 'line',
      source: SRC_COUNTIES,
      filter: OVERDUE_FILTER,
      layout: { 'line-join': 'round', visibility: 'none' },
      paint: { 'line-color': EVENT_COLORS.overdue, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 2, 11, 4], 'line-dasharray': [2, 1.2] },
    },
    LAYERS.countyHighlight,
  );
  map.addLayer(
    {
      id: EVENT_LAYERS.townships,
      type: 'circle',
      source: SRC_TOWNSHIPS,
      filter: ['>', ['to-number', ['get', figProp('affected')], 0], 0],
      layout: { visibility: 'none' },
      paint: {
        'circle-radius': TOWNSHIP_RADIUS.min,
        // Light circles with a dark rim read on every fill colour of the choropleth.
        'circle-color': EVENT_COLORS.townshipFill,
        'circle-opacity': 0.82,
        'circle-stroke-color': ['case', ['>', ['to-number', ['get', 'disc'], 0], 0], EVENT_COLORS.discrepancy, EVENT_COLORS.township],
        'circle-stroke-width': ['case', ['>', ['to-number', ['get', 'disc'], 0], 0], 3, 1.6],
      },
    },
    before && map.getLayer(before) ? before : undefined,
  );
  map.addLayer(
    {
      id: EVENT_LAYERS.markers,
      type: 'symbol',
      source: SRC_EVENT_MARKERS,
      layout: {
        'icon-image': ['get', 'icon'],
        // Side by side when a county has both badges (offset from the feature).
        'icon-offset': markerOffsetExpression(),
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        visibility: 'none',
      },
    },
    before && map.getLayer(before) ? before : undefined,
  );
}

/** Data-driven badge offset: `dx` pixels to the side. */
export function markerOffsetExpression(): ExpressionSpecification {
  return ['case', ['<', ['get', 'dx'], 0], ['literal', [-12, 0]], ['>', ['get', 'dx'], 0], ['literal', [12, 0]], ['literal', [0, 0]]] as unknown as ExpressionSpecification;
}

export function setEventVisible(map: MlMap, visible: boolean): void {
  for (const id of Object.values(EVENT_LAYERS)) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  // The plain township dots step back while the event's circles are shown.
  if (map.getLayer(LAYERS.townshipExact)) {
    map.setPaintProperty(LAYERS.townshipExact, 'circle-color', visible ? EVENT_COLORS.quietTownship : COLORS.township);
    map.setPaintProperty(LAYERS.townshipExact, 'circle-opacity', visible ? 0.7 : 1);
  }
}

/** Township circles sized by `ind` (largest township value = largest circle). */
export function sizeTownships(map: MlMap, ind: Indicator, largest: number): void {
  if (!map.getLayer(EVENT_LAYERS.townships)) return;
  const prop = figProp(ind);
  map.setFilter(EVENT_LAYERS.townships, ['>', ['to-number', ['get', prop], 0], 0]);
  map.setPaintProperty(EVENT_LAYERS.townships, 'circle-radius', [
    'interpolate',
    ['linear'],
    ['zoom'],
    7,
    radiusExpression(prop, largest, 0.85),
    11,
    radiusExpression(prop, largest, 1.5),
  ]);
}

/**
 * The event the map opens with when none is asked for: the active event under the most severe
 * response (level Ⅰ before Ⅱ …), the newest of equals; an active event without a level only when
 * no active event has one; none when no event is active. Pure (unit-tested).
 */
export function pickDefaultEvent(
  events: ReadonlyArray<{ id: number; status: string; onset_at: string }>,
  levels: ReadonlyMap<number, number | null>,
): number | null {
  const active = events.filter((e) => e.status === 'active');
  const rank = (id: number) => {
    const l = levels.get(id);
    return typeof l === 'number' && l >= 1 && l <= 4 ? l : 9;
  };
  active.sort((a, b) => rank(a.id) - rank(b.id) || b.onset_at.localeCompare(a.onset_at) || b.id - a.id);
  return active[0]?.id ?? null;
}
