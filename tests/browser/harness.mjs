// What every browser test shares: the server under test, Debian's Chromium started with the flags
// this closed network needs, and a fresh profile per browser. Never downloads a browser.
import { mkdtemp, rm } from 'node:fs/promises';
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
