// Browser test of the planning flow, run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test plans.test.mjs
// manager plans for event 1 (emergency) and submits → reviewer approves → the depot keeper
// dispatches the city depot's part (or the manager dispatches all) → the manager receives a
// shipment with a shortfall. Every run makes a new plan, so it can be run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BASE, REPO_ROOT, openBrowser } from './harness.mjs';

const SCREENSHOT = path.join(REPO_ROOT, 'tests/artifacts/plan-map.png');
const PASSWORD = process.env.JIUZAI_PASSWORD || 'demo';
const EVENT_ID = 1;



async function signIn(page, username) {
  if (await page.getByTestId('logout-button').isVisible().catch(() => false)) {
    await page.getByTestId('logout-button').click();
  } else {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  }
  await page.getByTestId('login-form').waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'visible', timeout: 30_000 });
}

function apiGet(page, p) {
  return page.evaluate(async (url) => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const res = await fetch(url, { headers: { Authorization: `Bearer ${s.token}` } });
    return { status: res.status, body: await res.json() };
  }, `/api/v1${p}`);
}

/** Fixture: a receipt of blankets into the city depot, so that every run has stock to plan (runs use it up). */
function restockCityDepot(page) {
  return page.evaluate(async () => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const res = await fetch('/api/v1/depots/1/movements', {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ kind: 'receipt', item: 'towel-quilt', quantity: 300, source: 'procured', note: 'plans.test.mjs' }),
    });
    return res.status;
  });
}

async function planStatus(page) {
  return page.getByTestId('plan-status').getAttribute('data-status');
}

