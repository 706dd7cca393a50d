// The campaign's 发放 view: a county's payment phases (冬令, 春荒 …: name, share, start date), each
// with the grant lists paying it (status, households, amount, paid date) linking to #/grants/:id,
// the button that drafts a phase's lists (after a confirmation naming the phase and its share), the
// phase editor (rows of name / share / start date, a live total that must be 100%, the server's
// defaults), and the aid households received besides: its list and a phone-sized form.
import '../../styles/households.css';
import type { Application } from '../../applications';
import { confirmAction } from '../../confirm';
import { shanghaiDate } from '../../dates';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDate, formatDateTime, formatFen, formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors, type FormErrors } from '../../formerrors';
import { sharePercent } from '../../funds';
import { getLang, msgText, t } from '../../i18n';
import { createListView, listItem, townshipKey, type ListItem } from '../../listview';
import { GRANT_USERS, type Role } from '../../roles';
import type { User } from '../../session';
import { toast } from '../../toast';
import { listStatusChip, statusBlock } from '../../widgets';
import {
  callerCounty,
  canFile,
  canSetPhases,
  checkPhases,
  checkReceived,
  MAX_GOODS,
  MAX_PHASE_NAME,
  MAX_PHASES,
  phaseDrafts,
  phaseFieldOf,
  phaseRefusal,
  phaseSum,
  receivedFieldOf,
  winterSpringApi,
  type AreaNeed,
  type Campaign,
  type PhaseDraft,
  type PhaseField,
  type PhaseView,
  type Received,
  type ReceivedField,
} from '../../winterspring';
import { householdPicker } from '../householdpicker';

export interface PaymentsView {
  el: HTMLElement;
  load(): Promise<void>;
  relabel(): void;
}

/** A refusal in the reader's words where it is known, else the server's field errors and text. */
function showRefusal<F extends string>(errors: FormErrors<F>, err: unknown, fieldOf: (f: string | null) => F | null): void {
  const known = phaseRefusal(err);
  if (!known) return showServerErrors(errors, err, fieldOf);
  errors.clear();
  errors.form = known;
  errors.render();
}

