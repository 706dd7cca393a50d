// Households, grant lists and the public disclosure page, against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test households.test.mjs
// Re-runnable on the same server: a published list is created through the API only when none is
// on disclosure yet; the objection may meet the server's rate limit (its message is then shown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, ensureDisclosure, freshIdNumber, token } from './fixtures.mjs';
import { BASE, ORIGIN, REPO_ROOT, apiGet, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts');
// An unmasked resident ID number: 17 digits and a digit or X, not inside a longer number.
const FULL_ID = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/;

/** Money as the screens show it: ¥1,234.50. */
const yuan = (fen) => `¥${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

/**
 * A fresh grant list taken through the workflow by the API as far as `upto`: 'submitted', or
 * 'published' with a disclosure that began ten days ago and has ended (so it can be paid).
 */
async function grantList(upto) {
  const manager = await token('manager');
  const reviewer = await token('reviewer');
  const events = (await call(manager, 'GET', '/events')).body;
  const event = events.find((e) => e.status === 'active') ?? events[0];
  const areas = [...new Set((await call(manager, 'GET', '/households?limit=500')).body.households.map((x) => x.area_code))];
  for (const aid of ['winter_spring', 'reconstruction', 'transitional', 'emergency', 'drought', 'bereavement']) {
    for (const area of areas) {
      const made = await call(manager, 'POST', '/grant-lists', { event_id: event.id, aid_type: aid, area_code: area });
      if (made.status !== 201) continue;
      if (!made.body.households) {
        await call(manager, 'POST', `/grant-lists/${made.body.id}/cancel`, {});
        continue;
      }
      const id = made.body.id;
      assert.equal((await call(manager, 'POST', `/grant-lists/${id}/submit`, {})).status, 200, 'submit');
      if (upto === 'published') {
        assert.equal((await call(reviewer, 'POST', `/grant-lists/${id}/approve`, {})).status, 200, 'approve');
        const start = new Date(Date.now() - 10 * 86_400_000).toISOString();
        const pub = await call(reviewer, 'POST', `/grant-lists/${id}/publish`, { start, days: 7 });
        assert.equal(pub.status, 200, `publish: ${JSON.stringify(pub.body)}`);
      }
      return { id, manager, reviewer, list: (await call(manager, 'GET', `/grant-lists/${id}`)).body };
    }
  }
  assert.fail('no grant list could be drafted for the demo event');
}

const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');

/** The open dialog in both languages and at a desktop and a phone size: tests/artifacts/{name}-{1440|phone}-{zh|en}.png. */
async function shootDialog(page, name, open) {
  await mkdir(ARTIFACTS, { recursive: true });
  for (const [size, viewport] of [['1440', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    await page.setViewportSize(viewport);
    for (const lang of ['zh', 'en']) {
      if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
      await open();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}-${lang}.png`) });
      await page.getByTestId('confirm-cancel').click();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: 10_000 });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  if (await isEnglish(page)) await page.getByTestId('lang-switch').click();
}

const actionCalls = (b, id) => b.requests.filter((r) => r.method() === 'POST' && new URL(r.url()).pathname.startsWith(`/api/v1/grant-lists/${id}/`)).map((r) => new URL(r.url()).pathname);

