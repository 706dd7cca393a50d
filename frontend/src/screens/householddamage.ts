// A household's damage records, one event at a time: the record the event has for it (if any) and,
// for managers and reporters, the form that records or replaces it (POST .../household-damage), with
// the server's reasons beside their fields. The API lists records per event and area, not per
// household, so the household's own area is asked and its record picked out. Recorded without a
// network, the record waits in the outbox (the server keeps one record per household and event,
// so sending it again replaces it with the same).
import { confirmAction } from '../confirm';
import { disasterApi, eventOption, sortEvents, type DisasterEvent } from '../disaster';
import { h, setLabel } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatInteger } from '../format';
import { errorField, formErrors, readyToSend, showServerErrors } from '../formerrors';
import { DAMAGE_COUNTS, EXCLUSIONS, HOUSE_DAMAGE, householdsApi, parseCount, type DamageInput, type DamageRecord, type Household } from '../households';
import { getLang, label, t, type MsgKey } from '../i18n';
import { newUuid } from '../idempotency';
import { labelText, type WriteLabel } from '../outbox';
import { QUEUED, sendOrQueue } from '../outboxsync';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { statusBlock } from '../widgets';

type DamageField = (typeof DAMAGE_COUNTS)[number] | 'house_damage' | 'exclusions' | 'crop_total_loss' | 'has_other_home';
const FLAGS = ['crop_total_loss', 'has_other_home'] as const;

