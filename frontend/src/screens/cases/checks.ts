// Cross-programme checks (#/cases/checks, 交叉比对): where the programmes' records disagree in the
// caller's area, as the server finds them on every read. Each finding says what was found in the
// reader's words (households by their head's name, masked unless the reader may see it, and their
// township; grant lists and amounts in yuan; the item and its figures) and lists the records it
// names, linked where the reader may open them. The counts per status and per kind are the filters
// (?status=, open by default; ?kind=), and an area narrows them (?area=, county → township); the
// list shows 50 at a time. The CSV download takes the same filters. Managers, reviewers and admins
// mark a finding resolved with a reason (confirmed); a resolved one says who, when and why.
import '../../styles/cases.css';
import { CASE_READERS, GRANT_USERS, HOUSEHOLD_READERS, STOCK_READERS, hasRole } from '../../roles';
import {
  canResolve,
  CHECK_KINDS,
  checksApi,
  FINDING_STATUSES,
  findingPhrase,
  householdText,
  kindCounts,
  sortFindings,
  statusCounts,
  type CheckKind,
  type Finding,
  type FindingStatus,
  type Namer,
} from '../../checks';
import { confirmAction } from '../../confirm';
import { disasterApi, type DisasterEvent } from '../../disaster';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { beijingTime } from './common';
import { areaParam, areaPicker, moreBar, reasonForm } from './listparts';

