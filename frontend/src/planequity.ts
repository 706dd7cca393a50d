// The equity audit of a materials plan, read for people: per-unit averages instead of unit-minutes,
// and the price of fairness as differences from the most-delivered yardstick (pure helpers).
import type { Schemas } from './schemas';

export type Equity = Schemas['Equity'];
export type Fairness = Schemas['Fairness'];
export type PlanPolicy = Schemas['PlanPolicy'];
/** One policy's outcome in a comparison (POST /plans/compare). */
export type PolicyOption = Schemas['PolicyOption'];
/** What a re-plan changed (POST /plans/{id}/replan). */
export type Replanned = Schemas['Replanned'];
export type LineChange = Schemas['LineChange'];

export const POLICIES = ['strict_tiers', 'weighted'] as const satisfies readonly PlanPolicy[];

/** The response level a tier stands for (4 → Ⅰ … 1 → Ⅳ, 0 → none), as the i18n key's suffix. */
export function tierKey(tier: number): 'l1' | 'l2' | 'l3' | 'l4' | 'none' {
  return (['none', 'l4', 'l3', 'l2', 'l1'] as const)[Math.max(0, Math.min(4, tier))];
}

/** Minutes per unit: `unitMinutes` spread over `units` (null when there are none). */
export function perUnit(unitMinutes: number, units: number): number | null {
  return units > 0 ? unitMinutes / units : null;
}

/** The figures people compare: average travel per unit sent, average wait per unit needed, inequality, the worst fill. */
export interface EquityFigures {
  delivered: number;
  travelPerUnit: number | null;
  waitPerUnit: number | null;
  gini: number;
  minFill: number | null;
}

export function figuresOf(e: Equity): EquityFigures {
  return {
    delivered: e.delivered,
    travelPerUnit: perUnit(e.travel_unit_minutes, e.delivered),
    waitPerUnit: perUnit(e.deprivation_unit_minutes, e.demand),
    gini: e.gini,
    minFill: e.tiers.length ? Math.min(...e.tiers.map((t) => t.min_fill)) : null,
  };
}

/** The same stock planned for the most delivered in the least time (null in plans made before the audit). */
export function yardstickFigures(e: Equity): EquityFigures | null {
  const y = e.most_delivered;
  if (!y) return null;
  return {
    delivered: y.delivered,
    travelPerUnit: perUnit(y.travel_unit_minutes, y.delivered),
    waitPerUnit: perUnit(y.deprivation_unit_minutes, e.demand),
    gini: y.gini,
    minFill: y.min_fill,
  };
}

/** What fairness costs against the yardstick: extra minutes per unit on the road and waiting, units fewer (≥ 0 each). */
export function priceOfFairness(e: Equity): { travelMinutes: number; waitMinutes: number; fewerUnits: number } | null {
  const plan = figuresOf(e);
  const fast = yardstickFigures(e);
  if (!fast) return null;
  return {
    travelMinutes: Math.max(0, (plan.travelPerUnit ?? 0) - (fast.travelPerUnit ?? 0)),
    waitMinutes: Math.max(0, (plan.waitPerUnit ?? 0) - (fast.waitPerUnit ?? 0)),
    fewerUnits: Math.max(0, fast.delivered - plan.delivered),
  };
}

/** A re-plan's changes split for reading: lines gone, new, and changed in quantity or time. */
export function changeKinds(changes: readonly LineChange[]): { removed: LineChange[]; added: LineChange[]; changed: LineChange[] } {
  return {
    removed: changes.filter((c) => c.quantity_after === 0),
    added: changes.filter((c) => c.quantity_before === 0 && c.quantity_after > 0),
    changed: changes.filter((c) => c.quantity_before > 0 && c.quantity_after > 0),
  };
}
