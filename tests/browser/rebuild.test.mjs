// Rebuilding damaged rural houses on screen (issue #17 item 5), against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test rebuild.test.mjs
// The demo seeds 7 cases in the caseworker's township (沙河街道, county 360404 柴桑区), one at each
// stage. A further house with a damage record there is taken from the damage record to accepted:
// the caseworker opens its case, the county (reviewer) approves a subsidy above the standard with a
// reason after the confirmation, the caseworker records start, structure and completion with a
// photo each, the inspector (assessor) fails it on a phone with findings the caseworker then sees,
// the caseworker completes it again and the inspector accepts it. The county drafts the start,
// structure and acceptance lists from the list screen (each confirmed); the start list is submitted
// by the manager, approved and disclosed by the city's reviewer (not its author) and marked paid by the manager on the grant
// list screen, and the case shows that stage paid. The list, the case, the map and the inspection
// form are shot at 1440×900 and 390×844 in both languages into tests/artifacts/rebuild/ (or
// SHOTS_DIR). Run on a fresh server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, ORIGIN, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/rebuild');
const COUNTY = '360404';
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
// A 1×1 PNG: enough for the server to take as a photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const photo = (name) => ({ name, mimeType: 'image/png', buffer: PNG });

const ready = (page, screen) => page.locator(`[data-testid="${screen}"][data-ready="true"]`).first().waitFor({ timeout: 30_000 });
const caseAt = (page, status) => page.locator(`[data-testid="rb-case-screen"][data-status="${status}"]`).waitFor({ timeout: 30_000 });
const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
};
const noOverflow = async (page, what) => {
  const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(extra <= 0, `${what}: the page scrolls sideways by ${extra}px`);
};
/** Shots of the window and of the whole screen in both languages, back in Chinese after. */
async function shots(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const size = page.viewportSize();
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang);
    await page.waitForTimeout(250);
    await noOverflow(page, `${name} (${lang})`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}.png`) });
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
/** The untranslated keys a screen shows (rb.… / ins.… as text), none expected. */
const rawKeys = (page) => page.evaluate(() => (document.body.innerText.match(/\b(rb|ins)\.[a-z]+\.[a-zA-Z]+/g) ?? []).join(' '));

async function login(username) {
  const res = await fetch(`${ORIGIN}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: process.env.JIUZAI_PASSWORD || 'demo' }) });
  assert.equal(res.status, 200, `login ${username}`);
  return res.json();
}

/** Open the case page of `id` as the signed-in user. */
async function openCase(page, id) {
  await page.goto(`${BASE}#/rebuild/${id}`);
  await ready(page, 'rb-case-screen');
}

/** Record the next progress step with a photo; waits for the status it leads to. */
async function recordProgress(page, next, file) {
  await page.getByTestId('rb-progress-photos').setInputFiles([photo(file)]);
  assert.equal(await page.getByTestId('rb-progress-submit').getAttribute('data-stage'), next);
  await page.getByTestId('rb-progress-submit').click();
  await caseAt(page, next);
}

