// Small helpers that belong to no domain: typed digits and a numeric sort.

/** Full-width digits and signs (typed with a Chinese IME) count as ASCII. */
export function normaliseDigits(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0D\u2212]/g, '-')
    .replace(/\uFF0B/g, '+')
    .replace(/\uFF0E/g, '.')
    .trim();
}

export type SortDir = 'asc' | 'desc';

/** Stable sort by a numeric key; null/NaN keys always last. */
export function sortByNumber<T>(rows: readonly T[], key: (r: T) => number | null | undefined, dir: SortDir): T[] {
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      const an = typeof a.k === 'number' && Number.isFinite(a.k);
      const bn = typeof b.k === 'number' && Number.isFinite(b.k);
      if (!an || !bn) return an === bn ? a.i - b.i : an ? -1 : 1;
      const d = (a.k as number) - (b.k as number);
      return d !== 0 ? (dir === 'asc' ? d : -d) : a.i - b.i;
    })
    .map((x) => x.r);
}

/** How many items are in each status (every status present, 0 when none), the overdue ones (those that can be) and all. */
export function countByStatus<S extends string>(
  statuses: readonly S[],
  items: ReadonlyArray<{ status: S; overdue?: boolean }>,
): Record<S, number> & { overdue: number; total: number } {
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<string, number>;
  let overdue = 0;
  for (const item of items) {
    counts[item.status] += 1;
    if (item.overdue) overdue += 1;
  }
  return { ...counts, overdue, total: items.length } as Record<S, number> & { overdue: number; total: number };
}
