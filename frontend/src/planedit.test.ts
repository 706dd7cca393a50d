import { describe, expect, it } from 'vitest';
import { checkEdit, editBody, editLimits, editSummary, parseQuantity, remainingNeed, removedLines, serverProblems, startEdit, type EditLine } from './planedit';
import type { Plan, PlanLine } from './plans';

const line = (depot_id: number, area_code: string, item: string, quantity: number, travel_minutes = 60): PlanLine => ({ depot_id, area_code, item, quantity, travel_minutes, late: false });

const LINES = [line(1, 'a', 'tent', 10), line(1, 'b', 'tent', 5), line(2, 'a', 'quilt', 30), line(2, 'b', 'quilt', 20)];
const fill = (area_code: string, item: string, demand: number) => ({ area_code, item, demand, allocated: 0, fill_rate: 0, tier: 1 });
const PLAN: Pick<Plan, 'areas' | 'bottlenecks' | 'lines' | 'reserve_floor'> = {
  lines: LINES,
  areas: [fill('a', 'tent', 12), fill('b', 'tent', 5), fill('a', 'quilt', 40), fill('b', 'quilt', 20)],
  // Depot 1 gave all its tents (15) and held 3 back under the floor; depot 2 had quilts left.
  bottlenecks: [{ depot_id: 1, item: 'tent' }],
  reserve_floor: { percent: 30, held: [{ depot_id: 1, depot_name: '市级库', item: 'tent', quantity: 3 }] },
};

const typed = (lines: EditLine[], key: string, text: string) => lines.map((l) => (l.key === key ? { ...l, text } : l));
const kinds = (m: Map<string, { kind: string }[]>) => Object.fromEntries([...m].map(([k, ps]) => [k, ps.map((p) => p.kind)]));

