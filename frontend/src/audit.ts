// The audit trail: types and calls of GET /audit, and the pure helpers of its screen (readable
// action names, before/after reduced to the fields that changed; unit-tested in audit.test.ts).
import { api } from './api';
import { isYmd } from './dates';
import { label } from './i18n';
import type { Schemas } from './schemas';

export type AuditRecord = Schemas['AuditRecord'];
export type AuditPage = Schemas['AuditPage'];

/** The filters GET /audit takes; `from` and `to` are RFC 3339 times (`to` exclusive). */
export interface AuditFilter {
  action?: string;
  entity_type?: string;
  entity_id?: string;
  actor_name?: string;
  from?: string;
  to?: string;
}

/** The day after a YYYY-MM-DD date. */
function nextDay(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * A range of days typed on the screen (Beijing dates, both included) as the API's times: `from` the
 * start of its day in UTC+8, `to` the start of the day after (the API's `to` is exclusive). Empty
 * dates leave that end open; a date that is not one, or an end before the start, is an error.
 */
export function auditRange(fromDay: string, toDay: string): { from?: string; to?: string } | { error: 'audit.badDate' | 'audit.badRange' } {
  const f = fromDay.trim();
  const t = toDay.trim();
  if ((f && !isYmd(f)) || (t && !isYmd(t))) return { error: 'audit.badDate' };
  if (f && t && t < f) return { error: 'audit.badRange' };
  return { from: f ? `${f}T00:00:00+08:00` : undefined, to: t ? `${nextDay(t)}T00:00:00+08:00` : undefined };
}

export const AUDIT_PAGE_SIZE = 50;

/** Every action the server writes, in the order the filter offers them (grouped by domain). */
export const AUDIT_ACTIONS = [
  'auth.login', 'auth.logout', 'user.create', 'user.assign_depots', 'user.deactivate', 'user.activate', 'handoff_token.create', 'handoff_token.revoke',
  'areas.import', 'item.upsert', 'depot.create', 'depot.update', 'stock.movement', 'stock.transfer_received',
  'event.create', 'event.update', 'blockage.create', 'blockage.delete', 'loss_report.create', 'report_photo.upload',
  'assessment.create', 'figures.accept', 'figures.return', 'response_level.computed', 'response_level.override',
  'response_thresholds.replace', 'standards.change', 'fund_pool.create',
  'household.create', 'household.update', 'households.import', 'household_damage.record',
  'plan.create', 'plan.edit', 'plan.submit', 'plan.approve', 'plan.reject', 'plan.dispatch', 'plan.cancel', 'plan.disburse', 'shipment.receive',
  'grant_list.create', 'grant_list.submit', 'grant_list.approve', 'grant_list.reject', 'grant_list.publish', 'grant_list.pay',
  'grant_list.cancel', 'grant_list.payment_file', 'grant_objection.file', 'grant_objection.answer',
  'export.handoff', 'export.register', 'demo.seed',
] as const;

/** The entity types the trail names, for the filter. */
export const AUDIT_ENTITY_TYPES = [
  'user', 'handoff_token', 'areas', 'item', 'depot', 'stock_movement', 'transfer', 'event', 'blockage', 'loss_report',
  'report_photo', 'assessment', 'event_area', 'response_thresholds', 'relief_standards', 'fund_pool', 'household',
  'households', 'household_damage', 'plan', 'shipment', 'grant_list', 'grant_objection', 'export',
] as const;

export const auditApi = {
  page: (filter: AuditFilter, beforeId: number | undefined, o: { signal?: AbortSignal } = {}) =>
    api.get<AuditPage>('/audit', { query: { ...filter, before_id: beforeId, limit: AUDIT_PAGE_SIZE }, ...o }),
};

/** An action as people say it (登录 / Signed in); an action the table does not know stays as the server wrote it. */
export function actionLabel(action: string): string {
  return label('auditAction', action);
}

export function entityLabel(entityType: string): string {
  return label('auditEntity', entityType);
}

/** One changed field: its name and both values as short text ('' where the value is absent). */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

const MAX_VALUE = 80;

/** A JSON value as one short line: strings bare, the rest as JSON, cut at `max` characters. */
export function compactValue(value: unknown, max = MAX_VALUE): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * What a change changed. Two objects: the fields whose values differ (a field added or removed
 * counts), in the order they first appear. Anything else (lists such as thresholds or plan lines,
 * one side absent): one row for the whole value, named '' — unless both sides are equal.
 */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => ({ field: k, before: compactValue(before[k]), after: compactValue(after[k]) }));
  }
  if (before === undefined || before === null) {
    if (after === undefined || after === null) return [];
    // A record created: its fields as they were written.
    if (isObject(after)) return Object.entries(after).map(([k, v]) => ({ field: k, before: '', after: compactValue(v) }));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: '', before: compactValue(before), after: compactValue(after) }];
}