test('rebuild: a case from the damage record to accepted, the three stage lists drafted, the start stage paid; the inspection on a phone', { timeout: 600_000 }, async () => {
  // ---- the house: a damage record in the caseworker's township without a case -------------------
  const me = await login('caseworker');
  const township = me.user.area_code;
  const cw = me.token;
  const events = (await call(cw, 'GET', '/events')).body;
  const event = events.find((e) => e.name.includes('虚构')) ?? events[0];
  const cases = (await call(cw, 'GET', '/rebuild-cases')).body;
  assert.equal(cases.length, 7, 'the demo seeds seven cases');
  const taken = new Set(cases.map((c) => c.household_id));
  const records = (await call(cw, 'GET', `/events/${event.id}/household-damage?area_code=${township}`)).body;
  const record = records.find((d) => ['collapsed', 'severe'].includes(d.house_damage) && !d.exclusions.length && !taken.has(d.household_id));
  assert.ok(record, 'a damaged house without a case');
  const household = (await call(cw, 'GET', `/households/${record.household_id}`)).body;

  let caseId;
  let standard;
  // ---- the caseworker opens the case from the list screen ------------------------------------------
  let b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await page.getByTestId('nav-rebuild').click();
    await ready(page, 'rb-list-screen');
    // Seven cases, counted per status; failed first, then the least advanced.
    assert.equal(await page.getByTestId('rb-count-all').getAttribute('data-count'), '7');
    const order = await page.locator('[data-testid="rb-cases"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.status));
    assert.equal(order[0], 'failed_inspection');
    assert.equal(order.at(-1), 'accepted');
    await page.getByTestId('rb-count-accepted').click();
    assert.equal(await page.locator('[data-testid="rb-cases"] tbody tr').count(), 1);
    await page.getByTestId('rb-count-accepted').click();
    assert.equal(await page.locator('[data-testid="rb-cases"] tbody tr').count(), 7);
    // The township by its name, never its code.
    assert.doesNotMatch(await page.getByTestId('rb-filter-township').innerText(), /\d{9}/);
    await shots(page, 'list-1440');

    await page.getByTestId('rb-open-event').selectOption(String(event.id));
    await page.getByTestId('rb-open-household-q').fill(household.head_name.replace(/\*.*/, ''));
    await page.getByTestId('rb-open-household-find').click();
    await page.getByTestId(`rb-open-household-pick-${household.id}`).click();
    await page.locator('[data-testid="rb-open-damage"]:not(:empty)').waitFor();
    assert.match(await page.getByTestId('rb-open-damage').innerText(), /倒塌|严重损坏/);
    assert.equal(await page.getByTestId('rb-open-mode').inputValue(), 'rebuild');
    await page.getByTestId('rb-open-submit').click();
    await caseAt(page, 'surveyed');
    caseId = Number(new URL(page.url()).hash.split('/').pop());
    assert.ok(caseId > 7, `a new case: ${page.url()}`);
    assert.equal(await page.getByTestId('rb-no-actions').count(), 1, 'the caseworker waits for the county');
    standard = (await call(cw, 'GET', `/rebuild-cases/${caseId}`)).body.standard_fen;
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the county approves above the standard, with a reason ------------------------------------------
  b = await openBrowser(DESK);
  const above = standard + 150_000;
  try {
    const { page, problems } = b;
    await signIn(page, 'county');
    await openCase(page, caseId);
    await page.getByTestId('rb-approve-amount').fill(String(above / 100));
    await page.getByTestId('rb-approve').click();
    assert.match(await page.getByTestId('rb-approve-reason-error').innerText(), /高于标准须填写理由/);
    await page.getByTestId('rb-approve-reason').fill('宅基地需重新平整（浏览器测试）');
    await page.getByTestId('rb-approve').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.equal(await page.getByTestId('confirm-amount').innerText(), `¥${(above / 100).toLocaleString('en-US')}.00`);
    assert.match(await page.getByTestId('confirm-above').innerText(), /¥1,500\.00/);
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await call(cw, 'GET', `/rebuild-cases/${caseId}`)).body.status, 'surveyed', 'going back approves nothing');
    await page.getByTestId('rb-approve').click();
    await page.getByTestId('confirm-ok').click();
    await caseAt(page, 'approved');
    assert.match(await page.getByTestId('rb-fact-subsidy').innerText(), /高于标准/);
    assert.equal(await page.getByTestId('rb-step-1').getAttribute('data-step'), 'approve');
    assert.match(await page.getByTestId('rb-step-1-reason').innerText(), /宅基地/);
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the caseworker records the builder's progress with photos ------------------------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await openCase(page, caseId);
    await recordProgress(page, 'started', 'start.png');
    await recordProgress(page, 'structure_done', 'structure.png');
    await recordProgress(page, 'completed', 'complete.png');
    // Each step's photo is a thumbnail opening the image.
    const thumbs = page.locator('[data-testid="rb-timeline"] .rb-thumb[data-loaded="true"]');
    await thumbs.nth(2).waitFor({ timeout: 30_000 });
    assert.match(await thumbs.first().getAttribute('href'), /^blob:/);
    assert.equal(await page.getByTestId('rb-inspect-open').count(), 0, 'only the inspector inspects');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the inspector on a phone: the form's checks, a failure, then the acceptance ------------------------
  b = await openBrowser({ ...PHONE, consoleErrors: false });
  try {
    const { page } = b;
    await signIn(page, 'assessor');
    await openCase(page, caseId);
    await page.getByTestId('rb-inspect-open').click();
    await ready(page, 'rb-inspect-screen');
    await noOverflow(page, 'inspection form');
    // Big targets: the verdicts and the camera are at least 48 px high.
    for (const id of ['rb-inspect-pass', 'rb-inspect-fail']) {
      const box = await page.getByTestId(id).locator('xpath=..').boundingBox();
      assert.ok(box.height >= 48, `${id} is ${box.height}px high`);
    }
    const camera = page.getByTestId('rb-inspect-photos');
    assert.equal(await camera.getAttribute('capture'), 'environment');
    assert.equal(await camera.getAttribute('accept'), 'image/*');
    await page.getByTestId('rb-inspect-submit').click();
    for (const id of ['rb-inspect-photos-error', 'rb-inspect-findings-error', 'rb-inspect-verdict-error']) assert.ok(await page.getByTestId(id).isVisible(), id);
    await shots(page, 'inspect-errors-390');
    // The form's messages follow the language.
    await setLang(page, 'en');
    assert.equal(await page.getByTestId('rb-inspect-photos-error').innerText(), 'At least one inspection photo is needed');
    await setLang(page, 'zh');
    assert.equal(await page.getByTestId('rb-inspect-photos-error').innerText(), '至少需要一张验收照片');
    await camera.setInputFiles([photo('wall.png'), photo('roof.png')]);
    assert.equal(await page.getByTestId('rb-inspect-previews').getAttribute('data-count'), '2');
    await page.getByTestId('rb-inspect-remove-1').click();
    assert.equal(await page.getByTestId('rb-inspect-previews').getAttribute('data-count'), '1');
    await page.getByTestId('rb-inspect-findings').fill('构造柱未到顶，需整改（浏览器测试）');
    await page.getByTestId('rb-inspect-fail').check();
    await shots(page, 'inspect-390');
    await page.getByTestId('rb-inspect-submit').click();
    await page.getByTestId('confirm-dialog').waitFor();
    assert.match(await page.getByTestId('confirm-ok').getAttribute('class'), /btn-danger/);
    assert.equal(await page.getByTestId('confirm-verdict').innerText(), '不合格');
    await page.getByTestId('confirm-ok').click();
    await caseAt(page, 'failed_inspection');
  } finally {
    await b.close();
  }

  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await openCase(page, caseId);
    // The township staff see what must be fixed.
    assert.match(await page.getByTestId('rb-failed-findings').innerText(), /构造柱未到顶/);
    await shots(page, 'case-failed-390');
    await setLang(page, 'en');
    assert.equal(await page.getByTestId('rb-progress-submit').innerText(), 'Record: completed');
    await setLang(page, 'zh');
    await recordProgress(page, 'completed', 'fixed.png');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'assessor');
    await page.goto(`${BASE}#/rebuild/${caseId}/inspect`);
    await ready(page, 'rb-inspect-screen');
    await page.getByTestId('rb-inspect-photos').setInputFiles([photo('done.png')]);
    await page.getByTestId('rb-inspect-findings').fill('整改到位，结构安全（浏览器测试）');
    await page.getByTestId('rb-inspect-pass').check();
    await page.getByTestId('rb-inspect-submit').click();
    await page.getByTestId('confirm-ok').click();
    await caseAt(page, 'accepted');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the county drafts the three stage lists from the list screen ------------------------------------------
  const lists = {};
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'county');
    await page.goto(`${BASE}#/rebuild`);
    await ready(page, 'rb-list-screen');
    assert.equal(await page.getByTestId('rb-draft-county').inputValue(), COUNTY);
    await page.locator('[data-testid="rb-draft-shares"]:not(:empty)').waitFor();
    assert.match(await page.getByTestId('rb-draft-shares').innerText(), /30%.*40%.*30%/);
    // The county's shares are checked before they go: 30 + 40 + 20 is refused with the sum.
    await page.getByTestId('rb-shares-edit').click();
    await page.getByTestId('rb-share-2').fill('20');
    assert.equal(await page.getByTestId('rb-shares-sum').innerText(), '合计 90%');
    await page.getByTestId('rb-shares-save').click();
    assert.match(await page.getByTestId('rb-shares-error').innerText(), /现为 90%/);
    await page.getByTestId('rb-share-2').fill('30');
    await page.getByTestId('rb-shares-save').click();
    await page.getByTestId('rb-shares-editor').waitFor({ state: 'hidden' });
    for (const stage of ['start', 'structure', 'acceptance']) {
      await page.getByTestId('rb-draft-stage').selectOption(stage);
      assert.ok(Number(await page.getByTestId('rb-draft-reached').getAttribute('data-count')) >= 1);
      await page.getByTestId('rb-draft-submit').click();
      await page.getByTestId('confirm-dialog').waitFor();
      assert.match(await page.getByTestId('confirm-county').innerText(), /柴桑区/);
      await page.getByTestId('confirm-ok').click();
      const link = page.getByTestId('rb-draft-link');
      await link.waitFor({ timeout: 30_000 });
      lists[stage] = Number((await link.getAttribute('href')).split('/').pop());
    }
    assert.equal(new Set(Object.values(lists)).size, 3, `three lists: ${JSON.stringify(lists)}`);
    await shots(page, 'list-drafted-1440');
    await page.getByTestId('rb-view-map').click();
    await page.locator('[data-testid="rb-map"][data-townships]').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('rb-map').getAttribute('data-classes'), new RegExp(`${township}:(low|high)`));
    await shots(page, 'map-1440');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the start list through the grant list screens: submit, approve, disclose, pay ------------------------
  const id = lists.start;
  const grantAt = (page, s) => page.locator(`[data-testid="grant-screen"][data-status="${s}"]`).waitFor({ timeout: 30_000 });
  b = await openBrowser({ ...DESK, consoleErrors: false });
  try {
    const { page } = b;
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/grants/${id}`);
    await grantAt(page, 'draft');
    await page.getByTestId('grant-submit').click();
    await grantAt(page, 'submitted');
    // The county drafted the list, so another reviewer (the city's) approves it.
    await signIn(page, 'reviewer');
    await page.goto(`${BASE}#/grants/${id}`);
    await grantAt(page, 'submitted');
    await page.getByTestId('grant-approve').click();
    await page.getByTestId('confirm-ok').click();
    await grantAt(page, 'approved');
    await page.getByTestId('grant-publish').click();
    // A disclosure that began ten days ago and ran seven: over, so the list can be paid.
    const start = new Date(Date.now() - 10 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
    await page.getByTestId('grant-publish-start').fill(start);
    await page.getByTestId('grant-publish-days').fill('7');
    await page.getByTestId('grant-publish-confirm').click();
    await page.getByTestId('confirm-ok').click();
    await grantAt(page, 'published');
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/grants/${id}`);
    await grantAt(page, 'published');
    await page.getByTestId('grant-pay').click();
    await page.getByTestId('confirm-ok').click();
    await grantAt(page, 'paid');
  } finally {
    await b.close();
  }

  // ---- the case: accepted, its three stages on lists, the start paid ------------------------------------------
  const done = (await call(cw, 'GET', `/rebuild-cases/${caseId}`)).body;
  assert.equal(done.status, 'accepted');
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await openCase(page, caseId);
    assert.equal(await page.getByTestId('rb-pay-start').getAttribute('data-paid'), 'true');
    assert.equal(await page.getByTestId('rb-pay-list-start').getAttribute('href'), `#/grants/${lists.start}`);
    for (const stage of ['structure', 'acceptance']) {
      assert.equal(await page.getByTestId(`rb-pay-${stage}`).getAttribute('data-listed'), 'true', stage);
      assert.equal(await page.getByTestId(`rb-pay-${stage}`).getAttribute('data-paid'), 'false', stage);
    }
    const steps = await page.locator('[data-testid="rb-timeline"] > li').evaluateAll((lis) => lis.map((li) => li.dataset.outcome));
    assert.deepEqual(steps, ['surveyed', 'approved', 'started', 'structure_done', 'completed', 'failed_inspection', 'completed', 'accepted']);
    assert.equal(await rawKeys(page), '');
    // The township's blanket policy covers the house: a claim reported from the case shows beside the subsidy.
    await page.getByTestId('rb-ins-report').click();
    await page.getByTestId('rb-ins-claim-status').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('rb-ins-claim-status').getAttribute('data-status'), 'reported');
    await shots(page, 'case-accepted-1440');
    await page.setViewportSize(PHONE);
    await shots(page, 'case-accepted-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});

test('housing insurance: the claims with their payouts, a claim surveyed and paid after confirmations, the county report', { timeout: 240_000 }, async () => {
  const county = await token('county');
  const claims = (await call(county, 'GET', '/insurance/claims')).body;
  const open = claims.find((c) => c.status === 'reported');
  assert.ok(open, 'a reported claim in the demo');
  const b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'county');
    await page.goto(`${BASE}#/rebuild/insurance`);
    await ready(page, 'ins-screen');
    assert.equal(Number(await page.getByTestId('ins-screen').getAttribute('data-shown')), claims.length);
    // Open claims first.
    const first = await page.locator('[data-testid="ins-claims"] tbody tr').first().getAttribute('data-status');
    assert.equal(first, 'reported');
    await page.getByTestId(`ins-report-${COUNTY}`).waitFor();
    assert.match(await page.getByTestId(`ins-report-${COUNTY}`).innerText(), /柴桑区/);
    await shots(page, 'insurance-1440');

    // The assessment: above the cover limit is refused before sending, then confirmed.
    await page.getByTestId(`ins-survey-${open.id}`).click();
    await page.getByTestId(`ins-amount-${open.id}`).fill(String(open.cap_fen / 100 + 1));
    await page.getByTestId(`ins-save-${open.id}`).click();
    assert.match(await page.getByTestId(`ins-error-${open.id}`).innerText(), /保额上限/);
    const assessed = Math.floor(open.cap_fen / 200);
    await page.getByTestId(`ins-amount-${open.id}`).fill(String(assessed));
    await page.getByTestId(`ins-save-${open.id}`).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();
    await page.locator(`[data-testid="ins-claim-${open.id}"][data-status="surveyed"]`).waitFor({ timeout: 30_000 });

    // The payout with its date.
    await page.getByTestId(`ins-payout-${open.id}`).click();
    assert.equal(await page.getByTestId(`ins-amount-${open.id}`).inputValue(), String(assessed));
    await page.getByTestId(`ins-save-${open.id}`).click();
    await page.getByTestId('confirm-dialog').waitFor();
    assert.equal(await page.getByTestId('confirm-amount').innerText(), `¥${assessed.toLocaleString('en-US')}.00`);
    await page.getByTestId('confirm-ok').click();
    await page.locator(`[data-testid="ins-claim-${open.id}"][data-status="paid"]`).waitFor({ timeout: 30_000 });
    const after = (await call(county, 'GET', '/insurance/claims')).body.find((c) => c.id === open.id);
    assert.equal(after.payout_fen, assessed * 100);
    assert.ok(await page.getByTestId('ins-download-csv').isVisible());

    // The counting rule: none by default; a percent above 100 is refused before it goes.
    await page.locator('[data-testid="ins-count-current"]:not(:empty)').waitFor();
    assert.match(await page.getByTestId('ins-count-current').innerText(), /0%/);
    await page.getByTestId('ins-count-percent').fill('150');
    await page.getByTestId('ins-count-save').click();
    assert.ok(await page.getByTestId('ins-count-error').isVisible());

    // The policy import: a file with a bad row imports nothing and lists the row; a good one imports.
    const header = 'insurer,policy_number,area_code,sum_per_room,starts_on,ends_on\n';
    const good = '测试保险公司（浏览器测试）,T-1,360404002,15000,2026-01-01,2026-12-31\n';
    const csv = (text) => ({ name: 'policies.csv', mimeType: 'text/csv', buffer: Buffer.from(header + text) });
    await page.getByTestId('ins-import-file').setInputFiles([csv(good + '测试保险公司,T-2,12345,abc,2026-01-01,2025-12-31\n')]);
    await page.getByTestId('ins-import-start').click();
    await page.getByTestId('ins-import-error-table').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('ins-import-status').innerText(), /1 行有误/);
    assert.equal(await page.locator('[data-testid="ins-import-error-table"] tbody tr').count(), 3);
    await page.getByTestId('ins-import-file').setInputFiles([csv(good)]);
    await page.getByTestId('ins-import-start').click();
    await page.locator('[data-testid="ins-import-status"]:text("已导入 1 份保单")').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('ins-import-error-table').count(), 0);
    await page.setViewportSize(PHONE);
    await shots(page, 'insurance-390');
    // The refused import answers 422 (the browser logs it); nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  } finally {
    await b.close();
  }
});

