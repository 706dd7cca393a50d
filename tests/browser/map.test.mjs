// Browser test of the map's readability (issue #13, item 5), run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test map.test.mjs
// Place names (DOM labels: the offline style has no glyphs), the place search, the preselected
// event, the overdue badge's popup, blocked zones on the map and the plan map, and the warning on a
// draft computed before a blockage was drawn. Every run cleans up the zone and the plan it makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts');

/** The event the map should open with: the active one under the most severe city-wide response. */
async function expectedEvent(tok) {
  const events = (await call(tok, 'GET', '/events')).body.filter((e) => e.status === 'active');
  let best = null;
  for (const e of events) {
    const lvl = (await call(tok, 'GET', `/events/${e.id}/summary?level=city`)).body.overall_response_level ?? 9;
    if (!best || lvl < best.lvl || (lvl === best.lvl && e.onset_at > best.e.onset_at)) best = { e, lvl };
  }
  return best?.e ?? null;
}

/** Labels on screen: ids, kinds and boxes (hidden ones left out). */
function visibleLabels(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="map-labels"] .map-label')]
      .filter((el) => !el.hidden)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { code: el.dataset.code, text: el.textContent, county: el.classList.contains('map-label-county'), box: [r.left, r.top, r.right, r.bottom] };
      }),
  );
}

function overlapping(labels) {
  const out = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const [a, b] = [labels[i].box, labels[j].box];
      if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) out.push(`${labels[i].text}/${labels[j].text}`);
    }
  return out;
}

async function settleMap(page) {
  await page.evaluate(() => new Promise((resolve) => (window.jiuzaiMap.loaded() ? resolve() : window.jiuzaiMap.once('idle', resolve))));
  await page.waitForTimeout(150); // the label layer follows on the next animation frame
}

