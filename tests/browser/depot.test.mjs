// Browser test of the depot keeper's screen, run against a live server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test
// The demo `depot` user is bound to the city depot; the depot and the item are found through
// the API and the UI, never by hard-coded ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BASE, ORIGIN, REPO_ROOT, openBrowser } from './harness.mjs';

const SCREENSHOT = path.join(REPO_ROOT, 'tests/artifacts/depot-keeper.png');
const USERNAME = process.env.JIUZAI_DEPOT_USER || 'depot';
const PASSWORD = process.env.JIUZAI_PASSWORD || 'demo';



/** Today + n days as YYYY-MM-DD in Asia/Shanghai. */
function shanghaiDatePlus(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** GET an API path with the page's own session token. */
function apiGet(page, p) {
  return page.evaluate(async (url) => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const res = await fetch(url, { headers: { Authorization: `Bearer ${s.token}` } });
    return { status: res.status, body: await res.json() };
  }, `/api/v1${p}`);
}

/** On-hand figure of an item in the stock table (0 when the item has no row yet). */
async function onHand(page, item) {
  const cell = page.getByTestId(`stock-${item}-on_hand`);
  if ((await cell.count()) === 0) return 0;
  return Number(await cell.getAttribute('data-value'));
}

async function waitOnHand(page, item, expected) {
  await page.waitForFunction(
    ([code, want]) => Number(document.querySelector(`[data-testid="stock-${code}-on_hand"]`)?.getAttribute('data-value')) === want,
    [item, expected],
    { timeout: 20_000 },
  );
}

