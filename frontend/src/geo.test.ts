import { describe, expect, it } from 'vitest';
import { bboxOfCollection, bboxOfGeometry, blockedZones, distinctProperty, parseInstant, sortByCode, zonesDrawnAfter } from './geo';

const fc = (features: GeoJSON.Feature<GeoJSON.Geometry | null>[]): GeoJSON.FeatureCollection<GeoJSON.Geometry | null> => ({
  type: 'FeatureCollection',
  features,
});
const feat = (geometry: GeoJSON.Geometry | null, properties: Record<string, unknown> = {}): GeoJSON.Feature<GeoJSON.Geometry | null> => ({
  type: 'Feature',
  geometry,
  properties,
});

describe('bboxOfCollection', () => {
  it('covers polygons, multipolygons and points', () => {
    const box = bboxOfCollection(
      fc([
        feat({ type: 'Polygon', coordinates: [[[115, 29], [116, 29], [116, 30], [115, 29]]] }),
        feat({ type: 'MultiPolygon', coordinates: [[[[113.8, 28.9], [114, 28.9], [114, 29.1], [113.8, 28.9]]]] }),
        feat({ type: 'Point', coordinates: [116.8, 30.1] }),
      ]),
    );
    expect(box).toEqual([113.8, 28.9, 116.8, 30.1]);
  });
  it('ignores null geometries and returns null for an empty collection', () => {
    expect(bboxOfCollection(fc([]))).toBeNull();
    expect(bboxOfCollection(fc([feat(null)]))).toBeNull();
    expect(bboxOfCollection(null)).toBeNull();
    expect(bboxOfCollection(fc([feat(null), feat({ type: 'Point', coordinates: [1, 2] })]))).toEqual([1, 2, 1, 2]);
  });
  it('handles lines and geometry collections', () => {
    expect(
      bboxOfGeometry({
        type: 'GeometryCollection',
        geometries: [
          { type: 'LineString', coordinates: [[0, 0], [2, -1]] },
          { type: 'MultiLineString', coordinates: [[[5, 5], [4, 6]]] },
        ],
      }),
    ).toEqual([0, -1, 5, 6]);
  });
});

describe('distinctProperty / sortByCode', () => {
  it('counts distinct codes', () => {
    const features = [{ properties: { code: '360402' } }, { properties: { code: '360402' } }, { properties: { code: '360403' } }, { properties: null }];
    expect(distinctProperty(features, 'code')).toEqual(['360402', '360403']);
  });
  it('sorts by code', () => {
    const xs = [{ properties: { code: '360483' } }, { properties: { code: '360402' } }, { properties: { code: '360430' } }];
    expect(sortByCode(xs).map((x) => x.properties.code)).toEqual(['360402', '360430', '360483']);
  });
});

describe('parseInstant', () => {
  it('reads the server\'s nanosecond times to the millisecond', () => {
    expect(parseInstant('2026-12-02T18:25:05.028663658Z')).toBe(Date.UTC(2026, 11, 2, 18, 25, 5, 28));
    expect(parseInstant('2026-12-02T18:25:05Z')).toBe(Date.UTC(2026, 11, 2, 18, 25, 5));
    expect(parseInstant('2026-12-02T20:25:05.5+02:00')).toBe(Date.UTC(2026, 11, 2, 18, 25, 5, 500));
  });
  it('gives NaN for what is not a time', () => {
    expect(parseInstant('')).toBeNaN();
    expect(parseInstant(null)).toBeNaN();
    expect(parseInstant('yesterday')).toBeNaN();
  });
});

describe('zonesDrawnAfter', () => {
  const zones = blockedZones({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', id: 1, geometry: null as unknown as GeoJSON.Geometry, properties: { id: 1, name: '永修大桥', created_at: '2026-12-02T10:00:00.000000001Z' } },
      { type: 'Feature', id: 2, geometry: null as unknown as GeoJSON.Geometry, properties: { id: 2, name: '昌九高速', created_at: '2026-12-02T12:00:00.5Z' } },
      { type: 'Feature', id: 3, geometry: null as unknown as GeoJSON.Geometry, properties: { id: 3, name: '无时间' } },
      { type: 'Feature', geometry: null as unknown as GeoJSON.Geometry, properties: { name: 'no id' } },
    ],
  });
  it('reads id, name and time of each zone', () => {
    expect(zones.map((z) => z.id)).toEqual([1, 2, 3]);
    expect(zones[0]).toEqual({ id: 1, name: '永修大桥', created_at: '2026-12-02T10:00:00.000000001Z' });
  });
  it('lists the zones drawn after the plan was computed, newest first', () => {
    expect(zonesDrawnAfter(zones, '2026-12-02T09:00:00Z').map((z) => z.id)).toEqual([2, 1]);
    expect(zonesDrawnAfter(zones, '2026-12-02T11:00:00.123456789Z').map((z) => z.id)).toEqual([2]);
    expect(zonesDrawnAfter(zones, '2026-12-02T13:00:00Z')).toEqual([]);
  });
  it('warns of nothing when the plan time cannot be read', () => {
    expect(zonesDrawnAfter(zones, 'not a time')).toEqual([]);
  });
});
