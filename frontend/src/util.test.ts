import { describe, expect, it } from 'vitest';
import { normaliseDigits, sortByNumber } from './util';

describe('normaliseDigits', () => {
  it('reads full-width digits and signs as ASCII', () => {
    expect(normaliseDigits(' －１２．５ ')).toBe('-12.5');
    expect(normaliseDigits('＋3')).toBe('+3');
  });
});

describe('sortByNumber', () => {
  it('sorts by a number, unknowns last, stable', () => {
    const rows = [{ k: 0.5, n: 'a' }, { k: null, n: 'b' }, { k: 0.1, n: 'c' }, { k: 0.5, n: 'd' }];
    expect(sortByNumber(rows, (r) => r.k, 'asc').map((r) => r.n)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortByNumber(rows, (r) => r.k, 'desc').map((r) => r.n)).toEqual(['a', 'd', 'c', 'b']);
  });
});
