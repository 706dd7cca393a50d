// Why an area needs what a plan gives it, in words: the figure that counted the people, how many
// that is, and the item's norm ("集中安置 300人 → 96户 × 1顶/户"); and, for a funds plan, which
// cost splits its areas follow. Pure apart from the current language.
import { formatInteger, unitLabel } from './format';
import { getLang, label, locale, t, type MsgKey } from './i18n';
import type { Schemas } from './schemas';

export type DemandBasis = Schemas['DemandBasis'];
export type ResponseScope = Schemas['ResponseScope'];

export interface BasisOptions {
  /** The item's counting unit (顶, 床 …); shown in Chinese only ("1顶/户", "1 per household"). */
  unit?: string | null;
  /** People per household of the settings the plan was made with, when known: households are then counted. */
  personsPerHousehold?: number | null;
  /** The area's demand in the plan: when below what the norm gives, earlier plans cover the rest. */
  demand?: number | null;
}

const perHousehold = (b: DemandBasis['norm']['basis']) => b === 'household' || b === 'sheltered_household';
const sheltered = (b: DemandBasis['norm']['basis']) => b === 'sheltered_person' || b === 'sheltered_household';

/** The norm in words: "3份/人", "1顶/100人", "1.8 per person", "1 per 10 households". */
export function normText(norm: DemandBasis['norm'], unit?: string | null): string {
  const lang = getLang();
  const u = lang === 'zh' ? unitLabel(unit, lang) : '';
  const households = perHousehold(norm.basis);
  const pt = norm.per_thousand;
  if (pt > 0 && pt < 1000 && 1000 % pt === 0) {
    return t(households ? 'plan.basis.onePerHouseholds' : 'plan.basis.onePerPeople', { unit: u, n: formatInteger(1000 / pt, lang) });
  }
  const q = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 }).format(pt / 1000);
  return t(households ? 'plan.basis.perHousehold' : 'plan.basis.perPerson', { unit: u, q });
}

/** Units the norm gives for `persons` (households rounded up, then units rounded up), as the server counts. */
export function normDemand(basis: DemandBasis, personsPerHousehold?: number | null): number | null {
  let count = basis.persons;
  if (perHousehold(basis.norm.basis)) {
    if (!personsPerHousehold || !(personsPerHousehold > 0)) return null;
    count = Math.ceil(basis.persons / personsPerHousehold);
  }
  return Math.ceil((count * basis.norm.per_thousand) / 1000);
}

/**
 * How an area's demand for an item was counted, e.g. 「集中安置 300人 → 96户 × 1顶/户」 /
 * "In shelters: 300 people → 96 households × 1 per household". Without the household size, the
 * people and the norm: 「集中安置 300人，按 1顶/户」. An empty string for plans made before the
 * basis was recorded.
 */
export function demandBasisText(basis: DemandBasis | null | undefined, opts: BasisOptions = {}): string {
  if (!basis) return '';
  const lang = getLang();
  const people = t('plan.basis.people', { indicator: label('ind', basis.indicator), n: formatInteger(basis.persons, lang) });
  const norm = normText(basis.norm, opts.unit);
  const size = opts.personsPerHousehold;
  let text: string;
  if (!perHousehold(basis.norm.basis)) {
    text = t('plan.basis.times', { a: people, b: norm });
  } else if (size && size > 0) {
    const households = t('plan.basis.households', { n: formatInteger(Math.ceil(basis.persons / size), lang) });
    text = t('plan.basis.times', { a: `${people} → ${households}`, b: norm });
  } else {
    text = t('plan.basis.at', { a: people, b: norm });
  }
  // A shelter item counted from everyone: the area did not report how many are in central shelters.
  if (sheltered(basis.norm.basis) && basis.indicator !== 'relocated_central') text = t('plan.basis.noSplit', { text });
  const full = normDemand(basis, size);
  if (full !== null && typeof opts.demand === 'number' && opts.demand < full) {
    text = t('plan.basis.covered', { text, n: formatInteger(full - opts.demand, lang) });
  }
  return text;
}

type ScopedPlan = { response_scope: ResponseScope; areas: ReadonlyArray<{ response_scope: ResponseScope }> };

/** The split each area's money follows, in the order of `plan.areas`. */
export function areaScopes(plan: ScopedPlan): ResponseScope[] {
  return plan.areas.map((a) => a.response_scope);
}

/** How many areas follow each cost split, most senior first (national, provincial, local). */
export function scopeCounts(plan: ScopedPlan): Array<[ResponseScope, number]> {
  const order: ResponseScope[] = ['national', 'provincial', 'local'];
  const counts = new Map<ResponseScope, number>();
  for (const s of areaScopes(plan)) counts.set(s, (counts.get(s) ?? 0) + 1);
  return order.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!]);
}

/** The cost split of a funds plan in words: the one split, or each split with its number of areas (a line each). */
export function scopeLines(plan: ScopedPlan): string[] {
  const counts = scopeCounts(plan);
  if (counts.length <= 1) return [t(`funds.scope.${counts[0]?.[0] ?? plan.response_scope}` as MsgKey)];
  const lang = getLang();
  return counts.map(([s, n]) => t(n === 1 ? 'funds.scopeOneArea' : 'funds.scopeAreas', { scope: t(`funds.scope.${s}` as MsgKey), n: formatInteger(n, lang) }));
}
