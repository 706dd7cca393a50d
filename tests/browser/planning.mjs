// What the plan browser tests share: stock to plan with, and a draft materials plan made through
// the plans screen by the signed-in manager.
import assert from 'node:assert/strict';

/** The demo's flood event, which the plans are made for. */
export const EVENT_ID = 1;

/** A receipt of blankets into the city depot, so that every run has stock to plan (runs use it up). */
export function restockCityDepot(page, note) {
  return page.evaluate(async (note) => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const res = await fetch('/api/v1/depots/1/movements', {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ kind: 'receipt', item: 'towel-quilt', quantity: 300, source: 'procured', note }),
    });
    return res.status;
  }, note);
}

/** The signed-in manager restocks the city depot and plans emergency relief for the demo event; the draft's id. */
export async function createMaterialsPlan(page, note) {
  assert.equal(await restockCityDepot(page, note), 201);
  await page.getByTestId('nav-plans').click();
  await page.locator('[data-testid="plans-screen"][data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('plan-event').selectOption(String(EVENT_ID));
  await page.getByTestId('plan-aid').selectOption('emergency');
  await page.getByTestId('plan-create').click();
  await page.locator('[data-testid="plan-screen"][data-status="draft"]').waitFor({ timeout: 60_000 });
  const planId = Number(await page.getByTestId('plan-screen').getAttribute('data-plan-id'));
  assert.ok(planId > 0);
  return planId;
}