test('the map names places, finds them, opens the worst active event and shows blocked zones, also on the plan', { timeout: 240_000 }, async () => {
  const manager = await token('manager');
  const event = await expectedEvent(manager);
  assert.ok(event, 'the demo has an active event');
  const counties = (await call(manager, 'GET', '/areas?level=county')).body;
  const towns = (await call(manager, 'GET', '/areas?level=township')).body;
  const countyName = new Map(counties.map((c) => [c.code, c.name]));
  const { page, problems, close } = await openBrowser({ consoleErrors: false });
  let zoneId = null;
  let planId = null;
  try {
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/map`);
    await page.waitForFunction(() => document.body.dataset.countiesLoaded === '13', null, { timeout: 60_000 });

    // 1. The most severe active event is opened by itself, and kept in the address.
    await page.waitForFunction((id) => document.body.dataset.eventLoaded === String(id), event.id, { timeout: 60_000 });
    assert.equal(await page.getByTestId('event-select').inputValue(), String(event.id));
    assert.match(new URL(page.url()).hash, new RegExp(`event=${event.id}`));

    // 2. County names at the city zoom, no township names yet, none overlapping.
    await settleMap(page);
    let labels = await visibleLabels(page);
    const zoom = await page.evaluate(() => window.jiuzaiMap.getZoom());
    assert.ok(labels.filter((l) => l.county).length >= 10, `county names at the city zoom (${zoom.toFixed(1)}): ${labels.map((l) => l.text).join(' ')}`);
    assert.ok(labels.every((l) => l.county), 'township names wait for a closer zoom');
    assert.deepEqual(overlapping(labels), [], 'no label covers another');
    for (const l of labels.filter((x) => x.county)) assert.equal(l.text, countyName.get(l.code));

    // 3. Search: a township by name, with the keyboard; the map flies there and its popup names it and its county.
    const town = towns.find((t) => t.name === '吴城镇' && !t.point_approximate) ?? towns.find((t) => !t.point_approximate);
    const search = page.getByTestId('map-search');
    await search.click();
    await search.pressSequentially(town.name.slice(0, 2), { delay: 20 });
    await page.getByTestId(`map-search-option-${town.code}`).waitFor({ timeout: 10_000 });
    assert.equal(await search.getAttribute('aria-expanded'), 'true');
    await search.fill(town.name);
    await search.press('Enter');
    await page.waitForFunction((code) => document.body.dataset.mapSearchShown === code, town.code, { timeout: 30_000 });
    const popup = page.getByTestId('area-popup');
    assert.equal(await popup.getAttribute('data-code'), town.code);
    assert.equal((await popup.locator('h3').textContent()).trim(), town.name);
    const values = await popup.locator('dd').allTextContents();
    assert.ok(values.includes(countyName.get(town.parent_code)), `the popup names the county: ${values.join(' | ')}`);
    assert.ok(!values.includes(town.parent_code), 'no bare county code in the popup');
    const centre = await page.evaluate(() => window.jiuzaiMap.getCenter().toArray());
    assert.ok(Math.abs(centre[0] - town.lon) < 0.01 && Math.abs(centre[1] - town.lat) < 0.01, 'the map is centred on the township');
    await settleMap(page);
    labels = await visibleLabels(page);
    assert.ok(labels.some((l) => l.code === town.code && l.text === town.name), 'the township is named on the map');
    assert.deepEqual(overlapping(labels), [], 'no label covers another');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-search.png') });

    // 4. The overdue badge opens the popup of that county's overdue report.
    const summary = (await call(manager, 'GET', `/events/${event.id}/summary?level=county`)).body;
    const late = summary.areas.find((a) => a.overdue);
    if (late) {
      const pt = counties.find((c) => c.code === late.code);
      await page.evaluate(([lon, lat]) => window.jiuzaiMap.jumpTo({ center: [lon, lat], zoom: 9 }), [pt.lon, pt.lat]);
      await settleMap(page);
      const box = await page.getByTestId('map').boundingBox();
      const px = await page.evaluate(([lon, lat]) => window.jiuzaiMap.project([lon, lat]), [pt.lon, pt.lat]);
      await page.mouse.click(box.x + px.x, box.y + px.y);
      const op = page.getByTestId('overdue-popup');
      await op.waitFor({ timeout: 10_000 });
      assert.equal(await op.getAttribute('data-code'), late.code);
      assert.equal((await op.locator('h3').textContent()).trim(), late.name);
      assert.equal(await page.getByTestId('area-popup').count(), 0, 'no other popup');
    }

    // 5. A materials draft, then a blocked zone drawn after it (through the API) across a county in the response.
    const restock = await page.evaluate(async () => {
      const s = JSON.parse(sessionStorage.getItem('jiuzai.session'));
      const res = await fetch('/api/v1/depots/1/movements', {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ kind: 'receipt', item: 'towel-quilt', quantity: 300, source: 'procured', note: 'map.test.mjs' }),
      });
      return res.status;
    });
    assert.equal(restock, 201);
    const made = await call(manager, 'POST', '/plans', { event_id: event.id, aid_type: 'emergency', kind: 'materials' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    planId = made.body.id;
    const red = summary.areas.find((a) => a.response_level === 1) ?? summary.areas[0];
    const at = counties.find((c) => c.code === red.code);
    const d = 0.06;
    const zoneName = `测试阻断 ${Date.now() % 100000}`;
    const ring = [[at.lon - d, at.lat - d], [at.lon + d, at.lat - d], [at.lon + d, at.lat + d], [at.lon - d, at.lat + d], [at.lon - d, at.lat - d]];
    const added = await call(manager, 'POST', `/events/${event.id}/blockages`, { name: zoneName, geometry: { type: 'Polygon', coordinates: [ring] } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    zoneId = added.body.id;

    // On the map: drawn above the county fill, with a legend entry.
    await page.goto(`${BASE}#/map?event=${event.id}`);
    await page.reload();
    await page.waitForFunction((id) => (document.body.dataset.blockagesDrawn ?? '').split(',').includes(String(id)), zoneId, { timeout: 60_000 });
    await page.evaluate(([lon, lat]) => window.jiuzaiMap.jumpTo({ center: [lon, lat], zoom: 9.5 }), [at.lon, at.lat]);
    await settleMap(page);
    const drawn = await page.evaluate((id) => {
      const map = window.jiuzaiMap;
      const ids = map.getStyle().layers.map((l) => l.id);
      const lines = map.queryRenderedFeatures({ layers: ['plan-blockages-line'] }).map((f) => f.properties.id);
      return { lines, fill: ids.indexOf('county-fill'), zone: ids.indexOf('plan-blockages-line'), hatch: ids.indexOf('plan-blockages-hatch') };
    }, zoneId);
    assert.ok(drawn.lines.includes(zoneId), 'the zone is on screen');
    assert.ok(drawn.zone > drawn.fill && drawn.hatch > drawn.fill, 'above the county fill');
    assert.ok(await page.getByTestId('legend-blocked').isVisible(), 'in the legend');
    await page.screenshot({ path: path.join(ARTIFACTS, 'map-blockage.png') });

    // 6. The plan: the zone on its map, the stale-draft warning naming it, and a question before submitting.
    await page.goto(`${BASE}#/plans/${planId}`);
    await page.locator('[data-testid="plan-screen"][data-status="draft"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction((id) => (document.body.dataset.planBlockages ?? '').split(',').includes(String(id)), zoneId, { timeout: 60_000 });
    assert.ok(await page.getByTestId('plan-legend-blocked').isVisible());
    const banner = page.getByTestId('plan-stale');
    assert.ok(await banner.isVisible(), 'the draft is flagged as computed before the blockage');
    assert.match(await banner.textContent(), new RegExp(zoneName));
    await page.screenshot({ path: path.join(ARTIFACTS, 'plan-stale.png') });
    await page.getByTestId('plan-submit').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.textContent(), new RegExp(zoneName), 'the question names the zone');
    await page.getByTestId('confirm-cancel').click();
    assert.equal((await call(manager, 'GET', `/plans/${planId}`)).body.status, 'draft', 'going back submits nothing');

    // Once the zone is gone the warning goes too.
    assert.equal((await call(manager, 'DELETE', `/events/${event.id}/blockages/${zoneId}`)).status, 204);
    zoneId = null;
    await page.reload();
    await page.locator('[data-testid="plan-screen"][data-status="draft"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.planBlockages !== undefined, null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('plan-stale').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    if (zoneId !== null) await call(manager, 'DELETE', `/events/${event.id}/blockages/${zoneId}`).catch(() => {});
    if (planId !== null) await call(manager, 'POST', `/plans/${planId}/cancel`, { reason: 'map.test.mjs' }).catch(() => {});
    await close();
  }
});

test('on a phone the names thin out instead of piling up, in both languages', { timeout: 120_000 }, async () => {
  const { page, problems, close } = await openBrowser({ width: 390, height: 844, consoleErrors: false });
  try {
    await signIn(page, 'manager');
    await page.goto(`${BASE}#/map`);
    await page.waitForFunction(() => document.body.dataset.countiesLoaded === '13', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.body.dataset.eventLoaded !== undefined, null, { timeout: 60_000 });
    for (const lang of ['zh', 'en']) {
      if ((await page.locator('html').getAttribute('lang')).startsWith('en') !== (lang === 'en')) await page.getByTestId('lang-switch').click();
      const box = await page.getByTestId('map-search').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'the search box fits');
      for (const z of [null, 10]) {
        if (z) await page.evaluate((zoom) => window.jiuzaiMap.jumpTo({ zoom }), z);
        await settleMap(page);
        const labels = await visibleLabels(page);
        assert.ok(labels.length >= 3, `names at zoom ${z ?? 'city'}`);
        assert.deepEqual(overlapping(labels), [], 'no label covers another');
        assert.ok(labels.every((l) => l.box[0] >= 0 && l.box[2] <= 390), 'labels stay on screen');
      }
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `map-phone-${lang}.png`) });
      await page.evaluate(() => window.jiuzaiMap.jumpTo({ zoom: 7 }));
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
