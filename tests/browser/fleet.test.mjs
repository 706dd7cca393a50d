// Browser test of the depots' own trucks, run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test fleet.test.mjs
// The manager plans emergency relief and sees what each depot's trucks carry, with the depot whose
// trucks held stock back marked; on that depot's screen a refused figure sends nothing, a saved
// one shows, and clearing the trucks asks first. The depot gets its demo trucks back at the end
// (the suite shares one server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT, apiGet, openBrowser, ready, shotsInBothLanguages, signIn } from './harness.mjs';
import { createMaterialsPlan } from './planning.mjs';

const SHOTS = path.join(REPO_ROOT, 'tests/artifacts/fleet');
const rawKeys = (page) => page.evaluate(() => (document.body.innerText.match(/\b(fleet|plan)\.[a-zA-Z.]+\b/g) ?? []).join(' '));

test('a plan shows what each depot’s trucks carry; the manager edits and clears a depot’s trucks', { timeout: 240_000 }, async () => {
  const { page, close } = await openBrowser({ height: 1000 });
  try {
    await signIn(page, 'manager');
    const planId = await createMaterialsPlan(page, 'fleet.test.mjs');
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    const full = plan.fleet.find((f) => f.limiting);
    assert.ok(full, `the demo plan fills some depot's trucks: ${JSON.stringify(plan.fleet)}`);
    const depotId = full.depot_id;
    const row = page.getByTestId(`fleet-${depotId}`);
    assert.equal(await row.getAttribute('data-limiting'), 'true');
    assert.match(await row.textContent(), new RegExp(`${full.trucks_needed} 辆 / 共 ${full.fleet.trucks} 辆`));
    assert.ok(await page.getByTestId('plan-fleet-note').isVisible(), 'the loading order is explained');
    await page.getByTestId('plan-fleet-card').scrollIntoViewIfNeeded();
    await shotsInBothLanguages(page, SHOTS, 'plan-fleet', rawKeys);

    // The depot's screen: its trucks, then a figure refused in the browser (nothing sent).
    const demoFleet = full.fleet;
    await page.goto(`${new URL(page.url()).origin}/#/depots/${depotId}`);
    await ready(page, 'depot-screen');
    assert.match(await page.getByTestId('depot-fleet-value').textContent(), new RegExp(`${demoFleet.trucks} 辆`));
    await page.getByTestId('fleet-edit').click();
    await page.getByTestId('fleet-trucks').fill('0');
    await page.getByTestId('fleet-save').click();
    assert.ok(await page.getByTestId('fleet-trucks-error').isVisible(), 'zero trucks is refused beside the field');
    assert.deepEqual((await apiGet(page, `/depots/${depotId}`)).body.fleet, demoFleet, 'nothing sent');
    await page.screenshot({ path: path.join(SHOTS, 'depot-fleet-refused-zh.png') });

    // One truck more, each making two round trips, is saved and shown.
    await page.getByTestId('fleet-trucks').fill(String(demoFleet.trucks + 1));
    await page.getByTestId('fleet-trips').fill('2');
    await page.getByTestId('fleet-save').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="depot-fleet-value"]')?.textContent.startsWith(`${n} 辆`), demoFleet.trucks + 1);
    assert.match(await page.getByTestId('depot-fleet-value').textContent(), /每车 2 趟/);
    assert.deepEqual((await apiGet(page, `/depots/${depotId}`)).body.fleet, { ...demoFleet, trucks: demoFleet.trucks + 1, trips: 2 });

    // Clearing asks first: going back keeps the trucks, confirming clears them.
    await page.getByTestId('fleet-edit').click();
    await page.getByTestId('fleet-clear').click();
    await page.getByTestId('confirm-cancel').click();
    assert.equal((await apiGet(page, `/depots/${depotId}`)).body.fleet.trucks, demoFleet.trucks + 1, 'going back kept the trucks');
    await page.getByTestId('fleet-clear').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="depot-fleet-value"]')?.textContent.startsWith('未登记'));
    assert.equal((await apiGet(page, `/depots/${depotId}`)).body.fleet, null);

    // The demo's trucks back, through the form (a new fleet starts at one trip per truck).
    await page.getByTestId('fleet-edit').click();
    await page.getByTestId('fleet-trucks').fill(String(demoFleet.trucks));
    await page.getByTestId('fleet-load-kg').fill(String(demoFleet.load_kg));
    await page.getByTestId('fleet-load-m3').fill(String(demoFleet.load_m3));
    await page.getByTestId('fleet-save').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="depot-fleet-value"]')?.textContent.startsWith(`${n} 辆`), demoFleet.trucks);
    assert.deepEqual((await apiGet(page, `/depots/${depotId}`)).body.fleet, demoFleet);

    // On a phone the header's trucks and their editor fit the width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('fleet-edit').click();
    await shotsInBothLanguages(page, SHOTS, 'depot-fleet-phone', rawKeys);
  } finally {
    await close();
  }
});
