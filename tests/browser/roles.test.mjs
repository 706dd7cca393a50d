// The screens of the roles that had none, against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test roles.test.mjs
// The auditor's trail, the administrator's users, thresholds and standards, the household page with
// its damage form, and the event's register downloads. Re-runnable on the same server: each run
// makes its own user and household and moves a standard by one yuan. Screenshots at 1440×900 in
// both languages go to tests/artifacts/roles/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { call, freshIdNumber, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts/roles');
const ready = (page, testid) => page.locator(`[data-testid="${testid}"][data-ready="true"]`).waitFor({ timeout: 30_000 });

/**
 * The page as a screenshot in Chinese and in English (back in Chinese after), scrolled to the top
 * or to the element `at` names, or of `locator` alone.
 */
async function shoot(page, name, { at = null, locator = null } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.evaluate(() => document.querySelector('.page')?.scrollTo(0, 0));
  if (at) await page.getByTestId(at).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  for (const lang of ['zh', 'en']) {
    const english = (await page.locator('html').getAttribute('lang')).startsWith('en');
    if (english !== (lang === 'en')) await page.getByTestId('lang-switch').click();
    await page.waitForTimeout(150);
    await (locator ?? page).screenshot({ path: path.join(ARTIFACTS, `${name}-${lang}.png`) });
  }
  await page.getByTestId('lang-switch').click();
}

