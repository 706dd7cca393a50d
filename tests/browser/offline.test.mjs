// Browser tests of field work on a weak network, run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test offline.test.mjs
// The dashboard installs a service worker; a report filed with the network cut waits in the
// outbox (its count in the header), is sent when the network returns, and the screen still opens
// without a network; the form keeps a draft. Photos go with a report and show as thumbnails, for
// the reporter and the assessor. A keeper's receipt and issue wait the same way, and the issue
// the server refuses stays listed with its reason; so does an edit of a household, which the page
// shows once it has been sent, and which is refused (412, said in the user's language, nothing
// written) when someone else changed the household meanwhile. Screenshots go to tests/artifacts/offline/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { call, freshIdNumber, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, apiGet, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts/offline');
const RUICHANG = '360481';
const PHOTO = path.join(REPO_ROOT, 'frontend/public/icon-192.png');

/** The demo event: the fictional one, else the newest active one. */
async function demoEvent(page) {
  const { body: events } = await apiGet(page, '/events');
  const e = events.find((x) => /虚构|fictional/i.test(`${x.name} ${x.description ?? ''}`) && x.status !== 'closed') ?? events.find((x) => x.status === 'active');
  assert.ok(e, 'a demo event exists');
  return e;
}

/** A township of 瑞昌 with no report yet in the event (each test takes its own). */
async function freshTownship(page, eventId, skip = []) {
  const [{ body: towns }, { body: reports }] = await Promise.all([apiGet(page, `/areas?parent=${RUICHANG}`), apiGet(page, `/events/${eventId}/reports`)]);
  const reported = new Set([...reports.map((r) => r.area_code), ...skip]);
  const code = towns.filter((t) => t.level === 'township' && !reported.has(t.code)).map((t) => t.code).sort()[0];
  assert.ok(code, 'a township of 瑞昌市 without a report');
  return code;
}

/** Signed in, with the service worker in control (so the screen's reads are kept for offline use). */
async function reporterWithWorker(page) {
  await signIn(page, 'reporter');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The worker claims the page once active; a reload makes every request go through it.
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
}

async function openReport(page, eventId, township) {
  await page.goto(`${BASE}#/events/${eventId}/report?area=${township}`);
  await page.waitForFunction((code) => document.querySelector('[data-testid="report-screen"]')?.dataset.area === code, township, { timeout: 30_000 });
}

async function fillInitialReport(page, description) {
  await page.getByTestId('report-affected').fill('640');
  await page.getByTestId('report-relocated').fill('12');
  await page.getByTestId('report-relocated_central').fill('5');
  await page.getByTestId('report-relocated_dispersed').fill('7');
  await page.getByTestId('report-description').fill(description);
}

const pending = (page) => page.getByTestId('outbox-button').getAttribute('data-pending');

async function setLang(page, lang) {
  const english = (await page.locator('html').getAttribute('lang')).startsWith('en');
  if (english !== (lang === 'en')) await page.getByTestId('lang-switch').click();
}

