// Pure rules of the disaster screens: the indicator list and its units, report form
// validation (mirroring the server's consistency and change rules), response-level colours
// and labels (Ⅰ–Ⅳ), choropleth breaks. No DOM, no fetch, so all of it is unit-tested in Node.
import { locale, type KeyedMsg, type Lang, type MsgKey } from './i18n';
import type { Narrows, Schemas } from './schemas';
import { normaliseDigits } from './util';

// ---- indicators --------------------------------------------------------------------------

export const INDICATORS = [
  'affected',
  'dead',
  'missing',
  'injured',
  'seriously_injured',
  'pre_evacuated',
  'relocated',
  'relocated_central',
  'relocated_dispersed',
  'needing_emergency_aid',
  'needing_transitional_aid',
  'drought_aid_needed',
  'collapsed_rooms',
  'collapsed_households',
  'severe_rooms',
  'severe_households',
  'general_rooms',
  'general_households',
  'crops_affected_ha',
  'crops_damaged_ha',
  'crops_lost_ha',
  'direct_loss_wan',
  'loss_housing_wan',
  'loss_agriculture_wan',
  'loss_industry_wan',
  'loss_infrastructure_wan',
  'loss_public_services_wan',
  'loss_other_wan',
] as const;
export type Indicator = Narrows<Schemas['Indicator'], (typeof INDICATORS)[number]>;

/** Figures as the API sends them: numbers in display units (hectares and 万元 may have two decimals). */
export type Figures = Partial<Record<Indicator, number>>;

export const SECTOR_LOSSES: readonly Indicator[] = [
  'loss_housing_wan',
  'loss_agriculture_wan',
  'loss_industry_wan',
  'loss_infrastructure_wan',
  'loss_public_services_wan',
  'loss_other_wan',
];

export type IndicatorGroup = 'people' | 'relocation' | 'housing' | 'crops' | 'losses';

/** The form's sections, in the order of the national quick-report table. */
export const INDICATOR_GROUPS: ReadonlyArray<{ group: IndicatorGroup; indicators: readonly Indicator[] }> = [
  { group: 'people', indicators: ['affected', 'dead', 'missing', 'injured', 'seriously_injured'] },
  {
    group: 'relocation',
    indicators: ['pre_evacuated', 'relocated', 'relocated_central', 'relocated_dispersed', 'needing_emergency_aid', 'needing_transitional_aid', 'drought_aid_needed'],
  },
  { group: 'housing', indicators: ['collapsed_rooms', 'collapsed_households', 'severe_rooms', 'severe_households', 'general_rooms', 'general_households'] },
  { group: 'crops', indicators: ['crops_affected_ha', 'crops_damaged_ha', 'crops_lost_ha'] },
  { group: 'losses', indicators: ['direct_loss_wan', ...SECTOR_LOSSES] },
];

/** Indicators shown as "of which" (其中) under the one above them. */
export const SUB_INDICATORS: ReadonlySet<Indicator> = new Set<Indicator>(['seriously_injured', 'relocated_central', 'relocated_dispersed', ...SECTOR_LOSSES]);

/** The columns of summary tables and map popups. */
export const KEY_INDICATORS: readonly Indicator[] = ['affected', 'dead', 'missing', 'relocated', 'collapsed_rooms', 'crops_affected_ha', 'direct_loss_wan'];

export type IndicatorUnit = 'person' | 'room' | 'household' | 'ha' | 'wan';

export function indicatorUnit(ind: Indicator): IndicatorUnit {
  if (ind.endsWith('_ha')) return 'ha';
  if (ind.endsWith('_wan')) return 'wan';
  if (ind.endsWith('_rooms')) return 'room';
  if (ind.endsWith('_households')) return 'household';
  return 'person';
}

/** Hectares and 万元 allow two decimals; people, rooms and households are whole numbers. */
export function isDecimalIndicator(ind: Indicator): boolean {
  const u = indicatorUnit(ind);
  return u === 'ha' || u === 'wan';
}

export function isIndicator(x: unknown): x is Indicator {
  return typeof x === 'string' && (INDICATORS as readonly string[]).includes(x);
}