export function damageCard(ctx: ScreenContext, household: Household, canRecord: boolean): HTMLElement {
  const { signal } = ctx;
  const eventSel = h('select', { class: 'select', 'data-testid': 'damage-event', i18nAriaLabel: 'hh.event' });
  const status = h('div');
  const current = h('div', { class: 'damage-current', 'data-testid': 'damage-current' });
  let events: DisasterEvent[] = [];
  let record: DamageRecord | null = null;

  // ---- the form ---------------------------------------------------------------------------------------
  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'damage-error', hidden: true });
  const errors = formErrors<DamageField>(formError);
  const houseDamage = h('select', { class: 'select' }, ...HOUSE_DAMAGE.map((d) => h('option', { value: d, i18n: `houseDamage.${d}` as MsgKey })));
  const counts = new Map(DAMAGE_COUNTS.map((c) => [c, h('input', { type: 'text', class: 'input', inputmode: 'numeric', autocomplete: 'off', value: '0' })]));
  const flags = new Map(FLAGS.map((f) => [f, h('input', { type: 'checkbox', 'data-testid': `damage-${f}` })]));
  const exclusions = new Map(EXCLUSIONS.map((x) => [x, h('input', { type: 'checkbox', value: x, 'data-testid': `damage-exclusion-${x}` })]));
  const exclusionBox = h('div', { class: 'check-grid' }, ...[...exclusions].map(([x, box]) => h('label', { class: 'check' }, box, h('span', { i18n: `exclusion.${x}` as MsgKey }))));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'damage-submit', i18n: 'hhd.record' });
  const form = h(
    'form',
    { class: 'damage-form', 'data-testid': 'damage-form', novalidate: true },
    errorField(errors, 'house_damage', 'dmg.house_damage', houseDamage, 'damage-house_damage'),
    h('div', { class: 'damage-counts' }, ...[...counts].map(([c, input]) => errorField(errors, c, `dmg.${c}` as MsgKey, input, `damage-${c}`))),
    h('div', { class: 'check-grid' }, ...[...flags].map(([f, box]) => h('label', { class: 'check' }, box, h('span', { i18n: `dmg.${f}` as MsgKey })))),
    errorField(errors, 'exclusions', 'dmg.exclusions', exclusionBox, 'damage-exclusions'),
    h('div', { class: 'form-actions' }, submit),
    formError,
  );
  form.hidden = !canRecord;

  /** The form shows the event's record, or a blank one. */
  const fill = () => {
    houseDamage.value = record?.house_damage ?? 'none';
    for (const [c, input] of counts) input.value = String(record?.[c] ?? 0);
    for (const [f, box] of flags) box.checked = record?.[f] ?? false;
    for (const [x, box] of exclusions) box.checked = record?.exclusions.includes(x) ?? false;
    setLabel(submit, record ? 'hhd.replace' : 'hhd.record');
    errors.clear();
    errors.render();
  };

  const renderCurrent = () => {
    const lang = getLang();
    if (!record) {
      current.replaceChildren(h('p', { class: 'muted', 'data-testid': 'damage-none', i18n: 'hhd.noDamage' }));
      return;
    }
    const r = record;
    const item = (key: MsgKey, value: string, field: string) => [h('dt', { i18n: key }), h('dd', { 'data-testid': `damage-shown-${field}` }, value)];
    current.replaceChildren(
      h(
        'dl',
        { class: 'hh-facts' },
        ...item('dmg.house_damage', label('houseDamage', r.house_damage), 'house_damage'),
        ...DAMAGE_COUNTS.flatMap((c) => item(`dmg.${c}` as MsgKey, formatInteger(r[c], lang), c)),
        ...FLAGS.flatMap((f) => item(`dmg.${f}` as MsgKey, t(r[f] ? 'dmg.yes' : 'dmg.no'), f)),
        ...item('dmg.exclusions', r.exclusions.map((x) => label('exclusion', x)).join(lang === 'zh' ? '、' : ', ') || '—', 'exclusions'),
      ),
      h('p', { class: 'muted small' }, t('hhd.recordedBy', { who: r.recorded_by, at: formatDateTime(r.recorded_at, lang) })),
    );
  };

  const loadRecord = async () => {
    const eventId = Number(eventSel.value);
    record = null;
    card.dataset.ready = 'false';
    if (!eventId) {
      renderCurrent();
      return;
    }
    status.replaceChildren(statusBlock(t('hhd.loading')));
    try {
      const rows = await householdsApi.damage(eventId, household.area_code, { signal });
      if (Number(eventSel.value) !== eventId) return;
      record = rows.find((r) => r.household_id === household.id) ?? null;
      status.replaceChildren();
      renderCurrent();
      fill();
      card.dataset.ready = 'true';
    } catch (err) {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true, () => void loadRecord(), t('map.retry')));
    }
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const event = events.find((e) => e.id === Number(eventSel.value));
    if (!event) return;
    errors.clear();
    const body: DamageInput = {
      household_id: household.id,
      house_damage: houseDamage.value as DamageInput['house_damage'],
      crop_total_loss: flags.get('crop_total_loss')!.checked,
      has_other_home: flags.get('has_other_home')!.checked,
      exclusions: [...exclusions].filter(([, box]) => box.checked).map(([x]) => x),
    };
    for (const [c, input] of counts) {
      const n = parseCount(input.value);
      if (n === null) errors.byField.set(c, { key: 'dmg.notNumber' });
      else body[c] = n;
    }
    if (!readyToSend(errors)) return;
    const yes = await confirmAction({
      title: t(record ? 'hhd.replace' : 'hhd.record'),
      body: [h('p', {}, t(record ? 'hhd.confirmReplace' : 'hhd.confirmDamage', { event: event.name }))],
      confirmKey: record ? 'hhd.replace' : 'hhd.record',
    });
    if (!yes) return;
    submit.disabled = true;
    const what: WriteLabel = { key: 'outbox.kind.damage', params: { name: household.head_name } };
    try {
      const saved = await sendOrQueue<DamageRecord>(householdsApi.damageWrite(event.id, body, newUuid(), what), signal);
      if (saved === QUEUED) return void toast(t('outbox.queued', { what: labelText(what) }));
      record = saved;
      renderCurrent();
      fill();
      toast(t('hhd.recorded'));
    } catch (err) {
      if (!isAbort(err)) showServerErrors(errors, err, (f) => (f && errors.fields.has(f as DamageField) ? (f as DamageField) : null));
    } finally {
      submit.disabled = false;
    }
  });

  eventSel.addEventListener('change', () => void loadRecord());
  const card = h(
    'section',
    { class: 'card', 'data-testid': 'damage-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', {}, h('h2', { i18n: 'hhd.damageTitle' }), h('p', { class: 'card-sub muted', i18n: 'hhd.damageSub' })),
      h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'hh.event' }), eventSel),
    ),
    status,
    current,
    form,
  );

  disasterApi
    .events({ signal })
    .then((list) => {
      events = sortEvents(list);
      const chosen = Number(ctx.params.get('event')) || events[0]?.id;
      eventSel.replaceChildren(...(events.length ? events.map((e) => h('option', { value: String(e.id) }, eventOption(e))) : [h('option', { value: '', i18n: 'hhd.noEvents' })]));
      if (chosen) eventSel.value = String(chosen);
      void loadRecord();
    })
    .catch((err) => {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true));
    });
  ctx.onLang(() => {
    renderCurrent();
    for (const o of eventSel.options) {
      const e = events.find((x) => String(x.id) === o.value);
      if (e) o.textContent = eventOption(e);
    }
  });
  return card;
}
