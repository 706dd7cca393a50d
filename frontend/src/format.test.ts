import { describe, expect, it } from 'vitest';
import { formatDateTime, formatFen, formatInteger, formatPopulation } from './format';

describe('formatPopulation', () => {
  it('uses 万 in Chinese for large numbers', () => {
    expect(formatPopulation(1_234_567, 'zh')).toBe('123.5万');
    expect(formatPopulation(650_000, 'zh')).toBe('65万');
    expect(formatPopulation(9_999, 'zh')).toBe('9,999');
  });
  it('groups digits in English', () => {
    expect(formatPopulation(1_234_567, 'en')).toBe('1,234,567');
  });
  it('shows a dash for unknown', () => {
    expect(formatPopulation(null, 'zh')).toBe('—');
    expect(formatPopulation(undefined, 'en')).toBe('—');
    expect(formatPopulation(Number.NaN, 'en')).toBe('—');
  });
});

describe('formatInteger / formatFen', () => {
  it('formats integers', () => {
    expect(formatInteger(0, 'en')).toBe('0');
    expect(formatInteger(12345, 'zh')).toBe('12,345');
  });
  it('formats fen as yuan without floats', () => {
    expect(formatFen(123456789, 'zh')).toBe('¥1,234,567.89');
    expect(formatFen(5, 'en')).toBe('¥0.05');
    expect(formatFen(-250, 'en')).toBe('-¥2.50');
    expect(formatFen(1.5, 'en')).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('shows UTC timestamps in Asia/Shanghai', () => {
    expect(formatDateTime('2024-07-01T16:05:00Z', 'zh')).toBe('2024-07-02 00:05');
    expect(formatDateTime('2024-07-01T08:00:00+08:00', 'en')).toBe('2024-07-01 08:00');
  });
  it('tolerates bad input', () => {
    expect(formatDateTime('not a date', 'zh')).toBe('—');
    expect(formatDateTime(null, 'zh')).toBe('—');
  });
});
