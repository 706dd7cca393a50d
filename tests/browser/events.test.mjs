// Browser tests of the disaster screens, run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test
// The demo seeds a fictional flood (reports for six lake-shore counties, two verified townships in
// 永修 360425, one accepted, 瑞昌 360481 overdue). The event, townships and figures are found
// through the API, never hard-coded ids, so the tests can run again on the same server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BASE, ORIGIN, REPO_ROOT, apiPost, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts');
const RUICHANG = '360481';
const YONGXIU = '360425';



/** GET an API path with the page's own session token. */
async function apiGet(page, p) {
  const res = await page.evaluate(async (url) => {
    const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
    const r = await fetch(url, { headers: { Authorization: `Bearer ${s.token}` } });
    return { status: r.status, body: await r.json() };
  }, `/api/v1${p}`);
  assert.equal(res.status, 200, `GET ${p}`);
  return res.body;
}

/** The demo event: the fictional one, else the newest active one. */
async function demoEvent(page) {
  const events = await apiGet(page, '/events');
  const e = events.find((x) => /虚构|fictional/i.test(`${x.name} ${x.description ?? ''}`) && x.status !== 'closed') ?? events.find((x) => x.status === 'active');
  assert.ok(e, 'a demo event exists');
  return e;
}

/** Townships of a county with no report yet in the event. */
async function freshTownships(page, eventId, county) {
  const [towns, reports] = await Promise.all([apiGet(page, `/areas?parent=${county}`), apiGet(page, `/events/${eventId}/reports`)]);
  const reported = new Set(reports.map((r) => r.area_code));
  return towns.filter((t) => t.level === 'township' && !reported.has(t.code)).map((t) => t.code).sort();
}

function foreign(requests) {
  return requests.map((r) => r.url()).filter((u) => {
    const url = new URL(u);
    return url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== ORIGIN;
  });
}

const reportPosts = (requests) => requests.filter((r) => r.method() === 'POST' && /\/api\/v1\/events\/\d+\/reports$/.test(new URL(r.url()).pathname));

async function openReportForm(page, eventId) {
  await page.getByTestId('nav-report').click();
  // The tab opens the only open event directly, or lists the events to choose from.
  const chooser = page.getByTestId(`choose-event-${eventId}`);
  const form = page.locator('[data-testid="report-screen"][data-ready="true"]');
  await Promise.race([form.waitFor({ timeout: 30_000 }), chooser.waitFor({ timeout: 30_000 })]);
  if (await chooser.isVisible().catch(() => false)) await chooser.click();
  await form.waitFor({ timeout: 30_000 });
}

