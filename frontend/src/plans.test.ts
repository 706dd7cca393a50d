import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { changedMeanwhile, fillPercent, flowWidth, formatMinutes, planActions, receiveErrors } from './plans';
import { draftPolygon } from './map/planblockages';

describe('plans helpers', () => {
  it('actions follow role and status', () => {
    expect(planActions({ status: 'draft', author_id: 2 }, { id: 2, role: 'manager' })).toEqual(['submit', 'cancel']);
    expect(planActions({ status: 'submitted', author_id: 2 }, { id: 5, role: 'reviewer' })).toEqual(['approve', 'reject']);
    expect(planActions({ status: 'submitted', author_id: 5 }, { id: 5, role: 'reviewer' })).toEqual([]);
    expect(planActions({ status: 'approved', author_id: 2 }, { id: 3, role: 'depot_staff', depot_ids: [1] }, [1, 2])).toEqual(['dispatch']);
    expect(planActions({ status: 'approved', author_id: 2 }, { id: 3, role: 'depot_staff', depot_ids: [9] }, [1, 2])).toEqual([]);
  });
  it('a change refused because someone else changed the plan first is told apart from other refusals', () => {
    expect(changedMeanwhile(new ApiError(412, 'stale', 'changed since read'))).toBe(true);
    expect(changedMeanwhile(new ApiError(409, 'conflict', 'met', undefined, undefined, 'plan_changed'))).toBe(true);
    expect(changedMeanwhile(new ApiError(409, 'conflict', 'not a draft', undefined, undefined, 'plan_not_draft'))).toBe(false);
    expect(changedMeanwhile(new Error('network'))).toBe(false);
  });
  it('formats and scales', () => {
    expect(fillPercent(0.275)).toBe('28%');
    expect(fillPercent(null)).toBe('—');
    expect(flowWidth(100, 100)).toBe(8);
    expect(flowWidth(0, 100)).toBe(1);
    expect(formatMinutes(1530, 'zh')).toBe('1 天 1 小时');
    expect(formatMinutes(45, 'en')).toBe('45 min');
  });
  it('validates received quantities', () => {
    expect(receiveErrors([{ quantity: 5, value: '5' }, { quantity: 5, value: '6' }, { quantity: 5, value: '-1' }, { quantity: 5, value: '0' }])).toEqual([1, 2]);
  });
  it('closes the draft polygon', () => {
    expect(draftPolygon([[0, 0], [1, 0]])).toBeNull();
    expect(draftPolygon([[0, 0], [1, 0], [1, 1]])?.coordinates[0]).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
  });
});
