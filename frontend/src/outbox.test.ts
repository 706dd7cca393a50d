import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { setLang } from './i18n';
import { backoffMs, createOutbox, failureText, isStale, isTransient, labelText, refusedFields, type OutboxStore, type QueuedWrite } from './outbox';

function memoryStore(): OutboxStore & { writes: QueuedWrite[] } {
  const s = {
    writes: [] as QueuedWrite[],
    load: async () => s.writes.map((w) => ({ ...w })),
    save: async (all: QueuedWrite[]) => {
      s.writes = all;
    },
  };
  return s;
}

const write = (key: string, extra: Partial<QueuedWrite> = {}): QueuedWrite => ({
  key,
  user: 'reporter',
  method: 'POST',
  path: `/things/${key}`,
  body: { key },
  label: { key: 'outbox.title' },
  queuedAt: '2026-07-01T00:00:00Z',
  ...extra,
});

describe('outbox', () => {
  it('keeps the fields a refusal named, and hands each answer to the sent callback', async () => {
    const store = memoryStore();
    const answers: Array<[string, unknown]> = [];
    const box = createOutbox(
      store,
      async (w) => {
        if (w.key === 'a') throw new ApiError(422, 'validation', 'bad', [{ field: 'applicant.phone', reason: 'x' }, { field: 'applicant.phone', reason: 'y' }, { field: 'programmes', reason: 'z' }]);
        return { id: 7, receipt_no: 'R-1' };
      },
      () => {},
      (w, answer) => answers.push([w.key, answer]),
    );
    await box.add(write('a'));
    await box.add(write('b'));
    const r = await box.flush('reporter');
    expect(r.sent).toBe(1);
    expect(store.writes[0].refusal?.fields).toEqual(['applicant.phone', 'programmes']);
    expect(answers).toEqual([['b', { id: 7, receipt_no: 'R-1' }]]);
  });

  it('reads the field names of an error envelope, once each', () => {
    expect(refusedFields([{ field: 'a' }, { field: 'b' }, { field: 'a' }, { reason: 'no field' }, null])).toEqual(['a', 'b']);
    expect(refusedFields(undefined)).toEqual([]);
    expect(refusedFields('nope')).toEqual([]);
  });

  it('sends the writes in the order they were made, then empties', async () => {
    const store = memoryStore();
    const sent: string[] = [];
    const box = createOutbox(store, async (w) => void sent.push(w.key));
    for (const k of ['a', 'b', 'c']) await box.add(write(k));
    const r = await box.flush('reporter');
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(r).toEqual({ outcome: 'done', sent: 3, refused: [] });
    expect(store.writes).toEqual([]);
  });

  it('stops at a network failure and keeps the rest for the next pass', async () => {
    const store = memoryStore();
    let online = false;
    const sent: string[] = [];
    const box = createOutbox(store, async (w) => {
      if (!online) throw new ApiError(0, 'network', 'offline');
      sent.push(w.key);
    });
    await box.add(write('a'));
    await box.add(write('b'));
    expect((await box.flush('reporter')).outcome).toBe('retry');
    expect(store.writes.map((w) => w.key)).toEqual(['a', 'b']);
    online = true;
    expect((await box.flush('reporter')).sent).toBe(2);
    expect(sent).toEqual(['a', 'b']);
  });

  it('keeps a refused write, marked with the server message, and sends the next ones', async () => {
    const store = memoryStore();
    const box = createOutbox(store, async (w) => {
      if (w.key === 'a') throw new ApiError(409, 'conflict', 'the event is closed', undefined, undefined, 'event_closed');
    });
    await box.add(write('a'));
    await box.add(write('b'));
    const r = await box.flush('reporter');
    expect(r.outcome).toBe('done');
    expect(r.sent).toBe(1);
    expect(r.refused.map((w) => w.key)).toEqual(['a']);
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0].key).toBe('a');
    expect(store.writes[0].failure).toContain('此灾害事件已结束');
    expect(failureText(store.writes[0])).toBe('状态冲突：此灾害事件已结束');
    // Not sent again until the user asks.
    expect((await box.flush('reporter')).sent).toBe(0);
    await box.retry('a');
    expect(store.writes[0].failure).toBeUndefined();
  });

  it('keeps the refusal as the server gave it, said in the language of whoever looks', async () => {
    const store = memoryStore();
    const box = createOutbox(store, async () => {
      throw new ApiError(412, 'stale', 'the household changed since it was read');
    });
    setLang('zh');
    await box.add(write('a', { method: 'PATCH', ifMatch: '2026-07-01T08:00:00Z' }));
    await box.flush('reporter');
    const [w] = store.writes;
    expect(w.refusal).toEqual({ status: 412, code: 'stale', message: 'the household changed since it was read' });
    expect(isStale(w)).toBe(true);
    expect(failureText(w)).toBe('此记录在您打开后已被他人修改，请刷新后重新修改。');
    setLang('en');
    expect(failureText(w)).toMatch(/^Someone changed this record/);
    expect(failureText(w)).not.toContain('since it was read');
    setLang('zh');
    // An entry kept before refusals were stored whole shows its words as they were.
    expect(failureText({ ...w, refusal: undefined, failure: '状态冲突：closed' })).toBe('状态冲突：closed');
    expect(isStale({ ...w, refusal: { status: 409, code: 'conflict', message: 'x' } })).toBe(false);
    await box.retry('a');
    expect(store.writes[0].refusal).toBeUndefined();
  });

  it('waits for the session when the server says it is gone', async () => {
    const store = memoryStore();
    const box = createOutbox(store, async () => {
      throw new ApiError(401, 'unauthorized', 'expired');
    });
    await box.add(write('a'));
    expect((await box.flush('reporter')).outcome).toBe('signedOut');
    expect(store.writes[0].failure).toBeUndefined();
  });

  it("sends only the signed-in user's writes", async () => {
    const store = memoryStore();
    const sent: string[] = [];
    const box = createOutbox(store, async (w) => void sent.push(w.key));
    await box.add(write('mine'));
    await box.add(write('theirs', { user: 'keeper' }));
    await box.flush('reporter');
    expect(sent).toEqual(['mine']);
    expect(store.writes.map((w) => w.key)).toEqual(['theirs']);
  });

  it("completes a photo's path with the id the server gave its report", async () => {
    const store = memoryStore();
    const paths: string[] = [];
    const box = createOutbox(store, async (w) => {
      paths.push(w.path);
      return w.key === 'report' ? { id: 42 } : {};
    });
    await box.add(write('report', { path: '/events/1/reports' }));
    await box.add(write('photo', { path: '/events/1/reports/{after}/photos', after: 'report' }));
    await box.flush('reporter');
    expect(paths).toEqual(['/events/1/reports', '/events/1/reports/42/photos']);
  });

  it('holds a photo while its report is refused, and drops it with the report', async () => {
    const store = memoryStore();
    const box = createOutbox(store, async (w) => {
      if (w.key === 'report') throw new ApiError(422, 'invalid', 'bad figures');
    });
    await box.add(write('report'));
    await box.add(write('photo', { path: '/x/{after}', after: 'report' }));
    await box.flush('reporter');
    expect(store.writes.map((w) => w.key)).toEqual(['report', 'photo']);
    await box.discard('report');
    expect(store.writes).toEqual([]);
  });

  it('runs one pass at a time', async () => {
    const store = memoryStore();
    let calls = 0;
    const box = createOutbox(store, async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
    });
    await box.add(write('a'));
    const [x, y] = await Promise.all([box.flush('reporter'), box.flush('reporter')]);
    expect(x).toBe(y);
    expect(calls).toBe(1);
  });
});

describe('labels', () => {
  it("say the stage in the reader's language, the names as they were", () => {
    const label = { key: 'outbox.kind.report' as const, params: { area: '赛湖街道' }, terms: { stage: 'stage.initial' as const } };
    setLang('zh');
    expect(labelText(label)).toBe('赛湖街道初报');
    setLang('en');
    expect(labelText(label)).toBe('Initial report, 赛湖街道');
    setLang('zh');
  });
});

describe('retry rules', () => {
  it('tells passing failures from refusals', () => {
    expect(isTransient(new ApiError(0, 'network', ''))).toBe(true);
    expect(isTransient(new ApiError(503, 'unavailable', ''))).toBe(true);
    expect(isTransient(new ApiError(429, 'throttled', ''))).toBe(true);
    expect(isTransient(new ApiError(422, 'invalid', ''))).toBe(false);
    expect(isTransient(new ApiError(409, 'conflict', ''))).toBe(false);
  });

  it('backs off from 2 s doubling to a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});