test('on a phone without a network a report waits in the outbox and is sent when the network returns', { timeout: 240_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    await reporterWithWorker(page);
    const event = await demoEvent(page);
    const township = await freshTownship(page, event.id);
    await openReport(page, event.id, township);
    assert.equal(await page.getByTestId('outbox-button').isVisible(), false, 'nothing waits: no outbox button');

    // What is typed survives leaving the form: the draft comes back, with a note.
    await page.getByTestId('report-affected').fill('77');
    await page.getByTestId('report-description').fill('草稿：尚未提交');
    await page.goto(`${BASE}#/events/${event.id}/report`);
    await page.waitForFunction((code) => document.querySelector('[data-testid="report-screen"]')?.dataset.area === code, township, { timeout: 30_000 });
    await page.getByTestId('report-draft-note').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('report-affected').inputValue(), '77');
    assert.equal(await page.getByTestId('report-description').inputValue(), '草稿：尚未提交');
    await page.getByTestId('report-draft-note').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-draft-zh.png') });

    await context.setOffline(true);
    await page.getByTestId('outbox-button').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('outbox-button').getAttribute('data-offline'), 'true');
    await fillInitialReport(page, '离线填报：村道被冲断（测试数据）');
    await page.getByTestId('report-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    assert.match(await page.getByTestId('toasts').innerText(), /没有网络/);
    // The form is emptied for the next report, the draft gone with it.
    assert.equal(await page.getByTestId('report-description').inputValue(), '');
    assert.equal(await page.getByTestId('report-draft-note').isVisible(), false);
    // In the header beside the menu button, not over it.
    const [menu, box, lang] = [await page.getByTestId('nav-menu-button').boundingBox(), await page.getByTestId('outbox-button').boundingBox(), await page.getByTestId('lang-switch').boundingBox()];
    assert.ok(menu.x + menu.width <= box.x && box.x + box.width <= lang.x && box.x + box.width <= 390, 'the count sits between the menu and the language button');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-queued-zh.png') });

    await page.getByTestId('outbox-button').click();
    await page.getByTestId('outbox-row').first().waitFor();
    assert.equal(await page.getByTestId('outbox-row').count(), 1);
    assert.match(await page.getByTestId('outbox-row').innerText(), /初报/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-outbox-zh.png') });
    await page.getByTestId('outbox-close').click();

    // Still without a network, the screen opens again from the worker's copies.
    await page.reload();
    await page.locator('[data-testid="report-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    await setLang(page, 'en');
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-queued-en.png') });
    await setLang(page, 'zh');
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    assert.equal(await page.getByTestId('outbox-button').isVisible(), false, 'all sent: the button goes');
    const { body: stored } = await apiGet(page, `/events/${event.id}/reports?area_code=${township}`);
    assert.equal(stored.length, 1, 'the report reached the server once');
    assert.equal(stored[0].indicators.affected, 640);
    assert.match(stored[0].description, /离线填报/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a photo goes with a report, offline too, and both the reporter and the assessor see its thumbnail', { timeout: 240_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const { context, page, problems, close } = await openBrowser({ width: 1440, height: 900, consoleErrors: false });
  try {
    await reporterWithWorker(page);
    const event = await demoEvent(page);
    const photo = { name: '现场.png', mimeType: 'image/png', buffer: await readFile(PHOTO) };

    // Online: the report is filed, then its photo uploaded.
    const online = await freshTownship(page, event.id);
    await openReport(page, event.id, online);
    await fillInitialReport(page, '带照片的报告（测试数据）');
    await page.getByTestId('report-photos').setInputFiles(photo);
    await page.locator('[data-testid="report-photos-chosen"][data-count="1"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-photo-chosen-zh.png') });
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-version-1').waitFor({ timeout: 30_000 });
    const thumb = page.getByTestId('report-version-1').getByTestId('photo-thumb');
    await thumb.waitFor({ timeout: 30_000 });
    assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth === 192), 'the thumbnail shows the uploaded image');
    await thumb.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-report-photo-zh.png') });
    await setLang(page, 'en');
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-report-photo-en.png') });
    await setLang(page, 'zh');

    // Offline: the photo waits behind its report and goes to the id the server gives it.
    const later = await freshTownship(page, event.id, [online]);
    await openReport(page, event.id, later);
    await context.setOffline(true);
    await fillInitialReport(page, '离线带照片（测试数据）');
    await page.getByTestId('report-photos').setInputFiles(photo);
    await page.locator('[data-testid="report-photos-chosen"][data-count="1"]').waitFor();
    await page.getByTestId('report-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '2', null, { timeout: 15_000 });
    await page.getByTestId('outbox-button').click();
    await page.getByTestId('outbox-row').nth(1).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-outbox-zh.png') });
    // The list is modal: the language is switched behind it.
    await page.getByTestId('outbox-close').click();
    await setLang(page, 'en');
    await page.getByTestId('outbox-button').click();
    await page.getByTestId('outbox-row').nth(1).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-outbox-en.png') });
    await page.getByTestId('outbox-close').click();
    await setLang(page, 'zh');
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    const { body: reports } = await apiGet(page, `/events/${event.id}/reports?area_code=${later}`);
    assert.equal(reports.length, 1);
    const { body: photos } = await apiGet(page, `/events/${event.id}/reports/${reports[0].id}/photos`);
    assert.equal(photos.length, 1, 'the queued photo reached its report');

    // The assessor sees the photo beside the report under review.
    await signIn(page, 'assessor');
    await page.goto(`${BASE}#/events/${event.id}/verify?area=${online}`);
    const verifyThumb = page.getByTestId('verify-detail').getByTestId('photo-thumb').first();
    await verifyThumb.waitFor({ timeout: 30_000 });
    assert.ok(await verifyThumb.evaluate((img) => img.complete && img.naturalWidth > 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-verify-photo-zh.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/** On hand of an item at a depot, from the server. */
async function serverOnHand(page, depotId, item) {
  const { body } = await apiGet(page, `/depots/${depotId}/stock`);
  return body.find((r) => r.item === item)?.on_hand ?? 0;
}

test('a keeper without a network records a receipt and an issue; the refused issue stays listed with the reason', { timeout: 240_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    // The public page read once online opens again without a network.
    await page.goto(`${BASE}#/public`);
    await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="public-screen"] .status-block.error').count(), 0, 'the public page opens offline');
    await context.setOffline(false);

    await signIn(page, 'depot');
    await page.waitForSelector('[data-testid="depot-screen"][data-ready="true"]', { timeout: 30_000 });
    const depotId = Number(await page.getByTestId('depot-screen').getAttribute('data-depot-id'));
    const item = (await page.getByTestId('receipt-item').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean)))[0];
    const before = await serverOnHand(page, depotId, item);

    await context.setOffline(true);
    await page.getByTestId('tab-receipt').click();
    await page.getByTestId('receipt-item').selectOption(item);
    await page.getByTestId('receipt-quantity').fill('5');
    await page.getByTestId('receipt-lot').fill(`OFF${Date.now().toString(36).toUpperCase()}`);
    await page.getByTestId('receipt-source').selectOption('procured');
    await page.getByTestId('receipt-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    // More than the depot holds: the server will refuse it when it arrives.
    await page.getByTestId('tab-issue').click();
    await page.getByTestId('issue-item').selectOption(item);
    await page.getByTestId('issue-quantity').fill('900000000');
    await page.getByTestId('issue-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '2', null, { timeout: 15_000 });

    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.failed === '1', null, { timeout: 30_000 });
    assert.equal(await pending(page), '0', 'the receipt went');
    assert.equal(await serverOnHand(page, depotId, item), before + 5, 'the receipt reached the server, the issue did not');
    assert.ok(await page.locator('[data-testid="toast"][data-kind="error"]').first().isVisible(), 'the refusal is told');
    assert.equal(await page.getByTestId('outbox-button').isVisible(), true, 'the refused issue keeps the button');
    await page.getByTestId('outbox-button').click();
    const failure = page.getByTestId('outbox-failure');
    await failure.waitFor();
    assert.match(await failure.innerText(), /服务器拒收/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-refused-zh.png') });

    // Dropped on purpose, after a confirmation.
    await page.getByTestId('outbox-discard').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('outbox-row').waitFor({ state: 'detached' });
    await page.getByTestId('outbox-close').click();
    assert.equal(await page.getByTestId('outbox-button').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a household edited without a network waits in the outbox and is saved when the network returns', { timeout: 180_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const reporter = await token('reporter');
  const made = await call(reporter, 'POST', '/households', { head_name: '离线户', head_id_number: freshIdNumber(), members: 3, area_code: '360402001', address: '十里街道某村5组（虚构）' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    await signIn(page, 'reporter');
    await page.goto(`${BASE}#/households/${id}`);
    await page.locator('[data-testid="household-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('household-address').innerText(), '十里街道某村5组（虚构）');

    await context.setOffline(true);
    await page.getByTestId('outbox-button').waitFor({ state: 'visible' });
    await page.getByTestId('hh-edit-open').click();
    await page.getByTestId('hh-edit-address').fill('十里街道某村6组（离线修改，虚构）');
    await page.getByTestId('hh-edit-members').fill('4');
    await page.getByTestId('hh-edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    assert.match(await page.getByTestId('toasts').innerText(), /没有网络/);
    const note = page.getByTestId('hh-edit-pending');
    await note.waitFor({ state: 'visible' });
    assert.equal(await note.getAttribute('data-state'), 'waiting');
    assert.equal(await page.getByTestId('household-address').innerText(), '十里街道某村5组（虚构）', 'the page shows the household as the server has it');
    assert.equal((await call(reporter, 'GET', `/households/${id}`)).body.address, '十里街道某村5组（虚构）', 'nothing reached the server');
    await page.getByTestId('outbox-button').click();
    await page.getByTestId('outbox-row').first().waitFor();
    assert.equal(await page.getByTestId('outbox-row').count(), 1);
    assert.match(await page.getByTestId('outbox-row').innerText(), /^离.户 的家庭信息修改/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-outbox-zh.png') });
    await page.getByTestId('outbox-close').click();
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-pending-zh.png') });
    await setLang(page, 'en');
    // The note is written again from the outbox (IndexedDB, asynchronous) when the language changes.
    await page.waitForFunction(() => /kept on this device/.test(document.querySelector('[data-testid="hh-edit-pending"]')?.textContent ?? ''), null, { timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-pending-en.png') });
    await setLang(page, 'zh');

    // The network returns: the edit is sent once, with its Idempotency-Key, and the page reads the household again.
    const patches = [];
    page.on('request', (r) => r.method() === 'PATCH' && r.url().endsWith(`/households/${id}`) && patches.push(r.headers()['idempotency-key']));
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="household-address"]')?.textContent === '十里街道某村6组（离线修改，虚构）', null, { timeout: 15_000 });
    assert.equal(await page.getByTestId('household-members-count').innerText(), '4');
    await note.waitFor({ state: 'hidden' });
    assert.equal(patches.length, 1, 'sent once');
    assert.ok(patches[0], 'with an Idempotency-Key');
    const stored = (await call(reporter, 'GET', `/households/${id}`)).body;
    assert.equal(stored.address, '十里街道某村6组（离线修改，虚构）');
    assert.equal(stored.members, 4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-saved-zh.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a household edit queued offline is refused when someone else changed the household meanwhile, and says so in Chinese', { timeout: 180_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const STALE_ZH = '此记录在您打开后已被他人修改，请刷新后重新修改。';
  const STALE_EN = /Someone changed this record after you opened it/;
  const reporter = await token('reporter');
  const made = await call(reporter, 'POST', '/households', { head_name: '冲突户', head_id_number: freshIdNumber(), members: 3, area_code: '360402001', address: '十里街道某村8组（虚构）' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    await signIn(page, 'reporter');
    await page.goto(`${BASE}#/households/${id}`);
    await page.locator('[data-testid="household-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });

    // The reporter edits without a network: the edit waits, made against the household as read.
    await context.setOffline(true);
    await page.getByTestId('outbox-button').waitFor({ state: 'visible' });
    await page.getByTestId('hh-edit-open').click();
    await page.getByTestId('hh-edit-address').fill('十里街道某村9组（离线修改，虚构）');
    await page.getByTestId('hh-edit-members').fill('5');
    await page.getByTestId('hh-edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    // The network comes back later than the note that the edit was kept goes.
    await page.locator('[data-testid="toast"][data-kind="success"]').first().waitFor({ state: 'detached', timeout: 15_000 });

    // Meanwhile the manager, online, changes the same household.
    const manager = await token('manager');
    const other = await call(manager, 'PATCH', `/households/${id}`, { address: '十里街道某村8组2号（他人修改，虚构）' });
    assert.equal(other.status, 200, JSON.stringify(other.body));

    // The network returns: the queued edit is sent with If-Match and refused (412), nothing of it written.
    const answers = [];
    page.on('response', async (r) => {
      if (r.request().method() !== 'PATCH' || !r.url().endsWith(`/households/${id}`)) return;
      answers.push({ status: r.status(), ifMatch: r.request().headers()['if-match'], body: await r.json().catch(() => null) });
    });
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.failed === '1', null, { timeout: 30_000 });
    assert.equal(await pending(page), '0');
    await expectSoon(() => answers.length === 1 && answers[0].body !== null, 'the PATCH answer was read');
    assert.equal(answers[0].status, 412);
    assert.equal(answers[0].body?.error?.code, 'stale');
    assert.match(answers[0].ifMatch ?? '', /^"\d{4}-\d\d-\d\dT/, 'sent with the updated_at as read');
    const serverWords = answers[0].body.error.message;
    const stored = (await call(reporter, 'GET', `/households/${id}`)).body;
    assert.equal(stored.address, '十里街道某村8组2号（他人修改，虚构）', "the other user's change stays");
    assert.equal(stored.members, 3, 'nothing of the refused edit was saved');

    // The refusal is told in Chinese: the toast, the note on the page (which now shows the other change), the outbox.
    const toastText = await page.locator('[data-testid="toast"][data-kind="error"]').first().innerText();
    assert.ok(toastText.includes(STALE_ZH), toastText);
    const note = page.getByTestId('hh-edit-pending');
    await page.waitForFunction(() => document.querySelector('[data-testid="hh-edit-pending"]')?.dataset.state === 'stale', null, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="household-address"]')?.textContent === '十里街道某村8组2号（他人修改，虚构）', null, { timeout: 15_000 });
    assert.equal(await page.getByTestId('household-members-count').innerText(), '3');
    const noteText = await note.innerText();
    assert.match(noteText, /^离线时保存的修改未能保存：此记录在您打开后已被他人修改。页面现已显示他人修改后的信息/);
    assert.doesNotMatch(noteText, /[。.]{2}/, 'no doubled full stop');
    for (const text of [toastText, noteText]) {
      assert.doesNotMatch(text, /[A-Za-z]{3,}/, `no English words in: ${text}`);
      assert.ok(!serverWords || !text.includes(serverWords), "the server's English words are left out");
    }
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-stale-zh.png') });

    await page.getByTestId('outbox-button').click();
    const failure = page.getByTestId('outbox-failure');
    await failure.waitFor();
    const failureText = await failure.innerText();
    assert.equal(failureText, `服务器拒收：${STALE_ZH}`);
    assert.doesNotMatch(failureText, /[A-Za-z]{3,}/);
    assert.equal(await page.getByTestId('outbox-retry').count(), 0, 'sent again it would be refused again: only dropping is offered');
    assert.equal(await page.getByTestId('outbox-discard').count(), 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-stale-outbox-zh.png') });
    await page.getByTestId('outbox-close').click();

    // In English the same refusal is said in English, still without the server's words (the toast, said
    // when it came, is closed first).
    await page.locator('[data-testid="toast"][data-kind="error"] .toast-close').click();
    await setLang(page, 'en');
    await page.waitForFunction(() => /someone changed this household after you opened it/.test(document.querySelector('[data-testid="hh-edit-pending"]')?.textContent ?? ''), null, { timeout: 10_000 });
    const noteEn = await note.innerText();
    assert.ok(!serverWords || !noteEn.includes(serverWords), noteEn);
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-stale-en.png') });
    await page.getByTestId('outbox-button').click();
    await failure.waitFor();
    assert.match(await failure.innerText(), STALE_EN);
    assert.ok(!serverWords || !(await failure.innerText()).includes(serverWords));
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-household-stale-outbox-en.png') });

    // Dropped: the note goes, and nothing claims the household was saved.
    await page.getByTestId('outbox-discard').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('outbox-row').waitFor({ state: 'detached' });
    await page.getByTestId('outbox-close').click();
    await note.waitFor({ state: 'hidden' });
    assert.doesNotMatch(await page.getByTestId('toasts').innerText(), /Household saved/);
    await setLang(page, 'zh');

    // Made again on the household as it now is, the edit is saved (against the new version).
    await page.getByTestId('hh-edit-open').click();
    assert.equal(await page.getByTestId('hh-edit-address').inputValue(), '十里街道某村8组2号（他人修改，虚构）');
    await page.getByTestId('hh-edit-members').fill('5');
    await page.getByTestId('hh-edit-save').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="household-members-count"]')?.textContent === '5', null, { timeout: 15_000 });
    const after = (await call(reporter, 'GET', `/households/${id}`)).body;
    assert.equal(after.members, 5);
    assert.equal(after.address, '十里街道某村8组2号（他人修改，虚构）');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/** Fills the one-window intake (#/cases/new, already open) for `name`. */
async function fillIntake(page, name) {
  await page.getByTestId('cs-name').fill(name);
  await page.getByTestId('cs-phone').fill('139 0792 6666');
  await page.getByTestId('cs-kind-urgent').check();
  await page.getByTestId('cs-programme-temporary').check();
  await page.getByTestId('cs-description').fill('离线受理：房屋被冲毁，急需临时救助（虚构）。');
}

async function openIntake(page) {
  await page.goto(`${BASE}#/cases/new`);
  await page.locator('[data-testid="cs-intake-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
}

test('an intake taken in on a phone without a network waits with its key and opens one case when the network returns', { timeout: 240_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const applicant = `离线申请人${Date.now() % 1_000_000}`;
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases') posts.push(r.headers()['idempotency-key']);
  });
  try {
    await signIn(page, 'caseworker');
    await openIntake(page);
    await fillIntake(page, applicant);
    await context.setOffline(true);
    await page.getByTestId('cs-submit').click();
    const queued = page.getByTestId('cs-queued');
    await queued.waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('cs-queued-no').innerText(), /回执号：提交后生成/, 'no receipt number before the server answers');
    assert.equal(await page.getByTestId('cs-receipt-no').count(), 0);
    assert.match(await queued.innerText(), new RegExp(applicant));
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '1', null, { timeout: 15_000 });
    const key = await queued.getAttribute('data-key');
    assert.match(key ?? '', /^[0-9a-f-]{36}$/);
    // The outbox names the intake by its applicant.
    await page.getByTestId('outbox-button').click();
    assert.match(await page.getByTestId('outbox-row').first().innerText(), new RegExp(`${applicant} 的受理登记`));
    await page.getByTestId('outbox-close').click();
    await page.locator('[data-testid="toast"]').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-queued-390-zh.png') });
    await setLang(page, 'en');
    assert.match(await page.getByTestId('cs-queued-no').innerText(), /Receipt number: given when sent/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-queued-390-en.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-queued-1440-en.png') });
    await setLang(page, 'zh');
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-queued-1440-zh.png') });
    await page.setViewportSize({ width: 390, height: 844 });

    // The network returns: sent once, with the key made when the form was submitted; the receipt shows.
    await context.setOffline(false);
    await page.getByTestId('cs-receipt').waitFor({ timeout: 30_000 });
    const receiptNo = (await page.getByTestId('cs-receipt-no').innerText()).trim();
    assert.match(receiptNo, /^\d{8}-[0-9A-HJ-NP-Z]{8}$/);
    assert.ok(await page.getByTestId('cs-receipt-print').isVisible());
    assert.deepEqual(posts.filter(Boolean).filter((k) => k === key).length >= 1, true);
    assert.ok(posts.every((k) => k === key), `every POST /cases carried the one key: ${JSON.stringify(posts)}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.dataset.pending === '0', null, { timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-sent-390-zh.png') });

    const cases = (await call(await token('caseworker'), 'GET', '/cases')).body;
    const mine = cases.filter((c) => c.applicant_name === applicant);
    assert.equal(mine.length, 1, `exactly one case for ${applicant}`);
    assert.equal(mine[0].receipt_no, receiptNo);
    assert.equal(Number(await page.getByTestId('cs-receipt').getAttribute('data-case-id')), mine[0].id);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a queued intake the server refuses shows the fields it named, in the language of the moment, with Edit and Drop', { timeout: 240_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const applicant = `被拒申请人${Date.now() % 1_000_000}`;
  const { context, page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    await signIn(page, 'caseworker');
    await openIntake(page);
    await fillIntake(page, applicant);
    await context.setOffline(true);
    await page.getByTestId('cs-submit').click();
    await page.getByTestId('cs-queued').waitFor({ timeout: 15_000 });
    // The server refuses it when it arrives (a stand-in answer: the phone's number is no longer in service).
    await page.route('**/api/v1/cases', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: 'validation', message: 'invalid input', details: [{ field: 'applicant.phone', reason: 'not a phone number' }] } }) })
        : route.continue(),
    );
    await context.setOffline(false);
    await page.getByTestId('cs-queued-refused').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('cs-queued-fields').innerText(), /需修改：联系电话/);
    await setLang(page, 'en');
    // The language switch re-renders on the next frame: wait for the English text rather than read at once.
    await page.getByTestId('cs-queued-fields').filter({ hasText: /To correct: Phone/ }).waitFor({ timeout: 5_000 });
    await page.getByTestId('outbox-button').click();
    assert.match(await page.getByTestId('outbox-fields').innerText(), /To correct: Phone/);
    assert.equal(await page.getByTestId('outbox-retry').count(), 0, 'sent unchanged it would be refused again');
    assert.ok(await page.getByTestId('outbox-edit').isVisible());
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-refused-outbox-390-en.png') });
    await page.getByTestId('outbox-close').click();
    await setLang(page, 'zh');
    await page.screenshot({ path: path.join(ARTIFACTS, 'intake-refused-390-zh.png') });

    // Edit: the form again, filled, the phone marked; corrected and sent (the server answers again).
    await page.unroute('**/api/v1/cases');
    await page.getByTestId('cs-queued-edit').click();
    await page.getByTestId('cs-editing-queued').waitFor();
    assert.equal(await page.getByTestId('cs-name').inputValue(), applicant);
    await page.getByTestId('cs-phone-error').waitFor({ state: 'visible' });
    await page.getByTestId('cs-phone').fill('139 0792 7777');
    await page.getByTestId('cs-submit').click();
    await page.getByTestId('cs-receipt').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="outbox-button"]')?.hidden !== false || document.querySelector('[data-testid="outbox-button"]')?.dataset.failed === '0', null, { timeout: 15_000 });
    const cases = (await call(await token('caseworker'), 'GET', '/cases')).body;
    assert.equal(cases.filter((c) => c.applicant_name === applicant).length, 1);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

async function expectSoon(check, what, ms = 10_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
