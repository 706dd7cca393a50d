import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatFen, formatInteger, formatPercent, formatPopulation, formatQuantity, formatSigned, formatVolume, formatWeight, unitLabel } from './format';

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

describe('stock formatting', () => {
  it('percentages: whole, one decimal below 10 %, tiny shares not shown as 0', () => {
    expect(formatPercent(0.856, 'zh')).toBe('86%');
    expect(formatPercent(1, 'en')).toBe('100%');
    expect(formatPercent(0.0056, 'zh')).toBe('0.6%');
    expect(formatPercent(0.05, 'zh')).toBe('5%');
    expect(formatPercent(0.0004, 'zh')).toBe('<0.1%');
    expect(formatPercent(0, 'zh')).toBe('0%');
    expect(formatPercent(null, 'zh')).toBe('—');
  });
  it('signed changes use a real minus sign', () => {
    expect(formatSigned(10, 'zh')).toBe('+10');
    expect(formatSigned(-1234, 'en')).toBe('\u22121,234');
    expect(formatSigned(0, 'en')).toBe('0');
  });
  it('volumes, units and quantities', () => {
    expect(formatVolume(699.14, 'zh')).toBe('699.1 m³');
    expect(formatVolume(2500, 'en')).toBe('2,500 m³');
    expect(formatWeight(6480, 'zh')).toBe('6.5 t');
    expect(formatWeight(12_000, 'en')).toBe('12 t');
    expect(formatWeight(820.25, 'en')).toBe('820.3 kg');
    expect(formatWeight(undefined, 'en')).toBe('—');
    expect(unitLabel('顶', 'zh')).toBe('顶');
    expect(unitLabel('顶', 'en')).toBe('pcs');
    expect(unitLabel('箱', 'en')).toBe('cases');
    expect(unitLabel('坨', 'en')).toBe('坨');
    expect(formatQuantity(1234, '床', 'zh')).toBe('1,234 床');
    expect(formatQuantity(null, '床', 'zh')).toBe('—');
  });
  it('calendar dates pass through', () => {
    expect(formatDate('2026-12-24')).toBe('2026-12-24');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('24/12/2026')).toBe('—');
  });
});
