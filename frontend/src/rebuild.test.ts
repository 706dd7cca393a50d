import { describe, expect, it } from 'vitest';
import {
  caseActions,
  checkApproval,
  checkClaimAmount,
  checkInspection,
  checkPaidOn,
  checkProgressDate,
  checkShares,
  parsePercent,
  claimActions,
  isPhotoId,
  nextProgress,
  progressClass,
  reachedStage,
  sortCases,
  sortClaims,
  splitByShares,
  stageKey,
  statusCounts,
  statusRank,
  stepPhotos,
  townshipProgress,
  type CaseStatus,
} from './rebuild';

const c = (id: number, status: CaseStatus, overdue = false, area_code = '360404001', mode: 'rebuild' | 'repair' = 'rebuild') => ({ id, status, overdue, area_code, mode });

describe('statuses', () => {
  it('rank a case by how far it has come; a failed inspection sits with completed work', () => {
    expect(statusRank('surveyed')).toBeLessThan(statusRank('approved'));
    expect(statusRank('structure_done')).toBeLessThan(statusRank('completed'));
    expect(statusRank('failed_inspection')).toBe(statusRank('completed'));
    expect(statusRank('accepted')).toBeGreaterThan(statusRank('completed'));
  });
  it('put overdue cases on top, then failed inspections, then the least advanced', () => {
    const sorted = sortCases([c(1, 'accepted'), c(2, 'started'), c(3, 'failed_inspection'), c(4, 'approved', true), c(5, 'surveyed'), c(6, 'started', true)]);
    expect(sorted.map((x) => x.id)).toEqual([4, 6, 3, 5, 2, 1]);
  });
  it('count every status, the overdue and the total', () => {
    const n = statusCounts([c(1, 'accepted'), c(2, 'started', true), c(3, 'started')]);
    expect(n.started).toBe(2);
    expect(n.accepted).toBe(1);
    expect(n.surveyed).toBe(0);
    expect(n.overdue).toBe(1);
    expect(n.total).toBe(3);
  });
});

describe('who may do what', () => {
  it('the county approves a surveyed case; a township reviewer does not', () => {
    expect(caseActions({ role: 'reviewer', area_code: '360404' }, c(1, 'surveyed'))).toEqual(['approve']);
    expect(caseActions({ role: 'reviewer', area_code: '360404001' }, c(1, 'surveyed'))).toEqual([]);
    expect(caseActions({ role: 'reviewer', area_code: '360400' }, c(1, 'approved'))).toEqual([]);
    expect(caseActions({ role: 'manager', area_code: '360400' }, c(1, 'surveyed'))).toEqual(['approve']);
  });
  it('township staff record progress in order; a repair skips the structure', () => {
    expect(nextProgress(c(1, 'approved'))).toBe('started');
    expect(nextProgress(c(1, 'started'))).toBe('structure_done');
    expect(nextProgress(c(1, 'started', false, '360404001', 'repair'))).toBe('completed');
    expect(nextProgress(c(1, 'structure_done'))).toBe('completed');
    expect(nextProgress(c(1, 'failed_inspection'))).toBe('completed');
    expect(nextProgress(c(1, 'completed'))).toBeNull();
    expect(nextProgress(c(1, 'surveyed'))).toBeNull();
    expect(caseActions({ role: 'reporter', area_code: '360404001' }, c(1, 'started'))).toEqual(['progress']);
    expect(caseActions({ role: 'reporter', area_code: '360404001' }, c(1, 'completed'))).toEqual([]);
  });
  it('an inspector inspects completed work only', () => {
    expect(caseActions({ role: 'assessor', area_code: '360400' }, c(1, 'completed'))).toEqual(['inspect']);
    expect(caseActions({ role: 'assessor', area_code: '360400' }, c(1, 'failed_inspection'))).toEqual([]);
    expect(caseActions({ role: 'auditor' }, c(1, 'completed'))).toEqual([]);
  });
});