async function waitStatus(page, status) {
  await page.locator(`[data-testid="plan-screen"][data-status="${status}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await planStatus(page), status);
}

test('plan → submit → approve → dispatch → receive, through the UI', { timeout: 240_000 }, async () => {
  const { page, problems, close } = await openBrowser({ height: 1000, consoleErrors: false });
  try {
    // 1. Manager plans for the demo event (emergency relief) and submits.
    await signIn(page, 'manager');
    assert.equal(await restockCityDepot(page), 201);
    await page.getByTestId('nav-plans').click();
    await page.locator('[data-testid="plans-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('plan-event').selectOption(String(EVENT_ID));
    await page.getByTestId('plan-aid').selectOption('emergency');
    await page.getByTestId('plan-create').click();
    await waitStatus(page, 'draft');
    const planId = Number(await page.getByTestId('plan-screen').getAttribute('data-plan-id'));
    assert.ok(planId > 0);
    assert.ok(Number((await page.getByTestId('total-lines').textContent()).replace(/\D/g, '')) > 0, 'the plan has lines');
    assert.ok((await page.getByTestId('plan-fill-table').locator('tbody tr').count()) > 0);
    // The map: flows drawn.
    await page.waitForFunction(() => Number(document.body.dataset.planMapLoaded) > 0, null, { timeout: 30_000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await page.getByTestId('plan-submit').click();
    await waitStatus(page, 'submitted');

    // 2. The reviewer finds it in the queue and approves.
    await signIn(page, 'reviewer');
    await page.getByTestId('nav-plans').click();
    await page.locator(`[data-testid="plan-row-${planId}"][data-status="submitted"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId(`plan-link-${planId}`).click();
    await waitStatus(page, 'submitted');
    assert.equal(await page.getByTestId('plan-submit').count(), 0, 'reviewers do not submit');
    await page.getByTestId('plan-approve').click();
    await waitStatus(page, 'approved');

    // 3. The city depot's keeper dispatches its part (the manager ships all when the city depot has none).
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    const cityHasPart = plan.lines.some((l) => l.depot_id === 1);
    if (cityHasPart) {
      await signIn(page, 'depot');
    } else {
      await signIn(page, 'manager');
    }
    await page.getByTestId('nav-shipments').click();
    await page.locator('[data-testid="shipments-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId(`dispatch-${planId}`).click();
    await page.getByTestId(`to-dispatch-${planId}`).waitFor({ state: 'detached', timeout: 30_000 });
    const shipped = (await apiGet(page, `/shipments?plan_id=${planId}`)).body;
    assert.ok(shipped.length > 0, 'shipments were created');
    if (cityHasPart) {
      assert.ok(shipped.every((s) => s.depot_id === 1), 'the keeper shipped the city depot part only');
      await page.locator(`[data-testid="outgoing"] [data-plan="${planId}"][data-status="in_transit"]`).first().waitFor({ timeout: 30_000 });
    }

    // 4. The manager receives one shipment with a shortfall of one unit on its first line.
    await signIn(page, 'manager');
    const ship = shipped[0];
    await page.getByTestId('nav-shipments').click();
    await page.locator('[data-testid="shipments-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const card = page.getByTestId(`shipment-${ship.id}`);
    await card.waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-status'), 'in_transit');
    const first = ship.lines[0];
    const input = page.getByTestId(`receive-${ship.id}-${first.item}`);
    assert.equal(await input.inputValue(), String(first.quantity), 'prefilled with the shipped quantity');
    await input.fill(String(Math.max(0, first.quantity - 1)));
    await page.getByTestId(`receive-submit-${ship.id}`).click();
    await page.locator(`[data-testid="shipment-${ship.id}"][data-status="received"]`).waitFor({ timeout: 30_000 });
    const after = (await apiGet(page, `/shipments?plan_id=${planId}`)).body.find((s) => s.id === ship.id);
    assert.equal(after.status, 'received');
    assert.equal(after.lines.find((l) => l.item === first.item).received, Math.max(0, first.quantity - 1));

    // The plan page shows the shipment as received.
    await page.goto(`${BASE}#/plans/${planId}`);
    await page.locator(`[data-testid="plan-shipment-${ship.id}"][data-status="received"]`).waitFor({ timeout: 30_000 });
    assert.ok(['approved', 'dispatched', 'completed'].includes(await planStatus(page)));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a manager draws, lists and deletes a blocked zone on the map', { timeout: 120_000 }, async () => {
  const { page, problems, close } = await openBrowser({ height: 1000, consoleErrors: false });
  try {
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/map?event=${EVENT_ID}`);
    await page.waitForFunction((id) => document.body.dataset.eventLoaded === String(id), EVENT_ID, { timeout: 60_000 });
    const section = page.getByTestId('blockages');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    const before = Number(await section.getAttribute('data-count'));
    await page.getByTestId('blockage-draw').click();
    const box = await page.getByTestId('map').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of [[-60, -40], [60, -40], [40, 50], [-50, 40]]) await page.mouse.click(cx + dx, cy + dy);
    await page.getByTestId('blockage-finish').click();
    const name = `测试阻断 ${Date.now()}`;
    await page.getByTestId('blockage-name').fill(name);
    await page.getByTestId('blockage-save').click();
    await page.locator(`[data-testid="blockages"][data-count="${before + 1}"]`).waitFor({ timeout: 30_000 });
    const fc = (await apiGet(page, `/events/${EVENT_ID}/blockages`)).body;
    const mine = fc.features.find((f) => f.properties?.name === name);
    assert.ok(mine, 'the zone was saved');
    assert.ok(['Polygon', 'MultiPolygon'].includes(mine.geometry.type));
    await page.screenshot({ path: path.join(REPO_ROOT, 'tests/artifacts/plan-blockage.png') });
    const id = mine.id ?? mine.properties.id;
    await page.getByTestId(`blockage-delete-${id}`).click();
    await page.locator(`[data-testid="blockages"][data-count="${before}"]`).waitFor({ timeout: 30_000 });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('funds: register money, plan by the cost split with scaling shown, approve, disburse', { timeout: 180_000 }, async () => {
  const { page, problems, close } = await openBrowser({ height: 1100, consoleErrors: false });
  try {
    await signIn(page, 'manager');
    await page.getByTestId('nav-plans').click();
    await page.locator('[data-testid="plans-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('plan-event').selectOption(String(EVENT_ID));

    // The pools card lists the demo's money; a bad amount is refused in the form, a good one registered.
    await page.locator('[data-testid="fund-pools"] tbody tr[data-testid^="fund-pool-"]').first().waitFor({ timeout: 30_000 });
    const poolsBefore = await page.locator('[data-testid="fund-pools"] tbody tr[data-testid^="fund-pool-"]').count();
    await page.getByTestId('pool-name').fill('县级倒损住房配套资金（浏览器测试）');
    await page.getByTestId('pool-level').selectOption('county');
    await page.getByTestId('pool-aid').selectOption('reconstruction');
    await page.getByTestId('pool-amount').fill('-3');
    await page.getByTestId('pool-add').click();
    assert.equal(await page.getByTestId('pool-error').isVisible(), true, 'a negative amount is refused before sending');
    await page.getByTestId('pool-amount').fill('300,000');
    await page.getByTestId('pool-add').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fund-pools"] tbody tr[data-testid^="fund-pool-"]').length === n + 1, poolsBefore, { timeout: 30_000 });

    // A funds plan for emergency aid under the national split: the central pool is short and scaled.
    await page.getByTestId('plan-kind').selectOption('funds');
    assert.ok(await page.locator('[data-testid="plan-aid"] option[value="reconstruction"]').count(), 'reconstruction is offered for funds');
    await page.getByTestId('plan-aid').selectOption('emergency');
    await page.getByTestId('plan-scope').selectOption('national');
    await page.getByTestId('plan-create').click();
    await waitStatus(page, 'draft');
    const planId = Number(await page.getByTestId('plan-screen').getAttribute('data-plan-id'));
    assert.equal(await page.getByTestId('funds-level-central').getAttribute('data-scaled'), 'true', 'the short central pool is scaled');
    assert.ok((await page.locator('[data-testid="plan-fill-table"] tbody tr').count()) > 0);
    assert.match(await page.getByTestId('total-demand').textContent(), /¥/);
    await page.screenshot({ path: path.join(REPO_ROOT, 'tests/artifacts/plan-funds.png'), fullPage: true });
    await page.getByTestId('plan-submit').click();
    await waitStatus(page, 'submitted');

    await signIn(page, 'reviewer');
    await page.goto(`${BASE}#/plans/${planId}`);
    await waitStatus(page, 'submitted');
    await page.getByTestId('plan-approve').click();
    await waitStatus(page, 'approved');

    await signIn(page, 'manager');
    await page.goto(`${BASE}#/plans/${planId}`);
    await waitStatus(page, 'approved');
    assert.match(await page.getByTestId('plan-dispatch').textContent(), /拨付|Disburse/);
    await page.getByTestId('plan-dispatch').click();
    await waitStatus(page, 'completed');
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    assert.ok(plan.time_to_aid.every((t) => t.onset_to_dispatch_minutes !== null), 'disbursement time is recorded per area');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
