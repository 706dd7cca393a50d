// The depot's ledger, newest first, a page at a time, filtered by kind and item.
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime, formatInteger, formatSigned, unitLabel } from '../../format';
import { getLang, label, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { stockApi, type Movement } from '../../stock';
import { netChange } from '../../stockrules';
import { toast } from '../../toast';
import { badge, dataTable } from '../../widgets';
import { depotName, nameOf, unitOf, type DepotState } from './state';

const HISTORY_PAGE = 20;
/** Kinds of ledger entries (a posted transfer is recorded as transfer_out, its receipt as transfer_in). */
const LEDGER_KINDS = ['receipt', 'issue', 'transfer_out', 'transfer_in', 'adjustment', 'dispatch', 'reservation', 'release'] as const;

export interface HistorySection {
  node: HTMLElement;
  render(): void;
  /** The item filter offers the items held and the catalogue. */
  fillItemFilter(): void;
  /** The first page again (`append` false), or the next one. */
  load(append: boolean): Promise<void>;
}

export function historySection(ctx: ScreenContext, state: DepotState): HistorySection {
  const { signal } = ctx;
  let history: Movement[] = [];
  let nextBefore: number | null = null;
  let historyKind = '';
  let historyItem = '';
  let historySeq = 0;

  const kindFilter = h(
    'select',
    { class: 'select select-small', 'data-testid': 'history-kind', 'aria-label': t('history.kind') },
    h('option', { value: '', i18n: 'common.all' }),
    ...LEDGER_KINDS.map((k) => h('option', { value: k, i18n: `kind.${k}` as MsgKey })),
  );
  const itemFilter = h('select', { class: 'select select-small', 'data-testid': 'history-item', 'aria-label': t('history.itemFilter') });
  const historyTable = dataTable(
    [
      { key: 'history.time' },
      { key: 'history.kind' },
      { key: 'stock.item' },
      { key: 'history.change', cls: 'num' },
      { key: 'history.lots' },
      { key: 'history.details' },
      { key: 'history.actor' },
    ],
    'history-table',
  );
  const moreBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'history-more', i18n: 'history.more' });
  const historyFoot = h('div', { class: 'table-foot' }, h('span', { class: 'muted', 'data-testid': 'history-count' }), moreBtn);
  const node = h(
    'section',
    { class: 'card history-card', 'data-testid': 'history' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { i18n: 'history.title' }),
      h(
        'div',
        { class: 'filters' },
        h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'history.kind' }), kindFilter),
        h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'history.itemFilter' }), itemFilter),
      ),
    ),
    h('div', { class: 'table-wrap' }, historyTable.table),
    historyFoot,
  );

  const fillItemFilter = () => {
    const keep = itemFilter.value;
    const codes = [...new Set([...state.stock.map((r) => r.item), ...state.items.map((i) => i.code)])];
    itemFilter.replaceChildren(h('option', { value: '', i18n: 'common.all' }), ...codes.map((c) => h('option', { value: c }, nameOf(state, c))));
    itemFilter.value = codes.includes(keep) ? keep : '';
  };
  ctx.onLang(fillItemFilter);

  const details = (m: Movement): string => {
    const parts: string[] = [];
    if (m.source) parts.push(t(`source.${m.source}` as MsgKey));
    if (m.donor) parts.push(t('history.donor', { donor: m.donor }));
    if (m.to_depot !== null && m.to_depot !== undefined) parts.push(t('history.to', { depot: depotName(state, m.to_depot) }));
    if (m.transfer_id) parts.push(t('history.transferNo', { id: m.transfer_id }));
    if (m.reference) parts.push(m.reference);
    if (m.reason) parts.push(t(`reason.${m.reason}` as MsgKey));
    if (m.note) parts.push(m.note);
    return parts.join(' · ');
  };

  const render = () => {
    const lang = getLang();
    if (!history.length) {
      historyTable.body.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'empty-cell', i18n: 'history.empty' })));
    } else {
      historyTable.body.replaceChildren(
        ...history.map((m) => {
          const net = netChange(m);
          return h(
            'tr',
            { 'data-testid': `movement-${m.id}`, 'data-kind': m.kind, 'data-item': m.item, 'data-change': String(net) },
            h('td', { class: 'nowrap' }, formatDateTime(m.created_at, lang)),
            h('td', {}, badge(label('kind', m.kind), `kind kind-${m.kind}`)),
            h('td', {}, nameOf(state, m.item)),
            h('td', { class: `num strong ${net > 0 ? 'pos' : net < 0 ? 'neg' : ''}` }, `${formatSigned(net, lang)} ${unitLabel(unitOf(state, m.item), lang)}`),
            h('td', { class: 'mono small' }, (m.lines ?? []).map((l) => l.lot).filter((v, i, a) => !!v && a.indexOf(v) === i).join(', ')),
            h('td', { class: 'details-cell' }, details(m)),
            h('td', { class: 'nowrap' }, m.actor_name ?? ''),
          );
        }),
      );
    }
    moreBtn.hidden = nextBefore === null;
    (historyFoot.firstChild as HTMLElement).textContent = history.length ? `${t('history.shown', { n: formatInteger(history.length, lang) })}${nextBefore === null ? ` · ${t('history.end')}` : ''}` : '';
  };
  ctx.onLang(render);

  const load = async (append: boolean) => {
    const seq = ++historySeq;
    moreBtn.disabled = true;
    try {
      const res = await stockApi.movements(
        state.depotId,
        { kind: historyKind || undefined, item: historyItem || undefined, limit: HISTORY_PAGE, before_id: append ? nextBefore : undefined },
        { signal },
      );
      if (seq !== historySeq || signal.aborted) return;
      history = append ? [...history, ...res.movements] : res.movements;
      nextBefore = res.next_before_id ?? null;
      render();
    } catch (err) {
      if (isAbort(err) || seq !== historySeq) return;
      if (err instanceof ApiError && err.status === 401) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    } finally {
      if (seq === historySeq) moreBtn.disabled = false;
    }
  };
  kindFilter.addEventListener('change', () => {
    historyKind = kindFilter.value;
    void load(false);
  });
  itemFilter.addEventListener('change', () => {
    historyItem = itemFilter.value;
    void load(false);
  });
  moreBtn.addEventListener('click', () => void load(true));

  return { node, render, fillItemFilter, load };
}