const isKind = (s: string | null): s is CheckKind => (CHECK_KINDS as readonly string[]).includes(s ?? '');
const isStatus = (s: string | null): s is FindingStatus => (FINDING_STATUSES as readonly string[]).includes(s ?? '');
const kindKey = (k: CheckKind) => `checks.kind.${k}` as MsgKey;

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page cs-page ck-page', 'data-testid': 'ck-screen' }, inner);
  root.append(page);

  let status: FindingStatus = isStatus(ctx.params.get('status')) ? (ctx.params.get('status') as FindingStatus) : 'open';
  let kind: CheckKind | '' = isKind(ctx.params.get('kind')) ? (ctx.params.get('kind') as CheckKind) : '';
  let areaCode = areaParam(ctx.params);
  /** Every finding of the area (both statuses): the counts need them all, the filters pick. */
  let findings: Finding[] = [];
  let events: DisasterEvent[] = [];
  let shown = 0;
  /** The finding whose resolution form is open: kept across redraws so what was typed stays. */
  let open: { key: string; node: HTMLElement } | null = null;

  const loading = h('div');
  const statusChips = h('div', { class: 'cs-counts', role: 'group', i18nAriaLabel: 'checks.statusLabel', 'data-testid': 'ck-status' });
  const kindChips = h('div', { class: 'cs-counts ck-kinds', role: 'group', i18nAriaLabel: 'checks.kindLabel', 'data-testid': 'ck-kinds' });
  const list = h('ul', { class: 'al-list ck-list', 'data-testid': 'ck-list' });
  const areas = areaPicker({ id: 'ck-area', testid: 'ck-area', scope: user.area_code ?? '' });
  const bar = moreBar({
    testid: 'ck',
    list,
    show: (count) => {
      shown = count;
      render();
    },
  });
  const csv = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'ck-csv', i18n: 'checks.csv', i18nTitle: 'checks.csvTitle' });
  inner.append(
    h('a', { class: 'link crumb', href: '#/cases', i18n: 'checks.back' }),
    h('div', { class: 'cs-head' }, h('div', { class: 'page-title' }, h('h1', { i18n: 'checks.title' }), h('p', { class: 'muted page-sub', i18n: 'checks.sub' })), csv),
    loading,
    h(
      'section',
      { class: 'card', 'data-testid': 'ck-card' },
      h(
        'div',
        { class: 'al-filters' },
        statusChips,
        h('div', { class: 'al-selects' }, h('div', { class: 'al-event' }, h('label', { for: 'ck-area', i18n: 'alerts.area' }), areas.select)),
      ),
      h('div', { class: 'al-filters ck-kind-bar' }, kindChips),
      list,
      bar.el,
    ),
  );

  const namer = (): Namer => ({ lang: getLang(), place: areas.place, event: (id) => events.find((e) => e.id === id)?.name ?? `#${id}` });
  const query = () => ({ kind, status, area_code: areaCode });
  const setUrl = () => {
    const q = new URLSearchParams();
    if (status !== 'open') q.set('status', status);
    if (kind) q.set('kind', kind);
    if (areaCode) q.set('area', areaCode);
    const s = q.toString();
    history.replaceState(null, '', `#/cases/checks${s ? `?${s}` : ''}`);
  };
  const refilter = () => {
    shown = 0;
    open = null;
    setUrl();
    render();
  };

  // ---- the filters: counts per status (of the kind chosen) and per kind (of the status chosen) ----
  const chip = (testid: string, label: string, n: number, active: boolean, pick: () => void) =>
    h(
      'button',
      { type: 'button', class: `cs-count${active ? ' active' : ''}`, 'aria-pressed': String(active), 'data-testid': testid, 'data-count': String(n), onclick: () => !active && (pick(), refilter()) },
      h('span', {}, label),
      h('strong', {}, formatInteger(n, getLang())),
    );
  const renderCounts = () => {
    const byStatus = statusCounts(findings.filter((f) => !kind || f.kind === kind));
    statusChips.replaceChildren(...FINDING_STATUSES.map((s) => chip(`ck-count-${s}`, t(`checks.status.${s}` as MsgKey), byStatus[s], status === s, () => (status = s))));
    const byKind = kindCounts(findings.filter((f) => f.status === status));
    kindChips.replaceChildren(
      chip('ck-kind-all', t('checks.kindAll'), byKind.total, !kind, () => (kind = '')),
      ...CHECK_KINDS.map((k) => chip(`ck-kind-${k}`, t(kindKey(k)), byKind[k], kind === k, () => (kind = k))),
    );
  };

  areas.select.addEventListener('change', () => {
    areaCode = areas.select.value;
    shown = 0;
    open = null;
    setUrl();
    void load();
  });

  csv.addEventListener('click', async () => {
    csv.disabled = true;
    try {
      toast(t('checks.csvDone', { name: await checksApi.csv(query(), { signal }) }));
    } catch (err) {
      if (!isAbort(err)) toast(errorText(err), 'error');
    } finally {
      csv.disabled = false;
    }
  });

  // ---- a finding ---------------------------------------------------------------------------------
  /** The records a finding names, each linked where the reader may open it. */
  const records = (f: Finding) => {
    const n = namer();
    const link = (allowed: boolean, href: string, text: string) => (allowed ? h('a', { class: 'link', href }, text) : h('span', {}, text));
    const households = f.households.map((x) =>
      h(
        'li',
        { class: 'ck-household', 'data-testid': `ck-household-${x.id}`, 'data-masked': String(x.name_masked) },
        link(hasRole(user, HOUSEHOLD_READERS), `#/households/${x.id}`, householdText(x, n)),
        h('span', { class: 'muted small mono' }, x.id_number_masked),
        f.kind === 'bank_shared' && x.bank_account_masked ? h('span', { class: 'muted small mono' }, x.bank_account_masked) : '',
      ),
    );
    const others = [
      ...f.list_ids.map((id) => link(hasRole(user, GRANT_USERS), `#/grants/${id}`, t('checks.rec.list', { id }))),
      ...f.case_ids.map((id) => link(hasRole(user, CASE_READERS), `#/cases/${id}`, t('checks.rec.case', { id }))),
      ...f.shipment_ids.map((id) => h('span', {}, t('checks.rec.shipment', { id }))),
      ...f.depot_ids.map((id) => link(hasRole(user, STOCK_READERS), `#/depots/${id}`, t('checks.rec.depot', { id }))),
    ];
    return h(
      'div',
      { class: 'ck-records', 'data-testid': `ck-records-${f.key}` },
      households.length ? h('ul', { class: 'ck-households' }, ...households) : '',
      others.length ? h('div', { class: 'ck-links small' }, ...others) : '',
    );
  };

  const row = (f: Finding) => {
    const n = namer();
    const say = findingPhrase(f, n, (aid) => t(`aidType.${aid}` as MsgKey));
    const side: Array<Node | string> = [];
    if (f.status === 'resolved')
      side.push(h('span', { class: 'small al-reason', 'data-testid': 'ck-resolution' }, t('checks.resolvedBy', { user: f.resolved_by ?? '—', time: beijingTime(f.resolved_at), reason: f.reason ?? '' })));
    else if (canResolve(user.role, f))
      side.push(
        h('button', {
          type: 'button',
          class: `btn ${open?.key === f.key ? 'btn-outline' : 'btn-primary'} btn-small`,
          'aria-expanded': String(open?.key === f.key),
          'data-testid': 'ck-resolve',
          i18n: 'checks.resolve.button',
          onclick: () => toggle(f),
        }),
      );
    return h(
      'li',
      { class: `al-row ck-row ck-row-${f.status}`, 'data-testid': 'ck-finding', 'data-key': f.key, 'data-kind': f.kind, 'data-status': f.status, 'data-area': f.area_code },
      h(
        'div',
        { class: 'al-who' },
        h('strong', { class: 'al-name' }, t(kindKey(f.kind))),
        h('span', { class: 'al-place', title: f.area_code, 'data-testid': 'ck-place' }, n.place(f.area_code)),
        f.event_id ? h('span', { class: 'muted small' }, t('checks.event', { name: n.event(f.event_id) })) : '',
      ),
      h('div', { class: 'al-what ck-what' }, h('p', { class: 'al-need', 'data-testid': 'ck-say' }, t(say.key, say.params)), records(f)),
      h('div', { class: 'al-side' }, ...side),
      open?.key === f.key ? open.node : '',
    );
  };

  const toggle = (f: Finding) => {
    open = open?.key === f.key ? null : { key: f.key, node: resolveForm(f) };
    render();
    open?.node.querySelector<HTMLElement>('textarea')?.focus();
  };

  /** Resolved by someone else meanwhile, or no longer found: say so and reload. */
  const stale = (err: unknown) => {
    if (!(err instanceof ApiError && (err.status === 409 || err.status === 404))) return false;
    toast(t('checks.stale'), 'error');
    open = null;
    void load();
    return true;
  };

  const resolveForm = (f: Finding) =>
    reasonForm({
      prefix: 'ck',
      testid: 'ck-resolve-form',
      submitTestid: 'ck-resolve-submit',
      labelKey: 'checks.resolve.reason',
      hintKey: 'checks.resolve.reasonHint',
      submitKey: 'checks.resolve.submit',
      cancel: () => ((open = null), render()),
      confirm: (reason) => {
        const n = namer();
        const say = findingPhrase(f, n, (aid) => t(`aidType.${aid}` as MsgKey));
        return confirmAction({
          title: t('checks.resolve.confirmTitle', { kind: t(kindKey(f.kind)) }),
          body: [
            factList([
              [t('checks.f.area'), n.place(f.area_code), 'area'],
              [t('checks.f.finding'), t(say.key, say.params), 'finding'],
              [t('checks.resolve.reason'), reason, 'reason'],
            ]),
            h('p', { class: 'muted small' }, t('checks.resolve.confirmText')),
          ],
          confirmKey: 'checks.resolve.confirm',
        });
      },
      send: async (reason) => {
        const next = await checksApi.resolve(f.key, reason, { signal });
        findings = findings.map((x) => (x.key === f.key ? next : x));
        open = null;
        toast(t('checks.resolve.done'));
        render();
      },
      stale,
    });

  // ---- the list ----------------------------------------------------------------------------------
  const render = () => {
    renderCounts();
    const all = sortFindings(findings.filter((f) => f.status === status && (!kind || f.kind === kind)));
    // The finding whose form is open stays on the page.
    const openAt = open ? all.findIndex((f) => f.key === open!.key) : -1;
    const rows = all.slice(0, bar.count(all.length, Math.max(shown, openAt + 1)));
    if (open && !rows.some((f) => f.key === open!.key)) open = null;
    Object.assign(page.dataset, { status, kind, area: areaCode, shown: String(rows.length), total: String(all.length) });
    list.replaceChildren(
      ...(rows.length ? rows.map(row) : [h('li', { class: 'empty-line muted', 'data-testid': 'ck-empty', i18n: status === 'open' && !kind ? 'checks.emptyOpen' : 'checks.empty' })]),
    );
    bar.render(rows.length, all.length);
  };

  const load = async () => {
    loading.replaceChildren(statusBlock(t('checks.loading')));
    page.dataset.ready = 'false';
    try {
      const [found, evs] = await Promise.all([
        checksApi.list({ area_code: areaCode }, { signal }),
        events.length ? Promise.resolve(events) : disasterApi.events({ signal }).catch(() => [] as DisasterEvent[]),
        areas.load(signal),
      ]);
      findings = found;
      events = evs;
      loading.replaceChildren();
      areas.render(areaCode);
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      loading.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('common.retry')));
    }
  };

  void load();
  ctx.onLang(() => {
    if (page.dataset.ready !== 'true') return;
    areas.render(areaCode);
    render();
  });
}
