// The administrator's settings: users, response-level thresholds and relief standards. Types and
// calls of their API, and the pure helpers of their screens (unit-tested in admin.test.ts).
import { api } from './api';
import { formatFen, formatInteger } from './format';
import { locale, type Lang } from './i18n';
import type { Role } from './roles';
import type { Schemas } from './schemas';
import { normaliseDigits } from './util';

export type UserRow = Schemas['User'];
export type CreateUser = Schemas['CreateUser'];
export type Threshold = Schemas['Threshold'];
export type ThresholdInput = Schemas['ThresholdInput'];
export type Standard = Schemas['StandardView'];
export type StandardUnit = Schemas['Unit'];
export type StandardChange = Schemas['StandardChange'];

export const ROLES = ['admin', 'manager', 'depot_staff', 'reporter', 'assessor', 'reviewer', 'auditor'] as const satisfies readonly Role[];
/** Roles that read everything and need no area scope (every other role must have one). */
export const GLOBAL_ROLES: readonly Role[] = ['admin', 'auditor'];
/** The administrative levels that have their own thresholds. */
export const THRESHOLD_LEVELS = ['province', 'city', 'county'] as const;
/** Response levels Ⅰ (highest) to Ⅳ. */
export const RESPONSE_LEVELS = [1, 2, 3, 4] as const;

type Opt = { signal?: AbortSignal };

export const adminApi = {
  users: (o: Opt = {}) => api.get<UserRow[]>('/users', o),
  createUser: (body: CreateUser, o: Opt = {}) => api.post<UserRow>('/users', body, o),
  /** Deactivate (their sessions end at once) or reactivate a user; never one's own account. */
  setActive: (id: number, active: boolean, o: Opt = {}) => api.patch<UserRow>(`/users/${id}`, { active } satisfies Schemas['UserChange'], o),
  thresholds: (o: Opt = {}) => api.get<Threshold[]>('/response-thresholds', o),
  replaceThresholds: (level: string, rows: ThresholdInput[], o: Opt = {}) =>
    api.put<Threshold[]>(`/response-thresholds/${encodeURIComponent(level)}`, rows, o),
  standards: (o: Opt = {}) => api.get<Standard[]>('/standards', o),
  changeStandards: (changes: StandardChange[], o: Opt = {}) => api.post<Standard[]>('/standards', { changes }, o),
};

/** Money units are fen; the screen shows and takes yuan. Basis points are shown and taken as percent. */
const SCALE: Record<StandardUnit, number> = {
  fen_per_person: 100,
  fen_per_death: 100,
  fen_per_person_day: 100,
  fen_per_household: 100,
  fen_per_room: 100,
  basis_points: 100,
  days: 1,
};

/** The number to put in a standard's input: yuan for money, percent for a share, days as they are. */
export function standardInputValue(value: number, unit: StandardUnit): string {
  const scale = SCALE[unit];
  return scale === 1 ? String(value) : String(value / scale);
}

/**
 * The stored value of what was typed in a standard's input (yuan → fen, percent → basis points),
 * or null when it is not a number with at most two decimals (days: a whole number). Negative numbers
 * pass: the server says why they are refused, beside the field.
 */
export function parseStandardInput(text: string, unit: StandardUnit): number | null {
  const s = normaliseDigits(text).replace(/[,，\s¥%]/g, '');
  const pattern = SCALE[unit] === 1 ? /^-?\d+$/ : /^-?\d+(\.\d{1,2})?$/;
  if (!pattern.test(s)) return null;
  return Math.round(Number(s) * SCALE[unit]);
}

/** A standard's value as people read it: "¥300.00", "70%", "90"; the unit's words come from the table. */
export function formatStandard(value: number, unit: StandardUnit, lang: Lang): string {
  if (unit === 'basis_points') return `${new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 2 }).format(value / 100)}%`;
  if (unit === 'days') return formatInteger(value, lang);
  return formatFen(value, lang);
}

/** The cost-split group a standard belongs to ('split_national' for 'split_national_city'), or null. */
export function splitGroup(key: string): string | null {
  const m = /^(split_[a-z]+)_[a-z]+$/.exec(key);
  return m ? m[1] : null;
}

/** The changed standards only: what to send. */
export function standardChanges(current: readonly Standard[], typed: ReadonlyMap<string, number>): StandardChange[] {
  return current.filter((s) => typed.has(s.key) && typed.get(s.key) !== s.value).map((s) => ({ key: s.key, value: typed.get(s.key)! }));
}

/**
 * One administrative level's thresholds as a table: criterion → [Ⅰ, Ⅱ, Ⅲ, Ⅳ] lower bounds (null
 * where none). Every criterion any level uses has a row, so a level without thresholds can get some.
 */
export function thresholdTable(rows: readonly Threshold[], adminLevel: string): Map<string, Array<number | null>> {
  const table = new Map<string, Array<number | null>>();
  for (const criterion of [...new Set(rows.map((r) => r.criterion))].sort()) table.set(criterion, RESPONSE_LEVELS.map(() => null));
  for (const r of rows) {
    if (r.admin_level !== adminLevel) continue;
    const line = table.get(r.criterion)!;
    const i = RESPONSE_LEVELS.indexOf(r.response_level as (typeof RESPONSE_LEVELS)[number]);
    if (i >= 0) line[i] = r.lower_bound;
  }
  return table;
}

/** The PUT body of a level's table (cells left empty are left out), in criterion, then level order. */
export function thresholdInputs(table: ReadonlyMap<string, ReadonlyArray<number | null>>): ThresholdInput[] {
  const out: ThresholdInput[] = [];
  for (const [criterion, bounds] of table) {
    bounds.forEach((b, i) => {
      if (b !== null) out.push({ criterion, response_level: RESPONSE_LEVELS[i], lower_bound: b });
    });
  }
  return out;
}

/** The cell a threshold error names: the server says `[3].lower_bound` for the fourth row sent. */
export function thresholdErrorRow(field: string | null | undefined): number | null {
  const m = /^\[(\d+)\]/.exec(field ?? '');
  return m ? Number(m[1]) : null;
}
