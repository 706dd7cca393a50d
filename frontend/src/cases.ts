// One window and urgent help (一门受理 / 救急难, docs/domain/one-window.md): the API's types and
// calls for the township's cases, the departments' desk (a department token, not a login) and the
// applicant's receipt page (no login), and the pure rules of the screens, unit-tested in
// cases.test.ts: the programmes and who answers each, the intake form's checks (the ID number's
// GB 11643 check digit, the phone), the due time in words, the boards' order, what a role may do to
// a case in its status, and a department's own deadline. The server has the last word on all of them.
import { parseYuan } from './applications';
import { api } from './api';
import type { MsgKey, Params } from './i18n';
import type { WriteLabel, WriteRequest } from './outbox';
import type { Schemas } from './schemas';
import { countByStatus, normaliseDigits } from './util';

type Opt = { signal?: AbortSignal };

// ---- types (the API contract; api.gen.ts names them once the document is regenerated) ----------

export const PROGRAMMES = ['dibao', 'tekun', 'medical', 'education', 'housing', 'employment', 'temporary', 'disease_emergency'] as const;
export type Programme = (typeof PROGRAMMES)[number];
/** The programmes county civil-affairs staff (managers) answer; the others answer with their department token. */
export const STAFF_PROGRAMMES = ['dibao', 'tekun', 'employment', 'disease_emergency'] as const satisfies readonly Programme[];
export type StaffProgramme = (typeof STAFF_PROGRAMMES)[number];

