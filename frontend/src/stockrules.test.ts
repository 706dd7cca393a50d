import { describe, expect, it } from 'vitest';
import {
  capacityShare,
  conflictAvailable,
  emptyInput,
  expiryStatus,
  movementField,
  netChange,
  parseQuantity,
  readinessColor,
  readinessLevel,
  READINESS_COLORS,
  validateMovement,
  type MovementInput,
  type MovementKind,
} from './stockrules';

const ctx = { today: '2026-11-29', depotId: 3, items: new Set(['QUILT', 'TENT-12']) };
const input = (kind: MovementKind, over: Partial<MovementInput> = {}): MovementInput => ({ ...emptyInput(kind), item: 'QUILT', quantity: '10', ...over });

describe('parseQuantity', () => {
  it('accepts positive integers, also typed with full-width digits', () => {
    expect(parseQuantity('10', false)).toEqual({ ok: true, value: 10 });
    expect(parseQuantity(' 007 ', false)).toEqual({ ok: true, value: 7 });
    expect(parseQuantity('１２', false)).toEqual({ ok: true, value: 12 });
  });
  it('rejects decimals with their own message', () => {
    expect(parseQuantity('2.5', false)).toEqual({ ok: false, error: 'stock.err.quantityInteger' });
    expect(parseQuantity('3.', false)).toEqual({ ok: false, error: 'stock.err.quantityInteger' });
    expect(parseQuantity('.5', true)).toEqual({ ok: false, error: 'stock.err.quantityInteger' });
    expect(parseQuantity('1e3', false)).toEqual({ ok: false, error: 'stock.err.quantityInteger' });
    expect(parseQuantity('２．５', false)).toEqual({ ok: false, error: 'stock.err.quantityInteger' });
  });
  it('rejects empty, text, zero and negatives where they do not belong', () => {
    expect(parseQuantity('', false)).toEqual({ ok: false, error: 'stock.err.quantityRequired' });
    expect(parseQuantity('ten', false)).toEqual({ ok: false, error: 'stock.err.quantityNumber' });
    expect(parseQuantity('1,000', false)).toEqual({ ok: false, error: 'stock.err.quantityNumber' });
    expect(parseQuantity('0', false)).toEqual({ ok: false, error: 'stock.err.quantityPositive' });
    expect(parseQuantity('-3', false)).toEqual({ ok: false, error: 'stock.err.quantityPositive' });
    expect(parseQuantity('-0', false)).toEqual({ ok: false, error: 'stock.err.quantityPositive' });
    expect(parseQuantity('99999999999', false)).toEqual({ ok: false, error: 'stock.err.quantityTooLarge' });
  });
  it('signed (adjustments): sign allowed, zero refused', () => {
    expect(parseQuantity('-3', true)).toEqual({ ok: true, value: -3 });
    expect(parseQuantity('+4', true)).toEqual({ ok: true, value: 4 });
    expect(parseQuantity('－２', true)).toEqual({ ok: true, value: -2 });
    expect(parseQuantity('0', true)).toEqual({ ok: false, error: 'stock.err.quantityNonZero' });
    expect(parseQuantity('-0', true)).toEqual({ ok: false, error: 'stock.err.quantityNonZero' });
  });
});

describe('validateMovement', () => {
  it('builds a receipt body with only the fields given', () => {
    const v = validateMovement(input('receipt', { source: 'procured', lot: ' L1 ', expires_on: '2027-01-01', note: '  ' }), ctx);
    expect(v.errors).toEqual({});
    expect(v.body).toEqual({ kind: 'receipt', item: 'QUILT', quantity: 10, lot: 'L1', expires_on: '2027-01-01', source: 'procured' });
  });
  it('receipt: source required, donor required when donated, expiry not in the past', () => {
    expect(validateMovement(input('receipt'), ctx).errors).toEqual({ source: 'stock.err.sourceRequired' });
    expect(validateMovement(input('receipt', { source: 'donated' }), ctx).errors).toEqual({ donor: 'stock.err.donorRequired' });
    expect(validateMovement(input('receipt', { source: 'donated', donor: '红十字会' }), ctx).body?.donor).toBe('红十字会');
    // a donor typed before switching to "procured" is not sent
    expect(validateMovement(input('receipt', { source: 'procured', donor: 'x' }), ctx).body?.donor).toBeUndefined();
    expect(validateMovement(input('receipt', { source: 'procured', expires_on: '2026-11-28' }), ctx).errors).toEqual({ expires_on: 'stock.err.expiryPast' });
    expect(validateMovement(input('receipt', { source: 'procured', expires_on: '2026-11-29' }), ctx).errors).toEqual({});
    expect(validateMovement(input('receipt', { source: 'procured', expires_on: '2026-02-30' }), ctx).errors).toEqual({ expires_on: 'stock.err.dateInvalid' });
  });
  it('item must be chosen and known; decimals are refused', () => {
    expect(validateMovement(input('issue', { item: '' }), ctx).errors.item).toBe('stock.err.itemRequired');
    expect(validateMovement(input('issue', { item: 'NOPE' }), ctx).errors.item).toBe('stock.err.itemUnknown');
    expect(validateMovement(input('issue', { quantity: '1.5' }), ctx).errors.quantity).toBe('stock.err.quantityInteger');
  });
  it('issue: lot optional (FEFO when omitted); no client check against availability', () => {
    expect(validateMovement(input('issue', { quantity: '999999' }), ctx).body).toEqual({ kind: 'issue', item: 'QUILT', quantity: 999999 });
    expect(validateMovement(input('issue', { lot: 'L2' }), ctx).body?.lot).toBe('L2');
  });
  it('transfer: a receiving depot other than this one', () => {
    expect(validateMovement(input('transfer'), ctx).errors).toEqual({ to_depot: 'stock.err.toDepotRequired' });
    expect(validateMovement(input('transfer', { to_depot: '3' }), ctx).errors).toEqual({ to_depot: 'stock.err.toDepotSame' });
    expect(validateMovement(input('transfer', { to_depot: '2' }), ctx).body).toEqual({ kind: 'transfer', item: 'QUILT', quantity: 10, to_depot: 2 });
  });
  it('adjustment: signed, non-zero, a reason, a lot when adding', () => {
    expect(validateMovement(input('adjustment', { quantity: '-2' }), ctx).errors).toEqual({ reason: 'stock.err.reasonRequired' });
    expect(validateMovement(input('adjustment', { quantity: '-2', reason: 'damaged' }), ctx).body).toEqual({ kind: 'adjustment', item: 'QUILT', quantity: -2, reason: 'damaged' });
    expect(validateMovement(input('adjustment', { quantity: '2', reason: 'found' }), ctx).errors).toEqual({ lot: 'stock.err.lotRequiredForIncrease' });
    expect(validateMovement(input('adjustment', { quantity: '2', reason: 'found', lot: 'L9' }), ctx).body?.lot).toBe('L9');
    expect(validateMovement(input('adjustment', { quantity: '0', reason: 'count' }), ctx).errors).toEqual({ quantity: 'stock.err.quantityNonZero' });
    expect(validateMovement(input('adjustment', { quantity: '1', reason: 'stolen' }), ctx).errors.reason).toBe('stock.err.reasonRequired');
  });
  it('length limits', () => {
    expect(validateMovement(input('issue', { note: 'x'.repeat(501) }), ctx).errors.note).toBe('stock.err.noteTooLong');
    expect(validateMovement(input('issue', { lot: 'x'.repeat(65) }), ctx).errors.lot).toBe('stock.err.lotTooLong');
  });
});

