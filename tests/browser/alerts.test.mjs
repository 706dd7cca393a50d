// Proactive detection (救急难 主动发现, issue #16) on screen, against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test alerts.test.mjs
// The demo's caseworker (a township reporter) finds the alerts the flood raised from the case board
// on a phone, in Chinese: the household head (masked), the township by name, the need in words, the
// losses and the programmes, with no English on screen. A wrong phone is refused beside its field;
// a case opened from an alert (confirmed) lands on the new case's page with source 主动发现, and the
// alert moves to 已转案件 with a link to it; another alert is dismissed with a reason (confirmed).
// The new urgent case shows on the map as its township's count badge, whose popup links to it.
// A county reader sees the alerts without actions; the manager runs detection now and sees the
// counts. The screen is shot at 390 and 1440 px in both languages into tests/artifacts/alerts/ (or
// SHOTS_DIR), never scrolling sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, noOverflow, openBrowser, ready, shotsInBothLanguages, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/alerts');
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

const shots = (page, name) => shotsInBothLanguages(page, SHOTS, name, rawKeys);
/** The untranslated keys a screen shows (alerts.… / cases.… as text), none expected. */
const rawKeys = (page) => page.evaluate(() => (document.body.innerText.match(/\b(alerts|cases)\.[a-zA-Z]+(\.[a-zA-Z_]+)?/g) ?? []).join(' '));
/**
 * Latin words on the alert screen in Chinese, leaving out what the server names in its own words
 * (events, user names, dismissal reasons) and the header's language button.
 */
const englishOnScreen = (page, allowed) =>
  page.evaluate((allowed) => {
    const screen = document.querySelector('[data-testid="al-screen"]');
    const clone = screen.cloneNode(true);
    clone.querySelectorAll('select, [data-testid^="al-resolution-"]').forEach((n) => n.remove());
    let text = clone.innerText ?? clone.textContent;
    for (const a of allowed) text = text.split(a).join(' ');
    return [...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])];
  }, allowed);
const confirm = async (page) => {
  await page.getByTestId('confirm-dialog').waitFor();
  const facts = await page.getByTestId('confirm-dialog').innerText();
  await page.getByTestId('confirm-ok').click();
  await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
  return facts;
};
/** The open alerts on screen, in their order: [{ id, need }]. */
const openAlerts = (page) =>
  page.locator('[data-testid="al-list"] > li[data-status="open"]').evaluateAll((lis) => lis.map((li) => ({ id: Number(li.dataset.id), need: li.dataset.need })));

