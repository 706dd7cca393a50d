// Types and calls of the planning API (allocation plans, shipments, blocked zones), plus pure helpers.
import { api } from './api';
import type { FundsPlan } from './funds';

export type PlanStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'dispatched' | 'completed' | 'cancelled';
export const AID_TYPES = ['emergency', 'transitional', 'winter_spring'] as const;
/** Money goes to all four aid types; housing reconstruction is funds only. */
export const FUNDS_AID_TYPES = [...AID_TYPES, 'reconstruction'] as const;

export interface PlanLine { depot_id: number; area_code: string; item: string; quantity: number; travel_minutes: number; late: boolean }
export interface AreaFill { area_code: string; item: string; demand: number; allocated: number; fill_rate: number; tier?: number }
export interface TimeToAid {
  area_code: string;
  onset_to_plan_minutes: number | null;
  onset_to_approval_minutes: number | null;
  onset_to_dispatch_minutes: number | null;
  onset_to_receipt_minutes: number | null;
}
export interface Plan {
  id: number;
  event_id: number;
  aid_type: string;
  kind: string;
  status: PlanStatus;
  author_id: number;
  author_name: string;
  reviewer_name?: string | null;
  reason?: string | null;
  created_at: string;
  submitted_at?: string | null;
  approved_at?: string | null;
  dispatched_at?: string | null;
  completed_at?: string | null;
  lines?: PlanLine[];
  areas?: AreaFill[];
  unreachable?: Array<{ area_code: string; item: string; demand: number }>;
  bottlenecks?: Array<{ depot_id: number; item: string }>;
  totals?: { demand: number; allocated: number; lines: number; late_lines: number; unreachable_areas: number };
  time_to_aid?: TimeToAid[];
  /** A funds plan's money per area and level (amounts in fen). */
  funds?: FundsPlan | null;
}
export interface ShipmentLine { item: string; quantity: number; received: number | null }
export interface Shipment {
  id: number;
  plan_id: number;
  depot_id: number;
  area_code: string;
  status: 'in_transit' | 'received';
  dispatched_at: string;
  dispatched_by?: string;
  received_at?: string | null;
  received_by?: string | null;
  lines: ShipmentLine[];
}
export interface DirDepot { id: number; name: string; tier: string; area_code: string }
export interface AreaRow { code: string; name: string; level: string; parent_code?: string | null; lon?: number | null; lat?: number | null }
export interface ItemRow { code: string; name_zh: string; name_en: string; unit: string }
export interface DepotPoint { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: { id: number; name: string } }

type Opt = { signal?: AbortSignal };

export const plansApi = {
  list: (q: { event_id?: number; status?: string } = {}, o: Opt = {}) => api.get<Plan[]>('/plans', { query: q, ...o }),
  get: (id: number, o: Opt = {}) => api.get<Plan>(`/plans/${id}`, o),
  create: (body: { event_id: number; aid_type: string; kind: 'materials' | 'funds'; response_scope?: string }, o: Opt = {}) => api.post<Plan>('/plans', body, o),
  action: (id: number, action: 'submit' | 'approve' | 'reject' | 'dispatch' | 'cancel', body: unknown = {}, o: Opt = {}) =>
    api.post<Plan>(`/plans/${id}/${action}`, body, o),
  shipments: (q: { plan_id?: number; depot_id?: number } = {}, o: Opt = {}) => api.get<Shipment[]>('/shipments', { query: q, ...o }),
  receive: (id: number, lines: Array<{ item: string; quantity: number }>, o: Opt = {}) => api.post<Shipment>(`/shipments/${id}/receive`, { lines }, o),
  directory: (o: Opt = {}) => api.get<DirDepot[]>('/depots/directory', o),
  areas: (level: 'township' | 'county', o: Opt = {}) => api.get<AreaRow[]>('/areas', { query: { level }, ...o }),
  items: (o: Opt = {}) => api.get<ItemRow[]>('/items', o),
  depotPoints: (o: Opt = {}) => api.get<{ features: DepotPoint[] }>('/map/depots.geojson', o),
  blockages: (eventId: number, o: Opt = {}) => api.get<GeoJSON.FeatureCollection>(`/events/${eventId}/blockages`, o),
  addBlockage: (eventId: number, name: string, geometry: GeoJSON.Polygon, o: Opt = {}) => api.post<unknown>(`/events/${eventId}/blockages`, { name, geometry }, o),
  deleteBlockage: (eventId: number, id: number | string, o: Opt = {}) => api.del<unknown>(`/events/${eventId}/blockages/${id}`, o),
};

/** Badge class of a plan status. */
export function planStatusClass(status: string): string {
  switch (status) {
    case 'approved':
    case 'completed':
      return 'badge-ok';
    case 'submitted':
      return 'badge-warn';
    case 'dispatched':
      return 'badge-info';
    case 'rejected':
      return 'badge-danger';
    case 'cancelled':
      return 'badge-muted';
    default:
      return 'badge-soft';
  }
}

/** Which actions a user has on a plan (the server's rules, mirrored). */
export function planActions(plan: Pick<Plan, 'status' | 'author_id'>, user: { id?: number; role: string; depot_ids?: number[] | null }, depotIds: number[] = []): string[] {
  const out: string[] = [];
  if (user.role === 'manager') {
    if (plan.status === 'draft') out.push('submit');
    if (plan.status === 'approved' || plan.status === 'dispatched') out.push('dispatch');
    if (['draft', 'submitted', 'approved'].includes(plan.status)) out.push('cancel');
  }
  if (user.role === 'reviewer' && plan.status === 'submitted' && plan.author_id !== user.id) out.push('approve', 'reject');
  if (user.role === 'depot_staff' && (plan.status === 'approved' || plan.status === 'dispatched') && depotIds.some((d) => user.depot_ids?.includes(d))) out.push('dispatch');
  return out;
}

/** Line width (px) for a flow of `q` units, on a sqrt scale against the largest flow. */
export function flowWidth(q: number, max: number): number {
  if (!(max > 0) || !(q > 0)) return 1;
  return Math.round((1.2 + 6.8 * Math.sqrt(q / max)) * 10) / 10;
}

/** Fill rate shown as a whole percentage. */
export function fillPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${Math.round(rate * 100)}%`;
}

/** Minutes as "1 天 3 小时" / "1 d 3 h" / "45 分钟". */
export function formatMinutes(min: number | null | undefined, lang: 'zh' | 'en'): string {
  if (min === null || min === undefined || !Number.isFinite(min)) return '—';
  const d = Math.floor(min / 1440);
  const hh = Math.floor((min % 1440) / 60);
  const mm = Math.round(min % 60);
  const zh = lang === 'zh';
  const parts: string[] = [];
  if (d) parts.push(zh ? `${d} 天` : `${d} d`);
  if (hh) parts.push(zh ? `${hh} 小时` : `${hh} h`);
  if (!d && (mm || !hh)) parts.push(zh ? `${mm} 分钟` : `${mm} min`);
  return parts.join(' ');
}

/** Receive-form validation: whole numbers between 0 and the shipped quantity. */
export function receiveErrors(lines: Array<{ quantity: number; value: string }>): number[] {
  const bad: number[] = [];
  lines.forEach((l, i) => {
    const v = l.value.trim();
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > l.quantity) bad.push(i);
  });
  return bad;
}

/** Total quantity per depot of a plan's lines. */
export function depotTotals(lines: readonly PlanLine[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const l of lines) m.set(l.depot_id, (m.get(l.depot_id) ?? 0) + l.quantity);
  return m;
}

