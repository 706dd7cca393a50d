import { describe, expect, it } from 'vitest';
import { formatStandard, parseStandardInput, splitGroup, standardChanges, standardInputValue, thresholdErrorRow, thresholdInputs, thresholdTable, type Standard, type Threshold } from './admin';

describe('standard values', () => {
  it('shows money in yuan and shares in percent in the input', () => {
    expect(standardInputValue(30000, 'fen_per_person')).toBe('300');
    expect(standardInputValue(2050, 'fen_per_person_day')).toBe('20.5');
    expect(standardInputValue(7000, 'basis_points')).toBe('70');
    expect(standardInputValue(90, 'days')).toBe('90');
  });
  it('reads yuan, percent and days back, full-width digits and separators too', () => {
    expect(parseStandardInput('300', 'fen_per_person')).toBe(30000);
    expect(parseStandardInput('１,２00.5', 'fen_per_household')).toBe(120050);
    expect(parseStandardInput('12.5%', 'basis_points')).toBe(1250);
    expect(parseStandardInput('90', 'days')).toBe(90);
    expect(parseStandardInput('-5', 'fen_per_person')).toBe(-500);
  });
  it('refuses what is not a number, three decimals, and fractional days', () => {
    expect(parseStandardInput('abc', 'fen_per_person')).toBeNull();
    expect(parseStandardInput('', 'fen_per_person')).toBeNull();
    expect(parseStandardInput('1.234', 'fen_per_person')).toBeNull();
    expect(parseStandardInput('1.5', 'days')).toBeNull();
  });
  it('formats each unit', () => {
    expect(formatStandard(30000, 'fen_per_person', 'zh')).toBe('¥300.00');
    expect(formatStandard(1250, 'basis_points', 'en')).toBe('12.5%');
    expect(formatStandard(7000, 'basis_points', 'zh')).toBe('70%');
    expect(formatStandard(90, 'days', 'en')).toBe('90');
  });
  it('sends only the changed standards', () => {
    const current = [
      { key: 'emergency_per_person', value: 30000, unit: 'fen_per_person', default: 30000, source: '' },
      { key: 'transitional_days', value: 90, unit: 'days', default: 90, source: '' },
    ] as Standard[];
    expect(standardChanges(current, new Map([['emergency_per_person', 30000], ['transitional_days', 120]]))).toEqual([{ key: 'transitional_days', value: 120 }]);
  });
  it('knows the split a share belongs to', () => {
    expect(splitGroup('split_local_city')).toBe('split_local');
    expect(splitGroup('split_national_central')).toBe('split_national');
    expect(splitGroup('emergency_per_person')).toBeNull();
  });
});

describe('thresholds', () => {
  const rows: Threshold[] = [
    { admin_level: 'city', response_level: 1, criterion: 'dead_missing', lower_bound: 30 },
    { admin_level: 'city', response_level: 3, criterion: 'dead_missing', lower_bound: 5 },
    { admin_level: 'county', response_level: 2, criterion: 'collapsed_severe_rooms', lower_bound: 100 },
  ];
  it('lays one level out as criterion × Ⅰ–Ⅳ, with a row for every criterion known', () => {
    const table = thresholdTable(rows, 'city');
    expect([...table.keys()]).toEqual(['collapsed_severe_rooms', 'dead_missing']);
    expect(table.get('dead_missing')).toEqual([30, null, 5, null]);
    expect(table.get('collapsed_severe_rooms')).toEqual([null, null, null, null]);
  });
  it('turns the table back into the PUT body, leaving empty cells out', () => {
    expect(thresholdInputs(thresholdTable(rows, 'city'))).toEqual([
      { criterion: 'dead_missing', response_level: 1, lower_bound: 30 },
      { criterion: 'dead_missing', response_level: 3, lower_bound: 5 },
    ]);
  });
  it('reads the row a field error names', () => {
    expect(thresholdErrorRow('[3].lower_bound')).toBe(3);
    expect(thresholdErrorRow('body')).toBeNull();
    expect(thresholdErrorRow(null)).toBeNull();
  });
});
