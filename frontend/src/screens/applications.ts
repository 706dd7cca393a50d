// The applications queue (#/applications): the applications in the caller's scope by stage (待村评,
// 待公示, 公示中, 待乡审, 待县定, 已批准, 已结束), overdue first, each row opening the application;
// for caseworkers the new-application button and the village notice (审核公示) form; for
// reviewers the objections to the notices waiting for an answer.
import { isCaseworker, sortQueue, stageCounts, stageOf, STAGES, applicationsApi, canAnswerObjections, type Application, type Stage } from '../applications';
import { disasterApi, sortEvents, type DisasterEvent } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatFen, formatInteger } from '../format';
import { getLang, label, t } from '../i18n';
import type { ScreenContext } from '../screen';
import { dataTable, statusBlock } from '../widgets';
import { aidText, dueText, overdueBadge, stageChip } from './applications/common';
import { noticeCard } from './applications/notice';
import { objectionsCard } from './applications/objections';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const caseworker = isCaseworker(user.role);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page applications-page', 'data-testid': 'applications-screen' }, inner);
  root.append(page);

  const wanted = ctx.params.get('stage');
  let stage: Stage | '' = (STAGES as readonly string[]).includes(wanted ?? '') ? (wanted as Stage) : '';
  let rows: Application[] = [];
  let events: DisasterEvent[] = [];

  const eventSel = h('select', { class: 'select', 'data-testid': 'applications-event', i18nAriaLabel: 'apps.event' }, h('option', { value: '', i18n: 'apps.allEvents' }));
  const tabs = h('div', { class: 'seg-tabs compact', role: 'tablist', 'data-testid': 'applications-stages' });
  Object.assign(tabs.style, { flexWrap: 'wrap', maxWidth: '100%' });
  const count = h('span', { class: 'muted', 'data-testid': 'applications-count' });
  const tbl = dataTable(
    [
      { key: 'apps.col.household' },
      { key: 'apps.col.idNumber' },
      { key: 'apps.col.area' },
      { key: 'apps.col.aid' },
      { key: 'apps.col.persons', cls: 'num' },
      { key: 'apps.col.standard', cls: 'num' },
      { key: 'apps.col.status' },
      { key: 'apps.col.due' },
    ],
    'applications-table',
  );
  const status = h('div');
  const actions = h('div', { class: 'event-actions', style: 'display:flex;flex-wrap:wrap;gap:8px' });
  if (caseworker) actions.append(h('a', { class: 'btn btn-primary', href: '#/applications/new', 'data-testid': 'applications-new', i18n: 'apps.new' }));
  const noticeBox = h('div');
  if (caseworker) {
    const toggle = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'applications-post-notice', i18n: 'apps.postNotice' });
    toggle.addEventListener('click', () => {
      if (noticeBox.firstChild) return void noticeBox.replaceChildren();
      noticeBox.replaceChildren(noticeCard(ctx, rows, events, () => noticeBox.replaceChildren(), () => void load()));
      noticeBox.scrollIntoView({ block: 'nearest' });
    });
    actions.append(toggle);
  }
  actions.append(h('a', { class: 'btn btn-ghost', href: '#/notices', 'data-testid': 'applications-public-notices', i18n: 'apps.publicNotices' }));

  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'apps.title' }), h('p', { class: 'muted page-sub', i18n: 'apps.sub' })),
    actions,
    noticeBox,
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'card-head', style: 'flex-wrap:wrap;gap:8px 14px' },
        tabs,
        h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'apps.event' }), eventSel),
        count,
      ),
      status,
      h('div', { class: 'table-wrap' }, tbl.table),
    ),
  );
  if (canAnswerObjections(user)) inner.append(objectionsCard(ctx, { openOnly: true, onAnswered: () => void load() }));

  const renderTabs = () => {
    const lang = getLang();
    const counts = stageCounts(rows);
    const tab = (value: Stage | '', text: string, n: number) => {
      const b = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: `seg-tab${stage === value ? ' active' : ''}`,
          'aria-selected': String(stage === value),
          'data-testid': `applications-stage-${value || 'all'}`,
          'data-count': String(n),
        },
        `${text} ${formatInteger(n, lang)}`,
      );
      b.addEventListener('click', () => {
        stage = value;
        render();
      });
      return b;
    };
    tabs.replaceChildren(tab('', t('apps.stageAll'), rows.length), ...STAGES.map((s) => tab(s, label('appStage', s), counts[s])));
  };

  const render = () => {
    const lang = getLang();
    renderTabs();
    const now = new Date();
    const shown = sortQueue(rows.filter((r) => !stage || stageOf(r, now) === stage));
    count.textContent = t('apps.count', { n: formatInteger(shown.length, lang) });
    page.dataset.stage = stage || 'all';
    if (!shown.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty-cell', 'data-testid': 'applications-empty', i18n: 'apps.empty' })));
      return;
    }
    tbl.body.replaceChildren(
      ...shown.map((a) =>
        h(
          'tr',
          { 'data-testid': `application-${a.id}`, 'data-stage': stageOf(a, now), 'data-overdue': String(a.overdue), class: a.overdue ? 'row-review' : '' },
          h('td', { class: 'nowrap' }, h('a', { class: 'link strong', href: `#/applications/${a.id}`, 'data-testid': `application-link-${a.id}` }, a.name), h('span', { class: 'muted small' }, ` #${a.id}`)),
          h('td', { class: 'mono nowrap' }, a.id_number),
          h('td', { class: 'nowrap', title: a.area_code }, a.area_name || a.area_code),
          h('td', { class: 'nowrap' }, aidText(a)),
          h('td', { class: 'num' }, t('apps.personsOf', { persons: formatInteger(a.persons, lang), members: formatInteger(a.members, lang) })),
          h('td', { class: 'num' }, formatFen(a.amount_fen ?? a.standard_fen, lang)),
          h('td', { class: 'nowrap' }, stageChip(a, now)),
          h('td', { class: 'nowrap small', 'data-testid': `application-due-${a.id}` }, dueText(a), ' ', overdueBadge(a)),
        ),
      ),
    );
  };

  let seq = 0;
  const load = async () => {
    const my = ++seq;
    page.dataset.ready = 'false';
    status.replaceChildren(statusBlock(t('apps.loading')));
    try {
      const list = await applicationsApi.list({ event_id: Number(eventSel.value) || undefined }, { signal });
      if (my !== seq) return;
      rows = list;
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  eventSel.addEventListener('change', () => void load());

  disasterApi
    .events({ signal })
    .then((list) => {
      events = sortEvents(list);
      for (const e of events) eventSel.append(h('option', { value: String(e.id) }, e.name));
    })
    .catch(() => undefined);
  void load();
  ctx.onLang(render);
}

