import { describe, expect, it } from 'vitest';
import {
  actionFor,
  aidsFor,
  atOrAbove,
  checkAmount,
  checkNoticeStart,
  checkPersons,
  fenToYuanText,
  levelOf,
  noticeStartInstant,
  parseVotes,
  parseYuan,
  pendingNotices,
  referenceLines,
  sortQueue,
  stageCounts,
  stageOf,
  type Application,
} from './applications';

const NOW = new Date('2026-12-02T10:00:00Z');
const app = (over: Partial<Application>): Application =>
  ({
    id: 1,
    event_id: 1,
    household_id: 1,
    aid_type: 'emergency',
    aid_type_zh: '应急救助',
    area_code: '360404001',
    area_name: '沙河街道',
    name: '张*明',
    id_number: '3604**********1234',
    members: 4,
    persons: 3,
    reason: 'r',
    attachments: [],
    status: 'applied',
    filed_by: 'caseworker',
    standard_fen: 90000,
    above_standard: false,
    open_objections: 0,
    created_at: '2026-12-01T00:00:00Z',
    overdue: false,
    steps: [],
    disclosure_id: null,
    disclosure_end: null,
    due_at: null,
    ...over,
  }) as Application;

describe('stageOf', () => {
  it('tells recommended applications apart by their notice', () => {
    expect(stageOf(app({ status: 'applied' }), NOW)).toBe('assess');
    expect(stageOf(app({ status: 'recommended' }), NOW)).toBe('notice');
    expect(stageOf(app({ status: 'recommended', disclosure_id: 2, disclosure_end: '2026-12-07T00:00:00Z' }), NOW)).toBe('posted');
    expect(stageOf(app({ status: 'recommended', disclosure_id: 2, disclosure_end: '2026-11-19T00:00:00Z' }), NOW)).toBe('review');
    expect(stageOf(app({ status: 'township_approved' }), NOW)).toBe('decide');
    expect(stageOf(app({ status: 'approved' }), NOW)).toBe('approved');
    for (const s of ['not_recommended', 'returned', 'rejected'] as const) expect(stageOf(app({ status: s }), NOW)).toBe('closed');
  });
  it('counts each stage', () => {
    const c = stageCounts([app({}), app({ status: 'approved' }), app({ status: 'rejected' }), app({})], NOW);
    expect(c.assess).toBe(2);
    expect(c.approved).toBe(1);
    expect(c.closed).toBe(1);
    expect(c.decide).toBe(0);
  });
});

describe('sortQueue', () => {
  it('puts overdue first, then the earliest due, then those without a date (newest first)', () => {
    const rows = [
      app({ id: 1, due_at: null }),
      app({ id: 2, due_at: '2026-12-05T00:00:00Z' }),
      app({ id: 3, due_at: '2026-11-24T00:00:00Z', overdue: true }),
      app({ id: 4, due_at: '2026-12-03T00:00:00Z' }),
      app({ id: 5, due_at: null }),
      app({ id: 6, due_at: '2026-11-20T00:00:00Z', overdue: true }),
    ];
    expect(sortQueue(rows).map((r) => r.id)).toEqual([6, 3, 4, 2, 5, 1]);
  });
});

describe('levels and who acts', () => {
  it('reads the level of a division code', () => {
    expect(levelOf('360000')).toBe('province');
    expect(levelOf('360400')).toBe('city');
    expect(levelOf('360404')).toBe('county');
    expect(levelOf('360404001')).toBe('township');
    expect(levelOf('360404001001')).toBe('village');
    expect(levelOf(null)).toBeNull();
    expect(levelOf('36')).toBeNull();
    expect(atOrAbove('360400', 'township')).toBe(true);
    expect(atOrAbove('360404001', 'county')).toBe(false);
  });

  const caseworker = { id: 8, role: 'reporter', area_code: '360404001' };
  const manager = { id: 2, role: 'manager', area_code: '360400' };
  const township = { id: 9, role: 'reviewer', area_code: '360404001' };
  const county = { id: 10, role: 'reviewer', area_code: '360404' };
  const auditor = { id: 5, role: 'auditor', area_code: null };
  const ended = { status: 'recommended' as const, disclosure_id: 1, disclosure_end: '2026-11-19T00:00:00Z' };

  it('caseworkers (and managers) assess what was filed; nobody else', () => {
    expect(actionFor(caseworker, app({}), NOW)).toEqual({ action: 'assess' });
    expect(actionFor(manager, app({}), NOW)).toEqual({ action: 'assess' });
    expect(actionFor(township, app({}), NOW)).toBeNull();
    expect(actionFor(auditor, app({}), NOW)).toBeNull();
  });
  it('the township reviews after the notice ended with no open objection', () => {
    expect(actionFor(township, app(ended), NOW)).toEqual({ action: 'review' });
    expect(actionFor(county, app(ended), NOW)).toEqual({ action: 'review' });
    expect(actionFor(township, app({ ...ended, open_objections: 1 }), NOW)).toEqual({ wait: 'objectionOpen' });
    expect(actionFor(township, app({ ...ended, disclosure_end: '2026-12-07T00:00:00Z' }), NOW)).toEqual({ wait: 'noticeRunning' });
    expect(actionFor(township, app({ status: 'recommended' }), NOW)).toEqual({ wait: 'noNotice' });
    expect(actionFor(caseworker, app(ended), NOW)).toBeNull();
  });
  it('the county decides, but not the reviewer who reviewed it for the township', () => {
    const steps = [{ step: 'township_review', actor_id: 10, actor_name: 'county', acting_for: 'township', at: '', details: {} }] as Application['steps'];
    expect(actionFor(county, app({ status: 'township_approved' }), NOW)).toEqual({ action: 'decide' });
    expect(actionFor(township, app({ status: 'township_approved' }), NOW)).toBeNull();
    expect(actionFor(county, app({ status: 'township_approved', steps }), NOW)).toEqual({ wait: 'sameReviewer' });
    expect(actionFor(county, app({ status: 'approved' }), NOW)).toBeNull();
    expect(actionFor(manager, app({ status: 'township_approved' }), NOW)).toBeNull();
  });
});

