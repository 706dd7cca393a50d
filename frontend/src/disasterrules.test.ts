import { describe, expect, it } from 'vitest';
import {
  beijingLocalToUtc,
  changesNeedingExplanation,
  checkConsistency,
  choroplethBreaks,
  classOf,
  colorFor,
  differs,
  formatCompact,
  formatFigure,
  INDICATOR_GROUPS,
  INDICATORS,
  indicatorUnit,
  isFictional,
  legendClasses,
  LEVEL_COLORS,
  levelColor,
  levelColorExpression,
  levelLabel,
  levelTextColor,
  nextStatuses,
  NO_DATA,
  parseFigure,
  rampExpression,
  rampFor,
  RAMP,
  reportFieldOf,
  responseLabel,
  responsesText,
  roundNice,
  validateAssessment,
  validateReport,
  type ReportInput,
} from './disasterrules';
import { MESSAGES } from './i18n';

const input = (values: ReportInput['values'], extra: Partial<ReportInput> = {}): ReportInput => ({
  area_code: '360481001',
  stage: 'initial',
  values,
  description: '',
  explanation: '',
  ...extra,
});
const ctx = { hasInitial: false, previous: null, drought: false };
const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('indicators', () => {
  it('lists the 28 indicators of the API once, each in one form group', () => {
    expect(INDICATORS.length).toBe(28);
    const grouped = INDICATOR_GROUPS.flatMap((g) => g.indicators);
    expect([...grouped].sort()).toEqual([...INDICATORS].sort());
  });
  it('has a label in both languages for every indicator, unit and group', () => {
    for (const i of INDICATORS) {
      expect(MESSAGES.zh[`ind.${i}`]).toBeTruthy();
      expect(MESSAGES.en[`ind.${i}`]).toBeTruthy();
      expect(MESSAGES.zh[`unit.${indicatorUnit(i)}`]).toBeTruthy();
    }
    for (const g of INDICATOR_GROUPS) expect(MESSAGES.en[`indGroup.${g.group}`]).toBeTruthy();
  });
  it('knows the units', () => {
    expect(indicatorUnit('affected')).toBe('person');
    expect(indicatorUnit('collapsed_rooms')).toBe('room');
    expect(indicatorUnit('severe_households')).toBe('household');
    expect(indicatorUnit('crops_lost_ha')).toBe('ha');
    expect(indicatorUnit('loss_other_wan')).toBe('wan');
  });
});

describe('parseFigure', () => {
  it('blank is not reported; full-width digits and grouping commas are accepted', () => {
    expect(parseFigure('', 'affected')).toEqual({ ok: true, value: null });
    expect(parseFigure('  ', 'affected')).toEqual({ ok: true, value: null });
    expect(parseFigure('１２３', 'affected')).toEqual({ ok: true, value: 123 });
    expect(parseFigure('12,345', 'affected')).toEqual({ ok: true, value: 12345 });
    expect(parseFigure('0', 'dead')).toEqual({ ok: true, value: 0 });
  });
  it('people, rooms and households are whole numbers; hectares and 万元 two decimals', () => {
    expect(parseFigure('1.5', 'dead')).toEqual({ ok: false, error: { key: 'report.err.whole' } });
    expect(parseFigure('3.00', 'dead')).toEqual({ ok: true, value: 3 });
    expect(parseFigure('12.34', 'crops_lost_ha')).toEqual({ ok: true, value: 12.34 });
    expect(parseFigure('1.234', 'direct_loss_wan')).toEqual({ ok: false, error: { key: 'report.err.twoDecimals' } });
  });
  it('rejects negatives and words', () => {
    expect(parseFigure('-1', 'affected')).toEqual({ ok: false, error: { key: 'report.err.negative' } });
    expect(parseFigure('－3', 'affected')).toEqual({ ok: false, error: { key: 'report.err.negative' } });
    expect(parseFigure('abc', 'affected')).toEqual({ ok: false, error: { key: 'report.err.number' } });
    expect(parseFigure('1e5', 'affected')).toEqual({ ok: false, error: { key: 'report.err.number' } });
  });
});

