// Households, grant lists and public disclosures: types and calls of the households API, and
// the small pure helpers of their screens (unit-tested in households.test.ts).
import { api, download, type RequestOptions } from './api';
import { label } from './i18n';
import type { WriteLabel, WriteRequest } from './outbox';
import type { Narrows, Schemas } from './schemas';
import { normaliseDigits } from './util';

type Opt = { signal?: AbortSignal };

export const HOUSEHOLD_TYPES = ['general', 'dibao', 'tekun', 'youfu', 'disabled'] as const satisfies readonly Schemas['HouseholdType'][];
export const AID_TYPES = ['emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought'] as const;
export const LIST_STATUSES = ['draft', 'submitted', 'approved', 'published', 'paid', 'cancelled'] as const;
export const HANDOFF_PROGRAMMES = ['education', 'temporary_assistance', 'housing', 'medical'] as const satisfies readonly Schemas['HandoffProgramme'][];
export type AidType = Narrows<Schemas['AidType'], (typeof AID_TYPES)[number]>;
export type ListStatus = Narrows<Schemas['ListStatus'], (typeof LIST_STATUSES)[number]>;

export type Household = Schemas['Household'];
export type HouseholdPage = Schemas['HouseholdPage'];

/** Properties of one H3 hexagon of GET /households/hexagons (a GeoJSON polygon feature; the document says "object"). */
export interface HexProperties {
  cell: string;
  households: number;
  affected: number;
  people: number;
  affected_people: number;
}

export type HexCollection = GeoJSON.FeatureCollection<GeoJSON.Polygon, HexProperties>;

export type HouseholdInput = Schemas['HouseholdInputJson'];
export type DamageInput = Schemas['DamageInput'];
export type DamageRecord = Schemas['DamageRecord'];
export const HOUSE_DAMAGE = ['none', 'general', 'severe', 'collapsed'] as const satisfies readonly Schemas['HouseDamage'][];
export const EXCLUSIONS = ['auxiliary_room', 'temporary_building', 'long_vacant', 'second_home', 'rebuilt_or_bought_elsewhere'] as const satisfies readonly Schemas['Exclusion'][];
/** The counts of a damage record, in the order the form asks for them. */
export const DAMAGE_COUNTS = ['damaged_rooms', 'emergency_persons', 'transitional_persons', 'drought_persons', 'dead', 'missing', 'injured'] as const satisfies readonly (keyof DamageInput)[];
/** The statutory registers an event's damage records fill (因灾死亡失踪人口一览表, 因灾倒塌损坏住房户一览表). */
export const REGISTERS = ['dead-missing', 'damaged-houses'] as const;
export type Register = (typeof REGISTERS)[number];

export type GrantList = Schemas['GrantList'];
export type GrantListInput = Schemas['GrantListInput'];
export type Objection = Schemas['Objection'];
/** How a reviewer settles an objection. */
export type Decision = Schemas['Decision'];
export type Disclosure = Schemas['Disclosure'];

export interface HouseholdQuery {
  q?: string;
  id_number?: string;
  area_code?: string;
  household_type?: string;
  before_id?: number;
  limit?: number;
}

/** What an import stored and refused (a refused row's number counts the header as 1). */
export type ImportReport = Schemas['ImportReport'];
export type ImportProgress = Schemas['ProgressView'];

export type ImportMode = 'all_or_nothing' | 'skip_invalid';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The content type to send a household file with: XLSX by its extension, anything else as CSV. */
export function importContentType(fileName: string): string {
  return /\.xlsx$/i.test(fileName) ? XLSX_TYPE : 'text/csv';
}

/**
 * An id to follow an import's progress by. crypto.randomUUID exists only on secure origins, and
 * the dashboard is often reached over plain HTTP inside an office network: getRandomValues is
 * available everywhere.
 */
export function newProgressId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The Chinese header of an import column (the server names columns in English). */
const IMPORT_FIELDS_ZH: Record<string, string> = {
  head_name: '户主姓名',
  head_id_number: '身份证号',
  members: '家庭人口',
  member_list: '家庭成员',
  area_code: '区划代码',
  address: '家庭住址',
  household_type: '家庭类型',
  programmes: '救助项目',
  bank_account: '一卡通账号',
  lon: '经度',
  lat: '纬度',
};

/** A column named as the user's language names it: Chinese headers for Chinese readers. */
export function importFieldLabel(field: string, lang: 'zh' | 'en'): string {
  const zh = IMPORT_FIELDS_ZH[field];
  return lang === 'zh' && zh ? zh : field;
}

/** The report inside an all-or-nothing import's 422 answer, if it is one. */
export function rejectedImport(body: unknown): ImportReport | null {
  const b = body as Partial<ImportReport> | null;
  return b && Array.isArray(b.errors) && typeof b.skipped === 'number' ? { imported: 0, skipped: b.skipped, errors: b.errors } : null;
}

