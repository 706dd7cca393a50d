import { describe, expect, it } from 'vitest';
import { bboxOfCollection, bboxOfGeometry, distinctProperty, sortByCode } from './geo';

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
