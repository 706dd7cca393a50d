import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import {
  canDecide,
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
    const locked = new ApiError(409, 'conflict', 'the need figures of 360404 were accepted on 2026-12-03; they are locked');
    expect(needRefusal(locked)).toEqual({ key: 'ws.err.locked', params: { area: '360404', date: '2026-12-03' } });
    expect(needRefusal(new ApiError(409, 'conflict', 'household 7 has a need record in campaign 1'))).toEqual({ key: 'ws.err.duplicate' });
    expect(needRefusal(new ApiError(422, 'invalid', 'locked'))).toBeNull();
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
