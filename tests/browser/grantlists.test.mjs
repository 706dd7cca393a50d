// City-scale grant lists (issue #13 item 7), against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test grantlists.test.mjs
// A grant list of the demo flood over the manager's whole area has thousands of lines. On the staff
// screen (#/grants/{id}) and the public disclosure (#/public/{id}) it is searched, filtered by
// township, paged 50 at a time and printed (all filtered lines), with the totals of what the filter
// leaves; the confirmation names the list's area. Shots at 1440×900 and 390×844 in both languages
// go to tests/artifacts/grantlists/ (or SHOTS_DIR).
// Re-runnable on the same server: a big published list made by an earlier run is used again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { call, token } from './fixtures.mjs';
import { BASE, REPO_ROOT, openBrowser, signIn } from './harness.mjs';

const SHOTS = process.env.SHOTS_DIR || path.join(REPO_ROOT, 'tests/artifacts/grantlists');
const BIG = 300;
const PAGE = 50;
// Tried in this order; the other tests start their own lists with emergency and winter_spring aid.
const AIDS = ['transitional', 'reconstruction', 'winter_spring', 'emergency'];
const FULL_ID = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/;

const yuan = (fen) => `¥${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
const township = (code) => (code.length > 9 ? code.slice(0, 9) : code);
/** The search as the screens do it: every word, stars ignored, in any of the texts (stars ignored there too). */
const searchHits = (texts, q) => {
  const words = q.toLowerCase().split(/\s+/).map((w) => w.replace(/\*+/g, '')).filter(Boolean);
  const hay = texts.filter(Boolean).flatMap((s) => [s.toLowerCase(), s.toLowerCase().replace(/\*+/g, '')]);
  return words.every((w) => hay.some((s) => s.includes(w)));
};
/** The key that occurs most often. */
const commonest = (keys) => {
  const n = new Map();
  for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0];
};
const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');
const setLang = async (page, lang) => {
  if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
};

/** What sticks out past the right edge of the viewport, boxes that scroll sideways excepted (as phone.test.mjs). */
function overflows(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > vw) out.push(`document ${document.documentElement.scrollWidth}px`);
    const pageLevel = (el) => el === document.documentElement || el === document.body || el.matches('#app, .app-shell, .workspace, .page, .public-page');
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || r.right <= vw + 1) continue;
      let clipped = false;
      for (let a = el.parentElement; a && !pageLevel(a); a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + 1) {
          clipped = true;
          break;
        }
      }
      if (!clipped) out.push(`${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} right=${Math.round(r.right)}`);
    }
    for (const el of document.querySelectorAll('.workspace, .page, .public-page')) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} scrolls sideways (${el.scrollWidth}px)`);
    }
    return [...new Set(out)].slice(0, 10);
  });
}

/** A grant list with many lines: a published one of an earlier run, or a fresh draft over the manager's whole area. */
async function bigList() {
  const manager = await token('manager');
  const reviewer = await token('reviewer');
  const lists = (await call(manager, 'GET', '/grant-lists')).body;
  const old = lists.filter((l) => l.households >= BIG && l.status === 'published').sort((a, b) => b.households - a.households)[0];
  if (old) return { id: old.id, manager, reviewer, fresh: false };
  const events = (await call(manager, 'GET', '/events')).body;
  const event = events.find((e) => e.status === 'active') ?? events[0];
  // One list per aid type over the manager's whole area (no area given; a budget large enough):
  // the longest is kept, the others are cancelled, which frees their households for other tests.
  const drafts = [];
  for (const aid of AIDS) {
    const made = await call(manager, 'POST', '/grant-lists', { event_id: event.id, aid_type: aid, budget_fen: 1e12 });
    if (made.status === 201) drafts.push(made.body);
  }
  drafts.sort((a, b) => b.households - a.households);
  for (const d of drafts.slice(1)) assert.equal((await call(manager, 'POST', `/grant-lists/${d.id}/cancel`, {})).status, 200, 'cancel');
  assert.ok(drafts[0]?.households >= BIG, `no grant list of ${BIG} households or more could be drafted`);
  return { id: drafts[0].id, manager, reviewer, fresh: true };
}

