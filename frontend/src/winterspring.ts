// Winter–spring relief (冬春救助, docs/domain/winter-spring.md): the API's types and calls, and the
// pure rules of its screens (unit-tested in winterspring.test.ts): the deadlines' countdown, the
// household need form's checks (the server's, said before sending), the figures of a summary row,
// who may submit or decide an area's figures, and the refusal of a locked area in words. The
// server has the last word on all of them.
import { atOrAbove, checkPersons, levelOf, parseYuan, type Application } from './applications';
import { api, download } from './api';
import { daysBetween, isYmd } from './dates';
import { ApiError, refusedFor } from './errors';
import { formatFen, formatInteger } from './format';
import type { KeyedMsg, Lang, Msg } from './i18n';
import type { Schemas } from './schemas';
import { normaliseDigits } from './util';

type Opt = { signal?: AbortSignal };

export type Campaign = Schemas['Campaign'];
export type CampaignSummary = Schemas['CampaignSummary'];
export type AreaNeed = Schemas['AreaNeed'];
export type NeedFigures = Schemas['NeedFigures'];
export type Proposal = Schemas['Proposal'];
export type Submission = Schemas['Submission'];
export type NeedInput = Schemas['NeedInput'];
export type NeedRevision = Schemas['NeedRevision'];
export type HardshipClass = Schemas['HardshipClass'];
export type WinterSpringNeeds = Schemas['WinterSpringNeeds'];
export type SurveyedNeed = Schemas['SurveyedNeed'];
export type PhaseView = Schemas['PhaseView'];
export type PhaseList = Schemas['PhaseList'];
export type PhaseInput = Schemas['PhaseInput'];
export type Received = Schemas['Received'];
export type ReceivedInput = Schemas['ReceivedInput'];

export const CLASSES = ['class_one', 'class_two', 'class_three'] as const satisfies readonly HardshipClass[];
export const SUMMARY_LEVELS = ['township', 'county', 'city'] as const;
export type SummaryLevel = (typeof SUMMARY_LEVELS)[number];
export const TABLES = ['need', 'given', 'recipients'] as const;
export type TableName = (typeof TABLES)[number];

export const winterSpringApi = {
  campaigns: (o: Opt = {}) => api.get<Campaign[]>('/winter-spring/campaigns', o),
  open: (body: Schemas['CampaignInput'], o: Opt = {}) => api.post<Campaign>('/winter-spring/campaigns', body, o),
  campaign: (id: number, o: Opt = {}) => api.get<Campaign>(`/winter-spring/campaigns/${id}`, o),
  summary: (id: number, level: SummaryLevel, o: Opt = {}) => api.get<CampaignSummary>(`/winter-spring/campaigns/${id}/summary`, { query: { level }, ...o }),
  proposals: (id: number, areaCode?: string, o: Opt = {}) =>
    api.get<Proposal[]>(`/winter-spring/campaigns/${id}/proposals`, { query: { area_code: areaCode }, ...o }),
  needs: (id: number, query: { area_code?: string; status?: string } = {}, o: Opt = {}) =>
    api.get<Application[]>(`/winter-spring/campaigns/${id}/needs`, { query: { ...query }, ...o }),
  file: (id: number, body: NeedInput, o: Opt = {}) => api.post<Application>(`/winter-spring/campaigns/${id}/needs`, body, o),
  revise: (id: number, needId: number, body: NeedRevision, o: Opt = {}) => api.put<Application>(`/winter-spring/campaigns/${id}/needs/${needId}`, body, o),
  submit: (id: number, areaCode: string, o: Opt = {}) => api.post<Submission>(`/winter-spring/campaigns/${id}/submissions`, { area_code: areaCode }, o),
  decide: (id: number, areaCode: string, body: Schemas['SubmissionDecisionInput'], o: Opt = {}) =>
    api.post<Submission>(`/winter-spring/campaigns/${id}/submissions/${encodeURIComponent(areaCode)}/decision`, body, o),
  phases: (id: number, areaCode?: string, o: Opt = {}) =>
    api.get<PhaseView[]>(`/winter-spring/campaigns/${id}/phases`, { query: { area_code: areaCode }, ...o }),
  /** A county's phases; without `phases` the server's defaults (冬令 50% from 1 Dec, 春荒 50% from 1 Mar). */
  setPhases: (id: number, areaCode: string, phases: PhaseInput[] | null, o: Opt = {}) =>
    api.put<PhaseView[]>(`/winter-spring/campaigns/${id}/phases`, phases ? { area_code: areaCode, phases } : { area_code: areaCode }, o),
  draftPhase: (id: number, phaseId: number, o: Opt = {}) => api.post<PhaseView>(`/winter-spring/campaigns/${id}/phases/${phaseId}/grant-lists`, {}, o),
  received: (id: number, areaCode?: string, o: Opt = {}) =>
    api.get<Received[]>(`/winter-spring/campaigns/${id}/received`, { query: { area_code: areaCode }, ...o }),
  recordReceived: (id: number, body: ReceivedInput, o: Opt = {}) => api.post<Received>(`/winter-spring/campaigns/${id}/received`, body, o),
  table: (id: number, table: TableName, format: 'csv' | 'xlsx', signal?: AbortSignal) =>
    download(`/winter-spring/campaigns/${id}/tables/${table}`, { format }, `winter-spring-${id}-${table}.${format}`, signal),
};

