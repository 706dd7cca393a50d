// What the grant-list confirmations say and how the public objection form finds a line: pure
// helpers of screens/grants.ts and screens/public.ts (unit-tested in grantconfirm.test.ts).
import { normaliseDigits } from './util';

export type GrantAction = 'approve' | 'reject' | 'publish' | 'pay' | 'cancel';

/** The actions that ask first (submitting only hands the list to a reviewer, who checks it). */
export const CONFIRMED_ACTIONS: readonly GrantAction[] = ['approve', 'reject', 'publish', 'pay', 'cancel'];

/** Reject and cancel end or undo work: their confirm button is red. */
export function isDangerous(action: GrantAction): boolean {
  return action === 'reject' || action === 'cancel';
}

/**
 * A list's area as a confirmation names it: its name with the division code after it
 * ("永修县（360425）", "Yongxiu (360425)"), or the code alone while no name is known.
 */
export function areaText(code: string, name: string | null | undefined, lang: 'zh' | 'en'): string {
  const n = name?.trim();
  if (!n || n === code) return code;
  return lang === 'zh' ? `${n}（${code}）` : `${n} (${code})`;
}

/** Objections still waiting for an answer. */
export function openObjections(objections: ReadonlyArray<{ status: string }>): number {
  return objections.filter((o) => o.status === 'open').length;
}

/**
 * The list after an objection is answered: a withdrawn line leaves it (one household fewer, its
 * amount off the total); a dismissed one changes nothing.
 */
export function afterAnswer(
  list: { households: number; total_fen: number; grants: ReadonlyArray<{ id: number; amount_fen: number }> },
  grantId: number | null | undefined,
  decision: string,
): { households: number; total_fen: number } {
  const line = decision === 'withdrawn' && grantId != null ? list.grants.find((g) => g.id === grantId) : undefined;
  return line ? { households: list.households - 1, total_fen: list.total_fen - line.amount_fen } : { households: list.households, total_fen: list.total_fen };
}

/**
 * The disclosure a publish will set: from the typed Beijing wall-clock start (or now) for `days`
 * days, as RFC 3339 instants.
 */
export function publishPeriod(start: string | undefined, days: number, now: Date = new Date()): { start: string; end: string } | null {
  const from = start ? new Date(start) : now;
  if (Number.isNaN(from.getTime()) || !Number.isFinite(days) || days <= 0) return null;
  return { start: from.toISOString(), end: new Date(from.getTime() + days * 86_400_000).toISOString() };
}

export interface DisclosedLine {
  grant_id: number;
  name: string;
  id_number: string;
}

/**
 * The disclosed lines an objector's typed text picks out: part of the masked name (张*明, or just
 * 张), part of the masked ID number (its first or last digits, stars optional), or the line's
 * number as the table shows it. Full-width digits and a lower-case x count; empty text finds none.
 */
export function matchLines<T extends DisclosedLine>(lines: readonly T[], text: string): T[] {
  const q = normaliseDigits(text).replace(/\s+/g, '').toUpperCase();
  if (!q) return [];
  const digits = q.replace(/\*+/g, '');
  // A line's own number first; ID digits count from three on, so "12" is not every ID with a 12.
  const exact = lines.filter((l) => String(l.grant_id) === q);
  const idDigits = /^[0-9X]{3,}$/.test(digits);
  const others = lines.filter((l) => {
    if (String(l.grant_id) === q) return false;
    if (l.name.includes(q) || l.name.replace(/\*/g, '').includes(q)) return true;
    if (!idDigits) return false;
    const id = l.id_number.toUpperCase();
    if (id.includes(q)) return true;
    // "3604 1234" or "36041234": the digits either side of the stars.
    const head = id.match(/^[0-9X]*/)?.[0] ?? '';
    const tail = id.match(/[0-9X]*$/)?.[0] ?? '';
    return head + tail === digits || head.startsWith(digits) || tail.endsWith(digits);
  });
  return [...exact, ...others];
}
