// Small GeoJSON helpers (no map library here, so they are unit-tested in Node).

export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];

export interface AreaProperties {
  code: string;
  name: string;
  level: string;
  parent_code?: string | null;
  population?: number | null;
  approximate?: boolean;
}

export type AreaFeature = GeoJSON.Feature<GeoJSON.Geometry | null, AreaProperties>;
export type AreaCollection = GeoJSON.FeatureCollection<GeoJSON.Geometry | null, AreaProperties>;

type Position = GeoJSON.Position;

function positionsOf(geometry: GeoJSON.Geometry | null | undefined): Position[] {
  if (!geometry) return [];
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positionsOf);
    default:
      return [];
  }
}

function extend(box: BBox | null, positions: Position[]): BBox | null {
  let b = box;
  for (const p of positions) {
    const [x, y] = p;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (!b) b = [x, y, x, y];
    else {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  }
  return b;
}

/** Bounding box of a geometry, or null when it has no coordinates. */
export function bboxOfGeometry(geometry: GeoJSON.Geometry | null | undefined): BBox | null {
  return extend(null, positionsOf(geometry));
}

/** Bounding box of all features of a collection, or null when it is empty. */
export function bboxOfCollection(fc: GeoJSON.FeatureCollection<GeoJSON.Geometry | null> | null | undefined): BBox | null {
  let b: BBox | null = null;
  for (const f of fc?.features ?? []) b = extend(b, positionsOf(f.geometry));
  return b;
}

/** Distinct values of a string property, in first-seen order. */
export function distinctProperty(features: ReadonlyArray<{ properties?: object | null }>, name: string): string[] {
  const seen = new Set<string>();
  for (const f of features) {
    const v = (f.properties as Record<string, unknown> | null | undefined)?.[name];
    if (v !== undefined && v !== null) seen.add(String(v));
  }
  return [...seen];
}

/** Sort areas by their official code (string compare works: codes are fixed-width digits). */
export function sortByCode<T extends { properties: { code: string } }>(features: T[]): T[] {
  return [...features].sort((a, b) => (a.properties.code < b.properties.code ? -1 : a.properties.code > b.properties.code ? 1 : 0));
}
