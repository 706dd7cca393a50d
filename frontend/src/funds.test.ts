import { describe, expect, it } from 'vitest';
import { availableByLevel, sharePercent, yuanToFen, type FundPool } from './funds';

describe('funds helpers', () => {
  it('reads yuan as whole fen', () => {
    expect(yuanToFen('1,000.5')).toBe(100050);
    expect(yuanToFen('２００')).toBe(20000);
    expect(yuanToFen('¥ 12.34')).toBe(1234);
    expect(yuanToFen('0')).toBeNull();
    expect(yuanToFen('-5')).toBeNull();
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });
  it('shows shares and sums pools per level', () => {
    expect(sharePercent(7000)).toBe('70%');
    expect(sharePercent(1250)).toBe('12.5%');
    const pool = (source_level: FundPool['source_level'], available_fen: number) => ({ source_level, available_fen }) as FundPool;
    expect([...availableByLevel([pool('city', 5), pool('city', 7), pool('central', 1)])]).toEqual([['city', 12], ['central', 1]]);
  });
});
