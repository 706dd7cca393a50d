// One of the four movement forms (receipt, issue, transfer, adjustment): checked with the
// server's rules before it is sent, posted with an Idempotency-Key, and the server's 422 and 409
// reasons shown beside their fields. A receipt or an issue made without a network waits in the
// outbox (a keeper at a depot with a weak network); a transfer or an adjustment needs the network.
import { shanghaiDate } from '../../dates';
import { h } from '../../dom';
import { ApiError, errorText, isAbort, serverFieldErrors } from '../../errors';
import { formatDate, formatQuantity, formatSigned, unitLabel } from '../../format';
import { formErrors } from '../../formerrors';
import { getLang, t, type MsgKey } from '../../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../../idempotency';
import { labelText, type WriteLabel } from '../../outbox';
import { QUEUED, sendOrQueue, sendWrite } from '../../outboxsync';
import type { ScreenContext } from '../../screen';
import { stockApi, TIER_ORDER, type Movement } from '../../stock';
import {
  ADJUST_REASONS,
  conflictAvailable,
  emptyInput,
  MAX_LOT,
  MAX_NOTE,
  movementField,
  SOURCES,
  validateMovement,
  type MovementField,
  type MovementInput,
  type MovementKind,
} from '../../stockrules';
import { toast } from '../../toast';
import { depotName, nameOf, unitOf, type DepotState } from './state';

export interface MovementForm {
  node: HTMLFormElement;
  /** Refill the item, lot and destination choices from the state (after a load or a change). */
  refreshOptions(): void;
}