// ---- deadlines -----------------------------------------------------------------------------------

export type DeadlineState = { state: 'left'; days: number } | { state: 'today' } | { state: 'overdue'; days: number };

/** How a due date (YYYY-MM-DD) stands on `today` (YYYY-MM-DD, Beijing): days left, due today, or days overdue. */
export function deadlineState(due: string, today: string): DeadlineState {
  const d = daysBetween(today, due);
  if (d > 0) return { state: 'left', days: d };
  if (d === 0) return { state: 'today' };
  return { state: 'overdue', days: -d };
}

/** An area's submission as one word: accepted, returned, submitted (late or on time), overdue, not due yet. */
export type SubmissionState = 'accepted' | 'returned' | 'submitted' | 'late' | 'overdue' | 'open';

export function submissionState(a: Pick<AreaNeed, 'submission' | 'overdue' | 'late'>): SubmissionState {
  const s = a.submission?.status;
  if (s === 'accepted') return 'accepted';
  if (a.overdue) return 'overdue';
  if (s === 'returned') return 'returned';
  if (s === 'submitted') return a.late ? 'late' : 'submitted';
  return 'open';
}

/** Counties (or cities) in trouble first: overdue, then late, then the rest, each in code order. */
export function sortAreas<T extends Pick<AreaNeed, 'area_code' | 'overdue' | 'late'>>(rows: readonly T[]): T[] {
  const rank = (r: T) => (r.overdue ? 0 : r.late ? 1 : 2);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.area_code.localeCompare(b.area_code));
}

// ---- who may do what ----------------------------------------------------------------------------

export interface Caller {
  role: string;
  area_code?: string | null;
}

/**
 * A county's or the city's own managers and reviewers send its figures up (the server also lets
 * the level above send them on its behalf; the screen offers it to the area itself only).
 */
export function canSubmit(caller: Caller, area: string): boolean {
  const level = levelOf(area);
  if (level !== 'county' && level !== 'city') return false;
  if (caller.role !== 'manager' && caller.role !== 'reviewer') return false;
  return caller.area_code === area;
}

/** The level above an area accepts or returns its submitted figures (a city user for a county). */
export function canDecide(caller: Caller, a: Pick<AreaNeed, 'area_code' | 'submission'>): boolean {
  if (a.submission?.status !== 'submitted') return false;
  if (caller.role !== 'manager' && caller.role !== 'reviewer') return false;
  const level = levelOf(a.area_code);
  const scope = caller.area_code;
  if (!scope) return true;
  if (!inScope(scope, a.area_code)) return false;
  return level === 'county' ? atOrAbove(scope, 'city') : level === 'city' ? atOrAbove(scope, 'province') : false;
}

/** Is `area` inside the caller's scope (a prefix of its code, as the server reads it)? */
export function inScope(scope: string | null | undefined, area: string): boolean {
  if (!scope) return true;
  const prefix = scope.length === 6 ? scope.replace(/(00)+$/, '') : scope;
  return area.startsWith(prefix);
}

/** Caseworkers file need records: the reporter role, and managers acting as one. */
export function canFile(role: string): boolean {
  return role === 'reporter' || role === 'manager';
}

/** A need record can be edited until the village assesses it. */
export const isEditable = (a: Pick<Application, 'status'>) => a.status === 'applied';

// ---- the household need form --------------------------------------------------------------------

export type NeedField = 'household' | 'persons' | 'category' | 'food_months' | 'clothing' | 'quilts' | 'needs' | 'reason' | 'phone';

export interface NeedDraft {
  persons: string;
  category: string;
  food_months: string;
  clothing: string;
  quilts: string;
  heating: boolean;
  housing: boolean;
  reason: string;
  phone: string;
}

export const MAX_FOOD_MONTHS = 8;
export const PIECES_PER_PERSON = 3;

