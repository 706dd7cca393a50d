// Household applications (户报 → 村评 → 审核公示 → 乡审 → 县定, docs/domain/applications.md): the
// API's types and calls, and the pure rules of their screens (unit-tested in applications.test.ts):
// where an application stands, the queue's order, which step a user may take, the persons and
// amount checks. The server has the last word on all of them.
import { api } from './api';
import type { Schemas } from './schemas';
import { normaliseDigits } from './util';

type Opt = { signal?: AbortSignal };

export type Application = Schemas['Application'];
export type StepRecord = Schemas['StepRecord'];
export type Notice = Schemas['Notice'];
export type NoticeEntry = Schemas['NoticeEntry'];
export type ApplicationObjection = Schemas['ApplicationObjection'];
export type ApplicationInput = Schemas['ApplicationInput'];
export type VillageAssessmentInput = Schemas['VillageAssessmentInput'];
export type TownshipReviewInput = Schemas['TownshipReviewInput'];
export type CountyDecisionInput = Schemas['CountyDecisionInput'];
export type NoticeInput = Schemas['NoticeInput'];
export type ObjectionDecision = Schemas['ObjectionDecision'];
export type ApplicationStatus = Schemas['ApplicationStatus'];

export const applicationsApi = {
  list: (query: { event_id?: number; area_code?: string; status?: string } = {}, o: Opt = {}) =>
    api.get<Application[]>('/applications', { query: { ...query }, ...o }),
  get: (id: number, o: Opt = {}) => api.get<Application>(`/applications/${id}`, o),
  file: (body: ApplicationInput, o: Opt = {}) => api.post<Application>('/applications', body, o),
  assess: (id: number, body: VillageAssessmentInput, o: Opt = {}) => api.post<Application>(`/applications/${id}/village-assessment`, body, o),
  review: (id: number, body: TownshipReviewInput, o: Opt = {}) => api.post<Application>(`/applications/${id}/township-review`, body, o),
  decide: (id: number, body: CountyDecisionInput, o: Opt = {}) => api.post<Application>(`/applications/${id}/county-decision`, body, o),
  postNotice: (body: NoticeInput, o: Opt = {}) => api.post<Notice>('/application-disclosures', body, o),
  objections: (disclosureId: number | null, o: Opt = {}) =>
    api.get<ApplicationObjection[]>('/application-objections', { query: { disclosure_id: disclosureId ?? undefined }, ...o }),
  answer: (id: number, body: Schemas['ObjectionAnswerInput'], o: Opt = {}) => api.post<ApplicationObjection>(`/application-objections/${id}/answer`, body, o),
  // Public: no token is sent.
  notices: (o: Opt = {}) => api.get<Notice[]>('/public/application-disclosures', { ...o, auth: false }),
  notice: (id: number, o: Opt = {}) => api.get<Notice>(`/public/application-disclosures/${id}`, { ...o, auth: false }),
  object: (id: number, body: Schemas['NoticeObjectionInput'], o: Opt = {}) =>
    api.post<Schemas['ObjectionReceipt']>(`/public/application-disclosures/${id}/objections`, body, { ...o, auth: false }),
};

// ---- where an application stands -----------------------------------------------------------------

/**
 * The queue's stages: the status, with `recommended` told apart by its notice (not yet posted,
 * running, ended: then the township's turn), and the closed ones together.
 */
export const STAGES = ['assess', 'notice', 'posted', 'review', 'decide', 'approved', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export function stageOf(a: Pick<Application, 'status' | 'disclosure_id' | 'disclosure_end'>, now: Date = new Date()): Stage {
  switch (a.status) {
    case 'applied':
      return 'assess';
    case 'recommended': {
      if (a.disclosure_id == null) return 'notice';
      const end = a.disclosure_end ? Date.parse(a.disclosure_end) : NaN;
      return Number.isFinite(end) && end > now.getTime() ? 'posted' : 'review';
    }
    case 'township_approved':
      return 'decide';
    case 'approved':
      return 'approved';
    default:
      return 'closed';
  }
}

/** Overdue first, then the earliest due, then those with no due date (closed, waiting for a notice), newest first. */
export function sortQueue<T extends Pick<Application, 'id' | 'overdue' | 'due_at'>>(rows: readonly T[]): T[] {
  const due = (r: T) => (r.due_at ? Date.parse(r.due_at) : NaN);
  return [...rows].sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    const da = due(a);
    const db = due(b);
    const ha = Number.isFinite(da);
    const hb = Number.isFinite(db);
    if (ha !== hb) return ha ? -1 : 1;
    if (ha && da !== db) return da - db;
    return b.id - a.id;
  });
}