describe('approval', () => {
  it('an empty amount takes the standard', () => {
    expect(checkApproval('', '', 2_000_000)).toEqual({ ok: true, amount_fen: null, reason: null, above: false });
  });
  it('an amount above the standard needs a reason', () => {
    expect(checkApproval('25000', '', 2_000_000)).toEqual({ ok: false, field: 'reason', key: 'rb.err.reasonAbove' });
    expect(checkApproval('￥25,000.50', ' 面积大 ', 2_000_000)).toEqual({ ok: true, amount_fen: 2_500_050, reason: '面积大', above: true });
    expect(checkApproval('18000', '', 2_000_000)).toEqual({ ok: true, amount_fen: 1_800_000, reason: null, above: false });
  });
  it('refuses what is not an amount', () => {
    expect(checkApproval('1.234', '', 100)).toMatchObject({ ok: false, field: 'amount' });
    expect(checkApproval('-5', '', 100)).toMatchObject({ ok: false, field: 'amount' });
  });
});

describe('progress and inspection', () => {
  it('a progress date is empty (today) or a real day not after today', () => {
    expect(checkProgressDate('', '2026-12-03')).toBeNull();
    expect(checkProgressDate('2026-12-01', '2026-12-03')).toBeNull();
    expect(checkProgressDate('2026-12-04', '2026-12-03')).toBe('rb.err.future');
    expect(checkProgressDate('2026-02-30', '2026-12-03')).toBe('rb.err.date');
  });
  it('an inspection needs a verdict, findings and a photo', () => {
    expect(checkInspection({ passed: null, findings: ' ', photos: 0 }).map(([f]) => f)).toEqual(['passed', 'findings', 'photos']);
    expect(checkInspection({ passed: false, findings: '', photos: 1 })).toEqual([['findings', 'rb.err.findingsFailed']]);
    expect(checkInspection({ passed: true, findings: '合格', photos: 1 })).toEqual([]);
  });
  it('reads the photo references of a step; ids name uploaded photos', () => {
    expect(stepPhotos({ photos: [12, '13'] })).toEqual(['12', '13']);
    expect(stepPhotos({})).toEqual([]);
    expect(isPhotoId('12')).toBe(true);
    expect(isPhotoId('施工照片（虚构）')).toBe(false);
  });
});

describe('payments', () => {
  it('a stage is reached with its step; a repair reaches the structure stage at completion', () => {
    expect(reachedStage(c(1, 'approved'), 'start')).toBe(false);
    expect(reachedStage(c(1, 'started'), 'start')).toBe(true);
    expect(reachedStage(c(1, 'structure_done'), 'structure')).toBe(true);
    expect(reachedStage(c(1, 'started', false, 'x', 'repair'), 'structure')).toBe(false);
    expect(reachedStage(c(1, 'completed', false, 'x', 'repair'), 'structure')).toBe(true);
    expect(reachedStage(c(1, 'failed_inspection'), 'acceptance')).toBe(false);
    expect(reachedStage(c(1, 'accepted'), 'acceptance')).toBe(true);
    expect(stageKey('structure', 'repair')).toBe('rb.stage.completion');
    expect(stageKey('structure', 'rebuild')).toBe('rb.stage.structure');
  });
  it('splits a subsidy by the shares to the fen, adding up', () => {
    expect(splitByShares(2_000_000, [30, 40, 30])).toEqual([600_000, 800_000, 600_000]);
    const parts = splitByShares(1_000_001, [33, 33, 34]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_001);
  });
});