function count(text: string): number | null {
  const s = normaliseDigits(text);
  if (!s) return 0;
  return /^\d{1,4}$/.test(s) ? Number(s) : null;
}

/**
 * The form's values as the server wants them, or the message of each field that is wrong: persons
 * 1 to the household's members, a class, grain 0–8 months, clothing and quilts 0–3 per person, at
 * least one need, a reason; the phone is free text (optional).
 */
export function checkNeed(
  draft: NeedDraft,
  members: number | null,
): { value: Omit<NeedInput, 'household_id' | 'event_id'> } | { errors: Map<NeedField, Msg> } {
  const errors = new Map<NeedField, Msg>();
  if (members === null) errors.set('household', { key: 'ws.form.pickHousehold' });
  const p = checkPersons(draft.persons, members);
  if ('error' in p) errors.set('persons', { key: p.error, params: { n: members ?? 0 } });
  if (!(CLASSES as readonly string[]).includes(draft.category)) errors.set('category', { key: 'ws.form.pickClass' });
  const food = count(draft.food_months);
  if (food === null || food > MAX_FOOD_MONTHS) errors.set('food_months', { key: 'ws.form.foodRange', params: { n: MAX_FOOD_MONTHS } });
  const persons = 'persons' in p ? p.persons : 1;
  const pieces = Math.max(1, persons) * PIECES_PER_PERSON;
  const clothing = count(draft.clothing);
  if (clothing === null || clothing > pieces) errors.set('clothing', { key: 'ws.form.piecesRange', params: { n: pieces } });
  const quilts = count(draft.quilts);
  if (quilts === null || quilts > pieces) errors.set('quilts', { key: 'ws.form.piecesRange', params: { n: pieces } });
  const none = !food && !clothing && !quilts && !draft.heating && !draft.housing;
  if (none && !errors.has('food_months') && !errors.has('clothing') && !errors.has('quilts')) errors.set('needs', { key: 'ws.form.atLeastOneNeed' });
  const reason = draft.reason.trim();
  if (!reason) errors.set('reason', { key: 'ws.form.required' });
  else if ([...reason].length > 2000) errors.set('reason', { key: 'ws.form.tooLong', params: { n: 2000 } });
  if (draft.phone.trim() && !/^[0-9+\-\s()]{5,20}$/.test(normaliseDigits(draft.phone.trim()))) errors.set('phone', { key: 'ws.form.phone.invalid' });
  if (errors.size) return { errors };
  return {
    value: {
      persons,
      category: draft.category as HardshipClass,
      needs: { food_months: food ?? 0, clothing: clothing ?? 0, quilts: quilts ?? 0, heating: draft.heating, housing: draft.housing },
      reason,
      phone: draft.phone.trim() ? normaliseDigits(draft.phone.trim()) : null,
    },
  };
}

/** The form field a server error names (`needs.food_months` arrives as `food_months`). */
export function needFieldOf(field: string | null): NeedField | null {
  switch (field) {
    case 'household_id':
    case 'event_id':
      return 'household';
    case 'persons':
    case 'category':
    case 'food_months':
    case 'clothing':
    case 'quilts':
    case 'needs':
    case 'reason':
    case 'phone':
      return field;
    case 'heating':
    case 'housing':
      return 'needs';
    default:
      return null;
  }
}

/**
 * A refusal of the need form in the reader's words where it is known: the area's figures were
 * accepted by the level above (locked), or the household has a record already. Null otherwise
 * (the generic status text then applies).
 */
export function needRefusal(err: unknown): KeyedMsg | null {
  if (!(err instanceof ApiError)) return null;
  if (err.refusal === 'need_figures_locked') {
    return { key: 'ws.err.locked', params: { area: String(err.params.area ?? ''), date: String(err.params.date ?? '') } };
  }
  if (err.refusal === 'need_record_exists') return { key: 'ws.err.duplicate' };
  return null;
}

// ---- figures ------------------------------------------------------------------------------------

/** The columns of a figures row, in table order. */
export const FIGURE_COLUMNS = ['persons', 'food', 'clothing', 'heating', 'housing', 'households', 'class_one', 'class_two', 'class_three', 'decided', 'amount'] as const;
export type FigureColumn = (typeof FIGURE_COLUMNS)[number];

