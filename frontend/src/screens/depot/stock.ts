// The depot's stock: one row per item with on-hand, reserved, available and target figures,
// and its lots coloured by expiry.
import { daysBetween, shanghaiDate } from '../../dates';
import { h } from '../../dom';
import { formatDate, formatInteger, formatQuantity, unitLabel } from '../../format';
import { getLang, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { itemName, type Lot } from '../../stock';
import { expiryStatus, EXPIRY_WARN_DAYS } from '../../stockrules';
import { dataTable } from '../../widgets';
import type { DepotState } from './state';

function lotChip(lot: Lot, unit: string, today: string): HTMLElement {
  const lang = getLang();
  const status = expiryStatus(lot.expires_on, today, EXPIRY_WARN_DAYS);
  const left = lot.expires_on ? daysBetween(today, lot.expires_on) : null;
  const title =
    status === 'expired'
      ? t('stock.daysAgo', { n: -(left ?? 0) })
      : status === 'soon'
        ? left === 0
          ? t('stock.expiresToday')
          : t('stock.daysLeft', { n: left ?? 0 })
        : status === 'none'
          ? t('stock.noExpiry')
          : '';
  return h(
    'span',
    { class: `lot-chip ${status}`, title, 'data-testid': `lot-${lot.lot}`, 'data-expiry': status },
    h('span', { class: 'lot-name mono' }, lot.lot),
    h('span', { class: 'lot-qty' }, formatQuantity(lot.quantity, unit, lang)),
    h('span', { class: 'lot-exp' }, lot.expires_on ? t('stock.expiresOn', { date: formatDate(lot.expires_on) }) : t('stock.noExpiry')),
    status === 'expired' || status === 'soon' ? h('span', { class: 'lot-flag' }, title) : '',
  );
}

export function stockSection(ctx: ScreenContext, state: DepotState): { node: HTMLElement; render(): void } {
  const stockTable = dataTable(
    [
      { key: 'stock.item' },
      { key: 'stock.unit' },
      { key: 'stock.onHand', cls: 'num' },
      { key: 'stock.reserved', cls: 'num' },
      { key: 'stock.available', cls: 'num' },
      { key: 'stock.target', cls: 'num' },
      { key: 'stock.lots' },
    ],
    'stock-table',
    'stock-table',
  );
  const node = h(
    'section',
    { class: 'card stock-card' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { i18n: 'stock.title' }),
      h(
        'div',
        { class: 'legend-inline muted' },
        h('span', { class: 'lot-chip soon legend-chip' }, h('span', { i18n: 'stock.legendSoon' })),
        h('span', { class: 'lot-chip expired legend-chip' }, h('span', { i18n: 'stock.legendExpired' })),
      ),
    ),
    h('div', { class: 'table-wrap' }, stockTable.table),
  );

  const render = () => {
    const lang = getLang();
    const today = shanghaiDate();
    const order = new Map(state.items.map((it, i) => [it.code, i]));
    const rows = [...state.stock].sort((a, b) => (order.get(a.item) ?? 1e9) - (order.get(b.item) ?? 1e9) || a.item.localeCompare(b.item));
    if (!rows.length) {
      stockTable.body.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'empty-cell', i18n: 'stock.empty' })));
      return;
    }
    stockTable.body.replaceChildren(
      ...rows.map((r) => {
        const short = r.target !== null && r.target !== undefined && r.on_hand < r.target ? r.target - r.on_hand : 0;
        const cell = (field: string, value: string, cls = 'num') => h('td', { class: cls, 'data-field': field, 'data-testid': `stock-${r.item}-${field}`, 'data-value': field === 'on_hand' ? String(r.on_hand) : undefined }, value);
        return h(
          'tr',
          { 'data-testid': `stock-row-${r.item}`, 'data-item': r.item },
          h('td', { class: 'item-cell' }, h('div', { class: 'item-name' }, itemName(r, lang)), h('div', { class: 'item-code mono muted' }, r.item)),
          h('td', { class: 'unit-cell' }, unitLabel(r.unit, lang)),
          cell('on_hand', formatInteger(r.on_hand, lang), 'num strong'),
          cell('reserved', r.reserved ? formatInteger(r.reserved, lang) : '—', 'num muted'),
          cell('available', formatInteger(r.available, lang)),
          h(
            'td',
            { class: 'num', 'data-testid': `stock-${r.item}-target` },
            r.target === null || r.target === undefined ? '—' : formatInteger(r.target, lang),
            short ? h('div', { class: 'short' }, t('stock.shortBy', { n: formatInteger(short, lang) })) : '',
          ),
          h('td', { class: 'lots-cell' }, r.lots.length ? h('div', { class: 'lot-list' }, ...r.lots.map((l) => lotChip(l, r.unit, today))) : h('span', { class: 'muted' }, '—')),
        );
      }),
    );
  };
  ctx.onLang(render);
  return { node, render };
}