test('depot keeper receives, issues, is refused an over-issue and sees the ledger', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ height: 1000 });
  const { page } = b;
  try {
    // ---- sign in: a depot keeper lands on their own depot -------------------------------
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('login-username').fill(USERNAME);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();

    await page.waitForURL(/#\/depots\/\d+$/, { timeout: 30_000 });
    const screen = page.getByTestId('depot-screen');
    await page.waitForSelector('[data-testid="depot-screen"][data-ready="true"]', { timeout: 30_000 });
    const depotId = Number(await screen.getAttribute('data-depot-id'));

    const me = await apiGet(page, '/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'depot_staff');
    assert.ok(Array.isArray(me.body.depot_ids) && me.body.depot_ids.length > 0, 'the depot keeper is bound to a depot');
    assert.equal(depotId, me.body.depot_ids[0], 'landed on the first of the user’s depots');

    const depot = await apiGet(page, `/depots/${depotId}`);
    assert.equal(depot.status, 200);
    assert.equal(depot.body.tier, 'city', 'the demo depot user is bound to the city depot');
    assert.equal((await page.getByTestId('depot-name').textContent())?.trim(), depot.body.name);

    // ---- pick an item from the catalogue the receipt form offers ------------------------
    const items = await apiGet(page, '/items');
    assert.equal(items.status, 200);
    assert.ok(items.body.length > 0, 'the catalogue has items');
    const offered = await page.getByTestId('receipt-item').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    const stock = await apiGet(page, `/depots/${depotId}/stock`);
    const held = new Set(stock.body.map((r) => r.item));
    // Prefer an item the depot already holds (its row is on screen), else any catalogue item.
    const item = offered.find((c) => held.has(c)) ?? offered[0];
    assert.ok(item, 'the receipt form offers an item');
    const unitName = items.body.find((i) => i.code === item)?.name_zh;

    const before = await onHand(page, item);
    const lot = `T${Date.now().toString(36).toUpperCase()}`;

    // ---- client-side validation: decimals are refused before anything is sent ----------------
    await page.getByTestId('tab-receipt').click();
    await page.getByTestId('receipt-item').selectOption(item);
    await page.getByTestId('receipt-quantity').fill('2.5');
    const postsBefore = b.requests.filter((r) => r.method() === 'POST' && r.url().includes('/movements')).length;
    await page.getByTestId('receipt-submit').click();
    await page.getByTestId('receipt-error-quantity').waitFor({ state: 'visible', timeout: 5_000 });
    assert.match((await page.getByTestId('receipt-error-quantity').textContent()) ?? '', /整数/);
    assert.equal(b.requests.filter((r) => r.method() === 'POST' && r.url().includes('/movements')).length, postsBefore, 'no request for an invalid form');

    // ---- receive 10 with a new lot --------------------------------------------------------------
    await page.getByTestId('receipt-quantity').fill('10');
    await page.getByTestId('receipt-lot').fill(lot);
    await page.getByTestId('receipt-expires_on').fill(shanghaiDatePlus(400));
    await page.getByTestId('receipt-source').selectOption('procured');
    await page.getByTestId('receipt-note').fill('浏览器测试入库');
    const receiptResponse = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/depots/${depotId}/movements`));
    await page.getByTestId('receipt-submit').click();
    const receipt = await receiptResponse;
    assert.equal(receipt.status(), 201, `receipt answered ${receipt.status()}: ${await receipt.text()}`);
    const key = receipt.request().headers()['idempotency-key'];
    assert.match(key ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID Idempotency-Key');
    await waitOnHand(page, item, before + 10);
    await page.getByTestId(`lot-${lot}`).waitFor({ state: 'visible', timeout: 10_000 });
    const toastText = await page.getByTestId('toast').last().textContent();
    assert.ok(toastText?.includes(lot), `the toast confirms the receipt (${toastText})`);

    // ---- stock issue (出库) of 3 units from that lot -----------------------------------------------
    await page.getByTestId('tab-issue').click();
    await page.getByTestId('issue-item').selectOption(item);
    await page.getByTestId('issue-lot').selectOption(lot);
    await page.getByTestId('issue-quantity').fill('3');
    await page.getByTestId('issue-note').fill('浏览器测试出库');
    const issueResponse = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/depots/${depotId}/movements`));
    await page.getByTestId('issue-submit').click();
    const issued = await issueResponse;
    assert.equal(issued.status(), 201, `issue answered ${issued.status()}: ${await issued.text()}`);
    assert.notEqual(issued.request().headers()['idempotency-key'], key, 'a new key for a new submission');
    await waitOnHand(page, item, before + 7);

    // ---- issue far more than available: the conflict is explained with the amount available ------
    const available = Number((await page.getByTestId(`stock-${item}-available`).textContent())?.replace(/[^\d]/g, ''));
    assert.ok(Number.isFinite(available));
    await page.getByTestId('issue-item').selectOption(item);
    await page.getByTestId('issue-lot').selectOption('');
    await page.getByTestId('issue-quantity').fill(String(available + 100_000));
    const conflictResponse = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/depots/${depotId}/movements`));
    await page.getByTestId('issue-submit').click();
    const conflict = await conflictResponse;
    assert.equal(conflict.status(), 409);
    const conflictBody = await conflict.json();
    assert.equal(conflictBody.error.code, 'conflict');
    // The server says how much is available; the form says so in the user's language beside the quantity.
    assert.equal(conflictBody.error.details?.available, available);
    const shown = page.getByTestId('issue-error-quantity');
    await shown.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await shown.textContent()) ?? '';
    assert.ok(text.includes('可用数量不足') && text.replace(/[^\d]/g, '').includes(String(available)), `the amount available is shown: ${text}`);
    assert.equal(await onHand(page, item), before + 7, 'nothing was issued');

    // ---- the history shows both movements, newest first ---------------------------------------------
    const history = page.getByTestId('history-table');
    await history.locator(`tr[data-kind="issue"][data-item="${item}"][data-change="-3"]`).first().waitFor({ timeout: 10_000 });
    await history.locator(`tr[data-kind="receipt"][data-item="${item}"][data-change="10"]`).first().waitFor({ timeout: 10_000 });
    const firstRow = history.locator('tbody tr').first();
    assert.equal(await firstRow.getAttribute('data-kind'), 'issue');
    assert.ok(((await firstRow.textContent()) ?? '').includes(unitName ?? item));

    // the history filter narrows to receipts
    await page.getByTestId('history-kind').selectOption('receipt');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="history-table"] tbody tr[data-kind]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-kind') === 'receipt');
    }, null, { timeout: 10_000 });
    await page.getByTestId('history-kind').selectOption('');
    await history.locator('tbody tr[data-kind="issue"]').first().waitFor({ timeout: 10_000 });

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.getByTestId('tab-issue').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });

    const foreign = b.requests.map((r) => r.url()).filter((u) => !u.startsWith('data:') && new URL(u).origin !== ORIGIN);
    assert.deepEqual(foreign, [], `requests to other hosts: ${foreign.join(', ')}`);
    // The refused issue is logged by Chromium as a failed resource; nothing else may be.
    const unexpected = b.problems.filter((p) => !/status of 409/.test(p));
    assert.deepEqual(unexpected, [], 'no console errors or uncaught exceptions');
  } catch (e) {
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failed.png') }).catch(() => {});
    throw new Error(`${e.message}\nproblems: ${b.problems.join(' | ') || 'none'}`, { cause: e });
  } finally {
    await b.close();
  }
});
