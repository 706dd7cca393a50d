// Rebuilding damaged rural houses (倒损农房恢复重建, docs/domain/rebuild.md) and the policy rural
// housing insurance beside it (政策性农房保险): the API's types and calls, and the pure rules of the
// screens (unit-tested in rebuild.test.ts): the order of a case's statuses, overdue and failed cases
// first, the counts per status, what a role may do to a case in its status, the next progress step,
// the approval's checks (above the standard needs a reason), the stages a case has reached for
// payment, the progress of a township for the map, and the claim's checks. The server has the last
// word on all of them.
import { atOrAbove, levelOf, parseYuan } from './applications';
import { api, download, fetchBlob } from './api';
import { isYmd } from './dates';
import type { MsgKey } from './i18n';
import type { Schemas } from './schemas';
import { countByStatus, normaliseDigits } from './util';

type Opt = { signal?: AbortSignal };

export type CaseStatus = Schemas['CaseStatus'];
export type CaseMode = Schemas['Mode'];
export type CaseStepRecord = Schemas['CaseStepRecord'];
export type PaymentStage = Schemas['PaymentStage'];
export type StageShares = Schemas['StageShares'];
export type ListStatus = Schemas['ListStatus'];

export type StagePayment = Schemas['StagePayment'];
export type CasePhoto = Schemas['CasePhoto'];
export type ClaimStatus = Schemas['ClaimStatus'];
/** An insurance claim as county staff follow it. */
export type InsuranceClaim = Schemas['Claim'];
/** One county's cover and claims (the insurance report). */
export type CountyCover = Schemas['CountyCover'];
export type PolicyImport = Schemas['PolicyImport'];

/** A row refused by an import. */
export interface ImportRowError {
  row: number;
  field?: string | null;
  reason: string;
}

/** A case; its detail carries its payments, photos and the insurance claim beside the subsidy. */
export type Case = Schemas['Case'];

export const STATUSES = ['surveyed', 'approved', 'started', 'structure_done', 'completed', 'failed_inspection', 'accepted'] as const satisfies readonly CaseStatus[];
export const STAGES = ['start', 'structure', 'acceptance'] as const satisfies readonly PaymentStage[];
export const CLAIM_STATUSES = ['reported', 'surveyed', 'paid', 'refused'] as const satisfies readonly ClaimStatus[];
export type Progress = Schemas['Progress'];

export const rebuildApi = {
  cases: (query: { area_code?: string; event_id?: number | null; status?: string } = {}, o: Opt = {}) =>
    api.get<Case[]>('/rebuild-cases', { query: { ...query }, ...o }),
  open: (body: Schemas['CaseInput'], o: Opt = {}) => api.post<Case>('/rebuild-cases', body, o),
  case: (id: number, o: Opt = {}) => api.get<Case>(`/rebuild-cases/${id}`, o),
  approve: (id: number, body: Schemas['ApprovalInput'], o: Opt = {}) => api.post<Case>(`/rebuild-cases/${id}/approval`, body, o),
  progress: (id: number, body: Schemas['ProgressInput'], o: Opt = {}) =>
    api.post<Case>(`/rebuild-cases/${id}/progress`, body, o),
  inspect: (id: number, body: Schemas['InspectionInput'], o: Opt = {}) => api.post<Case>(`/rebuild-cases/${id}/inspection`, body, o),
  uploadPhoto: (id: number, photo: Blob, o: Opt = {}) => api.post<CasePhoto>(`/rebuild-cases/${id}/photos`, photo, o),
  photo: (id: number, photoId: string | number, signal?: AbortSignal) => fetchBlob(`/rebuild-cases/${id}/photos/${encodeURIComponent(String(photoId))}`, signal),
  shares: (areaCode: string, o: Opt = {}) => api.get<StageShares>('/rebuild-stages', { query: { area_code: areaCode }, ...o }),
  setShares: (areaCode: string, percents: number[], o: Opt = {}) =>
    api.put<StageShares>('/rebuild-stages', { area_code: areaCode, percents } satisfies Schemas['StageSharesInput'], o),
  draftStageList: (body: { event_id: number; area_code: string; stage: PaymentStage; case_ids?: number[] }, o: Opt = {}) =>
    api.post<{ grant_list_id: number }>('/rebuild-cases/stage-lists', body, o),
};

