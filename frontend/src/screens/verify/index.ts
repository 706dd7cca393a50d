// The assessor's queue (#/events/{id}/verify): areas with reports, grouped by county, with their
// status (to verify, verified, discrepancy, accepted); for the chosen area the reported and the
// verified figures side by side, a reason for every changed figure, and accept / return.
// The queue and the detail are their own modules; this one loads the event and its queue.
import { disasterApi, type AreaSummary } from '../../disaster';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { chooseEvent, eventHeader, registerButtons } from '../../eventui';
import { t } from '../../i18n';
import { hasRole, REGISTER_READERS } from '../../roles';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { detailSection } from './detail';
import { queueSection } from './queue';
import { queueItems, type VerifyState } from './state';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  if (!ctx.args.id) return void chooseEvent(root, signal, 'verify');
  const eventId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner wide' });
  const page = h('div', { class: 'page verify-page', 'data-testid': 'verify-screen', 'data-event-id': String(eventId) }, inner);
  root.append(page);

  const state: VerifyState = { eventId, event: null, items: [], selected: ctx.params.get('area'), names: new Map(), returns: [] };

  const select = (code: string) => {
    state.selected = code;
    window.history.replaceState(null, '', `#/events/${eventId}/verify?area=${code}`);
    queue.render();
    detail.render();
    if (detail.node.getBoundingClientRect().top < 0) detail.node.scrollIntoView({ block: 'start' });
  };

  const fetchAll = async () => {
    const [e, reports, assessments, returns, towns, counties] = await Promise.all([
      disasterApi.event(eventId, { signal }),
      disasterApi.reports(eventId, undefined, { signal }),
      disasterApi.assessments(eventId, undefined, { signal }),
      disasterApi.returns(eventId, undefined, { signal }),
      disasterApi.summary(eventId, 'township', { signal }),
      disasterApi.summary(eventId, 'county', { signal }),
    ]);
    state.event = e;
    state.returns = returns;
    const summaries = new Map<string, AreaSummary>();
    for (const a of [...towns.areas, ...counties.areas]) {
      summaries.set(a.code, a);
      state.names.set(a.code, a.name);
    }
    state.items = queueItems(reports, assessments, summaries);
  };

  const reload = async () => {
    try {
      await fetchAll();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
      return;
    }
    if (signal.aborted) return;
    queue.render();
    detail.render();
    page.dataset.version = String(Number(page.dataset.version ?? '0') + 1);
  };

  const queue = queueSection(ctx, state, select);
  const detail = detailSection(ctx, state, reload);

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      await fetchAll();
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.status === 404) return inner.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: 'event.notFound' })));
      return inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
    }
    if (signal.aborted || !state.event) return;
    if (state.selected && !state.items.some((i) => i.code === state.selected)) state.selected = null;
    inner.replaceChildren(
      h('a', { href: `#/map?event=${eventId}`, class: 'crumb link', 'data-testid': 'back-to-map' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'report.backToMap' })),
      // The assessor has no event page: the registers are offered here too.
      eventHeader(state.event, { extra: hasRole(ctx.session!.user, REGISTER_READERS) ? [registerButtons(eventId, signal)] : [] }),
      h('div', { class: 'verify-grid' }, queue.node, detail.node),
    );
    queue.fillFilter();
    queue.render();
    detail.render();
    page.dataset.ready = 'true';
    page.dataset.version = '1';
  };
  void load();
}