export const KINDS = ['application', 'referral', 'urgent'] as const;
export type CaseKind = (typeof KINDS)[number];
export const SOURCES = ['one_window', 'detection', 'hotline', 'department'] as const;
export type CaseSource = (typeof SOURCES)[number];
export const STATUSES = ['received', 'referred', 'accepted', 'decided', 'closed'] as const;
export type CaseStatus = (typeof STATUSES)[number];
export type ReferralStatus = 'referred' | 'accepted' | 'granted' | 'declined' | 'transferred';
export const DECISIONS = ['granted', 'declined', 'transferred'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface Referral {
  programme: Programme;
  status: ReferralStatus;
  due_at: string;
  accepted_at?: string | null;
  decided_at?: string | null;
  decided_by?: string | null;
  amount_fen?: number | null;
  reason?: string | null;
}

export interface Case {
  id: number;
  receipt_no: string;
  area_code: string;
  household_id?: number | null;
  applicant_name: string;
  id_number_masked?: string | null;
  phone: string;
  kind: CaseKind;
  source: CaseSource;
  programmes: Programme[];
  description: string;
  status: CaseStatus;
  due_at: string;
  overdue: boolean;
  referrals: Referral[];
  created_by: string;
  created_at: string;
  updated_at: string;
  close_reason?: string | null;
}

export interface CaseInput {
  area_code: string;
  household_id?: number | null;
  applicant: { name: string; id_number?: string | null; phone: string };
  kind: CaseKind;
  programmes: Programme[];
  description: string;
  source: CaseSource;
}

export interface OutcomeInput {
  decision: Decision;
  amount_fen?: number | null;
  reason: string;
}

/** What the applicant sees by receipt number: no names, no numbers. */
export interface CaseReceipt {
  receipt_no: string;
  status: CaseStatus;
  received_at: string;
  due_at: string;
  referrals: Array<{ programme: Programme; status: ReferralStatus; decided_at?: string | null }>;
}

// ---- calls ---------------------------------------------------------------------------------------

export const casesApi = {
  list: (query: { area_code?: string; status?: string } = {}, o: Opt = {}) => api.get<Case[]>('/cases', { query: { ...query }, ...o }),
  get: (id: number, o: Opt = {}) => api.get<Case>(`/cases/${id}`, o),
  file: (body: CaseInput, o: Opt = {}) => api.post<Case>('/cases', body, o),
  /** An intake as a write with its Idempotency-Key (answers a Case); sent with outboxsync.sendOrQueue. */
  fileWrite: (body: CaseInput, key: string): WriteRequest => ({ method: 'POST', path: '/cases', body, key, label: intakeLabel(body) }),
  refer: (id: number, o: Opt = {}) => api.post<Case>(`/cases/${id}/refer`, undefined, o),
  outcome: (id: number, body: OutcomeInput & { programme: StaffProgramme }, o: Opt = {}) => api.post<Case>(`/cases/${id}/outcome`, body, o),
  close: (id: number, reason: string, o: Opt = {}) => api.post<Case>(`/cases/${id}/close`, { reason }, o),
  /** The applicant's copy (no login). */
  receipt: (receiptNo: string, last4: string, o: Opt = {}) =>
    api.get<CaseReceipt>(`/public/cases/${encodeURIComponent(receiptNo)}`, { query: { last4 }, auth: false, ...o }),
};

/** A department's calls, with its token as the bearer (never the signed-in session's). */
export function departmentApi(token: string) {
  const auth = { auth: false, headers: { Authorization: `Bearer ${token}` } } as const;
  return {
    list: (o: Opt = {}) => api.get<Case[]>('/department/cases', { ...auth, ...o }),
    get: (id: number, o: Opt = {}) => api.get<Case>(`/department/cases/${id}`, { ...auth, ...o }),
    accept: (id: number, o: Opt = {}) => api.post<Case>(`/department/cases/${id}/accept`, undefined, { ...auth, ...o }),
    outcome: (id: number, body: OutcomeInput, o: Opt = {}) => api.post<Case>(`/department/cases/${id}/outcome`, body, { ...auth, ...o }),
  };
}

// ---- the department's token: this tab only ----------------------------------------------------

export const DEPT_TOKEN_KEY = 'jiuzai.departmentToken';

/** A department token as an admin issued it: `jzh_` and the secret. */
export function isDepartmentToken(text: string): boolean {
  return /^jzh_[A-Za-z0-9_-]{8,}$/.test(text.trim());
}

function session(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

export function loadDepartmentToken(): string | null {
  return session()?.getItem(DEPT_TOKEN_KEY) || null;
}

export function saveDepartmentToken(token: string | null): void {
  const s = session();
  if (!s) return;
  if (token) s.setItem(DEPT_TOKEN_KEY, token.trim());
  else s.removeItem(DEPT_TOKEN_KEY);
}

// ---- programmes ----------------------------------------------------------------------------------

export function programmeKey(p: string): MsgKey {
  return `cases.programme.${p}` as MsgKey;
}

export function isStaffProgramme(p: string): p is StaffProgramme {
  return (STAFF_PROGRAMMES as readonly string[]).includes(p);
}

// ---- the intake form ---------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The ID number as typed, made plain: full-width digits, spaces gone, x upper case. */
export function normaliseIdNumber(text: string): string {
  return normaliseDigits(text).replace(/\s+/g, '').toUpperCase();
}

/** Why an 18-character resident ID number (GB 11643) is not one, or null when it is. */
export function idNumberProblem(text: string): 'format' | 'checkDigit' | null {
  const s = normaliseIdNumber(text);
  if (!/^[0-9]{17}[0-9X]$/.test(s)) return 'format';
  const sum = [...s.slice(0, 17)].reduce((acc, d, i) => acc + Number(d) * ID_WEIGHTS[i], 0);
  return ID_CHECK[sum % 11] === s[17] ? null : 'checkDigit';
}

/** A phone number as the server takes it: 7–20 digits, with spaces, dashes or a leading +. */
export function validPhone(text: string): boolean {
  const s = normaliseDigits(text).trim();
  const digits = (s.match(/[0-9]/g) ?? []).length;
  return digits >= 7 && digits <= 20 && /^\+?[0-9 -]+$/.test(s);
}

export type IntakeField = 'area' | 'household' | 'name' | 'idNumber' | 'phone' | 'kind' | 'programmes' | 'description' | 'source';

export interface IntakeTyped {
  area_code: string;
  household_id: number | null;
  name: string;
  id_number: string;
  phone: string;
  kind: string;
  programmes: readonly string[];
  description: string;
  source: string;
}

/** The intake form checked: the body to send, or each field's problem as a table key. */
export function checkIntake(x: IntakeTyped): { body: CaseInput } | { errors: Map<IntakeField, MsgKey> } {
  const errors = new Map<IntakeField, MsgKey>();
  if (!/^[0-9]{9}([0-9]{3})?$/.test(x.area_code)) errors.set('area', 'cases.err.area');
  const name = x.name.trim();
  if (!name) errors.set('name', 'cases.err.required');
  else if ([...name].length > 50) errors.set('name', 'cases.err.nameLong');
  const id = normaliseIdNumber(x.id_number);
  if (id) {
    const p = idNumberProblem(id);
    if (p) errors.set('idNumber', p === 'format' ? 'cases.err.idFormat' : 'cases.err.idCheck');
  }
  const phone = normaliseDigits(x.phone).trim();
  if (!phone) errors.set('phone', 'cases.err.required');
  else if (!validPhone(phone)) errors.set('phone', 'cases.err.phone');
  if (!(KINDS as readonly string[]).includes(x.kind)) errors.set('kind', 'cases.err.required');
  const programmes = PROGRAMMES.filter((p) => x.programmes.includes(p));
  if (!programmes.length) errors.set('programmes', 'cases.err.programmes');
  const description = x.description.trim();
  if (!description) errors.set('description', 'cases.err.required');
  else if ([...description].length > 2000) errors.set('description', 'cases.err.descriptionLong');
  if (!(SOURCES as readonly string[]).includes(x.source)) errors.set('source', 'cases.err.required');
  if (errors.size) return { errors };
  return {
    body: {
      area_code: x.area_code,
      household_id: x.household_id,
      applicant: { name, id_number: id || null, phone },
      kind: x.kind as CaseKind,
      programmes,
      description,
      source: x.source as CaseSource,
    },
  };
}

/** A county and its townships, for an area filter (the county's own option filters the whole county). */
export interface AreaGroup {
  county: { code: string; name: string };
  townships: Array<{ code: string; name: string }>;
}

/**
 * The counties and townships within `own` (the caller's scope: a province, city, county or township
 * code; '' for everywhere), grouped county → township in code order. A township whose county is
 * not among `counties` is grouped under its county code.
 */
export function areaGroups(
  townships: ReadonlyArray<{ code: string; name: string; parent_code?: string | null }>,
  counties: ReadonlyArray<{ code: string; name: string }>,
  own: string,
): AreaGroup[] {
  // A province or city code ends in zeros (110000, 110100): its areas start with what is before them.
  const scope = own.length === 6 ? own.replace(/(00){1,2}$/, '') : own.slice(0, 9);
  const within = (code: string) => !scope || code.startsWith(scope) || scope.startsWith(code);
  const groups = new Map<string, AreaGroup>();
  for (const c of [...counties].sort((a, b) => a.code.localeCompare(b.code))) if (within(c.code)) groups.set(c.code, { county: { code: c.code, name: c.name }, townships: [] });
  for (const x of [...townships].sort((a, b) => a.code.localeCompare(b.code))) {
    if (!within(x.code)) continue;
    const parent = x.parent_code ?? x.code.slice(0, 6);
    let g = groups.get(parent);
    if (!g) groups.set(parent, (g = { county: { code: parent, name: parent }, townships: [] }));
    g.townships.push({ code: x.code, name: x.name });
  }
  return [...groups.values()].filter((g) => g.townships.length).sort((a, b) => a.county.code.localeCompare(b.county.code));
}

/** How many of a long list to show: `step` at a time (50 on the alert list). */
export function shownCount(total: number, shown: number, step = 50): { show: number; left: number } {
  const show = Math.min(total, Math.max(step, shown));
  return { show, left: total - show };
}

/** How a queued intake is named in the outbox: by the applicant. */
export function intakeLabel(body: CaseInput): WriteLabel {
  return { key: 'outbox.kind.case', params: { name: body.applicant.name } };
}

/** Whether a queued write is an intake (POST /cases). */
export function isIntakeWrite(w: Pick<WriteRequest, 'method' | 'path'>): boolean {
  return w.method === 'POST' && w.path === '/cases';
}

/** Each intake field's label on the form. */
export const INTAKE_FIELD_LABEL: Record<IntakeField, MsgKey> = {
  area: 'cases.form.area',
  household: 'cases.form.household',
  name: 'cases.form.name',
  idNumber: 'cases.form.idNumber',
  phone: 'cases.form.phone',
  kind: 'cases.form.kind',
  programmes: 'cases.form.programmes',
  description: 'cases.form.description',
  source: 'cases.form.source',
};

/** The labels of the intake fields a server refusal named (unknown fields are left out; each once). */
export function intakeFieldLabels(fields: readonly string[]): MsgKey[] {
  const out: MsgKey[] = [];
  for (const f of fields) {
    const field = intakeFieldOf(f);
    const key = field ? INTAKE_FIELD_LABEL[field] : null;
    if (key && !out.includes(key)) out.push(key);
  }
  return out;
}

/** The intake form's field a server error names (`applicant.id_number` …). */
export function intakeFieldOf(field: string | null): IntakeField | null {
  switch (field) {
    case 'area_code':
      return 'area';
    case 'household_id':
      return 'household';
    case 'applicant.name':
      return 'name';
    case 'applicant.id_number':
      return 'idNumber';
    case 'applicant.phone':
      return 'phone';
    case 'programmes':
    case 'description':
    case 'kind':
    case 'source':
      return field;
    default:
      return null;
  }
}

/** What the applicant types on the receipt page with the number: the ID number's last four, else the phone's. */
export function last4Of(idNumber: string, phone: string): string {
  const id = normaliseIdNumber(idNumber);
  if (id) return id.slice(-4);
  return (normaliseDigits(phone).match(/[0-9]/g) ?? []).slice(-4).join('');
}

/** The receipt page's address for a receipt number: `base` is the dashboard's address without its hash. */
export function receiptUrl(base: string, receiptNo: string): string {
  return `${base.replace(/#.*$/, '')}#/public/case?no=${encodeURIComponent(receiptNo)}`;
}

/** A receipt number as typed (spaces gone, upper case): `20261203-ABCD2345`. */
export function normaliseReceiptNo(text: string): string {
  return normaliseDigits(text).replace(/\s+/g, '').toUpperCase();
}

export function validReceiptNo(text: string): boolean {
  return /^[0-9]{8}-[0-9A-Z]{8}$/.test(normaliseReceiptNo(text));
}

// ---- time --------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A due time in words against `now`: "还剩 5 小时" / "超期 2 天" (minutes under an hour, hours under
 * two days, days after). `late` says it has passed.
 */
export function dueWords(dueAt: string, now: Date = new Date()): { key: MsgKey; params: Params; late: boolean } {
  const diff = Date.parse(dueAt) - now.getTime();
  const late = diff < 0;
  const gap = Math.abs(diff);
  let unit: 'minute' | 'hour' | 'day';
  let n: number;
  if (gap < HOUR) {
    unit = 'minute';
    n = Math.max(1, Math.floor(gap / MINUTE));
  } else if (gap < 2 * DAY) {
    unit = 'hour';
    n = Math.floor(gap / HOUR);
  } else {
    unit = 'day';
    n = Math.floor(gap / DAY);
  }
  const plural = n === 1 ? '' : 's';
  return { key: `cases.due.${late ? 'over' : 'left'}.${unit}${plural}` as MsgKey, params: { n }, late };
}

// ---- boards --------------------------------------------------------------------------------------

/** Whether a case still waits for someone (not decided, not closed). */
export function isOpen(c: Pick<Case, 'status'>): boolean {
  return c.status !== 'decided' && c.status !== 'closed';
}

/** Overdue first, then open ones by the soonest due, then decided and closed ones (newest first). */
export function sortBoard<T extends Pick<Case, 'id' | 'status' | 'overdue' | 'due_at' | 'updated_at'>>(cases: readonly T[]): T[] {
  const rank = (c: T) => (c.overdue ? 0 : isOpen(c) ? 1 : 2);
  return [...cases].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (rank(a) < 2 ? Date.parse(a.due_at) - Date.parse(b.due_at) : Date.parse(b.updated_at) - Date.parse(a.updated_at)) ||
      a.id - b.id,
  );
}