test('the auditor filters the trail, sees his own sign-in, and reads plans and grant lists without buttons', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'auditor');
    await page.getByTestId('nav-audit').click();
    await ready(page, 'audit-screen');
    // His sign-in a moment ago is on top of a trail filtered to sign-ins by him.
    await page.getByTestId('audit-action').selectOption('auth.login');
    await ready(page, 'audit-screen');
    await page.getByTestId('audit-actor').fill('auditor');
    await page.getByTestId('audit-submit').click();
    await ready(page, 'audit-screen');
    const rows = page.locator('[data-testid^="audit-row-"]');
    assert.ok((await rows.count()) > 0, 'the filtered trail has rows');
    for (const r of await rows.all()) {
      assert.equal(await r.getAttribute('data-action'), 'auth.login');
      assert.equal(await r.getAttribute('data-actor'), 'auditor');
    }
    const first = await rows.first().innerText();
    assert.match(first, /登录/, 'the action in words');
    assert.match(first, /监督检查|auditor/i);
    assert.match(page.url(), /action=auth\.login/, 'the filter is in the address');
    await shoot(page, 'audit-filtered');

    // Unfiltered, the first page of the demo's seed is full: older records load below.
    await page.getByTestId('audit-reset').click();
    await ready(page, 'audit-screen');
    const before = await rows.count();
    assert.equal(before, 50);
    await page.getByTestId('audit-more').click();
    await ready(page, 'audit-screen');
    assert.ok((await rows.count()) > before, 'load more adds older records');
    // A change shows its fields compactly (a user created by the seed: its role).
    await page.getByTestId('audit-action').selectOption('user.create');
    await ready(page, 'audit-screen');
    assert.match(await rows.first().locator('.audit-diff').innerText(), /role/);
    await shoot(page, 'audit-changes', { at: 'audit-table' });

    // Plans and grant lists to read, without the buttons only managers and reviewers may use.
    await page.getByTestId('nav-plans').click();
    await page.locator('[data-testid="plans-screen"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('plan-event').count(), 0, 'no plan form for the auditor');
    assert.equal(await page.getByTestId('pool-form').count(), 0, 'no fund pool form for the auditor');
    await page.getByTestId('nav-grants').click();
    await page.locator('[data-testid="grants-screen"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('new-list-card').count(), 0, 'no new list form for the auditor');
    const lists = (await call(await token('auditor'), 'GET', '/grant-lists')).body;
    if (lists.length) {
      await page.goto(`${BASE}#/grants/${lists[0].id}`);
      await page.getByTestId('grant-actions').waitFor({ state: 'attached', timeout: 30_000 });
      assert.equal(await page.getByTestId('grant-actions').locator('button').count(), 0, 'no workflow buttons for the auditor');
    }
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the admin changes a standard and sees it; a bad value shows its reason beside the field and changes nothing', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  const admin = await token('admin');
  const valueOf = async (key) => (await call(admin, 'GET', '/standards')).body.find((s) => s.key === key).value;
  try {
    await signIn(page, 'admin');
    await page.getByTestId('nav-admin-section').click();
    await ready(page, 'users-card');
    await page.getByTestId('admin-tab-standards').click();
    await ready(page, 'std-card');

    // One yuan more for drought relief, confirmed, shown as the current value.
    const drought = await valueOf('drought_per_person');
    const next = drought + 100;
    await page.getByTestId('std-drought_per_person').fill(String(next / 100));
    await page.getByTestId('std-save').click();
    await page.getByTestId('confirm-dialog').waitFor();
    assert.match(await page.getByTestId('std-confirm-list').innerText(), new RegExp(`¥${drought / 100}\\.00 → ¥${next / 100}\\.00`));
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(
      ([v]) => document.querySelector('[data-testid="std-value-drought_per_person"]')?.textContent === v,
      [`¥${next / 100}.00`],
      { timeout: 15_000 },
    );
    assert.equal(await valueOf('drought_per_person'), next);

    // A negative amount: the server's reason beside the field, nothing stored.
    const emergency = await valueOf('emergency_per_person');
    await page.getByTestId('std-emergency_per_person').fill('-5');
    await page.getByTestId('std-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('std-emergency_per_person-error').waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await page.getByTestId('std-emergency_per_person-error').innerText(), /不能为负数/);
    assert.equal(await valueOf('emergency_per_person'), emergency);
    // A split not adding up to 100 %: the reason beside each share of that split.
    await page.getByTestId('std-emergency_per_person').fill(String(emergency / 100));
    await page.getByTestId('std-split_local_city').fill('90');
    await page.getByTestId('std-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('std-split_local_county-error').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.getByTestId('std-split_local_city-error').isVisible(), true);
    assert.match(await page.getByTestId('std-split_local_county-error').innerText(), /之和须为 10,000（100%），现为 16,000/);
    // Not a number: refused before anything is sent.
    await page.getByTestId('std-split_local_city').fill('abc');
    await page.getByTestId('std-save').click();
    await page.getByTestId('std-split_local_city-error').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('confirm-dialog').count(), 0, 'no confirmation for a form with errors');
    assert.equal(await valueOf('split_local_city'), 3000);
    await page.getByTestId('std-split_local_city').fill('30');
    await page.getByTestId('std-save').click();
    await shoot(page, 'admin-standards');

    // Thresholds: a negative lower bound is refused beside its cell; a valid one is saved.
    await page.getByTestId('admin-tab-thresholds').click();
    await ready(page, 'thr-card');
    const cell = page.getByTestId('thr-dead_missing-4');
    const bound = Number(await cell.inputValue());
    await cell.fill('x');
    await page.getByTestId('thr-save').click();
    await page.getByTestId('thr-dead_missing-4-error').waitFor({ state: 'visible' });
    await cell.fill(String(bound + 1));
    await page.getByTestId('thr-save').click();
    await page.getByTestId('confirm-ok').click();
    // Saved once the server has it (a toast of the standards may still be showing).
    const cityBound = async () =>
      (await call(admin, 'GET', '/response-thresholds')).body.find((r) => r.admin_level === 'city' && r.criterion === 'dead_missing' && r.response_level === 4).lower_bound;
    for (let i = 0; i < 50 && (await cityBound()) !== bound + 1; i++) await page.waitForTimeout(200);
    assert.equal(await cityBound(), bound + 1);
    await shoot(page, 'admin-thresholds');

    // Users: a manager without an area is refused beside the area; with one, created and listed.
    await page.getByTestId('admin-tab-users').click();
    await ready(page, 'users-card');
    const name = `u${Date.now().toString(36)}`;
    await page.getByTestId('new-user-name').fill(name);
    await page.getByTestId('new-user-password').fill('secret-1');
    await page.getByTestId('new-user-role').selectOption('manager');
    await page.getByTestId('new-user-create').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('new-user-area-error').waitFor({ state: 'visible', timeout: 15_000 });
    await page.getByTestId('new-user-area').selectOption('360402');
    await page.getByTestId('new-user-create').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId(`user-${name}`).waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId(`user-${name}`).innerText(), /360402/);
    await shoot(page, 'admin-users');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('a reporter finds a household by its full ID number, edits it and records its damage with people needing emergency aid', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  const idNumber = freshIdNumber();
  const reporter = await token('reporter');
  const made = await call(reporter, 'POST', '/households', { head_name: '测试户', head_id_number: idNumber, members: 4, area_code: '360402001', address: '十里街道某村1组（虚构）' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  try {
    await signIn(page, 'reporter');
    await page.getByTestId('nav-households').click();
    await ready(page, 'households-screen');
    // The whole ID number finds exactly this household; the township filter by name keeps it.
    await page.getByTestId('households-q').fill(idNumber);
    await page.getByTestId('households-area').fill('十里街道（濂溪区）');
    await page.getByTestId('households-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="households-screen"]')?.dataset.total === '1', null, { timeout: 30_000 });
    await page.getByTestId(`household-open-${made.body.id}`).click();
    await ready(page, 'household-screen');
    assert.match(await page.getByTestId('household-id-number').innerText(), /^\d{4}\*+[0-9X]{4}$/);

    // An edit of the address, confirmed.
    await page.getByTestId('hh-edit-open').click();
    await page.getByTestId('hh-edit-address').fill('十里街道某村2组（虚构）');
    await page.getByTestId('hh-edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="household-address"]')?.textContent === '十里街道某村2组（虚构）', null, { timeout: 15_000 });

    // Damage in the newest event: more dead than members is refused beside the field ...
    await ready(page, 'damage-card');
    await page.getByTestId('damage-none').waitFor();
    await page.getByTestId('damage-house_damage').selectOption('severe');
    await page.getByTestId('damage-damaged_rooms').fill('2');
    await page.getByTestId('damage-emergency_persons').fill('3');
    await page.getByTestId('damage-dead').fill('9');
    await page.getByTestId('damage-submit').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('damage-dead-error').waitFor({ state: 'visible', timeout: 15_000 });
    // ... and a fitting record is stored and shown.
    await page.getByTestId('damage-dead').fill('0');
    await page.getByTestId('damage-injured').fill('1');
    await page.getByTestId('damage-submit').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="damage-shown-emergency_persons"]')?.textContent === '3', null, { timeout: 15_000 });
    assert.equal(await page.getByTestId('damage-shown-injured').innerText(), '1');
    assert.match(await page.getByTestId('damage-submit').innerText(), /替换/, 'the form now replaces the record');
    await shoot(page, 'household');
    await shoot(page, 'household-damage', { at: 'damage-card' });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the event page offers the statutory registers as CSV and XLSX', { timeout: 180_000 }, async (t) => {
  const manager = await token('manager');
  const events = (await call(manager, 'GET', '/events')).body;
  const event = events.find((e) => e.status === 'active') ?? events[0];
  const probe = await call(manager, 'GET', `/exports/registers/dead-missing?event_id=${event.id}&format=csv`).catch(() => ({ status: 0 }));
  if (probe.status === 404) {
    t.skip('this server has no register exports yet');
    return;
  }
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    for (const role of ['manager', 'auditor']) {
      await signIn(page, role);
      await page.goto(`${BASE}#/events/${event.id}`);
      await page.getByTestId('register-buttons').waitFor({ timeout: 30_000 });
      // Each authority's response in force, side by side (the city's own level is the banner).
      const { body: summary } = await call(manager, 'GET', `/events/${event.id}/summary?level=city`);
      if (summary.responses.length) {
        const line = await page.getByTestId('event-responses').textContent();
        const names = { national: '国家', provincial: '省级', city: '市级', county: '县级' };
        for (const r of summary.responses) assert.ok(line.includes(names[r.authority]), `${r.authority} in "${line}"`);
      }
      for (const register of ['dead-missing', 'damaged-houses']) {
        for (const format of ['csv', 'xlsx']) {
          const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`register-${register}-${format}`).click()]);
          assert.match(download.suggestedFilename(), new RegExp(`\\.${format}$`));
          const bytes = await readFile(await download.path());
          assert.ok(bytes.length > 0, `${register}.${format} is not empty`);
          if (format === 'xlsx') assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
        }
      }
    }
    await shoot(page, 'event-registers');
    // The assessor has them beside the verification queue.
    await signIn(page, 'assessor');
    await page.goto(`${BASE}#/events/${event.id}/verify`);
    await page.getByTestId('register-dead-missing-csv').waitFor({ timeout: 30_000 });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});
