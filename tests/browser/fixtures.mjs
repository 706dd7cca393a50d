// Test data set up through the API with Node's fetch (no browser): tokens, calls, a published grant list,
// a fresh ID number.
import assert from 'node:assert/strict';
import { ORIGIN } from './harness.mjs';

const API = `${ORIGIN}/api/v1`;
const PASSWORD = process.env.JIUZAI_PASSWORD || 'demo';

export async function token(username) {
  const res = await fetch(`${API}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  assert.equal(res.status, 200, `login ${username}`);
  return (await res.json()).token;
}

export async function call(tok, method, p, body, headers = {}) {
  const res = await fetch(`${API}${p}`, {
    method,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** At least one list on public disclosure: draft → submit → approve → publish through the API. */
export async function ensureDisclosure() {
  const existing = await call(null, 'GET', '/public/disclosures');
  assert.equal(existing.status, 200);
  if (existing.body.some((d) => d.status === 'published')) return;
  const manager = await token('manager');
  const reviewer = await token('reviewer');
  const events = (await call(manager, 'GET', '/events')).body;
  const event = events.find((e) => e.status === 'active') ?? events[0];
  assert.ok(event, 'a demo event exists');
  // Townships with households, in the order the register lists them.
  const page = (await call(manager, 'GET', '/households?limit=500')).body;
  const areas = [...new Set(page.households.map((x) => x.area_code))];
  for (const aid of ['emergency', 'transitional', 'winter_spring', 'reconstruction']) {
    for (const area of areas) {
      const made = await call(manager, 'POST', '/grant-lists', { event_id: event.id, aid_type: aid, area_code: area });
      if (made.status !== 201) continue;
      const id = made.body.id;
      assert.equal((await call(manager, 'POST', `/grant-lists/${id}/submit`, {})).status, 200, 'submit');
      assert.equal((await call(reviewer, 'POST', `/grant-lists/${id}/approve`, {})).status, 200, 'approve');
      const pub = await call(reviewer, 'POST', `/grant-lists/${id}/publish`, { days: 7 });
      assert.equal(pub.status, 200, `publish: ${JSON.stringify(pub.body)}`);
      return;
    }
  }
  assert.fail('no grant list could be drafted for the demo event');
}

/** A valid resident ID number of 濂溪区 (GB 11643 check digit) that no earlier run used. */
export function freshIdNumber() {
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(Math.random() * 60 * 365) * 86_400_000);
  const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `360402${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}
