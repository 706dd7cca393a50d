// The depot keeper's screen (#/depots/{id}): header, stock with lots and expiry, the four
// movement forms (receipt, issue, transfer, adjustment), transfers to confirm, the ledger
// history and the exports. Managers and auditors open the same screen from the depot list.
import { download } from '../api';
import { daysBetween, shanghaiDate } from '../dates';
import { h } from '../dom';
import { ApiError, errorText, isAbort, serverFieldErrors } from '../errors';
import { formatDate, formatDateTime, formatInteger, formatPercent, formatQuantity, formatSigned, formatVolume, unitLabel } from '../format';
import { getLang, msgText, t, type Msg, type MsgKey } from '../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../idempotency';
import { navigate } from '../router';
import type { ScreenContext } from '../screen';
import { itemName, sortItems, stockApi, TIER_ORDER, type DepotDetail, type DepotEntry, type Item, type Movement, type StockRow, type Transfer } from '../stock';
import {
  ADJUST_REASONS,
  capacityShare,
  conflictAvailable,
  emptyInput,
  expiryStatus,
  EXPIRY_WARN_DAYS,
  MAX_LOT,
  MAX_NOTE,
  MOVEMENT_KINDS,
  movementField,
  netChange,
  readinessColor,
  SOURCES,
  validateMovement,
  type MovementField,
  type MovementInput,
  type MovementKind,
} from '../stockrules';
import { toast } from '../toast';
import { badge, dataTable, shareBar, statusBlock } from '../widgets';