/** How many cases are in each status, and the overdue ones. */
export function statusCounts(cases: ReadonlyArray<Pick<Case, 'status' | 'overdue'>>): Record<CaseStatus, number> & { overdue: number; total: number } {
  return countByStatus(STATUSES, cases);
}

export function statusTone(s: CaseStatus): string {
  if (s === 'decided') return 'badge-ok';
  if (s === 'closed') return 'badge-muted';
  if (s === 'received') return 'badge-warn';
  return 'badge-info';
}

export function referralTone(s: ReferralStatus): string {
  if (s === 'granted') return 'badge-ok';
  if (s === 'declined') return 'badge-danger';
  if (s === 'transferred') return 'badge-muted';
  if (s === 'accepted') return 'badge-info';
  return 'badge-warn';
}

export function isAnswered(s: ReferralStatus): boolean {
  return s === 'granted' || s === 'declined' || s === 'transferred';
}

// ---- who may do what -----------------------------------------------------------------------------

export type CaseAction = 'refer' | 'close' | 'outcome';

/** What township and county staff may try on a case (the server checks the area too). */
export function caseActions(role: string, c: Pick<Case, 'status' | 'referrals'>): CaseAction[] {
  const out: CaseAction[] = [];
  const intake = role === 'reporter' || role === 'manager';
  if (intake && c.status === 'received') out.push('refer');
  if (role === 'manager' && c.status !== 'closed' && staffOpen(c).length) out.push('outcome');
  if (intake && c.status !== 'closed') out.push('close');
  return out;
}