/** Keep only known indicators with finite numbers (the API may add more later). */
export function cleanFigures(raw: unknown): Figures {
  const out: Figures = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (isIndicator(k) && typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

// ---- parsing one value -------------------------------------------------------------------

export type ParsedValue = { ok: true; value: number | null } | { ok: false; error: KeyedMsg };

export const MAX_FIGURE = 1e12;

/** A typed figure: blank = not reported; full-width digits and grouping commas are accepted. */
export function parseFigure(raw: string, ind: Indicator): ParsedValue {
  const s = normaliseDigits(raw ?? '').replace(/[,，\s]/g, '');
  if (!s) return { ok: true, value: null };
  if (/^-/.test(s)) return { ok: false, error: { key: 'report.err.negative' } };
  if (!/^\+?(\d+\.?\d*|\.\d+)$/.test(s)) return { ok: false, error: { key: 'report.err.number' } };
  const value = Number(s);
  if (!Number.isFinite(value) || value > MAX_FIGURE) return { ok: false, error: { key: 'report.err.tooLarge' } };
  const decimals = s.includes('.') ? s.split('.')[1].replace(/0+$/, '').length : 0;
  if (!isDecimalIndicator(ind) && decimals > 0) return { ok: false, error: { key: 'report.err.whole' } };
  if (decimals > 2) return { ok: false, error: { key: 'report.err.twoDecimals' } };
  return { ok: true, value };
}

/** Hundredths as integers, so sums of hectares and 万元 are exact (as on the server). */
const scaled = (ind: Indicator, v: number) => (isDecimalIndicator(ind) ? Math.round(v * 100) : Math.round(v));

// ---- consistency (mirrors the server's check_consistency) ------------------------------------

export interface RuleProblem {
  field: Indicator;
  msg: KeyedMsg;
}

/** Internal consistency of one set of figures; each check applies when its figures are given. */
export function checkConsistency(figures: Figures, lang: Lang = 'zh'): RuleProblem[] {
  const get = (i: Indicator): number | undefined => (typeof figures[i] === 'number' ? scaled(i, figures[i] as number) : undefined);
  const out: RuleProblem[] = [];
  const total = get('relocated');
  const central = get('relocated_central');
  const dispersed = get('relocated_dispersed');
  if (total !== undefined && central !== undefined && dispersed !== undefined && total !== central + dispersed) {
    out.push({ field: 'relocated', msg: { key: 'report.err.relocatedSum', params: { sum: formatFigure(central + dispersed, 'relocated', lang) } } });
  }
  const notAbove: Array<[Indicator, Indicator, MsgKey]> = [
    ['crops_lost_ha', 'crops_damaged_ha', 'report.err.lostOverDamaged'],
    ['crops_damaged_ha', 'crops_affected_ha', 'report.err.damagedOverAffected'],
    ['crops_lost_ha', 'crops_affected_ha', 'report.err.lostOverAffected'],
    ['seriously_injured', 'injured', 'report.err.seriousOverInjured'],
  ];
  for (const [smaller, larger, key] of notAbove) {
    const s = get(smaller);
    const l = get(larger);
    if (s !== undefined && l !== undefined && s > l) out.push({ field: smaller, msg: { key } });
  }
  const affected = get('affected');
  if (affected !== undefined) {
    const casualties = (get('dead') ?? 0) + (get('missing') ?? 0);
    if (casualties > affected) {
      out.push({ field: 'dead', msg: { key: 'report.err.casualtiesOverAffected', params: { n: formatFigure(casualties, 'dead', lang), affected: formatFigure(affected, 'affected', lang) } } });
    }
  }
  const grades: Array<[Indicator, Indicator]> = [
    ['collapsed_households', 'collapsed_rooms'],
    ['severe_households', 'severe_rooms'],
    ['general_households', 'general_rooms'],
  ];
  for (const [households, rooms] of grades) {
    const hh = get(households);
    const r = get(rooms);
    if (hh !== undefined && r !== undefined && hh > r) out.push({ field: households, msg: { key: 'report.err.householdsOverRooms', params: { rooms: formatFigure(r, rooms, lang) } } });
  }
  const sectors = SECTOR_LOSSES.map(get).filter((v): v is number => v !== undefined);
  const direct = get('direct_loss_wan');
  if (direct !== undefined && sectors.length) {
    const sum = sectors.reduce((a, b) => a + b, 0);
    const complete = sectors.length === SECTOR_LOSSES.length;
    if ((complete && sum !== direct) || sum > direct) {
      out.push({
        field: 'direct_loss_wan',
        msg: { key: complete ? 'report.err.sectorSum' : 'report.err.sectorOver', params: { sum: formatFigure(sum / 100, 'direct_loss_wan', lang) } },
      });
    }
  }
  return out;
}

/** Default of the server's `report_jump_factor`: a rise beyond 3× needs an explanation. */
export const JUMP_FACTOR = 3;

/**
 * Figures that fell, or rose by more than `factor` times, against the previous version of the
 * same area (only figures given in both count): these need a written explanation.
 */
export function changesNeedingExplanation(next: Figures, previous: Figures | null | undefined, factor = JUMP_FACTOR): Indicator[] {
  if (!previous) return [];
  const out: Indicator[] = [];
  for (const ind of INDICATORS) {
    const v = next[ind];
    const before = previous[ind];
    if (typeof v !== 'number' || typeof before !== 'number') continue;
    const a = scaled(ind, v);
    const b = scaled(ind, before);
    if (a < b || (b > 0 && a > b * factor)) out.push(ind);
  }
  return out;
}

// ---- the report form ----------------------------------------------------------------------------

export const STAGES = ['initial', 'update', 'final', 'drought_followup'] as const;
export type Stage = Narrows<Schemas['Stage'], (typeof STAGES)[number]>;

export type ReportField = Indicator | 'area' | 'stage' | 'explanation' | 'description';

export interface ReportInput {
  area_code: string;
  stage: string;
  values: Partial<Record<Indicator, string>>;
  description: string;
  explanation: string;
}

export interface ReportContext {
  /** The area already has an initial report (初报). */
  hasInitial: boolean;
  /** Figures of the area's latest version, if any. */
  previous: Figures | null;
  /** The event's hazard is drought (drought follow-ups allowed). */
  drought: boolean;
  /** The area's figures were accepted upstream (locked). */
  locked?: boolean;
  jumpFactor?: number;
  lang?: Lang;
}

/** The request body of POST /events/{id}/reports, its figures typed. */
export type ReportBody = Narrows<Schemas['ReportInput'], Omit<Schemas['ReportInput'], 'indicators'> & { indicators: Figures }>;

export interface ReportValidation {
  errors: Partial<Record<ReportField, KeyedMsg>>;
  /** A message for the whole form (no figure given, locked area). */
  formError?: KeyedMsg;
  /** Figures that fell or jumped against the previous version (the explanation box is shown). */
  needsExplanation: Indicator[];
  body?: ReportBody;
}

export const MAX_TEXT = 2000;

/** Client-side checks mirroring the server's; the server stays the judge. */
export function validateReport(input: ReportInput, ctx: ReportContext): ReportValidation {
  const lang = ctx.lang ?? 'zh';
  const errors: Partial<Record<ReportField, KeyedMsg>> = {};
  let formError: KeyedMsg | undefined;
  if (!input.area_code) errors.area = { key: 'report.err.areaRequired' };

  const stage = input.stage as Stage;
  if (!(STAGES as readonly string[]).includes(stage)) errors.stage = { key: 'report.err.stageRequired' };
  else if (stage !== 'initial' && !ctx.hasInitial) errors.stage = { key: 'report.err.initialFirst' };
  else if (stage === 'drought_followup' && !ctx.drought) errors.stage = { key: 'report.err.droughtOnly' };

  const figures: Figures = {};
  for (const ind of INDICATORS) {
    const parsed = parseFigure(input.values[ind] ?? '', ind);
    if (!parsed.ok) errors[ind] = parsed.error;
    else if (parsed.value !== null) figures[ind] = parsed.value;
  }
  // Rules over the figures that parsed, so that every problem shows at once.
  const typed = INDICATORS.some((i) => errors[i]);
  for (const p of checkConsistency(figures, lang)) if (!errors[p.field]) errors[p.field] = p.msg;
  if (!typed && !Object.keys(figures).length) formError = { key: 'report.err.noFigures' };

  const description = input.description.trim();
  const explanation = input.explanation.trim();
  if (description.length > MAX_TEXT) errors.description = { key: 'report.err.textTooLong', params: { n: MAX_TEXT } };
  if (explanation.length > MAX_TEXT) errors.explanation = { key: 'report.err.textTooLong', params: { n: MAX_TEXT } };

  const needsExplanation = changesNeedingExplanation(figures, ctx.previous, ctx.jumpFactor ?? JUMP_FACTOR);
  if (needsExplanation.length && !explanation && !errors.explanation) errors.explanation = { key: 'report.err.explanationRequired' };
  if (ctx.locked) formError = { key: 'report.err.locked' };

  if (Object.keys(errors).length || formError) return { errors, formError, needsExplanation };
  const body: ReportBody = { area_code: input.area_code, stage, indicators: figures };
  if (description) body.description = description;
  if (explanation) body.explanation = explanation;
  return { errors, needsExplanation, body };
}

/**
 * Which form field a server detail names: `indicators.relocated` → relocated, `explanation`,
 * `reasons.affected` → affected, `stage`, `area_code` → area; null otherwise.
 */
export function reportFieldOf(field: unknown): ReportField | null {
  if (typeof field !== 'string' || !field) return null;
  const last = field.split('.').pop()!;
  if (isIndicator(last)) return last;
  if (last === 'area_code') return 'area';
  if (last === 'stage' || last === 'explanation' || last === 'description') return last;
  return null;
}

// ---- verification --------------------------------------------------------------------------------

export interface VerifyRowInput {
  indicator: Indicator;
  /** The latest reported value, if any. */
  reported: number | undefined;
  /** The verified value as typed ('' = not verified). */
  value: string;
  reason: string;
}

export interface VerifyValidation {
  errors: Partial<Record<Indicator, KeyedMsg>>;
  reasonErrors: Partial<Record<Indicator, KeyedMsg>>;
  body?: { indicators: Figures; reasons: Partial<Record<Indicator, string>> };
}

/**
 * The assessor's figures: every verified value differing from the reported one needs a reason,
 * and reported figures overlaid with the verified ones must stay consistent (as on the server).
 */
export function validateAssessment(rows: VerifyRowInput[], lang: Lang = 'zh'): VerifyValidation {
  const errors: Partial<Record<Indicator, KeyedMsg>> = {};
  const reasonErrors: Partial<Record<Indicator, KeyedMsg>> = {};
  const indicators: Figures = {};
  const reasons: Partial<Record<Indicator, string>> = {};
  const best: Figures = {};
  for (const r of rows) if (typeof r.reported === 'number') best[r.indicator] = r.reported;
  for (const r of rows) {
    const parsed = parseFigure(r.value, r.indicator);
    if (!parsed.ok) {
      errors[r.indicator] = parsed.error;
      continue;
    }
    if (parsed.value === null) continue;
    indicators[r.indicator] = parsed.value;
    best[r.indicator] = parsed.value;
    const differs = r.reported === undefined || scaled(r.indicator, parsed.value) !== scaled(r.indicator, r.reported);
    const reason = r.reason.trim();
    if (differs && !reason) reasonErrors[r.indicator] = { key: 'verify.err.reasonRequired' };
    else if (reason.length > MAX_TEXT) reasonErrors[r.indicator] = { key: 'report.err.textTooLong', params: { n: MAX_TEXT } };
    else if (differs) reasons[r.indicator] = reason;
  }
  if (!Object.keys(errors).length) for (const p of checkConsistency(best, lang)) if (!errors[p.field]) errors[p.field] = p.msg;
  if (Object.keys(errors).length || Object.keys(reasonErrors).length) return { errors, reasonErrors };
  return { errors, reasonErrors, body: { indicators, reasons } };
}

/** Does a verified value differ from the reported one (both in display units)? */
export function differs(ind: Indicator, reported: number | undefined, verified: number | undefined): boolean {
  if (typeof verified !== 'number') return false;
  if (typeof reported !== 'number') return true;
  return scaled(ind, reported) !== scaled(ind, verified);
}

// ---- numbers -----------------------------------------------------------------------------------

const DASH = '—';

/** A figure with grouping, two decimals at most for hectares and 万元: 1,234 · 1,234.5. */
export function formatFigure(v: number | null | undefined, ind: Indicator, lang: Lang): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: isDecimalIndicator(ind) ? 2 : 0 }).format(v);
}

