import { describe, expect, it } from 'vitest';
import { actionLabel, AUDIT_ACTIONS, auditChanges, auditRange, compactValue } from './audit';
import { MESSAGES, setLang } from './i18n';

describe('actionLabel', () => {
  it('names every action the server writes in both languages', () => {
    for (const a of AUDIT_ACTIONS) {
      expect(MESSAGES.zh[`auditAction.${a}`], a).toBeTruthy();
      expect(MESSAGES.en[`auditAction.${a}`], a).toBeTruthy();
    }
    setLang('en');
    expect(actionLabel('standards.change')).toBe('Changed relief standards');
    setLang('zh');
    expect(actionLabel('standards.change')).toBe('修改救助标准');
  });
  it('leaves an unknown action as the server wrote it', () => {
    expect(actionLabel('robot.dance')).toBe('robot.dance');
  });
});

describe('auditChanges', () => {
  it('keeps only the fields that differ, added and removed ones included', () => {
    expect(auditChanges({ a: 1, b: 'x', c: [1] }, { a: 1, b: 'y', d: true })).toEqual([
      { field: 'b', before: 'x', after: 'y' },
      { field: 'c', before: '[1]', after: '' },
      { field: 'd', before: '', after: 'true' },
    ]);
  });
  it('lists a created record field by field, and nothing for two empty sides', () => {
    expect(auditChanges(null, { id: 7, role: 'auditor' })).toEqual([
      { field: 'id', before: '', after: '7' },
      { field: 'role', before: '', after: 'auditor' },
    ]);
    expect(auditChanges(null, undefined)).toEqual([]);
  });
  it('shows a list (thresholds, plan lines) as one value, unless unchanged', () => {
    expect(auditChanges([1, 2], [1, 3])).toEqual([{ field: '', before: '[1,2]', after: '[1,3]' }]);
    expect(auditChanges([1], [1])).toEqual([]);
  });
});

describe('compactValue', () => {
  it('cuts long values and leaves strings bare', () => {
    expect(compactValue('abc')).toBe('abc');
    expect(compactValue({ k: 1 })).toBe('{"k":1}');
    expect(compactValue('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(compactValue(null)).toBe('');
  });
});

describe('auditRange', () => {
  it('reads Beijing days as times, the last day included (the API\'s to is exclusive)', () => {
    expect(auditRange('2026-12-01', '2026-12-03')).toEqual({ from: '2026-12-01T00:00:00+08:00', to: '2026-12-04T00:00:00+08:00' });
    expect(auditRange('', '2026-12-31')).toEqual({ from: undefined, to: '2027-01-01T00:00:00+08:00' });
    expect(auditRange('2026-02-28', '')).toEqual({ from: '2026-02-28T00:00:00+08:00', to: undefined });
    expect(auditRange('2026-12-03', '2026-12-03')).toEqual({ from: '2026-12-03T00:00:00+08:00', to: '2026-12-04T00:00:00+08:00' });
    expect(auditRange('', '')).toEqual({ from: undefined, to: undefined });
  });

  it('refuses a date that is not one, and an end before the start', () => {
    expect(auditRange('2026-02-30', '')).toEqual({ error: 'audit.badDate' });
    expect(auditRange('2026-12-05', '2026-12-01')).toEqual({ error: 'audit.badRange' });
  });
});