/** The referrals county staff answer that still wait for an answer. */
export function staffOpen(c: Pick<Case, 'referrals'>): StaffProgramme[] {
  return c.referrals.filter((r) => isStaffProgramme(r.programme) && !isAnswered(r.status)).map((r) => r.programme as StaffProgramme);
}

/** A department's side of a case (its own referrals only): what it may do and its own deadline. */
export function departmentState(c: Pick<Case, 'status' | 'referrals'>, now: Date = new Date()): { canAccept: boolean; canAnswer: boolean; due: string | null; overdue: boolean; answered: boolean } {
  const open = c.referrals.filter((r) => !isAnswered(r.status));
  const closed = c.status === 'closed';
  const due = open.length && !closed ? open.map((r) => r.due_at).sort((a, b) => Date.parse(a) - Date.parse(b))[0] : null;
  return {
    canAccept: !closed && open.some((r) => r.status === 'referred'),
    canAnswer: !closed && open.length > 0,
    due,
    overdue: due !== null && Date.parse(due) < now.getTime(),
    answered: c.referrals.length > 0 && !open.length,
  };
}

/** A department's board: its overdue cases first, then the soonest due, answered and closed ones last. */
export function sortDepartmentBoard<T extends Pick<Case, 'id' | 'status' | 'referrals' | 'updated_at'>>(cases: readonly T[], now: Date = new Date()): T[] {
  const keyed = cases.map((c) => ({ c, s: departmentState(c, now) }));
  const rank = (x: (typeof keyed)[number]) => (x.s.overdue ? 0 : x.s.due ? 1 : 2);
  return keyed
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.s.due && b.s.due ? Date.parse(a.s.due) - Date.parse(b.s.due) : Date.parse(b.c.updated_at) - Date.parse(a.c.updated_at)) ||
        a.c.id - b.c.id,
    )
    .map((x) => x.c);
}

