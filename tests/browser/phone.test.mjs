// Browser test of the dashboard on a phone (390×844), run against a live demo server:
//   JIUZAI_URL=http://127.0.0.1:18080 node --test phone.test.mjs
// The header shows a menu button instead of the tab row, and no screen of any role is wider than
// the phone: tables scroll inside their own box. Screenshots of every screen go to tests/artifacts/phone/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureDisclosure } from './fixtures.mjs';
import { BASE, REPO_ROOT, apiGet, openBrowser, signIn } from './harness.mjs';

const WIDTH = 390;
const HEIGHT = 844;
const ARTIFACTS = path.join(REPO_ROOT, 'tests/artifacts/phone');
const ROLES = ['manager', 'depot', 'reporter', 'assessor', 'reviewer', 'auditor', 'admin'];

/**
 * What sticks out past the viewport's right edge: the page's own width, and every visible element
 * reaching beyond it that no box of its own clips (a table scrolling inside its wrapper is fine;
 * the page-level scrollers do not count as such a box).
 */
function overflows(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > vw) out.push(`document ${document.documentElement.scrollWidth}px`);
    const wide = [];
    const pageLevel = (el) => el === document.documentElement || el === document.body || el.matches('#app, .app-shell, .workspace, .page, .public-page');
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || r.right <= vw + 1) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      let clipped = false;
      for (let a = el.parentElement; a && !pageLevel(a); a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + 1) {
          clipped = true;
          break;
        }
      }
      // Only the outermost offender: its children stick out with it.
      if (!clipped && !wide.some((w) => w.contains(el))) wide.push(el);
    }
    for (const el of wide) {
      const name = el.dataset.testid ? `[${el.dataset.testid}]` : typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
      out.push(`${el.tagName.toLowerCase()}${name} right=${Math.round(el.getBoundingClientRect().right)}`);
    }
    // The page-level scrollers themselves must not scroll sideways either.
    for (const el of document.querySelectorAll('.workspace, .page, .public-page')) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className.split(' ').join('.')} scrolls sideways (${el.scrollWidth}px)`);
    }
    return [...new Set(out)].slice(0, 10);
  });
}

/** Wait until a screen has loaded: its `data-ready` flag, or the map's layers, or a moment for the rest. */
async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForFunction(() => !document.querySelector('.status-block:not(.error)'), null, { timeout: 20_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
}

const isEnglish = async (page) => (await page.locator('html').getAttribute('lang')).startsWith('en');

async function checkScreen(page, name) {
  await settle(page);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  assert.deepEqual(await overflows(page), [], `${name} is wider than the phone`);
}

test('on a phone the header has a menu, and no screen of any role is wider than the screen', { timeout: 600_000 }, async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const { page, problems, close } = await openBrowser({ width: WIDTH, height: HEIGHT, consoleErrors: false });
  try {
    // The public pages, without signing in, in both languages.
    await ensureDisclosure();
    for (const lang of ['zh', 'en']) {
      await page.goto(`${BASE}#/public`);
      await page.locator('[data-testid="public-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
      if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
      await checkScreen(page, `public-${lang}`);
      await page.locator('[data-testid^="disclosure-link-"]').first().click();
      await page.getByTestId('disclosure-table').waitFor({ timeout: 30_000 });
      await checkScreen(page, `public-list-${lang}`);
    }
    await page.getByTestId('lang-switch').click();

    for (const role of ROLES) {
      await signIn(page, role);
      await settle(page);
      // The menu button stands in for the tabs, beside the language button, and opens the navigation.
      const menu = page.getByTestId('nav-menu-button');
      assert.equal(await menu.isVisible(), true, `${role}: menu button`);
      assert.equal(await page.getByTestId('app-nav').isVisible(), false, `${role}: the tab row is folded away`);
      const [m, l] = [await menu.boundingBox(), await page.getByTestId('lang-switch').boundingBox()];
      assert.ok(m.x + m.width <= l.x, `${role}: the menu button does not overlap the language button`);
      await menu.click();
      assert.equal(await page.getByTestId('app-nav').isVisible(), true);
      const links = await page.getByTestId('app-nav').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.length > 0, `${role}: the menu lists the workspaces`);
      for (const height of await page.getByTestId('app-nav').locator('a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height))) {
        assert.ok(height < 60, `${role}: a menu entry is one line, not one character per line`);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, `${role}-menu.png`) });
      await page.keyboard.press('Escape');
      assert.equal(await page.getByTestId('app-nav').isVisible(), false, 'Escape closes the menu');

      const screens = [...links];
      if (role === 'manager' || role === 'reviewer') {
        // Screens behind the tabs too: the newest plan and grant list, the event, a depot.
        const newest = async (p) => {
          const rows = (await apiGet(page, p)).body;
          return Array.isArray(rows) && rows.length ? Math.max(...rows.map((r) => r.id)) : null;
        };
        const [plan, list, event] = [await newest('/plans'), await newest('/grant-lists'), await newest('/events')];
        if (plan) screens.push(`#/plans/${plan}`);
        if (list) screens.push(`#/grants/${list}`);
        if (event && role === 'manager') screens.push(`#/events/${event}`, `#/events/${event}/print`, '#/depots/1');
      }
      // The administrator's other settings, and a household's page with its damage form.
      if (role === 'admin') screens.push('#/admin/thresholds', '#/admin/standards');
      if (role === 'manager' || role === 'reporter') {
        const household = (await apiGet(page, '/households?limit=1')).body.households?.[0];
        if (household) screens.push(`#/households/${household.id}`);
      }
      // The manager looks at everything a second time in English, whose words are longer.
      if (role === 'manager') screens.push(...screens.map((href) => `en:${href}`));
      for (const entry of screens) {
        const english = entry.startsWith('en:');
        const href = english ? entry.slice(3) : entry;
        if (english !== (await isEnglish(page))) await page.getByTestId('lang-switch').click();
        // Through the menu, as a user would.
        if (links.includes(href)) {
          await menu.click();
          await page.getByTestId('app-nav').locator(`a[href="${href}"]`).click();
          assert.equal(await page.getByTestId('app-nav').isVisible(), false, 'choosing a workspace closes the menu');
        } else {
          await page.goto(`${BASE}${href}`);
        }
        const name = `${role}-${english ? 'en-' : ''}${href.replace(/^#\//, '').replace(/\W+/g, '-')}`;
        await checkScreen(page, name);
        if (/^#\/plans\/\d+$/.test(href)) await page.getByTestId('plan-lines').screenshot({ path: path.join(ARTIFACTS, `${name}-lines.png`) });
      }
      if (await isEnglish(page)) await page.getByTestId('lang-switch').click();
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('at 1440 px the tab row stays, in one line beside the language button, in both languages', { timeout: 120_000 }, async () => {
  const { page, close } = await openBrowser({ consoleErrors: false });
  try {
    await signIn(page, 'manager');
    const plans = (await apiGet(page, '/plans')).body;
    for (const lang of ['zh', 'en']) {
      if ((await isEnglish(page)) !== (lang === 'en')) await page.getByTestId('lang-switch').click();
      assert.equal(await page.getByTestId('nav-menu-button').isVisible(), false);
      const tabs = await page.getByTestId('app-nav').locator('a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect()));
      const langLeft = (await page.getByTestId('lang-switch').boundingBox()).x;
      assert.ok(tabs.every((r) => r.top === tabs[0].top && r.height < 60 && r.right <= langLeft), `${lang}: the tabs fit in one row`);
      if (plans.length) {
        await page.goto(`${BASE}#/plans/${Math.max(...plans.map((p) => p.id))}`);
        await page.locator('[data-testid="plan-screen"][data-ready="true"]').waitFor({ timeout: 30_000 });
        await settle(page);
        await page.screenshot({ path: path.join(REPO_ROOT, `tests/artifacts/plan-1440-${lang}.png`) });
        await page.getByTestId('plan-lines').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(REPO_ROOT, `tests/artifacts/plan-1440-lines-${lang}.png`) });
      }
    }
    await page.getByTestId('lang-switch').click();
  } finally {
    await close();
  }
});
