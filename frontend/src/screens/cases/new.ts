// The one-window intake (#/cases/new, 一门受理), phone first: where it was taken in (the townships
// the user sees), the household if registered (householdpicker.ts), the applicant (name, ID number
// checked to its GB 11643 check digit, phone), the kind (urgent stands out), the programmes asked
// for, the hardship and the source. On 201 the receipt number is shown large with how the applicant
// follows the case, and the receipt slip prints. The server's field errors show beside their fields.
import '../../styles/cases.css';
import { casesApi, checkIntake, intakeFieldOf, KINDS, PROGRAMMES, SOURCES, type Case, type IntakeField } from '../../cases';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { townshipOptions, type AreaOption } from '../../households';
import { t, type MsgKey } from '../../i18n';
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
  const formCard = h('section', { class: 'card', 'data-testid': 'cs-form-card' }, h('div', { class: 'card-body' }, form));
  const done = h('div', { 'data-testid': 'cs-done', hidden: true });
  inner.append(
    h('a', { class: 'link crumb', href: '#/cases', i18n: 'cases.back' }),
    h('div', { class: 'page-title' }, h('h1', { i18n: 'cases.form.title' }), h('p', { class: 'muted page-sub', i18n: 'cases.form.sub' })),
    formCard,
    done,
  );

  const placeName = (code: string) => townships.find((o) => o.code === code.slice(0, 9))?.text ?? code;

  // ---- after 201: the receipt -------------------------------------------------------------------
  let filed: Case | null = null;
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
            onclick: () => {
              filed = null;
              form.reset();
              picker.set(null);
              done.hidden = true;
              formCard.hidden = false;
              name.focus();
            },
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
    try {
      filed = await casesApi.file(checked.body, { signal });
      toast(t('cases.receipt.done', { no: filed.receipt_no }));
      formCard.hidden = true;
      done.hidden = false;
      showReceipt();
      page.scrollTop = 0;
    } catch (err) {
      if (isAbort(err)) return;
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
    showReceipt();
  });
}
