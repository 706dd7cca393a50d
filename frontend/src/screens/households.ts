// Household register (#/households): search by name (masked for readers without need) or whole ID
// number, a township filter by name, a paged table with type, members, area and programmes whose
// rows open the household (#/households/:id); for registrars the import of household files; for
// managers the hand-off exports per event.
import { disasterApi, sortEvents, type DisasterEvent } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatInteger } from '../format';
import { HANDOFF_PROGRAMMES, HOUSEHOLD_TYPES, householdSearch, householdsApi, programmeText, resolveArea, townshipOptions, type AreaOption, type Household, type HouseholdPage } from '../households';
import { getLang, label, t, type MsgKey } from '../i18n';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { dataTable, statusBlock } from '../widgets';
import { importCard } from './householdimport';

const PAGE_SIZE = 50;

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const role = String(ctx.session?.user.role ?? '');
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page households-page', 'data-testid': 'households-screen' }, inner);
  root.append(page);

  // ---- search form -------------------------------------------------------------
  const q = h('input', { type: 'search', class: 'input', 'data-testid': 'households-q', i18nPlaceholder: 'hh.searchPlaceholder', value: ctx.params.get('q') ?? '' });
  // Townships by name ("十里街道（浔阳区）"), or a division code typed as it is.
  const townships = h('datalist', { id: 'households-townships' });
  const area = h('input', { type: 'text', class: 'input', 'data-testid': 'households-area', list: townships.id, autocomplete: 'off', maxlength: 40, i18nPlaceholder: 'hh.townshipPlaceholder' });
  const areaError = h('div', { class: 'field-error', 'data-testid': 'households-area-error', hidden: true });
  let areaOptions: AreaOption[] = [];
  /** A household's township by name (a village's code starts with its township's). */
  const areaText = (code: string) => areaOptions.find((o) => o.code === code.slice(0, 9))?.text ?? code;
  const type = h(
    'select',
    { class: 'select', 'data-testid': 'households-type', i18nAriaLabel: 'hh.type' },
    h('option', { value: '', i18n: 'hh.all' }),
    ...HOUSEHOLD_TYPES.map((x) => h('option', { value: x, i18n: `hhType.${x}` as MsgKey })),
  );
  const form = h(
    'form',
    { class: 'hh-search', 'data-testid': 'households-search', role: 'search' },
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'hh.name' }), q),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'hh.township' }), area, townships, areaError),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'hh.type' }), type),
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'households-submit', i18n: 'hh.search' }),
  );

  const count = h('span', { class: 'muted', 'data-testid': 'households-count' });
  const tbl = dataTable(
    [
      { key: 'hh.name' },
      { key: 'hh.idNumber' },
      { key: 'hh.type' },
      { key: 'hh.members', cls: 'num' },
      { key: 'hh.township' },
      { key: 'hh.address' },
      { key: 'hh.programmes' },
      { key: 'hh.open' },
    ],
    'households-table',
  );
  const prev = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'households-prev', i18n: 'hh.prev' });
  const next = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'households-next', i18n: 'hh.next' });
  const pageNo = h('span', { class: 'muted', 'data-testid': 'households-page' });
  const status = h('div');

  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'hh.title' }), h('p', { class: 'muted page-sub', i18n: 'hh.sub' })),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'card-head' }, form, count),
      status,
      h('div', { class: 'table-wrap' }, tbl.table),
      h('div', { class: 'pager' }, prev, pageNo, next),
    ),
  );

  // ---- import (registrars) and hand-off exports (managers and admins) ---------------
  if (role === 'manager' || role === 'admin' || role === 'reporter') {
    inner.append(
      importCard(signal, () => {
        cursors = [undefined];
        void load();
      }),
    );
  }
  if (role === 'manager' || role === 'admin') inner.append(handoffCard(signal));

  // ---- data --------------------------------------------------------------------
  // Cursor paging: the before_id of each page seen, so "previous" can go back.
  let cursors: Array<number | undefined> = [undefined];
  let current: HouseholdPage | null = null;
  let seq = 0;

  const render = () => {
    const lang = getLang();
    if (!current) return;
    count.textContent = t('hh.count', { n: formatInteger(current.total, lang) });
    pageNo.textContent = t('hh.page', { page: cursors.length });
    prev.disabled = cursors.length <= 1;
    next.disabled = !current.next_before_id;
    if (!current.households.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty-cell', i18n: 'hh.empty' })));
      return;
    }
    tbl.body.replaceChildren(...current.households.map((x) => row(x, lang, areaText(x.area_code))));
  };

  const load = async () => {
    const areaCode = resolveArea(area.value, areaOptions);
    areaError.hidden = areaCode !== null;
    areaError.textContent = areaCode === null ? t('hh.townshipUnknown', { text: area.value.trim() }) : '';
    if (areaCode === null) return;
    const my = ++seq;
    status.replaceChildren(statusBlock(t('hh.loading')));
    page.dataset.ready = 'false';
    try {
      const res = await householdsApi.search(
        {
          ...householdSearch(q.value),
          area_code: areaCode || undefined,
          household_type: type.value || undefined,
          before_id: cursors[cursors.length - 1],
          limit: PAGE_SIZE,
        },
        { signal },
      );
      if (my !== seq || signal.aborted) return;
      current = res;
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
      page.dataset.total = String(res.total);
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    cursors = [undefined];
    void load();
  });
  type.addEventListener('change', () => {
    cursors = [undefined];
    void load();
  });
  next.addEventListener('click', () => {
    if (!current?.next_before_id) return;
    cursors.push(current.next_before_id);
    void load();
  });
  prev.addEventListener('click', () => {
    if (cursors.length <= 1) return;
    cursors.pop();
    void load();
  });

  // The townships of the caller's city, named with their county.
  Promise.all([disasterApi.areas({ level: 'county' }, { signal }), disasterApi.areas({ level: 'township' }, { signal })])
    .then(([counties, towns]) => {
      areaOptions = townshipOptions(towns, new Map(counties.map((c) => [c.code, c.name])));
      townships.replaceChildren(...areaOptions.map((o) => h('option', { value: o.text })));
      render();
    })
    .catch(() => undefined);

  void load();
  ctx.onLang(render);
}

