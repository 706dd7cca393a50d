// Depot list (#/depots): every depot with tier, area, readiness and capacity, linking to
// its stock screen. For managers, administrators and auditors.
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatInteger, formatPercent, formatVolume } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import type { ScreenContext } from '../screen';
import { stockApi, TIER_ORDER, type Depot } from '../stock';
import { capacityShare, readinessColor, readinessLevel, TIERS } from '../stockrules';
import { badge, dataTable, shareBar, statusBlock } from '../widgets';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page depots-page', 'data-testid': 'depots-screen' }, inner);
  root.append(page);

  let depots: Depot[] = [];
  let tier = '';

  const count = h('p', { class: 'muted page-sub', 'data-testid': 'depots-count' });
  const tierFilter = h(
    'select',
    { class: 'select select-small', 'data-testid': 'depots-tier', 'aria-label': t('depots.tierFilter') },
    h('option', { value: '', i18n: 'common.all' }),
    ...TIERS.map((x) => h('option', { value: x, i18n: `tier.${x}` as MsgKey })),
  );
  const tbl = dataTable(
    [
      { key: 'depots.name' },
      { key: 'depots.tier' },
      { key: 'depots.area' },
      { key: 'depots.readiness', cls: 'bar-col' },
      { key: 'depots.capacity', cls: 'bar-col' },
      { key: 'depots.units', cls: 'num' },
      { key: 'depots.status' },
    ],
    'depots-table',
  );
  const body = h(
    'section',
    { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'depots.title' }), h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'depots.tierFilter' }), tierFilter)),
    h('div', { class: 'table-wrap' }, tbl.table),
  );

  const render = () => {
    const lang = getLang();
    const list = depots
      .filter((d) => !tier || d.tier === tier)
      .sort((a, b) => (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.area_code.localeCompare(b.area_code) || a.id - b.id);
    count.textContent = t('depots.count', { n: formatInteger(list.length, lang) });
    if (!list.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'empty-cell', i18n: 'depots.empty' })));
      return;
    }
    tbl.body.replaceChildren(
      ...list.map((d) => {
        const used = capacityShare(d.used_m3, d.capacity_m3);
        const over = used > 1;
        return h(
          'tr',
          { 'data-testid': `depot-row-${d.id}`, class: d.status !== 'active' ? 'row-muted' : undefined },
          h('td', {}, h('a', { href: `#/depots/${d.id}`, class: 'link strong', 'data-testid': `depot-link-${d.id}` }, d.name)),
          h('td', {}, badge(TIER_ORDER[d.tier] !== undefined ? t(`tier.${d.tier}` as MsgKey) : d.tier, `tier tier-${d.tier}`)),
          h('td', {}, d.area_name, h('span', { class: 'mono muted small' }, ` ${d.area_code}`)),
          h(
            'td',
            { class: 'bar-col' },
            h('div', { class: 'bar-cell' }, shareBar(d.readiness ?? 0, readinessColor(d.readiness)), h('span', { class: `bar-text level-${readinessLevel(d.readiness)}` }, formatPercent(d.readiness, lang))),
          ),
          h(
            'td',
            { class: 'bar-col' },
            h(
              'div',
              { class: 'bar-cell' },
              shareBar(used, over ? '#c0392b' : used > 0.9 ? '#e0a100' : '#1f5f8b'),
              h('span', { class: `bar-text${over ? ' text-danger' : ''}` }, `${formatVolume(d.used_m3, lang)} / ${formatVolume(d.capacity_m3, lang)}`),
            ),
          ),
          h('td', { class: 'num' }, formatInteger(d.stock_units, lang)),
          h('td', {}, badge(t(d.status === 'active' ? 'status.active' : 'status.inactive'), d.status === 'active' ? 'badge-ok' : 'badge-muted')),
        );
      }),
    );
  };

  tierFilter.addEventListener('change', () => {
    tier = tierFilter.value;
    render();
  });

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      depots = await stockApi.depots({ signal });
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
      return;
    }
    if (signal.aborted) return;
    inner.replaceChildren(h('div', { class: 'page-title' }, h('h1', { i18n: 'depots.title' }), count), body);
    render();
    page.dataset.ready = 'true';
  };
  void load();

  ctx.onLang(render);
}