/** Short numbers for legends: 45,000 → "4.5万" / "45k". */
export function formatCompact(v: number, lang: Lang): string {
  if (!Number.isFinite(v)) return DASH;
  const abs = Math.abs(v);
  const fmt = (x: number) => new Intl.NumberFormat(locale(lang), { maximumFractionDigits: x < 10 ? 1 : 0 }).format(x);
  if (lang === 'zh') {
    if (abs >= 1e8) return `${fmt(v / 1e8)}亿`;
    if (abs >= 1e4) return `${fmt(v / 1e4)}万`;
    return new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(v);
  }
  if (abs >= 1e9) return `${fmt(v / 1e9)}B`;
  if (abs >= 1e6) return `${fmt(v / 1e6)}M`;
  if (abs >= 1e4) return `${fmt(v / 1e3)}k`;
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v);
}

// ---- response levels ---------------------------------------------------------------------------

export type ResponseLevel = 1 | 2 | 3 | 4;
export const LEVELS: readonly ResponseLevel[] = [1, 2, 3, 4];

/** Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue (the warning colours); no response grey. */
export const LEVEL_COLORS: Record<ResponseLevel | 'none', string> = {
  1: '#c0302b',
  2: '#e87b2a',
  3: '#f0c53a',
  4: '#3b7bbf',
  none: '#d8dee3',
};

