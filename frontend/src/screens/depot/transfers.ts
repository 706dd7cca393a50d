// Transfers in transit to and from the depot; the receiving depot's keepers confirm arrival.
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime, formatInteger, formatQuantity } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { stockApi, type Transfer } from '../../stock';
import { toast } from '../../toast';
import { dataTable } from '../../widgets';
import { nameOf, unitOf, type DepotState } from './state';

export function transfersSection(
  ctx: ScreenContext,
  state: DepotState,
  refreshAfterChange: (withTransfers: boolean) => Promise<void>,
): { node: HTMLElement; render(): void; refresh(): Promise<void> } {
  const { signal } = ctx;
  const { depotId } = state;
  const canReceive = state.canWrite;
  const node = h('section', { class: 'card transfers-card', 'data-testid': 'transfers' });

  const render = () => {
    const lang = getLang();
    const incoming = state.transfers.filter((x) => x.to_depot_id === depotId && x.status === 'in_transit');
    const outgoing = state.transfers.filter((x) => x.from_depot_id === depotId && x.status === 'in_transit');
    const row = (x: Transfer, dir: 'in' | 'out') => {
      const btn =
        dir === 'in' && canReceive
          ? h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': `transfer-receive-${x.id}`, i18n: 'transfers.receive' })
          : null;
      btn?.addEventListener('click', async () => {
        btn.disabled = true;
        btn.dataset.i18n = 'transfers.receiving';
        btn.textContent = t('transfers.receiving');
        try {
          const done = await stockApi.receiveTransfer(x.id, { signal });
          if (signal.aborted) return;
          toast(t('toast.received', { qty: formatQuantity(done.quantity, unitOf(state, done.item), getLang()), name: nameOf(state, done.item) }));
          await refreshAfterChange(true);
        } catch (err) {
          if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
          toast(errorText(err), 'error');
          btn.disabled = false;
          btn.dataset.i18n = 'transfers.receive';
          btn.textContent = t('transfers.receive');
          void refresh();
        }
      });
      return h(
        'tr',
        { 'data-testid': `transfer-${x.id}` },
        h('td', { class: 'mono muted' }, `#${x.id}`),
        h('td', {}, dir === 'in' ? x.from_depot_name : x.to_depot_name),
        h('td', {}, nameOf(state, x.item)),
        h('td', { class: 'num strong' }, formatQuantity(x.quantity, unitOf(state, x.item), lang)),
        h('td', { class: 'mono small' }, x.lots.map((l) => `${l.lot}×${formatInteger(l.quantity, lang)}`).join('  ')),
        h('td', { class: 'nowrap' }, formatDateTime(x.created_at, lang)),
        h('td', {}, x.created_by ?? ''),
        btn ? h('td', { class: 'actions' }, btn) : '',
      );
    };
    const table = (list: Transfer[], dir: 'in' | 'out', titleKey: MsgKey) => {
      const tbl = dataTable(
        [
          { key: 'transfers.no' },
          { key: dir === 'in' ? 'transfers.from' : 'transfers.to' },
          { key: 'stock.item' },
          { key: 'reserves.quantity', cls: 'num' },
          { key: 'history.lots' },
          { key: 'transfers.sent' },
          { key: 'transfers.by' },
          ...(canReceive && dir === 'in' ? [{ key: 'common.actions' as MsgKey, cls: 'actions' }] : []),
        ],
        dir === 'in' ? 'transfers-incoming' : 'transfers-outgoing',
      );
      tbl.body.replaceChildren(...list.map((x) => row(x, dir)));
      return h('div', { class: 'transfer-group' }, h('h3', { class: 'sub-head', i18n: titleKey }), h('div', { class: 'table-wrap' }, tbl.table));
    };
    node.replaceChildren(
      h('div', { class: 'card-head' }, h('h2', { i18n: 'transfers.title' })),
      !incoming.length && !outgoing.length ? h('p', { class: 'muted empty-line', 'data-testid': 'transfers-none', i18n: 'transfers.none' }) : '',
      incoming.length ? table(incoming, 'in', 'transfers.incoming') : '',
      outgoing.length ? table(outgoing, 'out', 'transfers.outgoing') : '',
    );
  };
  ctx.onLang(render);

  const refresh = async () => {
    try {
      state.transfers = await stockApi.transfers({ depot_id: depotId, status: 'in_transit' }, { signal });
      if (!signal.aborted) render();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      state.transfers = [];
      render();
    }
  };

  return { node, render, refresh };
}