/** How many applications each stage holds. */
export function stageCounts(rows: ReadonlyArray<Pick<Application, 'status' | 'disclosure_id' | 'disclosure_end'>>, now: Date = new Date()): Record<Stage, number> {
  const out = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (const r of rows) out[stageOf(r, now)] += 1;
  return out;
}

// ---- who may take which step ---------------------------------------------------------------------

export type Level = 'province' | 'city' | 'county' | 'township' | 'village';
const RANK: Record<Level, number> = { province: 0, city: 1, county: 2, township: 3, village: 4 };

/** The level of a division code (as the server reads it); null for anything else. */
export function levelOf(code: string | null | undefined): Level | null {
  if (!code || !/^\d+$/.test(code)) return null;
  if (code.length === 6) return code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'city' : 'county';
  if (code.length === 9) return 'township';
  if (code.length === 12) return 'village';
  return null;
}

/** Is a scope at `level` or above it (a city reviewer may act for a township)? */
export function atOrAbove(scope: string | null | undefined, level: Level): boolean {
  const l = levelOf(scope);
  return l !== null && RANK[l] <= RANK[level];
}

/** Caseworkers file, assess and post notices: the reporter role, and managers acting as one. */
export const CASEWORKERS = ['reporter', 'manager'] as const;
export function isCaseworker(role: string): boolean {
  return (CASEWORKERS as readonly string[]).includes(role);
}

export type ChainAction = 'assess' | 'review' | 'decide';

export interface Caller {
  id: number;
  role: string;
  area_code?: string | null;
}

/**
 * The step the caller may take on the application now, or why the step waits: the village
 * assessment for caseworkers; the township review for reviewers scoped to a township or above once
 * the notice has ended with no objection open; the county decision for reviewers scoped to a county
 * or above who did not review it for the township.
 */
export function actionFor(
  caller: Caller,
  a: Pick<Application, 'status' | 'disclosure_id' | 'disclosure_end' | 'open_objections' | 'steps'>,
  now: Date = new Date(),
): { action: ChainAction } | { wait: 'noticeRunning' | 'objectionOpen' | 'noNotice' | 'sameReviewer' } | null {
  const stage = stageOf(a, now);
  if (stage === 'assess') return isCaseworker(caller.role) ? { action: 'assess' } : null;
  if (caller.role !== 'reviewer') return null;
  if (stage === 'notice' || stage === 'posted' || stage === 'review') {
    if (!atOrAbove(caller.area_code, 'township')) return null;
    if (stage === 'notice') return { wait: 'noNotice' };
    if (stage === 'posted') return { wait: 'noticeRunning' };
    return a.open_objections > 0 ? { wait: 'objectionOpen' } : { action: 'review' };
  }
  if (stage === 'decide') {
    if (!atOrAbove(caller.area_code, 'county')) return null;
    const reviewed = [...(a.steps ?? [])].reverse().find((s) => s.step === 'township_review');
    if (reviewed?.actor_id != null && reviewed.actor_id === caller.id) return { wait: 'sameReviewer' };
    return { action: 'decide' };
  }
  return null;
}

/** Reviewers answer the objections to village notices (the server checks the township). */
export function canAnswerObjections(caller: Pick<Caller, 'role' | 'area_code'>): boolean {
  return caller.role === 'reviewer' && atOrAbove(caller.area_code, 'township');
}

// ---- the form's checks -----------------------------------------------------------------------------

/** The aid items an event's hazard allows: drought relief for droughts only. */
export const APPLICATION_AIDS = ['emergency', 'transitional', 'winter_spring', 'reconstruction', 'bereavement', 'drought'] as const;
export function aidsFor(hazard: string | null | undefined): Array<(typeof APPLICATION_AIDS)[number]> {
  return APPLICATION_AIDS.filter((a) => a !== 'drought' || hazard === 'drought');
}

