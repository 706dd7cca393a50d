// The caseworker's application form (#/applications/new, 户报), phone first: the event (active ones),
// the household found in the register (householdpicker.ts: name or whole ID number), the aid item the event's hazard
// allows, persons (at most the household's members, checked before sending), reason, phone and
// attachment references. The server's field errors show beside their fields.
import { aidsFor, applicationsApi, checkPersons, referenceLines } from '../../applications';
import { disasterApi, sortEvents, type DisasterEvent } from '../../disaster';
import { h } from '../../dom';
import { isAbort, errorText } from '../../errors';
import { formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import type { AidType } from '../../households';
import { getLang, label, t } from '../../i18n';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { householdPicker, type PickedHousehold } from '../householdpicker';
import { dropStaleFormError } from './common';

type Field = 'event' | 'household' | 'aid' | 'persons' | 'reason' | 'phone' | 'attachments';

/** The form's field a server error names. */
function fieldOf(f: string | null): Field | null {
  switch (f) {
    case 'event_id':
      return 'event';
    case 'household_id':
      return 'household';
    case 'aid_type':
      return 'aid';
    case 'persons':
    case 'reason':
    case 'phone':
    case 'attachments':
      return f;
    default:
      return null;
  }
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const inner = h('div', { class: 'page-inner narrow' });
  const page = h('div', { class: 'page application-form-page', 'data-testid': 'application-form-screen' }, inner);
  root.append(page);

  let events: DisasterEvent[] = [];
  let chosen: PickedHousehold | null = null;

  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'application-form-error' });
  const errors = formErrors<Field>(formError);
  const eventSel = h('select', { class: 'select' });
  const aidSel = h('select', { class: 'select' });
  const picker = householdPicker({
    testid: 'application-household',
    signal,
    onChange: (x) => {
      chosen = x;
      showChosen();
      if (x) {
        errors.dismiss('household');
        persons.focus();
      }
    },
  });
  const persons = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 6, autocomplete: 'off' });
  const personsHint = h('span', { class: 'field-hint', 'data-testid': 'application-persons-hint' });
  const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: 2000 });
  const phone = h('input', { type: 'tel', class: 'input', maxlength: 20, autocomplete: 'off' });
  const attachments = h('textarea', { class: 'input textarea', rows: 2 });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'application-submit', i18n: 'appForm.submit' });

  const householdField = errorField(errors, 'household', 'appForm.household', picker.el, 'application-household');
  // errorField labels the box; the label should point at the search input.
  householdField.querySelector('label')?.setAttribute('for', 'application-household-q-input');
  picker.input.id = 'application-household-q-input';

  const form = h(
    'form',
    { class: 'report-form', 'data-testid': 'application-form', novalidate: true, style: 'display:grid;gap:12px' },
    errorField(errors, 'event', 'appForm.event', eventSel, 'application-event'),
    householdField,
    errorField(errors, 'aid', 'appForm.aid', aidSel, 'application-aid', h('span', { class: 'field-hint', i18n: 'appForm.aidHint' })),
    errorField(errors, 'persons', 'appForm.persons', persons, 'application-persons', personsHint),
    errorField(errors, 'reason', 'appForm.reason', reason, 'application-reason'),
    errorField(errors, 'phone', 'appForm.phone', phone, 'application-phone'),
    errorField(errors, 'attachments', 'appForm.attachments', attachments, 'application-attachments'),
    formError,
    h('div', { class: 'form-actions', style: 'gap:8px;flex-wrap:wrap' }, h('a', { class: 'btn btn-ghost', href: '#/applications', i18n: 'appForm.cancel' }), submit),
  );

  inner.append(
    h('a', { class: 'link crumb', href: '#/applications', i18n: 'appDetail.back' }),
    h('div', { class: 'page-title' }, h('h1', { i18n: 'appForm.title' }), h('p', { class: 'muted page-sub', i18n: 'appForm.sub' })),
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, form)),
  );

  const fillAids = () => {
    const hazard = events.find((e) => String(e.id) === eventSel.value)?.hazard;
    const keep = aidSel.value;
    const aids = aidsFor(hazard);
    aidSel.replaceChildren(...aids.map((a) => h('option', { value: a }, label('aidType', a))));
    if (aids.includes(keep as (typeof aids)[number])) aidSel.value = keep;
  };
  eventSel.addEventListener('change', () => {
    fillAids();
    errors.dismiss('event');
  });
  aidSel.addEventListener('change', () => errors.dismiss('aid'));

  const showChosen = () => {
    personsHint.textContent = chosen ? t('appForm.personsHint', { n: formatInteger(chosen.members, getLang()) }) : '';
  };

  dropStaleFormError(form, errors);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const eventId = Number(eventSel.value);
    if (!eventId) errors.byField.set('event', { key: 'appForm.noEvent' });
    if (!chosen) errors.byField.set('household', { key: 'appForm.pickHousehold' });
    const p = checkPersons(persons.value, chosen?.members);
    if ('error' in p) errors.byField.set('persons', { key: p.error, params: { n: chosen?.members ?? 0 } });
    if (!reason.value.trim()) errors.byField.set('reason', { key: 'appForm.required' });
    if (errors.byField.size) {
      errors.form = { key: 'appForm.fixErrors' };
      errors.render();
      return void errors.firstInvalid()?.focus();
    }
    errors.render();
    submit.disabled = true;
    try {
      const refs = referenceLines(attachments.value);
      const app = await applicationsApi.file(
        {
          event_id: eventId,
          household_id: chosen!.id,
          aid_type: aidSel.value as AidType,
          persons: (p as { persons: number }).persons,
          reason: reason.value.trim(),
          phone: phone.value.trim() || null,
          attachments: refs.length ? refs : null,
        },
        { signal },
      );
      toast(t('appForm.filed', { id: app.id }));
      navigate(`/applications/${app.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      showServerErrors(errors, err, fieldOf);
    } finally {
      submit.disabled = false;
    }
  });

  disasterApi
    .events({ signal })
    .then((list) => {
      const all = sortEvents(list);
      const active = all.filter((e) => e.status === 'active');
      events = active.length ? active : all;
      eventSel.replaceChildren(...(events.length ? events.map((e) => h('option', { value: String(e.id) }, e.name)) : [h('option', { value: '', i18n: 'appForm.noEvent' })]));
      const wanted = ctx.params.get('event');
      if (wanted && events.some((e) => String(e.id) === wanted)) eventSel.value = wanted;
      fillAids();
      page.dataset.ready = 'true';
    })
    .catch((err) => {
      if (!isAbort(err)) errors.form = { text: errorText(err) };
      errors.render();
    });
  ctx.onLang(() => {
    fillAids();
    picker.relabel();
    showChosen();
    errors.render();
  });
}
