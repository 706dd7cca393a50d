// Winter–spring payment phases and aid received (issue #15 items 5 and 7), against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test payments.test.mjs
// The demo sets county 360404's phases to the defaults (冬令 50% from 1 December, 春荒 50% from
// 1 March) and drafts the first phase's list, and records one household's 棉被2床 as received. The
// county (360404's reviewer) sees both phases with the drafted list, and its phase editor refuses
// shares adding up to 90% with the sum shown, and the server's 409 (a list pays a phase) in the
// user's language; it drafts the second phase's list after the confirmation. The caseworker, on a
// phone, records goods received and finds them in the list. Shots at 1440×900 and 390×844 in both
// languages go to tests/artifacts/payments/ (or SHOTS_DIR). Run on a fresh server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/payments');
const CAMPAIGN = 1;
const COUNTY = '360404';
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
};
const noOverflow = async (page, what) => {
  const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(extra <= 0, `${what}: the page scrolls sideways by ${extra}px`);
};
/** The whole screen in both languages (taken in a window as tall as it: the screens scroll inside the shell), back in Chinese after. */
async function shots(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const size = page.viewportSize();
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang);
    await page.waitForTimeout(200);
    await noOverflow(page, `${name} (${lang})`);
    const height = await page.evaluate(() => {
      const screen = document.querySelector('.page');
      return Math.ceil((screen?.scrollHeight ?? 0) + (screen?.getBoundingClientRect().top ?? 0));
    });
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}.png`) });
    await page.setViewportSize(size);
  }
  await setLang(page, 'zh');
}

async function openPayments(page) {
  await page.goto(`${BASE}/#/winter-spring/${CAMPAIGN}?view=payments`);
  await page.locator('[data-testid="ws-campaign-screen"][data-view="payments"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="ws-phases-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="ws-received-card"][data-ready="true"]').waitFor({ timeout: 30_000 });
}

