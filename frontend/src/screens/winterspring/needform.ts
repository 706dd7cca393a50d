// The household need form of a campaign (一户一表), phone first:
// #/winter-spring/:id/needs/new (?household=&event= when opened from the households to visit) and
// #/winter-spring/:id/needs/:need/edit (while the village has not assessed it). The household
// (found in the register or chosen from the proposals), persons, the hardship class with what each
// class means, the five needs, reason and phone; checked as the server checks (winterspring.ts),
// and the server's field errors beside their fields.
import '../../styles/winterspring.css';
import { applicationsApi, type Application } from '../../applications';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { householdsApi } from '../../households';
import { getLang, msgText, t, type MsgKey } from '../../i18n';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import {
  checkNeed,
  CLASSES,
  isEditable,
  MAX_FOOD_MONTHS,
  needFieldOf,
  needRefusal,
  PIECES_PER_PERSON,
  winterSpringApi,
  type NeedField,
} from '../../winterspring';
import { dropStaleFormError } from '../applications/common';
import { householdPicker, type PickedHousehold } from '../householdpicker';

export async function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const campaignId = Number(ctx.args.id);
  const needId = ctx.args.need ? Number(ctx.args.need) : null;
  const listHref = `#/winter-spring/${campaignId}?view=${needId ? 'needs' : 'survey'}`;
  const inner = h('div', { class: 'page-inner narrow' });
  const page = h('div', { class: 'page ws-form-page', 'data-testid': 'ws-need-form-screen' }, inner);
  root.append(page);

  let members: number | null = null;
  let editing: Application | null = null;
  let eventId: number | null = Number(ctx.params.get('event')) || null;

  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'ws-form-error' });
  const errors = formErrors<NeedField>(formError);
  const personsHint = h('span', { class: 'field-hint', 'data-testid': 'ws-persons-hint' });
  const picker = householdPicker({
    testid: 'ws-household',
    signal,
    onChange: (x) => {
      members = x?.members ?? null;
      if (!x || Number(ctx.params.get('household')) !== x.id) eventId = null;
      showMembers();
      if (x) {
        errors.dismiss('household');
        persons.focus();
      }
    },
  });
  const fixedHousehold = h('div', { class: 'objection-chosen', 'data-testid': 'ws-household-fixed', hidden: true });
  const householdBox = h('div', {}, picker.el, fixedHousehold);

  const num = (max: number, testid: string) => h('input', { type: 'text', class: 'input input-code ws-num', inputmode: 'numeric', maxlength: 4, autocomplete: 'off', 'data-max': max, 'data-testid': testid });
  const persons = num(99, 'ws-persons');
  const category = h('div', { class: 'ws-classes', role: 'radiogroup', 'data-testid': 'ws-category' });
  const classInputs = CLASSES.map((c) => {
    const input = h('input', { type: 'radio', name: 'ws-category', value: c, 'data-testid': `ws-class-${c}` });
    input.addEventListener('change', () => errors.dismiss('category'));
    category.append(
      h('label', { class: 'ws-class' }, input, h('span', { class: 'ws-class-text' }, h('strong', { i18n: `ws.class.${c}` as MsgKey }), h('span', { class: 'muted small', i18n: `ws.classHint.${c}` as MsgKey }))),
    );
    return input;
  });
  const food = num(MAX_FOOD_MONTHS, 'ws-food');
  const clothing = num(99, 'ws-clothing');
  const quilts = num(99, 'ws-quilts');
  const heating = h('input', { type: 'checkbox', 'data-testid': 'ws-heating' });
  const housing = h('input', { type: 'checkbox', 'data-testid': 'ws-housing' });
  const piecesHint = (key: MsgKey) => h('span', { class: 'field-hint', i18n: key });
  const clothingHint = h('span', { class: 'field-hint', 'data-testid': 'ws-clothing-hint' });
  const quiltsHint = h('span', { class: 'field-hint' });
  const toggles = h(
    'div',
    { class: 'ws-toggles' },
    h('label', { class: 'ws-toggle' }, heating, h('span', { i18n: 'ws.form.heating' })),
    h('label', { class: 'ws-toggle' }, housing, h('span', { i18n: 'ws.form.housing' })),
  );
  for (const b of [heating, housing]) b.addEventListener('change', () => errors.dismiss('needs'));
  const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: 2000, 'data-testid': 'ws-reason' });
  const phone = h('input', { type: 'tel', class: 'input', maxlength: 20, autocomplete: 'off', 'data-testid': 'ws-phone' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ws-submit-need', i18n: 'ws.form.submit' });

  const householdField = errorField(errors, 'household', 'ws.form.household', householdBox, 'ws-household');
  householdField.querySelector('label')?.setAttribute('for', 'ws-household-q-input');
  picker.input.id = 'ws-household-q-input';
  const needsGroup = h(
    'fieldset',
    { class: 'ws-needs-group' },
    h('legend', { i18n: 'ws.form.needs' }),
    h('div', { class: 'ws-needs-grid' }, errorField(errors, 'food_months', 'ws.form.food', food, 'ws-food-field', piecesHint('ws.form.foodHint')), errorField(errors, 'clothing', 'ws.form.clothing', clothing, 'ws-clothing-field', clothingHint), errorField(errors, 'quilts', 'ws.form.quilts', quilts, 'ws-quilts-field', quiltsHint)),
    toggles,
  );
  // The "at least one need" message belongs to the group as a whole.
  const needsError = h('div', { class: 'field-error', id: 'ws-needs-error', 'data-testid': 'ws-needs-error', hidden: true });
  const needsWrap = h('div', { class: 'field' }, needsGroup, needsError);
  errors.fields.set('needs', { wrap: needsWrap, error: needsError, control: food });
  const title = h('h1', { i18n: needId ? 'ws.form.editTitle' : 'ws.form.title' });

  const form = h(
    'form',
    { class: 'report-form ws-form', 'data-testid': 'ws-need-form', novalidate: true },
    householdField,
    errorField(errors, 'persons', 'ws.form.persons', persons, 'ws-persons-field', personsHint),
    errorField(errors, 'category', 'ws.form.category', category, 'ws-category-field'),
    needsWrap,
    errorField(errors, 'reason', 'ws.form.reason', reason, 'ws-reason-field', h('span', { class: 'field-hint', i18n: 'ws.form.reasonHint' })),
    errorField(errors, 'phone', 'ws.form.phone', phone, 'ws-phone-field'),
    formError,
    h('div', { class: 'form-actions ws-form-actions' }, h('a', { class: 'btn btn-ghost', href: listHref, i18n: 'ws.form.cancel' }), submit),
  );
  // errorField gave each control the field's id; the tests know the short ones.
  for (const [c, id] of [[persons, 'ws-persons'], [food, 'ws-food'], [clothing, 'ws-clothing'], [quilts, 'ws-quilts'], [reason, 'ws-reason'], [phone, 'ws-phone']] as const) c.dataset.testid = id;
  const status = h('div');
  inner.append(
    h('a', { class: 'link crumb', href: listHref, i18n: 'ws.form.back' }),
    h('div', { class: 'page-title' }, title, h('p', { class: 'muted page-sub', i18n: 'ws.form.sub' })),
    status,
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, form)),
  );

  const showMembers = () => {
    const lang = getLang();
    personsHint.textContent = members !== null ? t('appForm.personsHint', { n: formatInteger(members, lang) }) : '';
    const p = Number(persons.value) || 1;
    const pieces = Math.max(1, Math.min(p, members ?? p)) * PIECES_PER_PERSON;
    clothingHint.textContent = t('ws.form.piecesHint', { n: formatInteger(pieces, lang) });
    quiltsHint.textContent = clothingHint.textContent;
  };
  persons.addEventListener('input', showMembers);
  showMembers();

  const showFixed = (x: PickedHousehold) => {
    picker.el.hidden = true;
    fixedHousehold.hidden = false;
    fixedHousehold.dataset.householdId = String(x.id);
    fixedHousehold.replaceChildren(
      h('span', { class: 'strong' }, x.head_name),
      ' ',
      h('span', { class: 'mono' }, x.id_number_masked),
      ' · ',
      h('span', {}, t('appForm.members', { n: formatInteger(x.members, getLang()) })),
      x.address ? h('div', { class: 'muted small' }, x.address) : '',
    );
  };

  const draft = () => ({
    persons: persons.value,
    category: classInputs.find((i) => i.checked)?.value ?? '',
    food_months: food.value,
    clothing: clothing.value,
    quilts: quilts.value,
    heating: heating.checked,
    housing: housing.checked,
    reason: reason.value,
    phone: phone.value,
  });

  dropStaleFormError(form, errors);
  form.addEventListener('change', () => {
    if (errors.form && !errors.byField.size) {
      errors.form = null;
      errors.render();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const householdId = editing ? editing.household_id : picker.chosen()?.id;
    const checked = checkNeed(draft(), editing ? editing.members : members);
    if ('errors' in checked) {
      for (const [f, m] of checked.errors) errors.byField.set(f, m);
      errors.form = { key: 'ws.form.fixErrors' };
      errors.render();
      return void errors.firstInvalid()?.focus();
    }
    errors.render();
    submit.disabled = true;
    try {
      const v = checked.value;
      const saved = editing
        ? await winterSpringApi.revise(campaignId, editing.id, { persons: v.persons, category: v.category, needs: v.needs, reason: v.reason }, { signal })
        : await winterSpringApi.file(campaignId, { ...v, household_id: householdId!, event_id: eventId }, { signal });
      toast(t(editing ? 'ws.form.saved' : 'ws.form.filed', { id: saved.id, name: saved.name }));
      navigate(`/winter-spring/${campaignId}`, { view: 'needs' });
    } catch (err) {
      if (isAbort(err)) return;
      const refusal = needRefusal(err);
      if (refusal) {
        errors.clear();
        // The locked area by its name, where the campaign's county figures know it.
        const code = refusal.key === 'ws.err.locked' ? String(refusal.params?.area ?? '') : '';
        if (code) {
          const counties = await winterSpringApi.summary(campaignId, 'county', { signal }).catch(() => null);
          const name = counties?.areas.find((a) => a.area_code === code)?.area_name;
          if (name) refusal.params = { ...refusal.params, area: `${name} ${code}` };
        }
        errors.form = refusal;
        errors.render();
        formError.dataset.status = '409';
        formError.scrollIntoView({ block: 'nearest' });
      } else {
        showServerErrors(errors, err, needFieldOf);
      }
    } finally {
      submit.disabled = false;
    }
  });

  // Opened for a household (from the proposals) or to edit a record: fill in what is known.
  const wantedHousehold = Number(ctx.params.get('household')) || null;
  try {
    if (needId) {
      status.replaceChildren(statusBlock(t('ws.loading')));
      const a = await applicationsApi.get(needId, { signal });
      status.replaceChildren();
      if (a.campaign_id !== campaignId) throw new Error(t('ws.form.notInCampaign'));
      editing = a;
      members = a.members;
      showFixed({ id: a.household_id, head_name: a.name, id_number_masked: a.id_number, members: a.members, address: a.area_name });
      persons.value = String(a.persons);
      const cls = classInputs.find((i) => i.value === a.hardship_class);
      if (cls) cls.checked = true;
      food.value = String(a.needs?.food_months ?? 0);
      clothing.value = String(a.needs?.clothing ?? 0);
      quilts.value = String(a.needs?.quilts ?? 0);
      heating.checked = !!a.needs?.heating;
      housing.checked = !!a.needs?.housing;
      reason.value = a.reason;
      phone.value = a.phone ?? '';
      phone.disabled = true;
      showMembers();
      if (!isEditable(a)) {
        errors.form = { key: 'ws.form.notEditable' };
        errors.render();
        submit.disabled = true;
        form.querySelectorAll<HTMLInputElement>('input, textarea').forEach((i) => (i.disabled = true));
      }
    } else if (wantedHousehold) {
      const x = await householdsApi.household(wantedHousehold, { signal });
      picker.set(x);
    }
  } catch (err) {
    if (isAbort(err)) return;
    status.replaceChildren(statusBlock(errorText(err), true));
  }
  page.dataset.ready = 'true';

  ctx.onLang(() => {
    picker.relabel();
    showMembers();
    if (errors.form && 'key' in errors.form) formError.textContent = msgText(errors.form);
    errors.render();
  });
}
