// One household (#/households/:id): its fields, members and programmes as the API gives them (ID
// number and bank account masked), for managers and reporters of its area an edit form (PATCH, only
// the changed fields, after a confirmation; without a network it waits in the outbox and the page
// reads the household again once it is sent), and its damage records per event (householddamage.ts).
import { disasterApi } from '../disaster';
import { h, setLabel } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDate, formatDateTime, formatInteger } from '../format';
import { errorField, formErrors, showServerErrors } from '../formerrors';
import { confirmAction } from '../confirm';
import { HOUSEHOLD_TYPES, householdEdits, householdsApi, parseCount, programmeText, type Household } from '../households';
import { getLang, label, t, type MsgKey } from '../i18n';
import { newUuid } from '../idempotency';
import { failureText, isStale, labelText, type QueuedWrite, type WriteLabel } from '../outbox';
import { myWrites, onOutboxChange, QUEUED, sendOrQueue } from '../outboxsync';
import { hasRole, HOUSEHOLD_EDITORS } from '../roles';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { badge, dataTable, statusBlock } from '../widgets';
import { damageCard } from './householddamage';

type EditField = 'head_name' | 'address' | 'household_type' | 'members' | 'bank_account';
const EDIT_FIELDS: readonly EditField[] = ['head_name', 'address', 'household_type', 'members', 'bank_account'];

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const id = Number(ctx.args.id);
  const canEdit = hasRole(ctx.session!.user, HOUSEHOLD_EDITORS);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page household-page', 'data-testid': 'household-screen', 'data-household-id': String(id) }, inner);
  root.append(page);

  const status = h('div');
  const head = h('div', { class: 'page-title' });
  const facts = h('dl', { class: 'hh-facts', 'data-testid': 'household-facts' });
  const members = dataTable([{ key: 'hhd.relation' }, { key: 'hhd.ageGroup' }, { key: 'hhd.disability' }], 'household-members');
  const programmes = dataTable([{ key: 'hh.programmes' }, { key: 'hhd.since' }, { key: 'hhd.until' }], 'household-programmes');
  const editSlot = h('div');
  const damageSlot = h('div');
  inner.append(
    h('a', { class: 'link crumb', href: '#/households', 'data-testid': 'household-back', i18n: 'hhd.back' }),
    head,
    status,
    h(
      'div',
      { class: 'hh-detail-grid' },
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'hhd.facts' })), facts),
      h(
        'section',
        { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', { i18n: 'hhd.membersTitle' })),
        h('div', { class: 'table-wrap' }, members.table),
        h('h3', { class: 'sub-head', i18n: 'hhd.programmesTitle' }),
        h('div', { class: 'table-wrap' }, programmes.table),
      ),
    ),
    editSlot,
    damageSlot,
  );

  let household: Household | null = null;
  let areaName = '';
  /** The key of this household's edit waiting in the outbox, if one does. */
  let waiting: string | null = null;
  const pendingNote = h('div', { class: 'form-note hh-pending', role: 'status', 'data-testid': 'hh-edit-pending', hidden: true });
  const editPath = `/households/${id}`;

  /** The key of a refused edit for which the household was read again (once per refusal). */
  let reread: string | null = null;
  /** The waiting edit was last seen refused: if it leaves the outbox, it was dropped. */
  let dropped = false;
  /** The note of an edit waiting for the network, or refused when it was sent (in the language of now). */
  const renderPending = (w: QueuedWrite | undefined) => {
    pendingNote.hidden = !w;
    pendingNote.dataset.state = w ? (w.failure ? (isStale(w) ? 'stale' : 'refused') : 'waiting') : '';
    pendingNote.classList.toggle('text-danger', !!w?.failure);
    const message = w?.failure ? failureText(w) : '';
    pendingNote.textContent = !w
      ? ''
      : !w.failure
        ? t('hhd.pending')
        : isStale(w)
          ? t('hhd.pendingStale')
          : t('hhd.pendingRefused', { message: message.replace(/[。.]+$/, '') });
  };
  /** Whether the waiting edit went: then the household is read again, as the server now has it
   *  (also when it was refused because someone else changed the household meanwhile). */
  const checkWaiting = async () => {
    if (!waiting) return renderPending(undefined);
    const w = (await myWrites()).find((x) => x.key === waiting);
    if (signal.aborted) return;
    renderPending(w);
    if (w && isStale(w) && reread !== w.key) {
      reread = w.key;
      await load();
    }
    if (w) {
      dropped = !!w.failure;
      return;
    }
    waiting = null;
    // A refused edit that left the outbox was dropped by the user, not saved.
    if (dropped) return void (dropped = false);
    await load();
    toast(t('hhd.saved'));
  };
  ctx.defer(onOutboxChange(() => void checkWaiting()));

  const render = () => {
    if (!household) return;
    const x = household;
    const lang = getLang();
    head.replaceChildren(
      h('h1', { 'data-testid': 'household-head' }, x.head_name, ' ', x.priority ? badge(t('hh.priority'), 'badge-priority', { title: t('hh.priorityHint') }) : ''),
      h('p', { class: 'muted page-sub' }, `${label('hhType', x.household_type, lang === 'zh' ? x.household_type_zh : x.household_type)} · ${areaName || x.area_code}`),
    );
    const fact = (key: MsgKey, value: string, testid?: string) => [h('dt', { i18n: key }), h('dd', { 'data-testid': testid }, value || '—')];
    facts.replaceChildren(
      ...fact('hh.idNumber', x.id_number_masked, 'household-id-number'),
      ...fact('hh.type', label('hhType', x.household_type, lang === 'zh' ? x.household_type_zh : x.household_type)),
      ...fact('hh.members', formatInteger(x.members, lang), 'household-members-count'),
      ...fact('hh.township', areaName ? `${areaName}（${x.area_code}）` : x.area_code),
      ...fact('hh.address', x.address, 'household-address'),
      ...fact('hhd.bank', x.bank_account_masked ?? '', 'household-bank'),
      ...fact('hh.programmes', programmeText(x.programmes, lang)),
      ...fact('hhd.location', x.lat !== null && x.lat !== undefined && x.lon !== null && x.lon !== undefined ? `${x.lat.toFixed(5)}, ${x.lon.toFixed(5)}` : ''),
      ...fact('hhd.updated', formatDateTime(x.updated_at, lang)),
    );
    members.body.replaceChildren(
      ...(x.member_list.length
        ? x.member_list.map((m) => h('tr', {}, h('td', {}, m.relation), h('td', {}, label('ageGroup', m.age_group)), h('td', {}, m.disability ? t('dmg.yes') : t('dmg.no'))))
        : [h('tr', {}, h('td', { colspan: 3, class: 'empty-cell', i18n: 'hhd.noMembers' }))]),
    );
    programmes.body.replaceChildren(
      ...(x.programmes.length
        ? x.programmes.map((p) => h('tr', {}, h('td', {}, label('programme', p.programme)), h('td', {}, formatDate(p.since)), h('td', {}, formatDate(p.until))))
        : [h('tr', {}, h('td', { colspan: 3, class: 'empty-cell', i18n: 'hhd.noProgrammes' }))]),
    );
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('hhd.loading')));
    try {
      household = await householdsApi.household(id, { signal });
      areaName = await disasterApi
        .areas({ parent: household.area_code.slice(0, 6), level: 'township' }, { signal })
        .then((rows) => rows.find((a) => a.code === household!.area_code.slice(0, 9))?.name ?? '')
        .catch(() => '');
      status.replaceChildren();
      render();
      if (canEdit && !editSlot.firstChild) {
        editSlot.append(editCard());
        // An edit made here earlier without a network may still wait (the page was reloaded offline).
        waiting = (await myWrites()).filter((w) => w.method === 'PATCH' && w.path === editPath).pop()?.key ?? null;
        await checkWaiting();
      }
      if (!damageSlot.firstChild) damageSlot.append(damageCard(ctx, household, canEdit));
      page.dataset.ready = 'true';
    } catch (err) {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  /** The edit form, filled from the household each time it is opened. */
  const editCard = (): HTMLElement => {
    const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'hh-edit-error', hidden: true });
    const errors = formErrors<EditField>(formError);
    const headName = h('input', { type: 'text', class: 'input', maxlength: 50, autocomplete: 'off' });
    const address = h('input', { type: 'text', class: 'input', maxlength: 200, autocomplete: 'off' });
    const type = h('select', { class: 'select' }, ...HOUSEHOLD_TYPES.map((x) => h('option', { value: x, i18n: `hhType.${x}` as MsgKey })));
    const count = h('input', { type: 'text', class: 'input', inputmode: 'numeric', autocomplete: 'off' });
    const bank = h('input', { type: 'text', class: 'input', inputmode: 'numeric', autocomplete: 'off', maxlength: 32 });
    const headWrap = errorField(errors, 'head_name', 'hh.name', headName, 'hh-edit-head-name');
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'hh-edit-save', i18n: 'hhd.save' });
    const form = h(
      'form',
      { class: 'admin-form', 'data-testid': 'hh-edit-form', novalidate: true, hidden: true },
      headWrap,
      errorField(errors, 'address', 'hh.address', address, 'hh-edit-address'),
      errorField(errors, 'household_type', 'hh.type', type, 'hh-edit-type'),
      errorField(errors, 'members', 'hh.members', count, 'hh-edit-members'),
      errorField(errors, 'bank_account', 'hhd.bank', bank, 'hh-edit-bank', h('div', { class: 'field-hint', i18n: 'hhd.bankHint' })),
      h('div', { class: 'form-actions' }, save),
      formError,
    );
    const open = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'hh-edit-open', i18n: 'hhd.edit' });
    const fill = () => {
      const x = household!;
      // A masked name cannot be edited: typing over 张*明 would store the mask.
      headWrap.hidden = x.name_masked;
      headName.value = x.head_name;
      address.value = x.address;
      type.value = x.household_type;
      count.value = String(x.members);
      bank.value = '';
      errors.clear();
      errors.render();
    };
    open.addEventListener('click', () => {
      form.hidden = !form.hidden;
      setLabel(open, form.hidden ? 'hhd.edit' : 'hhd.cancel');
      if (!form.hidden) fill();
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const members = parseCount(count.value);
      errors.clear();
      if (members === null || members < 1) {
        errors.byField.set('members', { key: 'dmg.notNumber' });
        errors.render();
        return;
      }
      const edits = householdEdits(household!, {
        head_name: household!.name_masked ? undefined : headName.value.trim(),
        address: address.value.trim(),
        household_type: type.value as Household['household_type'],
        members,
        bank_account: bank.value.replace(/\s+/g, ''),
      });
      if (!Object.keys(edits).length) {
        errors.form = { key: 'admin.noChange' };
        errors.render();
        return;
      }
      const lang = getLang();
      const shown = (k: EditField, v: unknown) => (k === 'household_type' ? label('hhType', String(v)) : k === 'bank_account' ? '••••' : k === 'members' ? formatInteger(Number(v), lang) : String(v));
      const yes = await confirmAction({
        title: t('hhd.editTitle'),
        body: [
          h('p', {}, t('hhd.confirmEdit')),
          h('ul', { class: 'confirm-items' }, ...EDIT_FIELDS.filter((k) => k in edits).map((k) => h('li', {}, `${t(editLabel(k))}: ${shown(k, edits[k])}`))),
        ],
        confirmKey: 'hhd.save',
      });
      if (!yes) return;
      save.disabled = true;
      const what: WriteLabel = { key: 'outbox.kind.household', params: { name: household!.head_name } };
      const key = newUuid();
      try {
        const saved = await sendOrQueue<Household>(householdsApi.updateWrite(id, edits, household!.updated_at, key, what), signal);
        form.hidden = true;
        setLabel(open, 'hhd.edit');
        if (saved === QUEUED) {
          waiting = key;
          await checkWaiting();
          return void toast(t('outbox.queued', { what: labelText(what) }));
        }
        household = saved;
        render();
        toast(t('hhd.saved'));
      } catch (err) {
        if (!isAbort(err)) showServerErrors(errors, err, (f) => (EDIT_FIELDS as readonly string[]).includes(f ?? '') ? (f as EditField) : null);
      } finally {
        save.disabled = false;
      }
    });
    return h('section', { class: 'card', 'data-testid': 'hh-edit-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'hhd.editTitle' }), open), pendingNote, form);
  };

  void load();
  ctx.onLang(render);
  ctx.onLang(() => void checkWaiting());
}

function editLabel(field: EditField): MsgKey {
  return field === 'head_name' ? 'hh.name' : field === 'address' ? 'hh.address' : field === 'household_type' ? 'hh.type' : field === 'members' ? 'hh.members' : 'hhd.bank';
}
