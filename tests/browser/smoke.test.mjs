// Browser smoke tests of the dashboard, run against a live server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test
// Drives Debian's Chromium (/usr/bin/chromium); never downloads a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BASE, ORIGIN, REPO_ROOT, openBrowser } from './harness.mjs';

const SCREENSHOT = path.join(REPO_ROOT, 'tests/artifacts/smoke-map.png');
const USERNAME = process.env.JIUZAI_USER || 'admin';
const PASSWORD = process.env.JIUZAI_PASSWORD || 'demo';



/** Requests that left the app's origin (data: URLs stay in the page; blob: URLs carry their creator's origin). */
function foreignRequests(urls) {
  return urls.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:') return false;
    return url.origin !== ORIGIN;
  });
}

async function fillLogin(page, username, password) {
  await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

test('admin signs in and sees the county map, with no request leaving the origin', { timeout: 120_000 }, async () => {
  const b = await openBrowser();
  try {
    const { page } = b;
    await fillLogin(page, USERNAME, PASSWORD);

    try {
      await page.waitForFunction(() => document.body.dataset.countiesLoaded === '13', null, { timeout: 60_000 });
    } catch (e) {
      const seen = await page.evaluate(() => document.body.dataset.countiesLoaded ?? '(unset)').catch(() => '?');
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failed.png') }).catch(() => {});
      throw new Error(`countiesLoaded never became "13" (last: ${seen}); problems: ${b.problems.join(' | ') || 'none'}`, { cause: e });
    }

    // Header shows who is signed in; the side panel lists the 13 counties.
    assert.ok((await page.getByTestId('user-name').textContent())?.trim(), 'user name in the header');
    assert.equal(await page.locator('[data-testid="county-list"] li').count(), 13);

    const townships = await page.evaluate(async () => {
      const source = window.jiuzaiMap.getSource('townships');
      const data = await source.getData();
      return new Set(data.features.map((f) => f.properties.code)).size;
    });
    assert.ok(townships >= 100, `expected at least 100 township features, got ${townships}`);

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    const foreign = foreignRequests(b.requests.map((r) => r.url()));
    assert.deepEqual(foreign, [], `requests to other hosts: ${foreign.join(', ')}`);
    // Covers CSP violations, style/layer errors reported by MapLibre and uncaught exceptions.
    assert.deepEqual(b.problems, [], 'no console errors or uncaught exceptions');
  } finally {
    await b.close();
  }
});

test('a wrong password shows the server message and stays on the login screen', { timeout: 60_000 }, async () => {
  const b = await openBrowser();
  try {
    const { page } = b;
    await fillLogin(page, USERNAME, `${PASSWORD}-wrong`);
    const error = page.getByTestId('login-error');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await error.textContent())?.trim() ?? '';
    assert.ok(text.length > 0, 'an error message is shown');
    assert.ok(await page.getByTestId('login-form').isVisible(), 'still on the login form');
    assert.match(new URL(page.url()).hash, /^#\/login/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'no session stored');
    assert.equal(await page.evaluate(() => document.body.dataset.countiesLoaded), undefined);
    assert.deepEqual(foreignRequests(b.requests.map((r) => r.url())), []);
  } finally {
    await b.close();
  }
});

test('the language switch turns the UI to English and is remembered', { timeout: 60_000 }, async () => {
  const b = await openBrowser();
  try {
    const { page } = b;
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('#login-submit').textContent(), '登录');
    await page.getByTestId('lang-switch').click();
    assert.equal(await page.locator('#login-submit').textContent(), 'Sign in');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('#login-submit').textContent(), 'Sign in');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  } finally {
    await b.close();
  }
});
