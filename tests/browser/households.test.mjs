// Households, grant lists and the public disclosure page, against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test households.test.mjs
// Re-runnable on the same server: a published list is created through the API only when none is
// on disclosure yet; the objection may meet the server's rate limit (its message is then shown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, ensureDisclosure, token } from './fixtures.mjs';
import { BASE, ORIGIN, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts');
// An unmasked resident ID number: 17 digits and a digit or X, not inside a longer number.
const FULL_ID = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/;



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

/** A valid resident ID number (GB 11643 check digit) that no earlier run used. */
function freshIdNumber() {
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(Math.random() * 60 * 365) * 86_400_000);
  const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `360402${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

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

    await links.first().click();
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
