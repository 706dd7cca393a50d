// Pure rules of the stock screens: movement form validation (mirroring the server's
// rules), readiness colours, expiry classes, idempotency-key reuse. No DOM, no fetch,
// so all of it is unit-tested in Node.
import type { MsgKey } from './i18n';

export const MOVEMENT_KINDS = ['receipt', 'issue', 'transfer', 'adjustment'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const SOURCES = ['procured', 'donated', 'agreement'] as const;
export type Source = (typeof SOURCES)[number];

export const ADJUST_REASONS = ['count', 'damaged', 'expired', 'lost', 'found'] as const;
export type AdjustReason = (typeof ADJUST_REASONS)[number];

export const TIERS = ['central', 'provincial', 'city', 'county', 'township'] as const;
export const AID_TYPES = ['emergency', 'transitional', 'winter_spring'] as const;
export type AidType = (typeof AID_TYPES)[number];

/** Lots expiring within this many days are highlighted. */
export const EXPIRY_WARN_DAYS = 90;
/** Largest quantity the form accepts (the server stores 64-bit integers; this is a sanity bound). */
export const MAX_QUANTITY = 1_000_000_000;
export const MAX_NOTE = 500;
export const MAX_LOT = 64;
export const MAX_DONOR = 200;

// ---- dates ------------------------------------------------------------------

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isYmd(s: string): boolean {
  const m = YMD.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Today's date (YYYY-MM-DD) in Asia/Shanghai, which is what "today" means for expiry. */
export function shanghaiDate(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export type ExpiryStatus = 'none' | 'expired' | 'soon' | 'ok';

/**
 * A lot's expiry against today: no date → none; before today → expired; today up to
 * `warnDays` ahead → soon (a lot is still usable on its expiry date); later → ok.
 */
export function expiryStatus(expiresOn: string | null | undefined, today: string, warnDays = EXPIRY_WARN_DAYS): ExpiryStatus {
  if (!expiresOn || !isYmd(expiresOn)) return 'none';
  const left = daysBetween(today, expiresOn);
  if (left < 0) return 'expired';
  return left <= warnDays ? 'soon' : 'ok';
}

// ---- readiness ----------------------------------------------------------------

export type ReadinessLevel = 'low' | 'mid' | 'high' | 'unknown';

export const READINESS_COLORS: Record<ReadinessLevel, string> = {
  low: '#c0392b',
  mid: '#e0a100',
  high: '#2e8b57',
  unknown: '#98a4ae',
};

/** red < 0.5 ≤ amber < 0.8 ≤ green; anything not a number is unknown (grey). */
export function readinessLevel(r: number | null | undefined): ReadinessLevel {
  if (r === null || r === undefined || typeof r !== 'number' || !Number.isFinite(r)) return 'unknown';
  if (r < 0.5) return 'low';
  if (r < 0.8) return 'mid';
  return 'high';
}

export function readinessColor(r: number | null | undefined): string {
  return READINESS_COLORS[readinessLevel(r)];
}

/** Share used of a capacity (0 when the capacity is unknown or zero). */
export function capacityShare(used: number | null | undefined, capacity: number | null | undefined): number {
  if (!capacity || !used || !Number.isFinite(used) || !Number.isFinite(capacity) || capacity <= 0) return 0;
  return used / capacity;
}

// ---- quantities -----------------------------------------------------------------

export type Parsed = { ok: true; value: number } | { ok: false; error: MsgKey };

/** Full-width digits and signs (typed with a Chinese IME) count as ASCII. */
export function normaliseDigits(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0D\u2212]/g, '-')
    .replace(/\uFF0B/g, '+')
    .replace(/\uFF0E/g, '.')
    .trim();
}

/**
 * Quantities are integers in the item's unit. `signed` (adjustments) allows a sign and
 * forbids zero; otherwise the value must be positive. Decimals get their own message.
 */
export function parseQuantity(raw: string, signed: boolean): Parsed {
  const s = normaliseDigits(raw);
  if (!s) return { ok: false, error: 'stock.err.quantityRequired' };
  if (/^[+-]?(\d+\.\d*|\.\d+)$/.test(s) || /^[+-]?\d+[eE][+-]?\d+$/.test(s)) return { ok: false, error: 'stock.err.quantityInteger' };
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, error: 'stock.err.quantityNumber' };
  const value = Number(s);
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_QUANTITY) return { ok: false, error: 'stock.err.quantityTooLarge' };
  if (signed) {
    if (value === 0) return { ok: false, error: 'stock.err.quantityNonZero' };
  } else if (value <= 0 || s.startsWith('-')) {
    return { ok: false, error: 'stock.err.quantityPositive' };
  }
  return { ok: true, value };
}