async function publish({ id, manager, reviewer }) {
  assert.equal((await call(manager, 'POST', `/grant-lists/${id}/submit`, {})).status, 200, 'submit');
  assert.equal((await call(reviewer, 'POST', `/grant-lists/${id}/approve`, {})).status, 200, 'approve');
  const pub = await call(reviewer, 'POST', `/grant-lists/${id}/publish`, { days: 7 });
  assert.equal(pub.status, 200, `publish: ${JSON.stringify(pub.body)}`);
}

const ready = (page, screen) => page.locator(`[data-testid="${screen}"][data-ready="true"]`).waitFor({ timeout: 60_000 });
const view = (page) => page.getByTestId('list-view');
const matched = async (page) => Number(await view(page).getAttribute('data-matched'));
const rowsShown = (page, prefix) => page.locator(`[data-testid="list-view"] tbody tr[data-testid^="${prefix}"]`);

/** Replaces window.print, so the sheets stay in the page to be counted. */
const stubPrint = (page) =>
  page.evaluate(() => {
    window.__printed = 0;
    window.print = () => {
      window.__printed += 1;
    };
  });

/**
 * The part both screens share, on a list of `lines` with `texts(line)` to search, `area(line)` to
 * filter by and `fen(line)`: counts, paging, search, the area filter, totals and printing.
 */