/** Persons typed: a whole number from 1 to the household's members (full-width digits count). */
export function checkPersons(text: string, members: number | null | undefined): { persons: number } | { error: 'persons.number' | 'persons.atLeastOne' | 'persons.aboveMembers' } {
  const s = normaliseDigits(text);
  if (!/^\d{1,6}$/.test(s)) return { error: 'persons.number' };
  const n = Number(s);
  if (n < 1) return { error: 'persons.atLeastOne' };
  if (members != null && n > members) return { error: 'persons.aboveMembers' };
  return { persons: n };
}

/** Yuan typed (¥1,200.50, full-width digits) as whole fen; null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const s = normaliseDigits(text).replace(/[¥￥,，\s]/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Fen shown in an amount box: "900" or "900.50". */
export function fenToYuanText(fen: number): string {
  const yuan = Math.trunc(fen / 100);
  const cents = fen % 100;
  return cents ? `${yuan}.${String(cents).padStart(2, '0')}` : String(yuan);
}

/**
 * The county's amount against the standard: above it needs a reason (and is flagged); an amount
 * that is not one, or not above zero, is refused.
 */
export function checkAmount(
  text: string,
  standardFen: number,
  reason: string,
): { amountFen: number; aboveStandard: boolean; error: null | 'amount.invalid' | 'amount.reasonNeeded' } {
  const fen = parseYuan(text);
  if (fen === null || fen <= 0) return { amountFen: fen ?? 0, aboveStandard: false, error: 'amount.invalid' };
  const above = fen > standardFen;
  return { amountFen: fen, aboveStandard: above, error: above && !reason.trim() ? 'amount.reasonNeeded' : null };
}

/** A village vote typed: a whole number 0–10000. */
export function parseVotes(text: string): number | null {
  const s = normaliseDigits(text);
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 10_000 ? n : null;
}

/** References typed one a line (attachments, photos): trimmed, empty lines dropped. */
export function referenceLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---- the village notice ----------------------------------------------------------------------------

/** The longest a notice may be dated back (days). */
export const NOTICE_BACK_DAYS = 30;

/** Recommended applications not yet on a notice, by event, aid item and area: what a notice would post. */
export interface NoticeGroup {
  event_id: number;
  aid_type: Application['aid_type'];
  area_code: string;
  area_name: string;
  count: number;
}

export function pendingNotices(rows: ReadonlyArray<Pick<Application, 'status' | 'disclosure_id' | 'event_id' | 'aid_type' | 'area_code' | 'area_name'>>): NoticeGroup[] {
  const groups = new Map<string, NoticeGroup>();
  for (const r of rows) {
    if (r.status !== 'recommended' || r.disclosure_id != null) continue;
    const key = `${r.event_id}|${r.aid_type}|${r.area_code}`;
    const g = groups.get(key);
    if (g) g.count += 1;
    else groups.set(key, { event_id: r.event_id, aid_type: r.aid_type, area_code: r.area_code, area_name: r.area_name, count: 1 });
  }
  return [...groups.values()].sort((a, b) => a.area_code.localeCompare(b.area_code) || a.aid_type.localeCompare(b.aid_type) || a.event_id - b.event_id);
}

/** A notice's start date (YYYY-MM-DD, Beijing) is today or up to 30 days back; null when fine, else why not. */
export function checkNoticeStart(ymd: string, today: string): null | 'start.future' | 'start.tooOld' | 'start.invalid' {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd) || Number.isNaN(Date.parse(`${ymd}T00:00:00Z`))) return 'start.invalid';
  if (ymd > today) return 'start.future';
  const back = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${ymd}T00:00:00Z`)) / 86_400_000);
  return back > NOTICE_BACK_DAYS ? 'start.tooOld' : null;
}

/**
 * The instant a notice dated `ymd` starts: now when it is today, else 08:00 Beijing time of that
 * day (when a notice goes up on the wall), as RFC 3339.
 */
export function noticeStartInstant(ymd: string, today: string, now: Date = new Date()): string {
  return ymd === today ? now.toISOString() : new Date(`${ymd}T08:00:00+08:00`).toISOString();
}

/** The period a notice dated `ymd` for `days` days covers, for the confirmation. */
export function noticePeriod(startIso: string, days: number): { start: string; end: string } {
  const s = new Date(startIso);
  return { start: s.toISOString(), end: new Date(s.getTime() + days * 86_400_000).toISOString() };
}