test('proactive detection: the caseworker opens a case from an alert on a phone, dismisses another, and finds the case on the map', { timeout: 600_000 }, async () => {
  const caseworker = await token('caseworker');
  const before = await call(caseworker, 'GET', '/alerts/assistance');
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.ok(before.body.length >= 2, `the demo raises open alerts in the caseworker's township (${before.body.length})`);
  const events = (await call(caseworker, 'GET', '/events')).body;
  const towns = (await call(caseworker, 'GET', '/areas?level=township')).body;
  const townName = new Map(towns.map((a) => [a.code, a.name]));

  let caseId;
  let caseTown;
  let eventId;
  let b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    // From the case board, with the number still to check beside the link.
    await page.goto(`${BASE}#/cases`);
    await ready(page, 'cs-board-screen');
    await page.locator('[data-testid="cs-alerts-count"]:not([hidden])').waitFor();
    assert.equal(await page.getByTestId('cs-alerts-count').getAttribute('data-count'), String(before.body.length));
    await page.getByTestId('cs-alerts-link').click();
    await ready(page, 'al-screen');
    assert.equal(await page.getByTestId('al-screen').getAttribute('data-status'), 'open', 'open alerts by default');
    assert.equal(await page.getByTestId('al-count-open').getAttribute('data-count'), String(before.body.length));
    assert.ok(Number(await page.getByTestId('al-count-converted').getAttribute('data-count')) >= 1, 'the demo turned one alert into a case');
    assert.ok(Number(await page.getByTestId('al-count-dismissed').getAttribute('data-count')) >= 1, 'the demo dismissed one alert');

    const shown = await openAlerts(page);
    assert.equal(shown.length, before.body.length);
    // Hardship first, as the server orders them.
    const firstOther = shown.findIndex((a) => a.need !== 'hardship');
    if (firstOther >= 0) assert.ok(shown.slice(firstOther).every((a) => a.need !== 'hardship'), 'hardship first');
    const first = before.body.find((a) => a.id === shown[0].id);
    eventId = first.event_id;
    const row = page.getByTestId(`al-alert-${first.id}`);
    // The head masked for a reporter, the township by name, the need in words, the programmes.
    assert.equal(await page.getByTestId(`al-name-${first.id}`).innerText(), first.head_name);
    assert.match(first.head_name, /\*/, 'a reporter sees the name masked');
    const town = townName.get(first.area_code.slice(0, 9));
    assert.ok(town, 'the township has a name');
    assert.equal((await page.getByTestId(`al-place-${first.id}`).innerText()).trim(), town);
    const needs = {
      hardship: '家中有人遇难或失踪、房屋倒塌，未纳入低保或特困',
      injury: '家中有人因灾受伤',
      schooling: '低保或特困家庭受灾，有学龄前或在学子女',
    };
    assert.equal(await page.getByTestId(`al-need-${first.id}`).innerText(), needs[first.need]);
    const progs = await page.getByTestId(`al-programmes-${first.id}`).innerText();
    if (first.need === 'hardship') assert.ok(progs.includes('建议办理') && progs.includes('临时救助') && progs.includes('需核查') && progs.includes('低保'), progs);
    if (first.facts.dead) assert.match(await page.getByTestId(`al-facts-${first.id}`).innerText(), new RegExp(`遇难 ${first.facts.dead} 人`));
    // No English in the Chinese screen.
    const allowed = events.map((e) => e.name);
    assert.deepEqual(await englishOnScreen(page, allowed), [], 'no English words on the Chinese screen');
    assert.equal(await rawKeys(page), '');
    await shots(page, 'alerts-390');

    // ---- open a case from the first alert ------------------------------------------------------------
    await row.getByTestId(`al-case-${first.id}`).click();
    await page.getByTestId(`al-case-form-${first.id}`).waitFor();
    await page.getByTestId('al-phone').fill('12ab');
    await page.getByTestId('al-case-submit').click();
    await page.locator('[data-testid="al-phone-error"]:not([hidden])').waitFor();
    assert.match(await page.getByTestId('al-phone-error').innerText(), /位数字/);
    assert.equal(await page.getByTestId('confirm-dialog').count(), 0, 'nothing asked before the phone is right');
    await page.getByTestId('al-phone').fill('139 0792 6666');
    await shots(page, 'alerts-case-form-390');
    await page.getByTestId('al-case-submit').click();
    // Cancelled first: nothing happens.
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('al-screen').count(), 1);
    await page.getByTestId('al-case-submit').click();
    const facts = await confirm(page);
    assert.ok(facts.includes(first.head_name) && facts.includes(town) && facts.includes('139 0792 6666'), facts);
    if (first.need === 'hardship') assert.ok(facts.includes('救急难') && facts.includes('临时救助'), facts);
    await ready(page, 'cs-case-screen');
    caseId = Number(new URL(page.url()).hash.match(/^#\/cases\/(\d+)$/)?.[1]);
    assert.ok(caseId > 0, page.url());
    assert.equal((await page.getByTestId('cs-fact-source').innerText()).trim(), '主动发现');
    assert.equal((await page.getByTestId('cs-fact-phone').innerText()).trim(), '139 0792 6666');
    const made = await call(caseworker, 'GET', `/cases/${caseId}`);
    assert.equal(made.body.source, 'detection');
    assert.equal(made.body.household_id, first.household_id);
    assert.equal(made.body.kind, first.need === 'hardship' ? 'urgent' : 'application');
    caseTown = made.body.area_code.slice(0, 9);
    await shots(page, 'alerts-new-case-390');

    // ---- the alert is converted, with a link to its case --------------------------------------------------
    await page.goto(`${BASE}#/cases/alerts`);
    await ready(page, 'al-screen');
    assert.equal(await page.getByTestId(`al-alert-${first.id}`).count(), 0, 'no longer open');
    await page.getByTestId('al-count-converted').click();
    assert.equal(await page.getByTestId('al-screen').getAttribute('data-status'), 'converted');
    assert.equal(await page.getByTestId(`al-case-link-${first.id}`).getAttribute('href'), `#/cases/${caseId}`);
    assert.equal(await page.getByTestId(`al-case-${first.id}`).count(), 0, 'no actions on a converted alert');
    assert.match(page.url(), /status=converted/);

    // ---- dismiss another, with a reason ------------------------------------------------------------------
    await page.getByTestId('al-count-open').click();
    const second = (await openAlerts(page))[0];
    assert.ok(second, 'another open alert');
    const openBefore = Number(await page.getByTestId('al-count-open').getAttribute('data-count'));
    const dismissedBefore = Number(await page.getByTestId('al-count-dismissed').getAttribute('data-count'));
    await page.getByTestId(`al-dismiss-${second.id}`).click();
    await page.getByTestId(`al-dismiss-form-${second.id}`).waitFor();
    await page.getByTestId('al-dismiss-submit').click();
    await page.locator('[data-testid="al-reason-error"]:not([hidden])').waitFor();
    assert.match(await page.getByTestId('al-reason-error').innerText(), /理由/);
    const reason = `经入户核实，家庭已由亲属接济（测试 ${Date.now().toString(36)}）`;
    await page.getByTestId('al-reason').fill(reason);
    await page.getByTestId('al-dismiss-submit').click();
    const dfacts = await confirm(page);
    assert.ok(dfacts.includes(reason), dfacts);
    await page.locator(`[data-testid="al-count-dismissed"][data-count="${dismissedBefore + 1}"]`).waitFor();
    assert.equal(await page.getByTestId('al-count-open').getAttribute('data-count'), String(openBefore - 1));
    assert.equal(await page.getByTestId(`al-alert-${second.id}`).count(), 0);
    await page.getByTestId('al-count-dismissed').click();
    assert.ok((await page.getByTestId(`al-resolution-${second.id}`).innerText()).includes(reason));
    const gone = await call(caseworker, 'GET', '/alerts/assistance?status=dismissed');
    assert.equal(gone.body.find((a) => a.id === second.id)?.resolution, reason);
    await shots(page, 'alerts-dismissed-390');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- the desk: the list at 1440 in both languages; the urgent case on the map ---------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'caseworker');
    await page.goto(`${BASE}#/cases/alerts`);
    await ready(page, 'al-screen');
    // One event only: the counts are that event's.
    await page.getByTestId('al-event').selectOption(String(eventId));
    await ready(page, 'al-screen');
    assert.match(page.url(), new RegExp(`[?&]event=${eventId}\\b`));
    const forEvent = (await call(caseworker, 'GET', `/alerts/assistance?event_id=${eventId}`)).body;
    assert.equal(await page.getByTestId('al-count-open').getAttribute('data-count'), String(forEvent.length));
    await page.getByTestId('al-event').selectOption('');
    await ready(page, 'al-screen');
    await shots(page, 'alerts-1440');
    await page.getByTestId('al-count-converted').click();
    await shots(page, 'alerts-converted-1440');
    const made = (await call(caseworker, 'GET', `/cases/${caseId}`)).body;
    if (made.kind === 'urgent') {
      await page.goto(`${BASE}#/map`);
      await page.waitForFunction(() => document.body.dataset.urgentMarkers !== undefined, null, { timeout: 60_000 });
      const marker = page.getByTestId(`urgent-marker-${caseTown}`);
      await marker.waitFor();
      const urgent = (await call(caseworker, 'GET', '/cases')).body.filter((c) => c.kind === 'urgent' && !['decided', 'closed'].includes(c.status) && c.area_code.startsWith(caseTown));
      assert.equal(await marker.getAttribute('data-count'), String(urgent.length));
      // Close to the township, so the badge is on screen whatever the city view shows.
      const pt = towns.find((a) => a.code === caseTown);
      if (pt && Number.isFinite(pt.lon) && Number.isFinite(pt.lat)) {
        await page.evaluate(([lon, lat]) => window.jiuzaiMap.jumpTo({ center: [lon, lat], zoom: 10 }), [pt.lon, pt.lat]);
        await page.waitForTimeout(300);
      }
      await marker.click();
      const popup = page.getByTestId('urgent-popup');
      await popup.waitFor();
      assert.equal(await popup.getAttribute('data-code'), caseTown);
      assert.ok((await popup.innerText()).includes(made.receipt_no));
      await mkdir(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'map-urgent-1440-zh.png') });
      await page.getByTestId(`urgent-case-${caseId}`).click();
      await ready(page, 'cs-case-screen');
      assert.match(page.url(), new RegExp(`#/cases/${caseId}$`));
    }
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }

  // ---- a reader sees no actions; the manager runs detection now ----------------------------------------------
  b = await openBrowser(DESK);
  try {
    const { page, problems } = b;
    await signIn(page, 'reviewer');
    await page.goto(`${BASE}#/cases/alerts`);
    await ready(page, 'al-screen');
    assert.equal(await page.locator('[data-testid^="al-case-"]:not([data-testid^="al-case-link-"])').count(), 0, 'a reviewer opens no case');
    assert.equal(await page.locator('[data-testid^="al-dismiss-"]').count(), 0, 'a reviewer dismisses nothing');
    assert.equal(await page.getByTestId('al-scan').count(), 0, 'a reviewer does not run detection');

    await signIn(page, 'manager');
    await page.goto(`${BASE}#/cases/alerts`);
    await ready(page, 'al-screen');
    await page.getByTestId('al-scan').click();
    const result = page.locator('[data-testid="al-scan-result"]:not([hidden])');
    await result.waitFor({ timeout: 120_000 });
    await ready(page, 'al-screen');
    assert.ok(Number(await result.getAttribute('data-events')) >= 1, await result.innerText());
    assert.match(await result.innerText(), /已排查 [\d,]+ 个灾害事件、[\d,]+ 户：新发现 [\d,]+ 条，更新 [\d,]+ 条，撤回 [\d,]+ 条/);
    // What was dismissed stays dismissed, what became a case stays converted.
    assert.equal(await page.getByTestId('al-scan').isEnabled(), true);
    await shots(page, 'alerts-scan-1440');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});

