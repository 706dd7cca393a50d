import { describe, expect, it } from 'vitest';
import { areaChoices, filterItems, isFiltering, listItem, pageSlice, PAGE_SIZE, searchTerms, totals, townshipKey, type ListItem } from './listview';

interface Row {
  id: number;
  name: string;
  idNumber: string;
  reason: string;
  code: string;
  fen: number;
}

const TOWNS: Record<string, string> = { '360402001': '十里街道', '360425100': '涂埠镇', '360425101': '吴城镇' };

const rows: Row[] = [
  { id: 1, name: '张*明', idNumber: '3604**********1234', reason: '房屋倒塌', code: '360402001', fen: 200_000 },
  { id: 2, name: '李*', idNumber: '3604**********567X', reason: '房屋严重损坏', code: '360425100', fen: 150_000 },
  { id: 3, name: '王*华', idNumber: '3601**********1234', reason: '因灾受伤', code: '360425100123', fen: 50_000 },
  { id: 4, name: 'Zhang*Wei', idNumber: '3604**********0001', reason: 'House collapsed', code: '360425101', fen: 100_000 },
];

const items: Array<ListItem<Row>> = rows.map((r, i) =>
  listItem(r, i + 1, {
    area: townshipKey(r.code),
    areaName: TOWNS[townshipKey(r.code)] ?? r.code,
    amount_fen: r.fen,
    texts: [r.name, r.idNumber, r.reason, TOWNS[townshipKey(r.code)], r.code],
  }),
);
const ids = (xs: Array<ListItem<Row>>) => xs.map((x) => x.row.id);

describe('filterItems: the search box', () => {
  it('finds nothing filtered out for an empty or blank search', () => {
    expect(ids(filterItems(items, { q: '', area: '' }))).toEqual([1, 2, 3, 4]);
    expect(ids(filterItems(items, { q: '   ', area: '' }))).toEqual([1, 2, 3, 4]);
    expect(isFiltering({ q: '  ', area: '' })).toBe(false);
    expect(isFiltering({ q: '张', area: '' })).toBe(true);
    expect(isFiltering({ q: '', area: '360425100' })).toBe(true);
  });
  it('matches the masked name, with or without its star, trimmed and in any case', () => {
    expect(ids(filterItems(items, { q: ' 张 ', area: '' }))).toEqual([1]);
    expect(ids(filterItems(items, { q: '张*明', area: '' }))).toEqual([1]);
    expect(ids(filterItems(items, { q: '张明', area: '' }))).toEqual([1]);
    expect(ids(filterItems(items, { q: 'zhang', area: '' }))).toEqual([4]);
    expect(ids(filterItems(items, { q: 'ZHANGWEI', area: '' }))).toEqual([4]);
  });
  it('matches the masked ID number: its visible digits, a lower-case x, full-width digits', () => {
    expect(ids(filterItems(items, { q: '1234', area: '' }))).toEqual([1, 3]);
    expect(ids(filterItems(items, { q: '567x', area: '' }))).toEqual([2]);
    expect(ids(filterItems(items, { q: '３６０１', area: '' }))).toEqual([3]);
    expect(ids(filterItems(items, { q: '3604**********1234', area: '' }))).toEqual([1]);
  });
  it('matches the reason and the area name or code; every word must match', () => {
    expect(ids(filterItems(items, { q: '房屋', area: '' }))).toEqual([1, 2]);
    expect(ids(filterItems(items, { q: 'house', area: '' }))).toEqual([4]);
    expect(ids(filterItems(items, { q: '涂埠', area: '' }))).toEqual([2, 3]);
    expect(ids(filterItems(items, { q: '360425100123', area: '' }))).toEqual([3]);
    expect(ids(filterItems(items, { q: '涂埠 受伤', area: '' }))).toEqual([3]);
    expect(ids(filterItems(items, { q: '赵', area: '' }))).toEqual([]);
  });
  it('ignores a search of stars only', () => {
    expect(searchTerms(' *** ')).toEqual([]);
    expect(searchTerms('张*明  1234')).toEqual(['张明', '1234']);
  });
});

describe('filterItems: the area filter', () => {
  it('keeps the lines of one township, a village under it included', () => {
    expect(ids(filterItems(items, { q: '', area: '360425100' }))).toEqual([2, 3]);
    expect(ids(filterItems(items, { q: '1234', area: '360425100' }))).toEqual([3]);
    expect(ids(filterItems(items, { q: '', area: '999999999' }))).toEqual([]);
  });
  it('offers the areas present, by name, with counts, in code order', () => {
    expect(areaChoices(items)).toEqual([
      { key: '360402001', name: '十里街道', count: 1 },
      { key: '360425100', name: '涂埠镇', count: 2 },
      { key: '360425101', name: '吴城镇', count: 1 },
    ]);
    expect(areaChoices([])).toEqual([]);
  });
  it('takes a village code to its township', () => {
    expect(townshipKey('360425100123')).toBe('360425100');
    expect(townshipKey('360425100')).toBe('360425100');
    expect(townshipKey('360425')).toBe('360425');
  });
});

describe('pageSlice', () => {
  it('pages 50 lines at a time by default', () => {
    expect(PAGE_SIZE).toBe(50);
    expect(pageSlice(2550, 1)).toEqual({ page: 1, pages: 51, start: 0, end: 50 });
    expect(pageSlice(2550, 51)).toEqual({ page: 51, pages: 51, start: 2500, end: 2550 });
    expect(pageSlice(120, 3)).toEqual({ page: 3, pages: 3, start: 100, end: 120 });
  });
  it('clamps the page to those there are, and has one page for no lines', () => {
    expect(pageSlice(120, 9)).toEqual({ page: 3, pages: 3, start: 100, end: 120 });
    expect(pageSlice(120, 0)).toEqual({ page: 1, pages: 3, start: 0, end: 50 });
    expect(pageSlice(120, Number.NaN)).toEqual({ page: 1, pages: 3, start: 0, end: 50 });
    expect(pageSlice(0, 4)).toEqual({ page: 1, pages: 1, start: 0, end: 0 });
    expect(pageSlice(50, 2)).toEqual({ page: 1, pages: 1, start: 0, end: 50 });
    expect(pageSlice(51, 2)).toEqual({ page: 2, pages: 2, start: 50, end: 51 });
  });
  it('takes another page size', () => {
    expect(pageSlice(25, 2, 10)).toEqual({ page: 2, pages: 3, start: 10, end: 20 });
    expect(pageSlice(25, 1, 0)).toEqual({ page: 1, pages: 1, start: 0, end: 25 });
  });
});

describe('totals', () => {
  it('counts the households and adds the amounts of the filtered lines', () => {
    expect(totals(items)).toEqual({ households: 4, total_fen: 500_000 });
    expect(totals(filterItems(items, { q: '', area: '360425100' }))).toEqual({ households: 2, total_fen: 200_000 });
    expect(totals([])).toEqual({ households: 0, total_fen: 0 });
  });
});