export const householdsApi = {
  import: (file: Blob, fileName: string, mode: ImportMode, progressId: string, o: Opt = {}) =>
    api.post<ImportReport>('/households/import', file.slice(0, file.size, importContentType(fileName)), {
      query: { mode, progress_id: progressId },
      ...o,
    }),
  importProgress: (progressId: string, o: Opt = {}) => api.get<ImportProgress>(`/households/imports/${progressId}`, o),
  search: (query: HouseholdQuery, o: Opt = {}) => api.get<HouseholdPage>('/households', { query: { ...query }, ...o }),
  household: (id: number, o: Opt = {}) => api.get<Household>(`/households/${id}`, o),
  /** Edits a household as read at `readVersion` (its updated_at), only the fields given (answers the
   *  Household; 412 if someone changed it since); sent with outboxsync.sendOrQueue. */
  updateWrite: (id: number, body: HouseholdInput, readVersion: string, key: string, label: WriteLabel): WriteRequest => ({
    method: 'PATCH',
    path: `/households/${id}`,
    body,
    key,
    label,
    ifMatch: readVersion,
  }),
  /** An event's damage records in an area's subtree (the API has no per-household filter). */
  damage: (eventId: number, areaCode: string, o: Opt = {}) =>
    api.get<DamageRecord[]>(`/events/${eventId}/household-damage`, { query: { area_code: areaCode }, ...o }),
  /** Records (or replaces) a household's damage in an event (answers a DamageRecord); sent with outboxsync.sendOrQueue. */
  damageWrite: (eventId: number, body: DamageInput, key: string, label: WriteLabel): WriteRequest => ({ method: 'POST', path: `/events/${eventId}/household-damage`, body, key, label }),
  register: (register: Register, eventId: number, format: 'csv' | 'xlsx', signal?: AbortSignal) =>
    download(`/exports/registers/${register}`, { event_id: eventId, format }, `${register}-${eventId}.${format}`, signal),
  hexagons: (eventId: number | null, o: Opt = {}) => api.get<HexCollection>('/households/hexagons', { query: { event_id: eventId }, ...o }),
  lists: (query: { event_id?: number | null; aid_type?: string; status?: string }, o: Opt = {}) =>
    api.get<GrantList[]>('/grant-lists', { query: { ...query }, ...o }),
  list: (id: number, o: Opt = {}) => api.get<GrantList>(`/grant-lists/${id}`, o),
  create: (body: GrantListInput, o: Opt = {}) =>
    api.post<GrantList>('/grant-lists', body, o),
  action: (id: number, action: 'submit' | 'approve' | 'reject' | 'publish' | 'pay' | 'cancel', body?: unknown, o: Opt = {}) =>
    api.post<GrantList>(`/grant-lists/${id}/${action}`, body ?? {}, o),
  objections: (id: number, o: Opt = {}) => api.get<Objection[]>(`/grant-lists/${id}/objections`, o),
  answer: (id: number, objectionId: number, body: Schemas['AnswerInput'], o: Opt = {}) =>
    api.post<Objection>(`/grant-lists/${id}/objections/${objectionId}/answer`, body, o),
  paymentFile: (id: number, format: 'csv' | 'xlsx', signal?: AbortSignal) =>
    download(`/grant-lists/${id}/payment-file`, { format }, `payment-${id}.${format}`, signal),
  handoff: (programme: string, eventId: number, format: 'csv' | 'xlsx', signal?: AbortSignal) =>
    download('/exports/handoff', { programme, event_id: eventId, format }, `handoff-${programme}-${eventId}.${format}`, signal),
  // Public: no token is sent.
  disclosures: (o: Opt = {}) => api.get<Disclosure[]>('/public/disclosures', { ...o, auth: false }),
  disclosure: (id: number, o: Opt = {}) => api.get<Disclosure>(`/public/disclosures/${id}`, { ...o, auth: false }),
  object: (id: number, body: Schemas['ObjectionInput'], o: Opt = {}) =>
    api.post<Schemas['ObjectionReceipt']>(`/public/disclosures/${id}/objections`, body, { ...o, auth: false } as Omit<RequestOptions, 'method' | 'body'>),
};

/** Current programme enrolments as short text: "低保、残疾" (ended ones are left out). */
export function programmeText(list: Household['programmes'], lang: 'zh' | 'en', now: Date = new Date()): string {
  const today = now.toISOString().slice(0, 10);
  const names = (list ?? [])
    .filter((p) => !p.until || p.until >= today)
    .map((p) => label('programme', p.programme));
  return names.filter(Boolean).join(lang === 'zh' ? '、' : ', ');
}

/** An unmasked 18-digit resident ID number (17 digits + digit or X) anywhere in the text. */
export const FULL_ID_RE = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/;
export function containsFullId(text: string): boolean {
  return FULL_ID_RE.test(text);
}