test('the reviewer is asked before returning or approving a grant list, and going back changes nothing', { timeout: 180_000 }, async () => {
  const { id, list } = await grantList('submitted');
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'reviewer');
    await page.goto(`${BASE}#/grants/${id}`);
    await page.locator('[data-testid="grant-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const status = async () => (await apiGet(page, `/grant-lists/${id}`)).body.status;

    // Returning: the reason is required, then shown in the dialog with a red button.
    await page.getByTestId('grant-reject').click();
    await page.getByTestId('grant-reject-confirm').click();
    assert.ok(await page.getByTestId('grant-reject-error').isVisible(), 'a return needs a reason');
    await page.getByTestId('grant-reject-reason').fill('第3组户数需复核（测试）');
    await page.getByTestId('grant-reject-confirm').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.getByTestId('confirm-reason').innerText(), '第3组户数需复核（测试）');
    assert.match(await page.getByTestId('confirm-ok').getAttribute('class'), /btn-danger/);
    assert.equal(await page.getByTestId('confirm-households').innerText(), String(list.households));
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await status(), 'submitted', 'going back returns nothing');

    // Approving: the aid type, area, households and total, then back, then yes.
    await page.getByTestId('grant-approve').click();
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.locator('#confirm-title').innerText(), new RegExp(`#${id}`));
    assert.equal(await page.getByTestId('confirm-households').innerText(), list.households.toLocaleString('en-US'));
    assert.equal(await page.getByTestId('confirm-total').innerText(), yuan(list.total_fen));
    assert.match(await page.getByTestId('confirm-area').innerText(), new RegExp(`（${list.area_code}）`), 'the area by name, its code beside');
    assert.equal(await page.getByTestId('confirm-aid-type').innerText(), await page.getByTestId('grant-meta-aidType').innerText());
    assert.match(await page.getByTestId('confirm-ok').getAttribute('class'), /btn-primary/);
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    // Escape goes back too.
    await page.getByTestId('grant-approve').click();
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await status(), 'submitted', 'going back approves nothing');
    assert.deepEqual(actionCalls(b, id), [], 'no workflow call was sent');

    await shootDialog(page, 'grant-confirm-approve', () => page.getByTestId('grant-approve').click());

    await page.getByTestId('grant-approve').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="grant-screen"][data-status="approved"]').waitFor({ timeout: 30_000 });
    assert.equal(await status(), 'approved');
    assert.deepEqual(actionCalls(b, id), [`/api/v1/grant-lists/${id}/approve`]);
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the manager is asked before marking a grant list paid: the period, the objections and the total', { timeout: 180_000 }, async () => {
  await ensureDisclosure();
  const { id, list } = await grantList('published');
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/grants/${id}`);
    await page.locator('[data-testid="grant-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const status = async () => (await apiGet(page, `/grant-lists/${id}`)).body.status;
    assert.ok(await page.getByTestId('grant-pay').isEnabled(), 'the disclosure has ended');

    await page.getByTestId('grant-pay').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.getByTestId('confirm-households').innerText(), list.households.toLocaleString('en-US'));
    assert.equal(await page.getByTestId('confirm-total').innerText(), yuan(list.total_fen));
    assert.equal(await page.getByTestId('confirm-period').innerText(), await page.getByTestId('grant-meta-period').innerText());
    assert.match(await page.getByTestId('confirm-objections').innerText(), /无异议|已全部答复/);
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await status(), 'published', 'going back pays nothing');
    assert.deepEqual(actionCalls(b, id), []);

    await shootDialog(page, 'grant-confirm-pay', () => page.getByTestId('grant-pay').click());

    await page.getByTestId('grant-pay').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="grant-screen"][data-status="paid"]').waitFor({ timeout: 30_000 });
    assert.equal(await status(), 'paid');
    assert.deepEqual(actionCalls(b, id), [`/api/v1/grant-lists/${id}/pay`]);
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the manager searches households and sees masked ID numbers only', { timeout: 120_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'manager');
    await page.getByTestId('nav-households').click();
    await page.locator('[data-testid="households-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('households-q').fill('某');
    await page.getByTestId('households-type').selectOption('dibao');
    await page.locator('[data-testid="households-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('households-submit').click();
    await page.locator('[data-testid="households-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const ids = await page.locator('[data-testid^="household-id-"]').allInnerTexts();
    assert.ok(ids.length > 0, 'the search finds households');
    for (const id of ids) assert.match(id.trim(), /^\d{4}\*+[0-9X]{4}$/, `masked ID number: ${id}`);
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, FULL_ID, 'no full ID number on the page');
    // Paging moves on and back.
    if (await page.getByTestId('households-next').isEnabled()) {
      await page.getByTestId('households-next').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="households-page"]')?.textContent?.includes('2'), null, { timeout: 30_000 });
      await page.locator('[data-testid="households-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    }
    await page.getByTestId('handoff-card').waitFor({ timeout: 10_000 });
    await page.evaluate(() => document.querySelector('.households-page')?.scrollTo(0, 0));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'households.png') });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the reporter imports a household file: a bad row stops it, skipping imports the rest', { timeout: 120_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    const name = `测${String.fromCharCode(0x4e00 + Math.floor(Math.random() * 2000))}户`;
    const csv = [
      '户主姓名,身份证号,家庭人口,区划代码,家庭住址',
      `${name},${freshIdNumber()},3,360402001,十里街道某村9组1号（虚构）`,
      `${name},360402199001011230,2,360402001,十里街道某村9组2号（虚构）`,
      `${name},${freshIdNumber()},4,360402001,十里街道某村9组3号（虚构）`,
    ].join('\n');
    const file = { name: '住户名单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') };
    await signIn(page, 'reporter');
    await page.getByTestId('nav-households').click();
    await page.getByTestId('import-card').waitFor({ timeout: 30_000 });

    // All or nothing (the default): the wrong check digit on row 3 stops the whole file.
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-card"][data-state="failed"]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('import-status').innerText(), /未导入任何住户/);
    const refused = await page.getByTestId('import-error-table').locator('tbody tr').allInnerTexts();
    assert.equal(refused.length, 1, refused.join('\n'));
    assert.match(refused[0], /^3\s+身份证号/);

    // Skipping invalid rows imports the two good ones, and the register shows them.
    await page.getByTestId('import-mode').selectOption('skip_invalid');
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-card"][data-state="done"]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('import-status').innerText(), /已导入 2 户，跳过 1 行/);
    await page.getByTestId('households-q').fill('测');
    await page.getByTestId('households-submit').click();
    await page.locator('[data-testid="households-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('[data-testid^="household-id-"]').count()) >= 2, 'the imported households are listed');
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, FULL_ID, 'no full ID number on the page');
    await page.getByTestId('import-card').scrollIntoViewIfNeeded();
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'household-import.png') });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the manager switches on the H3 hexagon layer of affected households', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'manager');
    await page.waitForFunction(() => document.body.dataset.countiesLoaded === '13', null, { timeout: 60_000 });
    await page.getByTestId('hex-layer-toggle').check();
    await page.waitForFunction(() => Number(document.body.dataset.hexLoaded) > 0, null, { timeout: 60_000 });
    assert.ok(await page.getByTestId('legend-hex-4').isVisible(), 'the legend lists the classes');
    assert.match(await page.getByTestId('hex-status').innerText(), /网格/);
    // Zoom to the cells, then read what the fill layer drew.
    const drawn = await page.evaluate(async () => {
      const map = window.jiuzaiMap;
      const fc = await map.getSource('household-hexagons').getData();
      let [w, s, e, n] = [180, 90, -180, -90];
      for (const f of fc.features) for (const [x, y] of f.geometry.coordinates[0]) [w, s, e, n] = [Math.min(w, x), Math.min(s, y), Math.max(e, x), Math.max(n, y)];
      map.fitBounds([[w, s], [e, n]], { padding: 60, animate: false });
      await new Promise((resolve) => map.once('idle', resolve));
      const rendered = map.queryRenderedFeatures({ layers: ['household-hex-fill'] });
      const affected = rendered.find((f) => f.properties.affected > 0) ?? rendered[0];
      const ring = affected.geometry.coordinates[0];
      const centre = ring.slice(0, -1).reduce(([x, y], [a, b]) => [x + a / (ring.length - 1), y + b / (ring.length - 1)], [0, 0]);
      const px = map.project(centre);
      return {
        type: map.getLayer('household-hex-fill').type,
        rendered: rendered.length,
        sent: fc.features.length,
        ringLength: ring.length,
        point: [px.x, px.y],
        cell: affected.properties.cell,
        households: affected.properties.households,
      };
    });
    assert.equal(drawn.type, 'fill', 'hexagons are filled polygons, not circles');
    assert.ok(drawn.rendered > 0, 'the fill layer has features on screen');
    assert.equal(drawn.ringLength, 7, 'hexagon rings: six corners and the first again');
    // The tooltip of the cell under the pointer shows its counts.
    const box = await page.locator('.maplibregl-canvas').boundingBox();
    await page.mouse.move(box.x + drawn.point[0], box.y + drawn.point[1]);
    const tip = page.getByTestId('hex-popup');
    await tip.waitFor({ state: 'visible', timeout: 10_000 });
    const tipText = await tip.innerText();
    assert.ok(tipText.includes(drawn.cell) && tipText.includes(String(drawn.households)), tipText);
    assert.doesNotMatch(await page.locator('body').innerText(), FULL_ID);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'households-hexagons.png') });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the public disclosure page opens without signing in and shows no full ID number', { timeout: 120_000 }, async () => {
  await ensureDisclosure();
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('public-link').click();
    await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const links = page.locator('[data-testid^="disclosure-link-"]');
    assert.ok((await links.count()) > 0, 'a published list is listed');
    assert.doesNotMatch(await page.locator('body').innerText(), FULL_ID);

    // A list still on disclosure, which takes objections.
    await page.locator('[data-testid^="disclosure-"][data-status="published"] [data-testid^="disclosure-link-"]').first().click();
    await page.getByTestId('disclosure-table').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const rows = await page.locator('[data-testid^="disclosure-line-"]').count();
    assert.ok(rows > 0, 'the list has lines');
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, FULL_ID, 'no 18-digit ID number on the public page');
    assert.match(text, /\d{4}\*+[0-9X]{4}/, 'masked ID numbers are shown');
    assert.match(text, /¥[\d,]+\.\d{2}/, 'amounts in yuan');
    // No token was ever sent: nobody signed in.
    assert.equal(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => /token|session/i.test(k)).length), 0);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'public-disclosure.png'), fullPage: false });

    // An objection: accepted, or the server's rate-limit message on a re-run.
    if (await page.getByTestId('objection-form').isVisible().catch(() => false)) {
      // The household is found by its masked name or ID digits, not picked from a drop-down.
      assert.equal(await page.locator('[data-testid="objection-form"] select').count(), 0, 'no drop-down of lines');
      const first = page.locator('[data-testid^="disclosure-line-"]').first();
      const grantId = (await first.getAttribute('data-testid')).replace('disclosure-line-', '');
      const masked = (await first.locator('td').nth(2).innerText()).trim();
      const search = page.getByTestId('objection-line-search');
      // A surname offers a few lines to pick from (the shot shows them).
      await search.fill((await first.locator('td').nth(1).innerText()).trim().slice(0, 1));
      await page.locator('[data-testid^="objection-pick-"]').first().waitFor({ timeout: 5_000 });
      await search.evaluate((el) => el.closest('.card')?.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(ARTIFACTS, 'public-objection-picks.png') });
      await search.fill(grantId);
      await page.getByTestId(`objection-pick-${grantId}`).waitFor({ timeout: 5_000 });
      await search.fill(masked);
      await page.getByTestId(`objection-pick-${grantId}`).click();
      assert.equal(await page.getByTestId('objection-line').getAttribute('data-grant-id'), grantId);
      assert.match(await page.getByTestId('objection-line-chosen').innerText(), new RegExp(masked.replaceAll('*', '\\*')));
      await search.evaluate((el) => el.closest('.card')?.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(ARTIFACTS, 'public-objection-search.png') });
      // Clearing goes back to the whole list; the search finds nothing for nonsense.
      await page.getByTestId('objection-line-clear').click();
      assert.equal(await page.getByTestId('objection-line').getAttribute('data-grant-id'), null);
      await search.fill('无此人');
      await page.getByTestId('objection-no-match').waitFor({ timeout: 5_000 });
      await search.fill(masked);
      await page.getByTestId(`objection-pick-${grantId}`).click();
      await page.getByTestId('objection-submit').click();
      await page.getByTestId('objection-message').waitFor({ state: 'visible', timeout: 10_000 });
      await page.getByTestId('objection-text').fill('浏览器测试：该户家庭人口与实际不符（测试数据）');
      await page.getByTestId('objection-submit').click();
      await page.waitForFunction(() => {
        const m = document.querySelector('[data-testid="objection-message"]');
        return m && !m.hidden && m.textContent && !/请填写|Give a reason/.test(m.textContent);
      }, null, { timeout: 15_000 });
    }
    assert.ok(!b.requests.map((r) => r.url()).some((u) => new URL(u).origin !== ORIGIN && !u.startsWith('data:') && !u.startsWith('blob:')), 'no request left the origin');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});
