// Types and calls of the planning API (allocation plans, shipments, blocked zones), plus pure helpers.
import { api } from './api';
import { ApiError } from './errors';
import type { WriteLabel, WriteRequest } from './outbox';
import type { PolicyOption, Replanned } from './planequity';
import type { Schemas } from './schemas';
import { AID_TYPES } from './stockrules';

export type PlanStatus = Schemas['PlanStatus'];
/** Money goes to all four aid types; housing reconstruction is funds only. */
export const FUNDS_AID_TYPES = [...AID_TYPES, 'bereavement', 'reconstruction', 'drought'] as const satisfies readonly Schemas['AidType'][];

export type PlanLine = Schemas['PlanLine'];
/** A plan of the list (GET /plans). */
export type PlanRow = Schemas['PlanRow'];
/** A plan with its result: lines, fill rates, bottlenecks, time to aid (GET /plans/{id}). */
export type Plan = Schemas['Plan'];
export type Shipment = Schemas['Shipment'];
/** A photo taken when a shipment arrived (GET /shipments/{id}/photos). */
export type ShipmentPhoto = Schemas['ShipmentPhoto'];
export type PlanRequest = Schemas['PlanRequest'];
/** The complete new set of a draft's lines (PATCH /plans/{id}). */
export type PlanEdit = Schemas['PlanEdit'];
/** What a user can do to a plan (POST /plans/{id}/{action}). */
export type PlanAction = 'submit' | 'approve' | 'reject' | 'dispatch' | 'cancel';
/** A depot's place on the map (a feature of GET /map/depots.geojson, which the document does not describe). */
export interface DepotPoint { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: { id: number; name: string } }

type Opt = { signal?: AbortSignal };
/** Whether a change was refused because someone else changed the plan since it was read: 412, or
 * 409 plan_changed when the two changes met at the server. */
export const changedMeanwhile = (err: unknown): boolean => err instanceof ApiError && (err.status === 412 || err.refusal === 'plan_changed');
/** The version a change is made against: the record's `updated_at` as read. */
const asRead = (updatedAt: string) => ({ 'If-Match': `"${updatedAt}"` });

export const plansApi = {
  list: (q: { event_id?: number; status?: string } = {}, o: Opt = {}) => api.get<PlanRow[]>('/plans', { query: q, ...o }),
  get: (id: number, o: Opt = {}) => api.get<Plan>(`/plans/${id}`, o),
  create: (body: PlanRequest, o: Opt = {}) => api.post<Plan>('/plans', body, o),
  /** Both policies' equity audits for a materials plan request, storing nothing. */
  compare: (body: PlanRequest, o: Opt = {}) => api.post<PolicyOption[]>('/plans/compare', body, o),
  /** Computes a draft again from today's roads and stock; answers what changed. `readAt`: the plan's
   * `updated_at` as shown, so a plan someone changed since is refused (412), not planned over. */
  replan: (id: number, readAt: string, o: Opt = {}) => api.post<Replanned>(`/plans/${id}/replan`, {}, { ...o, headers: asRead(readAt) }),
  /** Replaces a draft materials plan's lines with the complete new set (manager); answers the plan
   * recomputed. `readAt` as for `replan`: another manager's change meanwhile is never overwritten. */
  edit: (id: number, body: PlanEdit, readAt: string, o: Opt = {}) => api.patch<Plan>(`/plans/${id}`, body, { ...o, headers: asRead(readAt) }),
  action: (id: number, action: PlanAction, body: unknown = {}, o: Opt = {}) =>
    api.post<Plan>(`/plans/${id}/${action}`, body, o),
  shipments: (q: { plan_id?: number; depot_id?: number } = {}, o: Opt = {}) => api.get<Shipment[]>('/shipments', { query: q, ...o }),
  /** Signs for a shipment (answers a Shipment); sent with outboxsync.sendOrQueue. */
  receiveWrite: (id: number, lines: Array<{ item: string; quantity: number }>, signer: string, key: string): WriteRequest => ({
    method: 'POST',
    path: `/shipments/${id}/receive`,
    body: { lines, signer },
    key,
    label: { key: 'outbox.kind.receipt', params: { id } },
  }),
  /** A photo of a shipment's receipt (the raw image as the body); sent with outboxsync.sendOrQueue after the receipt. */
  receiptPhotoWrite: (id: number, photo: Blob, key: string, label: WriteLabel): WriteRequest => ({
    method: 'POST',
    path: `/shipments/${id}/photos`,
    body: photo,
    key,
    label,
  }),
  receiptPhotos: (id: number, o: Opt = {}) => api.get<ShipmentPhoto[]>(`/shipments/${id}/photos`, o),
  transport: (id: number, body: { vehicle_plate: string; driver_name: string; driver_phone: string }, o: Opt = {}) => api.put<Shipment>(`/shipments/${id}/transport`, body, o),
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
export function planActions(plan: Pick<PlanRow, 'status' | 'author_id'>, user: { id?: number; role: string; depot_ids?: number[] | null }, depotIds: number[] = []): PlanAction[] {
  const out: PlanAction[] = [];
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

