import { describe, expect, it } from 'vitest';
import { keepKeyAfter, keyForSubmission, newUuid, uuidFromBytes } from './idempotency';

describe('idempotency keys', () => {
  let n = 0;
  const fresh = () => `k${++n}`;
  it('reuses the key only for the same body', () => {
    const a = keyForSubmission(null, '{"q":1}', fresh);
    expect(keyForSubmission(a, '{"q":1}', fresh)).toBe(a);
    const b = keyForSubmission(a, '{"q":2}', fresh);
    expect(b.key).not.toBe(a.key);
  });
  it('keeps the key only when the outcome is unknown', () => {
    expect(keepKeyAfter(0)).toBe(true);
    expect(keepKeyAfter(502)).toBe(true);
    expect(keepKeyAfter(409)).toBe(false);
    expect(keepKeyAfter(422)).toBe(false);
  });
  it('makes RFC 4122 v4 UUIDs', () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(uuidFromBytes(new Uint8Array(16).fill(255))).toMatch(re);
    expect(uuidFromBytes(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
    expect(newUuid()).toMatch(re);
    expect(newUuid()).not.toBe(newUuid());
  });
});
