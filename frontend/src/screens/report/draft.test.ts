import { describe, expect, it } from 'vitest';
import type { ReportInput } from '../../disasterrules';
import { draftBox, isBlank } from './draft';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const input = (extra: Partial<ReportInput> = {}): ReportInput => ({ area_code: '360481001', stage: 'initial', values: {}, description: '', explanation: '', ...extra });
const at = () => new Date('2026-07-01T08:00:00Z');

describe('report draft', () => {
  it('keeps what was typed per user and event, and gives it back', () => {
    const storage = memoryStorage();
    const box = draftBox(storage, 'reporter', 3, at);
    box.save(input({ values: { affected: '120' }, description: '河堤决口' }));
    expect(draftBox(storage, 'reporter', 3).load()).toEqual({ ...input({ values: { affected: '120' }, description: '河堤决口' }), savedAt: '2026-07-01T08:00:00.000Z' });
    expect(draftBox(storage, 'reporter', 4).load()).toBeNull();
    expect(draftBox(storage, 'other', 3).load()).toBeNull();
  });

  it('forgets the draft when the form is emptied or cleared', () => {
    const storage = memoryStorage();
    const box = draftBox(storage, 'reporter', 3, at);
    box.save(input({ description: 'x' }));
    box.save(input({ values: { affected: ' ' } }));
    expect(box.load()).toBeNull();
    box.save(input({ description: 'x' }));
    box.clear();
    expect(storage.m.size).toBe(0);
  });

  it('ignores a stored value that is not a draft, and a storage that refuses', () => {
    const storage = memoryStorage();
    storage.setItem('jiuzai.reportDraft.reporter.3', '{"area_code": 5}');
    expect(draftBox(storage, 'reporter', 3).load()).toBeNull();
    storage.setItem('jiuzai.reportDraft.reporter.3', 'not json');
    expect(draftBox(storage, 'reporter', 3).load()).toBeNull();
    const full = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => draftBox(full, 'reporter', 3).save(input({ description: 'x' }))).not.toThrow();
  });

  it('calls a form blank when nothing is typed', () => {
    expect(isBlank(input())).toBe(true);
    expect(isBlank(input({ explanation: '因暴雨' }))).toBe(false);
  });
});
