// Cross-programme checks (交叉比对, issue #16) on screen, against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test checks.test.mjs
// The demo's city manager opens the checks from the case board and sees every kind the demo planted
// (in 湖口, and a double grant in the demo county), each finding in words (households by name and township, lists and amounts in yuan, the
// item), with the counts per status and kind. Narrowed to a township, the CSV download holds the
// same rows. A finding is marked resolved with a reason through the confirmation (an empty reason
// is refused first), and after a reload it is among the resolved ones, saying who and why. The
// screen is shot at 1440 and 390 px in both languages into tests/artifacts/checks/ (or SHOTS_DIR),
// never scrolling sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, ready, shotsInBothLanguages, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/checks');
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
const KINDS = ['person_in_two_households', 'bank_shared', 'double_grant', 'above_standard', 'grant_without_loss', 'stock_vs_served'];
/** 湖口, where the demo plants its findings. */
const HUKOU = '360429';

/** The untranslated keys a screen shows (checks.… / alerts.… / cases.… as text), none expected. */
const rawKeys = (page) => page.evaluate(() => (document.body.innerText.match(/\b(checks|alerts|cases)\.[a-zA-Z]+(\.[a-zA-Z_]+)?/g) ?? []).join(' '));
const shots = (page, name) => shotsInBothLanguages(page, SHOTS, name, rawKeys);
const finding = (page, key) => page.locator(`[data-testid="ck-finding"][data-key="${key}"]`);

test('cross-programme checks: the manager sees the demo findings, narrows them to a township, downloads them and resolves one', { timeout: 600_000 }, async () => {
  const manager = await token('manager');
  const all = await call(manager, 'GET', '/checks');
  assert.equal(all.status, 200, JSON.stringify(all.body));
  // In 湖口, but for the double grant: a household of the demo county's winter–spring campaign.
  for (const kind of KINDS) assert.ok(all.body.some((f) => f.kind === kind && (kind === 'double_grant' || f.area_code.startsWith(HUKOU))), `the demo plants ${kind}`);
  const open = all.body.filter((f) => f.status === 'open');
  const stock = all.body.find((f) => f.kind === 'stock_vs_served' && f.area_code.startsWith(HUKOU));
  const township = stock.area_code.slice(0, 9);

  const b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/cases`);
    await ready(page, 'cs-board-screen');
    await page.getByTestId('cs-checks-link').click();
    await ready(page, 'ck-screen');

    // ---- the counts and the findings in words ----------------------------------------------------
    assert.equal(await page.getByTestId('ck-count-open').getAttribute('data-count'), String(open.length));
    assert.equal(await page.getByTestId('ck-kind-all').getAttribute('data-count'), String(open.length));
    for (const kind of KINDS) {
      const n = open.filter((f) => f.kind === kind).length;
      assert.ok(n >= 1, `${kind} is open`);
      assert.equal(await page.getByTestId(`ck-kind-${kind}`).getAttribute('data-count'), String(n), kind);
    }
    const above = all.body.find((f) => f.kind === 'above_standard' && f.area_code.startsWith(HUKOU));
    const aboveText = await finding(page, above.key).getByTestId('ck-say').innerText();
    assert.match(aboveText, /^应急救助：名单 #\d+ 共发放 ¥[\d,]+\.\d\d，按标准应为 ¥[\d,]+\.\d\d，超出 ¥/, aboveText);
    const bank = all.body.find((f) => f.kind === 'bank_shared' && f.area_code.startsWith(HUKOU));
    const bankRecords = await page.getByTestId(`ck-records-${bank.key}`).innerText();
    for (const h of bank.households) assert.ok(bankRecords.includes(`${h.head_name}（`), `the household ${h.head_name} is named: ${bankRecords}`);
    assert.match(await finding(page, stock.key).getByTestId('ck-say').innerText(), /已收到毛巾被 \d+ 床/);
    const person = all.body.find((f) => f.kind === 'person_in_two_households' && f.area_code.startsWith(HUKOU));
    assert.match(await finding(page, person.key).getByTestId('ck-say').innerText(), /）是户主，却在一门受理案件 #\d+ 中作为申请人为.+（.+）申请救助/);
    // One kind at a time.
    await page.getByTestId('ck-kind-double_grant').click();
    assert.deepEqual([...new Set(await page.getByTestId('ck-finding').evaluateAll((lis) => lis.map((li) => li.dataset.kind)))], ['double_grant']);
    assert.match(page.url(), /kind=double_grant/);
    await page.getByTestId('ck-kind-all').click();
    await shots(page, 'checks-1440');

    // ---- one township, and its CSV file --------------------------------------------------------------
    await page.getByTestId('ck-area').selectOption(township);
    await page.locator(`[data-testid="ck-screen"][data-ready="true"][data-area="${township}"]`).waitFor();
    const inTownship = (await call(manager, 'GET', `/checks?status=open&area_code=${township}`)).body;
    assert.ok(inTownship.length >= 2, `the township holds several findings (${inTownship.length})`);
    const keys = await page.getByTestId('ck-finding').evaluateAll((lis) => lis.map((li) => li.dataset.key));
    assert.deepEqual(keys.sort(), inTownship.map((f) => f.key).sort());
    assert.ok((await page.getByTestId('ck-finding').evaluateAll((lis) => lis.map((li) => li.dataset.area))).every((a) => a.startsWith(township)));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ck-csv').click()]);
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, inTownship.length + 1, csv);
    for (const f of inTownship) assert.ok(csv.includes(f.key), `${f.key} in the CSV`);
    assert.ok(lines.slice(1).every((l) => l.includes(',open,')), 'only the open ones, as on screen');

    // ---- resolve one with a reason, through the confirmation --------------------------------------
    const key = stock.key;
    const row = finding(page, key);
    await row.getByTestId('ck-resolve').click();
    await page.getByTestId('ck-resolve-submit').click();
    await page.locator('[data-testid="ck-reason-error"]:not([hidden])').waitFor();
    assert.equal(await page.getByTestId('confirm-dialog').count(), 0, 'nothing asked without a reason');
    const reason = '应急响应初期名单尚未造册，已核实（虚构）';
    await page.getByTestId('ck-reason').fill(reason);
    await page.getByTestId('ck-resolve-submit').click();
    await page.getByTestId('confirm-dialog').waitFor();
    assert.ok((await page.getByTestId('confirm-dialog').innerText()).includes(reason));
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await page.reload();
    await ready(page, 'ck-screen');
    assert.equal(await page.getByTestId('ck-screen').getAttribute('data-area'), township, 'the area stays in the address');
    await page.getByTestId('ck-count-resolved').click();
    const resolved = await row.getByTestId('ck-resolution').innerText();
    assert.ok(resolved.includes('manager') && resolved.includes(reason), resolved);
    assert.equal(await row.getByTestId('ck-resolve').count(), 0, 'a resolved finding offers nothing to do');
    await shots(page, 'checks-resolved-1440');
    const after = (await call(manager, 'GET', `/checks?status=resolved&area_code=${township}`)).body;
    assert.deepEqual(after.map((f) => f.key), [key]);

    // ---- a phone -------------------------------------------------------------------------------------
    await page.getByTestId('ck-count-open').click();
    await page.setViewportSize(PHONE);
    await shots(page, 'checks-390');
    await page.getByTestId('ck-area').selectOption('');
    await page.locator('[data-testid="ck-screen"][data-ready="true"][data-area=""]').waitFor();
    await shots(page, 'checks-all-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
