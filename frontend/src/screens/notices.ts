// Public village notices (#/notices, #/notices/{id}): no login. The notices (审核公示) of recommended
// applications per area with the period and whether objections are still taken; one notice with
// its masked entries and an objection form (text, contact optional, about one household or the
// whole notice; the server limits it per address). Linked with the grant disclosures (#/public).
import { applicationsApi, type Notice } from '../applications';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatDateTime, formatInteger } from '../format';
import { getLang, label, t } from '../i18n';
import type { ScreenContext } from '../screen';
import { dataTable, langSwitch, logo, statusBlock } from '../widgets';

const period = (n: Pick<Notice, 'disclosure_start' | 'disclosure_end'>) =>
  `${formatDateTime(n.disclosure_start, getLang())} – ${formatDateTime(n.disclosure_end, getLang())}${t('common.beijing')}`;
const aid = (n: Pick<Notice, 'aid_type' | 'aid_type_zh'>) => label('aidType', n.aid_type, n.aid_type_zh);
const openBadge = (n: Notice) =>
  h('span', { class: `badge ${n.accepts_objections ? 'badge-warn' : 'badge-muted'}`, 'data-testid': `notice-state-${n.id}`, 'data-open': String(n.accepts_objections) }, t(n.accepts_objections ? 'pubNotice.open' : 'pubNotice.ended'));

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const id = ctx.args.id ? Number(ctx.args.id) : null;
  const body = h('main', { class: 'public-main' });
  const page = h(
    'div',
    { class: 'public-page', 'data-testid': 'notices-screen' },
    h(
      'header',
      { class: 'public-header', style: 'flex-wrap:wrap;row-gap:6px' },
      h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'app.title' })),
      h('div', { class: 'header-spacer' }),
      h('a', { class: 'btn btn-ghost', href: '#/public', 'data-testid': 'notices-grants-link', i18n: 'pubNotice.grants' }),
      langSwitch(),
      h('a', { class: 'btn btn-outline', href: '#/login', i18n: 'public.login' }),
    ),
    body,
  );
  root.append(page);

  let render: () => void = () => undefined;
  const fail = (err: unknown, retry: () => void) => {
    if (!isAbort(err)) body.replaceChildren(statusBlock(errorText(err), true, retry, t('map.retry')));
  };

  if (id === null) {
    let list: Notice[] = [];
    render = () => {
      const lang = getLang();
      const sorted = [...list].sort((a, b) => Number(b.accepts_objections) - Number(a.accepts_objections) || a.area_code.localeCompare(b.area_code) || b.id - a.id);
      body.replaceChildren(
        h('div', { class: 'page-title' }, h('h1', { i18n: 'pubNotice.title' })),
        h('p', { class: 'muted page-sub', i18n: 'pubNotice.sub' }),
        h(
          'section',
          { class: 'card' },
          sorted.length
            ? h(
                'ul',
                { class: 'disclosure-list', 'data-testid': 'notices-list' },
                ...sorted.map((n) =>
                  h(
                    'li',
                    { 'data-testid': `notice-${n.id}`, 'data-open': String(n.accepts_objections) },
                    h(
                      'div',
                      {},
                      h('a', { class: 'link strong', href: `#/notices/${n.id}`, 'data-testid': `notice-link-${n.id}` }, `${n.area_name || n.area_code} · ${aid(n)}`),
                      ' ',
                      openBadge(n),
                      h('div', { class: 'muted small' }, `${n.event_name} · ${t('pubNotice.period')}: ${period(n)}`),
                    ),
                    h('div', { class: 'disclosure-figures' }, h('span', { class: 'strong' }, t('pubNotice.households', { n: formatInteger(n.applications, lang) }))),
                  ),
                ),
              )
            : h('p', { class: 'empty-line muted', 'data-testid': 'notices-empty', i18n: 'pubNotice.empty' }),
        ),
      );
      page.dataset.ready = 'true';
    };
    const load = async () => {
      body.replaceChildren(statusBlock(t('apps.loading')));
      try {
        list = await applicationsApi.notices({ signal });
        render();
      } catch (err) {
        fail(err, () => void load());
      }
    };
    void load();
  } else {
    let n: Notice | null = null;
    let form: ObjectionForm | null = null;
    const tbl = dataTable(
      [
        { key: 'pubNotice.no', cls: 'num' },
        { key: 'pubNotice.name' },
        { key: 'pubNotice.idNumber' },
        { key: 'pubNotice.area' },
        { key: 'pubNotice.members', cls: 'num' },
        { key: 'pubNotice.persons', cls: 'num' },
      ],
      'notice-entries',
    );
    render = () => {
      if (!n) return;
      const x = n;
      const lang = getLang();
      tbl.body.replaceChildren(
        ...x.entries.map((e) =>
          h(
            'tr',
            { 'data-testid': `notice-entry-${e.application_id}` },
            h('td', { class: 'num muted' }, String(e.application_id)),
            h('td', { class: 'nowrap' }, e.name, e.under_objection ? h('span', { class: 'badge badge-warn', style: 'margin-left:6px' }, t('pubNotice.underObjection')) : ''),
            h('td', { class: 'mono nowrap' }, e.id_number),
            h('td', { class: 'nowrap' }, e.area_name),
            h('td', { class: 'num' }, formatInteger(e.members, lang)),
            h('td', { class: 'num' }, formatInteger(e.persons, lang)),
          ),
        ),
      );
      form ??= objectionForm(x, signal);
      form.relabel();
      body.replaceChildren(
        h('a', { class: 'link crumb', href: '#/notices', i18n: 'pubNotice.back' }),
        h('div', { class: 'page-title', style: 'flex-wrap:wrap;gap:6px 12px' }, h('h1', {}, `${x.area_name || x.area_code} · ${aid(x)}`), openBadge(x)),
        h(
          'section',
          { class: 'card' },
          h(
            'dl',
            { class: 'grant-meta card-body' },
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('pubNotice.event')), h('dd', {}, x.event_name)),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('pubNotice.period')), h('dd', { 'data-testid': 'notice-period' }, period(x))),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('pubNotice.location')), h('dd', {}, x.location || '—')),
            h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t('pubNotice.entries')), h('dd', { class: 'strong' }, t('pubNotice.households', { n: formatInteger(x.applications, lang) }))),
          ),
        ),
        h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'pubNotice.entries' })), h('div', { class: 'table-wrap' }, tbl.table)),
        form.el,
      );
      page.dataset.ready = 'true';
    };
    const load = async () => {
      body.replaceChildren(statusBlock(t('apps.loading')));
      try {
        n = await applicationsApi.notice(id, { signal });
        render();
      } catch (err) {
        fail(err, () => void load());
      }
    };
    void load();
  }
  ctx.onLang(() => render());
}