/**
 * What the register's search box asks the server: a whole ID number goes as `id_number` (matched
 * through its keyed hash; `q` searches names only), anything else as part of a name.
 */
export function householdSearch(text: string): Pick<HouseholdQuery, 'q' | 'id_number'> {
  const s = normaliseDigits(text).replace(/\s+/g, '');
  if (/^[0-9]{17}[0-9Xx]$/.test(s)) return { id_number: s.toUpperCase() };
  const q = text.trim();
  return q ? { q } : {};
}

/** A count typed in a form (people, rooms): a whole number ≥ 0, full-width digits allowed; null otherwise. */
export function parseCount(text: string): number | null {
  const s = normaliseDigits(text);
  if (!s) return 0;
  return /^\d{1,6}$/.test(s) ? Number(s) : null;
}

/** The fields of a household edit that differ from the household (what PATCH should carry). */
export function householdEdits(current: Household, typed: Pick<HouseholdInput, 'head_name' | 'address' | 'household_type' | 'members' | 'bank_account'>): HouseholdInput {
  const out: HouseholdInput = {};
  if (typed.head_name !== undefined && typed.head_name !== null && typed.head_name !== current.head_name) out.head_name = typed.head_name;
  if (typed.address !== undefined && typed.address !== null && typed.address !== current.address) out.address = typed.address;
  if (typed.household_type && typed.household_type !== current.household_type) out.household_type = typed.household_type;
  if (typed.members !== undefined && typed.members !== null && typed.members !== current.members) out.members = typed.members;
  // The account is shown masked only: an empty box keeps it, anything typed replaces it.
  if (typed.bank_account) out.bank_account = typed.bank_account;
  return out;
}

/** A township as the register's filter offers it: "十里街道（浔阳区）", to tell equal names apart. */
export interface AreaOption {
  code: string;
  text: string;
}

export function townshipOptions(townships: ReadonlyArray<{ code: string; name: string; parent_code?: string | null }>, countyNames: ReadonlyMap<string, string>): AreaOption[] {
  return townships
    .map((t) => {
      const county = t.parent_code ? countyNames.get(t.parent_code) : undefined;
      return { code: t.code, text: county ? `${t.name}（${county}）` : t.name };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * The area code the filter's text means: an option's text, a division code as it is, or the
 * one township whose name the text is (or starts); '' for empty text, null when it matches none or several.
 */
export function resolveArea(text: string, options: readonly AreaOption[]): string | null {
  const s = text.trim();
  if (!s) return '';
  if (/^[0-9]{6}([0-9]{3}){0,2}$/.test(s)) return s;
  const exact = options.find((o) => o.text === s);
  if (exact) return exact.code;
  const named = options.filter((o) => o.text.startsWith(s));
  return named.length === 1 ? named[0].code : null;
}

/**
 * The workflow actions a role may try on a list in a status (the server has the last word): managers
 * and reviewers only; admins and auditors read.
 */
export function listActions(role: string, status: string): Array<'submit' | 'approve' | 'reject' | 'publish' | 'pay' | 'cancel'> {
  const manager = role === 'manager';
  const reviewer = role === 'reviewer';
  const out: Array<'submit' | 'approve' | 'reject' | 'publish' | 'pay' | 'cancel'> = [];
  if (status === 'draft' && manager) out.push('submit');
  if (status === 'submitted' && reviewer) out.push('approve', 'reject');
  if (status === 'approved' && (manager || reviewer)) out.push('publish');
  if (status === 'published' && manager) out.push('pay');
  if (['draft', 'submitted', 'approved'].includes(status) && manager) out.push('cancel');
  return out;
}

/** Has the disclosure period ended at `now`? */
export function disclosureEnded(list: Pick<GrantList, 'status' | 'disclosure_end'>, now: Date = new Date()): boolean {
  if (list.status === 'paid') return true;
  if (list.status !== 'published' || !list.disclosure_end) return false;
  const end = new Date(list.disclosure_end).getTime();
  return Number.isFinite(end) && end <= now.getTime();
}

/** Classes of affected households per cell for the legend (upper bounds, inclusive). */
export const HEX_BREAKS = [0, 5, 15, 30] as const;
export const HEX_COLORS = ['#cbd5e1', '#fdd49e', '#fc8d59', '#d7301f', '#7f0000'] as const;

export function hexClass(affected: number): number {
  for (let i = 0; i < HEX_BREAKS.length; i++) if (affected <= HEX_BREAKS[i]) return i;
  return HEX_BREAKS.length;
}

/** Totals over the hexagons, for the legend note. */
export function hexTotals(fc: HexCollection): { cells: number; households: number; affected: number; affectedPeople: number } {
  const totals = { cells: fc.features.length, households: 0, affected: 0, affectedPeople: 0 };
  for (const f of fc.features) {
    totals.households += f.properties.households;
    totals.affected += f.properties.affected;
    totals.affectedPeople += f.properties.affected_people;
  }
  return totals;
}
