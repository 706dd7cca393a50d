// One allocation plan: the flows on a map, totals, fill rates, bottlenecks, unreachable areas,
// time to aid, shipments, and the actions of the user's role (the reviewer's queue view).
import { download } from '../api';
import { confirmAction } from '../confirm';
import { disasterApi, type AreaRow } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatFen, formatInteger, formatVolume, formatWeight } from '../format';
import { blockedZones, zonesDrawnAfter, type BlockedZone } from '../geo';
import { getLang, t, type MsgKey } from '../i18n';
import { BLOCK_LAYERS, setBlockageData } from '../map/planblockages';
import { addPlanLayers, PLAN_COLORS, PLAN_LAYERS, planCollections, setPlanData } from '../map/planflows';
import { createMap, maplibregl } from '../map/setup';
import { demandBasisText } from '../planbasis';
import { dispatchSummary } from '../planlines';
import { changedMeanwhile, fillPercent, formatMinutes, planActions, plansApi, type Plan, type PlanAction, type Shipment } from '../plans';
import { clearPrintSheets } from '../print';
import type { ScreenContext } from '../screen';
import { stockApi, type DepotEntry, type Item } from '../stock';
import { toast } from '../toast';
import { dataTable, statusBlock } from '../widgets';
import { truckloads } from './depot/fleet';
import { fundsAreasTable, fundsLevelsTable, fundsTotals, mixedSplits } from './planfunds';
import { surveyNote } from './winterspring/plannote';
import { createLinesView, dispatchSummaryView, listText, type LineLabels } from './planlines';
import { planStatusBadge } from './plans';
import { equityView, replanView } from './planequity';
import type { Replanned } from '../planequity';

