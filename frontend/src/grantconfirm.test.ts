import { describe, expect, it } from 'vitest';
import { afterAnswer, areaText, isDangerous, matchLines, openObjections, publishPeriod } from './grantconfirm';

const lines = [
  { grant_id: 11, name: '张*明', id_number: '3604**********1234' },
  { grant_id: 12, name: '李*', id_number: '3604**********567X' },
  { grant_id: 113, name: '王*华', id_number: '3601**********1234' },
];

describe('matchLines', () => {
  it('finds lines by masked name, with or without the star', () => {
    expect(matchLines(lines, '张').map((l) => l.grant_id)).toEqual([11]);
    expect(matchLines(lines, '张*明').map((l) => l.grant_id)).toEqual([11]);
    expect(matchLines(lines, '张明').map((l) => l.grant_id)).toEqual([11]);
  });
  it('finds lines by the visible digits of the masked ID number', () => {
    expect(matchLines(lines, '1234').map((l) => l.grant_id)).toEqual([11, 113]);
    expect(matchLines(lines, '567x').map((l) => l.grant_id)).toEqual([12]);
    expect(matchLines(lines, '３６０１').map((l) => l.grant_id)).toEqual([113]);
    expect(matchLines(lines, '3604 1234').map((l) => l.grant_id)).toEqual([11]);
    expect(matchLines(lines, '3604**********1234').map((l) => l.grant_id)).toEqual([11]);
  });
  it('finds a line by its number and nothing for empty text', () => {
    expect(matchLines(lines, '12').map((l) => l.grant_id)).toEqual([12]);
    expect(matchLines(lines, '  ')).toEqual([]);
    expect(matchLines(lines, '赵')).toEqual([]);
  });
});

describe('afterAnswer', () => {
  const list = { households: 3, total_fen: 90_000, grants: [{ id: 1, amount_fen: 30_000 }, { id: 2, amount_fen: 60_000 }] };
  it('takes a withdrawn line off the count and the total', () => {
    expect(afterAnswer(list, 2, 'withdrawn')).toEqual({ households: 2, total_fen: 30_000 });
  });
  it('changes nothing when dismissed or when the objection names no line', () => {
    expect(afterAnswer(list, 2, 'dismissed')).toEqual({ households: 3, total_fen: 90_000 });
    expect(afterAnswer(list, null, 'withdrawn')).toEqual({ households: 3, total_fen: 90_000 });
  });
});

describe('the rest', () => {
  it('counts open objections and marks reject and cancel red', () => {
    expect(openObjections([{ status: 'open' }, { status: 'answered' }, { status: 'open' }])).toBe(2);
    expect(isDangerous('reject') && isDangerous('cancel') && !isDangerous('pay') && !isDangerous('approve')).toBe(true);
  });
  it('works out the disclosure a publish sets', () => {
    expect(publishPeriod('2024-07-01T08:00:00+08:00', 7)).toEqual({ start: '2024-07-01T00:00:00.000Z', end: '2024-07-08T00:00:00.000Z' });
    const now = new Date('2024-07-01T00:00:00Z');
    expect(publishPeriod(undefined, 1, now)?.end).toBe('2024-07-02T00:00:00.000Z');
    expect(publishPeriod('nonsense', 7)).toBeNull();
  });
});

describe('areaText', () => {
  it('names the area, with its code after the name', () => {
    expect(areaText('360425', '永修县', 'zh')).toBe('永修县（360425）');
    expect(areaText('360425', '永修县', 'en')).toBe('永修县 (360425)');
  });
  it('falls back to the code while no name is known', () => {
    expect(areaText('360425', undefined, 'zh')).toBe('360425');
    expect(areaText('360425', ' ', 'en')).toBe('360425');
    expect(areaText('360425', '360425', 'zh')).toBe('360425');
  });
});
