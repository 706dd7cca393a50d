// Relief grant lists (#/grants, #/grants/{id}): the lists of an event and aid type, a new list
// (managers), and one list with its lines, the workflow buttons the role may use in its status
// (submit → approve / return → publish for 公示 → payment file and paid), and the objections.
// The server decides; its 409 / 422 messages are shown as they come.
import { api } from '../api';
import { confirmAction } from '../confirm';
import { disasterApi, sortEvents, type AreaRow, type DisasterEvent } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatFen, formatInteger } from '../format';
import { afterAnswer, areaText, isDangerous, openObjections, publishPeriod, type GrantAction } from '../grantconfirm';
import { AID_TYPES, disclosureEnded, householdsApi, listActions, LIST_STATUSES, type AidType, type Decision, type GrantList, type Objection } from '../households';
import { getLang, label, t, type MsgKey } from '../i18n';
import { createListView, labelled, listItem, townshipKey, type ListItem } from '../listview';
import { clearPrintSheets } from '../print';
import { navigate } from '../router';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { dataTable, listStatusChip, statusBlock } from '../widgets';

type Line = GrantList['grants'][number];

export function mount(root: HTMLElement, ctx: ScreenContext) {
  return ctx.args.id ? mountDetail(root, ctx, Number(ctx.args.id)) : mountList(root, ctx);
}

const statusChip = listStatusChip;
const period = (l: { disclosure_start?: string | null; disclosure_end?: string | null }) =>
  l.disclosure_start ? `${formatDateTime(l.disclosure_start, getLang())} – ${formatDateTime(l.disclosure_end, getLang())}${t('common.beijing')}` : t('grants.periodNone');

/** The facts a confirmation lists, as label and value. */
const factList = (rows: Array<[string, string, string?]>) =>
  h(
    'dl',
    { class: 'confirm-facts', 'data-testid': 'confirm-facts' },
    ...rows.map(([k, v, testid]) => h('div', { class: 'confirm-fact' }, h('dt', { class: 'muted' }, k), h('dd', testid ? { 'data-testid': `confirm-${testid}` } : {}, v))),
  );

/** What every grant confirmation names: the list's aid type and area, its households and total. */
const listFacts = (l: GrantList, area: string, counts: { households: number; total_fen: number } = l): Array<[string, string, string?]> => {
  const lang = getLang();
  return [
    [t('grants.aidType'), label('aidType', l.aid_type, l.aid_type_zh), 'aid-type'],
    [t('grants.areaCode'), area, 'area'],
    [t('grants.households'), formatInteger(counts.households, lang), 'households'],
    [t('grants.total'), formatFen(counts.total_fen, lang), 'total'],
  ];
};

/**
 * Asks before a workflow action, saying what it will do to which list: the aid type, area,
 * households and total; for publishing the period it sets; for paying the period that ended and
 * the objections; for returning the reason. Resolves true only when the user confirms.
 */
function confirmGrantAction(
  l: GrantList,
  area: string,
  action: GrantAction,
  extra: { reason?: string; publish?: { start?: string; days?: number }; objections?: Objection[] } = {},
): Promise<boolean> {
  const rows = listFacts(l, area);
  const notes: Node[] = [];
  if (action === 'publish') {
    const p = publishPeriod(extra.publish?.start, extra.publish?.days ?? 7);
    if (p) rows.push([t('grants.period'), period({ disclosure_start: p.start, disclosure_end: p.end }), 'period']);
  }
  if (action === 'pay') {
    rows.push([t('grants.period'), period(l), 'period']);
    const all = extra.objections ?? [];
    const open = Math.max(openObjections(all), l.open_objections);
    rows.push([
      t('grants.objectionsTitle'),
      open ? t('grants.confirm.objectionsOpen', { n: open }) : all.length ? t('grants.confirm.objectionsAll', { n: all.length }) : t('grants.confirm.objectionsNone'),
      'objections',
    ]);
    if (open) notes.push(h('p', { class: 'form-error', 'data-testid': 'confirm-warning' }, t('grants.confirm.objectionsBlock')));
  }
  if (action === 'reject' && extra.reason) rows.push([t('grants.rejectReason'), extra.reason, 'reason']);
  return confirmAction({
    title: t(`grants.confirm.${action}.title` as MsgKey, { id: l.id }),
    body: [h('p', {}, t(`grants.confirm.${action}.text` as MsgKey)), factList(rows), ...notes],
    confirmKey: `grants.${action}` as MsgKey,
    danger: isDangerous(action),
  });
}

