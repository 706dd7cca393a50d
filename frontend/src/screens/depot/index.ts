// The depot keeper's screen (#/depots/{id}): header, stock with lots and expiry, the four
// movement forms (receipt, issue, transfer, adjustment), transfers to confirm, the ledger
// history and the exports. Managers and auditors open the same screen from the depot list.
// Each section is its own module; this one loads the shared state and refreshes the sections.
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { sortItems, stockApi } from '../../stock';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { depotHeader } from './header';
import { historySection } from './history';
import { opsSection } from './ops';
import type { DepotState } from './state';
import { stockSection } from './stock';
import { transfersSection } from './transfers';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const depotId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page depot-page', 'data-testid': 'depot-screen', 'data-depot-id': String(depotId) }, inner);
  root.append(page);

  const state: DepotState = {
    depotId,
    canWrite: (user.role === 'depot_staff' && (user.depot_ids ?? []).includes(depotId)) || user.role === 'manager',
    depot: null,
    stock: [],
    items: [],
    itemByCode: new Map(),
    depots: [],
    transfers: [],
  };

  /** After a movement or a receipt: header figures, stock, forms, history (and transfers). */
  const refreshAfterChange = async (withTransfers: boolean) => {
    try {
      const [d, s] = await Promise.all([stockApi.depot(depotId, { signal }), stockApi.stock(depotId, { signal })]);
      if (signal.aborted) return;
      state.depot = d;
      state.stock = s;
      header.render();
      stock.render();
      ops?.refresh();
      history.fillItemFilter();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    }
    await Promise.all([history.load(false), withTransfers ? transfers.refresh() : Promise.resolve()]);
    page.dataset.version = String(Number(page.dataset.version ?? '0') + 1);
  };

  const header = depotHeader(ctx, state);
  const stock = stockSection(ctx, state);
  const ops = state.canWrite ? opsSection(ctx, state, refreshAfterChange) : null;
  const transfers = transfersSection(ctx, state, refreshAfterChange);
  const history = historySection(ctx, state);

  const showProblem = (node: HTMLElement) => inner.replaceChildren(node);

  const load = async () => {
    if (!Number.isInteger(depotId) || depotId <= 0) return showProblem(h('div', { class: 'empty-state' }, h('p', { i18n: 'depot.notFound' })));
    showProblem(statusBlock(t('common.loading')));
    try {
      const [d, s, its] = await Promise.all([stockApi.depot(depotId, { signal }), stockApi.stock(depotId, { signal }), stockApi.items({ signal })]);
      if (signal.aborted) return;
      state.depot = d;
      state.stock = s;
      state.items = sortItems(its);
      state.itemByCode = new Map(state.items.map((i) => [i.code, i]));
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        return showProblem(h('div', { class: 'empty-state', 'data-testid': 'depot-problem' }, h('p', { i18n: err.status === 403 ? 'depot.forbidden' : 'depot.notFound' })));
      }
      return showProblem(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
    }
    // The depot directory names transfer targets; without it the transfer form has no choices.
    try {
      state.depots = await stockApi.directory({ signal });
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      state.depots = [];
    }
    if (signal.aborted) return;

    // Managers and auditors come from the depot list; keepers have only their own depots.
    const crumb = user.role === 'depot_staff' ? '' : h('a', { href: '#/depots', class: 'crumb link', 'data-testid': 'back-to-depots' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'depots.title' }));
    inner.replaceChildren(crumb, header.node, h('div', { class: `depot-grid${ops ? '' : ' read-only-grid'}` }, stock.node, ops?.node ?? ''), transfers.node, history.node);
    header.render();
    stock.render();
    ops?.refresh();
    history.fillItemFilter();
    transfers.render();
    history.render();
    await Promise.all([transfers.refresh(), history.load(false)]);
    if (signal.aborted) return;
    page.dataset.ready = 'true';
    page.dataset.version = '1';
  };
  void load();
}
