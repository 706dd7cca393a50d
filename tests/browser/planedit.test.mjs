// Browser test of editing a draft plan's lines (issue #13), run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test planedit.test.mjs
// The manager computes a draft, lowers one line and removes another, saves after a confirmation
// that sums the change, and sees the server's totals; a quantity above an area's need is refused
// on its line, first by the screen's own check, then (the request rewritten on its way) by the
// server, whose refusal lands on the same line; discarding restores the plan's lines. A second
// manager's change saved while the first edits or re-plans is never overwritten: the screen shows
// the plan as it now is and says why. On a phone the edit mode fits the screen in both languages.
// Screenshots go to tests/artifacts/planedit/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { REPO_ROOT, apiGet, apiPost, noOverflow, openBrowser, signIn } from './harness.mjs';
import { createMaterialsPlan } from './planning.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/planedit');
/** The signed-in manager plans emergency relief for the demo event; the draft's id. */
const createDraft = (page) => createMaterialsPlan(page, 'planedit.test.mjs');

const lineSel = (l) => `[data-testid="edit-line"][data-depot="${l.depot_id}"][data-area="${l.area_code}"][data-item="${l.item}"]`;
/** The problems row under a line in edit mode. */
const problemOf = (page, l) => page.locator(`${lineSel(l)} + tr .edit-problems`);
const digits = async (loc) => Number((await loc.textContent()).replace(/\D/g, ''));

async function switchTo(page, lang) {
  if ((await page.evaluate(() => document.documentElement.lang)).startsWith(lang)) return;
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
}

async function startEditing(page) {
  await page.getByTestId('lines-edit').click();
  await page.getByTestId('plan-edit-table').waitFor();
}

