// What every browser test shares: the server under test, Debian's Chromium started with the flags
// this closed network needs, and a fresh profile per browser. Never downloads a browser.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = process.env.JIUZAI_URL;
if (!BASE) throw new Error('set JIUZAI_URL to the running server, e.g. JIUZAI_URL=http://127.0.0.1:18080');
export const ORIGIN = new URL(BASE).origin;
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Without the network flags Chromium stalls on a closed network.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A fresh browser profile (own --user-data-dir) with one page. Records every request and the
 * page's errors in `problems` (console errors too, unless `consoleErrors` is false: some screens
 * log the server's expected 4xx answers). `serviceWorkers: 'block'` keeps the dashboard's worker
 * out, for a test that rewrites answers with page.route (which never sees the worker's fetches).
 */
export async function openBrowser({ width = 1440, height = 900, consoleErrors = true, serviceWorkers = 'allow' } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'jiuzai-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    serviceWorkers,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (consoleErrors) {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  }
  const close = async () => {
    await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  };
  return { context, page, requests, problems, close };
}

const PASSWORD = process.env.JIUZAI_PASSWORD || 'demo';

/** Sign in as a demo user through the login form (signing out first when someone is signed in). */
export async function signIn(page, username) {
  if (await page.getByTestId('logout-button').isVisible().catch(() => false)) {
    await page.getByTestId('logout-button').click();
  } else {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  }
  await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'attached', timeout: 30_000 });
}

/** GET an API path with the page's own session token: { status, body }. */
export function apiGet(page, p) {
  return page.evaluate(async (url) => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const res = await fetch(url, { headers: { Authorization: `Bearer ${s.token}` } });
    return { status: res.status, body: await res.json() };
  }, `/api/v1${p}`);
}

/** POST an API path with the page's own session token; answers { status, body }. */
export function apiPost(page, p, body) {
  return page.evaluate(
    async ([url, payload]) => {
      const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
      const r = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [`/api/v1${p}`, body],
  );
}

// ---- screens: readiness, language, width and shots ----------------------------------------------

/** Waits for a screen to say it is ready; the suite shares one server, so up to 60 s. */
export const ready = (page, screen) => page.locator(`[data-testid="${screen}"][data-ready="true"]`).first().waitFor({ timeout: 60_000 });
export const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
export const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').first().click();
};
/** Nothing sticks out past the window's right edge unless a box of its own clips it (as phone.test.mjs checks). */
export const noOverflow = async (page, what) => {
  const out = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > vw) found.push(`document ${document.documentElement.scrollWidth}px`);
    const pageLevel = (el) => el === document.documentElement || el === document.body || el.matches('#app, .app-shell, .workspace, .page, .public-page');
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || r.right <= vw + 1 || getComputedStyle(el).visibility === 'hidden') continue;
      let clipped = false;
      for (let a = el.parentElement; a && !pageLevel(a); a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + 1) {
          clipped = true;
          break;
        }
      }
      if (!clipped) found.push(`${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}.${String(el.className).split(' ')[0]} right=${Math.round(r.right)}`);
    }
    for (const el of document.querySelectorAll('.workspace, .page, .public-page')) if (el.scrollWidth > el.clientWidth + 1) found.push(`${el.className} scrolls sideways`);
    return found.slice(0, 8);
  });
  assert.deepEqual(out, [], `${what}: wider than the window`);
};
/**
 * Shots of the window and of the whole screen in both languages into `dir`, back in Chinese after;
 * each checked for width and for untranslated keys (`rawKeys(page)` answers them as text).
 */
export async function shotsInBothLanguages(page, dir, name, rawKeys) {
  await mkdir(dir, { recursive: true });
  const size = page.viewportSize();
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang);
    await page.waitForTimeout(250);
    await noOverflow(page, `${name} (${lang})`);
    assert.equal(await rawKeys(page), '', `${name} (${lang}): untranslated keys`);
    await page.screenshot({ path: path.join(dir, `${name}-${lang}.png`) });
    const height = await page.evaluate(() => {
      const screen = document.querySelector('.page, .public-page');
      return Math.ceil((screen?.scrollHeight ?? 0) + (screen?.getBoundingClientRect().top ?? 0));
    });
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(dir, `${name}-whole-${lang}.png`) });
    await page.setViewportSize(size);
  }
  await setLang(page, 'zh');
}
