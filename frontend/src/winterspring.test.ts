import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import {
  callerCounty,
  canDecide,
  canSetPhases,
  checkPhases,
  checkReceived,
  parseShare,
  phaseDrafts,
  phaseFieldOf,
  phaseRefusal,
  phaseSum,
  receivedFieldOf,
  type PhaseDraft,
  type ReceivedDraft,
  canSubmit,
  checkNeed,
  deadlineState,
  figureCells,
  inScope,
  needFieldOf,
  needRefusal,
  needsText,
  personsByArea,
  sortAreas,
  submissionState,
  type AreaNeed,
  type NeedDraft,
  type NeedFigures,
} from './winterspring';

const draft = (over: Partial<NeedDraft> = {}): NeedDraft => ({
  persons: '3',
  category: 'class_two',
  food_months: '4',
  clothing: '3',
  quilts: '2',
  heating: true,
  housing: false,
  reason: '房屋倒塌',
  phone: '',
  ...over,
});

const fields = (r: ReturnType<typeof checkNeed>) => ('errors' in r ? [...r.errors.keys()] : []);

describe('checkNeed (the server’s checks, before sending)', () => {
  it('gives the body the server wants', () => {
    expect(checkNeed(draft({ phone: ' 139 0000 1234 ' }), 4)).toEqual({
      value: {
        persons: 3,
        category: 'class_two',
        needs: { food_months: 4, clothing: 3, quilts: 2, heating: true, housing: false },
        reason: '房屋倒塌',
        phone: '139 0000 1234',
      },
    });
  });
  it('persons: at least one, at most the household’s members', () => {
    const r = checkNeed(draft({ persons: '5' }), 4);
    expect('errors' in r && r.errors.get('persons')).toEqual({ key: 'persons.aboveMembers', params: { n: 4 } });
    expect(fields(checkNeed(draft({ persons: '0' }), 4))).toEqual(['persons']);
    expect(fields(checkNeed(draft({ persons: 'x' }), 4))).toEqual(['persons']);
    expect(fields(checkNeed(draft(), null))).toContain('household');
  });
  it('grain 0 to 8 months; full-width digits are read', () => {
    expect(fields(checkNeed(draft({ food_months: '9' }), 4))).toEqual(['food_months']);
    expect(fields(checkNeed(draft({ food_months: '８' }), 4))).toEqual([]);
    expect(fields(checkNeed(draft({ food_months: '-1' }), 4))).toEqual(['food_months']);
  });
  it('clothing and quilts: 0 to 3 a person', () => {
    expect(fields(checkNeed(draft({ persons: '2', clothing: '6', quilts: '6' }), 4))).toEqual([]);
    const r = checkNeed(draft({ persons: '2', clothing: '7', quilts: '7' }), 4);
    expect(fields(r)).toEqual(['clothing', 'quilts']);
    expect('errors' in r && r.errors.get('clothing')).toEqual({ key: 'ws.form.piecesRange', params: { n: 6 } });
  });
  it('at least one need, said once (not while a count is wrong)', () => {
    const none = { food_months: '0', clothing: '', quilts: '0', heating: false, housing: false };
    expect(fields(checkNeed(draft(none), 4))).toEqual(['needs']);
    expect(fields(checkNeed(draft({ ...none, housing: true }), 4))).toEqual([]);
    expect(fields(checkNeed(draft({ ...none, food_months: '9' }), 4))).toEqual(['food_months']);
  });
  it('a class and a reason are required; the phone is checked when given', () => {
    expect(fields(checkNeed(draft({ category: '', reason: '  ' }), 4))).toEqual(['category', 'reason']);
    expect(fields(checkNeed(draft({ phone: 'call me' }), 4))).toEqual(['phone']);
  });
});

