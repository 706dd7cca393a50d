// Pure helpers for a plan's lines (depot → destination → item → quantity): sorting, grouping with
// per-item subtotals, pick lists per depot, what a dispatch will ship, and CSV text. The screens
// pass the names in, so everything here is testable without a DOM or the API.
import type { PlanLine } from './plans';

/** How the lines table is grouped: by the depot that ships or by the destination area. */
export type LineGrouping = 'depot' | 'area';
export type LineSortKey = 'depot' | 'area' | 'item' | 'quantity' | 'travel';
export interface LineSort {
  key: LineSortKey;
  dir: 1 | -1;
}

/** Display names of a plan's depots, areas and items. */
export interface LineNames {
  depot(id: number): string;
  area(code: string): string;
  item(code: string): string;
}

export interface LineGroup {
  /** The depot id or the area code, as text. */
  key: string;
  name: string;
  lines: PlanLine[];
  /** Quantity per item code, in the order the items first appear in `lines`. */
  subtotals: Map<string, number>;
}

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** The lines sorted by one column; ties fall back to depot, destination, item so the order is stable. */
export function sortLines(lines: readonly PlanLine[], sort: LineSort, names: LineNames): PlanLine[] {
  const text: Record<'depot' | 'area' | 'item', (l: PlanLine) => string> = {
    depot: (l) => names.depot(l.depot_id),
    area: (l) => names.area(l.area_code),
    item: (l) => names.item(l.item),
  };
  const compareBy = (key: LineSortKey, a: PlanLine, b: PlanLine): number => {
    if (key === 'quantity') return a.quantity - b.quantity;
    if (key === 'travel') return a.travel_minutes - b.travel_minutes;
    return collator.compare(text[key](a), text[key](b));
  };
  const tieBreak: LineSortKey[] = ['depot', 'area', 'item'];
  return [...lines].sort((a, b) => {
    const first = compareBy(sort.key, a, b) * sort.dir;
    if (first) return first;
    for (const k of tieBreak) {
      const c = compareBy(k, a, b);
      if (c) return c;
    }
    return 0;
  });
}

/** Quantity per item code, in first-seen order. */
export function itemTotals(lines: readonly PlanLine[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.item, (totals.get(l.item) ?? 0) + l.quantity);
  return totals;
}

/**
 * The lines in groups by depot or destination, groups ordered by name, each group's lines in the
 * order of `sort`, with per-item subtotals.
 */
export function groupLines(lines: readonly PlanLine[], by: LineGrouping, sort: LineSort, names: LineNames): LineGroup[] {
  const keyOf = (l: PlanLine) => (by === 'depot' ? String(l.depot_id) : l.area_code);
  const nameOf = (l: PlanLine) => (by === 'depot' ? names.depot(l.depot_id) : names.area(l.area_code));
  const groups = new Map<string, LineGroup>();
  for (const l of sortLines(lines, sort, names)) {
    const key = keyOf(l);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, name: nameOf(l), lines: [], subtotals: new Map() }));
    g.lines.push(l);
  }
  for (const g of groups.values()) g.subtotals = itemTotals(g.lines);
  return [...groups.values()].sort((a, b) => collator.compare(a.name, b.name) || a.key.localeCompare(b.key));
}

export interface PickItem {
  item: string;
  quantity: number;
  /** Where this item goes from the depot: destination code and quantity, by destination name. */
  destinations: Array<{ area: string; quantity: number }>;
}

/** What a keeper picks at one depot: each item once with its total and its destinations. */
export function pickList(lines: readonly PlanLine[], depotId: number, names: LineNames): PickItem[] {
  const byItem = new Map<string, PickItem>();
  for (const l of lines) {
    if (l.depot_id !== depotId) continue;
    let p = byItem.get(l.item);
    if (!p) byItem.set(l.item, (p = { item: l.item, quantity: 0, destinations: [] }));
    p.quantity += l.quantity;
    const dest = p.destinations.find((d) => d.area === l.area_code);
    if (dest) dest.quantity += l.quantity;
    else p.destinations.push({ area: l.area_code, quantity: l.quantity });
  }
  const out = [...byItem.values()].sort((a, b) => collator.compare(names.item(a.item), names.item(b.item)));
  for (const p of out) p.destinations.sort((a, b) => collator.compare(names.area(a.area), names.area(b.area)));
  return out;
}

/** The depots of a plan's lines, by name. */
export function lineDepots(lines: readonly PlanLine[], names: LineNames): number[] {
  return [...new Set(lines.map((l) => l.depot_id))].sort((a, b) => collator.compare(names.depot(a), names.depot(b)) || a - b);
}

export interface DispatchSummary {
  /** One shipment per depot and destination (the server's rule). */
  shipments: number;
  lines: number;
  /** Quantity per item code. */
  items: Map<string, number>;
}

/** What dispatching these depots' lines (all depots when `depotIds` is null) will send. */
export function dispatchSummary(lines: readonly PlanLine[], depotIds: readonly number[] | null): DispatchSummary {
  const chosen = depotIds ? lines.filter((l) => depotIds.includes(l.depot_id)) : [...lines];
  return {
    shipments: new Set(chosen.map((l) => `${l.depot_id}\u0000${l.area_code}`)).size,
    lines: chosen.length,
    items: itemTotals(chosen),
  };
}

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV text of a header row and data rows: CRLF line ends and a UTF-8 byte order mark, so Excel
 * opens Chinese text correctly.
 */
export function csvText(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