async function pickTownship(page, county, township) {
  await page.getByTestId('report-county').selectOption(county);
  await page.locator(`[data-testid="report-township"] option[value="${township}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.getByTestId('report-township').selectOption(township);
  await page.waitForFunction((code) => document.querySelector('[data-testid="report-screen"]')?.dataset.area === code, township, { timeout: 30_000 });
}

test('the manager picks the demo event and sees the response-level choropleth', { timeout: 180_000 }, async () => {
  const b = await openBrowser();
  const { page } = b;
  try {
    await signIn(page, 'manager');
    await page.waitForFunction(() => document.body.dataset.countiesLoaded === '13', null, { timeout: 60_000 });
    const event = await demoEvent(page);
    const summary = await apiGet(page, `/events/${event.id}/summary?level=county`);

    await page.getByTestId('event-select').selectOption(String(event.id));
    try {
      await page.waitForFunction((id) => document.body.dataset.eventLoaded === id, String(event.id), { timeout: 60_000 });
    } catch (e) {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'event-map-failed.png') }).catch(() => {});
      throw new Error(`eventLoaded never became ${event.id}; problems: ${b.problems.join(' | ') || 'none'}`, { cause: e });
    }
    assert.match(new URL(page.url()).hash, new RegExp(`event=${event.id}`), 'the choice is kept in the address');

    // The counties are coloured by response level, with the levels of the summary.
    const drawn = await page.evaluate(() => {
      const map = window.jiuzaiMap;
      const fill = map.getPaintProperty('county-fill', 'fill-color');
      const features = map.queryRenderedFeatures({ layers: ['county-fill'] });
      const levels = {};
      for (const f of features) levels[f.properties.code] = f.properties.lvl;
      return { fill, levels };
    });
    assert.equal(drawn.fill[0], 'match', 'a match on the response level');
    assert.deepEqual(drawn.fill[1], ['to-number', ['get', 'lvl'], 0]);
    for (const a of summary.areas) assert.equal(drawn.levels[a.code], a.response_level ?? 0, `level of ${a.name}`);
    assert.ok(summary.areas.some((a) => a.response_level !== null), 'the demo has counties in a response');

    // The city's level stands out; overdue counties and discrepancies are listed.
    const overall = page.getByTestId('event-overall-level');
    assert.equal(await overall.getAttribute('data-level'), String(summary.overall_response_level ?? 'none'));
    for (const code of summary.overdue) assert.ok(await page.getByTestId(`overdue-${code}`).isVisible(), `overdue ${code} listed`);
    if (!summary.overdue.length) assert.ok(await page.getByTestId('overdue-none').isVisible());
    const discrepant = summary.areas.filter((a) => a.discrepancies.length);
    for (const a of discrepant) assert.ok(await page.getByTestId(`discrepancy-${a.code}`).isVisible(), `discrepancy ${a.name} listed`);
    assert.ok(await page.getByTestId('legend-level-1').isVisible(), 'level legend');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'event-map.png') });

    // Any indicator as a sequential ramp, with its breaks in the legend.
    await page.getByTestId('choropleth-select').selectOption('affected');
    const legend = page.getByTestId('choropleth-legend');
    await page.waitForFunction(() => document.querySelector('[data-testid="choropleth-legend"]')?.dataset.mode === 'affected');
    assert.ok(await page.getByTestId('legend-no-data').isVisible());
    assert.ok((await legend.getAttribute('data-breaks')) !== null);
    const fill = await page.evaluate(() => window.jiuzaiMap.getPaintProperty('county-fill', 'fill-color'));
    assert.equal(fill[0], 'case');

    assert.deepEqual(foreign(b.requests), [], 'no request leaves the origin');
    assert.deepEqual(b.problems, [], 'no console errors or uncaught exceptions');
  } finally {
    await b.close();
  }
});

test('a reporter files an initial report for a township of 瑞昌市 and sees it listed', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ height: 1100 });
  const { page } = b;
  try {
    await signIn(page, 'reporter');
    const event = await demoEvent(page);
    const fresh = await freshTownships(page, event.id, RUICHANG);
    assert.ok(fresh.length >= 1, 'a township of 瑞昌市 without a report');
    const township = fresh[0];

    await openReportForm(page, event.id);
    await pickTownship(page, RUICHANG, township);
    assert.ok(await page.getByTestId('report-none-yet').isVisible(), 'no report yet');
    assert.equal(await page.getByTestId('report-stage').inputValue(), 'initial');

    await page.getByTestId('report-affected').fill('1200');
    await page.getByTestId('report-relocated').fill('30');
    await page.getByTestId('report-relocated_central').fill('10');
    await page.getByTestId('report-relocated_dispersed').fill('20');
    await page.getByTestId('report-collapsed_rooms').fill('2');
    await page.getByTestId('report-collapsed_households').fill('1');
    await page.getByTestId('report-crops_affected_ha').fill('85.5');
    await page.getByTestId('report-direct_loss_wan').fill('120.25');
    await page.getByTestId('report-description').fill('山洪冲毁村道，部分农田受淹（测试数据）');
    await page.getByTestId('report-submit').click();

    const toast = page.locator('[data-testid="toast"][data-kind="success"]');
    await toast.first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('report-version-1').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.getByTestId('report-version-1').getAttribute('data-stage'), 'initial');

    const stored = await apiGet(page, `/events/${event.id}/reports?area_code=${township}`);
    assert.equal(stored.length, 1, 'one version stored');
    assert.equal(stored[0].stage, 'initial');
    assert.deepEqual(stored[0].indicators, {
      affected: 1200,
      relocated: 30,
      relocated_central: 10,
      relocated_dispersed: 20,
      collapsed_rooms: 2,
      collapsed_households: 1,
      crops_affected_ha: 85.5,
      direct_loss_wan: 120.25,
    });
    // The next report of the area is an update, starting from these figures.
    assert.equal(await page.getByTestId('report-stage').inputValue(), 'update');
    assert.equal(await page.getByTestId('report-affected').inputValue(), '1200');
    assert.equal(reportPosts(b.requests).length, 1);
    assert.ok(reportPosts(b.requests)[0].headers()['idempotency-key'], 'the POST carries an Idempotency-Key');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('relocated ≠ central + dispersed is refused in the browser and nothing is written', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ height: 1100 });
  const { page } = b;
  try {
    await signIn(page, 'reporter');
    const event = await demoEvent(page);
    const fresh = await freshTownships(page, event.id, RUICHANG);
    assert.ok(fresh.length >= 1);
    const township = fresh[fresh.length - 1];

    await openReportForm(page, event.id);
    await pickTownship(page, RUICHANG, township);
    await page.getByTestId('report-affected').fill('500');
    await page.getByTestId('report-relocated').fill('10');
    await page.getByTestId('report-relocated_central').fill('3');
    await page.getByTestId('report-relocated_dispersed').fill('4');
    await page.getByTestId('report-submit').click();

    const error = page.getByTestId('report-error-relocated');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await error.textContent()) ?? '';
    assert.match(text, /7/, `the message names the sum: ${text}`);
    assert.equal(await page.getByTestId('report-relocated').getAttribute('aria-invalid'), 'true');
    assert.ok(await page.getByTestId('report-form-error').isVisible());

    await page.waitForTimeout(500);
    assert.equal(reportPosts(b.requests).length, 0, 'no report was sent');
    const stored = await apiGet(page, `/events/${event.id}/reports?area_code=${township}`);
    assert.equal(stored.length, 0, 'nothing stored');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('the assessor enters a verified value with a reason for a 永修 township and sees it beside the report', { timeout: 180_000 }, async () => {
  const b = await openBrowser({ height: 1200 });
  const { page } = b;
  try {
    await signIn(page, 'assessor');
    const event = await demoEvent(page);
    const towns = await apiGet(page, `/events/${event.id}/summary?level=township`);
    const reports = await apiGet(page, `/events/${event.id}/reports`);
    const reported = new Set(reports.map((r) => r.area_code));
    const target = towns.areas.find((a) => a.code.startsWith(YONGXIU) && !a.accepted && reported.has(a.code));
    assert.ok(target, 'a 永修 township with a report, not accepted');
    const latest = reports.filter((r) => r.area_code === target.code).sort((x, y) => x.version - y.version).pop();
    const before = latest.indicators.affected;
    assert.equal(typeof before, 'number');
    const verified = before + 150;

    await page.getByTestId('nav-verify').click();
    const chooser = page.getByTestId(`choose-event-${event.id}`);
    const screen = page.locator('[data-testid="verify-screen"][data-ready="true"]');
    await Promise.race([screen.waitFor({ timeout: 30_000 }), chooser.waitFor({ timeout: 30_000 })]);
    if (await chooser.isVisible().catch(() => false)) await chooser.click();
    await screen.waitFor({ timeout: 30_000 });

    await page.getByTestId(`queue-${target.code}`).click();
    await page.waitForFunction((code) => document.querySelector('[data-testid="verify-detail"]')?.dataset.code === code, target.code);
    assert.equal(await page.getByTestId('verify-reported-affected').getAttribute('data-value'), String(before));

    // A changed figure without a reason is refused before anything is sent.
    const posts = () => b.requests.filter((r) => r.method() === 'POST' && /\/assessments$/.test(new URL(r.url()).pathname)).length;
    await page.getByTestId('verify-value-affected').fill(String(verified));
    await page.getByTestId('verify-reason-affected').fill('');
    await page.getByTestId('verify-save').click();
    await page.getByTestId('verify-reason-error-affected').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(posts(), 0);

    await page.getByTestId('verify-reason-affected').fill('入户核查：外出务工人员返乡计入（测试）');
    const version = Number(await page.getByTestId('verify-screen').getAttribute('data-version'));
    await page.getByTestId('verify-save').click();
    await page.locator('[data-testid="toast"][data-kind="success"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((v) => Number(document.querySelector('[data-testid="verify-screen"]')?.dataset.version) > v, version, { timeout: 30_000 });
    assert.equal(posts(), 1);

    // Side by side: the reported figure, the verified one and the difference.
    assert.equal(await page.getByTestId('verify-reported-affected').getAttribute('data-value'), String(before));
    assert.equal(await page.getByTestId('verify-value-affected').inputValue(), String(verified));
    assert.equal(await page.getByTestId('verify-row-affected').getAttribute('data-changed'), 'true');
    assert.match((await page.getByTestId('verify-diff-affected').textContent()) ?? '', /150/);
    assert.ok(await page.getByTestId('badge-verified').isVisible());
    assert.ok(await page.getByTestId('badge-discrepancy').isVisible());
    assert.equal(await page.getByTestId(`queue-${target.code}`).getAttribute('data-status'), 'verified');

    const assessments = await apiGet(page, `/events/${event.id}/assessments?area_code=${target.code}`);
    const last = assessments[assessments.length - 1];
    assert.equal(last.indicators.affected, verified);
    assert.match(last.reasons.affected, /入户核查/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'event-verify.png') });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }
});

test('figures sent back reach the reporter with the reason and the verified values, and the assessor sees the history', { timeout: 240_000 }, async () => {
  const assessor = await openBrowser({ height: 1100 });
  const reporter = await openBrowser({ height: 1100 });
  try {
    await signIn(assessor.page, 'assessor');
    const event = await demoEvent(assessor.page);
    // A verified township of 永修 (the demo accepts one); accepted first when an earlier run sent it back.
    const towns = (await apiGet(assessor.page, `/events/${event.id}/summary?level=township`)).areas;
    const verified = towns.filter((a) => a.code.startsWith(YONGXIU) && Object.keys(a.verified ?? {}).length);
    assert.ok(verified.length, 'a verified township of 永修');
    const township = (verified.find((a) => a.accepted) ?? verified[0]).code;
    if (!verified.find((a) => a.code === township).accepted) {
      assert.equal((await apiPost(assessor.page, `/events/${event.id}/areas/${township}/accept`, null)).status, 200);
    }
    const reason = `请核实倒塌房屋数（浏览器测试 ${Date.now()}）`;
    const sent = await apiPost(assessor.page, `/events/${event.id}/areas/${township}/return`, { reason });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));

    await signIn(reporter.page, 'reporter');
    await reporter.page.goto(`${BASE}#/events/${event.id}/report?area=${township}`);
    const open = reporter.page.getByTestId('report-return-open').first();
    await open.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await open.innerText(), new RegExp(reason.replace(/[()（）]/g, '.')));
    await reporter.page.getByTestId('report-verified').waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await reporter.page.locator('[data-testid^="report-verified-"]').count()) >= 1, 'the verified values are listed');

    await assessor.page.goto(`${BASE}#/events/${event.id}/verify?area=${township}`);
    const history = assessor.page.getByTestId('verify-history');
    await history.waitFor({ state: 'attached', timeout: 30_000 });
    await history.locator(':scope > summary').click();
    assert.match(await history.innerText(), new RegExp(reason.replace(/[()（）]/g, '.')));
    assert.deepEqual([...assessor.problems, ...reporter.problems], [], 'no console errors');
  } finally {
    await assessor.close();
    await reporter.close();
  }
});