export const LEVEL_ROMAN: Record<ResponseLevel, string> = { 1: 'Ⅰ', 2: 'Ⅱ', 3: 'Ⅲ', 4: 'Ⅳ' };

export function isLevel(x: unknown): x is ResponseLevel {
  return x === 1 || x === 2 || x === 3 || x === 4;
}

export function levelColor(level: unknown): string {
  return isLevel(level) ? LEVEL_COLORS[level] : LEVEL_COLORS.none;
}

/** Readable text on the level colour (dark on yellow and grey). */
export function levelTextColor(level: unknown): string {
  return level === 3 || !isLevel(level) ? '#3a2f00' : '#ffffff';
}

/** "Ⅰ级" / "Level I"; null → "未启动" / "No response". */
export function levelLabel(level: unknown, lang: Lang): string {
  if (!isLevel(level)) return lang === 'zh' ? '未启动' : 'No response';
  return lang === 'zh' ? `${LEVEL_ROMAN[level]}级` : `Level ${['I', 'II', 'III', 'IV'][level - 1]}`;
}

/** "Ⅰ级响应" / "Level I response". */
export function responseLabel(level: unknown, lang: Lang): string {
  if (!isLevel(level)) return levelLabel(level, lang);
  return lang === 'zh' ? `${levelLabel(level, lang)}响应` : `${levelLabel(level, lang)} response`;
}

