// Winter–spring relief on screen (issue #15 item 7), against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test winterspring.test.mjs
// The demo seeds campaign 1 (2026, city 360400) with need records in the flood's townships; county
// 360404 (柴桑区) submitted its figures late, the other counties are overdue. The manager opens the
// campaign and sees that; the caseworker (township 360404001) files a need at 390×844 from the
// households to visit and finds it in the need records; the county may submit its figures but not
// accept them; the manager (the city) accepts them after the confirmation, and a need filed in that
// county then shows the server's 409 in the user's language. Shots at 1440×900 and 390×844 in both
// languages go to tests/artifacts/winterspring/ (or SHOTS_DIR). Run on a fresh server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/winterspring');
const CAMPAIGN = 1;
const COUNTY = '360404';
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

const ready = (page, screen) => page.locator(`[data-testid="${screen}"][data-ready="true"]`).first().waitFor({ timeout: 30_000 });
const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
};
const noOverflow = async (page, what) => {
  const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(extra <= 0, `${what}: the page scrolls sideways by ${extra}px`);
};
/**
 * Shots in both languages, back in Chinese after: the window, and (`whole`) the whole screen, taken
 * in a window as tall as it (the screens scroll inside the shell, so a full-page shot shows the
 * window only).
 */
async function shots(page, name, whole = false) {
  await mkdir(SHOTS, { recursive: true });
  const size = page.viewportSize();
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang);
    await page.waitForTimeout(200);
    await noOverflow(page, `${name} (${lang})`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}.png`) });
    if (!whole) continue;
    const height = await page.evaluate(() => {
      const screen = document.querySelector('.page');
      return Math.ceil((screen?.scrollHeight ?? 0) + (screen?.getBoundingClientRect().top ?? 0));
    });
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `${name}-whole-${lang}.png`) });
    await page.setViewportSize(size);
  }
  await setLang(page, 'zh');
}

const campaignScreen = (page) => ready(page, 'ws-campaign-screen');
const figuresAt = (page, level) => page.locator(`[data-testid="ws-campaign-screen"][data-figures="${level}"]`).waitFor({ timeout: 30_000 });

/** Fill the need form with a valid record for a household of `members`. */
async function fillNeed(page, members) {
  await page.getByTestId('ws-persons').fill(String(members));
  await page.getByTestId('ws-class-class_two').check();
  await page.getByTestId('ws-food').fill('4');
  await page.getByTestId('ws-clothing').fill(String(members));
  await page.getByTestId('ws-quilts').fill('1');
  await page.getByTestId('ws-heating').check();
  await page.getByTestId('ws-reason').fill('房屋倒塌，口粮被冲毁（浏览器测试）');
}

test('winter–spring: the campaign, the survey on a phone, the county figures accepted and locked', { timeout: 300_000 }, async () => {
  const manager = await token('manager');
  const summary = (await call(manager, 'GET', `/winter-spring/campaigns/${CAMPAIGN}/summary?level=county`)).body;
  const chaisang = summary.areas.find((a) => a.area_code === COUNTY);
  assert.ok(chaisang?.late && chaisang.submission?.status === 'submitted', 'the demo county submitted late');
  const others = summary.areas.filter((a) => a.area_code !== COUNTY);
  assert.ok(others.length && others.every((a) => a.overdue), 'the other counties are overdue');

  // ---- the manager opens the campaign: the county table, the map, the deadlines -------------------
  let b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    await page.getByTestId('nav-winter-spring').click();
    await ready(page, 'ws-list-screen');
    await page.getByTestId(`ws-campaign-link-${CAMPAIGN}`).click();
    await campaignScreen(page);
    await figuresAt(page, 'county');
    const row = page.getByTestId(`ws-row-${COUNTY}`);
    assert.equal(await row.getAttribute('data-state'), 'late');
    assert.match(await row.innerText(), /柴桑区/);
    assert.equal((await page.getByTestId(`ws-state-${COUNTY}`).innerText()).trim(), '逾期上报');
    for (const a of others) assert.equal(await page.getByTestId(`ws-row-${a.area_code}`).getAttribute('data-state'), 'overdue', a.area_name);
    // Overdue counties come first, then the late one.
    const order = await page.locator('[data-testid="ws-figures"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.state));
    assert.deepEqual(order, [...others.map(() => 'overdue'), 'late']);
    // The persons and the amount in yuan, from the summary's integers.
    assert.equal(await row.locator('[data-col="persons"]').innerText(), String(chaisang.figures.persons));
    const yuan = `¥${Math.trunc(chaisang.figures.amount_fen / 100).toLocaleString('en')}.${String(chaisang.figures.amount_fen % 100).padStart(2, '0')}`;
    assert.equal(await row.locator('[data-col="amount"]').innerText(), yuan);
    assert.equal(await page.getByTestId('ws-deadline-county').locator('[data-state]').getAttribute('data-state'), 'overdue');
    await page.locator('[data-testid="ws-map"][data-townships]').waitFor({ timeout: 30_000 });
    assert.ok(Number(await page.getByTestId('ws-map').getAttribute('data-townships')) > 5, 'townships with need on the map');
    // The counties that sent nothing by their deadline are outlined on the map; 柴桑区 sent late.
    const outlined = await page.evaluate(() => window.jiuzaiMap.querySourceFeatures('ws-counties').filter((f) => f.properties.overdue).map((f) => f.properties.code));
    assert.ok(outlined.length >= 10 && !outlined.includes('360404'), `overdue counties outlined: ${outlined}`);
    await shots(page, 'campaign-1440', true);
    await page.getByTestId('ws-level-township').click();
    await figuresAt(page, 'township');
    assert.ok((await page.locator('[data-testid="ws-figures"] tbody tr').count()) > 5);
    await shots(page, 'campaign-townships-1440', true);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the caseworker, on a phone: from the households to visit to the need records ---------------
  const caseworker = await token('caseworker');
  const proposals = (await call(caseworker, 'GET', `/winter-spring/campaigns/${CAMPAIGN}/proposals`)).body;
  assert.ok(proposals.length >= 2, 'households to visit in the township');
  const [first, second] = proposals;
  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    const menu = page.getByTestId('nav-menu-button');
    await menu.click();
    await page.getByTestId('nav-winter-spring').click();
    await ready(page, 'ws-list-screen');
    await page.getByTestId(`ws-campaign-link-${CAMPAIGN}`).click();
    await campaignScreen(page);
    const card = page.getByTestId('ws-proposals-card');
    await page.locator('[data-testid="ws-proposals-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await card.getByTestId('list-search').fill(first.name.replace(/\*/g, ''));
    await shots(page, 'proposals-390', true);
    await card.getByTestId(`ws-file-${first.household_id}`).click();
    await ready(page, 'ws-need-form-screen');
    assert.equal(await page.getByTestId('ws-household-chosen').getAttribute('data-household-id'), String(first.household_id));

    // The form's own checks, as the server's: persons above the members, grain over 8 months, no need.
    await page.getByTestId('ws-persons').fill(String(first.members + 1));
    await page.getByTestId('ws-food').fill('9');
    await page.getByTestId('ws-submit-need').click();
    await page.getByTestId('ws-persons-field-error').waitFor();
    assert.match(await page.getByTestId('ws-persons-field-error').innerText(), /不能超过家庭人口/);
    assert.match(await page.getByTestId('ws-food-field-error').innerText(), /0–8/);
    assert.match(await page.getByTestId('ws-category-field-error').innerText(), /困难类别/);
    await page.getByTestId('ws-persons').fill(String(first.members));
    await page.getByTestId('ws-food').fill('0');
    await page.getByTestId('ws-class-class_two').check();
    await page.getByTestId('ws-reason').fill('x');
    await page.getByTestId('ws-submit-need').click();
    await page.getByTestId('ws-needs-error').waitFor();
    assert.match(await page.getByTestId('ws-needs-error').innerText(), /至少填写一项需求/);
    await shots(page, 'need-form-errors-390', true);

    await fillNeed(page, first.members);
    await shots(page, 'need-form-390', true);
    await page.getByTestId('ws-submit-need').click();
    await page.locator('[data-testid="ws-campaign-screen"][data-view="needs"]').waitFor({ timeout: 30_000 });
    const needs = page.getByTestId('ws-needs-card');
    await page.locator('[data-testid="ws-needs-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await needs.getByTestId('list-search').fill(first.name.replace(/\*/g, ''));
    const mine = needs.locator(`tr[data-household="${first.household_id}"]`);
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-status'), 'applied');
    assert.ok(await mine.locator('[data-testid^="ws-need-edit-"]').isVisible(), 'editable until the village assesses it');
    await shots(page, 'needs-390', true);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the county sends its figures up but cannot accept them --------------------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'county');
    await page.goto(`${BASE}/#/winter-spring/${CAMPAIGN}`);
    await campaignScreen(page);
    await figuresAt(page, 'county');
    await page.getByTestId(`ws-row-${COUNTY}`).waitFor();
    assert.ok(await page.getByTestId(`ws-submit-${COUNTY}`).isVisible(), 'the county submits its own figures');
    assert.equal(await page.locator('[data-testid^="ws-accept-"]').count(), 0, 'the county accepts nothing');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the city accepts the county's figures after the confirmation --------------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    await page.goto(`${BASE}/#/winter-spring/${CAMPAIGN}`);
    await campaignScreen(page);
    await figuresAt(page, 'county');
    await page.getByTestId(`ws-accept-${COUNTY}`).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    const now = (await call(manager, 'GET', `/winter-spring/campaigns/${CAMPAIGN}/summary?level=county`)).body.areas.find((a) => a.area_code === COUNTY);
    assert.equal(await dialog.getByTestId('confirm-persons').innerText(), String(now.figures.persons), 'the confirmation states the figures');
    assert.match(await dialog.innerText(), /柴桑区/);
    await page.screenshot({ path: path.join(SHOTS, 'accept-confirm-1440-zh.png') });
    await page.getByTestId('confirm-ok').click();
    await page.locator(`[data-testid="ws-row-${COUNTY}"][data-state="accepted"]`).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId(`ws-submit-${COUNTY}`).count(), 0, 'no submission after the acceptance');
    // A return needs its reason: the button waits for one.
    const other = others[0].area_code;
    assert.equal(await page.getByTestId(`ws-return-${other}`).count(), 0, 'nothing submitted to return');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- a need filed in the accepted county: the server's 409, in the reader's language ------------
  b = await openBrowser({ ...PHONE, consoleErrors: false });
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await page.goto(`${BASE}/#/winter-spring/${CAMPAIGN}/needs/new?household=${second.household_id}&event=${second.event_id}`);
    await ready(page, 'ws-need-form-screen');
    await fillNeed(page, second.members);
    await page.getByTestId('ws-submit-need').click();
    const error = page.locator('[data-testid="ws-form-error"][data-status="409"]');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /柴桑区 360404.*已锁定/);
    await setLang(page, 'en');
    assert.match(await error.innerText(), /locked/);
    // The place name stays as it is; the rest is English.
    assert.doesNotMatch((await error.innerText()).replace('柴桑区', ''), /[\u4e00-\u9fff]/, 'no Chinese left in English');
    await shots(page, 'need-locked-390', true);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
