// Shipments: a depot keeper's approved plan parts to dispatch ("发运") and outgoing shipments;
// managers' and reporters' incoming shipments with a receive form (prefilled with the shipped
// amounts, a signer and optional photos); a receipt and its photos sent without a network wait in
// the outbox.
import { confirmAction } from '../confirm';
import { disasterApi, type AreaRow } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatInteger } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import { newUuid } from '../idempotency';
import { labelText } from '../outbox';
import { QUEUED, sendOrQueue } from '../outboxsync';
import { dispatchSummary } from '../planlines';
import { clearPrintSheets } from '../print';
import { photoPicker, sendChosen, type PhotoPicker } from '../photopicker';
import { photoStrip } from '../photos';
import { plansApi, receiveErrors, type Plan, type PlanRow, type Shipment } from '../plans';
import type { ScreenContext } from '../screen';
import { stockApi, type DepotEntry, type Item } from '../stock';
import { toast } from '../toast';
import { statusBlock } from '../widgets';
import { dispatchSummaryView, listText, printPickLists, type LineLabels } from './planlines';
import { printWaybills, transportErrors, transportText } from './waybill';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const keeper = user.role === 'depot_staff';
  const myDepots = (user.depot_ids ?? []) as number[];
  const canReceive = user.role === 'manager' || user.role === 'reporter';
  const canDispatch = keeper || user.role === 'manager';
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page shipments-page', 'data-testid': 'shipments-screen' }, inner);
  root.append(page);
  inner.append(statusBlock(t('map.loading')));

  let plans: Plan[] = [];
  let shipments: Shipment[] = [];
  let depots = new Map<number, DepotEntry>();
  let areas = new Map<string, AreaRow>();
  let items = new Map<string, Item>();
  let version = 0;
  // Made once per shipment on this screen: a re-render (a reload, a language switch) keeps the
  // chosen photos and does not fetch the received ones again.
  const pickers = new Map<number, PhotoPicker>();
  const strips = new Map<number, HTMLElement>();
  const pickerOf = (id: number) => {
    let picker = pickers.get(id);
    if (!picker) {
      picker = photoPicker(ctx, `receipt-photos-${id}`, { title: 'photos.receiptTitle', hint: 'photos.receiptHint' });
      pickers.set(id, picker);
    }
    return picker;
  };
  const stripOf = (id: number) => {
    let strip = strips.get(id);
    if (!strip) {
      const source = { list: (o: { signal?: AbortSignal }) => plansApi.receiptPhotos(id, o), imagePath: (p: number) => `/shipments/${id}/photos/${p}`, testid: `receipt-photos-${id}-shown` };
      strip = photoStrip(source, (n) => t('photos.receiptAlt', { id, n }), signal);
      strips.set(id, strip);
    }
    return strip;
  };
  const depotName = (d: number) => depots.get(d)?.name ?? `#${d}`;
  const areaName = (c: string) => areas.get(c)?.name ?? c;
  const itemName = (c: string) => {
    const it = items.get(c);
    return it ? (getLang() === 'zh' ? it.name_zh : it.name_en) : c;
  };
  const labels: LineLabels = { depot: depotName, area: areaName, item: itemName, unit: (c) => items.get(c)?.unit ?? '' };

  /** Depots of a plan this user ships from that have not shipped yet. */
  const pendingParts = (p: Plan) => {
    const shipped = new Set(shipments.filter((s) => s.plan_id === p.id).map((s) => s.depot_id));
    const ids = [...new Set((p.lines ?? []).map((l) => l.depot_id))].filter((d) => !shipped.has(d) && (!keeper || myDepots.includes(d)));
    return ids.map((d) => {
      const ls = (p.lines ?? []).filter((l) => l.depot_id === d);
      return { depot: d, lines: ls.length, quantity: ls.reduce((s, l) => s + l.quantity, 0) };
    });
  };

  /** Dispatches the pending depots' parts after the user has seen what they send; a keeper names their depots. */
  const dispatch = async (p: Plan, pending: number[], btn: HTMLButtonElement, err: HTMLElement) => {
    const ok = await confirmAction({
      title: t('confirm.dispatch', { id: p.id }),
      body: [h('p', {}, t('confirm.dispatchFrom', { depots: listText(pending.map(depotName)) })), ...dispatchSummaryView(dispatchSummary(p.lines, pending), labels)],
      confirmKey: 'plan.action.dispatch',
    });
    if (!ok) return;
    const depotIds = keeper ? pending : null;
    btn.disabled = true;
    err.hidden = true;
    try {
      await plansApi.action(p.id, 'dispatch', depotIds ? { depot_ids: depotIds } : {}, { signal });
      toast(t('plan.done.dispatch'));
      await load();
    } catch (e) {
      if (isAbort(e)) return;
      err.hidden = false;
      err.textContent = errorText(e);
      btn.disabled = false;
    }
  };

  const shipmentCard = (s: Shipment, incoming: boolean) => {
    const lang = getLang();
    const open = incoming && canReceive && s.status === 'in_transit';
    const inputs = s.lines.map((l) =>
      h('input', { type: 'number', class: 'input', min: 0, max: l.quantity, step: 1, value: String(l.quantity), 'data-testid': `receive-${s.id}-${l.item}` }),
    );
    const err = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `receive-error-${s.id}` });
    const signer = h('input', { type: 'text', class: 'input', maxlength: 50, 'data-testid': `receive-signer-${s.id}`, i18nPlaceholder: 'waybill.signerHint' });
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': `receive-submit-${s.id}`, i18n: 'ship.confirm' });
    const rows = s.lines.map((l, i) =>
      h(
        'tr',
        {},
        h('td', {}, itemName(l.item)),
        h('td', { class: 'num' }, formatInteger(l.quantity, lang)),
        h('td', { class: 'num' }, open ? inputs[i] : l.received === null ? '—' : formatInteger(l.received, lang)),
      ),
    );
    const table = h(
      'table',
      { class: 'data-table compact' },
      h('thead', {}, h('tr', {}, h('th', { i18n: 'plan.item' }), h('th', { class: 'num', i18n: 'ship.shipped' }), h('th', { class: 'num', i18n: 'ship.received' }))),
      h('tbody', {}, ...rows),
    );
    const signed = s.received_signer ? h('p', { class: 'muted', 'data-testid': `receive-signed-${s.id}` }, t('common.labelled', { label: t('waybill.signer'), value: s.received_signer })) : '';
    const picker = open ? pickerOf(s.id) : null;
    const form = h(
      'form',
      { class: 'ship-receive', 'data-testid': `receive-form-${s.id}` },
      table,
      picker ? picker.node : '',
      open ? h('div', { class: 'form-actions' }, h('label', { class: 'inline-field' }, h('span', { i18n: 'waybill.signer' }), signer), confirm) : signed,
      s.status === 'received' ? stripOf(s.id) : '',
      err,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const bad = receiveErrors(s.lines.map((l, i) => ({ quantity: l.quantity, value: inputs[i].value })));
      inputs.forEach((inp, i) => inp.classList.toggle('invalid', bad.includes(i)));
      signer.classList.toggle('invalid', !signer.value.trim());
      if (bad.length || !signer.value.trim()) {
        err.hidden = false;
        err.textContent = bad.length ? t('ship.invalid') : t('waybill.signerRequired');
        return;
      }
      confirm.disabled = true;
      try {
        const write = plansApi.receiveWrite(s.id, s.lines.map((l, i) => ({ item: l.item, quantity: Number(inputs[i].value) })), signer.value.trim(), newUuid());
        const queued = (await sendOrQueue<Shipment>(write, signal)) === QUEUED;
        if (picker) {
          await sendChosen(picker, async (photo) => {
            const label = { key: 'outbox.kind.receiptPhoto', params: { id: s.id, name: photo.name } } as const;
            return (await sendOrQueue(plansApi.receiptPhotoWrite(s.id, photo.blob, newUuid(), label), signal)) !== QUEUED;
          });
        }
        if (queued) return void toast(t('outbox.queued', { what: labelText(write.label) }));
        toast(t('ship.done', { id: s.id }));
        await load();
      } catch (e) {
        if (isAbort(e)) return;
        err.hidden = false;
        err.textContent = errorText(e);
        confirm.disabled = false;
      }
    });
    return h(
      'article',
      { class: 'ship-card', 'data-testid': `shipment-${s.id}`, 'data-status': s.status, 'data-plan': String(s.plan_id) },
      h(
        'header',
        {},
        h('strong', {}, `#${s.id}`),
        h('span', {}, `${depotName(s.depot_id)} → ${areaName(s.area_code)}`),
        h('a', { href: `#/plans/${s.plan_id}`, class: 'link' }, t('plan.heading', { id: s.plan_id })),
        h('span', { class: `badge ${s.status === 'received' ? 'badge-ok' : 'badge-info'}`, 'data-testid': `shipment-status-${s.id}`, i18n: `ship.status.${s.status}` as MsgKey }),
        h('span', { class: 'muted' }, `${t('ship.dispatchedAt')} ${formatDateTime(s.dispatched_at, lang)}`),
        s.received_at ? h('span', { class: 'muted' }, `${t('ship.receivedAt')} ${formatDateTime(s.received_at, lang)}`) : '',
        s.vehicle_plate ? h('span', { class: 'muted', 'data-testid': `shipment-transport-${s.id}` }, transportText(s)) : '',
        h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `waybill-${s.id}`, onclick: () => printWaybills([s], labels) }, t('waybill.print')),
      ),
      canDispatch && s.status === 'in_transit' ? transportForm(s) : '',
      open || s.status === 'received' || !incoming ? form : '',
    );
  };

  /** The vehicle and driver of a shipment on the road (keepers and managers). */
  const transportForm = (s: Shipment) => {
    const field = (key: MsgKey, value: string | null | undefined, testid: string, type = 'text') =>
      h('input', { type, class: 'input', value: value ?? '', maxlength: 50, 'data-testid': `${testid}-${s.id}`, i18nPlaceholder: key });
    const plate = field('waybill.vehicle', s.vehicle_plate, 'transport-plate');
    const driver = field('waybill.driverName', s.driver_name, 'transport-driver');
    const phone = field('waybill.driverPhone', s.driver_phone, 'transport-phone', 'tel');
    const err = h('div', { class: 'form-error', role: 'alert', hidden: true });
    const save = h('button', { type: 'submit', class: 'btn btn-outline btn-small', 'data-testid': `transport-save-${s.id}`, i18n: 'waybill.save' });
    const form = h('form', { class: 'ship-transport', 'data-testid': `transport-form-${s.id}` }, plate, driver, phone, save, err);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const bad = transportErrors(plate.value, driver.value, phone.value);
      plate.classList.toggle('invalid', bad.includes('vehicle_plate'));
      driver.classList.toggle('invalid', bad.includes('driver_name'));
      phone.classList.toggle('invalid', bad.includes('driver_phone'));
      if (bad.length) {
        err.hidden = false;
        err.textContent = t('waybill.invalid');
        return;
      }
      save.disabled = true;
      try {
        await plansApi.transport(s.id, { vehicle_plate: plate.value.trim(), driver_name: driver.value.trim(), driver_phone: phone.value.trim() }, { signal });
        toast(t('waybill.saved', { id: s.id }));
        await load();
      } catch (e) {
        if (isAbort(e)) return;
        err.hidden = false;
        err.textContent = errorText(e);
        save.disabled = false;
      }
    });
    return form;
  };

  const card = (titleKey: MsgKey, testid: string, ...body: Node[]) =>
    h('section', { class: 'card', 'data-testid': testid }, h('div', { class: 'card-head' }, h('h2', { i18n: titleKey })), h('div', { class: 'card-body' }, ...body));

  const render = () => {
    const lang = getLang();
    const blocks: Node[] = [h('div', { class: 'page-title' }, h('h1', { i18n: 'ship.title' }))];
    if (canDispatch) {
      const parts: Node[] = [];
      for (const p of plans.filter((x) => x.status === 'approved' || x.status === 'dispatched')) {
        const pending = pendingParts(p);
        if (!pending.length) continue;
        const err = h('div', { class: 'form-error', role: 'alert', hidden: true });
        const btn = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': `dispatch-${p.id}`, i18n: 'plan.action.dispatch' });
        btn.addEventListener('click', () => void dispatch(p, pending.map((x) => x.depot), btn, err));
        // The keeper picks the goods before dispatching them.
        const picks = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `pick-lists-${p.id}`, onclick: () => printPickLists(p, pending.map((x) => x.depot), labels) }, t('lines.printPick'));
        const q = pending.reduce((s, x) => s + x.quantity, 0);
        const n = pending.reduce((s, x) => s + x.lines, 0);
        parts.push(
          h(
            'div',
            { class: 'ship-card', 'data-testid': `to-dispatch-${p.id}` },
            h('header', {}, h('a', { href: `#/plans/${p.id}`, class: 'link strong' }, t('plan.heading', { id: p.id })), h('span', {}, listText(pending.map((x) => depotName(x.depot)))), h('span', { class: 'muted' }, t('ship.partFor', { id: p.id, n: formatInteger(n, lang), q: formatInteger(q, lang) })), picks, btn),
            err,
          ),
        );
      }
      blocks.push(card('ship.toDispatch', 'to-dispatch', ...(parts.length ? parts : [h('p', { class: 'muted', i18n: 'ship.noneToDispatch' })])));
    }
    const outgoing = keeper ? shipments.filter((s) => myDepots.includes(s.depot_id)) : [];
    const incoming = keeper ? [] : shipments;
    if (keeper) blocks.push(card('ship.outgoing', 'outgoing', ...(outgoing.length ? outgoing.map((s) => shipmentCard(s, false)) : [h('p', { class: 'muted', i18n: 'ship.none' })])));
    else {
      const sorted = [...incoming].sort((a, b) => (a.status === b.status ? b.id - a.id : a.status === 'in_transit' ? -1 : 1));
      blocks.push(card('ship.incoming', 'incoming', ...(sorted.length ? sorted.slice(0, 100).map((s) => shipmentCard(s, true)) : [h('p', { class: 'muted', i18n: 'ship.none' })])));
    }
    inner.replaceChildren(...blocks);
    page.dataset.version = String(++version);
    page.dataset.ready = 'true';
  };

  const load = async () => {
    try {
      const [pl, sh] = await Promise.all([
        canDispatch ? plansApi.list({}, { signal }).catch(() => [] as PlanRow[]) : Promise.resolve([] as PlanRow[]),
        keeper ? Promise.all(myDepots.map((d) => plansApi.shipments({ depot_id: d }, { signal }))).then((x) => x.flat()) : plansApi.shipments({}, { signal }),
      ]);
      // The list carries no lines: fetch the approved plans in full to know their depots.
      const open = pl.filter((p) => p.status === 'approved' || p.status === 'dispatched');
      plans = await Promise.all(open.map((p) => plansApi.get(p.id, { signal })));
      shipments = sh;
      render();
    } catch (e) {
      if (isAbort(e)) return;
      inner.replaceChildren(statusBlock(errorText(e), true, () => void load(), t('map.retry')));
    }
  };

  void (async () => {
    const [dir, ars, cs, its] = await Promise.all([
      stockApi.directory({ signal }).catch(() => [] as DepotEntry[]),
      disasterApi.areas({ level: 'township' }, { signal }).catch(() => [] as AreaRow[]),
      disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
      stockApi.items({ signal }).catch(() => [] as Item[]),
    ]);
    depots = new Map(dir.map((d) => [d.id, d]));
    areas = new Map([...cs, ...ars].map((a) => [a.code, a]));
    items = new Map(its.map((i) => [i.code, i]));
    await load();
  })();
  ctx.onLang(render);
  ctx.defer(clearPrintSheets);
}