describe('checkConsistency (mirrors the server)', () => {
  it('passes consistent figures', () => {
    expect(
      checkConsistency({
        affected: 100,
        dead: 1,
        missing: 1,
        relocated: 10,
        relocated_central: 4,
        relocated_dispersed: 6,
        crops_affected_ha: 10,
        crops_damaged_ha: 5.5,
        crops_lost_ha: 1.25,
        collapsed_rooms: 3,
        collapsed_households: 2,
        injured: 4,
        seriously_injured: 1,
        direct_loss_wan: 10.3,
        loss_housing_wan: 5.1,
        loss_other_wan: 5.2,
      }),
    ).toEqual([]);
  });
  it('relocated must equal central + dispersed when all three are given', () => {
    const p = checkConsistency({ relocated: 10, relocated_central: 3, relocated_dispersed: 4 });
    expect(p).toEqual([{ field: 'relocated', msg: { key: 'report.err.relocatedSum', params: { sum: '7' } } }]);
    expect(checkConsistency({ relocated: 10, relocated_central: 3 })).toEqual([]);
  });
  it('names each rule by the field the server names', () => {
    const p = checkConsistency({
      affected: 5,
      dead: 3,
      missing: 3,
      crops_lost_ha: 5,
      crops_damaged_ha: 3,
      crops_affected_ha: 2,
      injured: 1,
      seriously_injured: 2,
      collapsed_rooms: 1,
      collapsed_households: 2,
      severe_rooms: 1,
      severe_households: 2,
      general_rooms: 1,
      general_households: 2,
    });
    expect(fields(p)).toEqual(['crops_lost_ha', 'crops_damaged_ha', 'crops_lost_ha', 'seriously_injured', 'dead', 'collapsed_households', 'severe_households', 'general_households']);
  });
  it('sector losses: equal to the total when all six are given, at most the total otherwise, exact in hundredths', () => {
    expect(fields(checkConsistency({ direct_loss_wan: 10, loss_housing_wan: 8, loss_other_wan: 5 }))).toEqual(['direct_loss_wan']);
    expect(checkConsistency({ direct_loss_wan: 10, loss_housing_wan: 8 })).toEqual([]);
    const six = { loss_housing_wan: 0.1, loss_agriculture_wan: 0.2, loss_industry_wan: 0, loss_infrastructure_wan: 0, loss_public_services_wan: 0, loss_other_wan: 0 };
    expect(checkConsistency({ direct_loss_wan: 0.3, ...six })).toEqual([]); // 0.1 + 0.2 is 0.3 here
    expect(fields(checkConsistency({ direct_loss_wan: 0.4, ...six }))).toEqual(['direct_loss_wan']);
  });
});

describe('changesNeedingExplanation', () => {
  it('flags falls and rises beyond 3×, only for figures in both versions', () => {
    expect(changesNeedingExplanation({ affected: 90, dead: 1 }, { affected: 100 })).toEqual(['affected']);
    expect(changesNeedingExplanation({ affected: 301 }, { affected: 100 })).toEqual(['affected']);
    expect(changesNeedingExplanation({ affected: 300 }, { affected: 100 })).toEqual([]);
    expect(changesNeedingExplanation({ affected: 5 }, { affected: 0 })).toEqual([]);
    expect(changesNeedingExplanation({ affected: 5 }, null)).toEqual([]);
  });
});

describe('validateReport', () => {
  it('builds the request body from typed figures', () => {
    const v = validateReport(input({ affected: '1,200', relocated: '10', relocated_central: '4', relocated_dispersed: '6', crops_affected_ha: '12.5' }, { description: ' 村庄进水 ' }), ctx);
    expect(v.errors).toEqual({});
    expect(v.body).toEqual({
      area_code: '360481001',
      stage: 'initial',
      indicators: { affected: 1200, relocated: 10, relocated_central: 4, relocated_dispersed: 6, crops_affected_ha: 12.5 },
      description: '村庄进水',
    });
  });
  it('relocated ≠ central + dispersed gives no body and a message on relocated', () => {
    const v = validateReport(input({ relocated: '10', relocated_central: '3', relocated_dispersed: '4' }), ctx);
    expect(v.body).toBeUndefined();
    expect(v.errors.relocated?.key).toBe('report.err.relocatedSum');
  });
  it('updates and final reports need an initial report first; drought follow-ups need a drought', () => {
    expect(validateReport(input({ affected: '1' }, { stage: 'update' }), ctx).errors.stage?.key).toBe('report.err.initialFirst');
    expect(validateReport(input({ affected: '1' }, { stage: 'final' }), { ...ctx, hasInitial: true }).body?.stage).toBe('final');
    expect(validateReport(input({ affected: '1' }, { stage: 'drought_followup' }), { ...ctx, hasInitial: true }).errors.stage?.key).toBe('report.err.droughtOnly');
  });
  it('asks for an explanation when a figure fell since the previous version', () => {
    const prev = { ...ctx, hasInitial: true, previous: { affected: 100 } };
    const v = validateReport(input({ affected: '90' }, { stage: 'update' }), prev);
    expect(v.needsExplanation).toEqual(['affected']);
    expect(v.errors.explanation?.key).toBe('report.err.explanationRequired');
    const ok = validateReport(input({ affected: '90' }, { stage: 'update', explanation: '重复统计已剔除' }), prev);
    expect(ok.body?.explanation).toBe('重复统计已剔除');
  });
  it('reports every problem at once: a typing error does not hide a rule', () => {
    const v = validateReport(input({ dead: '1.5', crops_damaged_ha: '10', crops_lost_ha: '20' }), ctx);
    expect(v.errors.dead?.key).toBe('report.err.whole');
    expect(v.errors.crops_lost_ha?.key).toBe('report.err.lostOverDamaged');
    expect(v.formError).toBeUndefined();
  });
  it('needs an area, at least one figure, and an unlocked area', () => {
    expect(validateReport(input({ affected: '1' }, { area_code: '' }), ctx).errors.area?.key).toBe('report.err.areaRequired');
    expect(validateReport(input({}), ctx).formError?.key).toBe('report.err.noFigures');
    expect(validateReport(input({ affected: '1' }), { ...ctx, locked: true }).formError?.key).toBe('report.err.locked');
  });
  it('maps the server field names to form fields', () => {
    expect(reportFieldOf('indicators.relocated')).toBe('relocated');
    expect(reportFieldOf('explanation')).toBe('explanation');
    expect(reportFieldOf('reasons.collapsed_rooms')).toBe('collapsed_rooms');
    expect(reportFieldOf('area_code')).toBe('area');
    expect(reportFieldOf('body')).toBeNull();
    expect(reportFieldOf(undefined)).toBeNull();
  });
});

