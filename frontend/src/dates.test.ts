import { describe, expect, it } from 'vitest';
import { daysBetween, isYmd, shanghaiDate } from './dates';

describe('dates', () => {
  it('today in Shanghai', () => {
    expect(shanghaiDate(new Date('2026-11-29T15:59:00Z'))).toBe('2026-11-29');
    expect(shanghaiDate(new Date('2026-11-29T16:00:00Z'))).toBe('2026-11-30');
  });
  it('validates calendar dates', () => {
    expect(isYmd('2024-02-29')).toBe(true);
    expect(isYmd('2023-02-29')).toBe(false);
    expect(isYmd('2024-2-9')).toBe(false);
  });
  it('counts days', () => {
    expect(daysBetween('2026-11-29', '2026-12-24')).toBe(25);
    expect(daysBetween('2026-11-29', '2026-11-24')).toBe(-5);
  });
});