interface ObjectionForm {
  el: HTMLElement;
  /** Re-label the household choices after a language switch, keeping what was typed. */
  relabel: () => void;
}

/** The objection form: about one posted household (a village notice is short: a plain choice) or the whole notice. */
function objectionForm(n: Notice, signal: AbortSignal): ObjectionForm {
  if (!n.accepts_objections) {
    return { el: h('section', { class: 'card' }, h('p', { class: 'empty-line muted', 'data-testid': 'notice-objection-closed', i18n: 'pubNotice.objectClosed' })), relabel: () => undefined };
  }
  const entry = h('select', { class: 'select', id: 'notice-objection-entry', 'data-testid': 'notice-objection-entry' });
  entry.style.maxWidth = '100%';
  const relabel = () => {
    const keep = entry.value;
    entry.replaceChildren(
      h('option', { value: '' }, t('pubNotice.objectWhole')),
      ...n.entries.map((e) => h('option', { value: String(e.application_id) }, `#${e.application_id} ${e.name} ${e.id_number}`)),
    );
    entry.value = keep;
  };
  relabel();
  const contact = h('input', { type: 'text', class: 'input', id: 'notice-objection-contact', maxlength: 100, autocomplete: 'off', 'data-testid': 'notice-objection-contact' });
  const text = h('textarea', { class: 'input textarea', id: 'notice-objection-text', rows: 3, maxlength: 2000, 'data-testid': 'notice-objection-text' });
  const msg = h('p', { role: 'alert', 'data-testid': 'notice-objection-message', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'notice-objection-submit', i18n: 'pubNotice.objectSubmit' });
  const show = (s: string, ok: boolean) => {
    msg.textContent = s;
    msg.className = ok ? 'form-ok' : 'form-error';
    msg.dataset.kind = ok ? 'ok' : 'error';
    msg.hidden = false;
  };
  const form = h(
    'form',
    { class: 'objection-form', 'data-testid': 'notice-objection-form', novalidate: true },
    h('div', { class: 'field field-wide' }, h('label', { for: entry.id, i18n: 'pubNotice.objectEntry' }), entry),
    h('div', { class: 'field' }, h('label', { for: contact.id, i18n: 'pubNotice.objectContact' }), contact),
    h('div', { class: 'field field-wide' }, h('label', { for: text.id, i18n: 'pubNotice.objectText' }), text),
    submit,
    msg,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) return show(t('pubNotice.objectRequired'), false);
    submit.disabled = true;
    try {
      const r = await applicationsApi.object(
        n.id,
        { text: text.value.trim(), contact: contact.value.trim() || null, application_id: entry.value ? Number(entry.value) : null },
        { signal },
      );
      text.value = '';
      show(t('pubNotice.objectDone', { id: r.id }), true);
    } catch (err) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.status === 429) show(err.message && !err.message.startsWith('HTTP ') ? err.message : t('pubNotice.throttled'), false);
      else if (err instanceof ApiError && err.status === 409) show(t('pubNotice.objectClosed'), false);
      else show(errorText(err), false);
    } finally {
      submit.disabled = false;
    }
  });
  const el = h(
    'section',
    { class: 'card', 'data-testid': 'notice-objection-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'pubNotice.objectTitle' }), h('p', { class: 'card-sub muted', i18n: 'pubNotice.objectHint' }))),
    h('div', { class: 'card-body' }, form),
  );
  return { el, relabel };
}
