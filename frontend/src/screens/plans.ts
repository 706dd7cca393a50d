// Allocation plans: the list (the reviewer's queue shows the submitted ones first) and, for managers,
// "编制方案" for an event and an aid type.
import { disasterApi, type DisasterEvent } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime } from '../format';
import { RESPONSE_SCOPES } from '../funds';
import { getLang, t, type MsgKey } from '../i18n';
import { FUNDS_AID_TYPES, planStatusClass, plansApi, type PlanRow } from '../plans';
import { navigate } from '../router';
import type { ScreenContext } from '../screen';
import { AID_TYPES } from '../stockrules';
import { toast } from '../toast';
import { dataTable, statusBlock } from '../widgets';
import { fundPoolsCard } from './fundpools';
import { POLICIES } from '../planequity';
import { comparisonView } from './planequity';

export function planStatusBadge(status: string): HTMLElement {
  return h('span', { class: `badge ${planStatusClass(status)}`, 'data-status': status, i18n: `plan.status.${status}` as MsgKey });
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const isManager = user.role === 'manager';
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page plans-page', 'data-testid': 'plans-screen' }, inner);
  root.append(page);

  let events: DisasterEvent[] = [];
  let plans: PlanRow[] = [];
  const eventName = (id: number) => events.find((e) => e.id === id)?.name ?? `#${id}`;

  const statusFilter = h(
    'select',
    { class: 'select', 'data-testid': 'plans-status', i18nAriaLabel: 'plans.filterStatus' },
    h('option', { value: '', i18n: 'plans.all' }),
    ...['draft', 'submitted', 'approved', 'dispatched', 'completed', 'rejected', 'cancelled'].map((s) => h('option', { value: s, i18n: `plan.status.${s}` as MsgKey })),
  );
  if (user.role === 'reviewer') statusFilter.value = 'submitted';
  const queue = h('p', { class: 'muted page-sub', 'data-testid': 'plans-queue' });
  const tbl = dataTable(
    [{ key: 'plans.no' }, { key: 'plans.event' }, { key: 'plans.kind' }, { key: 'plans.aidType' }, { key: 'plans.status' }, { key: 'plans.author' }, { key: 'plans.reviewer' }, { key: 'plans.created' }],
    'plans-table',
  );
  const listBox = h('div', {}, statusBlock(t('map.loading')));

  const render = () => {
    const lang = getLang();
    const shown = statusFilter.value ? plans.filter((p) => p.status === statusFilter.value) : plans;
    queue.textContent = t('plans.queue', { n: plans.filter((p) => p.status === 'submitted').length });
    listBox.replaceChildren(tbl.table);
    if (!shown.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty-cell', i18n: 'plans.none' })));
      return;
    }
    tbl.body.replaceChildren(
      ...shown.map((p) =>
        h(
          'tr',
          { 'data-testid': `plan-row-${p.id}`, 'data-status': p.status },
          h('td', {}, h('a', { href: `#/plans/${p.id}`, class: 'link strong', 'data-testid': `plan-link-${p.id}` }, `#${p.id}`)),
          h('td', {}, eventName(p.event_id)),
          h('td', { i18n: `plans.kind.${p.kind}` as MsgKey }),
          h('td', { i18n: `plans.aid.${p.aid_type}` as MsgKey }),
          h('td', {}, planStatusBadge(p.status)),
          h('td', {}, p.author_name),
          h('td', {}, p.reviewer_name ?? '—'),
          h('td', { class: 'nowrap' }, formatDateTime(p.created_at, lang)),
        ),
      ),
    );
  };
  statusFilter.addEventListener('change', render);

  const eventSel = h('select', { class: 'select', id: 'plan-event', 'data-testid': 'plan-event' });
  const kindSel = h(
    'select',
    { class: 'select', id: 'plan-kind', 'data-testid': 'plan-kind' },
    h('option', { value: 'materials', i18n: 'plans.kind.materials' }),
    h('option', { value: 'funds', i18n: 'plans.kind.funds' }),
  );
  const aidSel = h('select', { class: 'select', id: 'plan-aid', 'data-testid': 'plan-aid' });
  const scopeSel = h(
    'select',
    { class: 'select', id: 'plan-scope', 'data-testid': 'plan-scope' },
    h('option', { value: '', i18n: 'funds.scope.auto' }),
    ...RESPONSE_SCOPES.map((s) => h('option', { value: s, i18n: `funds.scope.${s}` as MsgKey })),
  );
  const scopeField = h('div', { class: 'field', hidden: true }, h('label', { for: 'plan-scope', i18n: 'funds.scope' }), scopeSel);
  // Blank: the server's default share (JIUZAI_RESERVE_FLOOR_PERCENT).
  const floorInput = h('input', { type: 'number', class: 'input', id: 'plan-floor', min: '0', max: '100', step: '1', inputmode: 'numeric', 'data-testid': 'plan-floor', i18nPlaceholder: 'plans.floorDefault' });
  const floorField = h('div', { class: 'field', title: t('plans.floorHint') }, h('label', { for: 'plan-floor', i18n: 'plans.floor' }), floorInput);
  // Blank: the server's default policy (JIUZAI_PLAN_POLICY).
  const policySel = h(
    'select',
    { class: 'select', id: 'plan-policy', 'data-testid': 'plan-policy' },
    h('option', { value: '', i18n: 'plans.policy.default' }),
    ...POLICIES.map((p) => h('option', { value: p, i18n: `equity.policy.${p}` as MsgKey })),
  );
  const policyField = h('div', { class: 'field' }, h('label', { for: 'plan-policy', i18n: 'plans.policy' }), policySel);
  const compareBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'plan-compare', i18n: 'plans.compare' });
  const compareBox = h('div', { class: 'plan-compare', 'data-testid': 'plan-compare-box' });
  // Reconstruction is funds only; the cost split matters only for money.
  const syncKind = () => {
    const funds = kindSel.value === 'funds';
    const chosen = aidSel.value;
    const aids: readonly string[] = funds ? FUNDS_AID_TYPES : AID_TYPES;
    aidSel.replaceChildren(...aids.map((a) => h('option', { value: a, selected: a === chosen, i18n: `plans.aid.${a}` as MsgKey })));
    scopeField.hidden = !funds;
    floorField.hidden = funds;
    policyField.hidden = funds;
    compareBtn.hidden = funds;
    compareBox.replaceChildren();
  };
  kindSel.addEventListener('change', syncKind);
  syncKind();
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'plan-create', i18n: 'plans.create' });
  const progress = h('div', { class: 'plan-progress', role: 'status', hidden: true, 'data-testid': 'plan-progress' }, h('span', { class: 'spinner' }), h('span', { i18n: 'plans.creating' }));
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'plan-create-error' });
  const form = h(
    'form',
    { class: 'plan-create-form', 'data-testid': 'plan-create-form' },
    h('div', { class: 'field' }, h('label', { for: 'plan-event', i18n: 'plans.event' }), eventSel),
    h('div', { class: 'field' }, h('label', { for: 'plan-kind', i18n: 'plans.kind' }), kindSel),
    h('div', { class: 'field' }, h('label', { for: 'plan-aid', i18n: 'plans.aidType' }), aidSel),
    scopeField,
    floorField,
    policyField,
    h('div', { class: 'field field-button' }, createBtn, compareBtn),
    progress,
  );
  /** The request the form describes. */
  const request = () => {
    const kind = kindSel.value === 'funds' ? 'funds' : 'materials';
    const scope = kind === 'funds' && scopeSel.value ? { response_scope: scopeSel.value } : {};
    const floor = kind === 'materials' && floorInput.value.trim() !== '' ? { reserve_floor_percent: Number(floorInput.value) } : {};
    const policy = kind === 'materials' && policySel.value ? { policy: policySel.value } : {};
    return { event_id: Number(eventSel.value), aid_type: aidSel.value, kind, ...scope, ...floor, ...policy };
  };
  // A comparison answers for the event, item and floor it was asked with.
  for (const el of [eventSel, aidSel, floorInput]) el.addEventListener('change', () => compareBox.replaceChildren());
  compareBtn.addEventListener('click', async () => {
    if (!Number(eventSel.value)) return;
    compareBtn.disabled = createBtn.disabled = true;
    error.hidden = true;
    compareBox.replaceChildren(statusBlock(t('plans.comparing')));
    try {
      const options = await plansApi.compare(request(), { signal });
      compareBox.replaceChildren(comparisonView(options, getLang()));
    } catch (err) {
      if (isAbort(err)) return;
      compareBox.replaceChildren();
      error.hidden = false;
      error.textContent = errorText(err);
    } finally {
      compareBtn.disabled = createBtn.disabled = false;
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const eventId = Number(eventSel.value);
    if (!eventId) return;
    createBtn.disabled = true;
    progress.hidden = false;
    error.hidden = true;
    try {
      const plan = await plansApi.create(request(), { signal });
      toast(`${t('plan.heading', { id: plan.id })} · ${t('plan.status.draft')}`);
      navigate(`/plans/${plan.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      error.hidden = false;
      error.textContent = errorText(err);
    } finally {
      createBtn.disabled = false;
      progress.hidden = true;
    }
  });

  const pools = fundPoolsCard(signal, user.role === 'manager' || user.role === 'admin', () => Number(eventSel.value) || undefined);
  eventSel.addEventListener('change', () => void pools.reload());
  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'plans.title' }), h('p', { class: 'muted page-sub', i18n: 'plans.sub' })),
    isManager ? h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'plans.create' })), h('div', { class: 'card-body' }, form, error, compareBox)) : '',
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'nav.plans' }), queue, statusFilter), listBox),
    pools.card,
  );

  const load = async () => {
    try {
      const [ev, pl] = await Promise.all([disasterApi.events({ signal }), plansApi.list({}, { signal })]);
      events = ev;
      plans = [...pl].sort((a, b) => b.id - a.id);
      const wanted = Number(ctx.params.get('event'));
      eventSel.replaceChildren(...events.filter((e) => e.status !== 'closed').map((e) => h('option', { value: String(e.id), selected: e.id === wanted }, e.name)));
      render();
      void pools.reload();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      listBox.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  void load();
  ctx.onLang(() => {
    render();
    pools.render();
  });
}