/**
 * Each authority's response in force, most senior first, in words: "国家Ⅳ级 · 省级Ⅱ级（2地）· 市级Ⅰ级 ·
 * 县级Ⅰ级（6地）" / "National Level IV · Provincial Level II (2 areas) · …". Each authority decides by
 * its own plan, so their levels are shown side by side, never merged.
 */
export function responsesText(responses: ReadonlyArray<Schemas['AuthorityResponse']>, lang: Lang, t: (key: MsgKey, vars?: Record<string, string | number>) => string): string {
  return responses
    .map((r) => {
      const level = `${t(`authority.${r.authority}` as MsgKey)} ${levelLabel(r.level, lang)}`;
      return r.areas.length > 1 ? `${level}${t('event.responseAreas', { n: r.areas.length })}` : level;
    })
    .join(' · ');
}

/** MapLibre `match` on a numeric level property → level colour. */
export function levelColorExpression(property: string): unknown[] {
  return ['match', ['to-number', ['get', property], 0], 1, LEVEL_COLORS[1], 2, LEVEL_COLORS[2], 3, LEVEL_COLORS[3], 4, LEVEL_COLORS[4], LEVEL_COLORS.none];
}

// ---- choropleth --------------------------------------------------------------------------------

/** Sequential ramp (light → dark, ColorBrewer OrRd) and the colour of areas without figures. */
export const RAMP = ['#fdebd2', '#fdc68b', '#f7955a', '#e0553a', '#b11f1a'] as const;
export const NO_DATA = '#eef1f4';

/** Round to two significant digits (12,345 → 12,000; 0.0456 → 0.046). */
export function roundNice(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(Math.abs(x))) - 1);
  return Number((Math.round(x / p) * p).toPrecision(12));
}

/**
 * Class breaks for a sequential choropleth: quantiles of the positive values, rounded to two
 * significant digits (whole numbers for integer indicators), strictly increasing, each above the
 * smallest value and at most the largest. n values give at most `classes` classes, so
 * `breaks.length <= classes - 1`. Class i is [breaks[i-1], breaks[i]).
 */
