// The audit trail (#/audit, auditors and admins): filters by action, object type and id, user and
// a range of days (Beijing dates, both included; the filters the API takes), newest first, older records on "load more"; each record's action in
// words and its before/after reduced to the fields that changed.
import { actionLabel, auditApi, auditChanges, auditRange, AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, AUDIT_PAGE_SIZE, entityLabel, type AuditFilter, type AuditRecord } from '../audit';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatInteger } from '../format';
import { getLang, t } from '../i18n';
import type { ScreenContext } from '../screen';
import { dataTable, statusBlock } from '../widgets';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page audit-page', 'data-testid': 'audit-screen' }, inner);
  root.append(page);

  // ---- filters (kept in the address, so a filtered view can be linked) --------------------------
  const choice = (testid: string, ariaKey: 'audit.action' | 'audit.entityType', values: readonly string[], text: (v: string) => string) => {
    const select = h('select', { class: 'select', 'data-testid': testid, i18nAriaLabel: ariaKey });
    const fill = () => {
      const chosen = select.value;
      select.replaceChildren(h('option', { value: '', i18n: 'audit.all' }), ...values.map((v) => h('option', { value: v }, text(v))));
      select.value = chosen;
    };
    fill();
    ctx.onLang(fill);
    return select;
  };
  const action = choice('audit-action', 'audit.action', AUDIT_ACTIONS, actionLabel);
  const entityType = choice('audit-entity-type', 'audit.entityType', AUDIT_ENTITY_TYPES, entityLabel);
  const entityId = h('input', { type: 'text', class: 'input', 'data-testid': 'audit-entity-id', autocomplete: 'off', maxlength: 100 });
  const actor = h('input', { type: 'text', class: 'input', 'data-testid': 'audit-actor', autocomplete: 'off', maxlength: 64 });
  action.value = ctx.params.get('action') ?? '';
  entityType.value = ctx.params.get('entity_type') ?? '';
  entityId.value = ctx.params.get('entity_id') ?? '';
  actor.value = ctx.params.get('actor_name') ?? '';
  // The days as typed (the address keeps them so, not as times).
  const fromDay = h('input', { type: 'date', class: 'input', 'data-testid': 'audit-from' });
  const toDay = h('input', { type: 'date', class: 'input', 'data-testid': 'audit-to' });
  fromDay.value = ctx.params.get('from_day') ?? '';
  toDay.value = ctx.params.get('to_day') ?? '';
  const rangeError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'audit-range-error' });

  const labelled = (key: 'audit.action' | 'audit.entityType' | 'audit.entityId' | 'audit.actor' | 'audit.from' | 'audit.to', control: HTMLElement) =>
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: key }), control);
  const reset = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'audit-reset', i18n: 'audit.reset' });
  const form = h(
    'form',
    { class: 'audit-filters', 'data-testid': 'audit-filters', role: 'search' },
    labelled('audit.action', action),
    labelled('audit.entityType', entityType),
    labelled('audit.entityId', entityId),
    labelled('audit.actor', actor),
    labelled('audit.from', fromDay),
    labelled('audit.to', toDay),
    h('div', { class: 'audit-buttons' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'audit-submit', i18n: 'audit.filter' }), reset),
  );

  const tbl = dataTable([{ key: 'audit.at' }, { key: 'audit.actor' }, { key: 'audit.action' }, { key: 'audit.entityType' }, { key: 'audit.change' }], 'audit-table', 'audit-table');
  const status = h('div');
  const count = h('span', { class: 'muted', 'data-testid': 'audit-count' });
  const more = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'audit-more', i18n: 'audit.more', hidden: true });
  const end = h('span', { class: 'muted small', 'data-testid': 'audit-end', i18n: 'audit.end', hidden: true });

  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'audit.title' }), h('p', { class: 'muted page-sub', i18n: 'audit.sub' })),
    h(
      'section',
      { class: 'card' },
      form,
      rangeError,
      h('p', { class: 'muted small', i18n: 'audit.timeNote' }),
      status,
      h('div', { class: 'table-wrap' }, tbl.table),
      h('div', { class: 'pager' }, count, more, end),
    ),
  );

  // ---- data ---------------------------------------------------------------------------------------
  let records: AuditRecord[] = [];
  let nextBefore: number | null | undefined;
  let seq = 0;

  /** The filter of the form, or null when its days are wrong (the message then shows). */
  const filter = (): AuditFilter | null => {
    const range = auditRange(fromDay.value, toDay.value);
    rangeError.hidden = !('error' in range);
    rangeError.textContent = 'error' in range ? t(range.error) : '';
    if ('error' in range) return null;
    return {
      action: action.value || undefined,
      entity_type: entityType.value || undefined,
      entity_id: entityId.value.trim() || undefined,
      actor_name: actor.value.trim() || undefined,
      ...range,
    };
  };

  const render = () => {
    const lang = getLang();
    count.textContent = t('audit.shown', { n: formatInteger(records.length, lang) });
    more.hidden = !nextBefore;
    end.hidden = !!nextBefore || !records.length;
    tbl.body.replaceChildren(
      ...(records.length ? records.map((r) => recordRow(r, lang)) : [h('tr', {}, h('td', { colspan: 5, class: 'empty-cell', i18n: 'audit.empty' }))]),
    );
  };

  /** The first page of the current filter (`append` false) or the next older page. */
  const load = async (append: boolean) => {
    const f = filter();
    if (!f) return;
    const my = ++seq;
    page.dataset.ready = 'false';
    more.disabled = true;
    if (!append) status.replaceChildren(statusBlock(t('audit.loading')));
    try {
      const res = await auditApi.page(f, append ? (nextBefore ?? undefined) : undefined, { signal });
      if (my !== seq) return;
      records = append ? [...records, ...res.records] : res.records;
      // A short page is the last one even when the server still names an id to go on from.
      nextBefore = res.records.length < AUDIT_PAGE_SIZE ? null : res.next_before_id;
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(append), t('map.retry')));
    } finally {
      more.disabled = false;
    }
  };

  const apply = () => {
    // The filter goes into the address without a new history entry per change.
    const f = {
      action: action.value,
      entity_type: entityType.value,
      entity_id: entityId.value.trim(),
      actor_name: actor.value.trim(),
      from_day: fromDay.value,
      to_day: toDay.value,
    };
    const qs = new URLSearchParams(Object.entries(f).filter((e) => !!e[1])).toString();
    history.replaceState(null, '', `#/audit${qs ? `?${qs}` : ''}`);
    void load(false);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  action.addEventListener('change', apply);
  entityType.addEventListener('change', apply);
  fromDay.addEventListener('change', apply);
  toDay.addEventListener('change', apply);
  reset.addEventListener('click', () => {
    action.value = entityType.value = entityId.value = actor.value = fromDay.value = toDay.value = '';
    apply();
  });
  more.addEventListener('click', () => void load(true));

  void load(false);
  ctx.onLang(() => {
    render();
    void filter();
  });
}

