// Reserve overview (#/reserves) for managers: stock alerts (below target, expiring, over
// capacity) and, per county, how many people the reachable stock can serve per aid type.
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatDate, formatInteger, formatPercent, formatPopulation, formatQuantity, formatVolume } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import type { ScreenContext } from '../screen';
import { itemName, stockApi, type CountyReadiness, type Item, type StockAlerts } from '../stock';
import { AID_TYPES, readinessColor, readinessLevel, type AidType } from '../stockrules';
import { sortByNumber, type SortDir } from '../util';
import { badge, dataTable, shareBar, statusBlock } from '../widgets';

const WITHIN_CHOICES = [30, 90, 180, 365];
const LIST_LIMIT = 10;

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page reserves-page', 'data-testid': 'reserves-screen' }, inner);
  root.append(page);

  let alerts: StockAlerts = { below_target: [], expiring: [], over_capacity: [] };
  let readiness: CountyReadiness[] = [];
  let itemByCode = new Map<string, Item>();
  let within = 90;
  let sortAid: AidType = 'emergency';
  let sortDir: SortDir = 'asc';
  const expanded = { below: false, expiring: false };

  const nameOf = (code: string, fallbackZh?: string) => itemName(itemByCode.get(code) ?? { name_zh: fallbackZh, code }, getLang()) || code;
  const unitOf = (code: string) => itemByCode.get(code)?.unit ?? '';
  const depotLink = (id: number, name: string) => h('a', { href: `#/depots/${id}`, class: 'link clip', title: name }, name);

  // ---- summary tiles -----------------------------------------------------------
  const tile = (key: MsgKey, testid: string, cls: string) => {
    const value = h('div', { class: 'tile-value', 'data-testid': `${testid}-count` });
    return { node: h('div', { class: `tile ${cls}`, 'data-testid': testid }, h('div', { class: 'tile-label', i18n: key }), value), value };
  };
  const tBelow = tile('reserves.belowTarget', 'tile-below', 'tile-amber');
  const tExpiring = tile('reserves.expiring', 'tile-expiring', 'tile-red');
  const tOver = tile('reserves.overCapacity', 'tile-over', 'tile-blue');

  // ---- alert cards ---------------------------------------------------------------
  const belowTbl = dataTable([{ key: 'reserves.depot' }, { key: 'reserves.item' }, { key: 'reserves.onHandTarget', cls: 'num' }, { key: 'reserves.fill', cls: 'bar-col' }], 'alerts-below');
  const expTbl = dataTable(
    [{ key: 'reserves.depot' }, { key: 'reserves.item' }, { key: 'reserves.lot' }, { key: 'reserves.quantity', cls: 'num' }, { key: 'reserves.expiresOn' }, { key: 'reserves.daysLeft', cls: 'num' }],
    'alerts-expiring',
  );
  const overTbl = dataTable([{ key: 'reserves.depot' }, { key: 'reserves.used', cls: 'num' }, { key: 'reserves.over', cls: 'num' }], 'alerts-over');
  const withinSel = h(
    'select',
    { class: 'select select-small', 'data-testid': 'expiring-within', 'aria-label': t('reserves.within') },
    ...WITHIN_CHOICES.map((n) => h('option', { value: String(n), selected: n === within }, t('reserves.withinDays', { n }))),
  );
  const belowMore = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'below-more' });
  const expMore = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'expiring-more' });
  const card = (titleKey: MsgKey, table: HTMLElement, extra?: HTMLElement, more?: HTMLElement, testid?: string) =>
    h(
      'section',
      { class: 'card alert-card', 'data-testid': testid },
      h('div', { class: 'card-head' }, h('h2', { i18n: titleKey }), extra ?? ''),
      h('div', { class: 'table-wrap' }, table),
      more ? h('div', { class: 'table-foot' }, more) : '',
    );
  const alertGrid = h(
    'div',
    { class: 'alert-grid' },
    card('reserves.belowTarget', belowTbl.table, undefined, belowMore, 'card-below'),
    h(
      'div',
      { class: 'alert-col' },
      card('reserves.expiring', expTbl.table, h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'reserves.within' }), withinSel), expMore, 'card-expiring'),
      card('reserves.overCapacity', overTbl.table, undefined, undefined, 'card-over'),
    ),
  );

  // ---- readiness table -------------------------------------------------------------
  const sortButtons = new Map<AidType, HTMLButtonElement>();
  const readinessHead = h(
    'tr',
    {},
    h('th', { scope: 'col', i18n: 'reserves.county' }),
    h('th', { scope: 'col', class: 'num', i18n: 'reserves.population' }),
    ...AID_TYPES.map((aid) => {
      const btn = h('button', { type: 'button', class: 'sort-btn', 'data-testid': `sort-${aid}`, i18nTitle: 'reserves.sortBy' }, h('span', { i18n: `aid.${aid}` as MsgKey }), h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }));
      btn.addEventListener('click', () => {
        if (sortAid === aid) sortDir = sortDir === 'asc' ? 'desc' : 'asc';
        else {
          sortAid = aid;
          sortDir = 'asc';
        }
        renderReadiness();
      });
      sortButtons.set(aid, btn);
      return h('th', { scope: 'col', class: 'aid-col', 'data-aid': aid }, btn);
    }),
  );
  const readinessBody = h('tbody');
  const readinessTable = h('table', { class: 'data-table readiness-table', 'data-testid': 'readiness-table' }, h('thead', {}, readinessHead), readinessBody);
  const readinessCard = h(
    'section',
    { class: 'card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'reserves.readiness' }), h('p', { class: 'muted card-sub', i18n: 'reserves.readinessHint' }))),
    h('div', { class: 'table-wrap' }, readinessTable),
  );

  // ---- rendering -------------------------------------------------------------------
  const empty = (cols: number, key: MsgKey) => h('tr', {}, h('td', { colspan: cols, class: 'empty-cell ok-cell', i18n: key }));
  const moreLabel = (btn: HTMLButtonElement, total: number, open: boolean) => {
    btn.hidden = total <= LIST_LIMIT;
    btn.textContent = open ? t('reserves.showLess') : t('reserves.showAll', { n: formatInteger(total, getLang()) });
  };

  const renderAlerts = () => {
    const lang = getLang();
    tBelow.value.textContent = t('reserves.belowCount', { n: formatInteger(alerts.below_target.length, lang) });
    tExpiring.value.textContent = t('reserves.expiringCount', { n: formatInteger(alerts.expiring.length, lang) });
    tOver.value.textContent = t('reserves.overCount', { n: formatInteger(alerts.over_capacity.length, lang) });

    const below = sortByNumber(alerts.below_target, (r) => (r.target ? r.on_hand / r.target : null), 'asc');
    const belowShown = expanded.below ? below : below.slice(0, LIST_LIMIT);
    belowTbl.body.replaceChildren(
      ...(below.length
        ? belowShown.map((r) => {
            const share = r.target ? r.on_hand / r.target : 0;
            return h(
              'tr',
              { 'data-testid': `below-${r.depot_id}-${r.item}` },
              h('td', {}, depotLink(r.depot_id, r.depot_name)),
              h('td', {}, nameOf(r.item, r.name_zh)),
              h('td', { class: 'num nowrap' }, `${formatInteger(r.on_hand, lang)} / ${formatQuantity(r.target, unitOf(r.item), lang)}`),
              h('td', { class: 'bar-col' }, h('div', { class: 'bar-cell' }, shareBar(share, readinessColor(share)), h('span', { class: `bar-text level-${readinessLevel(share)}` }, formatPercent(share, lang)))),
            );
          })
        : [empty(4, 'reserves.noneBelow')]),
    );
    moreLabel(belowMore, below.length, expanded.below);

    const exp = [...alerts.expiring].sort((a, b) => a.days_left - b.days_left);
    const expShown = expanded.expiring ? exp : exp.slice(0, LIST_LIMIT);
    expTbl.body.replaceChildren(
      ...(exp.length
        ? expShown.map((r) =>
            h(
              'tr',
              { 'data-testid': `expiring-${r.depot_id}-${r.lot}`, class: r.days_left < 0 ? 'row-expired' : undefined },
              h('td', {}, depotLink(r.depot_id, r.depot_name)),
              h('td', {}, nameOf(r.item, r.name_zh)),
              h('td', { class: 'mono small' }, r.lot),
              h('td', { class: 'num' }, formatQuantity(r.quantity, unitOf(r.item), lang)),
              h('td', { class: 'nowrap' }, formatDate(r.expires_on)),
              h(
                'td',
                { class: 'num' },
                r.days_left < 0
                  ? badge(t('stock.daysAgo', { n: -r.days_left }), 'badge-danger')
                  : r.days_left === 0
                    ? badge(t('stock.expiresToday'), 'badge-danger')
                    : badge(t('stock.daysLeft', { n: r.days_left }), r.days_left <= 30 ? 'badge-warn' : 'badge-soft'),
              ),
            ),
          )
        : [empty(6, 'reserves.noneExpiring')]),
    );
    moreLabel(expMore, exp.length, expanded.expiring);

    const over = sortByNumber(alerts.over_capacity, (r) => (r.capacity_m3 ? r.used_m3 / r.capacity_m3 : null), 'desc');
    overTbl.body.replaceChildren(
      ...(over.length
        ? over.map((r) =>
            h(
              'tr',
              { 'data-testid': `over-${r.depot_id}` },
              h('td', {}, depotLink(r.depot_id, r.depot_name)),
              h('td', { class: 'num nowrap' }, `${formatVolume(r.used_m3, lang)} / ${formatVolume(r.capacity_m3, lang)}`),
              h('td', { class: 'num text-danger' }, r.capacity_m3 ? `+${formatPercent(r.used_m3 / r.capacity_m3 - 1, lang)}` : '—'),
            ),
          )
        : [empty(3, 'reserves.noneOver')]),
    );
  };

  const renderReadiness = () => {
    const lang = getLang();
    for (const [aid, btn] of sortButtons) {
      const on = aid === sortAid;
      btn.classList.toggle('active', on);
      (btn.parentElement as HTMLElement).setAttribute('aria-sort', on ? (sortDir === 'asc' ? 'ascending' : 'descending') : 'none');
      (btn.querySelector('.sort-arrow') as HTMLElement).textContent = on ? (sortDir === 'asc' ? '▲' : '▼') : '↕';
    }
    const rows = sortByNumber(readiness, (r) => (r.population ? (r.aid_types[sortAid]?.share ?? null) : null), sortDir);
    readinessBody.replaceChildren(
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-testid': `readiness-${r.county_code}` },
          h('td', {}, h('div', { class: 'strong' }, r.county_name), h('div', { class: 'mono muted small' }, r.county_code)),
          h('td', { class: 'num' }, formatPopulation(r.population, lang)),
          ...AID_TYPES.map((aid) => {
            const c = r.aid_types[aid];
            if (!c) return h('td', { class: 'aid-col muted' }, t('reserves.noNorm'));
            const share = r.population ? c.share : null;
            return h(
              'td',
              { class: 'aid-col', 'data-aid': aid, 'data-share': String(c.share) },
              h('div', { class: 'aid-top' }, h('span', { class: 'strong' }, t('common.people', { n: formatPopulation(c.people, lang) })), h('span', { class: `bar-text level-${readinessLevel(share)}` }, formatPercent(share, lang))),
              shareBar(share ?? 0, readinessColor(share)),
              c.bottleneck_item ? h('div', { class: 'muted small' }, t('reserves.bottleneck', { item: nameOf(c.bottleneck_item) })) : '',
            );
          }),
        ),
      ),
    );
  };

  const renderAll = () => {
    renderAlerts();
    renderReadiness();
    for (const o of withinSel.options) o.textContent = t('reserves.withinDays', { n: Number(o.value) });
  };

  belowMore.addEventListener('click', () => {
    expanded.below = !expanded.below;
    renderAlerts();
  });
  expMore.addEventListener('click', () => {
    expanded.expiring = !expanded.expiring;
    renderAlerts();
  });
  withinSel.addEventListener('change', async () => {
    within = Number(withinSel.value);
    withinSel.disabled = true;
    try {
      alerts = await stockApi.alerts(within, { signal });
      if (!signal.aborted) renderAlerts();
    } catch {
      // keep the previous list; the page-level load shows hard failures
    } finally {
      withinSel.disabled = false;
    }
  });

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      const [a, r, items] = await Promise.all([stockApi.alerts(within, { signal }), stockApi.readiness({ signal }), stockApi.items({ signal })]);
      if (signal.aborted) return;
      alerts = a;
      readiness = r;
      itemByCode = new Map(items.map((i) => [i.code, i]));
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
      return;
    }
    inner.replaceChildren(
      h('div', { class: 'page-title' }, h('h1', { i18n: 'reserves.title' })),
      h('div', { class: 'tiles' }, tBelow.node, tExpiring.node, tOver.node),
      alertGrid,
      readinessCard,
    );
    renderAll();
    page.dataset.ready = 'true';
  };
  void load();

  ctx.onLang(renderAll);
}