async function exercise(page, { lines, texts, area, areaName, fen, rowPrefix, q, title }) {
  const n = lines.length;
  const pages = Math.ceil(n / PAGE);
  assert.equal(await matched(page), n, 'every line is there');
  assert.equal(await rowsShown(page, rowPrefix).count(), PAGE, 'one page of 50');
  assert.equal(await page.getByTestId('list-showing').innerText(), `第 1–50 户，共 ${n.toLocaleString('en-US')} 户`);
  assert.equal(await page.getByTestId('list-page').innerText(), `第 1 / ${pages} 页`);
  assert.ok(await page.getByTestId('list-prev').isDisabled(), 'no page before the first');
  assert.equal(await page.getByTestId('list-total-filtered').isVisible(), false, 'no filtered total without a filter');

  // Paging.
  await page.getByTestId('list-next').click();
  assert.equal(await view(page).getAttribute('data-page'), '2');
  assert.equal(await page.getByTestId('list-showing').innerText(), `第 51–${Math.min(100, n)} 户，共 ${n.toLocaleString('en-US')} 户`);
  assert.equal(await page.getByTestId('list-page').innerText(), `第 2 / ${pages} 页`);
  assert.equal((await rowsShown(page, rowPrefix).first().locator('td').first().innerText()).trim(), rowPrefix === 'grant-' ? '51' : String(lines[50].grant_id));

  // The area filter: the areas present, by name, with counts; choosing one goes back to page 1.
  const [key, count] = commonest(lines.map(area));
  const options = await page.getByTestId('list-area').locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent, count: o.dataset.count })));
  assert.equal(options.length, new Set(lines.map(area)).size + 1, 'all areas and one option per area');
  assert.match(options[0].text, new RegExp(`全部（${n.toLocaleString('en-US')} 户）`));
  const option = options.find((o) => o.value === key);
  assert.ok(option, `the area ${key} is offered`);
  assert.equal(option.count, String(count));
  assert.equal(option.text, `${areaName(key)}（${count.toLocaleString('en-US')} 户）`, 'the area by name with its count');
  await page.getByTestId('list-area').selectOption(key);
  assert.equal(await matched(page), count);
  assert.equal(await view(page).getAttribute('data-page'), '1', 'a new filter starts at page 1');
  const inArea = lines.filter((l) => area(l) === key);
  const sum = (ls) => ls.reduce((s, l) => s + fen(l), 0);
  const filtered = page.getByTestId('list-total-filtered');
  assert.equal(await filtered.getAttribute('data-households'), String(count));
  assert.equal(await filtered.getAttribute('data-fen'), String(sum(inArea)));
  assert.equal(await filtered.innerText(), `筛选结果：${count.toLocaleString('en-US')} 户，${yuan(sum(inArea))}`);
  assert.match(await page.getByTestId('list-total-all').innerText(), new RegExp(`名单合计：${n.toLocaleString('en-US')} 户`));
  assert.equal(await rowsShown(page, rowPrefix).count(), Math.min(PAGE, count));

  // The search, within the area and then over all of them; trimmed, any case.
  const both = inArea.filter((l) => searchHits(texts(l), q));
  await page.getByTestId('list-search').fill(`  ${q.toUpperCase()} `);
  assert.equal(await matched(page), both.length, `"${q}" in the area`);
  await page.getByTestId('list-area').selectOption('');
  const hits = lines.filter((l) => searchHits(texts(l), q));
  assert.ok(hits.length > 0 && hits.length < n, `"${q}" finds some lines, not all`);
  assert.equal(await matched(page), hits.length, `"${q}" in the whole list`);
  assert.equal(await filtered.getAttribute('data-fen'), String(sum(hits)));
  assert.equal(await page.getByTestId('list-showing').innerText(), `第 1–${Math.min(PAGE, hits.length)} 户，共 ${hits.length} 户`);
  await page.getByTestId('list-search').fill('无此户zzz');
  assert.equal(await matched(page), 0);
  await page.getByTestId('list-no-match').waitFor();
  assert.ok(await page.getByTestId('list-next').isDisabled());

  // Printing: every line of the filter (all pages), under the list's heading.
  await page.getByTestId('list-search').fill('');
  await page.getByTestId('list-area').selectOption(key);
  await stubPrint(page);
  await page.getByTestId('list-print').click();
  assert.equal(await page.evaluate(() => window.__printed), 1, 'the print dialog was asked for');
  const sheet = page.locator('.print-only [data-testid="list-sheet"]');
  assert.equal(await sheet.getAttribute('data-rows'), String(count));
  assert.equal(await sheet.locator('tbody tr').count(), count, 'all pages of the filter are printed');
  assert.match(await sheet.locator('h1').textContent(), title);
  assert.equal(await page.locator('.print-only [data-testid]').count(), 1, 'the printed lines carry no test ids of the screen');
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.locator('.print-only').count(), 0, 'the sheet goes after printing');
  await page.getByTestId('list-area').selectOption('');
}