// ---- the lists -------------------------------------------------------------------------------

function mountList(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const role = String(ctx.session?.user.role ?? '');
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page grants-page', 'data-testid': 'grants-screen' }, inner);
  root.append(page);

  const eventSel = h('select', { class: 'select', 'data-testid': 'grants-event', i18nAriaLabel: 'hh.event' });
  const aidSel = h(
    'select',
    { class: 'select', 'data-testid': 'grants-aid-type', i18nAriaLabel: 'grants.aidType' },
    h('option', { value: '', i18n: 'hh.all' }),
    ...AID_TYPES.map((a) => h('option', { value: a, i18n: `aidType.${a}` as MsgKey })),
  );
  const statusSel = h(
    'select',
    { class: 'select', 'data-testid': 'grants-status', i18nAriaLabel: 'grants.status' },
    h('option', { value: '', i18n: 'hh.all' }),
    ...LIST_STATUSES.map((s) => h('option', { value: s, i18n: `listStatus.${s}` as MsgKey })),
  );
  const tbl = dataTable(
    [
      { key: 'grants.listTitle' as MsgKey },
      { key: 'grants.aidType' },
      { key: 'grants.areaCode' },
      { key: 'grants.status' },
      { key: 'grants.households', cls: 'num' },
      { key: 'grants.total', cls: 'num' },
      { key: 'grants.period' },
      { key: 'grants.objections', cls: 'num' },
      { key: 'grants.updated' },
    ],
    'grants-table',
  );
  // The first column's header is "No." rather than the detail title.
  const firstTh = tbl.table.querySelector('th');
  if (firstTh) {
    firstTh.dataset.i18n = 'public.lineNo';
    firstTh.textContent = t('public.lineNo');
  }
  const status = h('div');

  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'grants.title' }), h('p', { class: 'muted page-sub', i18n: 'grants.sub' })),
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'card-head' },
        h(
          'div',
          { class: 'filters' },
          h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'hh.event' }), eventSel),
          h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'grants.aidType' }), aidSel),
          h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'grants.status' }), statusSel),
        ),
      ),
      status,
      h('div', { class: 'table-wrap' }, tbl.table),
    ),
  );

  let lists: GrantList[] = [];
  let seq = 0;
  const render = () => {
    const lang = getLang();
    if (!lists.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 9, class: 'empty-cell', i18n: 'grants.empty' })));
      return;
    }
    tbl.body.replaceChildren(
      ...lists.map((l) =>
        h(
          'tr',
          { 'data-testid': `grant-list-${l.id}`, 'data-status': l.status },
          h('td', {}, h('a', { class: 'link', href: `#/grants/${l.id}`, 'data-testid': `grant-list-link-${l.id}` }, `#${l.id}`)),
          h('td', {}, label('aidType', l.aid_type, l.aid_type_zh)),
          h('td', { class: 'mono' }, l.area_code),
          h('td', {}, statusChip(l.status)),
          h('td', { class: 'num' }, formatInteger(l.households, lang)),
          h('td', { class: 'num' }, formatFen(l.total_fen, lang)),
          h('td', { class: 'small' }, period(l)),
          h('td', { class: `num${l.open_objections ? ' text-danger strong' : ''}` }, formatInteger(l.open_objections, lang)),
          h('td', { class: 'small nowrap' }, formatDateTime(l.updated_at, lang)),
        ),
      ),
    );
  };
  const load = async () => {
    const my = ++seq;
    page.dataset.ready = 'false';
    status.replaceChildren(statusBlock(t('hh.loading')));
    try {
      lists = await householdsApi.lists(
        { event_id: Number(eventSel.value) || undefined, aid_type: aidSel.value || undefined, status: statusSel.value || undefined },
        { signal },
      );
      if (my !== seq) return;
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  for (const s of [eventSel, aidSel, statusSel]) s.addEventListener('change', () => void load());

  if (role === 'manager') inner.append(newListCard(eventSel, aidSel, signal));

  disasterApi
    .events({ signal })
    .then((events: DisasterEvent[]) => {
      for (const e of sortEvents(events)) eventSel.append(h('option', { value: String(e.id) }, e.name));
      const wanted = ctx.params.get('event');
      if (wanted && [...eventSel.options].some((o) => o.value === wanted)) eventSel.value = wanted;
    })
    .catch(() => undefined)
    .finally(() => void load());

  ctx.onLang(render);
}

function newListCard(eventSel: HTMLSelectElement, aidSel: HTMLSelectElement, signal: AbortSignal): HTMLElement {
  const aid = h('select', { class: 'select', 'data-testid': 'new-list-aid-type' }, ...AID_TYPES.map((a) => h('option', { value: a, i18n: `aidType.${a}` as MsgKey })));
  aidSel.addEventListener('change', () => {
    if (aidSel.value) aid.value = aidSel.value;
  });
  const area = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 12, 'data-testid': 'new-list-area' });
  const budget = h('input', { type: 'number', class: 'input input-code', min: 0, step: '0.01', 'data-testid': 'new-list-budget' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'new-list-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-list-submit', i18n: 'grants.create' });
  const form = h(
    'form',
    { class: 'grant-new', 'data-testid': 'new-list-form' },
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'grants.aidType' }), aid),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'grants.newArea' }), area),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'grants.newBudget' }), budget),
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const eventId = Number(eventSel.value);
    if (!eventId) return;
    error.hidden = true;
    submit.disabled = true;
    try {
      const yuan = budget.value.trim() ? Number(budget.value) : null;
      const list = await householdsApi.create(
        {
          event_id: eventId,
          aid_type: aid.value as AidType,
          ...(area.value.trim() ? { area_code: area.value.trim() } : {}),
          ...(yuan !== null && Number.isFinite(yuan) ? { budget_fen: Math.round(yuan * 100) } : {}),
        },
        { signal },
      );
      toast(t('grants.created', { id: list.id }));
      navigate(`/grants/${list.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      error.textContent = errorText(err);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', 'data-testid': 'new-list-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'grants.new' }), h('p', { class: 'card-sub muted', i18n: 'grants.newHint' }))),
    h('div', { class: 'card-body' }, form, error),
  );
}

// ---- one list ----------------------------------------------------------------------------------

function mountDetail(root: HTMLElement, ctx: ScreenContext, id: number) {
  const { signal } = ctx;
  const role = String(ctx.session?.user.role ?? '');
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page grant-page', 'data-testid': 'grant-screen', 'data-list-id': String(id) }, inner);
  root.append(page);

  let list: GrantList | null = null;
  let objections: Objection[] = [];
  let version = 0;
  // Names of the townships in the caller's scope (the lines carry codes only) and of the list's own
  // area; both arrive after the list and then rename what is shown.
  const areaNames = new Map<string, string>();
  let namesAsked = false;
  const nameOf = (code: string) => areaNames.get(code) ?? areaNames.get(townshipKey(code));
  const listArea = (l: GrantList) => areaText(l.area_code, areaNames.get(l.area_code), getLang());
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'grant-error', hidden: true });
  const showError = (text: string | null) => {
    error.hidden = !text;
    error.textContent = text ?? '';
  };

  // The lines: search, township filter, pages, print (listview.ts), kept across renders.
  const lineRow = (it: ListItem<Line>): HTMLTableRowElement => {
    const lang = getLang();
    const g = it.row;
    const name = h('td', { class: 'nowrap', 'data-testid': `grant-name-${g.id}` }, g.head_name);
    if (g.priority) name.append(' ', h('span', { class: 'badge badge-priority', title: t('hh.priorityHint'), 'data-testid': `grant-priority-${g.id}` }, t('hh.priority')));
    const place = nameOf(g.area_code);
    return h(
      'tr',
      { 'data-testid': `grant-${g.id}`, 'data-area': g.area_code, class: g.status === 'under_review' ? 'row-review' : '' },
      h('td', { class: 'num muted' }, String(it.no)),
      name,
      h('td', { class: 'mono nowrap' }, g.id_number_masked),
      h('td', { class: 'nowrap' }, place ?? h('span', { class: 'mono' }, g.area_code), place ? h('span', { class: 'mono muted small' }, ` ${g.area_code}`) : ''),
      h('td', { class: 'num' }, formatInteger(g.members, lang)),
      h('td', { class: 'num', 'data-fen': String(g.amount_fen) }, formatFen(g.amount_fen, lang)),
      h('td', { class: 'small' }, g.reason),
      h('td', {}, g.status === 'under_review' ? h('span', { class: 'badge badge-warn' }, t('grants.lineUnderReview')) : t('grants.lineListed')),
    );
  };
  const view = createListView<Line>({
    testid: 'grant-lines',
    columns: [
      { key: 'public.lineNo' },
      { key: 'hh.name' },
      { key: 'hh.idNumber' },
      { key: 'list.area' },
      { key: 'hh.members', cls: 'num' },
      { key: 'grants.amount', cls: 'num' },
      { key: 'grants.reason' },
      { key: 'grants.lineStatus' },
    ],
    row: lineRow,
    areaLabel: 'list.township',
    listTotals: () => ({ households: list?.households ?? 0, total_fen: list?.total_fen ?? 0 }),
    printTitle: () => (list ? `${t('grants.listTitle', { id: list.id })} · ${label('aidType', list.aid_type, list.aid_type_zh)} · ${listArea(list)}` : ''),
    printMeta: () =>
      list
        ? [
            labelled(t('grants.status'), label('listStatus', list.status)),
            labelled(t('grants.period'), period(list)),
            t('list.totalAll', { n: formatInteger(list.households, getLang()), amount: formatFen(list.total_fen, getLang()) }),
          ]
        : [],
  });
  const lineItems = (l: GrantList): Array<ListItem<Line>> =>
    l.grants.map((g, i) => {
      const township = townshipKey(g.area_code);
      return listItem(g, i + 1, {
        area: township,
        areaName: areaNames.get(township) ?? township,
        amount_fen: g.amount_fen,
        texts: [g.head_name, g.id_number_masked, g.reason, areaNames.get(g.area_code), areaNames.get(township), g.area_code],
      });
    });
  ctx.defer(clearPrintSheets);

  const render = () => {
    if (!list) return;
    const lang = getLang();
    const l = list;
    page.dataset.status = l.status;
    const meta = h(
      'dl',
      { class: 'grant-meta' },
      ...(
        [
          ['grants.aidType', label('aidType', l.aid_type, l.aid_type_zh)],
          ['grants.areaCode', listArea(l)],
          ['grants.households', formatInteger(l.households, lang)],
          ['grants.total', formatFen(l.total_fen, lang)],
          ['grants.period', period(l)],
          ['grants.author', l.author_name],
          ['grants.reviewer', l.reviewer_name ?? '—'],
          ...(l.paid_at ? [['grants.paidAt', formatDateTime(l.paid_at, lang)]] : []),
          ...(l.return_reason ? [['grants.returnReason', l.return_reason]] : []),
        ] as Array<[MsgKey, string]>
      ).map(([k, v]) => h('div', { class: 'meta-item' }, h('dt', { class: 'muted' }, t(k)), h('dd', { 'data-testid': `grant-meta-${k.split('.')[1]}` }, v))),
    );
    view.setItems(lineItems(l));

    inner.replaceChildren(
      h('a', { class: 'link crumb', href: '#/grants', i18n: 'grants.back' }),
      h('div', { class: 'page-title' }, h('h1', {}, t('grants.listTitle', { id: l.id })), statusChip(l.status)),
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, meta, actions(l), error)),
      h('section', { class: 'card', 'data-testid': 'grant-lines-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'grants.lines' })), view.el),
      objectionsCard(l),
    );
    page.dataset.version = String(++version);
  };

  /** The township names and the list's own area; the screen works with codes until they come. */
  const loadNames = async (l: GrantList) => {
    const [towns, own] = await Promise.all([
      disasterApi.areas({ level: 'township' }, { signal }).catch(() => [] as AreaRow[]),
      api.get<AreaRow>(`/areas/${encodeURIComponent(l.area_code)}`, { signal }).catch(() => null),
    ]);
    for (const a of [...towns, ...(own ? [own] : [])]) areaNames.set(a.code, a.name);
    if (signal.aborted) return;
    render();
    page.dataset.names = 'true';
  };

  const run = async (action: 'submit' | 'approve' | 'reject' | 'publish' | 'pay' | 'cancel', body?: unknown) => {
    showError(null);
    try {
      list = await householdsApi.action(id, action, body, { signal });
      toast(t(`grants.done.${action}` as MsgKey));
      await loadObjections();
      render();
    } catch (err) {
      if (!isAbort(err)) showError(errorText(err));
    }
  };

  const actions = (l: GrantList): HTMLElement => {
    const box = h('div', { class: 'grant-actions', 'data-testid': 'grant-actions' });
    const extra = h('div', { class: 'grant-action-form' });
    for (const a of listActions(role, l.status)) {
      const btn = h('button', {
        type: 'button',
        class: `btn ${a === 'reject' || a === 'cancel' ? 'btn-outline' : 'btn-primary'}`,
        'data-testid': `grant-${a}`,
        i18n: `grants.${a}` as MsgKey,
      });
      if (a === 'pay' && !disclosureEnded(l)) btn.disabled = true;
      btn.addEventListener('click', async () => {
        showError(null);
        if (a === 'reject') {
          return extra.replaceChildren(
            reasonForm(async (reason) => {
              if (await confirmGrantAction(l, listArea(l), 'reject', { reason })) await run('reject', { reason });
            }, () => extra.replaceChildren()),
          );
        }
        if (a === 'publish') {
          return extra.replaceChildren(
            publishForm(async (body) => {
              if (await confirmGrantAction(l, listArea(l), 'publish', { publish: body })) await run('publish', body);
            }, () => extra.replaceChildren()),
          );
        }
        btn.disabled = true;
        try {
          // Submitting only hands the list to a reviewer; everything else asks first.
          if (a !== 'submit' && !(await confirmGrantAction(l, listArea(l), a, { objections }))) return;
          await run(a);
        } finally {
          btn.disabled = false;
        }
      });
      box.append(btn);
    }
    // The payment file: only once the disclosure has ended (or after payment).
    if (role === 'manager' && (l.status === 'published' || l.status === 'paid')) {
      if (disclosureEnded(l)) {
        for (const format of ['csv', 'xlsx'] as const) {
          const b = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': `grant-payment-${format}` }, `${t('grants.paymentFile')} (${format.toUpperCase()})`);
          b.addEventListener('click', async () => {
            showError(null);
            b.disabled = true;
            try {
              const name = await householdsApi.paymentFile(id, format, signal);
              toast(t('export.done', { name }));
            } catch (err) {
              if (!isAbort(err)) showError(errorText(err));
            } finally {
              b.disabled = false;
            }
          });
          box.append(b);
        }
      } else {
        box.append(h('p', { class: 'muted small', 'data-testid': 'grant-payment-wait', i18n: 'grants.paymentWait' }));
      }
    }
    return h('div', {}, box, extra);
  };

  const objectionsCard = (l: GrantList): HTMLElement => {
    const lang = getLang();
    const items = objections.map((o) => {
      const li = h(
        'li',
        { class: `objection objection-${o.status}`, 'data-testid': `objection-${o.id}`, 'data-status': o.status },
        h(
          'div',
          { class: 'objection-head' },
          h('span', { class: `badge ${o.status === 'open' ? 'badge-warn' : ''}` }, t(o.status === 'open' ? 'grants.objectionOpen' : 'grants.objectionAnswered')),
          h('span', { class: 'muted small' }, `${formatDateTime(o.created_at, lang)}${t('common.beijing')}`),
          o.grant_id ? h('span', { class: 'muted small' }, t('grants.objectionLine', { id: o.grant_id })) : '',
          o.contact ? h('span', { class: 'muted small' }, `${t('grants.objectionContact')}: ${o.contact}`) : '',
        ),
        h('p', { class: 'objection-text' }, o.text),
        o.answer
          ? h('p', { class: 'objection-answer' }, h('strong', {}, `${o.decision ? label('grants.decision', o.decision) : t('grants.answer')}：`), o.answer)
          : '',
      );
      if (o.status === 'open' && role === 'reviewer') li.append(answerForm(l, o));
      return li;
    });
    return h(
      'section',
      { class: 'card', 'data-testid': 'objections' },
      h('div', { class: 'card-head' }, h('h2', { i18n: 'grants.objectionsTitle' })),
      items.length ? h('ul', { class: 'objection-list' }, ...items) : h('p', { class: 'empty-line muted', i18n: 'grants.objectionsNone' }),
    );
  };

  /** Asks before answering: the decision, the line it concerns and what the list holds afterwards. */
  const confirmAnswer = (l: GrantList, o: Objection, decision: Decision, answer: string): Promise<boolean> => {
    const lang = getLang();
    const line = o.grant_id != null ? l.grants.find((g) => g.id === o.grant_id) : undefined;
    const after = afterAnswer(l, o.grant_id, decision);
    const rows = listFacts(l, listArea(l), after);
    rows.splice(2, 0, [
      t('grants.confirm.line'),
      line ? `${line.head_name} · ${line.id_number_masked} · ${formatFen(line.amount_fen, lang)}` : o.grant_id != null ? t('grants.objectionLine', { id: o.grant_id }) : t('public.objectWhole'),
      'line',
    ]);
    rows.push([t('grants.confirm.decision'), label('grants.decision', decision), 'decision'], [t('grants.answerText'), answer, 'answer']);
    const withdrawn = decision === 'withdrawn' && line;
    return confirmAction({
      title: t('grants.confirm.answer.title', { id: o.id }),
      body: [h('p', {}, t(withdrawn ? 'grants.confirm.answer.withdrawn' : 'grants.confirm.answer.dismissed')), factList(rows)],
      confirmKey: 'grants.answer',
      danger: Boolean(withdrawn),
    });
  };

  const answerForm = (l: GrantList, o: Objection): HTMLElement => {
    const listId = l.id;
    const decision = h(
      'select',
      { class: 'select', 'data-testid': `answer-decision-${o.id}` },
      h('option', { value: 'dismissed', i18n: 'grants.decision.dismissed' }),
      h('option', { value: 'withdrawn', i18n: 'grants.decision.withdrawn' }),
    );
    const text = h('textarea', { class: 'input', rows: 2, 'data-testid': `answer-text-${o.id}`, i18nPlaceholder: 'grants.answerText' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': `answer-submit-${o.id}`, i18n: 'grants.answer' });
    const form = h('form', { class: 'answer-form' }, decision, text, submit, err);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) {
        err.textContent = t('grants.answerRequired');
        err.hidden = false;
        return;
      }
      submit.disabled = true;
      if (!(await confirmAnswer(l, o, decision.value as Decision, text.value.trim()))) {
        submit.disabled = false;
        return;
      }
      try {
        await householdsApi.answer(listId, o.id, { decision: decision.value as Decision, answer: text.value.trim() }, { signal });
        toast(t('grants.answered'));
        await reload();
      } catch (e) {
        if (isAbort(e)) return;
        err.textContent = errorText(e);
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  };

  const loadObjections = async () => {
    try {
      objections = await householdsApi.objections(id, { signal });
    } catch (err) {
      if (isAbort(err)) throw err;
      objections = [];
    }
  };
  const reload = async () => {
    try {
      list = await householdsApi.list(id, { signal });
      await loadObjections();
      render();
      page.dataset.ready = 'true';
      if (!namesAsked) {
        namesAsked = true;
        void loadNames(list);
      }
    } catch (err) {
      if (isAbort(err)) return;
      inner.replaceChildren(h('a', { class: 'link crumb', href: '#/grants', i18n: 'grants.back' }), statusBlock(errorText(err), true, () => void reload(), t('map.retry')));
    }
  };
  inner.append(statusBlock(t('hh.loading')));
  void reload();
  ctx.onLang(render);
}

function reasonForm(onSubmit: (reason: string) => Promise<void>, onCancel: () => void): HTMLElement {
  const reason = h('textarea', { class: 'input', rows: 2, 'data-testid': 'grant-reject-reason', i18nPlaceholder: 'grants.rejectReason' });
  const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'grant-reject-confirm', i18n: 'grants.confirm' });
  const form = h('form', { class: 'inline-form' }, reason, ok, h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'grants.dismiss', onclick: onCancel }));
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'grant-reject-error' });
  form.append(err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const why = reason.value.trim();
    err.hidden = Boolean(why);
    err.textContent = why ? '' : t('grants.rejectRequired');
    if (!why) return void reason.focus();
    ok.disabled = true;
    void onSubmit(why).finally(() => (ok.disabled = false));
  });
  return form;
}

/** Start (a Beijing wall-clock time, optional) and length of the disclosure. */
function publishForm(onSubmit: (body: { start?: string; days?: number }) => Promise<void>, onCancel: () => void): HTMLElement {
  const start = h('input', { type: 'datetime-local', class: 'input', 'data-testid': 'grant-publish-start' });
  const days = h('input', { type: 'number', class: 'input input-code', min: 1, step: 1, value: 7, 'data-testid': 'grant-publish-days' });
  const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'grant-publish-confirm', i18n: 'grants.confirm' });
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'grants.publishStart' }), start),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'grants.publishDays' }), days),
    ok,
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', i18n: 'grants.dismiss', onclick: onCancel }),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: { start?: string; days?: number } = {};
    if (start.value) body.start = `${start.value.length === 16 ? `${start.value}:00` : start.value}+08:00`;
    const n = Number(days.value);
    if (Number.isInteger(n) && n > 0) body.days = n;
    ok.disabled = true;
    void onSubmit(body).finally(() => (ok.disabled = false));
  });
  return form;
}