// ---- an answer -------------------------------------------------------------------------------------

/** An answer's checks: a grant may have an amount (yuan, not below 0), the others none; a reason always. */
export function checkOutcome(decision: string, amountText: string, reasonText: string): { body: OutcomeInput } | { field: 'decision' | 'amount' | 'reason'; key: MsgKey } {
  if (!(DECISIONS as readonly string[]).includes(decision)) return { field: 'decision', key: 'cases.err.decision' };
  let amount: number | null = null;
  if (decision === 'granted' && amountText.trim()) {
    amount = parseYuan(amountText);
    if (amount === null) return { field: 'amount', key: 'cases.err.amount' };
  }
  const reason = reasonText.trim();
  if (!reason) return { field: 'reason', key: 'cases.err.reason' };
  if ([...reason].length > 1000) return { field: 'reason', key: 'cases.err.reasonLong' };
  return { body: { decision: decision as Decision, amount_fen: amount, reason } };
}

/** The area key of a case's township (a village code's first 9 digits). */
export function townshipOf(code: string): string {
  return code.length > 9 ? code.slice(0, 9) : code;
}

// ---- detection alerts (救急难 主动发现) ----------------------------------------------------------
// After a household's damage record, and each night for every open event, the server looks for
// households whose losses call for another programme and raises an alert; township staff turn an
// alert into a case (source `detection`) or dismiss it with a reason.

