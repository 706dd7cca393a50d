// The depot's header: name, tier, area and contact, capacity and readiness, the exports.
import { download } from '../../api';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatInteger, formatPercent, formatVolume } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { TIER_ORDER } from '../../stock';
import { capacityShare, readinessColor } from '../../stockrules';
import { toast } from '../../toast';
import { badge, shareBar } from '../../widgets';
import { fleetStat } from './fleet';
import type { DepotState } from './state';

export function depotHeader(ctx: ScreenContext, state: DepotState): { node: HTMLElement; render(): void } {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const { depotId, canWrite } = state;
  const header = h('header', { class: 'card depot-header', 'data-testid': 'depot-header' });

  const exportButton = (what: 'stock-card' | 'ledger', format: 'csv' | 'xlsx') => {
    const btn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `export-${what}-${format}` }, format.toUpperCase());
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const name = await download(`/exports/${what}`, { depot_id: depotId, format }, `${what}-${depotId}.${format}`, signal);
        toast(t('export.done', { name }));
      } catch (err) {
        if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
        toast(t('export.failed', { message: errorText(err) }), 'error');
      } finally {
        btn.disabled = false;
      }
    });
    return btn;
  };
  const exports = h(
    'div',
    { class: 'export-group', 'data-testid': 'exports' },
    h('span', { class: 'export-label muted', i18n: 'export.title' }),
    h('span', { class: 'export-pair' }, h('span', { i18n: 'export.stockCard' }), exportButton('stock-card', 'csv'), exportButton('stock-card', 'xlsx')),
    h('span', { class: 'export-pair' }, h('span', { i18n: 'export.ledger' }), exportButton('ledger', 'csv'), exportButton('ledger', 'xlsx')),
  );

  const stat = (labelKey: MsgKey, value: Node | string, extra?: Node, testid?: string) =>
    h('div', { class: 'stat', 'data-testid': testid }, h('div', { class: 'stat-label', i18n: labelKey }), h('div', { class: 'stat-value' }, value), extra ?? '');

  const fleet = fleetStat(ctx, (updated) => {
    state.depot = updated;
    render();
  });
  const render = () => {
    if (!state.depot) return;
    const lang = getLang();
    const d = state.depot;
    const used = capacityShare(d.used_m3, d.capacity_m3);
    const over = used > 1;
    const tierKey = `tier.${d.tier}` as MsgKey;
    const switcher =
      user.role === 'depot_staff' && (user.depot_ids ?? []).length > 1
        ? h(
            'select',
            { class: 'select select-small', 'aria-label': t('depot.switch'), 'data-testid': 'depot-switch', onchange: (e: Event) => navigate(`/depots/${(e.target as HTMLSelectElement).value}`) },
            ...(user.depot_ids ?? []).map((x) => h('option', { value: String(x), selected: x === depotId }, state.depots.find((dd) => dd.id === x)?.name ?? `#${x}`)),
          )
        : '';
    header.replaceChildren(
      h(
        'div',
        { class: 'depot-head-main' },
        h(
          'div',
          { class: 'depot-title' },
          h('h1', { 'data-testid': 'depot-name' }, d.name),
          badge(TIER_ORDER[d.tier] !== undefined ? t(tierKey) : d.tier, `tier tier-${d.tier}`, { 'data-testid': 'depot-tier' }),
          d.status !== 'active' ? badge(t('status.inactive'), 'badge-muted') : '',
          canWrite ? '' : badge(t('common.readOnly'), 'badge-muted', { 'data-testid': 'depot-readonly', title: t('ops.readOnly') }),
          switcher,
        ),
        h(
          'div',
          { class: 'depot-meta muted' },
          h('span', {}, t('common.labelled', { label: t('depot.area'), value: d.area_name || '' }), h('span', { class: 'mono' }, ` ${d.area_code}`)),
          d.contact_name || d.contact_phone ? h('span', {}, t('common.labelled', { label: t('depot.contact'), value: [d.contact_name, d.contact_phone].filter(Boolean).join(' ') })) : '',
        ),
      ),
      h(
        'div',
        { class: 'depot-stats' },
        stat(
          'depot.capacity',
          h('span', { class: over ? 'text-danger' : '' }, t('depot.capacityOf', { used: formatVolume(d.used_m3, lang), capacity: formatVolume(d.capacity_m3, lang) })),
          h('div', { class: 'stat-bar' }, shareBar(used, over ? '#c0392b' : used > 0.9 ? '#e0a100' : '#1f5f8b'), h('span', { class: over ? 'text-danger' : 'muted' }, over ? t('depot.overCapacity') : formatPercent(used, lang))),
          'depot-capacity',
        ),
        stat(
          'depot.readiness',
          formatPercent(d.readiness, lang),
          h('div', { class: 'stat-bar', title: t('depot.readinessHint') }, shareBar(d.readiness ?? 0, readinessColor(d.readiness))),
          'depot-readiness',
        ),
        stat('depot.stockUnits', formatInteger(d.stock_units, lang), undefined, 'depot-units'),
        fleet.stat(d),
      ),
      exports,
    );
  };
  ctx.onLang(render);
  return { node: header, render };
}