function recordRow(r: AuditRecord, lang: 'zh' | 'en'): HTMLElement {
  const changes = auditChanges(r.before, r.after);
  const change = h('td', { class: 'audit-change' });
  if (changes.length) {
    change.append(
      h(
        'dl',
        { class: 'audit-diff' },
        ...changes.flatMap((c) => [
          h('dt', {}, c.field || t('audit.whole')),
          h('dd', {}, c.before ? h('del', {}, c.before) : '', c.before && c.after ? ' → ' : '', c.after ? h('ins', {}, c.after) : ''),
        ]),
      ),
    );
  } else {
    change.append(h('span', { class: 'muted' }, '—'));
  }
  return h(
    'tr',
    { 'data-testid': `audit-row-${r.id}`, 'data-action': r.action, 'data-actor': r.actor_name },
    h('td', { class: 'nowrap', title: r.request_id ? t('audit.request', { id: r.request_id }) : undefined }, formatDateTime(r.at, lang)),
    h('td', {}, r.actor_id === null || r.actor_id === undefined ? t('audit.system') : r.actor_name),
    h('td', { class: 'strong', title: r.action }, actionLabel(r.action)),
    h('td', {}, entityLabel(r.entity_type), r.entity_id ? h('span', { class: 'muted mono' }, ` #${r.entity_id}`) : ''),
    change,
  );
}