describe('server errors and refusals', () => {
  it('a field error lands on its field', () => {
    expect(needFieldOf('food_months')).toBe('food_months');
    expect(needFieldOf('household_id')).toBe('household');
    expect(needFieldOf('heating')).toBe('needs');
    expect(needFieldOf('whatever')).toBeNull();
  });
  it('the locked area and the second record are said in the reader’s words', () => {
    const locked = new ApiError(409, 'conflict', 'the need figures of 360404 were accepted on 2026-12-03; they are locked', undefined, undefined, 'need_figures_locked', { area: '360404', date: '2026-12-03' });
    expect(needRefusal(locked)).toEqual({ key: 'ws.err.locked', params: { area: '360404', date: '2026-12-03' } });
    expect(needRefusal(new ApiError(409, 'conflict', 'the household already has a need record', undefined, undefined, 'need_record_exists'))).toEqual({ key: 'ws.err.duplicate' });
    expect(needRefusal(new ApiError(409, 'conflict', 'locked'))).toBeNull();
    expect(needRefusal(new Error('x'))).toBeNull();
  });
});

describe('deadlines and submissions', () => {
  it('counts days left or overdue from Beijing’s today', () => {
    expect(deadlineState('2026-10-15', '2026-10-10')).toEqual({ state: 'left', days: 5 });
    expect(deadlineState('2026-10-15', '2026-10-15')).toEqual({ state: 'today' });
    expect(deadlineState('2026-10-15', '2026-12-03')).toEqual({ state: 'overdue', days: 49 });
  });
  const area = (code: string, over: Partial<AreaNeed> = {}): AreaNeed => ({ area_code: code, area_name: code, figures: figures(), overdue: false, late: false, submission: null, ...over });
  const sub = (status: 'submitted' | 'accepted' | 'returned') => ({ area_code: '360404', status, figures: {}, submitted_by: 'county', submitted_at: '2026-12-03T00:00:00Z' });
  it('one word per submission, overdue ones first', () => {
    expect(submissionState(area('360404', { late: true, submission: sub('submitted') }))).toBe('late');
    expect(submissionState(area('360404', { submission: sub('submitted') }))).toBe('submitted');
    expect(submissionState(area('360404', { late: true, submission: sub('accepted') }))).toBe('accepted');
    expect(submissionState(area('360402', { overdue: true }))).toBe('overdue');
    expect(submissionState(area('360402'))).toBe('open');
    const order = sortAreas([area('360402'), area('360404', { late: true }), area('360403', { overdue: true })]).map((a) => a.area_code);
    expect(order).toEqual(['360403', '360404', '360402']);
  });
  it('a county or the city submits its own; the level above decides', () => {
    const city = { role: 'manager', area_code: '360400' };
    const county = { role: 'reviewer', area_code: '360404' };
    const caseworker = { role: 'reporter', area_code: '360404001' };
    expect(canSubmit(county, '360404')).toBe(true);
    expect(canSubmit(county, '360402')).toBe(false);
    expect(canSubmit(city, '360404')).toBe(false);
    expect(canSubmit(city, '360400')).toBe(true);
    expect(canSubmit(city, '360404001')).toBe(false);
    expect(canSubmit(caseworker, '360404')).toBe(false);
    const waiting = area('360404', { submission: sub('submitted') });
    expect(canDecide(city, waiting)).toBe(true);
    expect(canDecide(county, waiting)).toBe(false);
    expect(canDecide(city, area('360404', { submission: sub('accepted') }))).toBe(false);
    expect(canDecide(city, area('360400', { submission: sub('submitted') }))).toBe(false);
    expect(inScope('360400', '360404001')).toBe(true);
    expect(inScope('360404', '360402')).toBe(false);
  });
});

function figures(over: Partial<NeedFigures> = {}): NeedFigures {
  return {
    households: 15,
    persons: 47,
    food_persons: 47,
    clothing_persons: 40,
    heating_persons: 45,
    housing_persons: 43,
    food_person_months: 177,
    clothing: 47,
    quilts: 47,
    by_class: { class_one: 11, class_two: 14, class_three: 22 },
    decided_households: 2,
    decided_persons: 5,
    amount_fen: 718900,
    ...over,
  };
}

