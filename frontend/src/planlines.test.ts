import { describe, expect, it } from 'vitest';
import { csvText, dispatchSummary, groupLines, itemTotals, lineDepots, pickList, sortLines, type LineNames } from './planlines';
import type { PlanLine } from './plans';

const line = (depot_id: number, area_code: string, item: string, quantity: number, travel_minutes = 60, late = false): PlanLine => ({
  depot_id,
  area_code,
  item,
  quantity,
  travel_minutes,
  late,
});

const names: LineNames = {
  depot: (id) => ({ 1: '市级库', 2: '县级库' })[id] ?? `#${id}`,
  area: (c) => ({ a: '甲镇', b: '乙镇', c: '丙镇' })[c] ?? c,
  item: (c) => ({ tent: '帐篷', quilt: '棉被' })[c] ?? c,
};

const LINES = [
  line(1, 'b', 'tent', 5, 90),
  line(2, 'a', 'quilt', 30, 30),
  line(1, 'a', 'quilt', 10, 120, true),
  line(1, 'a', 'tent', 2, 120, true),
  line(2, 'b', 'tent', 7, 45),
];

describe('plan lines', () => {
  it('sorts by a column both ways, ties by depot, destination, item', () => {
    const q = sortLines(LINES, { key: 'quantity', dir: -1 }, names).map((l) => l.quantity);
    expect(q).toEqual([30, 10, 7, 5, 2]);
    const travel = sortLines(LINES, { key: 'travel', dir: 1 }, names).map((l) => l.travel_minutes);
    expect(travel).toEqual([30, 45, 90, 120, 120]);
    // Names in pinyin order (市 shi < 县 xian), ties by destination (甲 jia < 乙 yi), then item (棉 mian < 帐 zhang).
    const byDepot = sortLines(LINES, { key: 'depot', dir: 1 }, names).map((l) => `${l.depot_id}${l.area_code}${l.item}`);
    expect(byDepot).toEqual(['1aquilt', '1atent', '1btent', '2aquilt', '2btent']);
    expect(sortLines(LINES, { key: 'depot', dir: -1 }, names).map((l) => l.depot_id)).toEqual([2, 2, 1, 1, 1]);
    expect(LINES[0].quantity).toBe(5); // the input is not reordered
  });

  it('groups by depot with subtotals per item', () => {
    const groups = groupLines(LINES, 'depot', { key: 'quantity', dir: -1 }, names);
    expect(groups.map((g) => g.key)).toEqual(['1', '2']);
    const city = groups.find((g) => g.key === '1')!;
    expect(city.name).toBe('市级库');
    expect(city.lines.map((l) => l.quantity)).toEqual([10, 5, 2]);
    expect([...city.subtotals]).toEqual([['quilt', 10], ['tent', 7]]);
    const county = groups.find((g) => g.key === '2')!;
    expect([...county.subtotals]).toEqual([['quilt', 30], ['tent', 7]]);
  });

  it('groups by destination', () => {
    const groups = groupLines(LINES, 'area', { key: 'quantity', dir: 1 }, names);
    expect(groups.map((g) => g.name)).toEqual(['甲镇', '乙镇']);
    const a = groups.find((g) => g.key === 'a')!;
    expect(a.lines).toHaveLength(3);
    expect(a.subtotals.get('quilt')).toBe(40);
    expect(a.subtotals.get('tent')).toBe(2);
  });

  it('totals per item', () => {
    expect(Object.fromEntries(itemTotals(LINES))).toEqual({ tent: 14, quilt: 40 });
    expect(itemTotals([]).size).toBe(0);
  });

  it('pick list of one depot: each item once, with its destinations', () => {
    const picks = pickList(LINES, 1, names);
    expect(picks.map((p) => [p.item, p.quantity])).toEqual([
      ['quilt', 10],
      ['tent', 7],
    ]);
    const tent = picks.find((p) => p.item === 'tent')!;
    expect(tent.destinations).toEqual([
      { area: 'a', quantity: 2 },
      { area: 'b', quantity: 5 },
    ]);
    expect(pickList(LINES, 9, names)).toEqual([]);
    expect(lineDepots(LINES, names)).toEqual([1, 2]);
  });

  it('what a dispatch sends: one shipment per depot and destination', () => {
    const all = dispatchSummary(LINES, null);
    expect(all.shipments).toBe(4);
    expect(all.lines).toBe(5);
    expect(Object.fromEntries(all.items)).toEqual({ tent: 14, quilt: 40 });
    const city = dispatchSummary(LINES, [1]);
    expect(city.shipments).toBe(2);
    expect(city.lines).toBe(3);
    expect(Object.fromEntries(city.items)).toEqual({ tent: 7, quilt: 10 });
    expect(dispatchSummary(LINES, []).shipments).toBe(0);
  });

  it('CSV: BOM, CRLF, quoting', () => {
    const text = csvText(['储备库', '数量'], [['市级库', 10], ['a,"b"', 2], ['line\nbreak', 0]]);
    expect(text.startsWith('\uFEFF储备库,数量\r\n')).toBe(true);
    expect(text).toContain('市级库,10\r\n');
    expect(text).toContain('"a,""b""",2\r\n');
    expect(text).toContain('"line\nbreak",0\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });
});
