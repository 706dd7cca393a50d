// The administrator's users screen and the audit trail's date range (issue #13 item 6), against a
// live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test admin.test.mjs
// The admin deactivates `assessor` after the confirmation (which names them and says their sessions
// end), assessor's login then fails, and the admin reactivates them; there is no button on the
// admin's own row. The audit trail, filtered by today's date (Beijing), shows today's records only,
// with the action filter and the next page keeping the range; a range ending before it starts is
// refused on the screen. Shots at 1440×900 and 390×844 in both languages go to tests/artifacts/admin/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ORIGIN, BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/admin');
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
};
async function shots(page, name) {
  await mkdir(SHOTS, { recursive: true });
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang);
    await page.waitForTimeout(200);
    const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(extra <= 0, `${name} (${lang}): the page scrolls sideways by ${extra}px`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}.png`) });
  }
  await setLang(page, 'zh');
}

const login = (username) =>
  fetch(`${ORIGIN}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) }).then((r) => r.status);

/** Today in Beijing, YYYY-MM-DD. */
const beijingDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

test('admin: deactivate and reactivate a user; the audit trail by date', { timeout: 300_000 }, async () => {
  assert.equal(await login('assessor'), 200, 'assessor signs in before');

  let b = await openBrowser(DESK);
  try {
    const { page, problems, requests } = b;
    await signIn(page, 'admin');
    await page.goto(`${BASE}/#/admin/users`);
    await page.locator('[data-testid="users-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('user-deactivate-admin').count(), 0, 'no button on one\'s own row');
    assert.equal(await page.getByTestId('user-state-assessor').innerText(), '启用');
    await shots(page, 'users-1440');

    await page.getByTestId('user-deactivate-assessor').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /assessor/);
    assert.match(await dialog.innerText(), /会话立即失效/);
    await page.screenshot({ path: path.join(SHOTS, 'deactivate-confirm-1440-zh.png') });
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('user-reactivate-assessor').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('user-state-assessor').innerText(), '停用');
    assert.notEqual(await login('assessor'), 200, 'a deactivated user cannot sign in');
    await shots(page, 'users-deactivated-1440');

    await page.getByTestId('user-reactivate-assessor').click();
    await page.getByTestId('user-deactivate-assessor').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('user-state-assessor').innerText(), '启用');
    assert.equal(await login('assessor'), 200, 'reactivated');

    // ---- the audit trail by date -------------------------------------------------------------------
    const today = beijingDay();
    await page.goto(`${BASE}/#/audit`);
    await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const audits = () => requests.filter((r) => r.url().includes('/api/v1/audit?')).map((r) => new URL(r.url()).searchParams);
    await page.getByTestId('audit-from').fill(today);
    await page.getByTestId('audit-to').fill(today);
    await page.getByTestId('audit-submit').click();
    await page.waitForFunction((d) => location.hash.includes(`to_day=${d}`), today);
    await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const last = audits().at(-1);
    assert.equal(last.get('from'), `${today}T00:00:00+08:00`);
    assert.equal(last.get('to'), `${beijingDay(1)}T00:00:00+08:00`, 'the day after: the API\'s to is exclusive');
    const times = await page.locator('[data-testid^="audit-row-"] td:first-child').allInnerTexts();
    assert.ok(times.length > 0, 'today has records');
    assert.ok(times.every((x) => x.startsWith(today)), `all today: ${times.slice(0, 3)}`);
    // The next page keeps the range.
    if (await page.getByTestId('audit-more').isVisible()) {
      await page.getByTestId('audit-more').click();
      await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
      const next = audits().at(-1);
      assert.ok(next.get('before_id'), 'a next page');
      assert.equal(next.get('from'), `${today}T00:00:00+08:00`);
    }
    // With the action filter: the deactivation above.
    await page.getByTestId('audit-action').selectOption('user.deactivate');
    await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid^="audit-row-"][data-action="user.deactivate"]').first().waitFor({ timeout: 30_000 });
    assert.equal(audits().at(-1).get('action'), 'user.deactivate');
    assert.equal(audits().at(-1).get('from'), `${today}T00:00:00+08:00`);
    await shots(page, 'audit-range-1440');
    // Tomorrow on: nothing yet.
    await page.getByTestId('audit-from').fill(beijingDay(1));
    await page.getByTestId('audit-to').fill(beijingDay(1));
    await page.getByTestId('audit-submit').click();
    await page.locator('[data-testid="audit-table"] .empty-cell').waitFor({ timeout: 30_000 });
    // An end before the start is refused before anything is sent.
    const sent = audits().length;
    await page.getByTestId('audit-to').fill(today);
    await page.getByTestId('audit-submit').click();
    await page.getByTestId('audit-range-error').waitFor();
    assert.match(await page.getByTestId('audit-range-error').innerText(), /截止日期不能早于起始日期/);
    assert.equal(audits().length, sent);
    await page.getByTestId('audit-reset').click();
    await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(audits().at(-1).get('from'), null);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- both screens on a phone ------------------------------------------------------------------------
  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'admin');
    await page.goto(`${BASE}/#/admin/users`);
    await page.locator('[data-testid="users-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await shots(page, 'users-390');
    await page.goto(`${BASE}/#/audit?from_day=${beijingDay()}&to_day=${beijingDay()}`);
    await page.locator('[data-testid="audit-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('audit-from').inputValue(), beijingDay(), 'the range from the address');
    await shots(page, 'audit-range-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