describe('plan line editing', () => {
  it('reads whole positive quantities, thousands separators allowed', () => {
    expect(parseQuantity(' 12 ')).toBe(12);
    expect(parseQuantity('1,200')).toBe(1200);
    for (const bad of ['', '0', '-3', '2.5', '1e3', 'abc', '9'.repeat(20)]) expect(parseQuantity(bad)).toBeNull();
  });

  it('the limits: the need per area and item; what a bottleneck depot had (its lines and what the floor held)', () => {
    const limits = editLimits(PLAN);
    expect(limits.need.get('a\u0000tent')).toBe(12);
    expect([...limits.available]).toEqual([['1\u0000tent', 18]]);
  });

  it('an unchanged plan passes; bad quantities, too much for an area or from a depot, and repeated lines are named', () => {
    const limits = editLimits(PLAN);
    const lines = startEdit(LINES);
    expect(checkEdit(lines, limits).size).toBe(0);
    expect(kinds(checkEdit(typed(lines, 'o0', '0'), limits))).toEqual({ o0: ['quantity'] });
    expect(kinds(checkEdit(typed(lines, 'o2', '3.5'), limits))).toEqual({ o2: ['quantity'] });
    // Area a needs 12 tents: 13 is one too many, and the line says so with the figures.
    const over = checkEdit(typed(lines, 'o0', '13'), limits);
    expect(over.get('o0')).toEqual([{ kind: 'overNeed', need: 12, total: 13 }]);
    expect(over.has('o1')).toBe(false);
    // Depot 1 has 18 tents: area b's line raised to 9 would take 10 + 9 = 19 (b needs only 5, so both rules speak).
    const stock = checkEdit(typed(lines, 'o1', '9'), limits);
    expect(stock.get('o0')).toEqual([{ kind: 'overStock', available: 18, total: 19 }]);
    expect(kinds(stock)).toEqual({ o0: ['overStock'], o1: ['overNeed', 'overStock'] });
    // Depot 2's stock is not known: more quilts are the server's to check.
    expect(checkEdit(typed(lines, 'o3', '20'), limits).size).toBe(0);
    // The same depot, area and item twice; an area and item the plan has no demand for.
    const twice: EditLine = { ...lines[0], key: 'n1', text: '1', original: null };
    expect(kinds(checkEdit([...typed(lines, 'o0', '5'), twice], limits))).toEqual({ n1: ['duplicate'] });
    const stray: EditLine = { ...lines[0], key: 'n2', area_code: 'z', text: '1', original: null };
    expect(kinds(checkEdit([...lines, stray], limits))).toEqual({ n2: ['noDemand'] });
  });

  it('the body is the complete new set of lines, in the order shown', () => {
    let lines = startEdit(LINES);
    lines = typed(lines, 'o0', '8').filter((l) => l.key !== 'o1');
    lines.push({ key: 'n1', depot_id: 2, area_code: 'a', item: 'tent', text: '2', original: null, travel_minutes: 0, late: false });
    expect(editBody(lines)).toEqual({
      lines: [
        { depot_id: 1, area_code: 'a', item: 'tent', quantity: 8 },
        { depot_id: 2, area_code: 'a', item: 'quilt', quantity: 30 },
        { depot_id: 2, area_code: 'b', item: 'quilt', quantity: 20 },
        { depot_id: 2, area_code: 'a', item: 'tent', quantity: 2 },
      ],
    });
    expect(removedLines(LINES, lines)).toEqual([LINES[1]]);
  });

  it('the summary counts the lines changed and the totals before and after', () => {
    const lines = startEdit(LINES);
    expect(editSummary(LINES, lines)).toEqual({ modified: 0, added: 0, removed: 0, changed: 0, before: 65, after: 65 });
    const edited = [...typed(lines, 'o0', '8').filter((l) => l.key !== 'o1'), { ...lines[0], key: 'n1', depot_id: 2, text: '2', original: null }];
    expect(editSummary(LINES, edited)).toEqual({ modified: 1, added: 1, removed: 1, changed: 3, before: 65, after: 60 });
    // Typing the same number back is no change.
    expect(editSummary(LINES, typed(lines, 'o0', '10')).changed).toBe(0);
  });

  it('a new line is offered what the area still needs', () => {
    const limits = editLimits(PLAN);
    const lines = startEdit(LINES);
    expect(remainingNeed(lines, limits, 'a', 'tent')).toBe(2);
    expect(remainingNeed(lines, limits, 'b', 'tent')).toBe(0);
    expect(remainingNeed(typed(lines, 'o2', '25'), limits, 'a', 'quilt')).toBe(15);
  });

  it('reads a 422 back onto the lines sent: by index, and the whole-set refusals by depot or area and item', () => {
    const sent = typed(startEdit(LINES), 'o0', '13').filter((l) => l.key !== 'o1');
    const got = serverProblems(
      [
        { field: 'lines[1].quantity', reason: 'must be a positive whole number', refusal: 'positive_whole' },
        { field: 'lines', reason: 'a needs 12 tent, the lines send 13', refusal: 'plan_over_need', params: { area: 'a', demand: 12, item: 'tent', quantity: 13 } },
        { field: 'lines', reason: 'depot 2 has 45 quilt available, the lines take 50', refusal: 'plan_over_stock', params: { depot: 2, available: 45, item: 'quilt', quantity: 50 } },
        { field: 'lines', reason: 'something else entirely' },
        { field: 'lines[9].depot_id', reason: 'depot 9 is unknown', refusal: 'plan_depot_unusable', params: { depot: 9 } },
        { field: 'lines[2].quantity', reason: 'b needs 5 tent, the lines send 9', refusal: 'plan_over_need', params: { area: 'b', demand: 5, item: 'tent', quantity: 9 } },
      ],
      sent,
    );
    expect(got.byKey.get('o0')).toEqual([{ kind: 'overNeed', need: 12, total: 13 }]);
    expect(got.byKey.get('o2')).toEqual([
      { kind: 'server', reason: '请填写正整数' },
      { kind: 'overStock', available: 45, total: 50 },
    ]);
    expect(got.byKey.get('o3')).toEqual([{ kind: 'overStock', available: 45, total: 50 }, { kind: 'overNeed', need: 5, total: 9 }]);
    // Without a code, Chinese says only that the field was not accepted (never the English).
    expect(got.other).toEqual(['此项未被接受，请检查后重填', '调出库 9 不存在、未启用或不在您的范围内']);
    expect(serverProblems(null, sent)).toEqual({ byKey: new Map(), other: [] });
  });
});