describe('validateAssessment', () => {
  it('needs a reason for every verified value that differs from the report', () => {
    const v = validateAssessment([
      { indicator: 'collapsed_rooms', reported: 32, value: '39', reason: '' },
      { indicator: 'affected', reported: 54000, value: '54000', reason: '' },
      { indicator: 'dead', reported: undefined, value: '', reason: '' },
    ]);
    expect(v.body).toBeUndefined();
    expect(Object.keys(v.reasonErrors)).toEqual(['collapsed_rooms']);
    const ok = validateAssessment([
      { indicator: 'collapsed_rooms', reported: 32, value: '39', reason: '逐户核查' },
      { indicator: 'affected', reported: 54000, value: '54000', reason: 'ignored' },
    ]);
    expect(ok.body).toEqual({ indicators: { collapsed_rooms: 39, affected: 54000 }, reasons: { collapsed_rooms: '逐户核查' } });
  });
  it('keeps the overlay of reported and verified figures consistent', () => {
    const v = validateAssessment([
      { indicator: 'collapsed_rooms', reported: 10, value: '5', reason: '核减' },
      { indicator: 'collapsed_households', reported: 8, value: '', reason: '' },
    ]);
    expect(v.errors.collapsed_households?.key).toBe('report.err.householdsOverRooms');
  });
  it('differs compares in hundredths', () => {
    expect(differs('crops_lost_ha', 0.3, 0.1 + 0.2)).toBe(false);
    expect(differs('affected', 10, 11)).toBe(true);
    expect(differs('affected', undefined, 0)).toBe(true);
    expect(differs('affected', 10, undefined)).toBe(false);
  });
});

describe('response levels', () => {
  it('Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue, none grey', () => {
    expect(levelColor(1)).toBe(LEVEL_COLORS[1]);
    expect(levelColor(4)).toBe(LEVEL_COLORS[4]);
    expect(levelColor(null)).toBe(LEVEL_COLORS.none);
    expect(levelColor(7)).toBe(LEVEL_COLORS.none);
    expect(new Set([1, 2, 3, 4, 'none'].map((l) => LEVEL_COLORS[l as 1]))).toHaveProperty('size', 5);
    expect(levelTextColor(1)).toBe('#ffffff');
    expect(levelTextColor(3)).not.toBe('#ffffff');
  });
  it('labels in Chinese numerals and English', () => {
    expect(levelLabel(1, 'zh')).toBe('Ⅰ级');
    expect(levelLabel(4, 'zh')).toBe('Ⅳ级');
    expect(levelLabel(null, 'zh')).toBe('未启动');
    expect(levelLabel(2, 'en')).toBe('Level II');
    expect(responseLabel(3, 'zh')).toBe('Ⅲ级响应');
    expect(responseLabel(null, 'en')).toBe('No response');
  });
  it('keeps each authority\'s response apart, most senior first', () => {
    const responses = [
      { authority: 'national' as const, level: 4, areas: ['360000'] },
      { authority: 'provincial' as const, level: 2, areas: ['360400', '360404'] },
      { authority: 'city' as const, level: 1, areas: ['360400'] },
    ];
    const zh = (key: string, vars?: Record<string, string | number>) =>
      (MESSAGES.zh[key as keyof typeof MESSAGES.zh] as string).replace('{n}', String(vars?.n ?? ''));
    const en = (key: string, vars?: Record<string, string | number>) =>
      (MESSAGES.en[key as keyof typeof MESSAGES.en] as string).replace('{n}', String(vars?.n ?? ''));
    expect(responsesText(responses, 'zh', zh)).toBe('国家 Ⅳ级 · 省级 Ⅱ级（2地） · 市级 Ⅰ级');
    expect(responsesText(responses, 'en', en)).toBe('National Level IV · Provincial Level II (2 areas) · City Level I');
  });
  it('the map expression matches the colours', () => {
    expect(levelColorExpression('lvl')).toEqual(['match', ['to-number', ['get', 'lvl'], 0], 1, LEVEL_COLORS[1], 2, LEVEL_COLORS[2], 3, LEVEL_COLORS[3], 4, LEVEL_COLORS[4], LEVEL_COLORS.none]);
  });
});