/** One area's figures as the table shows them (numbers grouped, the amount in yuan from fen). */
export function figureCells(f: NeedFigures, lang: Lang): Record<FigureColumn, string> {
  const n = (x: number | undefined) => formatInteger(x ?? 0, lang);
  return {
    persons: n(f.persons),
    food: n(f.food_persons),
    clothing: n(f.clothing_persons),
    heating: n(f.heating_persons),
    housing: n(f.housing_persons),
    households: n(f.households),
    class_one: n(f.by_class.class_one),
    class_two: n(f.by_class.class_two),
    class_three: n(f.by_class.class_three),
    decided: `${n(f.decided_households)} / ${n(f.households)}`,
    amount: formatFen(f.amount_fen, lang),
  };
}

/** A short line of the needs in kind of one record: "粮5月 · 衣3 · 被3 · 取暖 · 住房". */
export function needsText(n: WinterSpringNeeds | null | undefined, words: { food: string; clothing: string; quilts: string; heating: string; housing: string }): string {
  if (!n) return '';
  const out: string[] = [];
  if (n.food_months) out.push(words.food.replace('{n}', String(n.food_months)));
  if (n.clothing) out.push(words.clothing.replace('{n}', String(n.clothing)));
  if (n.quilts) out.push(words.quilts.replace('{n}', String(n.quilts)));
  if (n.heating) out.push(words.heating);
  if (n.housing) out.push(words.housing);
  return out.join(' · ');
}

/** Areas keyed by code with their persons, for the map (areas without need are absent). */
export function personsByArea(rows: ReadonlyArray<Pick<AreaNeed, 'area_code' | 'figures'>>): Map<string, number> {
  return new Map(rows.filter((r) => r.figures.persons > 0).map((r) => [r.area_code, r.figures.persons]));
}

// ---- payment phases -----------------------------------------------------------------------------

/** A county's phases are set, and their lists drafted, by its managers and reviewers or those above. */
export function canSetPhases(caller: Caller, county: string): boolean {
  if (caller.role !== 'manager' && caller.role !== 'reviewer') return false;
  const scope = caller.area_code;
  return !scope || (inScope(scope, county) && atOrAbove(scope, 'county'));
}

/** The county a caller works in (the first six digits of a county or township scope), or null above. */
export function callerCounty(caller: Caller): string | null {
  const a = caller.area_code;
  if (!a || a.length < 6) return null;
  const county = a.slice(0, 6);
  return levelOf(county) === 'county' ? county : null;
}

export const MAX_PHASES = 6;
export const MAX_PHASE_NAME = 20;

/** One row of the phase editor as typed. */
export interface PhaseDraft {
  name: string;
  share: string;
  starts_on: string;
}

/** The editor's fields: `phases` (their number, the sum), or a row's `<i>.name`, `<i>.share`, `<i>.starts_on`. */
export type PhaseField = 'phases' | `${number}.${'name' | 'share' | 'starts_on'}`;

/** A typed share as whole percent (full-width digits, a trailing % allowed), or null. */
export function parseShare(text: string): number | null {
  const s = normaliseDigits(text).replace(/[%％\s]/g, '');
  return /^\d{1,3}$/.test(s) ? Number(s) : null;
}

/** The sum of the shares that are numbers (the live figure under the editor). */
export function phaseSum(rows: readonly PhaseDraft[]): number {
  return rows.reduce((sum, r) => sum + (parseShare(r.share) ?? 0), 0);
}

/** The editor's rows from a county's phases (its shares in whole percent). */
export function phaseDrafts(phases: ReadonlyArray<Pick<PhaseView, 'name' | 'share_bp' | 'starts_on'>>): PhaseDraft[] {
  return phases.map((p) => ({ name: p.name, share: String(p.share_bp / 100), starts_on: p.starts_on }));
}

/**
 * The phases as the server wants them, or each wrong field's message, as the server checks them
 * (its 422): 1 to 6 phases, names of 1 to 20 characters, shares of 1 to 100 percent adding up to
 * 100, start dates in order within the relief period.
 */
