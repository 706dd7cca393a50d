// Types and calls of the stock API (items, depots, stock, movements, transfers, alerts,
// readiness). Screens call these; the rules live in stockrules.ts.
import { api } from './api';
import type { Lang } from './i18n';
import type { AidType, MovementBody } from './stockrules';

export type Tier = 'central' | 'provincial' | 'city' | 'county' | 'township';

export interface Norm {
  basis: 'person' | 'household';
  per_thousand: number;
}

export interface Item {
  code: string;
  name_zh: string;
  name_en: string;
  category: string;
  unit: string;
  unit_volume_dm3: number;
  unit_weight_g: number;
  shelf_life_days: number | null;
  norms: Partial<Record<AidType, Norm>>;
}

export interface Depot {
  id: number;
  name: string;
  tier: Tier | string;
  area_code: string;
  area_name: string;
  lon: number;
  lat: number;
  capacity_m3: number;
  used_m3: number;
  contact_name: string | null;
  contact_phone: string | null;
  status: 'active' | 'inactive' | string;
  readiness: number;
  stock_units: number;
}

/** An entry of GET /depots/directory: every depot's name and place, for any signed-in user. */
export interface DepotEntry {
  id: number;
  name: string;
  tier: Tier | string;
  area_code: string;
  status: 'active' | 'inactive' | string;
}

export interface DepotDetail extends Depot {
  targets: Array<{ item: string; quantity: number }>;
}

export interface Lot {
  lot: string;
  quantity: number;
  expires_on: string | null;
}

export interface StockRow {
  item: string;
  name_zh: string;
  name_en: string;
  unit: string;
  on_hand: number;
  reserved: number;
  available: number;
  target: number | null;
  lots: Lot[];
}

export interface MovementLine {
  /** Null for reservation lines, which have no lot. */
  lot: string | null;
  expires_on: string | null;
  on_hand_delta: number;
  reserved_delta: number;
}

export interface Movement {
  id: number;
  depot_id: number;
  kind: string;
  item: string;
  quantity: number;
  source: string | null;
  donor: string | null;
  reason: string | null;
  note: string | null;
  to_depot: number | null;
  transfer_id: number | null;
  actor_name: string | null;
  created_at: string;
  /** Free reference (e.g. the plan or shipment), when the server sets one. */
  reference?: string | null;
  lines: MovementLine[];
}

export interface MovementPage {
  movements: Movement[];
  next_before_id: number | null;
}

export interface Transfer {
  id: number;
  from_depot_id: number;
  from_depot_name: string;
  to_depot_id: number;
  to_depot_name: string;
  item: string;
  quantity: number;
  lots: Lot[];
  status: 'in_transit' | 'received' | string;
  created_at: string;
  created_by: string | null;
  received_at: string | null;
}

export interface StockAlerts {
  below_target: Array<{ depot_id: number; depot_name: string; item: string; name_zh: string; on_hand: number; target: number }>;
  expiring: Array<{ depot_id: number; depot_name: string; item: string; name_zh: string; lot: string; quantity: number; expires_on: string; days_left: number }>;
  over_capacity: Array<{ depot_id: number; depot_name: string; capacity_m3: number; used_m3: number }>;
}

export interface AidCoverage {
  people: number;
  share: number;
  bottleneck_item: string | null;
}

export interface CountyReadiness {
  county_code: string;
  county_name: string;
  population: number | null;
  aid_types: Partial<Record<AidType, AidCoverage>>;
}

type Opt = { signal?: AbortSignal };

export const stockApi = {
  items: (o: Opt = {}) => api.get<Item[]>('/items', o),
  depots: (o: Opt = {}) => api.get<Depot[]>('/depots', o),
  directory: (o: Opt = {}) => api.get<DepotEntry[]>('/depots/directory', o),
  depot: (id: number, o: Opt = {}) => api.get<DepotDetail>(`/depots/${id}`, o),
  stock: (id: number, o: Opt = {}) => api.get<StockRow[]>(`/depots/${id}/stock`, o),
  movements: (id: number, query: { kind?: string; item?: string; limit?: number; before_id?: number | null }, o: Opt = {}) =>
    api.get<MovementPage>(`/depots/${id}/movements`, { ...o, query }),
  postMovement: (id: number, body: MovementBody, idempotencyKey: string, o: Opt = {}) =>
    api.post<Movement>(`/depots/${id}/movements`, body, { ...o, headers: { 'Idempotency-Key': idempotencyKey } }),
  transfers: (query: { depot_id?: number; status?: string }, o: Opt = {}) => api.get<Transfer[]>('/transfers', { ...o, query }),
  receiveTransfer: (id: number, o: Opt = {}) => api.post<Transfer>(`/transfers/${id}/receive`, undefined, o),
  alerts: (expiringWithinDays: number, o: Opt = {}) =>
    api.get<StockAlerts>('/stock/alerts', { ...o, query: { expiring_within_days: expiringWithinDays } }),
  readiness: (o: Opt = {}) => api.get<CountyReadiness[]>('/stock/readiness', o),
};

/** The item's name in the UI language (the Chinese name when the English one is missing). */
export function itemName(x: { name_zh?: string | null; name_en?: string | null; code?: string; item?: string } | null | undefined, lang: Lang): string {
  if (!x) return '';
  const name = lang === 'en' ? x.name_en || x.name_zh : x.name_zh || x.name_en;
  return name || x.code || x.item || '';
}

/** Order of tiers, top down. */
export const TIER_ORDER: Record<string, number> = { central: 0, provincial: 1, city: 2, county: 3, township: 4 };

/** Order of item categories in tables and pickers: shelter first, as in the central catalogue. */
export const CATEGORY_ORDER: Record<string, number> = { shelter: 0, bedding_clothing: 1, equipment: 2, food: 3, water: 4, hygiene: 5, other: 6 };

/** Catalogue items sorted by category, then as listed. */
export function sortItems(items: readonly Item[]): Item[] {
  return items
    .map((it, i) => ({ it, i }))
    .sort((a, b) => (CATEGORY_ORDER[a.it.category] ?? 9) - (CATEGORY_ORDER[b.it.category] ?? 9) || a.i - b.i)
    .map((x) => x.it);
}
