// Public disclosure page (#/public, #/public/{id}): no login. The published (公示) and paid
// grant lists per area with masked names and ID numbers, amounts and the period, and an
// objection form (name or contact optional, reason required; the server limits it per address).
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatDateTime, formatFen, formatInteger } from '../format';
import { matchLines } from '../grantconfirm';
import { householdsApi, type Disclosure } from '../households';
import { getLang, label, t } from '../i18n';
import { createListView, labelled, listItem, type ListItem } from '../listview';
import { clearPrintSheets } from '../print';
import type { ScreenContext } from '../screen';
import { langSwitch, logo, statusBlock } from '../widgets';

type Entry = Disclosure['entries'][number];

const period = (d: Disclosure) =>
  d.disclosure_start ? `${formatDateTime(d.disclosure_start, getLang())} – ${formatDateTime(d.disclosure_end, getLang())}${t('common.beijing')}` : '—';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const id = ctx.args.id ? Number(ctx.args.id) : null;
  const body = h('main', { class: 'public-main' });
  const page = h(
    'div',
    { class: 'public-page', 'data-testid': 'public-screen' },
    h(
      'header',
      { class: 'public-header' },
      h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'app.title' })),
      h('div', { class: 'header-spacer' }),
      langSwitch(),
      h('a', { class: 'btn btn-outline', href: '#/login', 'data-testid': 'public-login-link', i18n: 'public.login' }),
    ),
    body,
  );
  root.append(page);

  let render: () => void = () => undefined;
  const fail = (err: unknown, retry: () => void) => {
    if (isAbort(err)) return;
    body.replaceChildren(statusBlock(errorText(err), true, retry, t('map.retry')));
  };

  if (id === null) {
    let list: Disclosure[] = [];
    render = () => {
      const lang = getLang();
      // Grouped by area, in code order; newest list first within an area.
      const areas = new Map<string, Disclosure[]>();
      for (const d of [...list].sort((a, b) => a.area_code.localeCompare(b.area_code) || b.id - a.id)) {
        const k = `${d.area_code}`;
        areas.set(k, [...(areas.get(k) ?? []), d]);
      }
      body.replaceChildren(
        h('div', { class: 'page-title' }, h('h1', { i18n: 'public.title' })),
        h('p', { class: 'muted page-sub', i18n: 'public.sub' }),
        // The village notices of applications (审核公示) come before these lists; objections go there too.
        h('p', {}, h('a', { class: 'link', href: '#/notices', 'data-testid': 'public-notices-link', i18n: 'pubNotice.title' })),
        ...(list.length
          ? [...areas.values()].map((ds) =>
              h(
                'section',
                { class: 'card', 'data-testid': `public-area-${ds[0].area_code}` },
                h('div', { class: 'card-head' }, h('h2', {}, ds[0].area_name || ds[0].area_code)),
                h(
                  'ul',
                  { class: 'disclosure-list' },
                  ...ds.map((d) =>
                    h(
                      'li',
                      { 'data-testid': `disclosure-${d.id}`, 'data-status': d.status },
                      h(
                        'div',
                        {},
                        h('a', { class: 'link strong', href: `#/public/${d.id}`, 'data-testid': `disclosure-link-${d.id}` }, label('aidType', d.aid_type, d.aid_type_zh)),
                        ' ',
                        h('span', { class: `badge list-status list-status-${d.status}` }, label('listStatus', d.status)),
                        h('div', { class: 'muted small' }, `${d.event_name} · ${t('public.period')}: ${period(d)}`),
                      ),
                      h(
                        'div',
                        { class: 'disclosure-figures' },
                        h('span', {}, t('public.households', { n: formatInteger(d.households, lang) })),
                        h('span', { class: 'strong' }, formatFen(d.total_fen, lang)),
                      ),
                    ),
                  ),
                ),
              ),
            )
          : [h('section', { class: 'card' }, h('p', { class: 'empty-line muted public-empty', 'data-testid': 'public-empty', i18n: 'public.empty' }))]),
      );
      page.dataset.ready = 'true';
    };
    const load = async () => {
      body.replaceChildren(statusBlock(t('hh.loading')));
      try {
        list = await householdsApi.disclosures({ signal });
        render();
      } catch (err) {
        fail(err, () => void load());
      }
    };
    void load();
  } else {
    let d: Disclosure | null = null;
    let formBox: HTMLElement | null = null;
    let relabelForm: () => void = () => undefined;
    const heading = (x: Disclosure) => `${x.area_name || x.area_code} · ${label('aidType', x.aid_type, x.aid_type_zh)}`;
    // The lines: search, area filter, pages, print (listview.ts), kept across a language switch.
    const view = createListView<Entry>({
      testid: 'disclosure-table',
      columns: [
        { key: 'public.lineNo', cls: 'num' },
        { key: 'public.name' },
        { key: 'public.idNumber' },
        { key: 'public.area' },
        { key: 'public.members', cls: 'num' },
        { key: 'public.amount', cls: 'num' },
        { key: 'public.reason' },
      ],
      row: ({ row: e }) => {
        const lang = getLang();
        return h(
          'tr',
          { 'data-testid': `disclosure-line-${e.grant_id}` },
          h('td', { class: 'num muted' }, String(e.grant_id)),
          h('td', { class: 'nowrap' }, e.name, e.under_review ? h('span', { class: 'badge badge-warn' }, t('public.underReview')) : ''),
          h('td', { class: 'mono nowrap' }, e.id_number),
          h('td', { class: 'nowrap' }, e.area_name),
          h('td', { class: 'num' }, formatInteger(e.members, lang)),
          h('td', { class: 'num' }, formatFen(e.amount_fen, lang)),
          h('td', { class: 'small' }, e.reason),
        );
      },
      // The lines name their area (a township or village), not its code: the filter goes by name.
      areaLabel: 'list.area',
      listTotals: () => ({ households: d?.households ?? 0, total_fen: d?.total_fen ?? 0 }),
      printTitle: () => (d ? `${t('public.title')} · ${heading(d)}` : ''),
      printMeta: () =>
        d
          ? [
              labelled(t('public.event'), d.event_name),
              labelled(t('public.period'), period(d)),
              label('listStatus', d.status),
              t('list.totalAll', { n: formatInteger(d.households, getLang()), amount: formatFen(d.total_fen, getLang()) }),
            ]
          : [],
    });
    ctx.defer(clearPrintSheets);
    const entryItems = (x: Disclosure): Array<ListItem<Entry>> =>
      x.entries.map((e, i) => listItem(e, i + 1, { area: e.area_name, areaName: e.area_name, amount_fen: e.amount_fen, texts: [e.name, e.id_number, e.reason, e.area_name] }));
    render = () => {
      if (!d) return;
      const lang = getLang();
      view.setItems(entryItems(d));
      // The form keeps what was typed across a language switch.
      if (!formBox) ({ el: formBox, relabel: relabelForm } = objectionForm(d, signal));
      relabelForm();
      body.replaceChildren(
        h('a', { class: 'link crumb', href: '#/public', i18n: 'public.back' }),
        h('div', { class: 'page-title' }, h('h1', {}, heading(d)), h('span', { class: `badge list-status list-status-${d.status}` }, label('listStatus', d.status))),
        h(
          'section',
          { class: 'card' },
          h(
            'dl',
            { class: 'grant-meta card-body' },
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('public.event')), h('dd', {}, d.event_name)),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('public.period')), h('dd', { 'data-testid': 'disclosure-period' }, period(d))),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('grants.households')), h('dd', {}, formatInteger(d.households, lang))),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('grants.total')), h('dd', { class: 'strong' }, formatFen(d.total_fen, lang))),
          ),
        ),
        h('section', { class: 'card', 'data-testid': 'disclosure-lines' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'grants.lines' })), view.el),
        formBox,
      );
      page.dataset.ready = 'true';
    };
    const load = async () => {
      body.replaceChildren(statusBlock(t('hh.loading')));
      try {
        d = await householdsApi.disclosure(id, { signal });
        render();
      } catch (err) {
        fail(err, () => void load());
      }
    };
    void load();
  }

  ctx.onLang(() => render());
}

