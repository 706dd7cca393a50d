// Pure rules of the stock screens: movement form validation (mirroring the server's
// rules), readiness colours, expiry classes, the ledger's net change. No DOM, no fetch,
// so all of it is unit-tested in Node.
import { daysBetween, isYmd } from './dates';
import type { MsgKey } from './i18n';
import type { Narrows, Schemas } from './schemas';
import { normaliseDigits } from './util';

export const MOVEMENT_KINDS = ['receipt', 'issue', 'transfer', 'adjustment'] as const;
export type MovementKind = Narrows<Schemas['RequestKind'], (typeof MOVEMENT_KINDS)[number]>;

export const SOURCES = ['procured', 'donated', 'agreement'] as const;
export type Source = Narrows<Schemas['Source'], (typeof SOURCES)[number]>;

export const ADJUST_REASONS = ['count', 'damaged', 'expired', 'lost', 'found'] as const;
export type AdjustReason = Narrows<Schemas['AdjustmentReason'], (typeof ADJUST_REASONS)[number]>;

export const TIERS = ['central', 'provincial', 'city', 'county', 'township'] as const satisfies readonly Schemas['Tier'][];
/** The aid types stock is held for (reconstruction is funds only). */
export const AID_TYPES = ['emergency', 'transitional', 'winter_spring'] as const;
export type AidType = Narrows<Schemas['AidType'], (typeof AID_TYPES)[number]>;

/** Lots expiring within this many days are highlighted. */
export const EXPIRY_WARN_DAYS = 90;
/** Largest quantity the form accepts (the server stores 64-bit integers; this is a sanity bound). */
export const MAX_QUANTITY = 1_000_000_000;
export const MAX_NOTE = 500;
export const MAX_LOT = 64;
export const MAX_DONOR = 200;

// ---- expiry ------------------------------------------------------------------

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
export type MovementBody = Schemas['MovementRequest'];

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

/** The movement form field a server error detail names (see `detailField`), or null. */
export function movementField(field: string | null): MovementField | null {
  return field && (MOVEMENT_FIELDS as string[]).includes(field) ? (field as MovementField) : null;
}

/** `details.available` of a 409 stock conflict, if present. */
export function conflictAvailable(details: unknown): number | null {
  const a = (details as { available?: unknown } | null)?.available;
  return typeof a === 'number' && Number.isFinite(a) ? a : null;
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

