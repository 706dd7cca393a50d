// Types and calls of the stock API (items, depots, stock, movements, transfers, alerts,
// readiness). Screens call these; the rules live in stockrules.ts.
import { api } from './api';
import type { Lang } from './i18n';
import type { WriteLabel, WriteRequest } from './outbox';
import type { Narrows, Schemas } from './schemas';
import type { AidType, MovementBody } from './stockrules';

export type Tier = Schemas['Tier'];

/** What a thousand people (or households) need of an item, for one aid type. */
export interface Norm {
  basis: 'person' | 'household';
  per_thousand: number;
}

/** A catalogue item; the document does not describe its norms beyond "object". */
export type Item = Narrows<Schemas['Item'], Omit<Schemas['Item'], 'norms'> & { norms: Partial<Record<AidType, Norm>> }>;
/** A depot of the list, with its figures. */
export type Depot = Schemas['DepotSummary'];
/** An entry of GET /depots/directory: every depot's name and place, for any signed-in user. */
export type DepotEntry = Schemas['DepotEntry'];
export type DepotDetail = Schemas['DepotDetail'];
export type Lot = Schemas['Lot'];
export type StockRow = Schemas['StockLine'];
export type Movement = Schemas['Movement'];
export type MovementPage = Schemas['MovementPage'];
export type Transfer = Schemas['Transfer'];
export type StockAlerts = Schemas['Alerts'];

/** How many people one aid type of a county's stock covers; the document says "object". */
export interface AidCoverage {
  people: number;
  share: number;
  bottleneck_item: string | null;
}

export type CountyReadiness = Narrows<
  Schemas['CountyReadiness'],
  Omit<Schemas['CountyReadiness'], 'aid_types'> & { aid_types: Partial<Record<AidType, AidCoverage>> }
>;

type Opt = { signal?: AbortSignal };

export const stockApi = {
  items: (o: Opt = {}) => api.get<Item[]>('/items', o),
  depots: (o: Opt = {}) => api.get<Depot[]>('/depots', o),
  directory: (o: Opt = {}) => api.get<DepotEntry[]>('/depots/directory', o),
  depot: (id: number, o: Opt = {}) => api.get<DepotDetail>(`/depots/${id}`, o),
  stock: (id: number, o: Opt = {}) => api.get<StockRow[]>(`/depots/${id}/stock`, o),
  movements: (id: number, query: { kind?: string; item?: string; limit?: number; before_id?: number | null }, o: Opt = {}) =>
    api.get<MovementPage>(`/depots/${id}/movements`, { ...o, query }),
  /** Records a movement (answers a Movement); sent with outboxsync.sendOrQueue. */
  movementWrite: (id: number, body: MovementBody, key: string, label: WriteLabel): WriteRequest => ({ method: 'POST', path: `/depots/${id}/movements`, body, key, label }),
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