describe('the map', () => {
  it('sums cases per township with the least advanced status', () => {
    const p = townshipProgress([c(1, 'accepted', false, '360404001001'), c(2, 'started', true, '360404001002'), c(3, 'failed_inspection', false, '360404001'), c(4, 'accepted', false, '360404002')]);
    const a = p.get('360404001')!;
    expect(a).toMatchObject({ total: 3, accepted: 1, overdue: 1, failed: 1, worst: 'started' });
    expect(p.get('360404002')).toMatchObject({ total: 1, accepted: 1, worst: 'accepted' });
  });
  it('a failed inspection is worse than completed work', () => {
    expect(townshipProgress([c(1, 'completed'), c(2, 'failed_inspection')]).get('360404001')!.worst).toBe('failed_inspection');
  });
  it('classes townships by the share accepted', () => {
    expect(progressClass({ total: 4, accepted: 0 })).toBe('none');
    expect(progressClass({ total: 4, accepted: 1 })).toBe('low');
    expect(progressClass({ total: 4, accepted: 2 })).toBe('high');
    expect(progressClass({ total: 4, accepted: 4 })).toBe('all');
    expect(progressClass({ total: 0, accepted: 0 })).toBe('none');
  });
});

describe('insurance', () => {
  it('county staff survey a reported claim and pay a surveyed one; others only read', () => {
    expect(claimActions({ role: 'reviewer', area_code: '360404' }, { status: 'reported' })).toEqual(['survey', 'refuse']);
    expect(claimActions({ role: 'manager', area_code: '360400' }, { status: 'surveyed' })).toEqual(['payout', 'refuse']);
    expect(claimActions({ role: 'reviewer', area_code: '360404' }, { status: 'paid' })).toEqual([]);
    expect(claimActions({ role: 'reporter', area_code: '360404001' }, { status: 'reported' })).toEqual([]);
    expect(claimActions({ role: 'reviewer', area_code: '360404001' }, { status: 'reported' })).toEqual([]);
  });
  it('an amount is required, in yuan, within the cap', () => {
    expect(checkClaimAmount('', 100_00)).toEqual({ key: 'ins.err.amountRequired' });
    expect(checkClaimAmount('abc', 100_00)).toEqual({ key: 'rb.err.amount' });
    expect(checkClaimAmount('101', 100_00)).toEqual({ key: 'ins.err.aboveCap' });
    expect(checkClaimAmount('99.5', 100_00)).toEqual({ fen: 99_50 });
  });
  it('a payout date lies between the report and today', () => {
    expect(checkPaidOn('2026-12-02', '2026-12-01', '2026-12-03')).toBeNull();
    expect(checkPaidOn('2026-11-30', '2026-12-01', '2026-12-03')).toBe('ins.err.beforeReported');
    expect(checkPaidOn('2026-12-04', '2026-12-01', '2026-12-03')).toBe('rb.err.future');
    expect(checkPaidOn('', '2026-12-01', '2026-12-03')).toBe('rb.err.date');
  });
  it('open claims come first, newest report first', () => {
    const sorted = sortClaims([
      { id: 1, status: 'paid', reported_on: '2026-12-01' },
      { id: 2, status: 'reported', reported_on: '2026-11-01' },
      { id: 3, status: 'reported', reported_on: '2026-12-01' },
      { id: 4, status: 'surveyed', reported_on: '2026-12-01' },
    ] as const);
    expect(sorted.map((x) => x.id)).toEqual([3, 2, 4, 1]);
  });
});

describe('county rules', () => {
  it('stage shares are three whole percents adding up to 100', () => {
    expect(checkShares(['30', '40', '30'])).toEqual({ percents: [30, 40, 30] });
    expect(checkShares(['３０', '40', '30'])).toEqual({ percents: [30, 40, 30] });
    expect(checkShares(['30', '40', '20'])).toEqual({ sum: 90 });
    expect(checkShares(['30', 'x', '70'])).toEqual({ sum: 100 });
    expect(checkShares(['0', '0', '100'])).toEqual({ percents: [0, 0, 100] });
  });
  it('a counting percent is a whole number 0–100', () => {
    expect(parsePercent('50')).toBe(50);
    expect(parsePercent('50%')).toBe(50);
    expect(parsePercent('101')).toBeNull();
    expect(parsePercent('5.5')).toBeNull();
    expect(parsePercent('')).toBeNull();
  });
});