export const ALERT_STATUSES = ['open', 'converted', 'dismissed', 'withdrawn'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/**
 * hardship: a member dead or missing or the house collapsed, in neither 低保 nor 特困 (临时救助 now,
 * 低保 to check); injury: a member injured (医疗救助); schooling: children of preschool or school age in
 * an affected 低保 or 特困 household (教育救助).
 */
export const NEEDS = ['hardship', 'injury', 'schooling'] as const;
export type AlertNeed = (typeof NEEDS)[number];
export const HOUSE_DAMAGE = ['none', 'general', 'severe', 'collapsed'] as const;
export type HouseDamage = (typeof HOUSE_DAMAGE)[number];

/** What raised an alert: the household's losses in the event and what it already holds. */
export type AlertFacts = Schemas['AlertFacts'];
/** Head name full for managers and admins of the area, masked (李*乙) for everyone else. */
export type AssistanceAlert = Schemas['AssistanceAlert'];
/** What one run of detection did. */
export type DetectionOutcome = Schemas['DetectionOutcome'];
export type AlertCaseInput = Schemas['AlertCaseInput'];

export const alertsApi = {
  list: (query: { status?: AlertStatus; event_id?: number | null; area_code?: string } = {}, o: Opt = {}) =>
    api.get<AssistanceAlert[]>('/alerts/assistance', { query: { ...query }, ...o }),
  toCase: (id: number, body: AlertCaseInput, o: Opt = {}) => api.post<Case>(`/alerts/assistance/${id}/case`, body, o),
  dismiss: (id: number, reason: string, o: Opt = {}) => api.post<AssistanceAlert>(`/alerts/assistance/${id}/dismiss`, { reason }, o),
  /** Detection now, over one event or every open one (managers and admins). */
  scan: (eventId: number | null, o: Opt = {}) => api.post<DetectionOutcome>('/alerts/assistance/scan', eventId ? { event_id: eventId } : {}, o),
};

/** The need in a few words (a badge) and in a sentence (what the server found). */
export function needKey(need: string, long = false): MsgKey {
  return `alerts.need${long ? 'Long' : ''}.${need}` as MsgKey;
}

/** The case an alert becomes: urgent for hardship (a death or a lost house cannot wait), else an application. */
export function alertKind(need: AlertNeed): CaseKind {
  return need === 'hardship' ? 'urgent' : 'application';
}

/** What raised an alert, as phrases: the losses (only those there are), then the household's standing. */
export function alertFactWords(f: AlertFacts): Array<{ key: MsgKey; params: Params; tone: 'loss' | 'house' | 'plain' }> {
  const out: Array<{ key: MsgKey; params: Params; tone: 'loss' | 'house' | 'plain' }> = [];
  if (f.dead > 0) out.push({ key: 'alerts.fact.dead', params: { n: f.dead }, tone: 'loss' });
  if (f.missing > 0) out.push({ key: 'alerts.fact.missing', params: { n: f.missing }, tone: 'loss' });
  if (f.injured > 0) out.push({ key: 'alerts.fact.injured', params: { n: f.injured }, tone: 'loss' });
  if (f.house && f.house !== 'none') out.push({ key: `alerts.fact.house.${f.house}` as MsgKey, params: {}, tone: f.house === 'collapsed' ? 'loss' : 'house' });
  if (f.children > 0) out.push({ key: f.children === 1 ? 'alerts.fact.child' : 'alerts.fact.children', params: { n: f.children }, tone: 'plain' });
  out.push({ key: `alerts.fact.poverty.${f.poverty_class ?? 'none'}` as MsgKey, params: {}, tone: 'plain' });
  return out;
}

export type AlertAction = 'case' | 'dismiss';

/** What township staff (reporters, managers) may do to an alert: only an open one (the server checks the area). */
export function alertActions(role: string, a: Pick<AssistanceAlert, 'status'>): AlertAction[] {
  return (role === 'reporter' || role === 'manager') && a.status === 'open' ? ['case', 'dismiss'] : [];
}

/** Who may run detection now. */
export function canScan(role: string): boolean {
  return role === 'manager' || role === 'admin';
}

/** How many alerts are in each status, and all. */
export function alertCounts(alerts: ReadonlyArray<Pick<AssistanceAlert, 'status'>>): Record<AlertStatus, number> & { total: number } {
  return countByStatus(ALERT_STATUSES, alerts);
}

/** Hardship first (it cannot wait), then the newest raised. */
export function sortAlerts<T extends Pick<AssistanceAlert, 'id' | 'need' | 'raised_at'>>(alerts: readonly T[]): T[] {
  const rank = (a: T) => (a.need === 'hardship' ? 0 : 1);
  return [...alerts].sort((a, b) => rank(a) - rank(b) || Date.parse(b.raised_at) - Date.parse(a.raised_at) || b.id - a.id);
}

/** The case form of an alert checked: the phone (optional) and the description (optional, by default the server's words). */
export function checkAlertCase(phoneText: string, descriptionText: string): { body: AlertCaseInput } | { errors: Map<'phone' | 'description', MsgKey> } {
  const errors = new Map<'phone' | 'description', MsgKey>();
  const phone = normaliseDigits(phoneText).trim();
  if (phone && !validPhone(phone)) errors.set('phone', 'cases.err.phone');
  const description = descriptionText.trim();
  if ([...description].length > 2000) errors.set('description', 'cases.err.descriptionLong');
  if (errors.size) return { errors };
  const body: AlertCaseInput = {};
  if (phone) body.phone = phone;
  if (description) body.description = description;
  return { body };
}

/** A reason (an alert's dismissal, a check's resolution) checked: required, at most 1000 characters. */
export function checkReason(reasonText: string): { reason: string } | { key: MsgKey } {
  const reason = reasonText.trim();
  if (!reason) return { key: 'cases.err.reason' };
  if ([...reason].length > 1000) return { key: 'cases.err.reasonLong' };
  return { reason };
}

// ---- urgent cases on the map -----------------------------------------------------------------------

/**
 * The open urgent cases (kind `urgent`, neither decided nor closed) per township (a village's code
 * cut to its township's 9 digits), each township's overdue ones first, then the soonest due.
 */
export function openUrgentByTownship<T extends Pick<Case, 'id' | 'kind' | 'status' | 'area_code' | 'overdue' | 'due_at' | 'updated_at'>>(cases: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const c of cases) {
    if (c.kind !== 'urgent' || !isOpen(c)) continue;
    const town = townshipOf(c.area_code);
    const list = out.get(town);
    if (list) list.push(c);
    else out.set(town, [c]);
  }
  for (const [town, list] of out) out.set(town, sortBoard(list));
  return out;
}