// ---- the movement form -------------------------------------------------------------

/** Raw values as typed in one of the four forms (unused fields are ''). */
export interface MovementInput {
  kind: MovementKind;
  item: string;
  quantity: string;
  lot: string;
  expires_on: string;
  source: string;
  donor: string;
  to_depot: string;
  reason: string;
  note: string;
}

export type MovementField = Exclude<keyof MovementInput, 'kind'>;
export const MOVEMENT_FIELDS: MovementField[] = ['item', 'quantity', 'lot', 'expires_on', 'source', 'donor', 'to_depot', 'reason', 'note'];

/** The request body of POST /depots/{id}/movements. */
export interface MovementBody {
  kind: MovementKind;
  item: string;
  quantity: number;
  lot?: string;
  expires_on?: string;
  source?: Source;
  donor?: string;
  to_depot?: number;
  reason?: AdjustReason;
  note?: string;
}

export interface ValidationContext {
  /** YYYY-MM-DD in Asia/Shanghai. */
  today: string;
  /** The depot the form belongs to. */
  depotId: number;
  /** Known item codes (the catalogue). */
  items: ReadonlySet<string>;
}

export type FieldErrors = Partial<Record<MovementField, MsgKey>>;

export interface Validation {
  errors: FieldErrors;
  /** Present exactly when there are no errors. */
  body?: MovementBody;
}

export function emptyInput(kind: MovementKind): MovementInput {
  return { kind, item: '', quantity: '', lot: '', expires_on: '', source: '', donor: '', to_depot: '', reason: '', note: '' };
}

/** Client-side checks that mirror the server's rules; the server stays the judge. */
export function validateMovement(input: MovementInput, ctx: ValidationContext): Validation {
  const errors: FieldErrors = {};
  const kind = input.kind;
  const item = input.item.trim();
  const lot = input.lot.trim();
  const note = input.note.trim();
  const body: Partial<MovementBody> = { kind };

  if (!item) errors.item = 'stock.err.itemRequired';
  else if (!ctx.items.has(item)) errors.item = 'stock.err.itemUnknown';
  else body.item = item;

  const q = parseQuantity(input.quantity, kind === 'adjustment');
  if (!q.ok) errors.quantity = q.error;
  else body.quantity = q.value;

  if (lot.length > MAX_LOT) errors.lot = 'stock.err.lotTooLong';
  else if (lot) body.lot = lot;

  if (note.length > MAX_NOTE) errors.note = 'stock.err.noteTooLong';
  else if (note) body.note = note;

  switch (kind) {
    case 'receipt': {
      const expires = input.expires_on.trim();
      if (expires) {
        if (!isYmd(expires)) errors.expires_on = 'stock.err.dateInvalid';
        else if (expires < ctx.today) errors.expires_on = 'stock.err.expiryPast';
        else body.expires_on = expires;
      }
      const source = input.source.trim();
      if (!source) errors.source = 'stock.err.sourceRequired';
      else if (!(SOURCES as readonly string[]).includes(source)) errors.source = 'stock.err.sourceRequired';
      else body.source = source as Source;
      const donor = input.donor.trim();
      if (source === 'donated') {
        if (!donor) errors.donor = 'stock.err.donorRequired';
        else if (donor.length > MAX_DONOR) errors.donor = 'stock.err.donorTooLong';
        else body.donor = donor;
      }
      break;
    }
    case 'issue':
      break;
    case 'transfer': {
      const to = input.to_depot.trim();
      if (!to) errors.to_depot = 'stock.err.toDepotRequired';
      else if (!/^\d+$/.test(to)) errors.to_depot = 'stock.err.toDepotRequired';
      else if (Number(to) === ctx.depotId) errors.to_depot = 'stock.err.toDepotSame';
      else body.to_depot = Number(to);
      break;
    }
    case 'adjustment': {
      const reason = input.reason.trim();
      if (!(ADJUST_REASONS as readonly string[]).includes(reason)) errors.reason = 'stock.err.reasonRequired';
      else body.reason = reason as AdjustReason;
      if (q.ok && q.value > 0 && !lot && !errors.lot) errors.lot = 'stock.err.lotRequiredForIncrease';
      break;
    }
  }

  if (Object.keys(errors).length) return { errors };
  return { errors, body: body as MovementBody };
}

