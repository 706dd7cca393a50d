// The queue of writes made without a network: kept on the device with their Idempotency-Keys and
// sent in the order they were made once the network is back. A write the server refuses (4xx)
// stays in the queue, marked failed with the server's words, until the user retries or drops it.
// Storage and sending are passed in, so the rules here are tested without a browser.
import { ApiError, errorText } from './errors';
import { t, type MsgKey, type Params } from './i18n';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH';

/** What the user sees in the pending list, in their language at the time they look. */
export interface WriteLabel {
  key: MsgKey;
  /** Names, numbers: shown as they are. */
  params?: Params;
  /** Words from the table (a stage, a movement kind): translated when shown. */
  terms?: Record<string, MsgKey>;
}

/** A write that may wait for the network: what the *Api modules build and the forms send. */
export interface WriteRequest {
  method: WriteMethod;
  /** The API path; `{after}` stands for the id in the answer to the write named by `after`. */
  path: string;
  /** A JSON value, or a Blob sent as it is (a photo). */
  body: unknown;
  /** The Idempotency-Key, the same on every attempt; also the queued entry's id. */
  key: string;
  label: WriteLabel;
  /** The key of a write still queued whose answer's id completes `path` (a photo of a queued report). */
  after?: string;
  /** The version the write was made against (`If-Match`): a household's `updated_at` as read. */
  ifMatch?: string;
}

export function labelText(label: WriteLabel): string {
  const terms = Object.fromEntries(Object.entries(label.terms ?? {}).map(([name, key]) => [name, t(key)]));
  return t(label.key, { ...label.params, ...terms });
}

export interface QueuedWrite extends WriteRequest {
  /** Who made it: only their session sends it (the token is read when sending). */
  user: string;
  queuedAt: string;
  /** The server's refusal, when it refused the write on replay, as said in the language of that moment. */
  failure?: string;
  /** The same refusal as the server gave it, so it is said again in the language of the moment it is shown. */
  refusal?: Refusal;
}

/** A refusal as the server answered it: the status and the error envelope's code and message. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  /** The fields the server named (error.details[].field), so a form's screen can name them in the user's language. */
  fields?: string[];
  /** What exactly was refused (error.refusal, error.params, error.details), to say it in the language of the moment. */
  said?: string;
  params?: Record<string, unknown>;
  details?: unknown;
}

/** The field names of an error envelope's details, in order, once each. */
export function refusedFields(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const out: string[] = [];
  for (const d of details as Array<{ field?: unknown }>) if (typeof d?.field === 'string' && d.field && !out.includes(d.field)) out.push(d.field);
  return out;
}

/** What the server said of a refused write, in the user's language now (the words kept when it was refused, for older entries). */
export function failureText(w: QueuedWrite): string {
  const r = w.refusal;
  return r ? errorText(new ApiError(r.status, r.code, r.message, r.details, undefined, r.said ?? null, r.params)) : (w.failure ?? '');
}

/** Refused because the record changed on the server since it was read (412): sending it again cannot succeed. */
export function isStale(w: QueuedWrite): boolean {
  return w.refusal?.status === 412;
}

export interface OutboxStore {
  load(): Promise<QueuedWrite[]>;
  save(writes: QueuedWrite[]): Promise<void>;
}

/** Sends one write; throws an ApiError (status 0 for no network) when it does not succeed. */
export type SendWrite = (write: QueuedWrite) => Promise<unknown>;

/**
 * How a pass over the queue ended: `done` (nothing left to send now), `retry` (no network or the
 * server failed: try again later), `signedOut` (the session is gone: wait for the next sign-in).
 */
export type FlushResult = { outcome: 'done' | 'retry' | 'signedOut'; sent: number; refused: QueuedWrite[] };

/** Whether a failed send may succeed later unchanged (the network or the server), not a refusal of the write. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

/** Wait before the n-th retry (n from 0): 2 s doubling up to a minute. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt));
}

export interface Outbox {
  all(): Promise<QueuedWrite[]>;
  add(write: QueuedWrite): Promise<void>;
  /** Send the user's pending writes in order; one pass at a time. */
  flush(user: string): Promise<FlushResult>;
  /** Clear a refusal so the next pass sends the write again. */
  retry(key: string): Promise<void>;
  /** Drop a write (and the writes that wait for its answer). */
  discard(key: string): Promise<void>;
}

export function createOutbox(store: OutboxStore, send: SendWrite, changed: () => void = () => {}, sent: (write: QueuedWrite, answer: unknown) => void = () => {}): Outbox {
  let running: Promise<FlushResult> | null = null;
  const answered = sent;

  const update = async (edit: (writes: QueuedWrite[]) => QueuedWrite[]) => {
    await store.save(edit(await store.load()));
    changed();
  };

  const pass = async (user: string): Promise<FlushResult> => {
    const refused: QueuedWrite[] = [];
    let sent = 0;
    for (;;) {
      const writes = await store.load();
      // The first of the user's writes that is neither refused nor waiting for one still queued.
      const next = writes.find((w) => w.user === user && !w.failure && !(w.after && writes.some((x) => x.key === w.after)));
      if (!next) return { outcome: 'done', sent, refused };
      let answer: unknown;
      try {
        answer = await send(next);
      } catch (err) {
        if (isTransient(err)) return { outcome: 'retry', sent, refused };
        if (err instanceof ApiError && err.status === 401) return { outcome: 'signedOut', sent, refused };
        const fields = err instanceof ApiError ? refusedFields(err.details) : [];
        const refusal =
          err instanceof ApiError
            ? {
                status: err.status,
                code: err.code,
                message: err.message,
                ...(fields.length ? { fields } : {}),
                ...(err.refusal ? { said: err.refusal, params: err.params } : {}),
                ...(err.details !== undefined ? { details: err.details } : {}),
              }
            : undefined;
        const failed = { ...next, failure: errorText(err), refusal };
        refused.push(failed);
        await update((all) => all.map((w) => (w.key === next.key ? failed : w)));
        continue;
      }
      sent += 1;
      answered(next, answer);
      const id = (answer as { id?: unknown } | null)?.id;
      await update((all) =>
        all
          .filter((w) => w.key !== next.key)
          .map((w) => (w.after === next.key ? { ...w, after: undefined, path: w.path.replace('{after}', String(id)) } : w)),
      );
    }
  };

  return {
    all: () => store.load(),
    add: (write) => update((all) => [...all, write]),
    flush(user) {
      running ??= pass(user).finally(() => {
        running = null;
      });
      return running;
    },
    retry: (key) => update((all) => all.map((w) => (w.key === key ? { ...w, failure: undefined, refusal: undefined } : w))),
    discard: (key) => update((all) => all.filter((w) => w.key !== key && w.after !== key)),
  };
}