export function checkPhases(
  rows: readonly PhaseDraft[],
  period: { relief_start: string; relief_end: string },
): { value: PhaseInput[] } | { errors: Map<PhaseField, KeyedMsg> } {
  const errors = new Map<PhaseField, KeyedMsg>();
  if (rows.length < 1 || rows.length > MAX_PHASES) {
    errors.set('phases', { key: 'ws.phase.err.count', params: { n: MAX_PHASES } });
    return { errors };
  }
  const value: PhaseInput[] = [];
  rows.forEach((r, i) => {
    const name = r.name.trim();
    if (!name || [...name].length > MAX_PHASE_NAME) errors.set(`${i}.name`, { key: 'ws.phase.err.name', params: { n: MAX_PHASE_NAME } });
    const share = parseShare(r.share);
    if (share === null || share < 1 || share > 100) errors.set(`${i}.share`, { key: 'ws.phase.err.share' });
    const day = r.starts_on.trim();
    if (!isYmd(day) || day < period.relief_start || day > period.relief_end) {
      errors.set(`${i}.starts_on`, { key: 'ws.phase.err.date', params: { from: period.relief_start, to: period.relief_end } });
    } else if (i > 0 && isYmd(rows[i - 1].starts_on.trim()) && day <= rows[i - 1].starts_on.trim()) {
      errors.set(`${i}.starts_on`, { key: 'ws.phase.err.order' });
    }
    value.push({ name, share_percent: share ?? 0, starts_on: day });
  });
  const sum = phaseSum(rows);
  if (sum !== 100) errors.set('phases', { key: 'ws.phase.err.sum', params: { n: sum } });
  return errors.size ? { errors } : { value };
}

/** The editor field a server error names: `phases[1].share_percent` → `1.share`, `phases` → `phases`. */
export function phaseFieldOf(field: string | null): PhaseField | null {
  if (field === 'phases') return 'phases';
  const m = /^phases\[(\d+)\]\.(name|share_percent|starts_on)$/.exec(field ?? '');
  if (!m) return null;
  return `${Number(m[1])}.${m[2] === 'share_percent' ? 'share' : (m[2] as 'name' | 'starts_on')}`;
}

/**
 * The phase calls' refusals in the reader's words: phases that can no longer change (a list pays
 * one of them), a phase drafted already, nothing decided to pay yet. Null otherwise.
 */
export function phaseRefusal(err: unknown): KeyedMsg | null {
  if (!(err instanceof ApiError)) return null;
  if (err.refusal === 'phases_in_use') return { key: 'ws.phase.err.locked' };
  if (err.refusal === 'phase_drafted') return { key: 'ws.phase.err.drafted' };
  if (refusedFor(err.details).includes('nothing_decided')) return { key: 'ws.phase.err.nothingDecided' };
  return null;
}

// ---- aid received besides -----------------------------------------------------------------------

export type ReceivedField = 'household' | 'goods' | 'goods_value' | 'money' | 'received_on';

export interface ReceivedDraft {
  goods: string;
  goods_value: string;
  money: string;
  received_on: string;
}

export const MAX_GOODS = 200;

/** Yuan typed in an optional amount box as fen: empty is 0, anything not an amount null. */
function optionalFen(text: string): number | null {
  return text.trim() ? parseYuan(text) : 0;
}

/**
 * A record of aid received as the server wants it, or each wrong field's message (its checks):
 * the goods or an amount of money, goods of at most 200 characters, a value only with the goods,
 * amounts in yuan (two decimals at most), the date within survey start…relief end.
 */
export function checkReceived(
  householdId: number | null,
  draft: ReceivedDraft,
  period: { survey_start: string; relief_end: string },
): { value: ReceivedInput } | { errors: Map<ReceivedField, KeyedMsg> } {
  const errors = new Map<ReceivedField, KeyedMsg>();
  if (householdId === null) errors.set('household', { key: 'ws.form.pickHousehold' });
  const goods = draft.goods.trim();
  const value = optionalFen(draft.goods_value);
  const money = optionalFen(draft.money);
  if (value === null) errors.set('goods_value', { key: 'ws.received.err.amount' });
  if (money === null) errors.set('money', { key: 'ws.received.err.amount' });
  if ([...goods].length > MAX_GOODS) errors.set('goods', { key: 'ws.form.tooLong', params: { n: MAX_GOODS } });
  else if (!goods && !money && money !== null) errors.set('goods', { key: 'ws.received.err.nothing' });
  if (!goods && value && !errors.has('goods')) errors.set('goods_value', { key: 'ws.received.err.valueNeedsGoods' });
  const day = draft.received_on.trim();
  if (!isYmd(day) || day < period.survey_start || day > period.relief_end) {
    errors.set('received_on', { key: 'ws.received.err.date', params: { from: period.survey_start, to: period.relief_end } });
  }
  if (errors.size) return { errors };
  return {
    value: {
      household_id: householdId!,
      goods: goods || null,
      goods_value_fen: value || null,
      money_fen: money || null,
      received_on: day,
    },
  };
}

/** The form field a server error names. */
export function receivedFieldOf(field: string | null): ReceivedField | null {
  switch (field) {
    case 'household_id':
      return 'household';
    case 'goods':
    case 'received_on':
      return field;
    case 'goods_value_fen':
      return 'goods_value';
    case 'money_fen':
      return 'money';
    default:
      return null;
  }
}