/** How many matching lines the objection form offers at once. */
const PICK_LIMIT = 8;

/**
 * The objection form. The household is found by typing its masked name, some digits of its masked
 * ID number or its line number, and picked from the few lines that match (a city's list has
 * thousands: no drop-down); nothing picked objects to the whole list.
 */
function objectionForm(d: Disclosure, signal: AbortSignal): { el: HTMLElement; relabel: () => void } {
  if (!d.accepts_objections) {
    return { el: h('section', { class: 'card' }, h('p', { class: 'empty-line muted', 'data-testid': 'objection-closed', i18n: 'public.objectClosed' })), relabel: () => undefined };
  }
  let chosen: Disclosure['entries'][number] | null = null;
  const search = h('input', {
    type: 'search',
    class: 'input',
    autocomplete: 'off',
    maxlength: 40,
    'data-testid': 'objection-line-search',
    i18nPlaceholder: 'public.objectSearch',
    'aria-controls': 'objection-line-results',
  });
  const results = h('div', { id: 'objection-line-results', class: 'objection-picks', 'data-testid': 'objection-line-results', 'aria-live': 'polite' });
  const chosenBox = h('div', { class: 'objection-chosen', 'data-testid': 'objection-line', hidden: true });
  const showPicks = () => {
    const lang = getLang();
    chosenBox.hidden = !chosen;
    search.hidden = Boolean(chosen);
    if (chosen) {
      const c = chosen;
      chosenBox.dataset.grantId = String(c.grant_id);
      chosenBox.replaceChildren(
        h('span', { 'data-testid': 'objection-line-chosen' }, t('public.objectChosen', { id: c.grant_id, name: c.name, idNumber: c.id_number })),
        h('button', {
          type: 'button',
          class: 'btn btn-ghost btn-small',
          'data-testid': 'objection-line-clear',
          i18n: 'public.objectClear',
          onclick: () => {
            chosen = null;
            search.value = '';
            showPicks();
            search.focus();
          },
        }),
      );
      results.replaceChildren();
      return;
    }
    delete chosenBox.dataset.grantId;
    const found = matchLines(d.entries, search.value);
    if (!search.value.trim()) return void results.replaceChildren();
    if (!found.length) return void results.replaceChildren(h('p', { class: 'muted small', 'data-testid': 'objection-no-match' }, t('public.objectNoMatch')));
    results.replaceChildren(
      h('p', { class: 'muted small' }, t('public.objectMatches', { n: formatInteger(found.length, lang) })),
      h(
        'ul',
        { class: 'objection-pick-list' },
        ...found.slice(0, PICK_LIMIT).map((e) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'objection-pick',
                'data-testid': `objection-pick-${e.grant_id}`,
                onclick: () => {
                  chosen = e;
                  showPicks();
                },
              },
              h('span', { class: 'muted' }, `#${e.grant_id}`),
              h('span', { class: 'strong' }, e.name),
              h('span', { class: 'mono' }, e.id_number),
              h('span', { class: 'muted small' }, e.area_name),
              h('span', { class: 'num' }, formatFen(e.amount_fen, lang)),
            ),
          ),
        ),
      ),
      found.length > PICK_LIMIT ? h('p', { class: 'muted small', 'data-testid': 'objection-more' }, t('public.objectMore', { n: formatInteger(found.length - PICK_LIMIT, lang) })) : '',
    );
  };
  search.addEventListener('input', showPicks);
  // Enter in the box picks the only match rather than sending the form.
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    const found = matchLines(d.entries, search.value);
    if (found.length === 1) {
      chosen = found[0];
      showPicks();
    }
  });
  const contact = h('input', { type: 'text', class: 'input', maxlength: 100, autocomplete: 'off', 'data-testid': 'objection-contact' });
  const text = h('textarea', { class: 'input', rows: 3, maxlength: 2000, 'data-testid': 'objection-text' });
  const msg = h('p', { role: 'alert', 'data-testid': 'objection-message', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'objection-submit', i18n: 'public.objectSubmit' });
  const show = (s: string, ok: boolean) => {
    msg.textContent = s;
    msg.className = ok ? 'form-ok' : 'form-error';
    msg.dataset.kind = ok ? 'ok' : 'error';
    msg.hidden = false;
  };
  const form = h(
    'form',
    { class: 'objection-form', 'data-testid': 'objection-form', novalidate: true },
    h('div', { class: 'field field-wide objection-line-field' }, h('label', { class: 'muted', for: 'objection-line-search', i18n: 'public.objectLine' }), search, chosenBox, results),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'public.objectName' }), contact),
    h('label', { class: 'field field-wide' }, h('span', { class: 'muted', i18n: 'public.objectReason' }), text),
    submit,
    msg,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) return show(t('public.objectRequired'), false);
    submit.disabled = true;
    try {
      const r = await householdsApi.object(
        d.id,
        { text: text.value.trim(), ...(contact.value.trim() ? { contact: contact.value.trim() } : {}), ...(chosen ? { grant_id: chosen.grant_id } : {}) },
        { signal },
      );
      text.value = '';
      show(t('public.objectDone', { id: r.id }), true);
    } catch (err) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.status === 429) {
        // The server's own words on the limit, when it gives them.
        show(err.message && !err.message.startsWith('HTTP ') ? err.message : t('public.throttled'), false);
      } else if (err instanceof ApiError && err.status === 409) {
        show(err.message || t('public.objectClosed'), false);
      } else {
        show(errorText(err), false);
      }
    } finally {
      submit.disabled = false;
    }
  });
  search.id = 'objection-line-search';
  const el = h(
    'section',
    { class: 'card', 'data-testid': 'objection-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'public.objectTitle' }), h('p', { class: 'card-sub muted', i18n: 'public.objectHint' }))),
    h('div', { class: 'card-body' }, form),
  );
  return { el, relabel: showPicks };
}
