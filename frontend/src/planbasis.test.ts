import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from './i18n';
import { areaScopes, demandBasisText, normDemand, normText, scopeCounts, scopeLines, type DemandBasis } from './planbasis';

afterEach(() => setLang('zh'));

const tents: DemandBasis = { indicator: 'relocated_central', persons: 300, norm: { basis: 'sheltered_household', per_thousand: 1000 } };
const food: DemandBasis = { indicator: 'needing_emergency_aid', persons: 1560, norm: { basis: 'person', per_thousand: 3000 } };
const bigTent: DemandBasis = { indicator: 'relocated_central', persons: 672, norm: { basis: 'sheltered_person', per_thousand: 10 } };
const bedsFromAll: DemandBasis = { indicator: 'relocated', persons: 500, norm: { basis: 'sheltered_person', per_thousand: 1000 } };

describe('demand basis in words', () => {
  it('counts households from the people in central shelters when the household size is known', () => {
    expect(demandBasisText(tents, { unit: '顶', personsPerHousehold: 3.15 })).toBe('集中安置 300人 → 96户 × 1顶/户');
    setLang('en');
    expect(demandBasisText(tents, { unit: '顶', personsPerHousehold: 3.15 })).toBe('In shelters: 300 people → 96 households × 1 per household');
  });
  it('states the people and the norm without the household size', () => {
    expect(demandBasisText(tents, { unit: '顶' })).toBe('集中安置 300人，按 1顶/户');
    setLang('en');
    expect(demandBasisText(tents, { unit: '顶' })).toBe('In shelters: 300 people, at 1 per household');
  });
  it('per-person norms, whole, fractional and one per many', () => {
    expect(demandBasisText(food, { unit: '份' })).toBe('需紧急生活救助 1,560人 × 3份/人');
    expect(demandBasisText(bigTent, { unit: '顶' })).toBe('集中安置 672人 × 1顶/100人');
    expect(normText({ basis: 'person', per_thousand: 1800 }, '桶')).toBe('1.8桶/人');
    expect(normText({ basis: 'household', per_thousand: 100 }, '顶')).toBe('1顶/10户');
    setLang('en');
    expect(demandBasisText(food, { unit: '份' })).toBe('Needing emergency aid: 1,560 people × 3 per person');
    expect(demandBasisText(bigTent, { unit: '顶' })).toBe('In shelters: 672 people × 1 per 100 people');
    expect(normText({ basis: 'person', per_thousand: 1800 }, '桶')).toBe('1.8 per person');
    expect(normText({ basis: 'household', per_thousand: 300 })).toBe('0.3 per household');
  });
  it('says when a shelter item was counted from everyone (no shelter split reported)', () => {
    expect(demandBasisText(bedsFromAll, { unit: '张' })).toBe('紧急转移安置 500人 × 1张/人（未报集中安置人数，按全部人数计）');
    setLang('en');
    expect(demandBasisText(bedsFromAll, { unit: '张' })).toBe('Relocated: 500 people × 1 per person (no central-shelter figure reported: everyone counted)');
  });
  it('names what earlier plans already cover when the demand is below the norm', () => {
    expect(normDemand(food)).toBe(4680);
    expect(normDemand(tents)).toBeNull();
    expect(normDemand(tents, 3.15)).toBe(96);
    expect(demandBasisText(food, { unit: '份', demand: 4000 })).toBe('需紧急生活救助 1,560人 × 3份/人，扣除此前方案已调拨的 680');
    expect(demandBasisText(food, { unit: '份', demand: 4680 })).toBe('需紧急生活救助 1,560人 × 3份/人');
    setLang('en');
    expect(demandBasisText(food, { demand: 4000 })).toBe('Needing emergency aid: 1,560 people × 3 per person; 680 already in earlier plans');
  });
  it('is empty for plans made before the basis was recorded', () => {
    expect(demandBasisText(null)).toBe('');
    expect(demandBasisText(undefined)).toBe('');
  });
});

describe('cost splits of a funds plan', () => {
  const areas = [{ response_scope: 'local' as const }, { response_scope: 'national' as const }, { response_scope: 'local' as const }, { response_scope: 'national' as const }];
  it('counts the areas per split, most senior first', () => {
    expect(scopeCounts({ response_scope: 'national', areas })).toEqual([['national', 2], ['local', 2]]);
    expect(areaScopes({ response_scope: 'national', areas })).toEqual(['local', 'national', 'local', 'national']);
  });
  it('reads one split as that split', () => {
    expect(scopeLines({ response_scope: 'provincial', areas: [{ response_scope: 'provincial' }, { response_scope: 'provincial' }] })).toEqual(['省级响应（省50%·市20%·县30%）']);
  });
  it('names the one split, or each split with its areas', () => {
    expect(scopeLines({ response_scope: 'national', areas: [{ response_scope: 'national' }] })).toEqual(['国家级响应（中央70%·省15%·市5%·县10%）']);
    expect(scopeLines({ response_scope: 'national', areas })).toEqual(['国家级响应（中央70%·省15%·市5%·县10%） 2 个地区', '一般灾害（以地方财政为主） 2 个地区']);
    setLang('en');
    expect(scopeLines({ response_scope: 'national', areas })).toEqual(['National response (central 70% · province 15% · city 5% · county 10%): 2 areas', 'Ordinary disaster (mainly local finance): 2 areas']);
    expect(scopeLines({ response_scope: 'local', areas: [] })).toEqual(['Ordinary disaster (mainly local finance)']);
    expect(scopeLines({ response_scope: 'national', areas: areas.slice(0, 3) })).toEqual(['National response (central 70% · province 15% · city 5% · county 10%): 1 area', 'Ordinary disaster (mainly local finance): 2 areas']);
  });
});