export function choroplethBreaks(values: ReadonlyArray<number | null | undefined>, classes = RAMP.length, integer = false): number[] {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (xs.length < 2 || classes < 2) return [];
  const min = xs[0];
  const max = xs[xs.length - 1];
  if (min === max) return [];
  const out: number[] = [];
  const k = Math.min(classes, xs.length);
  for (let i = 1; i < k; i++) {
    const pos = (i / k) * (xs.length - 1);
    const lo = Math.floor(pos);
    const q = xs[lo] + (xs[Math.min(lo + 1, xs.length - 1)] - xs[lo]) * (pos - lo);
    let b = roundNice(q);
    if (integer) b = Math.max(1, Math.round(b));
    if (b > min && b <= max && (!out.length || b > out[out.length - 1])) out.push(b);
  }
  return out;
}

/** The class of a value: 0 … breaks.length. */
export function classOf(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  return i;
}

/** Colours of the classes: spread over the ramp so that few classes still span light → dark. */
export function rampFor(classes: number): string[] {
  if (classes <= 1) return [RAMP[Math.floor(RAMP.length / 2)]];
  const out: string[] = [];
  for (let i = 0; i < classes; i++) out.push(RAMP[Math.round((i * (RAMP.length - 1)) / (classes - 1))]);
  return out;
}

export function colorFor(value: number | null | undefined, breaks: readonly number[]): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return NO_DATA;
  return rampFor(breaks.length + 1)[classOf(value, breaks)];
}

/** MapLibre expression: the ramp colour of a numeric property, NO_DATA where it is absent. */
export function rampExpression(property: string, breaks: readonly number[]): unknown[] {
  const colors = rampFor(breaks.length + 1);
  const value = ['to-number', ['get', property], 0];
  const step = breaks.length ? ['step', value, colors[0], ...breaks.flatMap((b, i) => [b, colors[i + 1]])] : colors[0];
  return ['case', ['has', property], step, NO_DATA];
}

export interface LegendClass {
  color: string;
  from: number;
  /** Upper bound (exclusive); null for the top class. */
  to: number | null;
}

/** Legend rows for the breaks: [min, b1), [b1, b2), …, [bn, ∞). */
export function legendClasses(breaks: readonly number[], min = 0): LegendClass[] {
  const colors = rampFor(breaks.length + 1);
  const edges = [min, ...breaks];
  return edges.map((from, i) => ({ color: colors[i], from, to: i < breaks.length ? breaks[i] : null }));
}

// ---- events --------------------------------------------------------------------------------------

export const HAZARDS = ['flood', 'waterlogging', 'typhoon', 'landslide', 'earthquake', 'drought', 'snow_ice', 'hail', 'other'] as const;
export type Hazard = Narrows<Schemas['Hazard'], (typeof HAZARDS)[number]>;
export const EVENT_STATUSES = ['active', 'stabilised', 'closed'] as const;
export type EventStatus = Narrows<Schemas['EventStatus'], (typeof EVENT_STATUSES)[number]>;

/** Status changes a manager may make: active → stabilised → closed; closed reopens as active. */
export function nextStatuses(status: string): EventStatus[] {
  if (status === 'active') return ['stabilised', 'closed'];
  if (status === 'stabilised') return ['active', 'closed'];
  if (status === 'closed') return ['active'];
  return [];
}

/** A demo event says so in its name or description ("虚构", "fictional"). */
export function isFictional(event: { name?: string | null; description?: string | null } | null | undefined): boolean {
  return /虚构|fictional|fictitious/i.test(`${event?.name ?? ''} ${event?.description ?? ''}`);
}

/** Stages offered for an event: drought follow-ups (旬报) only for droughts. */
export function stagesFor(drought: boolean): Stage[] {
  return drought ? ['initial', 'update', 'final', 'drought_followup'] : ['initial', 'update', 'final'];
}

/** The stage a form proposes: initial for a new area, else an update. */
export function defaultStage(hasInitial: boolean): Stage {
  return hasInitial ? 'update' : 'initial';
}

/** "2026-07-01T08:30" (a datetime-local value in Beijing time, UTC+8) → RFC 3339 UTC; null if malformed. */
export function beijingLocalToUtc(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, hh, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, hh - 8, mi);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return null;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Now in Beijing time as a datetime-local value ("2026-07-01T08:30"). */
export function beijingNowLocal(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}