test('the city manager narrows the open alerts to a township (kept in the address) and sees them 50 at a time', { timeout: 300_000 }, async () => {
  const manager = await token('manager');
  const all = (await call(manager, 'GET', '/alerts/assistance?status=open')).body;
  assert.ok(Array.isArray(all), JSON.stringify(all).slice(0, 200));
  const b = await openBrowser(PHONE);
  try {
    const { page, problems } = b;
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/cases/alerts`);
    await ready(page, 'al-screen');
    const screen = page.getByTestId('al-screen');
    const total = Number(await screen.getAttribute('data-total'));
    assert.equal(total, all.length, 'every open alert is counted');
    assert.equal(Number(await screen.getAttribute('data-shown')), Math.min(50, total), '50 at a time');
    if (total > 50) {
      assert.ok(await page.getByTestId('al-more').isVisible());
      await page.getByTestId('al-more').scrollIntoViewIfNeeded();
      await shots(page, 'alerts-more-390');
      await page.getByTestId('al-more').click();
      assert.equal(Number(await screen.getAttribute('data-shown')), Math.min(100, total));
    }

    // The township of the most alerted place, chosen by its name; the list and the address follow.
    const byTown = new Map();
    for (const a of all) byTown.set(a.area_code.slice(0, 9), (byTown.get(a.area_code.slice(0, 9)) ?? 0) + 1);
    const [town] = [...byTown].sort((x, y) => y[1] - x[1])[0] ?? [];
    assert.ok(town, 'an open alert exists');
    const option = page.locator(`[data-testid="al-area"] option[value="${town}"]`);
    assert.doesNotMatch(await option.innerText(), /^\d+$/, 'the township is named, not coded');
    await page.getByTestId('al-area').selectOption(town);
    await page.waitForFunction((code) => document.querySelector('[data-testid="al-screen"]')?.dataset.area === code && document.querySelector('[data-testid="al-screen"]')?.dataset.ready === 'true', town, { timeout: 30_000 });
    assert.match(page.url(), new RegExp(`area=${town}`));
    const expected = (await call(manager, 'GET', `/alerts/assistance?status=open&area_code=${town}`)).body.length;
    assert.equal(Number(await screen.getAttribute('data-total')), expected);
    for (const code of await page.locator('[data-testid="al-list"] > li[data-id]').evaluateAll((els) => els.map((e) => e.querySelector('[data-testid^="al-place-"]')?.getAttribute('title') ?? '')))
      assert.ok(code.startsWith(town), `${code} is in ${town}`);
    await noOverflow(page, 'the filtered alert list at 390 px');
    await page.getByTestId('al-counts').scrollIntoViewIfNeeded();
    await shots(page, 'alerts-filtered-390');
    // Opened again from the address, the filter holds.
    await page.reload();
    await ready(page, 'al-screen');
    assert.equal(await page.getByTestId('al-area').inputValue(), town);
    assert.equal(await rawKeys(page), '');
    await page.setViewportSize(DESK);
    await page.getByTestId('al-counts').scrollIntoViewIfNeeded();
    await shots(page, 'alerts-filtered-1440');
    assert.deepEqual(problems, []);
  } finally {
    await b.close();
  }
});