export const insuranceApi = {
  claims: (query: { event_id?: number | null; area_code?: string; status?: string } = {}, o: Opt = {}) =>
    api.get<InsuranceClaim[]>('/insurance/claims', { query: { ...query }, ...o }),
  open: (body: { event_id: number; household_id: number }, o: Opt = {}) => api.post<InsuranceClaim>('/insurance/claims', body satisfies Schemas['ClaimInput'], o),
  survey: (id: number, assessed_fen: number, o: Opt = {}) => api.post<InsuranceClaim>(`/insurance/claims/${id}/survey`, { assessed_fen } satisfies Schemas['SurveyInput'], o),
  payout: (id: number, payout_fen: number, paid_on: string, o: Opt = {}) => api.post<InsuranceClaim>(`/insurance/claims/${id}/payout`, { payout_fen, paid_on } satisfies Schemas['PayoutInput'], o),
  refuse: (id: number, reason: string, o: Opt = {}) => api.post<InsuranceClaim>(`/insurance/claims/${id}/refusal`, { reason } satisfies Schemas['RefusalInput'], o),
  importPolicies: (file: Blob, fileName: string, o: Opt = {}) =>
    api.post<PolicyImport>('/insurance/policies/import', file.slice(0, file.size, /\.xlsx$/i.test(fileName) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv'), o),
  policies: (areaCode?: string, o: Opt = {}) => api.get<Schemas['Policy'][]>('/insurance/policies', { query: { area_code: areaCode }, ...o }),
  counting: (areaCode: string, o: Opt = {}) => api.get<Schemas['Counting']>('/insurance/counting', { query: { area_code: areaCode }, ...o }),
  setCounting: (areaCode: string, percent: number, o: Opt = {}) =>
    api.put<Schemas['Counting']>('/insurance/counting', { area_code: areaCode, percent } satisfies Schemas['CountingInput'], o),
  report: (query: { event_id?: number | null; area_code?: string } = {}, o: Opt = {}) => api.get<CountyCover[]>('/insurance/report', { query: { ...query }, ...o }),
  reportFile: (query: { event_id?: number | null; area_code?: string }, format: 'csv' | 'xlsx', signal?: AbortSignal) =>
    download('/insurance/report', { ...query, format }, `insurance-report.${format}`, signal),
};

// ---- statuses ------------------------------------------------------------------------------------

/** How far a case has come, 0 (surveyed) to 6 (accepted); a failed inspection sits with completed work. */
export function statusRank(s: CaseStatus): number {
  switch (s) {
    case 'surveyed':
      return 0;
    case 'approved':
      return 1;
    case 'started':
      return 2;
    case 'structure_done':
      return 3;
    case 'completed':
    case 'failed_inspection':
      return 4;
    case 'accepted':
      return 6;
  }
}

/** Cases needing attention first: overdue, then failed at inspection, then the least advanced, then by id. */
export function sortCases<T extends Pick<Case, 'id' | 'status' | 'overdue'>>(cases: readonly T[]): T[] {
  const rank = (c: T) => (c.overdue ? 0 : c.status === 'failed_inspection' ? 1 : 2);
  return [...cases].sort((a, b) => rank(a) - rank(b) || statusRank(a.status) - statusRank(b.status) || a.id - b.id);
}

/** How many cases are in each status (every status present, 0 when none), and the overdue ones. */
export function statusCounts(cases: ReadonlyArray<Pick<Case, 'status' | 'overdue'>>): Record<CaseStatus, number> & { overdue: number; total: number } {
  return countByStatus(STATUSES, cases);
}

/** The badge tone of a status. */
export function statusTone(s: CaseStatus): string {
  if (s === 'accepted') return 'badge-ok';
  if (s === 'failed_inspection') return 'badge-danger';
  if (s === 'surveyed') return 'badge-warn';
  return 'badge-info';
}

/** The area key of a case's township (a village code's first 9 digits). */
export function townshipOf(code: string): string {
  return code.length > 9 ? code.slice(0, 9) : code;
}

/** The county of a code (its first 6 digits). */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}

// ---- who may do what ----------------------------------------------------------------------------

export interface Caller {
  role: string;
  area_code?: string | null;
}

export type CaseAction = 'approve' | 'progress' | 'inspect';

/** The next progress step the builder records, or null (not approved yet, or nothing left before inspection). */
export function nextProgress(c: Pick<Case, 'status' | 'mode'>): Progress | null {
  switch (c.status) {
    case 'approved':
      return 'started';
    case 'started':
      return c.mode === 'repair' ? 'completed' : 'structure_done';
    case 'structure_done':
    case 'failed_inspection':
      return 'completed';
    default:
      return null;
  }
}

/**
 * What the caller may do to a case: the county (its reviewers, or a manager) approves a surveyed
 * case; township staff (reporters, managers) record progress; an inspector (assessor) of the county
 * inspects completed work. The server also checks the area.
 */
export function caseActions(caller: Caller, c: Pick<Case, 'status' | 'mode'>): CaseAction[] {
  const out: CaseAction[] = [];
  if (c.status === 'surveyed' && (caller.role === 'manager' || (caller.role === 'reviewer' && atOrAbove(caller.area_code, 'county')))) out.push('approve');
  if ((caller.role === 'reporter' || caller.role === 'manager') && nextProgress(c)) out.push('progress');
  if (caller.role === 'assessor' && c.status === 'completed') out.push('inspect');
  return out;
}

/** Who opens cases (township staff and managers). */
export const canOpenCase = (role: string) => role === 'reporter' || role === 'manager';
/** Who drafts a stage's grant list for a county (its reviewers, managers). */
export const canDraftStage = (caller: Caller) => caller.role === 'manager' || (caller.role === 'reviewer' && atOrAbove(caller.area_code, 'county'));

// ---- approval -----------------------------------------------------------------------------------

export type ApprovalCheck =
  | { ok: true; amount_fen: number | null; reason: string | null; above: boolean }
  | { ok: false; field: 'amount' | 'reason'; key: MsgKey };

/**
 * The county's approval as typed: an empty amount takes the standard's (or none when the renovation
 * programme pays); an amount above the standard needs a reason.
 */
export function checkApproval(amountText: string, reasonText: string, standardFen: number): ApprovalCheck {
  const reason = reasonText.trim();
  const typed = normaliseDigits(amountText).trim();
  if (!typed) return { ok: true, amount_fen: null, reason: reason || null, above: false };
  const fen = parseYuan(typed);
  if (fen === null) return { ok: false, field: 'amount', key: 'rb.err.amount' };
  const above = fen > standardFen;
  if (above && !reason) return { ok: false, field: 'reason', key: 'rb.err.reasonAbove' };
  return { ok: true, amount_fen: fen, reason: reason || null, above };
}

// ---- progress and inspection ----------------------------------------------------------------------

/** A progress date: empty (today) or a real date not after today. */
export function checkProgressDate(on: string, today: string): MsgKey | null {
  const s = on.trim();
  if (!s) return null;
  if (!isYmd(s)) return 'rb.err.date';
  if (s > today) return 'rb.err.future';
  return null;
}

/** The inspection as filled in: a verdict, findings (always for a failure), at least one photo. */
export function checkInspection(v: { passed: boolean | null; findings: string; photos: number }): Array<['passed' | 'findings' | 'photos', MsgKey]> {
  const out: Array<['passed' | 'findings' | 'photos', MsgKey]> = [];
  if (v.passed === null) out.push(['passed', 'rb.err.verdict']);
  if (!v.findings.trim()) out.push(['findings', v.passed === false ? 'rb.err.findingsFailed' : 'rb.err.findings']);
  if (v.photos < 1) out.push(['photos', 'rb.err.photos']);
  return out;
}

/** The photo references a step's details name (ids of uploaded photos, or older free text). */
export function stepPhotos(details: Record<string, unknown>): string[] {
  const p = details.photos;
  return Array.isArray(p) ? p.map((x) => String(x)).filter(Boolean) : [];
}

/** A reference that names an uploaded photo (its id). */
export const isPhotoId = (ref: string) => /^\d+$/.test(ref);

// ---- payments ----------------------------------------------------------------------------------------

/** Whether a case's work has reached a payment stage (a repair's structure stage is its completion). */
export function reachedStage(c: Pick<Case, 'status' | 'mode'>, stage: PaymentStage): boolean {
  const r = statusRank(c.status);
  if (stage === 'start') return r >= 2;
  if (stage === 'structure') return c.mode === 'repair' ? r >= 4 : r >= 3;
  return c.status === 'accepted';
}

/** The stage's label key (a repair's structure stage is named as its completion). */
export function stageKey(stage: PaymentStage, mode?: CaseMode): MsgKey {
  return (stage === 'structure' && mode === 'repair' ? 'rb.stage.completion' : `rb.stage.${stage}`) as MsgKey;
}

/** The amount of each stage by the county's shares, to the fen, the last taking the rest. */
export function splitByShares(totalFen: number, percents: readonly number[]): number[] {
  let left = totalFen;
  return percents.map((p, i) => {
    if (i === percents.length - 1) return left;
    const part = Math.floor((totalFen * p) / 100);
    left -= part;
    return part;
  });
}

// ---- the map ----------------------------------------------------------------------------------------

export interface TownshipProgress {
  code: string;
  total: number;
  accepted: number;
  overdue: number;
  failed: number;
  /** The least advanced status among the township's cases. */
  worst: CaseStatus;
}

/** The cases per township: how many, accepted, overdue, failed, and the least advanced status. */
export function townshipProgress(cases: ReadonlyArray<Pick<Case, 'area_code' | 'status' | 'overdue'>>): Map<string, TownshipProgress> {
  const out = new Map<string, TownshipProgress>();
  for (const c of cases) {
    const code = townshipOf(c.area_code);
    let p = out.get(code);
    if (!p) {
      p = { code, total: 0, accepted: 0, overdue: 0, failed: 0, worst: c.status };
      out.set(code, p);
    }
    p.total += 1;
    if (c.status === 'accepted') p.accepted += 1;
    if (c.status === 'failed_inspection') p.failed += 1;
    if (c.overdue) p.overdue += 1;
    if (statusRank(c.status) < statusRank(p.worst) || (c.status === 'failed_inspection' && p.worst === 'completed')) p.worst = c.status;
  }
  return out;
}

/** The map's classes of the share of cases accepted: none, under half, half or more, all. */
export const PROGRESS_CLASSES = ['none', 'low', 'high', 'all'] as const;
export type ProgressClass = (typeof PROGRESS_CLASSES)[number];
export const PROGRESS_COLORS: Record<ProgressClass, string> = { none: '#d7301f', low: '#fc8d59', high: '#91cf60', all: '#1a9850' };

export function progressClass(p: Pick<TownshipProgress, 'total' | 'accepted'>): ProgressClass {
  if (!p.total || p.accepted <= 0) return 'none';
  if (p.accepted >= p.total) return 'all';
  return p.accepted * 2 >= p.total ? 'high' : 'low';
}

// ---- insurance ----------------------------------------------------------------------------------------

export type ClaimAction = 'survey' | 'payout' | 'refuse';

/** County staff (reviewers and managers of a county or above) survey, pay or refuse an open claim. */
export function claimActions(caller: Caller, c: Pick<InsuranceClaim, 'status'>): ClaimAction[] {
  const county = caller.role === 'manager' || (caller.role === 'reviewer' && atOrAbove(caller.area_code, 'county'));
  if (!county) return [];
  if (c.status === 'reported') return ['survey', 'refuse'];
  if (c.status === 'surveyed') return ['payout', 'refuse'];
  return [];
}

/** An amount in yuan of a claim: required, a real amount, not above the policy's cap. */
export function checkClaimAmount(text: string, capFen: number): { fen: number } | { key: MsgKey } {
  if (!text.trim()) return { key: 'ins.err.amountRequired' };
  const fen = parseYuan(text);
  if (fen === null) return { key: 'rb.err.amount' };
  if (fen > capFen) return { key: 'ins.err.aboveCap' };
  return { fen };
}

/** A payout date: a real date, not after today, not before the claim was reported. */
export function checkPaidOn(on: string, reportedOn: string, today: string): MsgKey | null {
  const s = on.trim();
  if (!s || !isYmd(s)) return 'rb.err.date';
  if (s > today) return 'rb.err.future';
  if (s < reportedOn) return 'ins.err.beforeReported';
  return null;
}

/** Open claims first (reported, then surveyed), then paid and refused; newest report first within. */
export function sortClaims<T extends Pick<InsuranceClaim, 'id' | 'status' | 'reported_on'>>(claims: readonly T[]): T[] {
  const rank = (s: ClaimStatus) => CLAIM_STATUSES.indexOf(s);
  return [...claims].sort((a, b) => rank(a.status) - rank(b.status) || b.reported_on.localeCompare(a.reported_on) || b.id - a.id);
}

/** Whether a caller sees a county-level scope (for the county choice of a stage list). */
export function countyScope(caller: Caller): string | null {
  const l = levelOf(caller.area_code);
  return l === 'county' ? (caller.area_code ?? null) : null;
}

/** A county's stage shares as typed: three whole percents 0–100 adding up to 100, or the sum to say. */
export function checkShares(texts: readonly string[]): { percents: number[] } | { sum: number } {
  const xs = texts.map((x) => normaliseDigits(x).trim());
  const ns = xs.map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : NaN));
  const sum = ns.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  if (ns.length !== 3 || ns.some((n) => !Number.isFinite(n) || n > 100) || sum !== 100) return { sum };
  return { percents: ns };
}

/** A whole percent 0–100 as typed, or null. */
export function parsePercent(text: string): number | null {
  const x = normaliseDigits(text).trim().replace(/%$/, '');
  if (!/^\d{1,3}$/.test(x)) return null;
  const n = Number(x);
  return n <= 100 ? n : null;
}
