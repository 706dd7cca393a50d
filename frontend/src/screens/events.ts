// Disaster events (#/events): every event with its status, hazard, onset and overall response
// level, linking to its summary. Managers open a new event here.
import { disasterApi, hazardLabel, sortEvents, type AreaRow, type DisasterEvent } from '../disaster';
import { beijingLocalToUtc, beijingNowLocal, HAZARDS, type Hazard } from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort, serverFieldErrors } from '../errors';
import { fictionalBadge, levelChip, statusBadge } from '../eventui';
import { formatDateTime, formatInteger } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import { navigate } from '../router';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { dataTable, statusBlock } from '../widgets';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const canCreate = user.role === 'manager';
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page events-page', 'data-testid': 'events-screen' }, inner);
  root.append(page);

  let events: DisasterEvent[] = [];
  const levels = new Map<number, number | null>();
  let counties: AreaRow[] = [];

  const count = h('p', { class: 'muted page-sub', 'data-testid': 'events-count' });
  const tbl = dataTable(
    [{ key: 'events.name' }, { key: 'event.hazard' }, { key: 'event.onset' }, { key: 'event.status' }, { key: 'events.level' }, { key: 'event.affectedCounties', cls: 'num' }],
    'events-table',
  );

  const render = () => {
    const lang = getLang();
    count.textContent = t('events.count', { n: formatInteger(events.length, lang) });
    if (!events.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'empty-cell', i18n: 'events.none' })));
      return;
    }
    tbl.body.replaceChildren(
      ...events.map((e) =>
        h(
          'tr',
          { 'data-testid': `event-row-${e.id}`, class: e.status === 'closed' ? 'row-muted' : undefined },
          h('td', {}, h('a', { href: `#/events/${e.id}`, class: 'link strong', 'data-testid': `event-link-${e.id}` }, e.name), ' ', fictionalBadge(e)),
          h('td', {}, hazardLabel(e.hazard)),
          h('td', { class: 'nowrap' }, formatDateTime(e.onset_at, lang)),
          h('td', {}, statusBadge(e.status)),
          h('td', {}, levels.has(e.id) ? levelChip(levels.get(e.id)) : h('span', { class: 'muted' }, '…')),
          h('td', { class: 'num' }, formatInteger(e.affected_areas.length, lang)),
        ),
      ),
    );
  };

  // ---- the manager's "open an event" form -------------------------------------------------------
  const createCard = () => {
    const name = h('input', { type: 'text', class: 'input', maxlength: 200, 'data-testid': 'new-event-name', id: 'new-event-name', autocomplete: 'off' });
    const hazard = h('select', { class: 'select', 'data-testid': 'new-event-hazard', id: 'new-event-hazard' }, ...HAZARDS.map((x) => h('option', { value: x, i18n: `hazard.${x}` as MsgKey })));
    const onset = h('input', { type: 'datetime-local', class: 'input', 'data-testid': 'new-event-onset', id: 'new-event-onset', value: beijingNowLocal() });
    const desc = h('textarea', { class: 'input textarea', rows: 2, maxlength: 2000, 'data-testid': 'new-event-description', id: 'new-event-description' });
    const areaBox = h('div', { class: 'check-grid', 'data-testid': 'new-event-areas' });
    const error = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'new-event-error' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-event-submit', i18n: 'events.create' });
    const fillAreas = () =>
      areaBox.replaceChildren(
        ...counties.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: c.code }), h('span', {}, c.name))),
      );
    fillAreas();
    const form = h(
      'form',
      { class: 'event-form', novalidate: true, 'data-testid': 'new-event-form' },
      h(
        'div',
        { class: 'field-row three' },
        h('div', { class: 'field' }, h('label', { for: name.id, i18n: 'events.name' }), name),
        h('div', { class: 'field' }, h('label', { for: hazard.id, i18n: 'event.hazard' }), hazard),
        h('div', { class: 'field' }, h('label', { for: onset.id, i18n: 'events.onsetBeijing' }), onset),
      ),
      h('div', { class: 'field' }, h('span', { class: 'field-label', i18n: 'events.affectedPick' }), areaBox),
      h('div', { class: 'field' }, h('label', { for: desc.id, i18n: 'event.description' }), desc),
      error,
      h('div', { class: 'form-actions' }, submit),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const onsetUtc = beijingLocalToUtc(onset.value);
      const problems: string[] = [];
      if (!name.value.trim()) problems.push(t('events.err.name'));
      if (!onsetUtc) problems.push(t('events.err.onset'));
      error.hidden = !problems.length;
      error.textContent = problems.join('；');
      if (problems.length) return;
      submit.disabled = true;
      try {
        const affected = [...areaBox.querySelectorAll<HTMLInputElement>('input:checked')].map((x) => x.value);
        const e = await disasterApi.createEvent(
          { name: name.value.trim(), hazard: hazard.value as Hazard, onset_at: onsetUtc!, affected_areas: affected, description: desc.value.trim() || undefined },
          { signal },
        );
        toast(t('events.created', { name: e.name }));
        navigate(`/events/${e.id}`);
      } catch (err) {
        if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
        const details = err instanceof ApiError ? serverFieldErrors(err.details).map((d) => d.reason) : [];
        error.hidden = false;
        error.textContent = details.length ? details.join('；') : errorText(err);
      } finally {
        submit.disabled = false;
      }
    });
    const toggle = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'new-event-toggle', i18n: 'events.new' });
    const card = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'events.new' }), toggle), h('div', { class: 'card-body', hidden: true }, form));
    toggle.addEventListener('click', () => {
      const body = card.querySelector<HTMLElement>('.card-body')!;
      body.hidden = !body.hidden;
      toggle.hidden = !body.hidden;
      if (!body.hidden) name.focus();
    });
    return card;
  };

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    try {
      [events, counties] = await Promise.all([
        disasterApi.events({ signal }),
        canCreate ? disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]) : Promise.resolve([] as AreaRow[]),
      ]);
      events = sortEvents(events);
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
      return;
    }
    if (signal.aborted) return;
    inner.replaceChildren(
      h('div', { class: 'page-title' }, h('h1', { i18n: 'nav.events' }), count),
      h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'events.title' })), h('div', { class: 'table-wrap' }, tbl.table)),
      canCreate ? createCard() : '',
    );
    render();
    page.dataset.ready = 'true';
    // The overall level of each event (one summary each, the city row only).
    await Promise.all(
      events.map(async (e) => {
        try {
          const s = await disasterApi.summary(e.id, 'city', { signal });
          levels.set(e.id, s.overall_response_level ?? null);
        } catch {
          levels.set(e.id, null);
        }
      }),
    );
    if (!signal.aborted) render();
  };
  void load();

  ctx.onLang(render);
}
