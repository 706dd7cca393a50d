// Depot layer: circles sized by units on hand, coloured by readiness (red < 50 % ≤ amber
// < 80 % ≤ green; inactive depots grey), plus the popup with a link to the depot screen.
import type { ExpressionSpecification, Map as MlMap } from 'maplibre-gl';
import { h } from '../dom';
import { formatInteger, formatPercent } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import { READINESS_COLORS, readinessColor } from '../stockrules';

export const SRC_DEPOTS = 'depots';
export const DEPOT_LAYER = 'depot-circle';

export interface DepotProperties {
  id: number;
  name: string;
  tier: string;
  area_code: string;
  readiness: number;
  status: string;
  stock_units: number;
}

export type DepotCollection = GeoJSON.FeatureCollection<GeoJSON.Point, DepotProperties>;

export const DEPOT_STROKE = '#ffffff';

/** Colour by readiness, the same thresholds as readinessLevel(); inactive depots grey. */
export function depotColorExpression(): ExpressionSpecification {
  return [
    'case',
    ['!=', ['get', 'status'], 'active'],
    READINESS_COLORS.unknown,
    ['step', ['to-number', ['get', 'readiness'], -1], READINESS_COLORS.unknown, 0, READINESS_COLORS.low, 0.5, READINESS_COLORS.mid, 0.8, READINESS_COLORS.high],
  ] as unknown as ExpressionSpecification;
}

/**
 * Circle size grows with √(units on hand): radius = min + (max − min)·√(units / largest).
 * The layer uses the same formula as an expression (scaled by zoom).
 */
export const DEPOT_RADIUS = { min: 6.5, max: 21 } as const;

export function depotRadius(units: number, largest: number, min: number = DEPOT_RADIUS.min, max: number = DEPOT_RADIUS.max): number {
  if (!(largest > 0) || !(units > 0)) return min;
  return min + (max - min) * Math.sqrt(Math.min(units, largest) / largest);
}

function radiusExpression(largest: number, scale: number): ExpressionSpecification {
  const min = DEPOT_RADIUS.min * scale;
  const max = DEPOT_RADIUS.max * scale;
  const k = largest > 0 ? (max - min) / Math.sqrt(largest) : 0;
  return ['+', min, ['*', k, ['sqrt', ['max', 0, ['to-number', ['get', 'stock_units'], 0]]]]] as unknown as ExpressionSpecification;
}

export function largestUnits(fc: DepotCollection): number {
  return fc.features.reduce((m, f) => Math.max(m, Number(f.properties?.stock_units) || 0), 0);
}

export function addDepotLayer(map: MlMap, fc: DepotCollection): void {
  const largest = largestUnits(fc);
  map.addSource(SRC_DEPOTS, { type: 'geojson', data: fc as GeoJSON.FeatureCollection, promoteId: 'id' });
  map.addLayer({
    id: DEPOT_LAYER,
    type: 'circle',
    source: SRC_DEPOTS,
    paint: {
      // Zoom is the outermost input; the size by stock sits inside each stop.
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, radiusExpression(largest, 0.8), 11, radiusExpression(largest, 1.3)],
      'circle-color': depotColorExpression(),
      'circle-opacity': 0.88,
      'circle-stroke-color': DEPOT_STROKE,
      'circle-stroke-width': ['case', ['boolean', ['feature-state', 'hover'], false], 3, 1.6],
    },
  });
}

export function setDepotData(map: MlMap, fc: DepotCollection): void {
  const src = map.getSource(SRC_DEPOTS) as { setData?: (d: GeoJSON.FeatureCollection) => void } | undefined;
  src?.setData?.(fc as GeoJSON.FeatureCollection);
}

function row(labelKey: MsgKey, value: Node | string, cls?: string): HTMLElement {
  return h('div', { class: 'popup-row' }, h('dt', {}, t(labelKey)), h('dd', { class: cls }, value));
}

export function depotPopup(p: DepotProperties): HTMLElement {
  const lang = getLang();
  const readiness = Number(p.readiness);
  const tierKey = `tier.${p.tier}` as MsgKey;
  const tierText = t(tierKey) === tierKey ? String(p.tier) : t(tierKey);
  const active = p.status === 'active';
  return h(
    'div',
    { class: 'area-popup depot-popup', 'data-testid': 'depot-popup', 'data-id': String(p.id) },
    h('h3', {}, String(p.name)),
    h(
      'dl',
      {},
      row('map.popupTier', tierText),
      row(
        'map.popupReadiness',
        h('span', { class: 'popup-readiness' }, h('i', { class: 'dot', style: `background:${active ? readinessColor(readiness) : READINESS_COLORS.unknown}` }), formatPercent(Number.isFinite(readiness) ? readiness : null, lang)),
      ),
      row('map.popupUnits', formatInteger(Number(p.stock_units), lang)),
      active ? '' : row('map.popupStatus', t('status.inactive')),
    ),
    h('a', { href: `#/depots/${p.id}`, class: 'popup-link', 'data-testid': 'depot-popup-link', i18n: 'map.openDepot' }),
  );
}
