import { describe, expect, it } from 'vitest';
import { canResolve, CHECK_KINDS, checkQuery, findingPhrase, householdText, kindCounts, sortFindings, statusCounts, type Finding, type Namer } from './checks';
import { MESSAGES, translate, type Lang } from './i18n';

const PLACES: Record<string, string> = { '360429101': '流泗镇', '360429': '湖口县' };
const namer = (lang: Lang): Namer => ({ lang, place: (code) => PLACES[code.slice(0, 9)] ?? PLACES[code] ?? code, event: (id) => `事件${id}` });
const household = (id: number, head_name: string, area_code = '360429101') => ({
  id,
  head_name,
  name_masked: true,
  id_number_masked: '3604**********1234',
  bank_account_masked: '6217********0001',
  area_code,
});

function finding(over: Partial<Finding>): Finding {
  return {
    key: 'k',
    kind: 'bank_shared',
    kind_zh: '',
    area_code: '360429101',
    event_id: null,
    household_ids: [],
    households: [],
    grant_ids: [],
    list_ids: [],
    case_ids: [],
    shipment_ids: [],
    depot_ids: [],
    summary: 'in English',
    figures: { head_household_id: null, grants: [], no_damage_record: false, standard_fen: null, stock: null },
    status: 'open',
    reason: null,
    resolved_by: null,
    resolved_at: null,
    ...over,
  };
}

const say = (f: Finding, lang: Lang) => {
  const p = findingPhrase(f, namer(lang), (aid) => translate(MESSAGES, lang, `aidType.${aid}`));
  return translate(MESSAGES, lang, p.key, p.params);
};
const grant = (id: number, list_id: number, amount_fen: number, phase = 0, aid_type: 'emergency' | 'winter_spring' = 'emergency') => ({ id, list_id, aid_type, amount_fen, phase });

describe('findings in words', () => {
  it('name the households by head and township', () => {
    expect(householdText(household(1, '张*明'), namer('zh'))).toBe('张*明（流泗镇）');
    expect(householdText(household(1, '张*明'), namer('en'))).toBe('张*明 (流泗镇)');
  });
  it('one person in two households: the head, the cases and the other household', () => {
    const f = finding({ kind: 'person_in_two_households', households: [household(7, '甲*某'), household(8, '乙*某')], case_ids: [3], figures: { ...finding({}).figures, head_household_id: 7 } });
    expect(say(f, 'zh')).toBe('甲*某（流泗镇）是户主，却在一门受理案件 #3 中作为申请人为乙*某（流泗镇）申请救助');
    expect(say(f, 'en')).toBe('甲*某 (流泗镇) heads a household, yet applied at the one window (case #3) for 乙*某 (流泗镇)');
    const noHead = { ...f, figures: { ...f.figures, head_household_id: null }, case_ids: [3, 4] };
    expect(say(noHead, 'en')).toContain('cases #3、#4 were filed for different households');
  });
  it('amounts in yuan from fen: paid twice, above the standard, without a loss', () => {
    const double = finding({ kind: 'double_grant', figures: { ...finding({}).figures, grants: [grant(1, 10, 39_000, 0, 'winter_spring'), grant(2, 11, 19_500, 1, 'winter_spring')] } });
    expect(say(double, 'zh')).toBe('冬春生活救助：名单 #10 一次发放 ¥390.00，名单 #11 又分期发放 ¥195.00');
    const above = finding({ kind: 'above_standard', figures: { ...finding({}).figures, grants: [grant(1, 10, 180_000)], standard_fen: 90_000 } });
    expect(say(above, 'en')).toBe('Emergency relief: ¥1,800.00 granted on list #10; the standard gives ¥900.00, ¥900.00 more');
    const noLoss = finding({ kind: 'grant_without_loss', figures: { ...finding({}).figures, grants: [grant(1, 10, 90_000)] } });
    expect(say(noLoss, 'zh')).toContain('损失记录显示没有损失');
    expect(say({ ...noLoss, figures: { ...noLoss.figures, no_damage_record: true } }, 'en')).toContain('has no damage record');
  });
  it('the item and its figures, in the reader’s language', () => {
    const stock = { item_code: 'towel-quilt', item_name_zh: '毛巾被', item_name_en: 'Towel quilt', unit: '床', received: 40, expected: 4, persons: 4, households: 1 };
    const f = finding({ kind: 'stock_vs_served', figures: { ...finding({}).figures, stock } });
    expect(say(f, 'zh')).toBe('流泗镇已收到毛巾被 40 床，但当地获应急救助的 1 户 4 人按定额只需 4 床（超过 2 倍）');
    expect(say(f, 'en')).toBe('40 × Towel quilt received in 流泗镇, where the people granted emergency aid (persons: 4, households: 1) need 4 by the norm (more than 2×)');
    expect(say({ ...f, figures: { ...f.figures, stock: { ...stock, received: 1 } } }, 'en')).toMatch(/^Only 1/);
  });
  it('every kind has its words in both languages, the Chinese without Latin letters', () => {
    for (const kind of CHECK_KINDS)
      for (const lang of ['zh', 'en'] as const) {
        const text = translate(MESSAGES, lang, `checks.kind.${kind}`);
        expect(text).not.toBe(`checks.kind.${kind}`);
        if (lang === 'zh') expect(text).not.toMatch(/[A-Za-z]/);
      }
  });
});

describe('the list', () => {
  const list = [
    finding({ key: 'b', kind: 'stock_vs_served' }),
    finding({ key: 'a', kind: 'bank_shared', status: 'resolved' }),
    finding({ key: 'c', kind: 'bank_shared' }),
    finding({ key: 'd', kind: 'person_in_two_households' }),
  ];
  it('counts per status and per kind', () => {
    expect(statusCounts(list)).toMatchObject({ open: 3, resolved: 1, total: 4 });
    expect(kindCounts(list)).toMatchObject({ bank_shared: 2, stock_vs_served: 1, person_in_two_households: 1, double_grant: 0, total: 4 });
  });
  it('open first, then in the checks’ order', () => {
    expect(sortFindings(list).map((f) => f.key)).toEqual(['d', 'c', 'b', 'a']);
  });
  it('managers, reviewers and admins resolve open findings', () => {
    expect(canResolve('manager', { status: 'open' })).toBe(true);
    expect(canResolve('reviewer', { status: 'open' })).toBe(true);
    expect(canResolve('manager', { status: 'resolved' })).toBe(false);
    expect(canResolve('reporter', { status: 'open' })).toBe(false);
    expect(canResolve('auditor', { status: 'open' })).toBe(false);
  });
  it('asks for the filters set, and no more', () => {
    expect(checkQuery({ kind: '', status: 'open', area_code: '' })).toEqual({ status: 'open' });
    expect(checkQuery({ kind: 'bank_shared', area_code: '360429101' })).toEqual({ kind: 'bank_shared', area_code: '360429101' });
  });
});