test('a manager lowers one line and removes another; the plan shows the server\'s totals; too much for an area is refused on its line', { timeout: 240_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  // The server's refusal is provoked with page.route, which the service worker would bypass.
  const { page, problems, close } = await openBrowser({ height: 1000, consoleErrors: false, serviceWorkers: 'block' });
  try {
    await signIn(page, 'manager');
    const planId = await createDraft(page);
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    assert.ok(plan.lines.length >= 3, 'the demo plan has lines to edit');

    // Lower the largest line by a third, remove the smallest other one.
    const bySize = [...plan.lines].sort((a, b) => b.quantity - a.quantity);
    const lowered = bySize[0];
    const removed = bySize[bySize.length - 1];
    const newQuantity = Math.max(1, Math.floor((lowered.quantity * 2) / 3));
    assert.ok(newQuantity < lowered.quantity);

    await startEditing(page);
    assert.equal(await page.getByTestId('plan-lines').getAttribute('data-editing'), 'true');
    assert.equal(await page.getByTestId('edit-line').count(), plan.lines.length);
    assert.equal(await page.getByTestId('plan-submit').count(), 0, 'the plan waits while its lines are edited');
    assert.equal(await page.getByTestId('plan-editing-note').isVisible(), true);
    await page.locator(lineSel(lowered)).getByTestId('edit-qty').fill(String(newQuantity));
    await page.locator(lineSel(removed)).getByTestId('edit-remove').click();
    assert.equal(await page.locator(lineSel(removed)).count(), 0);
    const summary = page.getByTestId('edit-summary');
    assert.equal(await summary.getAttribute('data-changed'), '2');
    const before = plan.lines.reduce((s, l) => s + l.quantity, 0);
    const after = before - (lowered.quantity - newQuantity) - removed.quantity;
    assert.equal(Number(await summary.getAttribute('data-before')), before);
    assert.equal(Number(await summary.getAttribute('data-after')), after);
    assert.match(await page.locator(lineSel(lowered)).getByTestId('edit-hint').textContent(), new RegExp(`原 ${lowered.quantity.toLocaleString('en-US')}`));
    await page.getByTestId('plan-lines').screenshot({ path: path.join(SHOTS, 'editing-1440-zh.png') });

    // The confirmation sums the change; going back saves nothing.
    await page.getByTestId('edit-save').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await page.getByTestId('confirm-summary').textContent(), /修改 1 条、删除 1 条、新增 0 条/);
    assert.equal(Number(await page.getByTestId('confirm-total').getAttribute('data-before')), before);
    assert.equal(Number(await page.getByTestId('confirm-total').getAttribute('data-after')), after);
    assert.deepEqual(await page.getByTestId('edit-changes').locator('li').evaluateAll((ls) => ls.map((l) => l.dataset.kind)), ['modified', 'removed']);
    await page.screenshot({ path: path.join(SHOTS, 'confirm-1440-zh.png') });
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await apiGet(page, `/plans/${planId}`)).body.lines.length, plan.lines.length, 'going back saves nothing');
    await page.getByTestId('edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="plan-lines"]:not([data-editing])').waitFor({ timeout: 30_000 });

    // The server's plan: its lines, totals and fills on the screen.
    const saved = (await apiGet(page, `/plans/${planId}`)).body;
    assert.equal(saved.lines.length, plan.lines.length - 1);
    assert.equal(saved.lines.find((l) => l.depot_id === lowered.depot_id && l.area_code === lowered.area_code && l.item === lowered.item).quantity, newQuantity);
    assert.ok(!saved.lines.some((l) => l.depot_id === removed.depot_id && l.area_code === removed.area_code && l.item === removed.item), 'the removed line is gone');
    assert.equal(saved.totals.allocated, after);
    assert.equal(await digits(page.getByTestId('total-allocated')), saved.totals.allocated);
    assert.equal(await digits(page.getByTestId('total-lines')), saved.totals.lines);
    assert.equal(await page.getByTestId('line-row').count(), saved.lines.length);
    const fill = saved.areas.find((a) => a.area_code === lowered.area_code && a.item === lowered.item);
    const fillRow = page.getByTestId(`fill-${lowered.area_code}-${lowered.item}`);
    assert.equal(Number((await fillRow.locator('td').nth(3).textContent()).replace(/\D/g, '')), fill.allocated, 'the fill table shows the server\'s allocation');
    assert.equal(await page.getByTestId('plan-submit').isVisible(), true, 'the plan can be submitted again');
    await page.getByTestId('plan-summary').screenshot({ path: path.join(SHOTS, 'saved-totals-1440-zh.png') });

    // More than an area needs: the line says so and nothing is sent.
    const target = [...saved.lines].sort((a, b) => b.quantity - a.quantity)[0];
    const need = saved.areas.find((a) => a.area_code === target.area_code && a.item === target.item).demand;
    await startEditing(page);
    await page.locator(lineSel(target)).getByTestId('edit-qty').fill(String(need + 1));
    const problem = problemOf(page, target);
    await problem.waitFor({ state: 'visible' });
    assert.equal(await problem.locator('[data-kind]').first().getAttribute('data-kind'), 'overNeed');
    assert.match(await problem.textContent(), /超出需求/);
    let patches = 0;
    page.on('request', (r) => r.method() === 'PATCH' && r.url().endsWith(`/plans/${planId}`) && (patches += 1));
    await page.getByTestId('edit-save').click();
    assert.equal(await page.getByTestId('confirm-dialog').count(), 0, 'no confirmation for lines marked wrong');
    assert.match(await page.getByTestId('edit-error').textContent(), /标红/);
    assert.equal(patches, 0);
    await page.locator(lineSel(target)).scrollIntoViewIfNeeded();
    await page.getByTestId('plan-lines').screenshot({ path: path.join(SHOTS, 'over-need-1440-zh.png') });

    // The server's own refusal: the line sent one less than it has, rewritten on the way to above the
    // area's need; the server's answer names the area and item, and the screen puts it on that line.
    await page.locator(lineSel(target)).getByTestId('edit-qty').fill(String(target.quantity - 1));
    await problem.waitFor({ state: 'hidden' });
    await page.route(`**/api/v1/plans/${planId}`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      const body = JSON.parse(route.request().postData());
      for (const l of body.lines) if (l.depot_id === target.depot_id && l.area_code === target.area_code && l.item === target.item) l.quantity = need + 1;
      return route.continue({ postData: JSON.stringify(body) });
    });
    await page.getByTestId('edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await problem.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(patches, 1);
    assert.match(await problem.textContent(), new RegExp(`超出需求.*${need.toLocaleString('en-US')}`));
    assert.match(await page.getByTestId('edit-error').textContent(), /服务器未接受/);
    assert.equal(await page.getByTestId('plan-lines').getAttribute('data-editing'), 'true', 'still editing, the typed value kept');
    assert.equal(await page.locator(lineSel(target)).getByTestId('edit-qty').inputValue(), String(target.quantity - 1));
    await switchTo(page, 'en');
    assert.match(await problem.textContent(), /More than needed/);
    assert.match(await page.getByTestId('edit-error').textContent(), /server refused/);
    await page.locator(lineSel(target)).scrollIntoViewIfNeeded();
    await page.getByTestId('plan-lines').screenshot({ path: path.join(SHOTS, 'server-refusal-1440-en.png') });
    await switchTo(page, 'zh');
    await page.unroute(`**/api/v1/plans/${planId}`);

    // Discarding restores the plan's lines.
    await page.getByTestId('edit-cancel').click();
    await page.locator('[data-testid="plan-lines"]:not([data-editing])').waitFor();
    assert.equal(await page.getByTestId('line-row').count(), saved.lines.length);
    assert.equal(await page.locator(`[data-testid="line-row"][data-depot="${target.depot_id}"][data-area="${target.area_code}"][data-item="${target.item}"]`).getAttribute('data-quantity'), String(target.quantity));
    assert.deepEqual((await apiGet(page, `/plans/${planId}`)).body.lines, saved.lines, 'the refused edit changed nothing');

    // A refusal the screen cannot foresee (the plan submitted meanwhile, from another tab) is said
    // in Chinese by its code, never in the server's English.
    await startEditing(page);
    await page.locator(lineSel(target)).getByTestId('edit-qty').fill(String(target.quantity - 1));
    assert.equal((await apiPost(page, `/plans/${planId}/submit`, null)).status, 200);
    await page.getByTestId('edit-save').click();
    await page.getByTestId('confirm-ok').click();
    const refusal = page.getByTestId('edit-error');
    await page.waitForFunction(() => /只有草稿/.test(document.querySelector('[data-testid="edit-error"]')?.textContent ?? ''), null, { timeout: 30_000 });
    const said = await refusal.textContent();
    assert.match(said, /待审批/, `the plan's state in words: ${said}`);
    assert.doesNotMatch(said, /[A-Za-z]{3,}/, `no English in the Chinese screen: ${said}`);
    await switchTo(page, 'en');
    assert.match(await refusal.textContent(), /Only a draft can be edited/);
    await switchTo(page, 'zh');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('adding a line, and the edit mode on a phone and a desktop in both languages', { timeout: 240_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  const { page, problems, close } = await openBrowser({ width: 1440, height: 900, consoleErrors: false });
  try {
    await signIn(page, 'manager');
    const planId = await createDraft(page);
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    await startEditing(page);

    // A line offered from the plan's depots, areas with demand and their items, the quantity what is still needed.
    const short = plan.areas.find((a) => a.allocated < a.demand && plan.lines.some((l) => l.item === a.item && l.area_code !== a.area_code));
    if (short) {
      const depot = plan.lines.find((l) => l.item === short.item && !plan.lines.some((x) => x.depot_id === l.depot_id && x.area_code === short.area_code && x.item === short.item))?.depot_id;
      if (depot) {
        await page.getByTestId('edit-add-depot').selectOption(String(depot));
        await page.getByTestId('edit-add-area').selectOption(short.area_code);
        await page.getByTestId('edit-add-item').selectOption(short.item);
        assert.equal(Number(await page.getByTestId('edit-add-qty').inputValue()), short.demand - short.allocated, 'what the area still needs is offered');
        await page.getByTestId('edit-add-qty').fill('1');
        await page.getByTestId('edit-add-button').click();
        const added = page.locator(lineSel({ depot_id: depot, area_code: short.area_code, item: short.item }));
        await added.waitFor();
        assert.equal(await added.getByTestId('edit-hint').textContent(), '新增');
        assert.equal(await page.getByTestId('edit-summary').getAttribute('data-changed'), '1');
        // The same line again is pointed at, not added twice.
        await page.getByTestId('edit-add-depot').selectOption(String(depot));
        await page.getByTestId('edit-add-area').selectOption(short.area_code);
        await page.getByTestId('edit-add-item').selectOption(short.item);
        await page.getByTestId('edit-add-button').click();
        assert.match(await page.getByTestId('edit-add-error').textContent(), /请直接修改/);
        assert.equal(await added.count(), 1);
      }
    }
    // A quantity that is not a whole number.
    const first = plan.lines[0];
    await page.locator(lineSel(first)).getByTestId('edit-qty').fill('2.5');
    await problemOf(page, first).waitFor({ state: 'visible' });
    assert.match(await problemOf(page, first).textContent(), /大于 0 的整数/);

    for (const lang of ['zh', 'en']) {
      await switchTo(page, lang);
      assert.equal(await page.getByTestId('plan-lines').getAttribute('data-editing'), 'true', 'a language switch keeps the edit');
      assert.equal(await page.locator(lineSel(first)).getByTestId('edit-qty').inputValue(), '2.5', 'and what was typed');
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByTestId('plan-lines').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `edit-1440-${lang}.png`) });
      await page.getByTestId('plan-lines').screenshot({ path: path.join(SHOTS, `edit-card-1440-${lang}.png`) });

      // On a phone: no sideways scrolling of the page; a line's quantity and its remove button in view.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page does not scroll sideways (${overflow} px too wide, ${lang})`);
      const row = page.locator(lineSel(first));
      await row.scrollIntoViewIfNeeded();
      for (const testid of ['edit-qty', 'edit-remove']) {
        const box = await row.getByTestId(testid).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${testid} within the phone's width (${lang}): ${JSON.stringify(box)}`);
      }
      for (const testid of ['edit-save', 'edit-cancel', 'edit-add-button', 'edit-add-area']) {
        const el = page.getByTestId(testid);
        await el.scrollIntoViewIfNeeded();
        const box = await el.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${testid} within the phone's width (${lang}): ${JSON.stringify(box)}`);
      }
      await row.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `edit-390-${lang}.png`) });
      await page.getByTestId('edit-bar').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `edit-bar-390-${lang}.png`) });
      await page.getByTestId('plan-lines').screenshot({ path: path.join(SHOTS, `edit-card-390-${lang}.png`) });
    }
    await switchTo(page, 'zh');
    await page.getByTestId('edit-cancel').click();
    await page.locator('[data-testid="plan-lines"]:not([data-editing])').waitFor();
    assert.equal(await page.getByTestId('line-row').count(), plan.lines.length, 'discarded: the plan\'s lines again');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('another manager\'s change saved meanwhile is kept: the edit and the re-plan are refused and the screen shows the plan as it now is', { timeout: 240_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  const other = await token('manager');
  const { page, problems, close } = await openBrowser({ width: 1440, height: 900, consoleErrors: false });
  try {
    await signIn(page, 'manager');
    const planId = await createDraft(page);
    const plan = (await apiGet(page, `/plans/${planId}`)).body;
    const [mine, theirs] = [...plan.lines].filter((l) => l.quantity > 1).sort((a, b) => b.quantity - a.quantity);
    assert.ok(mine && theirs, 'two lines to change');
    /** The other manager, from their own screen: one less on `line`, on the plan as they read it. */
    const otherLowers = async (line) => {
      const now = (await call(other, 'GET', `/plans/${planId}`)).body;
      const lines = now.lines.map((l) => ({ depot_id: l.depot_id, area_code: l.area_code, item: l.item, quantity: l.quantity - (lineSel(l) === lineSel(line) ? 1 : 0) }));
      const saved = await call(other, 'PATCH', `/plans/${planId}`, { lines }, { 'if-match': `"${now.updated_at}"` });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    };

    // This manager edits one line while the other saves a change to another.
    await startEditing(page);
    await page.locator(lineSel(mine)).getByTestId('edit-qty').fill(String(mine.quantity - 1));
    await otherLowers(theirs);
    await page.getByTestId('edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="plan-lines"]:not([data-editing])').waitFor({ timeout: 30_000 });
    const error = page.getByTestId('plan-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /他人已修改/);
    const stored = (await apiGet(page, `/plans/${planId}`)).body;
    const quantityOf = (lines, l) => lines.find((x) => lineSel(x) === lineSel(l))?.quantity;
    assert.equal(quantityOf(stored.lines, theirs), theirs.quantity - 1, 'the other manager\'s change is kept');
    assert.equal(quantityOf(stored.lines, mine), mine.quantity, 'this one was not made');
    const row = (l) => page.locator(`[data-testid="line-row"][data-depot="${l.depot_id}"][data-area="${l.area_code}"][data-item="${l.item}"]`);
    assert.equal(await row(theirs).getAttribute('data-quantity'), String(theirs.quantity - 1), 'the screen shows the plan as it now is');
    await page.getByTestId('plan-summary').screenshot({ path: path.join(SHOTS, 'changed-meanwhile-1440-zh.png') });
    // On a phone the message fits beside the plan's actions.
    await page.setViewportSize({ width: 390, height: 844 });
    await error.scrollIntoViewIfNeeded();
    await noOverflow(page, 'the changed-meanwhile message on a phone');
    await page.screenshot({ path: path.join(SHOTS, 'changed-meanwhile-390-zh.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // The same for a re-plan, in English: the other manager saves first; planning again is refused.
    await switchTo(page, 'en');
    await otherLowers(mine);
    await page.getByTestId('plan-replan').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => /Someone else changed this plan/.test(document.querySelector('[data-testid="plan-error"]')?.textContent ?? ''), null, { timeout: 60_000 });
    assert.equal(await row(mine).getAttribute('data-quantity'), String(mine.quantity - 1), 'the other manager\'s lines, not a re-plan over them');
    assert.equal(await page.getByTestId('replan-result').count(), 0, 'nothing re-planned');
    assert.equal(quantityOf((await apiGet(page, `/plans/${planId}`)).body.lines, mine), mine.quantity - 1);
    await page.getByTestId('plan-summary').screenshot({ path: path.join(SHOTS, 'changed-meanwhile-1440-en.png') });

    // On the plan as it now is, the same re-plan goes through.
    await page.getByTestId('plan-replan').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('replan-result').waitFor({ timeout: 60_000 });
    assert.equal(await error.isVisible(), false);
    await switchTo(page, 'zh');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