describe('server errors', () => {
  it('keeps the movement form fields among the named fields', () => {
    expect(movementField('quantity')).toBe('quantity');
    expect(movementField('expires_on')).toBe('expires_on');
    expect(movementField('depot_id')).toBeNull();
    expect(movementField(null)).toBeNull();
  });
  it('reads the availability of a 409 stock conflict tolerantly', () => {
    expect(conflictAvailable({ available: 7 })).toBe(7);
    expect(conflictAvailable(null)).toBeNull();
    expect(conflictAvailable({ available: '7' })).toBeNull();
  });
});

describe('expiry', () => {
  it('classifies lots by expiry', () => {
    const today = '2026-11-29';
    expect(expiryStatus(null, today)).toBe('none');
    expect(expiryStatus('garbage', today)).toBe('none');
    expect(expiryStatus('2026-11-28', today)).toBe('expired');
    expect(expiryStatus('2026-11-29', today)).toBe('soon');
    expect(expiryStatus('2027-02-27', today)).toBe('soon'); // 90 days
    expect(expiryStatus('2027-02-28', today)).toBe('ok'); // 91 days
    expect(expiryStatus('2026-12-10', today, 7)).toBe('ok');
  });
});

describe('readiness colour', () => {
  it('red below 50 %, amber below 80 %, green from 80 %', () => {
    expect(readinessLevel(0)).toBe('low');
    expect(readinessLevel(0.4999)).toBe('low');
    expect(readinessLevel(0.5)).toBe('mid');
    expect(readinessLevel(0.7999)).toBe('mid');
    expect(readinessLevel(0.8)).toBe('high');
    expect(readinessLevel(1.2)).toBe('high');
    expect(readinessLevel(null)).toBe('unknown');
    expect(readinessLevel(Number.NaN)).toBe('unknown');
    expect(readinessColor(0.3)).toBe(READINESS_COLORS.low);
    expect(readinessColor(0.9)).toBe(READINESS_COLORS.high);
  });
  it('capacity share', () => {
    expect(capacityShare(50, 200)).toBe(0.25);
    expect(capacityShare(10, 0)).toBe(0);
    expect(capacityShare(null, 100)).toBe(0);
  });
});

describe('ledger helpers', () => {
  it('net change from lines, else from the kind', () => {
    expect(netChange({ kind: 'issue', quantity: 3, lines: [{ on_hand_delta: -2 }, { on_hand_delta: -1 }] })).toBe(-3);
    expect(netChange({ kind: 'issue', quantity: 3, lines: [] })).toBe(-3);
    expect(netChange({ kind: 'receipt', quantity: 10 })).toBe(10);
    expect(netChange({ kind: 'adjustment', quantity: -4 })).toBe(-4);
    expect(netChange({ kind: 'transfer', quantity: 5, lines: null })).toBe(-5);
  });
});

describe('sortItems', async () => {
  const { sortItems } = await import('./stock');
  it('orders the catalogue by category, keeping the given order inside one', () => {
    const mk = (code: string, category: string) => ({ code, category }) as Parameters<typeof sortItems>[0][number];
    const sorted = sortItems([mk('mat', 'bedding_clothing'), mk('water', 'water'), mk('tent', 'shelter'), mk('quilt', 'bedding_clothing'), mk('x', 'weird')]);
    expect(sorted.map((i) => i.code)).toEqual(['tent', 'mat', 'quilt', 'water', 'x']);
  });
});
