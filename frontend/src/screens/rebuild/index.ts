// The rebuild cases (#/rebuild): the cases of the caller's scope filtered by event, township and
// status, overdue and failed ones on top and flagged, the counts per status (each a filter); a case
// opened for a household with a damage record (township staff); a county's stage payment list
// drafted after a confirmation (county reviewers, managers), then handled on the grant list
// screens. ?view=map shows the progress per township on a map (progressmap.ts).
import '../../styles/rebuild.css';
import { confirmAction } from '../../confirm';
import type { DisasterEvent } from '../../disaster';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDate, formatFen, formatInteger } from '../../format';
import { householdsApi, type DamageRecord } from '../../households';
import { getLang, t, type MsgKey } from '../../i18n';
import {
  canDraftStage,
  checkShares,
  canOpenCase,
  countyOf,
  rebuildApi,
  reachedStage,
  sortCases,
  STAGES,
  stageKey,
  STATUSES,
  statusCounts,
  townshipOf,
  type Case,
  type CaseMode,
  type PaymentStage,
} from '../../rebuild';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { dataTable, statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { householdPicker } from '../householdpicker';
import { fillEvents, loadAreaNames, loadEvents, overdueBadge, rebuildTabs, setText, statusBadge } from './common';
import { progressMap } from './progressmap';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page rb-page', 'data-testid': 'rb-list-screen' }, inner);
  root.append(page);

  let cases: Case[] = [];
  let events: DisasterEvent[] = [];
  let names = new Map<string, string>();
  const nameOf = (code: string) => names.get(code) ?? code;
  let openEvents: ((list: DisasterEvent[]) => void) | null = null;
  let eventChoices: DisasterEvent[] = [];
  let draft: { refresh(): void } | null = null;

  // ---- head and views ------------------------------------------------------------------------
  const casesPane = h('div', { class: 'rb-pane', 'data-testid': 'rb-cases-pane' });
  const mapPane = h('div', { class: 'rb-pane', 'data-testid': 'rb-map-pane', hidden: true });
  let map: ReturnType<typeof progressMap> | null = null;
  const showView = (v: 'cases' | 'map') => {
    casesPane.hidden = v !== 'cases';
    mapPane.hidden = v !== 'map';
    page.dataset.view = v;
    history.replaceState(null, '', v === 'map' ? '#/rebuild?view=map' : '#/rebuild');
    if (v === 'map' && !map) {
      map = progressMap(ctx);
      mapPane.append(h('section', { class: 'card', 'data-testid': 'rb-map-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'rb.map.title' })), map.el));
      map.setData(filteredForMap(), names);
    }
  };
  const status = h('div');
  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'rb.title' }), h('p', { class: 'muted page-sub', i18n: 'rb.sub' })),
    h('div', { class: 'rb-toolbar' }, rebuildTabs(ctx.params.get('view') === 'map' ? 'map' : 'cases', showView)),
    status,
    casesPane,
    mapPane,
  );

  // ---- filters and counts ------------------------------------------------------------------------
  const eventSel = h('select', { class: 'select', 'data-testid': 'rb-filter-event' });
  const townSel = h('select', { class: 'select', 'data-testid': 'rb-filter-township' });
  const statusSel = h('select', { class: 'select', 'data-testid': 'rb-filter-status' });
  const filters = h(
    'div',
    { class: 'rb-filters', 'data-testid': 'rb-filters' },
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.filter.event' }), eventSel),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.filter.township' }), townSel),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.filter.status' }), statusSel),
  );
  const counts = h('div', { class: 'rb-counts', 'data-testid': 'rb-counts' });
  const tbl = dataTable(
    [
      { key: 'rb.col.case' },
      { key: 'rb.col.household' },
      { key: 'rb.col.status' },
      { key: 'rb.col.township' },
      { key: 'rb.col.mode' },
      { key: 'rb.col.subsidy', cls: 'num' },
      { key: 'rb.col.due' },
    ],
    'rb-cases',
  );
  casesPane.append(h('section', { class: 'card', 'data-testid': 'rb-cases-card' }, filters, counts, h('div', { class: 'table-wrap' }, tbl.table)));

  const byEvent = () => (eventSel.value ? cases.filter((c) => String(c.event_id) === eventSel.value) : cases);
  const byTownship = () => byEvent().filter((c) => !townSel.value || townshipOf(c.area_code) === townSel.value);
  const filtered = () => byTownship().filter((c) => !statusSel.value || (statusSel.value === 'overdue' ? c.overdue : c.status === statusSel.value));
  const filteredForMap = () => byEvent();

  const fillFilters = () => {
    const lang = getLang();
    const evCases = byEvent();
    const towns = [...new Set(evCases.map((c) => townshipOf(c.area_code)))].sort();
    const wantedTown = townSel.value || ctx.params.get('township') || '';
    townSel.replaceChildren(
      h('option', { value: '' }, t('rb.filter.allTownships', { n: formatInteger(towns.length, lang) })),
      ...towns.map((code) => h('option', { value: code }, nameOf(code))),
    );
    townSel.value = towns.includes(wantedTown) ? wantedTown : '';
    const n = statusCounts(byTownship());
    const wantedStatus = statusSel.value || ctx.params.get('status') || '';
    statusSel.replaceChildren(
      h('option', { value: '' }, t('rb.filter.allStatuses', { n: formatInteger(n.total, lang) })),
      h('option', { value: 'overdue' }, `${t('rb.overdue')}（${formatInteger(n.overdue, lang)}）`),
      ...STATUSES.map((s) => h('option', { value: s }, `${t(`rb.status.${s}` as MsgKey)}（${formatInteger(n[s], lang)}）`)),
    );
    statusSel.value = [...statusSel.options].some((o) => o.value === wantedStatus) ? wantedStatus : '';
    // The counts per status, each a filter.
    const chip = (value: string, text: string, num: number, cls = '') =>
      h(
        'button',
        {
          type: 'button',
          class: `rb-count${statusSel.value === value ? ' active' : ''} ${cls}`.trim(),
          'data-testid': `rb-count-${value || 'all'}`,
          'data-count': String(num),
          onclick: () => {
            statusSel.value = statusSel.value === value ? '' : value;
            render();
          },
        },
        h('span', {}, text),
        h('strong', {}, formatInteger(num, lang)),
      );
    counts.replaceChildren(
      chip('', t('common.all'), n.total),
      ...(n.overdue ? [chip('overdue', t('rb.overdue'), n.overdue, 'text-danger')] : []),
      ...STATUSES.filter((s) => n[s]).map((s) => chip(s, t(`rb.status.${s}` as MsgKey), n[s])),
    );
  };

  const render = () => {
    fillFilters();
    const lang = getLang();
    const rows = sortCases(filtered());
    page.dataset.shown = String(rows.length);
    if (!rows.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'empty-cell', 'data-testid': 'rb-empty', i18n: 'rb.empty' })));
    } else {
      tbl.body.replaceChildren(
        ...rows.map((c) =>
          h(
            'tr',
            { class: c.overdue ? 'rb-row-overdue' : undefined, 'data-testid': `rb-case-${c.id}`, 'data-status': c.status, 'data-overdue': String(c.overdue) },
            h('td', {}, h('a', { class: 'link strong', href: `#/rebuild/${c.id}`, 'data-testid': `rb-case-link-${c.id}` }, `#${c.id}`)),
            h('td', {}, h('div', { class: 'strong' }, c.name), h('div', { class: 'mono muted small' }, c.id_number)),
            h('td', {}, h('div', { style: 'display:flex;flex-wrap:wrap;gap:4px' }, statusBadge(c), overdueBadge(c))),
            h('td', {}, h('div', {}, nameOf(townshipOf(c.area_code))), c.area_code.length > 9 ? h('div', { class: 'muted small' }, c.area_name) : ''),
            h('td', { class: 'nowrap' }, t(`rb.mode.${c.mode}` as MsgKey)),
            h(
              'td',
              { class: 'num nowrap' },
              c.subsidy_fen !== null && c.subsidy_fen !== undefined
                ? formatFen(c.subsidy_fen, lang)
                : h('span', { class: 'muted' }, t('rb.subsidyStandard', { amount: formatFen(c.standard_fen, lang) })),
            ),
            h('td', { class: `nowrap${c.overdue ? ' text-danger strong' : ''}` }, formatDate(c.due_on)),
          ),
        ),
      );
    }
    map?.setData(filteredForMap(), names);
    draft?.refresh();
  };

  eventSel.addEventListener('change', () => {
    townSel.value = '';
    render();
  });
  townSel.addEventListener('change', render);
  statusSel.addEventListener('change', render);

  // ---- opening a case ------------------------------------------------------------------------------
  if (canOpenCase(user.role)) casesPane.append(openCard());

  function openCard(): HTMLElement {
    const ev = h('select', { class: 'select', 'data-testid': 'rb-open-event' });
    const mode = h('select', { class: 'select', 'data-testid': 'rb-open-mode' }, h('option', { value: 'rebuild', i18n: 'rb.mode.rebuild' }), h('option', { value: 'repair', i18n: 'rb.mode.repair' }));
    const damageNote = h('p', { class: 'muted small', 'data-testid': 'rb-open-damage' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'rb-open-error' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rb-open-submit', i18n: 'rb.open.submit' });
    let damage: DamageRecord | null = null;
    const records = new Map<string, Promise<DamageRecord[]>>();
    const recordsOf = (eventId: number, area: string) => {
      const key = `${eventId}:${area}`;
      let p = records.get(key);
      if (!p) records.set(key, (p = householdsApi.damage(eventId, area, { signal }).catch(() => [] as DamageRecord[])));
      return p;
    };
    const lookUp = async () => {
      damage = null;
      setText(damageNote, '');
      err.hidden = true;
      const x = picker.chosen();
      if (!x || !ev.value) return;
      const existing = cases.find((c) => c.household_id === x.id && String(c.event_id) === ev.value);
      if (existing) {
        damageNote.replaceChildren(h('a', { class: 'link', href: `#/rebuild/${existing.id}` }, t('rb.open.hasCase', { id: existing.id })));
        return;
      }
      const household = await householdsApi.household(x.id, { signal }).catch(() => null);
      if (!household) return;
      const list = await recordsOf(Number(ev.value), household.area_code);
      damage = list.find((d) => d.household_id === x.id && d.house_damage !== 'none') ?? null;
      if (!damage) {
        setLabel(damageNote, 'rb.open.noDamage');
        return;
      }
      mode.value = (damage.house_damage === 'general' ? 'repair' : 'rebuild') satisfies CaseMode;
      setText(damageNote, t('rb.open.damage', { damage: t(`rb.damage.${damage.house_damage}` as MsgKey), rooms: formatInteger(damage.damaged_rooms, getLang()) }));
    };
    const picker = householdPicker({ testid: 'rb-open-household', signal, onChange: () => void lookUp() });
    ev.addEventListener('change', () => void lookUp());
    const form = h(
      'form',
      { class: 'rb-open-form', 'data-testid': 'rb-open-form', novalidate: true, style: 'display:grid;gap:10px' },
      h('label', { class: 'field' }, h('span', { i18n: 'rb.open.event' }), ev),
      h('div', { class: 'field' }, h('span', { i18n: 'rb.open.household' }), picker.el, damageNote),
      h('label', { class: 'field' }, h('span', { i18n: 'rb.open.mode' }), mode),
      err,
      h('div', { class: 'form-actions', style: 'justify-content:flex-start' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.hidden = true;
      const x = picker.chosen();
      if (!x) {
        setLabel(err, 'rb.open.pickHousehold');
        err.hidden = false;
        return;
      }
      submit.disabled = true;
      try {
        const c = await rebuildApi.open({ event_id: Number(ev.value), household_id: x.id, mode: mode.value as CaseMode }, { signal });
        toast(t('rb.open.done', { id: c.id, name: c.name }));
        navigate(`/rebuild/${c.id}`);
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    const card = h(
      'section',
      { class: 'card', 'data-testid': 'rb-open-card' },
      h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'rb.open.title' }), h('p', { class: 'card-sub muted', i18n: 'rb.open.sub' }))),
      h('div', { class: 'card-body' }, form),
    );
    openEvents = (list) => fillEvents(ev, list.filter((e) => e.status !== 'closed').concat(list.filter((e) => e.status === 'closed')), ev.value || String(list[0]?.id ?? ''));
    ctx.onLang(() => picker.relabel());
    return card;
  }

  // ---- a county's stage payment list -------------------------------------------------------------------
  if (canDraftStage(user)) {
    const county = h('select', { class: 'select', 'data-testid': 'rb-draft-county' });
    const stage = h('select', { class: 'select', 'data-testid': 'rb-draft-stage' }, ...STAGES.map((s) => h('option', { value: s, i18n: stageKey(s) })));
    const shares = h('p', { class: 'muted small', style: 'margin:0', 'data-testid': 'rb-draft-shares' });
    const reached = h('p', { class: 'small', style: 'margin:0', 'data-testid': 'rb-draft-reached' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'rb-draft-error' });
    const done = h('p', { class: 'small', style: 'margin:0', 'data-testid': 'rb-draft-done' });
    const button = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rb-draft-submit', i18n: 'rb.draft.button' });
    const form = h(
      'form',
      { class: 'inline-form', 'data-testid': 'rb-draft-form', novalidate: true },
      h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.draft.county' }), county),
      h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'rb.draft.stage' }), stage),
      button,
    );
    let percents: number[] | null = null;
    let own = false;
    const loadShares = async () => {
      percents = null;
      shares.textContent = '';
      if (!county.value) return;
      try {
        const s = await rebuildApi.shares(county.value, { signal });
        percents = [...s.percents];
        own = s.own;
      } catch (e) {
        if (!isAbort(e)) shares.textContent = errorText(e);
      }
      refresh();
    };
    const counties = () => {
      const fromCases = byEvent().map((c) => countyOf(c.area_code));
      const mine = user.area_code && user.area_code.length === 6 && !user.area_code.endsWith('00') ? [user.area_code] : [];
      return [...new Set([...mine, ...fromCases])].sort();
    };
    let drafted: number | null = null;
    const showDrafted = () =>
      done.replaceChildren(drafted === null ? '' : h('a', { class: 'link strong', href: `#/grants/${drafted}`, 'data-testid': 'rb-draft-link' }, t('rb.draft.open', { id: drafted })));
    const refresh = () => {
      const lang = getLang();
      showDrafted();
      const list = counties();
      const wanted = county.value;
      county.replaceChildren(...list.map((c) => h('option', { value: c }, nameOf(c))));
      county.value = list.includes(wanted) ? wanted : (list[0] ?? '');
      if (county.value !== wanted) void loadShares();
      button.disabled = !county.value;
      if (percents) shares.textContent = t('rb.draft.shares', { a: percents[0], b: percents[1], c: percents[2], own: own ? t('rb.draft.ownShares') : '' });
      const n = byEvent().filter((c) => countyOf(c.area_code) === county.value && reachedStage(c, stage.value as PaymentStage)).length;
      reached.textContent = t('rb.draft.reached', { n: formatInteger(n, lang) });
      reached.dataset.count = String(n);
    };
    county.addEventListener('change', () => void loadShares());

    // The county's own shares (reviewers and managers): three percents adding up to 100.
    const editBtn = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'rb-shares-edit', i18n: 'rb.shares.edit' });
    const editor = h('div', { 'data-testid': 'rb-shares-editor', hidden: true });
    editBtn.addEventListener('click', () => {
      const lang = getLang();
      const inputs = STAGES.map((st, i) =>
        h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 3, value: String(percents?.[i] ?? ''), 'data-testid': `rb-share-${i}`, 'aria-label': t(stageKey(st)) }),
      );
      const sum = h('span', { class: 'muted small', 'data-testid': 'rb-shares-sum' });
      const sharesErr = h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-shares-error' });
      const showSum = () => {
        const checked = checkShares(inputs.map((i) => i.value));
        sum.textContent = t('rb.shares.sum', { n: formatInteger('sum' in checked ? checked.sum : 100, lang) });
      };
      inputs.forEach((i) => i.addEventListener('input', showSum));
      showSum();
      const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'rb-shares-save', i18n: 'rb.shares.save' });
      const f = h(
        'form',
        { class: 'rb-inline', novalidate: true },
        ...STAGES.map((st, i) => h('label', { class: 'field' }, h('span', { class: 'muted small', i18n: stageKey(st) }), inputs[i])),
        sum,
        save,
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'rb.shares.cancel', onclick: () => ((editor.hidden = true), editor.replaceChildren()) }),
        sharesErr,
      );
      f.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        sharesErr.hidden = true;
        const checked = checkShares(inputs.map((i) => i.value));
        if ('sum' in checked) {
          setText(sharesErr, t('rb.shares.err', { n: checked.sum }));
          sharesErr.hidden = false;
          return;
        }
        save.disabled = true;
        try {
          const saved = await rebuildApi.setShares(county.value, checked.percents, { signal });
          percents = [...saved.percents];
          own = saved.own;
          toast(t('rb.shares.saved', { a: percents[0], b: percents[1], c: percents[2] }));
          editor.hidden = true;
          editor.replaceChildren();
          refresh();
        } catch (e2) {
          if (isAbort(e2)) return;
          setText(sharesErr, errorText(e2));
          sharesErr.hidden = false;
        } finally {
          save.disabled = false;
        }
      });
      editor.replaceChildren(f);
      editor.hidden = false;
      inputs[0].focus();
    });
    stage.addEventListener('change', refresh);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.hidden = true;
      drafted = null;
      showDrafted();
      const eventId = Number(eventSel.value) || events[0]?.id;
      if (!eventId) {
        setLabel(err, 'rb.draft.needEvent');
        err.hidden = false;
        return;
      }
      const s = stage.value as PaymentStage;
      const i = STAGES.indexOf(s as (typeof STAGES)[number]);
      const ok = await confirmAction({
        title: t('rb.draft.confirmTitle'),
        body: [
          factList([
            [t('rb.filter.event'), events.find((x) => x.id === eventId)?.name ?? String(eventId), 'event'],
            [t('rb.draft.county'), nameOf(county.value), 'county'],
            [t('rb.draft.stage'), `${t(stageKey(s))}${percents ? `（${percents[i]}%）` : ''}`, 'stage'],
            [t('rb.map.cases'), reached.textContent ?? '', 'cases'],
          ]),
          h('p', { class: 'muted small' }, t('rb.draft.confirmText')),
        ],
        confirmKey: 'rb.draft.confirm',
      });
      if (!ok) return;
      button.disabled = true;
      try {
        const made = await rebuildApi.draftStageList({ event_id: eventId, area_code: county.value, stage: s }, { signal });
        toast(t('rb.draft.done', { id: made.grant_list_id }));
        drafted = made.grant_list_id;
        showDrafted();
        await load();
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        button.disabled = !county.value;
      }
    });
    casesPane.append(
      h(
        'section',
        { class: 'card', 'data-testid': 'rb-draft-card' },
        h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'rb.draft.title' }), h('p', { class: 'card-sub muted', i18n: 'rb.draft.sub' }))),
        h('div', { class: 'card-body', style: 'display:grid;gap:8px' }, form, h('div', { style: 'display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px' }, shares, editBtn), editor, reached, err, done),
      ),
    );
    draft = { refresh };
  }

  // ---- loading -------------------------------------------------------------------------------------
  const load = async () => {
    status.replaceChildren(statusBlock(t('rb.loading')));
    try {
      const [list, evs, areaNames] = await Promise.all([rebuildApi.cases({}, { signal }), events.length ? Promise.resolve(events) : loadEvents(signal), names.size ? Promise.resolve(names) : loadAreaNames(signal)]);
      cases = list;
      events = evs;
      names = areaNames;
      // Events: those with cases first (the filter), every readable one for opening a case.
      const withCases = new Set(cases.map((c) => c.event_id));
      const known = events.filter((e) => withCases.has(e.id));
      // Cases of events the caller cannot list still show under their id.
      for (const id of withCases) if (!known.some((e) => e.id === id)) known.push({ id, name: `#${id}` } as DisasterEvent);
      eventChoices = known;
      fillEvents(eventSel, known, eventSel.value || ctx.params.get('event') || '', 'rb.filter.allEvents');
      openEvents?.(events.length ? events : known);
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('common.retry')));
    }
  };
  void load().then(() => {
    if (ctx.params.get('view') === 'map') showView('map');
  });
  ctx.onLang(() => {
    fillEvents(eventSel, eventChoices, eventSel.value, 'rb.filter.allEvents');
    render();
    map?.relabel();
  });
}
