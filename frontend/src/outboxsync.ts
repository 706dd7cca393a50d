// The device's outbox (outbox.ts) in the browser: kept in IndexedDB, sent when the network
// returns (the online event, then retries with backoff) and whenever a signed-in shell opens.
// Forms send through sendOrQueue: a write that finds no network waits here instead of failing.
import { get, set } from 'idb-keyval';
import { request } from './api';
import { ApiError } from './errors';
import { t } from './i18n';
import { backoffMs, createOutbox, failureText, labelText, type QueuedWrite, type WriteRequest } from './outbox';
import { getSession } from './session';
import { toast } from './toast';

const STORE_KEY = 'jiuzai.outbox';
const listeners = new Set<() => void>();
/** The server's answers to writes sent from the queue in this page's life, by key (a queued intake's case and receipt number). */
const answers = new Map<string, unknown>();

const outbox = createOutbox(
  { load: async () => (await get<QueuedWrite[]>(STORE_KEY)) ?? [], save: (writes) => set(STORE_KEY, writes) },
  sendWrite,
  () => listeners.forEach((f) => f()),
  (write, answer) => answers.set(write.key, answer),
);

/** What the server answered to a queued write sent in this page's life; undefined if not sent (or dropped). */
export function sentAnswer<T>(key: string): T | undefined {
  return answers.get(key) as T | undefined;
}

/** The answer of sendOrQueue when the write waits in the outbox. */
export const QUEUED = Symbol('queued');

/** Keep a write for later (no network now, or it depends on a write that is queued). */
export async function queueWrite(req: WriteRequest): Promise<void> {
  const user = getSession()?.user.username;
  if (!user) throw new ApiError(0, 'network', t('error.network'));
  await outbox.add({ ...req, user, queuedAt: new Date().toISOString() });
  scheduleRetry();
}

/** Send a write now, with its Idempotency-Key; no network fails as any request does. */
export function sendWrite<T>(req: WriteRequest, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { 'Idempotency-Key': req.key };
  if (req.ifMatch) headers['If-Match'] = `"${req.ifMatch}"`;
  return request<T>(req.path, { method: req.method, body: req.body, headers, signal });
}

/** Send a write now; when there is no network, keep it in the outbox and answer QUEUED. */
export async function sendOrQueue<T>(req: WriteRequest, signal?: AbortSignal): Promise<T | typeof QUEUED> {
  try {
    return await sendWrite<T>(req, signal);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 0) throw err;
    await queueWrite(req);
    return QUEUED;
  }
}

/** The signed-in user's queued writes, oldest first. */
export async function myWrites(): Promise<QueuedWrite[]> {
  const user = getSession()?.user.username;
  return user ? (await outbox.all()).filter((w) => w.user === user) : [];
}

/** Called whenever the outbox changes; returns the way to stop listening. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let attempt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let syncing = false;

function scheduleRetry(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void syncOutbox(), backoffMs(attempt));
  attempt += 1;
}

/** One pass over the user's queue: say what was sent and what the server refused. */
export async function syncOutbox(): Promise<void> {
  const user = getSession()?.user.username;
  if (!user || syncing) return;
  syncing = true;
  clearTimeout(timer);
  try {
    const result = await outbox.flush(user);
    if (result.sent) toast(t('outbox.sent', { n: result.sent }));
    for (const w of result.refused) toast(t('outbox.refused', { what: labelText(w.label), message: failureText(w) }), 'error', 12_000);
    if (result.outcome === 'retry') scheduleRetry();
    else attempt = 0;
  } finally {
    syncing = false;
  }
}

export async function retryWrite(key: string): Promise<void> {
  await outbox.retry(key);
  attempt = 0;
  await syncOutbox();
}

export function discardWrite(key: string): Promise<void> {
  return outbox.discard(key);
}

window.addEventListener('online', () => {
  attempt = 0;
  void syncOutbox();
});
