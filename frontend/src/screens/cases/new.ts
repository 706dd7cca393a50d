// The one-window intake (#/cases/new, 一门受理), phone first: where it was taken in (the townships
// the user sees), the household if registered (householdpicker.ts), the applicant (name, ID number
// checked to its GB 11643 check digit, phone), the kind (urgent stands out), the programmes asked
// for, the hardship and the source. On 201 the receipt number is shown large with how the applicant
// follows the case, and the receipt slip prints. The server's field errors show beside their fields.
// On a weak network the intake goes through the outbox (outboxsync.ts) with one Idempotency-Key per
// intake: with no network it waits on the device (shown as queued, the receipt number to come from the
// server), is sent once when the network returns, and then its receipt shows here. A queued intake the
// server refuses shows the fields it named, to edit (here, or #/cases/new?outbox=KEY) or drop.
import '../../styles/cases.css';
import { casesApi, checkIntake, intakeFieldLabels, intakeFieldOf, isIntakeWrite, KINDS, PROGRAMMES, SOURCES, type Case, type CaseInput, type IntakeField } from '../../cases';
import { confirmAction } from '../../confirm';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { householdsApi, townshipOptions, type AreaOption } from '../../households';
import { getLang, t, type MsgKey } from '../../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../../idempotency';
import { failureText, labelText, type QueuedWrite, type WriteRequest } from '../../outbox';
import { discardWrite, myWrites, onOutboxChange, QUEUED, sendOrQueue, sentAnswer } from '../../outboxsync';
import { clearPrintSheets, printSheets } from '../../print';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { dropStaleFormError } from '../applications/common';
import { householdPicker } from '../householdpicker';
import { receiptSlip } from './common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner narrow' });
  const page = h('div', { class: 'page cs-page', 'data-testid': 'cs-intake-screen' }, inner);
  root.append(page);
  ctx.defer(clearPrintSheets);

  let townships: AreaOption[] = [];
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'cs-form-error' });
  const errors = formErrors<IntakeField>(formError);

  const area = h('select', { class: 'select' });
  const picker = householdPicker({ testid: 'cs-household', signal, onChange: () => errors.dismiss('household') });
  const name = h('input', { type: 'text', class: 'input', maxlength: 50, autocomplete: 'off' });
  const idNumber = h('input', { type: 'text', class: 'input mono', maxlength: 18, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' });
  const phone = h('input', { type: 'tel', class: 'input', maxlength: 20, autocomplete: 'off' });
  const description = h('textarea', { class: 'input textarea', rows: 4, maxlength: 2000 });
  const source = h('select', { class: 'select' }, ...SOURCES.map((s) => h('option', { value: s, i18n: `cases.source.${s}` as MsgKey })));

  const kinds = h('div', { class: 'cs-kinds', role: 'radiogroup' });
  for (const k of KINDS) {
    const input = h('input', { type: 'radio', name: 'cs-kind', value: k, 'data-testid': `cs-kind-${k}`, checked: k === 'application' });
    kinds.append(
      h(
        'label',
        { class: `cs-kind cs-kind-${k}` },
        input,
        h('span', { class: 'cs-kind-text' }, h('strong', { i18n: `cases.kind.${k}` as MsgKey }), h('span', { class: 'muted small', i18n: `cases.kindHint.${k}` as MsgKey })),
      ),
    );
  }
  const programmes = h('div', { class: 'cs-programmes' });
  for (const p of PROGRAMMES)
    programmes.append(h('label', { class: 'cs-programme' }, h('input', { type: 'checkbox', value: p, 'data-testid': `cs-programme-${p}` }), h('span', { i18n: `cases.programmeLong.${p}` as MsgKey })));
  programmes.addEventListener('change', () => errors.dismiss('programmes'));
  kinds.addEventListener('change', () => errors.dismiss('kind'));
  area.addEventListener('change', () => errors.dismiss('area'));

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'cs-submit', i18n: 'cases.form.submit' });
  const householdField = errorField(errors, 'household', 'cases.form.household', picker.el, 'cs-household', h('span', { class: 'field-hint', i18n: 'cases.form.householdHint' }));
  householdField.querySelector('label')?.setAttribute('for', 'cs-household-q-input');
  picker.input.id = 'cs-household-q-input';

  const form = h(
    'form',
    { class: 'cs-form', 'data-testid': 'cs-form', novalidate: true },
    errorField(errors, 'area', 'cases.form.area', area, 'cs-area'),
    householdField,
    h(
      'fieldset',
      { class: 'cs-fieldset' },
      h('legend', { i18n: 'cases.form.applicant' }),
      errorField(errors, 'name', 'cases.form.name', name, 'cs-name'),
      errorField(errors, 'idNumber', 'cases.form.idNumber', idNumber, 'cs-id-number', h('span', { class: 'field-hint', i18n: 'cases.form.idHint' })),
      errorField(errors, 'phone', 'cases.form.phone', phone, 'cs-phone', h('span', { class: 'field-hint', i18n: 'cases.form.phoneHint' })),
    ),
    errorField(errors, 'kind', 'cases.form.kind', kinds, 'cs-kind'),
    errorField(errors, 'programmes', 'cases.form.programmes', programmes, 'cs-programmes'),
    errorField(errors, 'description', 'cases.form.description', description, 'cs-description', h('span', { class: 'field-hint', i18n: 'cases.form.descriptionHint' })),
    errorField(errors, 'source', 'cases.form.source', source, 'cs-source'),
    formError,
    h('div', { class: 'form-actions', style: 'gap:8px;flex-wrap:wrap' }, h('a', { class: 'btn btn-ghost', href: '#/cases', i18n: 'cases.form.cancel' }), submit),
  );
  const editNote = h('p', { class: 'notice', 'data-testid': 'cs-editing-queued', hidden: true });
  const formCard = h('section', { class: 'card', 'data-testid': 'cs-form-card' }, h('div', { class: 'card-body' }, form));
  const done = h('div', { 'data-testid': 'cs-done', hidden: true });
  inner.append(
    h('a', { class: 'link crumb', href: '#/cases', i18n: 'cases.back' }),
    h('div', { class: 'page-title' }, h('h1', { i18n: 'cases.form.title' }), h('p', { class: 'muted page-sub', i18n: 'cases.form.sub' })),
    editNote,
    formCard,
    done,
  );

  const placeName = (code: string) => townships.find((o) => o.code === code.slice(0, 9))?.text ?? code;

  // ---- after 201: the receipt -------------------------------------------------------------------
  let filed: Case | null = null;
  /** The intake waiting in the outbox (no network when it was submitted), until the server answers. */
  let queued: WriteRequest | null = null;
  /** The refused queued intake this form is correcting (#/cases/new?outbox=KEY): dropped once the new one is sent or queued. */
  let replacing: QueuedWrite | null = null;
  /** One Idempotency-Key per intake, kept across retries of the same body. */
  let pending: PendingSubmission | null = null;
  const showEditNote = () => {
    editNote.hidden = !replacing;
    editNote.textContent = replacing ? t('cases.queued.editing', { name: (replacing.body as CaseInput).applicant?.name ?? '' }) : '';
  };
  const another = () => {
    filed = null;
    queued = null;
    pending = null;
    form.reset();
    picker.set(null);
    done.hidden = true;
    formCard.hidden = false;
    name.focus();
  };

  /** Put a queued intake's body back in the form, its refused fields marked. */
  const fill = (w: QueuedWrite) => {
    const b = w.body as CaseInput;
    if (townships.some((o) => o.code === b.area_code)) area.value = b.area_code;
    name.value = b.applicant?.name ?? '';
    idNumber.value = b.applicant?.id_number ?? '';
    phone.value = b.applicant?.phone ?? '';
    for (const i of kinds.querySelectorAll<HTMLInputElement>('input')) i.checked = i.value === b.kind;
    for (const i of programmes.querySelectorAll<HTMLInputElement>('input')) i.checked = (b.programmes ?? []).includes(i.value as never);
    description.value = b.description ?? '';
    source.value = b.source;
    picker.set(null);
    if (b.household_id) householdsApi.household(b.household_id, { signal }).then((x) => picker.set(x), () => {});
    errors.clear();
    for (const f of w.refusal?.fields ?? []) {
      const field = intakeFieldOf(f);
      if (field) errors.byField.set(field, { key: 'cases.queued.fieldRefused' });
    }
    errors.form = w.failure ? { text: t('cases.queued.refused', { message: failureText(w) }) } : null;
    errors.render();
  };

  const edit = (w: QueuedWrite) => {
    replacing = w;
    queued = null;
    pending = null;
    fill(w);
    showEditNote();
    done.hidden = true;
    formCard.hidden = false;
    page.scrollTop = 0;
  };

  // ---- queued: kept on the device until the network returns ----------------------------------------
  const showQueued = (w: QueuedWrite | undefined) => {
    const q = queued;
    if (!q) return;
    const body = q.body as CaseInput;
    const fields = intakeFieldLabels(w?.refusal?.fields ?? []).map((k) => t(k));
    const sep = getLang() === 'zh' ? '、' : ', ';
    const state = !w
      ? h('p', { class: 'muted', 'data-testid': 'cs-queued-gone', i18n: 'cases.queued.gone' })
      : w.failure
        ? h(
            'div',
            { class: 'outbox-failure', 'data-testid': 'cs-queued-refused', 'data-status': String(w.refusal?.status ?? '') },
            h('p', {}, t('cases.queued.refused', { message: failureText(w) })),
            fields.length ? h('p', { 'data-testid': 'cs-queued-fields' }, t('outbox.fields', { fields: fields.join(sep) })) : null,
          )
        : h('p', { class: 'muted small', 'data-testid': 'cs-queued-waiting', i18n: 'cases.queued.waiting' });
    done.replaceChildren(
      h(
        'section',
        { class: 'card cs-receipt cs-queued', 'data-testid': 'cs-queued', 'data-key': q.key, 'data-failed': String(Boolean(w?.failure)) },
        h('p', { class: 'cs-receipt-title', i18n: w?.failure ? 'cases.queued.refusedTitle' : 'cases.queued.title' }),
        h('p', { class: 'cs-queued-what' }, h('strong', {}, body.applicant.name), ' · ', t(`cases.kind.${body.kind}` as MsgKey)),
        h('p', { class: 'cs-queued-no', 'data-testid': 'cs-queued-no', i18n: 'cases.queued.no' }),
        h('p', { class: 'cs-receipt-how', i18n: w?.failure ? 'cases.queued.refusedHow' : 'cases.queued.how' }),
        state,
        h(
          'div',
          { class: 'cs-receipt-actions' },
          w?.failure ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'cs-queued-edit', i18n: 'cases.queued.edit', onclick: () => edit(w) }) : null,
          w?.failure
            ? h('button', {
                type: 'button',
                class: 'btn btn-outline',
                'data-testid': 'cs-queued-drop',
                i18n: 'cases.queued.drop',
                onclick: async () => {
                  const yes = await confirmAction({ title: t('cases.queued.dropTitle'), body: [h('p', {}, labelText(w.label))], confirmKey: 'outbox.discard', danger: true });
                  if (!yes) return;
                  queued = null;
                  await discardWrite(w.key);
                  another();
                },
              })
            : null,
          h('button', { type: 'button', class: w?.failure ? 'btn btn-ghost' : 'btn btn-primary', 'data-testid': 'cs-receipt-another', i18n: 'cases.receipt.another', onclick: another }),
        ),
      ),
    );
  };

  /** Look at the queued intake again: still waiting, refused, or sent (then its receipt). */
  const checkQueued = async () => {
    const q = queued;
    if (!q) return;
    const w = (await myWrites()).find((x) => x.key === q.key);
    if (queued !== q) return;
    const answer = w ? undefined : sentAnswer<Case>(q.key);
    if (answer) {
      queued = null;
      filed = answer;
      showReceipt();
      return;
    }
    showQueued(w);
  };
  const stopWatching = onOutboxChange(() => void checkQueued());
  ctx.defer(() => void stopWatching());
  const showReceipt = () => {
    const c = filed;
    if (!c) return;
    done.replaceChildren(
      h(
        'section',
        { class: 'card cs-receipt', 'data-testid': 'cs-receipt', 'data-case-id': String(c.id) },
        h('p', { class: 'cs-receipt-title', i18n: 'cases.receipt.title' }),
        h('p', { class: 'cs-receipt-no mono', 'data-testid': 'cs-receipt-no' }, c.receipt_no),
        h('p', { class: 'cs-receipt-how', i18n: 'cases.receipt.instruction' }),
        h(
          'div',
          { class: 'cs-receipt-actions' },
          h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'cs-receipt-print', i18n: 'cases.receipt.print', onclick: () => printSheets([receiptSlip(c, placeName(c.area_code))]) }),
          h('a', { class: 'btn btn-outline', href: `#/cases/${c.id}`, 'data-testid': 'cs-receipt-open', i18n: 'cases.receipt.open' }),
          h('button', {
            type: 'button',
            class: 'btn btn-ghost',
            'data-testid': 'cs-receipt-another',
            i18n: 'cases.receipt.another',
            onclick: another,
          }),
        ),
      ),
    );
  };

  dropStaleFormError(form, errors);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const checked = checkIntake({
      area_code: area.value,
      household_id: picker.chosen()?.id ?? null,
      name: name.value,
      id_number: idNumber.value,
      phone: phone.value,
      kind: (kinds.querySelector('input:checked') as HTMLInputElement | null)?.value ?? '',
      programmes: [...programmes.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
      description: description.value,
      source: source.value,
    });
    if ('errors' in checked) {
      for (const [f, key] of checked.errors) errors.byField.set(f, { key });
      errors.form = { key: 'cases.form.fixErrors' };
      errors.render();
      return void errors.firstInvalid()?.focus();
    }
    errors.render();
    submit.disabled = true;
    pending = keyForSubmission(pending, JSON.stringify(checked.body), newUuid);
    const write = casesApi.fileWrite(checked.body, pending.key);
    try {
      const saved = await sendOrQueue<Case>(write, signal);
      pending = null;
      if (replacing) {
        const old = replacing;
        replacing = null;
        showEditNote();
        await discardWrite(old.key);
      }
      formCard.hidden = true;
      done.hidden = false;
      page.scrollTop = 0;
      if (saved === QUEUED) {
        queued = write;
        toast(t('outbox.queued', { what: labelText(write.label) }));
        page.dataset.queued = String(Number(page.dataset.queued ?? '0') + 1);
        return void (await checkQueued());
      }
      filed = saved;
      toast(t('cases.receipt.done', { no: filed.receipt_no }));
      showReceipt();
    } catch (err) {
      if (isAbort(err)) return;
      if (!keepKeyAfter(err instanceof ApiError ? err.status : 0)) pending = null;
      showServerErrors(errors, err, intakeFieldOf);
    } finally {
      submit.disabled = false;
    }
  });

  // ---- the townships the user sees ----------------------------------------------------------------
  const own = user.area_code ?? '';
  Promise.all([disasterApi.areas({ level: 'township' }, { signal }), disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[])])
    .then(([towns, counties]) => {
      const mine = towns.filter((a) => !own || a.code.startsWith(own.slice(0, Math.min(own.length, 9))) || own.startsWith(a.code));
      townships = townshipOptions(mine, new Map(counties.map((c) => [c.code, c.name])));
      area.replaceChildren(...(townships.length ? townships.map((o) => h('option', { value: o.code }, o.text)) : [h('option', { value: '', i18n: 'cases.form.areaNone' })]));
      const wanted = ctx.params.get('area') ?? (own.length >= 9 ? own.slice(0, 9) : '');
      if (townships.some((o) => o.code === wanted)) area.value = wanted;
      const key = ctx.params.get('outbox');
      return key
        ? myWrites().then((ws) => {
            const w = ws.find((x) => x.key === key && isIntakeWrite(x));
            if (w) edit(w);
          })
        : undefined;
    })
    .then(() => {
      if (signal.aborted) return;
      page.dataset.ready = 'true';
    })
    .catch((err) => {
      if (isAbort(err)) return;
      errors.form = { text: errorText(err) };
      errors.render();
    });

  ctx.onLang(() => {
    picker.relabel();
    errors.render();
    showEditNote();
    if (queued) void checkQueued();
    else showReceipt();
  });
}