describe('choropleth breaks', () => {
  it('rounds to two significant digits', () => {
    expect(roundNice(12345)).toBe(12000);
    expect(roundNice(0.0456)).toBe(0.046);
    expect(roundNice(78000)).toBe(78000);
    expect(roundNice(0)).toBe(0);
  });
  it('quantile breaks: increasing, inside (min, max], at most classes − 1', () => {
    const values = [78000, 180000, 120000, 72000, 46800, 72000, null, undefined];
    const b = choroplethBreaks(values, 5, true);
    expect(b.length).toBeLessThanOrEqual(4);
    expect(b.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    expect(b[0]).toBeGreaterThan(46800);
    expect(b[b.length - 1]).toBeLessThanOrEqual(180000);
    expect(choroplethBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, true)).toEqual([3, 5, 6, 8]);
  });
  it('too few distinct values: no breaks; whole numbers for counts', () => {
    expect(choroplethBreaks([], 5)).toEqual([]);
    expect(choroplethBreaks([5], 5)).toEqual([]);
    expect(choroplethBreaks([3, 3, 3], 5)).toEqual([]);
    expect(choroplethBreaks([0, 0, 7], 5)).toEqual([]);
    expect(choroplethBreaks([1, 2], 5, true)).toEqual([2]);
    expect(choroplethBreaks([0.5, 1.26, 2], 5).every((x) => x > 0.5)).toBe(true);
  });
  it('classes and colours: light to dark, grey without figures', () => {
    const b = [10, 20, 30];
    expect(classOf(5, b)).toBe(0);
    expect(classOf(10, b)).toBe(1);
    expect(classOf(35, b)).toBe(3);
    expect(rampFor(5)).toEqual([...RAMP]);
    expect(rampFor(2)).toEqual([RAMP[0], RAMP[4]]);
    expect(colorFor(35, b)).toBe(RAMP[4]);
    expect(colorFor(undefined, b)).toBe(NO_DATA);
    expect(legendClasses(b)).toEqual([
      { color: RAMP[0], from: 0, to: 10 },
      { color: rampFor(4)[1], from: 10, to: 20 },
      { color: rampFor(4)[2], from: 20, to: 30 },
      { color: RAMP[4], from: 30, to: null },
    ]);
    const expr = rampExpression('fig_affected', b) as unknown[];
    expect(expr[0]).toBe('case');
    expect(expr[1]).toEqual(['has', 'fig_affected']);
    expect((expr[2] as unknown[])[0]).toBe('step');
    expect(expr[3]).toBe(NO_DATA);
  });
});

describe('formatting and events', () => {
  it('figures and compact numbers', () => {
    expect(formatFigure(1234567, 'affected', 'zh')).toBe('1,234,567');
    expect(formatFigure(1234.5, 'crops_lost_ha', 'en')).toBe('1,234.5');
    expect(formatFigure(undefined, 'affected', 'en')).toBe('—');
    expect(formatCompact(45000, 'zh')).toBe('4.5万');
    expect(formatCompact(180000, 'zh')).toBe('18万');
    expect(formatCompact(45000, 'en')).toBe('45k');
    expect(formatCompact(950, 'zh')).toBe('950');
  });
  it('status changes and fictional events', () => {
    expect(nextStatuses('active')).toEqual(['stabilised', 'closed']);
    expect(nextStatuses('closed')).toEqual(['active']);
    expect(isFictional({ name: 'x', description: '虚构的演示场景' })).toBe(true);
    expect(isFictional({ name: 'Fictional flood', description: null })).toBe(true);
    expect(isFictional({ name: '洪涝', description: '真实' })).toBe(false);
  });
  it('Beijing local time to UTC', () => {
    expect(beijingLocalToUtc('2026-07-01T08:30')).toBe('2026-07-01T00:30:00Z');
    expect(beijingLocalToUtc('2026-07-01T03:00')).toBe('2026-06-30T19:00:00Z');
    expect(beijingLocalToUtc('2026-02-30T03:00')).toBeNull();
    expect(beijingLocalToUtc('')).toBeNull();
  });
});