const MAX_ROWS = 400;

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const id = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page plan-page', 'data-testid': 'plan-screen', 'data-plan-id': String(id) }, inner);
  root.append(page);
  inner.append(statusBlock(t('map.loading')));

  let plan: Plan | null = null;
  let depots = new Map<number, DepotEntry>();
  let areas = new Map<string, AreaRow>();
  let items = new Map<string, Item>();
  let shipments: Shipment[] = [];
  let map: maplibregl.Map | null = null;
  let popup: maplibregl.Popup | null = null;
  let version = 0;
  /** The item the fill table shows ('' for all), kept across renders. */
  let fillItem = '';
  /** The event's blocked zones (drawn on the plan map; a draft computed before one is stale). */
  let zones: GeoJSON.Feature[] = [];
  /** Zones drawn after a materials draft was computed (made, or planned again), newest first. */
  const staleZones = (p: Plan): BlockedZone[] => (p.status === 'draft' && !p.funds ? zonesDrawnAfter(blockedZones({ type: 'FeatureCollection', features: zones }), p.computed_at ?? p.created_at) : []);

  const depotName = (d: number) => depots.get(d)?.name ?? `#${d}`;
  const areaName = (c: string) => areas.get(c)?.name ?? c;
  const itemName = (c: string) => {
    const it = items.get(c);
    return it ? (getLang() === 'zh' ? it.name_zh : it.name_en) : c;
  };
  const labels: LineLabels = { depot: depotName, area: areaName, item: itemName, unit: (c) => items.get(c)?.unit ?? '' };
  const keeper = user.role === 'depot_staff';
  const myDepots = (user.depot_ids ?? []) as number[];
  /** A keeper prints the pick lists of their own depots; the others, every depot's. */
  /** While a manager edits the lines, the plan's actions wait (submitting would send the old lines). */
  let editing = false;
  const linesView = createLinesView(labels, (p) => linesView.depots(p).filter((d) => !keeper || myDepots.includes(d)), {
    canEdit: (p) => user.role === 'manager' && p.status === 'draft' && !p.funds,
    save: (body, p) => plansApi.edit(id, body, p.updated_at, { signal }),
    started: () => {
      editing = true;
      actionError.hidden = true;
      renderActions();
    },
    done: (p) => {
      editing = false;
      if (!p) return renderActions();
      // The server's plan: its lines, fills and totals everywhere on the screen, the map's flows too.
      plan = p;
      render();
      refreshMap();
    },
    changedMeanwhile: () => void showChangedMeanwhile(),
  });
  /** The plan's depots that have not shipped yet (and, for a keeper, are theirs): what a dispatch sends. */
  const depotsToDispatch = (p: Plan) => {
    const shipped = new Set(shipments.map((s) => s.depot_id));
    return linesView.depots(p).filter((d) => !shipped.has(d) && (!keeper || myDepots.includes(d)));
  };

  const actionBox = h('div', { class: 'plan-actions', 'data-testid': 'plan-actions' });
  /** What the last re-plan changed, shown until the user leaves the plan. */
  let replanned: Replanned | null = null;
  const canReplan = (p: Plan) => user.role === 'manager' && p.status === 'draft' && !p.funds;
  const replan = async (p: Plan) => {
    const ok = await confirmAction({ title: t('replan.title', { id: p.id }), body: [h('p', {}, t('replan.confirmText'))], confirmKey: 'replan.confirm' });
    if (!ok) return;
    actionError.hidden = true;
    actionBox.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      replanned = await plansApi.replan(id, p.updated_at, { signal });
      toast(t('replan.done'));
      await load();
      refreshMap();
    } catch (err) {
      if (isAbort(err)) return;
      if (changedMeanwhile(err)) return showChangedMeanwhile();
      actionError.hidden = false;
      actionError.textContent = errorText(err);
      actionBox.querySelectorAll('button').forEach((b) => (b.disabled = false));
    }
  };
  /** Someone else changed the plan since this user read it: the screen shows the plan as it now is
   * (with the other change's lines), and says why this user's change was not made. */
  const showChangedMeanwhile = async () => {
    editing = false;
    replanned = null;
    await load();
    actionError.hidden = false;
    actionError.textContent = t('plan.changedMeanwhile');
  };
  const actionError = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'plan-error' });

  const act = async (action: PlanAction, body: unknown = {}) => {
    actionError.hidden = true;
    actionBox.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      await plansApi.action(id, action, body, { signal });
      toast(t(`plan.done.${action}` as MsgKey));
      await load();
    } catch (err) {
      if (isAbort(err)) return;
      actionError.hidden = false;
      actionError.textContent = errorText(err);
      actionBox.querySelectorAll('button').forEach((b) => (b.disabled = false));
    }
  };

  /** Asks before an action that commits stock or money or ends the plan, saying what it will do; submitting needs no question. */
  const confirmed = (p: Plan, action: PlanAction, confirmKey: MsgKey, reason: string): Promise<boolean> => {
    const lang = getLang();
    const text = (s: string) => h('p', {}, s);
    if (action === 'submit') {
      // A draft computed before a blocked zone was drawn may route through it: ask, naming the zone.
      const stale = staleZones(p)[0];
      if (!stale) return Promise.resolve(true);
      return confirmAction({
        title: t('confirm.submitStale', { id: p.id }),
        body: [text(t('confirm.submitStaleText', { name: stale.name || t('block.unnamed'), time: formatDateTime(stale.created_at, lang) }))],
        confirmKey: 'confirm.submitAnyway',
        danger: true,
      });
    }
    if (action === 'cancel' || action === 'reject') {
      const [title, what] = action === 'cancel' ? (['confirm.cancelPlan', 'confirm.cancelText'] as const) : (['confirm.reject', 'confirm.rejectText'] as const);
      return confirmAction({ title: t(title, { id: p.id }), body: [text(t(what)), text(t('confirm.reason', { reason }))], confirmKey, danger: true });
    }
    if (p.funds) {
      const areasPaid = p.funds.areas.filter((a) => a.allocated_fen > 0).length;
      const what = t(action === 'approve' ? 'confirm.approveFundsText' : 'confirm.disburseText', { amount: formatFen(p.funds.allocated_fen, lang), areas: formatInteger(areasPaid, lang) });
      return confirmAction({ title: t(action === 'approve' ? 'confirm.approve' : 'confirm.disburse', { id: p.id }), body: [text(what)], confirmKey });
    }
    if (action === 'approve') {
      return confirmAction({ title: t('confirm.approve', { id: p.id }), body: [text(t('confirm.approveText')), ...dispatchSummaryView(dispatchSummary(p.lines, null), labels)], confirmKey });
    }
    const depotIds = depotsToDispatch(p);
    return confirmAction({
      title: t('confirm.dispatch', { id: p.id }),
      body: [text(t('confirm.dispatchFrom', { depots: listText(depotIds.map(depotName)) })), ...dispatchSummaryView(dispatchSummary(p.lines, depotIds), labels)],
      confirmKey,
    });
  };

  const renderActions = () => {
    if (!plan) return;
    const p = plan;
    const involved = linesView.depots(p);
    const allowed = planActions(p, user as { id?: number; role: string; depot_ids?: number[] }, involved);
    const reason = h('input', { type: 'text', class: 'input', maxlength: 500, 'data-testid': 'plan-reason', i18nPlaceholder: 'plan.reason' });
    const needsReason = allowed.includes('reject') || allowed.includes('cancel');
    const btn = (a: PlanAction, cls: string) => {
      const labelKey = (a === 'dispatch' && p.funds ? 'plan.action.disburse' : `plan.action.${a}`) as MsgKey;
      return h('button', {
        type: 'button',
        class: `btn ${cls}`,
        'data-testid': `plan-${a}`,
        i18n: labelKey,
        onclick: async () => {
          const why = reason.value.trim();
          if ((a === 'reject' || a === 'cancel') && !why) {
            actionError.hidden = false;
            actionError.textContent = t('plan.reasonRequired');
            reason.focus();
            return;
          }
          if (!(await confirmed(p, a, labelKey, why))) return;
          if (a === 'reject' || a === 'cancel') return void act(a, { reason: why });
          // A keeper ships exactly what the dialog showed: their depots' parts not shipped yet.
          if (a === 'dispatch' && keeper) return void act(a, { depot_ids: depotsToDispatch(p) });
          return void act(a, {});
        },
      });
    };
    const order: Array<[PlanAction, string]> = [
      ['submit', 'btn-primary'],
      ['approve', 'btn-primary'],
      ['dispatch', 'btn-primary'],
      ['reject', 'btn-outline'],
      ['cancel', 'btn-outline'],
    ];
    if (editing) {
      actionBox.replaceChildren(h('p', { class: 'muted', 'data-testid': 'plan-editing-note' }, t('planedit.finishFirst')));
      return;
    }
    const replanBtn = canReplan(p) ? h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'plan-replan', i18n: 'replan.action', onclick: () => void replan(p) }) : '';
    actionBox.replaceChildren(...order.filter(([a]) => allowed.includes(a)).map(([a, c]) => btn(a, c)), replanBtn, needsReason ? reason : '');
  };

  const cell = (text: string | Node, cls?: string) => h('td', { class: cls }, text);

  const section = (titleKey: MsgKey, body: Node, testid?: string, extra?: Node) =>
    h('section', { class: 'card', 'data-testid': testid }, h('div', { class: 'card-head' }, h('h2', { i18n: titleKey }), extra ?? ''), body);

  const render = () => {
    if (!plan) return;
    const lang = getLang();
    const p = plan;
    const tt = p.totals;
    const totals = h(
      'dl',
      { class: 'plan-totals', 'data-testid': 'plan-totals' },
      ...([
        ['plan.demand', formatInteger(tt?.demand ?? 0, lang), 'demand'],
        ['plan.allocated', formatInteger(tt?.allocated ?? 0, lang), 'allocated'],
        ['plan.fill', fillPercent(tt && tt.demand ? tt.allocated / tt.demand : null), 'fill'],
        ['plan.lines', formatInteger(tt?.lines ?? 0, lang), 'lines'],
        ['plan.lateLines', formatInteger(tt?.late_lines ?? 0, lang), 'late'],
        ['plan.unreachableAreas', formatInteger(tt?.unreachable_areas ?? 0, lang), 'unreachable'],
      ] as Array<[MsgKey, string, string]>).map(([k, v, id]) => h('div', {}, h('dt', { i18n: k }), h('dd', { 'data-testid': `total-${id}` }, v))),
    );

    const fill = dataTable(
      [{ key: 'plan.area' }, { key: 'plan.item' }, { key: 'plan.demand', cls: 'num' }, { key: 'plan.allocated', cls: 'num' }, { key: 'plan.fill', cls: 'num' }, { key: 'plan.basis' }],
      'plan-fill-table',
    );
    // One item at a time answers "why does this township need 96 tents?" without scrolling past the rest.
    const planItems = [...new Set((p.areas ?? []).map((a) => a.item))];
    if (fillItem && !planItems.includes(fillItem)) fillItem = '';
    const itemFilter = h(
      'select',
      {
        class: 'select select-small',
        'data-testid': 'plan-fill-item',
        'aria-label': t('plan.filterItem'),
        onchange: (e: Event) => {
          fillItem = (e.target as HTMLSelectElement).value;
          fillRows();
        },
      },
      h('option', { value: '' }, t('plan.allItems')),
      ...planItems.map((c) => h('option', { value: c, selected: c === fillItem }, itemName(c))),
    );
    const fillRows = () => {
      const rows = [...(p.areas ?? [])]
        .filter((a) => !fillItem || a.item === fillItem)
        .sort((a, b) => a.fill_rate - b.fill_rate || a.area_code.localeCompare(b.area_code));
      fill.body.replaceChildren(
        ...rows.slice(0, MAX_ROWS).map((a) => {
          const why = demandBasisText(a.basis, { unit: items.get(a.item)?.unit, demand: a.demand });
          return h(
            'tr',
            { 'data-testid': `fill-${a.area_code}-${a.item}` },
            cell(areaName(a.area_code)),
            // On a phone the basis column is off to the right: it shows under the item instead.
            cell(h('span', {}, itemName(a.item), why ? h('span', { class: 'plan-basis-inline', 'aria-hidden': 'true' }, why) : ''), 'plan-fill-item'),
            cell(formatInteger(a.demand, lang), 'num'),
            cell(formatInteger(a.allocated, lang), 'num'),
            cell(fillPercent(a.fill_rate), `num ${a.fill_rate < 0.5 ? 'fill-low' : a.fill_rate < 0.9 ? 'fill-mid' : ''}`),
            a.basis
              ? h('td', { class: 'plan-basis', 'data-testid': 'fill-basis', 'data-indicator': a.basis.indicator, 'data-norm': a.basis.norm.basis }, why)
              : h('td', { class: 'plan-basis muted', title: t('plan.basis.none') }, '—'),
          );
        }),
        rows.length > MAX_ROWS ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('plan.moreRows', { n: rows.length - MAX_ROWS }))) : '',
      );
    };
    fillRows();

    const bottlenecks = p.bottlenecks?.length
      ? h('ul', { class: 'chip-list', 'data-testid': 'plan-bottlenecks' }, ...p.bottlenecks.map((b) => h('li', {}, `${depotName(b.depot_id)} · ${itemName(b.item)}`)))
      : h('p', { class: 'muted', 'data-testid': 'plan-bottlenecks', i18n: 'plan.noBottlenecks' });
    const floor = p.reserve_floor;
    const held = floor
      ? h(
          'div',
          { 'data-testid': 'plan-reserve-floor', 'data-percent': String(floor.percent) },
          h('p', { class: 'muted' }, t('plan.floorLine', { percent: floor.percent, n: formatInteger(floor.held.reduce((sum, x) => sum + x.quantity, 0), lang) })),
          floor.held.length ? h('ul', { class: 'chip-list' }, ...floor.held.map((x) => h('li', {}, `${x.depot_name} · ${itemName(x.item)} ${formatInteger(x.quantity, lang)}`))) : '',
        )
      : '';
    // What each depot's trucks carry (only depots that count theirs), the full ones first: a full
    // depot's trucks held stock back.
    const loads = [...(p.fleet ?? [])].sort((a, b) => Number(b.limiting) - Number(a.limiting) || b.trucks_needed / b.fleet.trucks - a.trucks_needed / a.fleet.trucks);
    const fleet = loads.length
      ? h(
          'div',
          {},
          h(
            'ul',
            { class: 'fleet-list', 'data-testid': 'plan-fleet' },
            ...loads.map((f) =>
              h(
                'li',
                { 'data-testid': `fleet-${f.depot_id}`, 'data-limiting': String(f.limiting) },
                h('span', { class: 'fleet-depot' }, h('strong', {}, depotName(f.depot_id)), f.limiting ? h('span', { class: 'badge badge-warn', i18n: 'plan.fleet.limiting' }) : ''),
                h(
                  'span',
                  { class: 'num' },
                  t('plan.fleet.trucks', { needed: formatInteger(f.trucks_needed, lang), trucks: formatInteger(f.fleet.trucks, lang) }),
                  f.fleet.trips > 1 ? ` · ${t('plan.fleet.trips', { trips: formatInteger(f.fleet.trips, lang) })}` : '',
                ),
                h('span', { class: 'num' }, `${formatWeight(f.load_kg, lang)} / ${formatWeight(truckloads(f.fleet) * f.fleet.load_kg, lang)}`),
                h('span', { class: 'num' }, `${formatVolume(f.load_m3, lang)} / ${formatVolume(truckloads(f.fleet) * f.fleet.load_m3, lang)}`),
              ),
            ),
          ),
          loads.some((f) => f.limiting) ? h('p', { class: 'muted plan-note', 'data-testid': 'plan-fleet-note', i18n: 'plan.fleet.order' }) : '',
        )
      : '';
    const unreachable = p.unreachable?.length
      ? h('ul', { class: 'chip-list', 'data-testid': 'plan-unreachable' }, ...p.unreachable.map((u) => h('li', {}, `${areaName(u.area_code)} · ${itemName(u.item)} ${formatInteger(u.demand, lang)}`)))
      : h('p', { class: 'muted', 'data-testid': 'plan-unreachable', i18n: 'plan.noUnreachable' });

    const tta = dataTable(
      [{ key: 'plan.area' }, { key: 'plan.tta.plan', cls: 'num' }, { key: 'plan.tta.approval', cls: 'num' }, { key: 'plan.tta.dispatch', cls: 'num' }, { key: 'plan.tta.receipt', cls: 'num' }],
      'plan-tta-table',
    );
    tta.body.replaceChildren(
      ...(p.time_to_aid ?? []).map((r) =>
        h(
          'tr',
          { 'data-testid': `tta-${r.area_code}` },
          cell(areaName(r.area_code)),
          cell(formatMinutes(r.onset_to_plan_minutes, lang), 'num'),
          cell(formatMinutes(r.onset_to_approval_minutes, lang), 'num'),
          cell(formatMinutes(r.onset_to_dispatch_minutes, lang), 'num'),
          cell(formatMinutes(r.onset_to_receipt_minutes, lang), 'num'),
        ),
      ),
    );
    const exportBtns = h(
      'span',
      { class: 'plan-actions' },
      ...(['csv', 'xlsx'] as const).map((f) =>
        h('button', {
          type: 'button',
          class: 'btn btn-outline btn-small',
          'data-testid': `export-tta-${f}`,
          onclick: () =>
            void download('/exports/time-to-aid', { plan_id: id, format: f }, `time-to-aid-${id}.${f}`, signal)
              .then((n) => toast(t('export.done', { name: n })))
              .catch((e) => !isAbort(e) && toast(t('export.failed', { message: errorText(e) }), 'error')),
        }, f.toUpperCase()),
      ),
    );

    const ship = dataTable(
      [{ key: 'ship.no' }, { key: 'ship.from' }, { key: 'ship.to' }, { key: 'ship.status' }, { key: 'ship.dispatchedAt' }, { key: 'ship.receivedAt' }],
      'plan-shipments',
    );
    ship.body.replaceChildren(
      ...(shipments.length
        ? shipments.map((s) =>
            h(
              'tr',
              { 'data-testid': `plan-shipment-${s.id}`, 'data-status': s.status },
              cell(`#${s.id}`),
              cell(depotName(s.depot_id)),
              cell(areaName(s.area_code)),
              cell(h('span', { class: `badge ${s.status === 'received' ? 'badge-ok' : 'badge-info'}`, i18n: `ship.status.${s.status}` as MsgKey })),
              cell(formatDateTime(s.dispatched_at, lang), 'nowrap'),
              cell(formatDateTime(s.received_at, lang), 'nowrap'),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 6, class: 'empty-cell', i18n: 'ship.none' }))]),
    );

    const meta = h(
      'div',
      { class: 'plan-meta' },
      h('span', { 'data-testid': 'plan-kind' }, `${t('plans.kind')}: ${t(`plans.kind.${p.kind}` as MsgKey)}`),
      h('span', {}, `${t('plans.aidType')}: ${t(`plans.aid.${p.aid_type}` as MsgKey)}`),
      h('span', {}, `${t('plans.author')}: ${p.author_name}`),
      p.reviewer_name ? h('span', {}, `${t('plans.reviewer')}: ${p.reviewer_name}`) : '',
      h('span', {}, `${t('plans.created')}: ${formatDateTime(p.created_at, lang)}`),
      p.reason ? h('span', { 'data-testid': 'plan-reason-text' }, `${t('plan.reason')}: ${p.reason}`) : '',
      surveyNote(p.survey),
    );

    const title = h(
      'div',
      { class: 'page-title' },
      h('p', {}, h('a', { href: '#/plans', class: 'link', i18n: 'plan.back' })),
      h('h1', {}, t('plan.heading', { id: p.id }), ' ', h('span', { 'data-testid': 'plan-status', 'data-status': p.status }, planStatusBadge(p.status))),
      meta,
    );
    const ttaSection = section('plan.timeToAid', h('div', { class: 'plan-scroll' }, tta.table), 'plan-tta', exportBtns);
    const stale = staleZones(p);
    const staleBanner = stale.length
      ? h(
          'div',
          { class: 'stale-draft', role: 'alert', 'data-testid': 'plan-stale', 'data-zones': stale.map((z) => z.id).join(',') },
          h('strong', { i18n: 'plan.stale.title' }),
          h('p', {}, t('plan.stale.text', { computed: formatDateTime(p.created_at, lang), name: stale[0].name || t('block.unnamed'), time: formatDateTime(stale[0].created_at, lang) })),
          stale.length > 1 ? h('p', {}, t('plan.stale.more', { n: stale.length - 1, names: listText(stale.slice(1).map((z) => z.name || t('block.unnamed'))) })) : '',
          canReplan(p) ? h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'plan-stale-replan', i18n: 'replan.action', onclick: () => void replan(p) }) : '',
        )
      : '';
    if (p.funds) {
      inner.replaceChildren(
        title,
        section('plan.totals', h('div', { class: 'card-body' }, fundsTotals(p.funds, lang), h('div', { class: 'plan-action-row' }, actionBox, actionError)), 'plan-summary'),
        section(
          'funds.levels',
          h(
            'div',
            {},
            h('div', { class: 'plan-scroll' }, fundsLevelsTable(p.funds, lang)),
            mixedSplits(p.funds) ? h('p', { class: 'muted plan-note', 'data-testid': 'funds-mixed-note', i18n: 'funds.mixedNote' }) : '',
          ),
          'funds-levels-card',
        ),
        section('funds.areas', h('div', { class: 'plan-scroll' }, fundsAreasTable(p.funds, lang, areaName)), 'plan-fill'),
        ttaSection,
      );
    } else {
      const side = h(
        'div',
        {},
        section('plan.totals', h('div', { class: 'card-body' }, totals, h('div', { class: 'plan-action-row' }, actionBox, actionError)), 'plan-summary'),
        section('plan.bottlenecks', h('div', { class: 'card-body plan-chips' }, bottlenecks)),
        fleet ? section('plan.fleet', h('div', { class: 'card-body' }, fleet), 'plan-fleet-card') : '',
        section('plan.unreachable', h('div', { class: 'card-body plan-chips' }, unreachable)),
        floor ? section('plan.floor', h('div', { class: 'card-body plan-chips' }, held)) : '',
      );
      const mapCard = page.querySelector<HTMLElement>('.plan-map-card') ?? buildMapCard();
      inner.replaceChildren(
        title,
        staleBanner,
        h('div', { class: 'plan-layout' }, mapCard, side),
        replanned ? section('replan.heading', replanView(replanned, labels, lang), 'plan-replan-card') : '',
        p.equity ? section('equity.title', equityView(p.equity, p.fairness, lang), 'plan-equity-card') : '',
        linesView.card(p),
        section(
          'plan.fillTable',
          h('div', {}, h('p', { class: 'muted plan-note', i18n: 'plan.basis.net' }), h('div', { class: 'plan-scroll plan-fill-wrap' }, fill.table)),
          'plan-fill',
          itemFilter,
        ),
        ttaSection,
        section('plan.shipments', h('div', { class: 'plan-scroll' }, ship.table), 'plan-shipments-card'),
      );
    }
    renderActions();
    page.dataset.status = p.status;
    page.dataset.version = String(++version);
    page.dataset.ready = 'true';
  };

  const buildMapCard = () => {
    // Inline: maplibre-gl.css (loaded after the app's styles) sets .maplibregl-map to position: relative,
    // which undid .plan-map's absolute inset and left the map 0 px tall (drawn as a blank 300 px canvas).
    const el = h('div', { class: 'plan-map', 'data-testid': 'plan-map', style: 'position:absolute;inset:0' });
    const sw = (style: string) => h('span', { class: 'lg-dot', style });
    const lg = h(
      'ul',
      { class: 'plan-legend', 'data-testid': 'plan-legend' },
      h('li', {}, h('span', { class: 'lg-line' }), h('span', { i18n: 'plan.legend.flow' })),
      h('li', {}, h('span', { class: 'lg-line lg-late' }), h('span', { i18n: 'plan.legend.late' })),
      h('li', {}, sw(`background:${PLAN_COLORS.depot}`), h('span', { i18n: 'plan.legend.depot' })),
      h('li', {}, sw(`background:${PLAN_COLORS.area}`), h('span', { i18n: 'plan.legend.area' })),
      h('li', {}, sw(`background:#fff;border-color:${PLAN_COLORS.unreachable}`), h('span', { i18n: 'plan.legend.unreachable' })),
      h('li', { 'data-testid': 'plan-legend-blocked' }, h('span', { class: 'swatch swatch-blocked', style: 'width:14px;height:12px;display:inline-block;border-radius:2px' }), h('span', { i18n: 'plan.legend.blocked' })),
    );
    const card = h('section', { class: 'card plan-map-card' }, h('div', { class: 'plan-map-wrap' }, el, lg));
    queueMicrotask(() => startMap(el));
    return card;
  };

  let pointsPromise: Promise<{ depots: Map<number, [number, number]>; counties: GeoJSON.FeatureCollection | null }> | null = null;
  /** Where the map drew the depots and areas, to draw the flows again after an edit. */
  let mapPoints: { depots: Map<number, [number, number]>; areas: Map<string, [number, number]> } | null = null;
  const refreshMap = () => {
    if (map && plan && mapPoints) setPlanData(map, planCollections(plan, mapPoints.depots, mapPoints.areas));
  };

  const startMap = (el: HTMLElement) => {
    if (!plan || map) return;
    map = createMap(el);
    window.jiuzaiMap = map;
    const m = map;
    const ready = new Promise<void>((r) => (m.loaded() ? r() : m.once('load', () => r())));
    void Promise.all([pointsPromise!, ready]).then(([pts]) => {
      if (signal.aborted || !plan) return;
      const areaPts = new Map<string, [number, number]>();
      for (const a of areas.values()) if (typeof a.lon === 'number' && typeof a.lat === 'number') areaPts.set(a.code, [a.lon, a.lat]);
      // Depots without a point of their own sit at their area.
      const depotPts = new Map(pts.depots);
      for (const d of depots.values()) if (!depotPts.has(d.id) && areaPts.has(d.area_code)) depotPts.set(d.id, areaPts.get(d.area_code)!);
      mapPoints = { depots: depotPts, areas: areaPts };
      const data = planCollections(plan, depotPts, areaPts);
      addPlanLayers(m, pts.counties, data);
      // The event's blocked zones, above the counties and below the flows.
      setBlockageData(m, zones);
      for (const lid of [BLOCK_LAYERS.fill, BLOCK_LAYERS.hatch, BLOCK_LAYERS.halo, BLOCK_LAYERS.line]) if (m.getLayer(PLAN_LAYERS.flows)) m.moveLayer(lid, PLAN_LAYERS.flows);
      const coords = [...data.flows.features.flatMap((f) => f.geometry.coordinates), ...data.areas.features.map((f) => f.geometry.coordinates)];
      if (coords.length) {
        const xs = coords.map((c) => c[0]);
        const ys = coords.map((c) => c[1]);
        m.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 50, duration: 0, maxZoom: 11 });
      }
      m.once('idle', () => {
        if (signal.aborted) return;
        document.body.dataset.planMapLoaded = String(data.flows.features.length);
        document.body.dataset.planBlockages = zones.map((z) => String(z.id ?? (z.properties as Record<string, unknown>)?.id)).join(',');
      });
    });
    const row = (k: MsgKey, v: string) => h('div', { class: 'popup-row' }, h('dt', { i18n: k }), h('dd', {}, v));
    m.on('click', (e) => {
      const lang = getLang();
      const hit = m.queryRenderedFeatures([[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]], {
        layers: [PLAN_LAYERS.depots, PLAN_LAYERS.areas, PLAN_LAYERS.late, PLAN_LAYERS.flows].filter((l) => m.getLayer(l)),
      })[0];
      popup?.remove();
      if (!hit || !plan) return;
      const pr = hit.properties as Record<string, unknown>;
      let body: HTMLElement;
      if (hit.layer.id === PLAN_LAYERS.depots) {
        const did = Number(pr.id);
        const q = (plan.lines ?? []).filter((l) => l.depot_id === did).reduce((s, l) => s + l.quantity, 0);
        body = h('div', { class: 'area-popup', 'data-testid': 'plan-popup' }, h('h3', {}, depotName(did)), h('dl', {}, row('plan.quantity', formatInteger(q, lang))));
      } else if (hit.layer.id === PLAN_LAYERS.areas) {
        const code = String(pr.code);
        const fills = (plan.areas ?? []).filter((a) => a.area_code === code);
        const dem = fills.reduce((s, a) => s + a.demand, 0);
        const al = fills.reduce((s, a) => s + a.allocated, 0);
        body = h(
          'div',
          { class: 'area-popup', 'data-testid': 'plan-popup' },
          h('h3', {}, areaName(code)),
          h('dl', {}, row('plan.demand', formatInteger(dem, lang)), row('plan.allocated', formatInteger(al, lang)), row('plan.fill', fillPercent(dem ? al / dem : null))),
          String(pr.unreachable) === 'true' ? h('p', { class: 'text-danger', i18n: 'plan.unreachable' }) : '',
        );
      } else {
        const did = Number(pr.depot);
        const code = String(pr.area);
        const ls = (plan.lines ?? []).filter((l) => l.depot_id === did && l.area_code === code);
        body = h(
          'div',
          { class: 'area-popup', 'data-testid': 'plan-popup' },
          h('h3', {}, `${depotName(did)} → ${areaName(code)}`),
          h('dl', {}, ...ls.map((l) => h('div', { class: 'popup-row' }, h('dt', {}, itemName(l.item)), h('dd', { class: l.late ? 'text-danger' : undefined }, `${formatInteger(l.quantity, lang)} · ${formatMinutes(l.travel_minutes, lang)}`)))),
        );
      }
      popup = new maplibregl.Popup({ maxWidth: '320px', offset: 8 }).setLngLat(e.lngLat).setDOMContent(body).addTo(m);
    });
  };

  const load = async () => {
    try {
      const [p, s] = await Promise.all([plansApi.get(id, { signal }), plansApi.shipments({ plan_id: id }, { signal }).catch(() => [] as Shipment[])]);
      // The event's blocked zones: for the map and the stale-draft warning (none when they cannot be read).
      const fc = await plansApi.blockages(p.event_id, { signal }).catch(() => null);
      if (signal.aborted) return;
      zones = fc?.features ?? [];
      if (map && map.getLayer(BLOCK_LAYERS.fill)) setBlockageData(map, zones);
      plan = p;
      shipments = s;
      render();
    } catch (err) {
      if (isAbort(err)) return;
      inner.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  const boot = async () => {
    // Lines go to townships, or to a county where no township of it reported.
    const [dir, ars, cs, its] = await Promise.all([
      stockApi.directory({ signal }).catch(() => [] as DepotEntry[]),
      disasterApi.areas({ level: 'township' }, { signal }).catch(() => [] as AreaRow[]),
      disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
      stockApi.items({ signal }).catch(() => [] as Item[]),
    ]);
    depots = new Map(dir.map((d) => [d.id, d]));
    areas = new Map([...cs, ...ars].map((a) => [a.code, a]));
    items = new Map(its.map((i) => [i.code, i]));
    pointsPromise = Promise.all([
      plansApi.depotPoints({ signal }).catch(() => ({ features: [] })),
      import('../api').then(({ api }) => api.get<GeoJSON.FeatureCollection>('/map/areas.geojson', { query: { level: 'county' }, signal })).catch(() => null),
    ]).then(([dp, counties]) => ({ depots: new Map(dp.features.map((f) => [Number(f.properties.id), f.geometry.coordinates])), counties }));
    await load();
  };
  void boot();

  ctx.onLang(render);
  ctx.defer(() => {
    clearPrintSheets();
    popup?.remove();
    map?.remove();
    if (window.jiuzaiMap === map) delete window.jiuzaiMap;
    delete document.body.dataset.planMapLoaded;
    delete document.body.dataset.planBlockages;
  });
}