/** The screen at both sizes in both languages, and nothing wider than the phone. */
async function shoot(page, name, screen, card) {
  await mkdir(SHOTS, { recursive: true });
  for (const [size, vp] of [['1440', { width: 1440, height: 900 }], ['390', { width: 390, height: 844 }]]) {
    await page.setViewportSize(vp);
    for (const lang of ['zh', 'en']) {
      await setLang(page, lang);
      await ready(page, screen);
      await page.getByTestId(card).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${size}-${lang}.png`) });
      if (size === '390') assert.deepEqual(await overflows(page), [], `${name} ${lang} is wider than the phone`);
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await setLang(page, 'zh');
}

test('a city-scale grant list is searched, filtered by township, paged and printed, on the staff screen and the public page', { timeout: 600_000 }, async () => {
  const made = await bigList();
  const { id, manager } = made;
  const areas = new Map((await call(manager, 'GET', '/areas?level=township')).body.map((a) => [a.code, a.name]));

  // ---- the staff screen --------------------------------------------------------------------
  const b = await openBrowser({ consoleErrors: false });
  const { page } = b;
  try {
    await signIn(page, 'manager');
    await setLang(page, 'zh');
    const list = (await call(manager, 'GET', `/grant-lists/${id}`)).body;
    assert.ok(list.grants.length >= BIG, `list #${id} has ${list.grants.length} lines`);
    console.log(`grant list #${id}: ${list.aid_type}, area ${list.area_code}, ${list.grants.length} lines`);
    await page.goto(`${BASE}#/grants/${id}`);
    await ready(page, 'grant-screen');
    await page.locator('[data-testid="grant-screen"][data-names="true"]').waitFor({ timeout: 30_000 });
    const own = (await call(manager, 'GET', `/areas/${list.area_code}`)).body;
    assert.equal(await page.getByTestId('grant-meta-areaCode').innerText(), `${own.name}（${list.area_code}）`, 'the list area by name');

    const first = list.grants[0];
    await exercise(page, {
      lines: list.grants,
      texts: (g) => [g.head_name, g.id_number_masked, g.reason, areas.get(g.area_code), areas.get(township(g.area_code)), g.area_code],
      area: (g) => township(g.area_code),
      areaName: (k) => areas.get(k) ?? k,
      fen: (g) => g.amount_fen,
      rowPrefix: 'grant-',
      q: first.head_name,
      title: new RegExp(`救助名单 #${id} · .+ · ${own.name}`),
    });
    // The masked ID number finds its line(s), stars typed or not.
    const masked = first.id_number_masked;
    await page.getByTestId('list-search').fill(masked.replace(/\*+/g, ' '));
    const idHits = list.grants.filter((g) => searchHits([g.head_name, g.id_number_masked, g.reason, areas.get(township(g.area_code)), g.area_code], masked.replace(/\*+/g, ' ')));
    assert.equal(await matched(page), idHits.length);
    assert.ok(await page.getByTestId(`grant-${first.id}`).isVisible(), 'the line of that ID number');
    await page.getByTestId('list-search').fill('');

    if (made.fresh) {
      // The confirmation names the area, not just its code (and going back cancels nothing).
      await page.getByTestId('grant-cancel').click();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await page.getByTestId('confirm-area').innerText(), `${own.name}（${list.area_code}）`);
      assert.equal(await page.getByTestId('confirm-households').innerText(), list.households.toLocaleString('en-US'));
      await page.getByTestId('confirm-cancel').click();
      await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal((await call(manager, 'GET', `/grant-lists/${id}`)).body.status, 'draft');
    }

    // A search and a township chosen for the shots.
    await page.getByTestId('list-area').selectOption({ index: 1 });
    await page.getByTestId('list-next').click().catch(() => undefined);
    await shoot(page, 'grant', 'grant-screen', 'grant-lines-card');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.close();
  }

  if (made.fresh) await publish(made);

  // ---- the public page, without signing in --------------------------------------------------
  const p = await openBrowser({ consoleErrors: false });
  try {
    const { page: pub } = p;
    const d = (await call(null, 'GET', `/public/disclosures/${id}`)).body;
    assert.ok(d.entries.length >= BIG);
    await pub.goto(`${BASE}#/public/${id}`);
    await ready(pub, 'public-screen');
    await setLang(pub, 'zh');
    const e0 = d.entries[0];
    await exercise(pub, {
      lines: d.entries,
      texts: (e) => [e.name, e.id_number, e.reason, e.area_name],
      area: (e) => e.area_name,
      areaName: (k) => k,
      fen: (e) => e.amount_fen,
      rowPrefix: 'disclosure-line-',
      // The masked name without its star: 王*甲 → "王甲".
      q: e0.name.replace(/\*/g, ''),
      title: new RegExp(`救助资金公示 · ${d.area_name}`),
    });
    assert.doesNotMatch(await pub.locator('body').innerText(), FULL_ID, 'no full ID number on the public page');
    await pub.getByTestId('list-search').fill(e0.reason.slice(0, 2));
    await pub.getByTestId('list-area').selectOption({ index: 1 });
    await shoot(pub, 'public', 'public-screen', 'disclosure-lines');
    assert.deepEqual(p.problems, []);
  } finally {
    await p.close();
  }
});