describe('figures', () => {
  it('formats a summary row: grouped numbers, yuan from fen, absent classes as 0', () => {
    expect(figureCells(figures({ persons: 12345, amount_fen: 123456789, by_class: { class_one: 3 } }), 'en')).toEqual({
      persons: '12,345',
      food: '47',
      clothing: '40',
      heating: '45',
      housing: '43',
      households: '15',
      class_one: '3',
      class_two: '0',
      class_three: '0',
      decided: '2 / 15',
      amount: '¥1,234,567.89',
    });
    expect(figureCells(figures(), 'zh').amount).toBe('¥7,189.00');
  });
  it('says a record’s needs in kind in a line', () => {
    const words = { food: '粮{n}月', clothing: '衣{n}', quilts: '被{n}', heating: '取暖', housing: '住房' };
    expect(needsText({ food_months: 5, clothing: 3, quilts: 0, heating: true, housing: false }, words)).toBe('粮5月 · 衣3 · 取暖');
    expect(needsText(null, words)).toBe('');
  });
  it('keys the map’s persons by area, leaving out areas without need', () => {
    const m = personsByArea([
      { area_code: '360404001', figures: figures({ persons: 18 }) },
      { area_code: '360404002', figures: figures({ persons: 0 }) },
    ]);
    expect([...m]).toEqual([['360404001', 18]]);
  });
});

describe('payment phases', () => {
  const period = { relief_start: '2026-12-01', relief_end: '2027-05-31' };
  const rows = (...r: Array<[string, string, string]>): PhaseDraft[] => r.map(([name, share, starts_on]) => ({ name, share, starts_on }));

  it('takes the defaults and sends whole percent', () => {
    expect(checkPhases(rows(['冬令', '50', '2026-12-01'], ['春荒', '５０%', '2027-03-01']), period)).toEqual({
      value: [
        { name: '冬令', share_percent: 50, starts_on: '2026-12-01' },
        { name: '春荒', share_percent: 50, starts_on: '2027-03-01' },
      ],
    });
  });

  it('refuses shares that do not add up to 100, saying the sum', () => {
    const r = checkPhases(rows(['冬令', '50', '2026-12-01'], ['春荒', '40', '2027-03-01']), period);
    expect('errors' in r && r.errors.get('phases')).toEqual({ key: 'ws.phase.err.sum', params: { n: 90 } });
    expect(phaseSum(rows(['a', '50', ''], ['b', '40', ''], ['c', 'x', '']))).toBe(90);
  });

  it('checks names, shares, dates and their order as the server does', () => {
    const r = checkPhases(rows([' ', '0', '2026-11-30'], ['x'.repeat(21), '101', '2027-06-01'], ['c', '50', '2027-01-01'], ['d', '50', '2027-01-01']), period);
    if (!('errors' in r)) throw new Error('expected errors');
    expect(r.errors.get('0.name')?.key).toBe('ws.phase.err.name');
    expect(r.errors.get('0.share')?.key).toBe('ws.phase.err.share');
    expect(r.errors.get('0.starts_on')?.key).toBe('ws.phase.err.date');
    expect(r.errors.get('1.name')?.key).toBe('ws.phase.err.name');
    expect(r.errors.get('1.share')?.key).toBe('ws.phase.err.share');
    expect(r.errors.get('1.starts_on')?.key).toBe('ws.phase.err.date');
    // As the server: after the phase before it even when that one lies outside the period.
    expect(r.errors.get('2.starts_on')?.key).toBe('ws.phase.err.order');
    expect(r.errors.get('3.starts_on')?.key).toBe('ws.phase.err.order');
    expect(r.errors.get('phases')?.params).toEqual({ n: 201 });
  });

  it('takes 1 to 6 phases', () => {
    expect('errors' in checkPhases([], period) && checkPhases([], period)).toBeTruthy();
    const seven = Array.from({ length: 7 }, (_, i) => ({ name: `p${i}`, share: '10', starts_on: `2027-01-0${i + 1}` }));
    const r = checkPhases(seven, period);
    expect('errors' in r && r.errors.get('phases')?.key).toBe('ws.phase.err.count');
    expect(checkPhases([{ name: '一次发放', share: '100', starts_on: '2026-12-01' }], period)).toHaveProperty('value');
  });

  it('reads the phases into the editor and the server errors onto its fields', () => {
    expect(phaseDrafts([{ name: '冬令', share_bp: 5000, starts_on: '2026-12-01' }])).toEqual([{ name: '冬令', share: '50', starts_on: '2026-12-01' }]);
    expect(parseShare('１００')).toBe(100);
    expect(parseShare('12.5')).toBeNull();
    expect(phaseFieldOf('phases[2].share_percent')).toBe('2.share');
    expect(phaseFieldOf('phases[0].starts_on')).toBe('0.starts_on');
    expect(phaseFieldOf('phases')).toBe('phases');
    expect(phaseFieldOf('area_code')).toBeNull();
  });

  it('says the refusals in the reader\'s words', () => {
    expect(phaseRefusal(new ApiError(409, 'conflict', 'its phases can no longer change', undefined, undefined, 'phases_in_use'))).toEqual({ key: 'ws.phase.err.locked' });
    expect(phaseRefusal(new ApiError(409, 'conflict', 'drafted already', undefined, undefined, 'phase_drafted', { phase: '冬令' }))).toEqual({ key: 'ws.phase.err.drafted' });
    expect(phaseRefusal(new ApiError(422, 'invalid', 'invalid', [{ field: 'phase_id', reason: 'the county has decided no need record to pay yet', refusal: 'nothing_decided' }]))).toEqual({ key: 'ws.phase.err.nothingDecided' });
    expect(phaseRefusal(new ApiError(422, 'invalid', 'invalid phases', [{ field: 'phases', reason: 'x' }]))).toBeNull();
  });

  it('lets the county and those above set phases, not a township or a caseworker', () => {
    expect(canSetPhases({ role: 'manager', area_code: '360404' }, '360404')).toBe(true);
    expect(canSetPhases({ role: 'reviewer', area_code: '360400' }, '360404')).toBe(true);
    expect(canSetPhases({ role: 'manager', area_code: null }, '360404')).toBe(true);
    expect(canSetPhases({ role: 'manager', area_code: '360402' }, '360404')).toBe(false);
    expect(canSetPhases({ role: 'manager', area_code: '360404001' }, '360404')).toBe(false);
    expect(canSetPhases({ role: 'reporter', area_code: '360404' }, '360404')).toBe(false);
    expect(callerCounty({ role: 'reporter', area_code: '360404001' })).toBe('360404');
    expect(callerCounty({ role: 'manager', area_code: '360400' })).toBeNull();
  });
});