export function movementForm(ctx: ScreenContext, state: DepotState, kind: MovementKind, refreshAfterChange: (withTransfers: boolean) => Promise<void>): MovementForm {
  const { signal } = ctx;
  const { depotId } = state;
  let pending: PendingSubmission | null = null;
  let busy = false;
  const fid = (f: string) => `${kind}-${f}`;
  const selectedStock = (code: string) => state.stock.find((r) => r.item === code);

  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': `${kind}-form-error`, hidden: true });
  const errors = formErrors<MovementField>(formError);
  const field = (name: MovementField, labelKey: MsgKey, control: HTMLElement, hint?: HTMLElement) => {
    control.id = fid(name);
    control.dataset.testid = fid(name);
    control.setAttribute('name', name);
    const error = h('div', { class: 'field-error', id: fid(`${name}-error`), 'data-testid': `${kind}-error-${name}`, hidden: true });
    control.setAttribute('aria-describedby', error.id);
    const wrap = h('div', { class: `field field-${name}` }, h('label', { for: control.id, i18n: labelKey }), control, hint ?? '', error);
    errors.fields.set(name, { wrap, error, control });
    return wrap;
  };

  const itemSelect = h('select', { class: 'select' });
  const quantity = h('input', {
    type: 'text',
    class: 'input',
    inputmode: kind === 'adjustment' ? 'text' : 'numeric',
    autocomplete: 'off',
    i18nPlaceholder: 'form.quantityPlaceholder',
  });
  const availHint = h('div', { class: 'field-hint', 'data-testid': `${kind}-available` });
  const note = h('input', { type: 'text', class: 'input', maxlength: MAX_NOTE, autocomplete: 'off' });

  // kind-specific controls
  let lotInput: HTMLInputElement | null = null;
  let lotSelect: HTMLSelectElement | null = null;
  let lotList: HTMLDataListElement | null = null;
  let expires: HTMLInputElement | null = null;
  let source: HTMLSelectElement | null = null;
  let donor: HTMLInputElement | null = null;
  let donorWrap: HTMLElement | null = null;
  let toDepot: HTMLSelectElement | null = null;
  let reason: HTMLSelectElement | null = null;

  const fields: HTMLElement[] = [field('item', 'form.item', itemSelect), field('quantity', kind === 'adjustment' ? 'form.quantitySigned' : 'form.quantity', quantity, availHint)];
  if (kind === 'receipt') {
    lotInput = h('input', { type: 'text', class: 'input', maxlength: MAX_LOT, autocomplete: 'off', i18nPlaceholder: 'form.lotAuto' });
    expires = h('input', { type: 'date', class: 'input' });
    source = h(
      'select',
      { class: 'select' },
      h('option', { value: '', i18n: 'form.sourcePlaceholder' }),
      ...SOURCES.map((s) => h('option', { value: s, i18n: `source.${s}` as MsgKey })),
    );
    donor = h('input', { type: 'text', class: 'input', maxlength: 200, autocomplete: 'off' });
    donorWrap = field('donor', 'form.donor', donor);
    donorWrap.hidden = true;
    source.addEventListener('change', () => {
      donorWrap!.hidden = source!.value !== 'donated';
    });
    fields.push(
      h('div', { class: 'field-row' }, field('lot', 'form.lot', lotInput), field('expires_on', 'form.expiresOn', expires, h('div', { class: 'field-hint', i18n: 'form.expiresHint' }))),
      field('source', 'form.source', source),
      donorWrap,
    );
  } else if (kind === 'issue' || kind === 'transfer') {
    if (kind === 'transfer') {
      // Destinations come from the depot directory, which every role may read.
      toDepot = h('select', { class: 'select' });
      fields.push(field('to_depot', 'form.toDepot', toDepot));
    }
    lotSelect = h('select', { class: 'select' });
    fields.push(field('lot', 'form.lot', lotSelect));
  } else {
    reason = h(
      'select',
      { class: 'select' },
      h('option', { value: '', i18n: 'form.reasonPlaceholder' }),
      ...ADJUST_REASONS.map((r) => h('option', { value: r, i18n: `reason.${r}` as MsgKey })),
    );
    lotList = h('datalist', { id: fid('lots') });
    lotInput = h('input', { type: 'text', class: 'input', maxlength: MAX_LOT, autocomplete: 'off', list: lotList.id, i18nPlaceholder: 'form.lotAdjust' });
    fields.push(field('reason', 'form.reason', reason), field('lot', 'form.lot', lotInput), lotList);
  }
  fields.push(field('note', 'form.note', note));

  const submitKey: MsgKey = kind === 'receipt' ? 'form.submitReceipt' : kind === 'issue' ? 'form.submitIssue' : kind === 'transfer' ? 'form.submitTransfer' : 'form.submitAdjustment';
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${kind}-submit`, i18n: submitKey });
  const form = h(
    'form',
    { class: 'movement-form', 'data-testid': `form-${kind}`, 'data-kind': kind, novalidate: true, hidden: kind !== 'receipt' },
    kind === 'transfer' ? h('p', { class: 'form-note muted', i18n: 'form.transferHint' }) : '',
    ...fields,
    formError,
    h('div', { class: 'form-actions' }, submit),
  );

  const updateAvailable = () => {
    const row = selectedStock(itemSelect.value);
    const lang = getLang();
    availHint.textContent =
      row && kind !== 'receipt'
        ? t('form.available', { available: formatQuantity(row.available, row.unit, lang), onHand: formatQuantity(row.on_hand, row.unit, lang) })
        : '';
    availHint.hidden = !availHint.textContent;
  };

  const fillLots = () => {
    const row = selectedStock(itemSelect.value);
    const lang = getLang();
    if (lotSelect) {
      const keep = lotSelect.value;
      lotSelect.replaceChildren(
        h('option', { value: '', i18n: 'form.lotFefo' }),
        ...(row?.lots ?? []).map((l) =>
          h('option', { value: l.lot }, t('form.lotOption', { lot: l.lot, qty: formatQuantity(l.quantity, row!.unit, lang), expiry: l.expires_on ? formatDate(l.expires_on) : t('stock.noExpiry') })),
        ),
      );
      lotSelect.value = (row?.lots ?? []).some((l) => l.lot === keep) ? keep : '';
    }
    if (lotList) lotList.replaceChildren(...(row?.lots ?? []).map((l) => h('option', { value: l.lot })));
  };

  const fillItems = () => {
    const keep = itemSelect.value;
    const lang = getLang();
    // Receipts and adjustments may name any catalogue item; issues and transfers only what is held.
    const codes = kind === 'receipt' || kind === 'adjustment' ? state.items.map((i) => i.code) : state.stock.filter((r) => r.on_hand > 0).map((r) => r.item);
    const label = (code: string) => t('form.itemOption', { name: nameOf(state, code), unit: unitLabel(unitOf(state, code), lang) });
    const byCat = new Map<string, string[]>();
    for (const code of codes) {
      const cat = state.itemByCode.get(code)?.category ?? 'other';
      if (!byCat.has(cat)) byCat.set(cat, []);
      byCat.get(cat)!.push(code);
    }
    const groups = [...byCat.entries()].map(([cat, list]) =>
      h('optgroup', { label: t(`category.${cat}` as MsgKey) }, ...list.map((code) => h('option', { value: code }, label(code)))),
    );
    itemSelect.replaceChildren(h('option', { value: '', i18n: 'form.itemPlaceholder' }), ...groups);
    itemSelect.value = codes.includes(keep) ? keep : '';
  };

  const fillDepots = () => {
    if (!toDepot) return;
    const keep = toDepot.value;
    const others = state.depots.filter((d) => d.id !== depotId && d.status === 'active').sort((a, b) => (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.id - b.id);
    toDepot.replaceChildren(
      h('option', { value: '', i18n: 'form.toDepotPlaceholder' }),
      ...others.map((d) => h('option', { value: String(d.id) }, t('form.itemOption', { name: d.name, unit: TIER_ORDER[d.tier] !== undefined ? t(`tier.${d.tier}` as MsgKey) : d.tier }))),
    );
    toDepot.value = others.some((d) => String(d.id) === keep) ? keep : '';
  };

  const refreshOptions = () => {
    fillItems();
    fillLots();
    fillDepots();
    updateAvailable();
    errors.render();
  };

  itemSelect.addEventListener('change', () => {
    fillLots();
    updateAvailable();
  });
  for (const [name, node] of errors.fields) {
    const ev = node.control.tagName === 'SELECT' || (node.control as HTMLInputElement).type === 'date' ? 'change' : 'input';
    node.control.addEventListener(ev, () => errors.dismiss(name));
  }

  const readInput = (): MovementInput => ({
    ...emptyInput(kind),
    item: itemSelect.value,
    quantity: quantity.value,
    lot: lotInput?.value ?? lotSelect?.value ?? '',
    expires_on: expires?.value ?? '',
    source: source?.value ?? '',
    donor: donor?.value ?? '',
    to_depot: toDepot?.value ?? '',
    reason: reason?.value ?? '',
    note: note.value,
  });

  const resetAfterSuccess = () => {
    quantity.value = '';
    note.value = '';
    if (lotInput) lotInput.value = '';
    if (lotSelect) lotSelect.value = '';
    if (expires) expires.value = '';
    if (donor && source?.value !== 'donated') donor.value = '';
  };

  const toastFor = (m: Movement) => {
    const lang = getLang();
    const unit = unitOf(state, m.item);
    const name = nameOf(state, m.item);
    switch (kind) {
      case 'receipt':
        return t('toast.receipt', { qty: formatQuantity(m.quantity, unit, lang), name, lot: m.lines?.map((l) => l.lot).join('、') || '—' });
      case 'issue':
        return t('toast.issue', { qty: formatQuantity(m.quantity, unit, lang), name });
      case 'transfer':
        return t('toast.transfer', { qty: formatQuantity(m.quantity, unit, lang), name, to: depotName(state, m.to_depot) });
      default:
        return t('toast.adjustment', { qty: formatSigned(m.quantity, lang), name });
    }
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const v = validateMovement(readInput(), { today: shanghaiDate(), depotId, items: new Set(state.items.map((i) => i.code)) });
    errors.clear();
    if (!v.body) {
      for (const [name, key] of Object.entries(v.errors)) errors.byField.set(name as MovementField, { key: key as MsgKey });
      errors.form = { key: 'form.fixErrors' };
      errors.render();
      errors.firstInvalid()?.focus();
      return;
    }
    errors.render();
    const body = v.body;
    pending = keyForSubmission(pending, JSON.stringify(body), newUuid);
    busy = true;
    submit.disabled = true;
    submit.dataset.i18n = 'form.submitting';
    submit.textContent = t('form.submitting');
    form.setAttribute('aria-busy', 'true');
    const what = `${formatQuantity(body.quantity, unitOf(state, body.item), getLang())} ${nameOf(state, body.item)}`;
    const label: WriteLabel = { key: 'outbox.kind.movement', params: { depot: depotName(state, depotId), what }, terms: { kind: `kind.${kind}` } };
    const write = stockApi.movementWrite(depotId, body, pending.key, label);
    try {
      const m = kind === 'receipt' || kind === 'issue' ? await sendOrQueue<Movement>(write, signal) : await sendWrite<Movement>(write, signal);
      pending = null;
      if (m === QUEUED) {
        resetAfterSuccess();
        toast(t('outbox.queued', { what: labelText(label) }));
        return;
      }
      if (signal.aborted) return;
      resetAfterSuccess();
      if (kind === 'transfer') {
        await refreshAfterChange(true);
        if (!signal.aborted) toast(toastFor(m));
      } else {
        toast(toastFor(m));
        await refreshAfterChange(false);
      }
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      const status = err instanceof ApiError ? err.status : 0;
      if (!keepKeyAfter(status)) pending = null;
      if (err instanceof ApiError && err.status === 401) return; // back to the login screen
      if (err instanceof ApiError && err.status === 422) {
        const leftovers: string[] = [];
        for (const d of serverFieldErrors(err.details)) {
          const name = movementField(d.field);
          if (name && errors.fields.has(name) && !errors.fields.get(name)!.wrap.hidden) errors.byField.set(name, { text: d.reason });
          else leftovers.push(d.reason);
        }
        // Reasons shown beside their fields are not repeated above the button.
        errors.form = leftovers.length ? { text: leftovers.join('; ') } : errors.byField.size ? { key: 'form.fixErrors' } : { text: err.message };
      } else if (err instanceof ApiError && err.status === 409) {
        // A stock conflict ({available}) is about the quantity: say so beside that field.
        const available = conflictAvailable(err.details);
        if (available !== null) {
          errors.byField.set('quantity', { key: 'form.notEnough', params: { n: formatQuantity(available, unitOf(state, body.item), getLang()) } });
        } else {
          errors.form = { text: err.message };
        }
        // the stock moved under us: show the current figures
        void refreshAfterChange(false);
      } else if (status === 0 || status >= 500) {
        errors.form = { text: `${errorText(err)} — ${t('form.retryHint')}` };
      } else {
        errors.form = { text: errorText(err) };
      }
      errors.render();
    } finally {
      busy = false;
      submit.disabled = false;
      submit.dataset.i18n = submitKey;
      submit.textContent = t(submitKey);
      form.removeAttribute('aria-busy');
    }
  });

  ctx.onLang(refreshOptions);
  return { node: form, refreshOptions };
}