/**
 * Which form field a server error detail points at: `quantity`, `body.quantity`,
 * `lines[0].lot` → the last path segment, without an index; null when no such field.
 */
export function fieldOfDetail(field: unknown): MovementField | null {
  if (typeof field !== 'string' || !field) return null;
  const last = field.split('.').pop()!.replace(/\[\d+\]$/, '');
  return (MOVEMENT_FIELDS as string[]).includes(last) ? (last as MovementField) : null;
}

export interface ServerFieldError {
  field: MovementField | null;
  reason: string;
}

/** Read `details: [{field, reason}]` of a 422 answer; tolerant of anything else. */
export function serverFieldErrors(details: unknown): ServerFieldError[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is { field?: unknown; reason?: unknown; message?: unknown } => !!d && typeof d === 'object')
    .map((d) => ({
      field: fieldOfDetail(d.field),
      reason: typeof d.reason === 'string' ? d.reason : typeof d.message === 'string' ? d.message : '',
    }))
    .filter((d) => d.reason);
}

/** `details.available` of a 409 stock conflict, if present. */
export function conflictAvailable(details: unknown): number | null {
  const a = (details as { available?: unknown } | null)?.available;
  return typeof a === 'number' && Number.isFinite(a) ? a : null;
}

// ---- idempotency ----------------------------------------------------------------------

export interface PendingSubmission {
  key: string;
  body: string;
}

/**
 * One Idempotency-Key per form submission: a retry of the same body after a failure that
 * may not have reached the server (network error, 5xx) reuses the key; anything else gets
 * a fresh one.
 */
export function keyForSubmission(pending: PendingSubmission | null, body: string, fresh: () => string): PendingSubmission {
  if (pending && pending.body === body) return pending;
  return { key: fresh(), body };
}

/** After a failed POST: keep the key only when the outcome is unknown (network error or 5xx). */
export function keepKeyAfter(status: number): boolean {
  return status === 0 || status >= 500;
}

/** RFC 4122 version 4 UUID from 16 random bytes. */
export function uuidFromBytes(b: Uint8Array): string {
  const x = Array.from(b.slice(0, 16));
  x[6] = (x[6] & 0x0f) | 0x40;
  x[8] = (x[8] & 0x3f) | 0x80;
  const hex = x.map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere. */
export function newUuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return uuidFromBytes(b);
}

// ---- ledger display -------------------------------------------------------------------

/** Net on-hand change of a movement: the sum of its lines, else derived from kind and quantity. */
export function netChange(m: { kind: string; quantity: number; lines?: { on_hand_delta: number }[] | null }): number {
  if (m.lines && m.lines.length) return m.lines.reduce((s, l) => s + (Number(l.on_hand_delta) || 0), 0);
  if (m.kind === 'issue' || m.kind === 'transfer' || m.kind === 'transfer_out' || m.kind === 'dispatch') return -Math.abs(m.quantity);
  if (m.kind === 'reservation' || m.kind === 'release') return 0;
  if (m.kind === 'adjustment') return m.quantity;
  return Math.abs(m.quantity);
}

/** The file name of a Content-Disposition header (RFC 6266 / 5987), or the fallback. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  if (plain) return (plain[2] ?? plain[1]).trim() || fallback;
  return fallback;
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
