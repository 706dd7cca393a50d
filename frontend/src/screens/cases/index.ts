// The case board (#/cases): the one-window cases of the caller's area, overdue first with a marker,
// then the soonest due, the due time in words ("还剩 5 小时", "超期 2 天"); the counts per status are
// the filters (?status=); each case opens its page. Township staff take in a new request from here;
// the detection alerts (#/cases/alerts) open from here too, with the number still to check, and so
// do the cross-programme checks (#/cases/checks).
import '../../styles/cases.css';
import { alertsApi, casesApi, isOpen, programmeKey, sortBoard, STATUSES, statusCounts, townshipOf, type Case } from '../../cases';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDateTime, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { CHECK_READERS, REPORTERS, hasRole } from '../../roles';
import type { ScreenContext } from '../../screen';
import { statusBlock } from '../../widgets';
import { dueText, kindBadge, overdueBadge, statusBadge } from './common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page cs-page', 'data-testid': 'cs-board-screen' }, inner);
  root.append(page);

  let cases: Case[] = [];
  const names = new Map<string, string>();
  let filter = ctx.params.get('status') ?? '';
  const status = h('div');
  const counts = h('div', { class: 'cs-counts', role: 'group', i18nAriaLabel: 'cases.filterLabel', 'data-testid': 'cs-counts' });
  const list = h('ul', { class: 'cs-board', 'data-testid': 'cs-board' });
  const alertCount = h('strong', { class: 'cs-alerts-count', hidden: true, 'data-testid': 'cs-alerts-count' });
  inner.append(
    h(
      'div',
      { class: 'cs-head' },
      h('div', { class: 'page-title' }, h('h1', { i18n: 'cases.title' }), h('p', { class: 'muted page-sub', i18n: 'cases.sub' })),
      h(
        'div',
        { class: 'cs-head-actions' },
        h('a', { class: 'btn btn-outline', href: '#/cases/alerts', 'data-testid': 'cs-alerts-link', i18nTitle: 'alerts.boardLinkTitle' }, h('span', { i18n: 'alerts.boardLink' }), alertCount),
        hasRole(user, CHECK_READERS) ? h('a', { class: 'btn btn-outline', href: '#/cases/checks', 'data-testid': 'cs-checks-link', i18n: 'checks.boardLink', i18nTitle: 'checks.boardLinkTitle' }) : '',
        hasRole(user, REPORTERS) ? h('a', { class: 'btn btn-primary', href: '#/cases/new', 'data-testid': 'cs-new', i18n: 'cases.new' }) : '',
      ),
    ),
    status,
    h('section', { class: 'card', 'data-testid': 'cs-board-card' }, counts, list),
  );

  const shown = () => cases.filter((c) => !filter || (filter === 'overdue' ? c.overdue : c.status === filter));

  const renderCounts = () => {
    const lang = getLang();
    const n = statusCounts(cases);
    const chip = (value: string, text: string, num: number, cls = '') =>
      h(
        'button',
        {
          type: 'button',
          class: `cs-count${filter === value ? ' active' : ''} ${cls}`.trim(),
          'aria-pressed': String(filter === value),
          'data-testid': `cs-count-${value || 'all'}`,
          'data-count': String(num),
          onclick: () => {
            filter = filter === value ? '' : value;
            history.replaceState(null, '', filter ? `#/cases?status=${filter}` : '#/cases');
            render();
          },
        },
        h('span', {}, text),
        h('strong', {}, formatInteger(num, lang)),
      );
    counts.replaceChildren(
      chip('', t('common.all'), n.total),
      ...(n.overdue ? [chip('overdue', `⚠ ${t('cases.overdue')}`, n.overdue, 'text-danger')] : []),
      ...STATUSES.filter((s) => n[s] || filter === s).map((s) => chip(s, t(`cases.status.${s}` as MsgKey), n[s])),
    );
  };

  const row = (c: Case, now: Date) => {
    const lang = getLang();
    const town = names.get(townshipOf(c.area_code)) ?? c.area_code;
    const answered = c.referrals.filter((r) => ['granted', 'declined', 'transferred'].includes(r.status)).length;
    return h(
      'li',
      { class: `cs-row${c.overdue ? ' cs-row-overdue' : ''}${c.kind === 'urgent' && isOpen(c) ? ' cs-row-urgent' : ''}`, 'data-testid': `cs-case-${c.id}`, 'data-status': c.status, 'data-overdue': String(c.overdue) },
      h(
        'a',
        { class: 'cs-row-link', href: `#/cases/${c.id}`, 'data-testid': `cs-case-link-${c.id}` },
        h('span', { class: 'cs-row-who' }, h('strong', {}, c.applicant_name), h('span', { class: 'mono muted small' }, c.receipt_no)),
        h('span', { class: 'cs-row-badges' }, overdueBadge(c, c.overdue), kindBadge(c), statusBadge(c)),
        h(
          'span',
          { class: 'cs-row-programmes' },
          ...(c.referrals.length
            ? c.referrals.map((r) => h('span', { class: `cs-chip cs-chip-${r.status}`, 'data-programme': r.programme, 'data-status': r.status, title: t(`cases.rstatus.${r.status}` as MsgKey) }, `${t(programmeKey(r.programme))} · ${t(`cases.rstatus.${r.status}` as MsgKey)}`))
            : c.programmes.map((p) => h('span', { class: 'cs-chip', 'data-programme': p }, t(programmeKey(p))))),
        ),
        h(
          'span',
          { class: 'cs-row-due' },
          isOpen(c) ? dueText(c.due_at, now) : h('span', { class: 'muted small' }, t('cases.updatedAt', { time: formatDateTime(c.updated_at, lang) })),
          c.referrals.length ? h('span', { class: 'muted small' }, t('cases.answered', { n: formatInteger(answered, lang), total: formatInteger(c.referrals.length, lang) })) : '',
        ),
        h('span', { class: 'cs-row-town muted small' }, town),
      ),
    );
  };

  const render = () => {
    renderCounts();
    const now = new Date();
    const rows = sortBoard(shown());
    page.dataset.shown = String(rows.length);
    list.replaceChildren(
      ...(rows.length ? rows.map((c) => row(c, now)) : [h('li', { class: 'empty-line muted', 'data-testid': 'cs-empty', i18n: cases.length ? 'cases.emptyFilter' : 'cases.empty' })]),
    );
  };

  // The alerts still to check, beside the link (the board works without them).
  let openAlerts: number | null = null;
  const renderAlertCount = () => {
    alertCount.hidden = !openAlerts;
    alertCount.dataset.count = String(openAlerts ?? 0);
    alertCount.textContent = openAlerts ? formatInteger(openAlerts, getLang()) : '';
  };
  void alertsApi
    .list({ status: 'open' }, { signal })
    .then((rows) => {
      openAlerts = rows.length;
      renderAlertCount();
    })
    .catch(() => undefined);

  const load = async () => {
    status.replaceChildren(statusBlock(t('cases.loading')));
    try {
      const [list, towns] = await Promise.all([
        casesApi.list({}, { signal }),
        names.size ? Promise.resolve([] as AreaRow[]) : disasterApi.areas({ level: 'township' }, { signal }).catch(() => [] as AreaRow[]),
      ]);
      cases = list;
      for (const a of towns) names.set(a.code, a.name);
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('common.retry')));
    }
  };
  void load();
  // The due times move on: redraw every minute.
  const timer = setInterval(() => cases.length && render(), 60_000);
  ctx.defer(() => clearInterval(timer));
  ctx.onLang(render);
  ctx.onLang(renderAlertCount);
}
