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

/**
 * Milliseconds since the epoch of an RFC 3339 time, or NaN. The server writes nanoseconds
 * ("…05.028663658Z"), which Date.parse does not promise to read: the fraction is cut to milliseconds.
 */
export function parseInstant(text: string | null | undefined): number {
  if (typeof text !== 'string') return NaN;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return Date.parse(text);
  const frac = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  return Date.parse(`${m[1]}${frac}${m[3] ?? 'Z'}`);
}

/** A blocked zone as the event's blocked-zone endpoint lists it (properties of each feature). */
export interface BlockedZone {
  id: number;
  name: string;
  created_at: string;
}

/** The blocked zones of a FeatureCollection (features without an id are skipped). */
export function blockedZones(fc: GeoJSON.FeatureCollection | null | undefined): BlockedZone[] {
  const out: BlockedZone[] = [];
  for (const f of fc?.features ?? []) {
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const id = Number(p.id ?? f.id);
    if (!Number.isFinite(id)) continue;
    out.push({ id, name: typeof p.name === 'string' ? p.name : '', created_at: typeof p.created_at === 'string' ? p.created_at : '' });
  }
  return out;
}

/**
 * The blocked zones drawn after `computedAt` (a plan computed before them routed through them),
 * newest first. Zones whose time cannot be read are left out: no warning rather than a wrong one.
 */
export function zonesDrawnAfter(zones: readonly BlockedZone[], computedAt: string): BlockedZone[] {
  const since = parseInstant(computedAt);
  if (!Number.isFinite(since)) return [];
  return zones
    .filter((z) => parseInstant(z.created_at) > since)
    .sort((a, b) => parseInstant(b.created_at) - parseInstant(a.created_at) || b.id - a.id);
}
