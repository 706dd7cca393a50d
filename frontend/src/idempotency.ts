// Idempotency-Key reuse: every POST that changes stock or records a report carries a key, so
// sending the same submission again after a failure that may have reached the server cannot
// apply it twice.

export interface PendingSubmission {
  key: string;
  body: string;
}

/**
 * One Idempotency-Key per form submission: a retry of the same body after a failure that
 * may not have reached the server (network error, 5xx) reuses the key; anything else gets
 * a fresh one.
 */
export function keyForSubmission(pending: PendingSubmission | null, body: string, fresh: () => string): PendingSubmission {
  if (pending && pending.body === body) return pending;
  return { key: fresh(), body };
}

/** After a failed POST: keep the key only when the outcome is unknown (network error or 5xx). */
export function keepKeyAfter(status: number): boolean {
  return status === 0 || status >= 500;
}

/** RFC 4122 version 4 UUID from 16 random bytes. */
export function uuidFromBytes(b: Uint8Array): string {
  const x = Array.from(b.slice(0, 16));
  x[6] = (x[6] & 0x0f) | 0x40;
  x[8] = (x[8] & 0x3f) | 0x80;
  const hex = x.map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere. */
export function newUuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return uuidFromBytes(b);
}
