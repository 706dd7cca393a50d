// Area layers: county polygons (fill + outline + highlight) and township points.
import type { Map as MlMap, ExpressionSpecification } from 'maplibre-gl';
import type { AreaCollection } from '../geo';

export const SRC_COUNTIES = 'counties';
export const SRC_TOWNSHIPS = 'townships';

export const LAYERS = {
  countyFill: 'county-fill',
  countyLine: 'county-line',
  countyHighlight: 'county-highlight',
  townshipApprox: 'township-approx',
  townshipExact: 'township-exact',
} as const;

export const TOWNSHIP_LAYERS = [LAYERS.townshipApprox, LAYERS.townshipExact];

/** Calm, light tones; counties are coloured in code order so neighbours differ. */
export const COUNTY_PALETTE = [
  '#cfe0ec', '#d9e8d3', '#efe0c8', '#e0d8ec', '#cfe7e2', '#efd6d6', '#e3e7c9',
  '#d3dcf0', '#ebdfcf', '#d6e6dc', '#e8d6e2', '#dbe3ea', '#ece4c6',
];

export const COLORS = {
  countyLine: '#6f8597',
  highlight: '#1f5f8b',
  township: '#1f5f8b',
  townshipStroke: '#ffffff',
  approxStroke: '#7d8790',
  approxFill: 'rgba(255,255,255,0.35)',
};

/** `match` on the county code -> palette colour (pure: unit-testable). */
export function countyColorExpression(codes: string[]): ExpressionSpecification | string {
  const sorted = [...new Set(codes)].sort();
  if (sorted.length === 0) return COUNTY_PALETTE[0];
  const pairs = sorted.flatMap((code, i) => [code, COUNTY_PALETTE[i % COUNTY_PALETTE.length]]);
  return ['match', ['get', 'code'], ...pairs, COUNTY_PALETTE[0]] as unknown as ExpressionSpecification;
}

const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false];
const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];

export function addAreaLayers(map: MlMap, counties: AreaCollection, townships: AreaCollection): void {
  // promoteId: feature-state (hover/selected) is keyed by the official code.
  map.addSource(SRC_COUNTIES, { type: 'geojson', data: counties as GeoJSON.FeatureCollection, promoteId: 'code' });
  map.addSource(SRC_TOWNSHIPS, { type: 'geojson', data: townships as GeoJSON.FeatureCollection, promoteId: 'code' });

  const codes = counties.features.map((f) => f.properties.code);
  map.addLayer({
    id: LAYERS.countyFill,
    type: 'fill',
    source: SRC_COUNTIES,
    paint: {
      'fill-color': countyColorExpression(codes),
      'fill-opacity': ['case', ['any', hovered, selected], 1, 0.82],
    },
  });
  map.addLayer({
    id: LAYERS.countyLine,
    type: 'line',
    source: SRC_COUNTIES,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': COLORS.countyLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.8, 11, 2] },
  });
  map.addLayer({
    id: LAYERS.countyHighlight,
    type: 'line',
    source: SRC_COUNTIES,
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': COLORS.highlight,
      'line-width': ['case', selected, 3, 2.2],
      'line-opacity': ['case', ['any', hovered, selected], 1, 0],
    },
  });

  // Zoom must be the outermost input of an expression; hover is a per-stop bump.
  const hoverBump = (r: number): ExpressionSpecification => ['case', ['boolean', ['feature-state', 'hover'], false], r + 2, r];
  // Approximate points (the county's representative point): hollow and grey, drawn below.
  map.addLayer({
    id: LAYERS.townshipApprox,
    type: 'circle',
    source: SRC_TOWNSHIPS,
    filter: ['==', ['get', 'approximate'], true],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 4, 9, 6, 13, 10],
      'circle-color': COLORS.approxFill,
      'circle-stroke-color': COLORS.approxStroke,
      'circle-stroke-width': 1.6,
    },
  });
  map.addLayer({
    id: LAYERS.townshipExact,
    type: 'circle',
    source: SRC_TOWNSHIPS,
    filter: ['!=', ['get', 'approximate'], true],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, hoverBump(2.5), 9, hoverBump(4.5), 13, hoverBump(8)],
      'circle-color': COLORS.township,
      'circle-stroke-color': COLORS.townshipStroke,
      'circle-stroke-width': 1,
    },
  });
}