describe('aid received', () => {
  const period = { survey_start: '2026-09-20', relief_end: '2027-05-31' };
  const d = (over: Partial<ReceivedDraft> = {}): ReceivedDraft => ({ goods: '', goods_value: '', money: '', received_on: '2026-12-03', ...over });

  it('sends goods and amounts typed in yuan as fen', () => {
    expect(checkReceived(7, d({ goods: ' 棉被2床 ', goods_value: '360', money: '1,200.5' }), period)).toEqual({
      value: { household_id: 7, goods: '棉被2床', goods_value_fen: 36000, money_fen: 120050, received_on: '2026-12-03' },
    });
    expect(checkReceived(7, d({ money: '２００' }), period)).toEqual({ value: { household_id: 7, goods: null, goods_value_fen: null, money_fen: 20000, received_on: '2026-12-03' } });
  });

  it('wants a household, the goods or money, a value only with goods, amounts and a date in the period', () => {
    const r = checkReceived(null, d({ goods_value: '10', received_on: '2027-06-01' }), period);
    if (!('errors' in r)) throw new Error('expected errors');
    expect(r.errors.get('household')?.key).toBe('ws.form.pickHousehold');
    expect(r.errors.get('goods')?.key).toBe('ws.received.err.nothing');
    expect(r.errors.get('received_on')).toEqual({ key: 'ws.received.err.date', params: { from: '2026-09-20', to: '2027-05-31' } });
    const v = checkReceived(1, d({ money: '5', goods_value: '10' }), period);
    expect('errors' in v && v.errors.get('goods_value')?.key).toBe('ws.received.err.valueNeedsGoods');
    const bad = checkReceived(1, d({ goods: 'x', money: '-5', goods_value: '1.234' }), period);
    expect('errors' in bad && [bad.errors.get('money')?.key, bad.errors.get('goods_value')?.key]).toEqual(['ws.received.err.amount', 'ws.received.err.amount']);
    expect(receivedFieldOf('goods_value_fen')).toBe('goods_value');
    expect(receivedFieldOf('household_id')).toBe('household');
  });
});
