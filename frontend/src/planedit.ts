// Editing a draft materials plan's lines (PATCH /plans/{id} with the complete new set of lines):
// the lines as the user edits them, the checks made before sending (whole positive quantities, no
// area given more than it needs, no depot giving more than the plan says it has), what changed
// for the confirmation, the body to send, and the server's refusal read back onto the lines.
// Pure, so it is tested without a DOM or the API.
import type { Plan, PlanEdit, PlanLine } from './plans';
import { detailReason } from './errors';

export type { PlanEdit };

/** One line being edited. */
export interface EditLine {
  /** The row's own id on screen: `o3` for the plan's fourth line, `n1` for the first line added. */
  key: string;
  depot_id: number;
  area_code: string;
  item: string;
  /** The quantity as typed. */
  text: string;
  /** The plan's quantity; null for a line added in this edit. */
  original: number | null;
  travel_minutes: number;
  late: boolean;
}

/** What is wrong with a line; the screen says it in the user's language. */
export type LineProblem =
  | { kind: 'quantity' }
  | { kind: 'duplicate' }
  | { kind: 'noDemand' }
  /** The lines of this area and item send `total`, more than its need. */
  | { kind: 'overNeed'; need: number; total: number }
  /** The lines of this depot and item take `total`, more than it has available. */
  | { kind: 'overStock'; available: number; total: number }
  /** The server's own words, for a refusal not read otherwise. */
  | { kind: 'server'; reason: string };

const pair = (a: string | number, b: string) => `${a}\u0000${b}`;

/** The plan's lines, ready to edit. */
export function startEdit(lines: readonly PlanLine[]): EditLine[] {
  return lines.map((l, i) => ({
    key: `o${i}`,
    depot_id: l.depot_id,
    area_code: l.area_code,
    item: l.item,
    text: String(l.quantity),
    original: l.quantity,
    travel_minutes: l.travel_minutes,
    late: l.late,
  }));
}