test('rebuild: overdue cases come first and are flagged, and the map names the township of a case and rings it', { timeout: 180_000 }, async () => {
  // The demo's target dates are months ahead: the list answer is rewritten to make one case overdue.
  const b = await openBrowser({ ...DESK, serviceWorkers: 'block' });
  try {
    const { page, problems } = b;
    await page.route('**/api/v1/rebuild-cases', async (route) => {
      const res = await route.fetch();
      const cases = await res.json();
      const target = cases.find((c) => c.status === 'started');
      if (target) Object.assign(target, { overdue: true, due_on: '2026-01-01' });
      await route.fulfill({ response: res, json: cases });
    });
    await signIn(page, 'county');
    await page.goto(`${BASE}#/rebuild`);
    await ready(page, 'rb-list-screen');
    const first = page.locator('[data-testid="rb-cases"] tbody tr').first();
    assert.equal(await first.getAttribute('data-overdue'), 'true');
    assert.equal(await first.getAttribute('data-status'), 'started');
    assert.match(await first.getAttribute('class'), /rb-row-overdue/);
    assert.equal(await first.locator('[data-testid^="rb-overdue-"]').innerText(), '逾期');
    assert.equal(await page.getByTestId('rb-count-overdue').getAttribute('data-count'), '1');
    await page.getByTestId('rb-count-overdue').click();
    assert.equal(await page.locator('[data-testid="rb-cases"] tbody tr').count(), 1);
    await shots(page, 'list-overdue-1440');

    // The map: the township with cases, ringed for its overdue case; its popup by name.
    await page.getByTestId('rb-view-map').click();
    await page.locator('[data-testid="rb-map"][data-townships]').waitFor({ timeout: 30_000 });
    const ringed = await page.evaluate(() => [...new Set(window.jiuzaiMap.querySourceFeatures('rb-townships').filter((f) => f.properties.overdue).map((f) => f.properties.code))]);
    assert.equal(ringed.length, 1);
    const at = await page.evaluate((code) => {
      const f = window.jiuzaiMap.querySourceFeatures('rb-townships').find((x) => x.properties.code === code);
      const p = window.jiuzaiMap.project(f.geometry.coordinates);
      const box = window.jiuzaiMap.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, ringed[0]);
    await page.mouse.click(at.x, at.y);
    const popup = page.getByTestId('rb-map-popup');
    await popup.waitFor({ timeout: 10_000 });
    const text = await popup.innerText();
    assert.match(text, /沙河街道/);
    assert.match(text, /柴桑区/);
    assert.doesNotMatch(text, /\d{6,}/, 'names, never codes');
    await page.screenshot({ path: path.join(SHOTS, 'map-popup-1440-zh.png') });
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
