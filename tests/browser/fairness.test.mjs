// Browser test of the planner's second step (issue #18), against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test fairness.test.mjs
// The manager compares the two policies before making a plan, makes it weighted, reads its equity
// audit beside the most-delivered yardstick, then a road washes out (a blocked zone across one of
// its townships): the stale draft is planned again from the banner, after a confirmation, and the
// screen shows what changed and what it cost. The audit fits a phone in both languages.
// Screenshots go to tests/artifacts/fairness/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, noOverflow, openBrowser, ready, shotsInBothLanguages, signIn } from './harness.mjs';
import { EVENT_ID, restockCityDepot } from './planning.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/fairness');
/** Keys the screen would show untranslated (a missing string shows its key). */
const rawKeys = (page) => page.evaluate(() => (document.body.innerText.match(/\b(equity|replan|plans)\.[a-zA-Z.]+/g) ?? []).join(' '));

test('the manager compares the policies, plans weighted, reads the audit, and plans again around a washed-out road', { timeout: 240_000 }, async () => {
  const manager = await token('manager');
  let planId = null;
  let zoneId = null;
  const b = await openBrowser();
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    assert.equal(await restockCityDepot(page, 'fairness.test.mjs'), 201);
    await page.getByTestId('nav-plans').click();
    await ready(page, 'plans-screen');
    await page.getByTestId('plan-event').selectOption(String(EVENT_ID));
    await page.getByTestId('plan-aid').selectOption('emergency');

    // Side by side before anything is stored.
    const plansBefore = (await call(manager, 'GET', '/plans')).body.length;
    await page.getByTestId('plan-compare').click();
    await page.getByTestId('plan-compare-result').waitFor({ timeout: 60_000 });
    for (const policy of ['strict_tiers', 'weighted']) {
      assert.match(await page.getByTestId(`compare-${policy}-delivered`).innerText(), /\d/);
      assert.match(await page.getByTestId(`compare-${policy}-gini`).innerText(), /^0\.\d\d$/);
      assert.ok((await page.getByTestId(`compare-tiers-${policy}`).locator('tbody tr').count()) > 0);
    }
    assert.equal((await call(manager, 'GET', '/plans')).body.length, plansBefore, 'comparing stores nothing');
    await shotsInBothLanguages(page, SHOTS, 'compare-1440', rawKeys);

    // Weighted, chosen in the form.
    await page.getByTestId('plan-policy').selectOption('weighted');
    await page.getByTestId('plan-create').click();
    await page.locator('[data-testid="plan-screen"][data-status="draft"]').waitFor({ timeout: 60_000 });
    planId = Number(await page.getByTestId('plan-screen').getAttribute('data-plan-id'));
    const audit = page.getByTestId('plan-equity');
    await audit.waitFor();
    assert.equal(await audit.getAttribute('data-policy'), 'weighted');
    assert.match(await page.getByTestId('equity-policy').innerText(), /加权/);
    assert.ok((await page.getByTestId('equity-tiers').locator('tbody tr').count()) > 0);
    const plan = (await call(manager, 'GET', `/plans/${planId}`)).body;
    assert.equal(await page.getByTestId('equity-plan-delivered').innerText(), plan.equity.delivered.toLocaleString('zh-CN'));
    assert.ok(await page.getByTestId('equity-fast-delivered').isVisible(), 'the yardstick stands beside the plan');
    assert.match(await page.getByTestId('equity-price').innerText(), /公平的代价/);
    await page.getByTestId('plan-equity-card').scrollIntoViewIfNeeded();
    await shotsInBothLanguages(page, SHOTS, 'plan-audit-1440', rawKeys);

    // A road washes out around the township of the plan's first line.
    const target = plan.lines[0].area_code;
    const area = (await call(manager, 'GET', `/areas/${target}`)).body;
    const d = 0.03;
    const ring = [[area.lon - d, area.lat - d], [area.lon + d, area.lat - d], [area.lon + d, area.lat + d], [area.lon - d, area.lat + d], [area.lon - d, area.lat - d]];
    const zone = await call(manager, 'POST', `/events/${EVENT_ID}/blockages`, { name: '决口冲毁道路', geometry: { type: 'Polygon', coordinates: [ring] } });
    assert.equal(zone.status, 201, JSON.stringify(zone.body));
    zoneId = zone.body.id;
    await page.reload();
    await page.locator('[data-testid="plan-screen"][data-status="draft"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('plan-stale').waitFor({ timeout: 60_000 });

    // Planning again asks first; going back changes nothing.
    await page.getByTestId('plan-stale-replan').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), /替换/);
    await page.getByTestId('confirm-cancel').click();
    assert.deepEqual((await call(manager, 'GET', `/plans/${planId}`)).body.lines, plan.lines, 'going back plans nothing');
    await page.getByTestId('plan-stale-replan').click();
    await dialog.waitFor({ timeout: 10_000 });
    await page.getByTestId('confirm-ok').click();
    const result = page.getByTestId('replan-result');
    await result.waitFor({ timeout: 60_000 });
    assert.ok(Number(await result.getAttribute('data-changes')) > 0);
    assert.match(await page.getByTestId('replan-summary').innerText(), /取消 \d+ 条/);
    const gone = page.locator(`[data-testid^="replan-"][data-testid*="-${target}-"].replan-gone`);
    assert.ok((await gone.count()) > 0, 'the cut-off township\'s lines are listed as dropped');
    assert.equal(await page.getByTestId('replan-after-min-fill').innerText(), '0%', 'the cut-off township gets nothing');
    assert.equal(await page.getByTestId('plan-stale').count(), 0, 'the draft is no longer stale');
    const replanned = (await call(manager, 'GET', `/plans/${planId}`)).body;
    assert.ok(replanned.lines.every((l) => l.area_code !== target));
    await page.getByTestId('plan-replan-card').scrollIntoViewIfNeeded();
    await shotsInBothLanguages(page, SHOTS, 'replan-1440', rawKeys);
    assert.deepEqual(problems, []);
  } finally {
    if (zoneId !== null) await call(manager, 'DELETE', `/events/${EVENT_ID}/blockages/${zoneId}`).catch(() => {});
    await b.close();
  }

  // On a phone: the audit and the comparison fit, in both languages.
  const phone = await openBrowser({ width: 390, height: 844 });
  try {
    const { page, problems } = phone;
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/plans/${planId}`);
    await page.getByTestId('plan-equity').waitFor({ timeout: 60_000 });
    await page.getByTestId('plan-equity-card').scrollIntoViewIfNeeded();
    await noOverflow(page, 'the plan with its audit');
    await shotsInBothLanguages(page, SHOTS, 'plan-audit-390', rawKeys);
    await page.goto(`${BASE}#/plans`);
    await ready(page, 'plans-screen');
    await page.getByTestId('plan-event').selectOption(String(EVENT_ID));
    await page.getByTestId('plan-aid').selectOption('emergency');
    await page.getByTestId('plan-compare').click();
    await page.getByTestId('plan-compare-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('plan-compare-result').scrollIntoViewIfNeeded();
    await shotsInBothLanguages(page, SHOTS, 'compare-390', rawKeys);
    assert.deepEqual(problems, []);
  } finally {
    if (planId !== null) await call(manager, 'POST', `/plans/${planId}/cancel`, { reason: 'fairness.test.mjs' }).catch(() => {});
    await phone.close();
  }
});