function row(x: Household, lang: 'zh' | 'en', area: string): HTMLElement {
  const name = h('td', { 'data-testid': `household-name-${x.id}`, 'data-masked': String(x.name_masked) }, x.head_name);
  if (x.priority) name.append(' ', h('span', { class: 'badge badge-priority', title: t('hh.priorityHint') }, t('hh.priority')));
  return h(
    'tr',
    { 'data-testid': `household-${x.id}` },
    name,
    h('td', { class: 'mono', 'data-testid': `household-id-${x.id}` }, x.id_number_masked),
    h('td', {}, label('hhType', x.household_type, lang === 'zh' ? x.household_type_zh : x.household_type)),
    h('td', { class: 'num' }, formatInteger(x.members, lang)),
    h('td', { title: x.area_code }, area),
    h('td', { class: 'small' }, x.address),
    h('td', { class: 'small' }, programmeText(x.programmes, lang) || '—'),
    h('td', {}, h('a', { class: 'btn btn-outline btn-small', href: `#/households/${x.id}`, 'data-testid': `household-open-${x.id}`, i18n: 'hh.open' })),
  );
}

/** The hand-off lists for the other programmes, per event, CSV or XLSX. */
function handoffCard(signal: AbortSignal): HTMLElement {
  const eventSel = h('select', { class: 'select', 'data-testid': 'handoff-event', i18nAriaLabel: 'hh.event' });
  const buttons = h('div', { class: 'handoff-buttons' });
  const card = h(
    'section',
    { class: 'card', 'data-testid': 'handoff-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', {}, h('h2', { i18n: 'hh.handoff' }), h('p', { class: 'card-sub muted', i18n: 'hh.handoffSub' })),
      h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'hh.event' }), eventSel),
    ),
    buttons,
  );
  for (const p of HANDOFF_PROGRAMMES) {
    const group = h('div', { class: 'handoff-group' }, h('span', { class: 'strong', i18n: `hh.handoff.${p}` as MsgKey }));
    for (const format of ['csv', 'xlsx'] as const) {
      const btn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `handoff-${p}-${format}` }, format.toUpperCase());
      btn.addEventListener('click', async () => {
        const id = Number(eventSel.value);
        if (!id) return;
        btn.disabled = true;
        try {
          const name = await householdsApi.handoff(p, id, format, signal);
          toast(t('export.done', { name }));
        } catch (err) {
          if (!isAbort(err)) toast(t('export.failed', { message: errorText(err) }), 'error');
        } finally {
          btn.disabled = false;
        }
      });
      group.append(btn);
    }
    buttons.append(group);
  }
  disasterApi
    .events({ signal })
    .then((events: DisasterEvent[]) => {
      const list = sortEvents(events);
      if (!list.length) eventSel.append(h('option', { value: '', i18n: 'hh.noEvent' }));
      for (const e of list) eventSel.append(h('option', { value: String(e.id) }, e.name));
    })
    .catch(() => undefined);
  return card;
}