const HISTORY_PAGE = 20;
/** Kinds of ledger entries (a posted transfer is recorded as transfer_out, its receipt as transfer_in). */
const LEDGER_KINDS = ['receipt', 'issue', 'transfer_out', 'transfer_in', 'adjustment', 'dispatch', 'reservation', 'release'] as const;

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const depotId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page depot-page', 'data-testid': 'depot-screen', 'data-depot-id': String(depotId) }, inner);
  root.append(page);

  // Mirrors the server: a depot's keepers and managers (within their area) move stock; admins and auditors read.
  const canWrite = (user.role === 'depot_staff' && (user.depot_ids ?? []).includes(depotId)) || user.role === 'manager';

  // ---- state ---------------------------------------------------------------
  let depot: DepotDetail | null = null;
  let stock: StockRow[] = [];
  let items: Item[] = [];
  let itemByCode = new Map<string, Item>();
  /** Every depot (the directory): names in the ledger and the transfer destinations. */
  let depots: DepotEntry[] = [];
  let transfers: Transfer[] = [];
  let history: Movement[] = [];
  let nextBefore: number | null = null;
  let historyKind = '';
  let historyItem = '';
  let historySeq = 0;

  const unitOf = (code: string) => itemByCode.get(code)?.unit ?? stock.find((r) => r.item === code)?.unit ?? '';
  const nameOf = (code: string) => {
    const lang = getLang();
    return itemName(itemByCode.get(code) ?? stock.find((r) => r.item === code) ?? { code }, lang) || code;
  };
  const depotName = (depotIdOf: number | null) => {
    if (depotIdOf === null) return '';
    const fromList = depots.find((d) => d.id === depotIdOf)?.name;
    if (fromList) return fromList;
    for (const x of transfers) {
      if (x.to_depot_id === depotIdOf) return x.to_depot_name;
      if (x.from_depot_id === depotIdOf) return x.from_depot_name;
    }
    return `#${depotIdOf}`;
  };

  // ---- header ----------------------------------------------------------------
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

  const renderHeader = () => {
    if (!depot) return;
    const lang = getLang();
    const d = depot;
    const used = capacityShare(d.used_m3, d.capacity_m3);
    const over = used > 1;
    const tierKey = `tier.${d.tier}` as MsgKey;
    const switcher =
      user.role === 'depot_staff' && (user.depot_ids ?? []).length > 1
        ? h(
            'select',
            { class: 'select select-small', 'aria-label': t('depot.switch'), 'data-testid': 'depot-switch', onchange: (e: Event) => navigate(`/depots/${(e.target as HTMLSelectElement).value}`) },
            ...(user.depot_ids ?? []).map((x) => h('option', { value: String(x), selected: x === depotId }, depots.find((dd) => dd.id === x)?.name ?? `#${x}`)),
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
          h('div', { class: 'stat-bar', title: t('depot.readinessHint') }, shareBar(d.readiness, readinessColor(d.readiness))),
          'depot-readiness',
        ),
        stat('depot.stockUnits', formatInteger(d.stock_units, lang), undefined, 'depot-units'),
      ),
      exports,
    );
  };
  ctx.onLang(renderHeader);

  // ---- stock table -------------------------------------------------------------
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
  const stockSection = h(
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

  const lotChip = (lot: { lot: string; quantity: number; expires_on: string | null }, unit: string, today: string) => {
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
  };

  const renderStock = () => {
    const lang = getLang();
    const today = shanghaiDate();
    const order = new Map(items.map((it, i) => [it.code, i]));
    const rows = [...stock].sort((a, b) => (order.get(a.item) ?? 1e9) - (order.get(b.item) ?? 1e9) || a.item.localeCompare(b.item));
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
  ctx.onLang(renderStock);

  // ---- movement forms ------------------------------------------------------------
  const opsBody = h('div', { class: 'ops-body' });
  const opsCard = h('section', { class: 'card ops-card', 'data-testid': 'ops-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'ops.title' })), opsBody);
  const forms: Array<{ refreshOptions(): void }> = [];

  const selectedStock = (code: string) => stock.find((r) => r.item === code);

  function buildForm(kind: MovementKind) {
    const errors = new Map<MovementField, Msg>();
    let formMsg: Msg | null = null;
    let pending: PendingSubmission | null = null;
    let busy = false;
    const fid = (f: string) => `${kind}-${f}`;

    const fieldNodes = new Map<MovementField, { wrap: HTMLElement; error: HTMLElement; control: HTMLElement }>();
    const field = (name: MovementField, labelKey: MsgKey, control: HTMLElement, hint?: HTMLElement) => {
      control.id = fid(name);
      control.dataset.testid = fid(name);
      control.setAttribute('name', name);
      const error = h('div', { class: 'field-error', id: fid(`${name}-error`), 'data-testid': `${kind}-error-${name}`, hidden: true });
      control.setAttribute('aria-describedby', error.id);
      const wrap = h('div', { class: `field field-${name}` }, h('label', { for: control.id, i18n: labelKey }), control, hint ?? '', error);
      fieldNodes.set(name, { wrap, error, control });
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

    const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': `${kind}-form-error`, hidden: true });
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

    const renderErrors = () => {
      for (const [name, node] of fieldNodes) {
        const m = errors.get(name);
        node.error.hidden = !m;
        node.error.textContent = m ? msgText(m) : '';
        node.wrap.classList.toggle('invalid', !!m);
        node.control.setAttribute('aria-invalid', m ? 'true' : 'false');
      }
      formError.hidden = !formMsg;
      formError.textContent = formMsg ? msgText(formMsg) : '';
    };

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
      const codes = kind === 'receipt' || kind === 'adjustment' ? items.map((i) => i.code) : stock.filter((r) => r.on_hand > 0).map((r) => r.item);
      const label = (code: string) => t('form.itemOption', { name: nameOf(code), unit: unitLabel(unitOf(code), lang) });
      const byCat = new Map<string, string[]>();
      for (const code of codes) {
        const cat = itemByCode.get(code)?.category ?? 'other';
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
      const others = depots.filter((d) => d.id !== depotId && d.status === 'active').sort((a, b) => (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.id - b.id);
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
      renderErrors();
    };

    itemSelect.addEventListener('change', () => {
      fillLots();
      updateAvailable();
    });
    // Editing a field clears its error (the server's message would be stale).
    for (const [name, node] of fieldNodes) {
      const ev = node.control.tagName === 'SELECT' || (node.control as HTMLInputElement).type === 'date' ? 'change' : 'input';
      node.control.addEventListener(ev, () => {
        if (errors.delete(name)) renderErrors();
      });
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
      const unit = unitOf(m.item);
      const name = nameOf(m.item);
      switch (kind) {
        case 'receipt':
          return t('toast.receipt', { qty: formatQuantity(m.quantity, unit, lang), name, lot: m.lines?.map((l) => l.lot).join('、') || '—' });
        case 'issue':
          return t('toast.issue', { qty: formatQuantity(m.quantity, unit, lang), name });
        case 'transfer':
          return t('toast.transfer', { qty: formatQuantity(m.quantity, unit, lang), name, to: depotName(m.to_depot) });
        default:
          return t('toast.adjustment', { qty: formatSigned(m.quantity, lang), name });
      }
    };

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (busy) return;
      const v = validateMovement(readInput(), { today: shanghaiDate(), depotId, items: new Set(items.map((i) => i.code)) });
      errors.clear();
      formMsg = null;
      if (!v.body) {
        for (const [name, key] of Object.entries(v.errors)) errors.set(name as MovementField, { key: key as MsgKey });
        formMsg = { key: 'form.fixErrors' };
        renderErrors();
        const first = [...fieldNodes.entries()].find(([name]) => errors.has(name));
        (first?.[1].control as HTMLElement | undefined)?.focus();
        return;
      }
      renderErrors();
      const body = v.body;
      pending = keyForSubmission(pending, JSON.stringify(body), newUuid);
      busy = true;
      submit.disabled = true;
      submit.dataset.i18n = 'form.submitting';
      submit.textContent = t('form.submitting');
      form.setAttribute('aria-busy', 'true');
      try {
        const m = await stockApi.postMovement(depotId, body, pending.key, { signal });
        pending = null;
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
            const field = movementField(d.field);
            if (field && fieldNodes.has(field) && !fieldNodes.get(field)!.wrap.hidden) errors.set(field, { text: d.reason });
            else leftovers.push(d.reason);
          }
          // Reasons shown beside their fields are not repeated above the button.
          formMsg = leftovers.length ? { text: leftovers.join('; ') } : errors.size ? { key: 'form.fixErrors' } : { text: err.message };
        } else if (err instanceof ApiError && err.status === 409) {
          // A stock conflict ({available}) is about the quantity: say so beside that field.
          const available = conflictAvailable(err.details);
          if (available !== null) {
            errors.set('quantity', { key: 'form.notEnough', params: { n: formatQuantity(available, unitOf(body.item), getLang()) } });
          } else {
            formMsg = { text: err.message };
          }
          // the stock moved under us: show the current figures
          void refreshAfterChange(false);
        } else if (status === 0 || status >= 500) {
          formMsg = { text: `${errorText(err)} — ${t('form.retryHint')}` };
        } else {
          formMsg = { text: errorText(err) };
        }
        renderErrors();
      } finally {
        busy = false;
        submit.disabled = false;
        submit.dataset.i18n = submitKey;
        submit.textContent = t(submitKey);
        form.removeAttribute('aria-busy');
      }
    });

    ctx.onLang(refreshOptions);
    forms.push({ refreshOptions });
    return form;
  }

  const buildOps = () => {
    if (!canWrite) {
      opsBody.replaceChildren(h('p', { class: 'muted read-only', 'data-testid': 'ops-readonly', i18n: 'ops.readOnly' }));
      return;
    }
    const formEls = MOVEMENT_KINDS.map((k) => buildForm(k));
    const tabKey: Record<MovementKind, MsgKey> = { receipt: 'ops.tabReceipt', issue: 'ops.tabIssue', transfer: 'ops.tabTransfer', adjustment: 'ops.tabAdjustment' };
    const tabs = MOVEMENT_KINDS.map((k, i) =>
      h('button', {
        type: 'button',
        role: 'tab',
        class: `seg-tab${i === 0 ? ' active' : ''}`,
        'aria-selected': String(i === 0),
        'data-testid': `tab-${k}`,
        i18n: tabKey[k],
      }),
    );
    tabs.forEach((tab, i) =>
      tab.addEventListener('click', () => {
        tabs.forEach((x, j) => {
          x.classList.toggle('active', i === j);
          x.setAttribute('aria-selected', String(i === j));
          formEls[j].hidden = i !== j;
        });
      }),
    );
    opsBody.replaceChildren(h('div', { class: 'seg-tabs', role: 'tablist' }, ...tabs), ...formEls);
    for (const f of forms) f.refreshOptions();
  };

  // ---- transfers in transit ---------------------------------------------------------
  const transfersSection = h('section', { class: 'card transfers-card', 'data-testid': 'transfers' });
  const canReceive = canWrite;

  const renderTransfers = () => {
    const lang = getLang();
    const incoming = transfers.filter((x) => x.to_depot_id === depotId && x.status === 'in_transit');
    const outgoing = transfers.filter((x) => x.from_depot_id === depotId && x.status === 'in_transit');
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
          toast(t('toast.received', { qty: formatQuantity(done.quantity, unitOf(done.item), getLang()), name: nameOf(done.item) }));
          await refreshAfterChange(true);
        } catch (err) {
          if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
          toast(errorText(err), 'error');
          btn.disabled = false;
          btn.dataset.i18n = 'transfers.receive';
          btn.textContent = t('transfers.receive');
          void refreshTransfers();
        }
      });
      return h(
        'tr',
        { 'data-testid': `transfer-${x.id}` },
        h('td', { class: 'mono muted' }, `#${x.id}`),
        h('td', {}, dir === 'in' ? x.from_depot_name : x.to_depot_name),
        h('td', {}, nameOf(x.item)),
        h('td', { class: 'num strong' }, formatQuantity(x.quantity, unitOf(x.item), lang)),
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
    transfersSection.replaceChildren(
      h('div', { class: 'card-head' }, h('h2', { i18n: 'transfers.title' })),
      !incoming.length && !outgoing.length ? h('p', { class: 'muted empty-line', 'data-testid': 'transfers-none', i18n: 'transfers.none' }) : '',
      incoming.length ? table(incoming, 'in', 'transfers.incoming') : '',
      outgoing.length ? table(outgoing, 'out', 'transfers.outgoing') : '',
    );
  };
  ctx.onLang(renderTransfers);

  // ---- history ---------------------------------------------------------------------
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
  const historySection = h(
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
    const codes = [...new Set([...stock.map((r) => r.item), ...items.map((i) => i.code)])];
    itemFilter.replaceChildren(h('option', { value: '', i18n: 'common.all' }), ...codes.map((c) => h('option', { value: c }, nameOf(c))));
    itemFilter.value = codes.includes(keep) ? keep : '';
  };
  ctx.onLang(fillItemFilter);

  const details = (m: Movement): string => {
    const parts: string[] = [];
    if (m.source) parts.push(t(`source.${m.source}` as MsgKey));
    if (m.donor) parts.push(t('history.donor', { donor: m.donor }));
    if (m.to_depot !== null && m.to_depot !== undefined) parts.push(t('history.to', { depot: depotName(m.to_depot) }));
    if (m.transfer_id) parts.push(t('history.transferNo', { id: m.transfer_id }));
    if (m.reference) parts.push(m.reference);
    if (m.reason) parts.push(t(`reason.${m.reason}` as MsgKey));
    if (m.note) parts.push(m.note);
    return parts.join(' · ');
  };
  const kindLabel = (k: string) => {
    const key = `kind.${k}` as MsgKey;
    const s = t(key);
    return s === key ? k : s;
  };

  const renderHistory = () => {
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
            h('td', {}, badge(kindLabel(m.kind), `kind kind-${m.kind}`)),
            h('td', {}, nameOf(m.item)),
            h('td', { class: `num strong ${net > 0 ? 'pos' : net < 0 ? 'neg' : ''}` }, `${formatSigned(net, lang)} ${unitLabel(unitOf(m.item), lang)}`),
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
  ctx.onLang(renderHistory);

  const loadHistory = async (append: boolean) => {
    const seq = ++historySeq;
    moreBtn.disabled = true;
    try {
      const res = await stockApi.movements(
        depotId,
        { kind: historyKind || undefined, item: historyItem || undefined, limit: HISTORY_PAGE, before_id: append ? nextBefore : undefined },
        { signal },
      );
      if (seq !== historySeq || signal.aborted) return;
      history = append ? [...history, ...res.movements] : res.movements;
      nextBefore = res.next_before_id ?? null;
      renderHistory();
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
    void loadHistory(false);
  });
  itemFilter.addEventListener('change', () => {
    historyItem = itemFilter.value;
    void loadHistory(false);
  });
  moreBtn.addEventListener('click', () => void loadHistory(true));

  // ---- loading ------------------------------------------------------------------------
  const refreshTransfers = async () => {
    try {
      transfers = await stockApi.transfers({ depot_id: depotId, status: 'in_transit' }, { signal });
      if (!signal.aborted) renderTransfers();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      transfers = [];
      renderTransfers();
    }
  };

  /** After a movement or a receipt: header figures, stock, forms, history (and transfers). */
  const refreshAfterChange = async (withTransfers: boolean) => {
    try {
      const [d, s] = await Promise.all([stockApi.depot(depotId, { signal }), stockApi.stock(depotId, { signal })]);
      if (signal.aborted) return;
      depot = d;
      stock = s;
      renderHeader();
      renderStock();
      for (const f of forms) f.refreshOptions();
      fillItemFilter();
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    }
    await Promise.all([loadHistory(false), withTransfers ? refreshTransfers() : Promise.resolve()]);
    page.dataset.version = String(Number(page.dataset.version ?? '0') + 1);
  };

  const showProblem = (node: HTMLElement) => inner.replaceChildren(node);

  const load = async () => {
    if (!Number.isInteger(depotId) || depotId <= 0) return showProblem(h('div', { class: 'empty-state' }, h('p', { i18n: 'depot.notFound' })));
    showProblem(statusBlock(t('common.loading')));
    try {
      const [d, s, its] = await Promise.all([stockApi.depot(depotId, { signal }), stockApi.stock(depotId, { signal }), stockApi.items({ signal })]);
      if (signal.aborted) return;
      depot = d;
      stock = s;
      items = sortItems(its);
      itemByCode = new Map(items.map((i) => [i.code, i]));
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
      depots = await stockApi.directory({ signal });
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      depots = [];
    }
    if (signal.aborted) return;

    // Managers and auditors come from the depot list; keepers have only their own depots.
    const crumb = user.role === 'depot_staff' ? '' : h('a', { href: '#/depots', class: 'crumb link', 'data-testid': 'back-to-depots' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'depots.title' }));
    inner.replaceChildren(crumb, header, h('div', { class: `depot-grid${canWrite ? '' : ' read-only-grid'}` }, stockSection, canWrite ? opsCard : ''), transfersSection, historySection);
    renderHeader();
    renderStock();
    buildOps();
    fillItemFilter();
    renderTransfers();
    renderHistory();
    await Promise.all([refreshTransfers(), loadHistory(false)]);
    if (signal.aborted) return;
    page.dataset.ready = 'true';
    page.dataset.version = '1';
  };
  void load();
}