describe('the form checks', () => {
  it('offers drought relief for drought events only', () => {
    expect(aidsFor('flood')).not.toContain('drought');
    expect(aidsFor('drought')).toContain('drought');
    expect(aidsFor('flood')).toContain('emergency');
  });
  it('checks persons against the household members', () => {
    expect(checkPersons('3', 4)).toEqual({ persons: 3 });
    expect(checkPersons('４', 4)).toEqual({ persons: 4 });
    expect(checkPersons('5', 4)).toEqual({ error: 'persons.aboveMembers' });
    expect(checkPersons('0', 4)).toEqual({ error: 'persons.atLeastOne' });
    expect(checkPersons('two', 4)).toEqual({ error: 'persons.number' });
    expect(checkPersons('', 4)).toEqual({ error: 'persons.number' });
  });
  it('reads yuan as fen', () => {
    expect(parseYuan('900')).toBe(90000);
    expect(parseYuan('¥1,200.5')).toBe(120050);
    expect(parseYuan('０.０１')).toBe(1);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
    expect(fenToYuanText(90000)).toBe('900');
    expect(fenToYuanText(120050)).toBe('1200.50');
  });
  it('needs a reason above the standard', () => {
    expect(checkAmount('900', 90000, '')).toEqual({ amountFen: 90000, aboveStandard: false, error: null });
    expect(checkAmount('800', 90000, '')).toEqual({ amountFen: 80000, aboveStandard: false, error: null });
    expect(checkAmount('1000', 90000, '')).toEqual({ amountFen: 100000, aboveStandard: true, error: 'amount.reasonNeeded' });
    expect(checkAmount('1000', 90000, '家中有重病人')).toEqual({ amountFen: 100000, aboveStandard: true, error: null });
    expect(checkAmount('0', 90000, '').error).toBe('amount.invalid');
    expect(checkAmount('x', 90000, '').error).toBe('amount.invalid');
  });
  it('reads votes and references', () => {
    expect(parseVotes('11')).toBe(11);
    expect(parseVotes('10001')).toBeNull();
    expect(parseVotes('-1')).toBeNull();
    expect(referenceLines(' a \n\n b\r\n')).toEqual(['a', 'b']);
  });
});

describe('the village notice', () => {
  it('groups the recommended applications not yet posted', () => {
    const rows = [
      app({ id: 1, status: 'recommended' }),
      app({ id: 2, status: 'recommended', area_code: '360404001002', area_name: '某村' }),
      app({ id: 3, status: 'recommended', disclosure_id: 4 }),
      app({ id: 4, status: 'applied' }),
      app({ id: 5, status: 'recommended' }),
    ];
    expect(pendingNotices(rows)).toEqual([
      { event_id: 1, aid_type: 'emergency', area_code: '360404001', area_name: '沙河街道', count: 2 },
      { event_id: 1, aid_type: 'emergency', area_code: '360404001002', area_name: '某村', count: 1 },
    ]);
  });
  it('starts today or up to 30 days back', () => {
    expect(checkNoticeStart('2026-12-02', '2026-12-02')).toBeNull();
    expect(checkNoticeStart('2026-11-02', '2026-12-02')).toBeNull();
    expect(checkNoticeStart('2026-11-01', '2026-12-02')).toBe('start.tooOld');
    expect(checkNoticeStart('2026-12-03', '2026-12-02')).toBe('start.future');
    expect(checkNoticeStart('', '2026-12-02')).toBe('start.invalid');
    expect(noticeStartInstant('2026-12-02', '2026-12-02', NOW)).toBe(NOW.toISOString());
    expect(noticeStartInstant('2026-11-30', '2026-12-02', NOW)).toBe('2026-11-30T00:00:00.000Z');
  });
});