/** A typed quantity as a whole positive number (thousands separators allowed), else null. */
export function parseQuantity(text: string): number | null {
  const s = text.trim().replace(/[,，\s]/g, '');
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

export interface EditLimits {
  /** Each area's need per item (`area\0item`), as the plan computed it. */
  need: Map<string, number>;
  /**
   * What a depot has available of an item (`depot\0item`), where the plan says so: a bottleneck
   * gave all it had, the lines of the plan plus what the reserve floor held back. Other depots had
   * more than they gave, how much the plan does not say (the server checks those).
   */
  available: Map<string, number>;
}

export function editLimits(plan: Pick<Plan, 'areas' | 'bottlenecks' | 'lines' | 'reserve_floor'>): EditLimits {
  const need = new Map<string, number>();
  for (const a of plan.areas ?? []) need.set(pair(a.area_code, a.item), a.demand);
  const available = new Map<string, number>();
  for (const b of plan.bottlenecks ?? []) {
    const given = plan.lines.filter((l) => l.depot_id === b.depot_id && l.item === b.item).reduce((s, l) => s + l.quantity, 0);
    const held = (plan.reserve_floor?.held ?? []).filter((x) => x.depot_id === b.depot_id && x.item === b.item).reduce((s, x) => s + x.quantity, 0);
    available.set(pair(b.depot_id, b.item), given + held);
  }
  return { need, available };
}

/** The need of an area for an item in the plan (undefined when the plan has none). */
export const needOf = (limits: EditLimits, area: string, item: string) => limits.need.get(pair(area, item));

/** The problems of each line, by key (lines without problems are left out). */
export function checkEdit(lines: readonly EditLine[], limits: EditLimits): Map<string, LineProblem[]> {
  const out = new Map<string, LineProblem[]>();
  const add = (key: string, p: LineProblem) => out.set(key, [...(out.get(key) ?? []), p]);
  const perArea = new Map<string, { total: number; keys: string[] }>();
  const perDepot = new Map<string, { total: number; keys: string[] }>();
  const seen = new Set<string>();
  for (const l of lines) {
    const q = parseQuantity(l.text);
    if (q === null) add(l.key, { kind: 'quantity' });
    const same = `${pair(l.depot_id, l.area_code)}\u0000${l.item}`;
    if (seen.has(same)) add(l.key, { kind: 'duplicate' });
    seen.add(same);
    if (!limits.need.has(pair(l.area_code, l.item))) add(l.key, { kind: 'noDemand' });
    for (const [m, k] of [[perArea, pair(l.area_code, l.item)], [perDepot, pair(l.depot_id, l.item)]] as const) {
      const s = m.get(k) ?? { total: 0, keys: [] };
      s.total += q ?? 0;
      s.keys.push(l.key);
      m.set(k, s);
    }
  }
  for (const [k, s] of perArea) {
    const need = limits.need.get(k);
    if (need !== undefined && s.total > need) for (const key of s.keys) add(key, { kind: 'overNeed', need, total: s.total });
  }
  for (const [k, s] of perDepot) {
    const available = limits.available.get(k);
    if (available !== undefined && s.total > available) for (const key of s.keys) add(key, { kind: 'overStock', available, total: s.total });
  }
  return out;
}

/** The body of the PATCH: every line kept, in the order shown, quantities as numbers. */
export function editBody(lines: readonly EditLine[]): PlanEdit {
  return { lines: lines.map((l) => ({ depot_id: l.depot_id, area_code: l.area_code, item: l.item, quantity: parseQuantity(l.text) ?? 0 })) };
}

export interface EditSummary {
  /** Lines of the plan whose quantity changed. */
  modified: number;
  added: number;
  /** Lines of the plan taken out. */
  removed: number;
  /** modified + added + removed. */
  changed: number;
  /** Total quantity of the plan's lines, and of the edited ones (unreadable quantities count 0). */
  before: number;
  after: number;
}

export function editSummary(original: readonly PlanLine[], lines: readonly EditLine[]): EditSummary {
  const kept = new Set(lines.filter((l) => l.original !== null).map((l) => l.key));
  const modified = lines.filter((l) => l.original !== null && parseQuantity(l.text) !== l.original).length;
  const added = lines.filter((l) => l.original === null).length;
  const removed = original.filter((_, i) => !kept.has(`o${i}`)).length;
  return {
    modified,
    added,
    removed,
    changed: modified + added + removed,
    before: original.reduce((s, l) => s + l.quantity, 0),
    after: lines.reduce((s, l) => s + (parseQuantity(l.text) ?? 0), 0),
  };
}

/** The plan's lines taken out in this edit. */
export function removedLines(original: readonly PlanLine[], lines: readonly EditLine[]): PlanLine[] {
  const kept = new Set(lines.map((l) => l.key));
  return original.filter((_, i) => !kept.has(`o${i}`));
}

/** The quantity to offer for a new line: what the area still needs of the item after the lines, if anything. */
export function remainingNeed(lines: readonly EditLine[], limits: EditLimits, area: string, item: string): number {
  const need = limits.need.get(pair(area, item)) ?? 0;
  const sent = lines.filter((l) => l.area_code === area && l.item === item).reduce((s, l) => s + (parseQuantity(l.text) ?? 0), 0);
  return Math.max(0, need - sent);
}

export interface ServerProblems {
  byKey: Map<string, LineProblem[]>;
  /** Reasons that name no line. */
  other: string[];
}

/** A total over the limit (by the server's refusal code and values), with the lines it concerns. */
function overLimit(refusal: unknown, p: Record<string, unknown>): { concerns: (l: EditLine) => boolean; problem: LineProblem } | null {
  if (refusal === 'plan_over_stock') {
    return {
      concerns: (l) => l.depot_id === Number(p.depot) && l.item === p.item,
      problem: { kind: 'overStock', available: Number(p.available), total: Number(p.quantity) },
    };
  }
  if (refusal === 'plan_over_need') {
    return {
      concerns: (l) => l.area_code === p.area && l.item === p.item,
      problem: { kind: 'overNeed', need: Number(p.demand), total: Number(p.quantity) },
    };
  }
  return null;
}

/**
 * A 422's details read onto the lines that were sent (`sent[i]` is the key of `lines[i]`):
 * `lines[3].quantity` names the fourth line (a total over a depot's stock or an area's need names
 * each of its lines, with the figures, which are shown in the user's language); a refusal of the
 * whole set (field `lines`) goes to the lines its depot or area and item name.
 */
export function serverProblems(details: unknown, sent: readonly EditLine[]): ServerProblems {
  const byKey = new Map<string, LineProblem[]>();
  const other: string[] = [];
  const add = (key: string, p: LineProblem) => byKey.set(key, [...(byKey.get(key) ?? []), p]);
  if (!Array.isArray(details)) return { byKey, other };
  for (const d of details as Array<{ field?: unknown; refusal?: unknown; params?: Record<string, unknown> }>) {
    const field = typeof d?.field === 'string' ? d.field : '';
    const reason = detailReason(d);
    if (!reason) continue;
    const over = overLimit(d.refusal, d.params ?? {});
    const indexed = /^lines\[(\d+)\]/.exec(field);
    if (indexed) {
      const line = sent[Number(indexed[1])];
      if (line) add(line.key, over?.problem ?? { kind: 'server', reason });
      else other.push(reason);
      continue;
    }
    const hit = over ? sent.filter(over.concerns) : [];
    if (over && hit.length) for (const l of hit) add(l.key, over.problem);
    else other.push(reason);
  }
  return { byKey, other };
}