export function paymentsView(opts: { campaign: () => Campaign; user: User; signal: AbortSignal }): PaymentsView {
  const { user, signal } = opts;
  const id = opts.campaign().id;
  const lang = () => getLang();
  let counties: AreaNeed[] = [];
  let county = '';
  let phases: PhaseView[] = [];
  let editing: PhaseDraft[] | null = null;

  // ---- the county's phases ------------------------------------------------------------------------
  const countySel = h('select', { class: 'select', 'data-testid': 'ws-pay-county' });
  const countyField = h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'ws.pay.county' }), countySel);
  const editBtn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'ws-phases-edit', i18n: 'ws.pay.edit' });
  const decided = h('p', { class: 'muted small card-note', 'data-testid': 'ws-pay-decided' });
  const phasesStatus = h('div');
  const phasesBody = h('div', { class: 'card-body ws-phases', 'data-testid': 'ws-phases' });
  const phasesCard = h(
    'section',
    { class: 'card', 'data-testid': 'ws-phases-card' },
    h('div', { class: 'card-head ws-pay-head' }, h('h2', { i18n: 'ws.pay.phasesTitle' }), countyField, editBtn),
    h('p', { class: 'muted small card-note', i18n: 'ws.pay.phasesSub' }),
    decided,
    phasesStatus,
    phasesBody,
  );

  const countyName = () => {
    const c = counties.find((a) => a.area_code === county);
    return c ? `${c.area_name}` : county;
  };
  const mayEdit = () => !!county && canSetPhases(user, county);
  const locked = () => phases.some((p) => p.lists.length > 0);

  const fillCounties = () => {
    countySel.replaceChildren(...counties.map((c) => h('option', { value: c.area_code }, `${c.area_name} ${c.area_code}`)));
    countySel.value = county;
    // One county (a county's own staff): nothing to choose.
    countyField.hidden = counties.length < 2;
  };

  const listLine = (l: PhaseView['lists'][number]) => {
    const facts = t('ws.pay.listFacts', { households: formatInteger(l.households, lang()), total: formatFen(l.total_fen, lang()) });
    const name = t('ws.pay.list', { id: l.list_id });
    return h(
      'li',
      { class: 'ws-phase-list', 'data-testid': `ws-phase-list-${l.list_id}`, 'data-status': l.status },
      GRANT_USERS.includes(user.role as Role) ? h('a', { class: 'link strong', href: `#/grants/${l.list_id}`, 'data-testid': `ws-phase-list-link-${l.list_id}` }, name) : h('span', { class: 'strong' }, name),
      listStatusChip(l.status),
      h('span', { class: 'nowrap' }, facts),
      l.paid_at ? h('span', { class: 'muted small nowrap' }, t('ws.pay.paidOn', { date: formatDateTime(l.paid_at, lang()) })) : '',
    );
  };

  const phaseBlock = (p: PhaseView) =>
    h(
      'div',
      { class: 'ws-phase', 'data-testid': `ws-phase-${p.id}`, 'data-ordinal': String(p.ordinal) },
      h(
        'div',
        { class: 'ws-phase-head' },
        h('span', { class: 'muted small' }, t('ws.pay.phaseHead', { n: p.ordinal })),
        h('strong', { class: 'ws-phase-name', 'data-testid': `ws-phase-name-${p.id}` }, p.name),
        h('span', { class: 'badge badge-info', 'data-testid': `ws-phase-share-${p.id}` }, t('ws.pay.share', { share: sharePercent(p.share_bp) })),
        h('span', { class: 'muted nowrap', 'data-testid': `ws-phase-from-${p.id}` }, t('ws.pay.from', { date: formatDate(p.starts_on) })),
        mayEdit() && p.lists.length < Math.max(1, opts.campaign().events.length)
          ? h('button', { type: 'button', class: 'btn btn-primary btn-small ws-phase-draft', 'data-testid': `ws-phase-draft-${p.id}`, i18n: 'ws.pay.draft', onclick: (ev: Event) => void draft(p, ev.currentTarget as HTMLButtonElement) })
          : '',
      ),
      p.lists.length
        ? h('ul', { class: 'ws-phase-lists' }, ...p.lists.map(listLine))
        : h('p', { class: 'muted small ws-phase-none', i18n: 'ws.pay.noLists' }),
      h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `ws-phase-error-${p.id}` }),
    );

  const renderPhases = () => {
    const c = counties.find((a) => a.area_code === county);
    decided.textContent = c ? t('ws.pay.decided', { n: formatInteger(c.figures.decided_households, lang()), total: formatInteger(c.figures.households, lang()), amount: formatFen(c.figures.amount_fen, lang()) }) : '';
    editBtn.hidden = !mayEdit() || editing !== null;
    if (editing) return;
    if (!county) return void phasesBody.replaceChildren(h('p', { class: 'muted', i18n: 'ws.pay.noCounties' }));
    phasesBody.replaceChildren(...(phases.length ? phases.map(phaseBlock) : [h('p', { class: 'muted', 'data-testid': 'ws-phases-none', i18n: 'ws.pay.noPhases' })]));
  };

  const loadPhases = async () => {
    phasesCard.dataset.ready = 'false';
    phasesStatus.replaceChildren(statusBlock(t('ws.loading')));
    try {
      // Without an area: a township's staff may read their county's phases but not name the county.
      phases = county ? (await winterSpringApi.phases(id, undefined, { signal })).filter((p) => p.area_code === county).sort((a, b) => a.ordinal - b.ordinal) : [];
      phasesStatus.replaceChildren();
      renderPhases();
      phasesCard.dataset.ready = 'true';
      phasesCard.dataset.county = county;
    } catch (err) {
      if (isAbort(err)) return;
      phasesStatus.replaceChildren(statusBlock(errorText(err), true, () => void loadPhases(), t('map.retry')));
    }
  };

  countySel.addEventListener('change', () => {
    county = countySel.value;
    editing = null;
    void loadPhases();
  });

  const draft = async (p: PhaseView, button: HTMLButtonElement) => {
    const share = sharePercent(p.share_bp);
    const yes = await confirmAction({
      title: t('ws.pay.draftTitle', { name: p.name }),
      body: [h('p', { 'data-testid': 'confirm-phase' }, t('ws.pay.draftBody', { county: countyName(), share }))],
      confirmKey: 'ws.pay.draft',
    });
    if (!yes) return;
    const error = phasesBody.querySelector<HTMLElement>(`[data-testid="ws-phase-error-${p.id}"]`)!;
    button.disabled = true;
    try {
      await winterSpringApi.draftPhase(id, p.id, { signal });
      toast(t('ws.pay.drafted', { name: p.name }));
      await loadPhases();
    } catch (err) {
      if (isAbort(err)) return;
      const known = phaseRefusal(err);
      error.hidden = false;
      error.dataset.status = String((err as { status?: number }).status ?? '');
      error.dataset.key = known?.key ?? '';
      error.textContent = known ? msgText(known) : errorText(err);
      button.disabled = false;
    }
  };

  // ---- the phase editor ---------------------------------------------------------------------------
  const editorError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'ws-phases-error' });
  let errors = formErrors<PhaseField>(editorError);
  const sum = h('strong', { 'data-testid': 'ws-phase-sum' });
  const sumLine = h('div', { class: 'ws-phase-sum' }, sum, ' ', h('span', { class: 'muted small', i18n: 'ws.phase.sumOk' }));
  // The message about the phases as a whole (their number, the total) stands by the total.
  const sumError = h('div', { class: 'field-error', 'data-testid': 'ws-phases-sum-error', hidden: true });
  const showSum = () => {
    if (!editing) return;
    const n = phaseSum(editing);
    sum.textContent = t('ws.phase.sum', { n });
    sumLine.dataset.sum = String(n);
    sumLine.classList.toggle('off', n !== 100);
  };

  const editorRow = (r: PhaseDraft, i: number) => {
    const name = h('input', { type: 'text', class: 'input', maxlength: MAX_PHASE_NAME * 2, autocomplete: 'off', value: r.name });
    const share = h('input', { type: 'text', class: 'input ws-num', inputmode: 'numeric', maxlength: 4, autocomplete: 'off', value: r.share });
    const starts = h('input', { type: 'date', class: 'input', value: r.starts_on, min: opts.campaign().calendar.relief_start, max: opts.campaign().calendar.relief_end });
    name.addEventListener('input', () => (r.name = name.value));
    share.addEventListener('input', () => {
      r.share = share.value;
      showSum();
      errors.dismiss('phases');
    });
    starts.addEventListener('input', () => (r.starts_on = starts.value));
    starts.addEventListener('change', () => (r.starts_on = starts.value));
    const remove = h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small ws-phase-remove',
      'data-testid': `ws-phase-remove-${i}`,
      'aria-label': t('ws.phase.removeRow', { n: i + 1 }),
      disabled: editing!.length <= 1,
      onclick: () => {
        editing!.splice(i, 1);
        errors.clear();
        renderEditor();
      },
      i18n: 'ws.phase.remove',
    });
    return h(
      'div',
      { class: 'ws-phase-row', 'data-testid': `ws-phase-row-${i}` },
      h('span', { class: 'ws-phase-no muted small' }, t('ws.phase.row', { n: i + 1 })),
      errorField(errors, `${i}.name`, 'ws.phase.name', name, `ws-phase-${i}-name`),
      errorField(errors, `${i}.share`, 'ws.phase.share', share, `ws-phase-${i}-share`),
      errorField(errors, `${i}.starts_on`, 'ws.phase.startsOn', starts, `ws-phase-${i}-starts`),
      remove,
    );
  };

  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ws-phases-save', i18n: 'ws.phase.save' });
  const defaultsBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'ws-phases-defaults', i18n: 'ws.phase.defaults', i18nTitle: 'ws.phase.defaultsHint' });
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'ws-phases-cancel', i18n: 'ws.phase.cancel' });
  const addBtn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'ws-phase-add', i18n: 'ws.phase.add' });
  const rows = h('div', { class: 'ws-phase-rows' });
  const editorTitle = h('h3', {});
  const periodNote = h('p', { class: 'muted small' });
  const lockedNote = h('p', { class: 'notice notice-muted', 'data-testid': 'ws-phases-locked', i18n: 'ws.pay.lockedNote' });
  const editor = h(
    'form',
    { class: 'ws-phase-editor', 'data-testid': 'ws-phase-editor', novalidate: true },
    editorTitle,
    periodNote,
    lockedNote,
    rows,
    h('div', { class: 'ws-phase-foot' }, addBtn, h('div', {}, sumLine, sumError)),
    editorError,
    h('p', { class: 'muted small', i18n: 'ws.phase.defaultsHint' }),
    h('div', { class: 'form-actions ws-form-actions' }, cancelBtn, defaultsBtn, saveBtn),
  );

  function renderEditor() {
    if (!editing) return;
    const cal = opts.campaign().calendar;
    editorTitle.textContent = t('ws.phase.editTitle', { county: countyName() });
    periodNote.textContent = t('ws.phase.period', { from: formatDate(cal.relief_start), to: formatDate(cal.relief_end) });
    lockedNote.hidden = !locked();
    // The fields are made anew; their messages (kept by name) are drawn again on them.
    errors.fields.clear();
    rows.replaceChildren(...editing.map(editorRow));
    errors.fields.set('phases', { wrap: sumLine, error: sumError, control: addBtn });
    addBtn.disabled = editing.length >= MAX_PHASES;
    showSum();
    errors.render();
  }

  const openEditor = () => {
    const cal = opts.campaign().calendar;
    editing = phases.length ? phaseDrafts(phases) : [{ name: '', share: '100', starts_on: cal.relief_start }];
    errors = formErrors<PhaseField>(editorError);
    phasesBody.replaceChildren(editor);
    renderEditor();
    renderPhases();
    (rows.querySelector('input') as HTMLInputElement | null)?.focus();
  };
  const closeEditor = () => {
    editing = null;
    renderPhases();
  };
  editBtn.addEventListener('click', openEditor);
  cancelBtn.addEventListener('click', closeEditor);
  addBtn.addEventListener('click', () => {
    if (!editing || editing.length >= MAX_PHASES) return;
    const last = editing[editing.length - 1];
    editing.push({ name: '', share: String(Math.max(0, 100 - phaseSum(editing))), starts_on: last?.starts_on ?? '' });
    errors.dismiss('phases');
    renderEditor();
    (rows.querySelector(`[data-testid="ws-phase-${editing.length - 1}-name"]`) as HTMLInputElement | null)?.focus();
  });

  const save = async (useDefaults: boolean) => {
    if (!editing) return;
    errors.clear();
    let body = null;
    if (!useDefaults) {
      const checked = checkPhases(editing, opts.campaign().calendar);
      if ('errors' in checked) {
        for (const [f, m] of checked.errors) errors.byField.set(f, m);
        errors.form = { key: 'ws.form.fixErrors' };
        errors.render();
        editorError.dataset.status = 'client';
        return void errors.firstInvalid()?.focus();
      }
      body = checked.value;
    }
    errors.render();
    saveBtn.disabled = defaultsBtn.disabled = true;
    try {
      const saved = await winterSpringApi.setPhases(id, county, body, { signal });
      phases = saved.filter((p) => p.area_code === county).sort((a, b) => a.ordinal - b.ordinal);
      toast(t('ws.phase.saved', { county: countyName() }));
      closeEditor();
    } catch (err) {
      if (isAbort(err)) return;
      editorError.dataset.status = String((err as { status?: number }).status ?? '');
      showRefusal(errors, err, phaseFieldOf);
    } finally {
      saveBtn.disabled = defaultsBtn.disabled = false;
    }
  };
  editor.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void save(false);
  });
  defaultsBtn.addEventListener('click', () => void save(true));

  // ---- aid received besides -----------------------------------------------------------------------
  let received: Received[] = [];
  const households = new Map<number, Pick<Application, 'name' | 'area_name'>>();
  // Townships by code, named from the need records, for households without a record of their own.
  const townships = new Map<string, string>();
  const whoOf = (r: Received) => households.get(r.household_id);
  const placeOf = (r: Received) => whoOf(r)?.area_name ?? townships.get(townshipKey(r.area_code)) ?? r.area_code;
  const receivedStatus = h('div');
  const receivedCount = h('span', { class: 'muted', 'data-testid': 'ws-received-count' });
  const receivedView = createListView<Received>({
    testid: 'ws-received',
    columns: [
      { key: 'ws.received.col.household' },
      { key: 'ws.received.col.area' },
      { key: 'ws.received.col.goods' },
      { key: 'ws.received.col.value', cls: 'num' },
      { key: 'ws.received.col.money', cls: 'num' },
      { key: 'ws.received.col.date' },
      { key: 'ws.received.col.by' },
    ],
    row: (it: ListItem<Received>) => {
      const r = it.row;
      const who = whoOf(r);
      return h(
        'tr',
        { 'data-testid': `ws-received-${r.id}`, 'data-household': String(r.household_id) },
        h('td', { class: 'nowrap' }, who ? h('span', { class: 'strong' }, who.name) : '', h('span', { class: 'muted small' }, ` #${r.household_id}`)),
        h('td', { class: 'nowrap', title: r.area_code }, placeOf(r)),
        h('td', { 'data-col': 'goods' }, r.goods || '—'),
        h('td', { class: 'num', 'data-col': 'value' }, r.goods_value_fen ? formatFen(r.goods_value_fen, lang()) : '—'),
        h('td', { class: 'num', 'data-col': 'money' }, r.money_fen ? formatFen(r.money_fen, lang()) : '—'),
        h('td', { class: 'nowrap' }, formatDate(r.received_on)),
        h('td', { class: 'nowrap' }, r.recorded_by),
      );
    },
    areaLabel: 'ws.col.township',
    listTotals: () => ({ households: new Set(received.map((r) => r.household_id)).size, total_fen: received.reduce((s, r) => s + r.money_fen + r.goods_value_fen, 0) }),
    printTitle: () => t('ws.received.title'),
  });
  const receivedCard = h(
    'section',
    { class: 'card ws-received-card', 'data-testid': 'ws-received-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.received.title' }), receivedCount),
    h('p', { class: 'muted small card-note', i18n: 'ws.received.sub' }),
    receivedStatus,
    receivedView.el,
  );
  const fillReceived = () => {
    receivedCount.textContent = t('ws.received.count', { n: formatInteger(received.length, lang()) });
    receivedView.setItems(
      received.map((r, i) => {
        const who = whoOf(r);
        const area = townshipKey(r.area_code);
        return listItem(r, i + 1, {
          area,
          areaName: townships.get(area) ?? placeOf(r).split(/\s+/)[0],
          amount_fen: r.money_fen + r.goods_value_fen,
          texts: [who?.name, placeOf(r), r.goods, r.recorded_by, String(r.household_id)],
        });
      }),
    );
  };
  const loadReceived = async () => {
    receivedCard.dataset.ready = 'false';
    receivedStatus.replaceChildren(statusBlock(t('ws.loading')));
    try {
      // The households' names and places come from their need records (the record of aid has ids).
      const [rows, needs] = await Promise.all([winterSpringApi.received(id, undefined, { signal }), winterSpringApi.needs(id, {}, { signal }).catch(() => [] as Application[])]);
      for (const a of needs) {
        households.set(a.household_id, { name: a.name, area_name: a.area_name });
        townships.set(townshipKey(a.area_code), a.area_name.split(/\s+/)[0] || a.area_name);
      }
      received = rows.sort((a, b) => b.received_on.localeCompare(a.received_on) || b.id - a.id);
      receivedStatus.replaceChildren();
      fillReceived();
      receivedCard.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      receivedStatus.replaceChildren(statusBlock(errorText(err), true, () => void loadReceived(), t('map.retry')));
    }
  };

  // The form (caseworkers: reporters and managers).
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'ws-received-error' });
  const rErrors = formErrors<ReceivedField>(formError);
  const picker = householdPicker({ testid: 'ws-received-household', signal, onChange: (x) => x && rErrors.dismiss('household') });
  const goods = h('input', { type: 'text', class: 'input', maxlength: MAX_GOODS, autocomplete: 'off' });
  const value = h('input', { type: 'text', class: 'input', inputmode: 'decimal', maxlength: 14, autocomplete: 'off' });
  const money = h('input', { type: 'text', class: 'input', inputmode: 'decimal', maxlength: 14, autocomplete: 'off' });
  const cal = opts.campaign().calendar;
  const today = shanghaiDate();
  const on = h('input', { type: 'date', class: 'input', min: cal.survey_start, max: cal.relief_end, value: today < cal.survey_start ? cal.survey_start : today > cal.relief_end ? cal.relief_end : today });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ws-received-submit', i18n: 'ws.received.submit' });
  const householdField = errorField(rErrors, 'household', 'ws.received.pick', picker.el, 'ws-received-household-field');
  householdField.querySelector('label')?.setAttribute('for', 'ws-received-household-q');
  picker.input.id = 'ws-received-household-q';
  const form = h(
    'form',
    { class: 'ws-form ws-received-form', 'data-testid': 'ws-received-form', novalidate: true },
    householdField,
    errorField(rErrors, 'goods', 'ws.received.goods', goods, 'ws-received-goods', h('span', { class: 'field-hint', i18n: 'ws.received.goodsHint' })),
    h(
      'div',
      { class: 'ws-received-amounts' },
      errorField(rErrors, 'goods_value', 'ws.received.value', value, 'ws-received-value'),
      errorField(rErrors, 'money', 'ws.received.money', money, 'ws-received-money'),
    ),
    errorField(rErrors, 'received_on', 'ws.received.date', on, 'ws-received-on'),
    formError,
    h('div', { class: 'form-actions ws-form-actions' }, submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    rErrors.clear();
    const chosen = picker.chosen();
    const checked = checkReceived(chosen?.id ?? null, { goods: goods.value, goods_value: value.value, money: money.value, received_on: on.value }, opts.campaign().calendar);
    if ('errors' in checked) {
      for (const [f, m] of checked.errors) rErrors.byField.set(f, m);
      rErrors.form = { key: 'ws.form.fixErrors' };
      rErrors.render();
      return void rErrors.firstInvalid()?.focus();
    }
    rErrors.render();
    submit.disabled = true;
    try {
      const r = await winterSpringApi.recordReceived(id, checked.value, { signal });
      if (chosen && !households.has(r.household_id)) households.set(r.household_id, { name: chosen.head_name, area_name: townships.get(townshipKey(r.area_code)) ?? r.area_code });
      const what = [r.goods, r.money_fen ? formatFen(r.money_fen, lang()) : ''].filter(Boolean).join('，');
      toast(t('ws.received.recorded', { name: chosen?.head_name ?? `#${r.household_id}`, what }));
      goods.value = value.value = money.value = '';
      picker.set(null);
      picker.input.value = '';
      await loadReceived();
    } catch (err) {
      if (!isAbort(err)) showServerErrors(rErrors, err, receivedFieldOf);
    } finally {
      submit.disabled = false;
    }
  });
  const formCard = canFile(user.role)
    ? h(
        'section',
        { class: 'card ws-received-form-card', 'data-testid': 'ws-received-form-card' },
        h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.received.formTitle' })),
        h('p', { class: 'muted small card-note', i18n: 'ws.received.formSub' }),
        h('div', { class: 'card-body' }, form),
      )
    : null;

  const el = h('div', { class: 'ws-payments', 'data-testid': 'ws-payments' }, phasesCard, h('div', { class: `ws-received-grid${formCard ? '' : ' single'}` }, formCard ?? '', receivedCard));

  const load = async () => {
    phasesStatus.replaceChildren(statusBlock(t('ws.loading')));
    try {
      counties = (await winterSpringApi.summary(id, 'county', { signal })).areas.slice().sort((a, b) => a.area_code.localeCompare(b.area_code));
      const own = callerCounty(user);
      const phased = new Set((await winterSpringApi.phases(id, undefined, { signal })).map((p) => p.area_code));
      county =
        counties.find((c) => c.area_code === own)?.area_code ??
        counties.find((c) => phased.has(c.area_code))?.area_code ??
        counties.find((c) => c.figures.decided_households > 0)?.area_code ??
        counties[0]?.area_code ??
        '';
      fillCounties();
    } catch (err) {
      if (isAbort(err)) return;
      phasesStatus.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
      return;
    }
    await Promise.all([loadPhases(), loadReceived()]);
  };

  const relabel = () => {
    fillCounties();
    renderPhases();
    if (editing) renderEditor();
    fillReceived();
    picker.relabel();
    rErrors.render();
  };
  return { el, load, relabel };
}