test('winter–spring payments: the phases with their lists, the editor refusing 90%, aid received on a phone', { timeout: 300_000 }, async () => {
  const county = await token('county');
  const phases = (await call(county, 'GET', `/winter-spring/campaigns/${CAMPAIGN}/phases?area_code=${COUNTY}`)).body;
  assert.deepEqual(
    phases.map((p) => [p.name, p.share_bp, p.lists.length]),
    [
      ['冬令', 5000, 1],
      ['春荒', 5000, 0],
    ],
    'the demo county has the default phases, the first one drafted',
  );
  const [winter, spring] = phases;
  const list = winter.lists[0];

  // ---- the county: its two phases, the first one's drafted list -----------------------------------
  let b = await openBrowser({ ...DESK, consoleErrors: false });
  try {
    const { page, problems, requests } = b;
    await signIn(page, 'county');
    await openPayments(page);
    assert.equal(await page.getByTestId('ws-phases-card').getAttribute('data-county'), COUNTY);
    assert.equal(await page.locator('[data-testid^="ws-phase-name-"]').count(), 2);
    assert.equal(await page.getByTestId(`ws-phase-name-${winter.id}`).innerText(), '冬令');
    assert.equal(await page.getByTestId(`ws-phase-name-${spring.id}`).innerText(), '春荒');
    assert.equal(await page.getByTestId(`ws-phase-share-${winter.id}`).innerText(), '占 50%');
    assert.match(await page.getByTestId(`ws-phase-from-${winter.id}`).innerText(), /2026-12-01/);
    const line = page.getByTestId(`ws-phase-list-${list.list_id}`);
    assert.equal(await line.getAttribute('data-status'), 'draft');
    assert.match(await line.innerText(), /草稿/);
    assert.match(await line.innerText(), new RegExp(`${list.households} 户`));
    assert.equal(await page.getByTestId(`ws-phase-list-link-${list.list_id}`).getAttribute('href'), `#/grants/${list.list_id}`);
    // The drafted phase offers no second draft; the other one does.
    assert.equal(await page.getByTestId(`ws-phase-draft-${winter.id}`).count(), 0);
    assert.ok(await page.getByTestId(`ws-phase-draft-${spring.id}`).isVisible());
    await shots(page, 'phases-county-1440');

    // The editor: 50 + 40 is refused before anything is sent, with the sum shown.
    await page.getByTestId('ws-phases-edit').click();
    await page.getByTestId('ws-phase-editor').waitFor();
    assert.equal(await page.getByTestId('ws-phase-sum').innerText(), '合计 100%');
    await page.getByTestId('ws-phase-1-share').fill('40');
    assert.equal(await page.getByTestId('ws-phase-sum').innerText(), '合计 90%');
    const puts = () => requests.filter((r) => r.method() === 'PUT' && r.url().includes('/phases')).length;
    await page.getByTestId('ws-phases-save').click();
    await page.getByTestId('ws-phases-sum-error').waitFor();
    assert.match(await page.getByTestId('ws-phases-sum-error').innerText(), /合计须为 100%，现为 90%/);
    assert.equal(puts(), 0, 'nothing sent');
    await setLang(page, 'en');
    assert.match(await page.getByTestId('ws-phases-sum-error').innerText(), /add up to 90%/);
    assert.equal(await page.getByTestId('ws-phase-sum').innerText(), 'Total 90%');
    await setLang(page, 'zh');
    await shots(page, 'phases-editor-90-1440');
    // Back to 100%: the server refuses, a list paying the first phase already (409), in words.
    assert.ok(await page.getByTestId('ws-phases-locked').isVisible(), 'the editor says the phases are in use');
    await page.getByTestId('ws-phase-1-share').fill('50');
    await page.getByTestId('ws-phases-save').click();
    const refused = page.locator('[data-testid="ws-phases-error"][data-status="409"]');
    await refused.waitFor({ timeout: 30_000 });
    assert.equal(puts(), 1);
    assert.match(await refused.innerText(), /阶段不能再调整/);
    await setLang(page, 'en');
    assert.match(await refused.innerText(), /can no longer change/);
    await setLang(page, 'zh');
    await page.getByTestId('ws-phases-cancel').click();

    // Drafting the second phase: the confirmation names it and its share.
    await page.getByTestId(`ws-phase-draft-${spring.id}`).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /春荒/);
    assert.match(await dialog.innerText(), /50%/);
    await page.screenshot({ path: path.join(SHOTS, 'draft-confirm-1440-zh.png') });
    await page.getByTestId('confirm-ok').click();
    await page.locator(`[data-testid="ws-phase-${spring.id}"] [data-testid^="ws-phase-list-"][data-status="draft"]`).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId(`ws-phase-draft-${spring.id}`).count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the county on a phone: the editor fits ---------------------------------------------------------
  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'county');
    await openPayments(page);
    await shots(page, 'phases-county-390');
    await page.getByTestId('ws-phases-edit').click();
    await page.getByTestId('ws-phase-add').click();
    await page.getByTestId('ws-phase-2-name').fill('补发');
    await page.getByTestId('ws-phase-0-share').fill('45');
    assert.equal(await page.getByTestId('ws-phase-sum').innerText(), '合计 95%');
    await page.getByTestId('ws-phases-save').click();
    await page.getByTestId('ws-phases-sum-error').waitFor();
    await shots(page, 'phases-editor-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the caseworker, on a phone: goods received, then in the list -------------------------------
  const caseworker = await token('caseworker');
  const found = (await call(caseworker, 'GET', '/households?limit=1')).body.households[0];
  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await openPayments(page);
    // Read only for the caseworker: no editor, no drafting.
    assert.equal(await page.locator('[data-testid^="ws-phase-name-"]').count(), 2);
    assert.equal(await page.getByTestId('ws-phases-edit').isVisible(), false);
    assert.equal(await page.locator('[data-testid^="ws-phase-draft-"]').count(), 0);
    // The demo's 棉被2床 is there.
    assert.match(await page.getByTestId('ws-received').innerText(), /棉被2床/);
    const before = await page.locator('[data-testid^="ws-received-"][data-household]').count();

    // The form's own checks: nothing named, a value without goods.
    await page.getByTestId('ws-received-value').fill('80');
    await page.getByTestId('ws-received-submit').click();
    await page.getByTestId('ws-received-household-field-error').waitFor();
    assert.match(await page.getByTestId('ws-received-household-field-error').innerText(), /请选择户主/);
    assert.match(await page.getByTestId('ws-received-goods-error').innerText(), /物资或资金/);
    await shots(page, 'received-form-errors-390');

    await page.getByTestId('ws-received-household-q').fill(found.head_name.replace(/\*.*/, ''));
    await page.getByTestId('ws-received-household-find').click();
    await page.getByTestId(`ws-received-household-pick-${found.id}`).click();
    await page.getByTestId('ws-received-goods').fill('大米50公斤（浏览器测试）');
    await page.getByTestId('ws-received-value').fill('150.5');
    await page.getByTestId('ws-received-money').fill('200');
    await page.getByTestId('ws-received-submit').click();
    const row = page.locator(`[data-testid^="ws-received-"][data-household="${found.id}"]`, { hasText: '大米50公斤（浏览器测试）' });
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid^="ws-received-"][data-household]').count(), before + 1);
    assert.equal(await row.locator('[data-col="value"]').innerText(), '¥150.50');
    assert.equal(await row.locator('[data-col="money"]').innerText(), '¥200.00');
    // Sent as integer fen.
    const saved = (await call(caseworker, 'GET', `/winter-spring/campaigns/${CAMPAIGN}/received`)).body.find((r) => r.goods === '大米50公斤（浏览器测试）');
    assert.equal(saved.goods_value_fen, 15050);
    assert.equal(saved.money_fen, 20000);
    assert.equal(saved.household_id, found.id);
    await shots(page, 'received-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the city's manager at 1440: a county to choose ----------------------------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    await openPayments(page);
    assert.equal(await page.getByTestId('ws-pay-county').inputValue(), COUNTY, 'the county with phases first');
    await shots(page, 'payments-manager-1440');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
