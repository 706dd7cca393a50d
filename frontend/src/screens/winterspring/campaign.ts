// One winter–spring campaign (#/winter-spring/:id): its status, the October deadlines with a
// countdown (or how long overdue), the relief period and the year's disasters; three views:
// 汇总 (the map of need per township, the figures per level with submissions, the statutory
// tables to download), 待走访 (households to visit), 需求台账 (the need records) and 发放 (the
// payment phases with their grant lists, and the aid received besides; payments.ts).
import '../../styles/winterspring.css';
import { shanghaiDate } from '../../dates';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDate, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { labelled } from '../../listview';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import {
  canFile,
  deadlineState,
  SUMMARY_LEVELS,
  TABLES,
  winterSpringApi,
  type Campaign,
  type CampaignSummary,
  type SummaryLevel,
} from '../../winterspring';
import { figuresTable } from './figures';
import { needMap } from './needmap';
import { paymentsView } from './payments';
import { needsList, proposalsList } from './survey';

const VIEWS = ['overview', 'survey', 'needs', 'payments'] as const;
type View = (typeof VIEWS)[number];

function countdown(due: string, today: string): HTMLElement {
  const s = deadlineState(due, today);
  const lang = getLang();
  if (s.state === 'overdue') return h('span', { class: 'badge badge-danger', 'data-state': 'overdue' }, t('ws.deadline.overdue', { n: formatInteger(s.days, lang) }));
  if (s.state === 'today') return h('span', { class: 'badge badge-warn', 'data-state': 'today' }, t('ws.deadline.today'));
  return h('span', { class: `badge ${s.days <= 7 ? 'badge-warn' : 'badge-info'}`, 'data-state': 'left' }, t('ws.deadline.left', { n: formatInteger(s.days, lang) }));
}

export async function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const id = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page ws-page', 'data-testid': 'ws-campaign-screen' }, inner);
  root.append(page);
  const status = h('div');
  inner.append(h('a', { class: 'link crumb', href: '#/winter-spring', i18n: 'ws.back' }), status);

  let campaign: Campaign;
  try {
    status.replaceChildren(statusBlock(t('ws.loading')));
    campaign = await winterSpringApi.campaign(id, { signal });
    status.replaceChildren();
  } catch (err) {
    if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true));
    return;
  }

  const wanted = ctx.params.get('view');
  let view: View = (VIEWS as readonly string[]).includes(wanted ?? '') ? (wanted as View) : user.role === 'reporter' ? 'survey' : 'overview';
  const wantedLevel = ctx.params.get('level');
  let level: SummaryLevel = (SUMMARY_LEVELS as readonly string[]).includes(wantedLevel ?? '') ? (wantedLevel as SummaryLevel) : campaign.area_code.length === 6 && campaign.area_code.endsWith('00') ? 'county' : 'township';

  // ---- head: title, status, deadlines --------------------------------------------------------
  const title = h('h1', { 'data-testid': 'ws-title' });
  const statusBadge = h('span', { class: 'badge badge-info', 'data-testid': 'ws-status', 'data-status': campaign.status });
  const facts = h('div', { class: 'plan-meta ws-meta' });
  const deadlines = h('div', { class: 'ws-deadlines', 'data-testid': 'ws-deadlines' });
  const head = () => {
    const c = campaign;
    title.textContent = t('ws.campaignTitle', { year: c.year, area: c.area_name });
    statusBadge.textContent = t(`ws.status.${c.status}` as MsgKey);
    facts.replaceChildren(
      h('span', {}, labelled(t('ws.surveyStart'), formatDate(c.calendar.survey_start))),
      h('span', {}, labelled(t('ws.reliefPeriod'), `${formatDate(c.calendar.relief_start)} – ${formatDate(c.calendar.relief_end)}`)),
      h('span', { 'data-testid': 'ws-events' }, labelled(t('ws.events'), c.events.length ? c.events.map((e) => e.name).join('、') : t('ws.noEvents'))),
    );
    const today = shanghaiDate();
    deadlines.replaceChildren(
      ...(['county', 'city', 'province'] as const).map((lv) =>
        h(
          'div',
          { class: 'ws-deadline', 'data-testid': `ws-deadline-${lv}` },
          h('span', { class: 'muted small' }, t(`ws.deadline.${lv}` as MsgKey)),
          h('strong', {}, formatDate(c.deadlines[lv])),
          countdown(c.deadlines[lv], today),
        ),
      ),
    );
  };
  head();
  inner.append(h('div', { class: 'page-title' }, h('h1', {}, title, ' ', statusBadge), facts), deadlines);

  // ---- views --------------------------------------------------------------------------------
  const tabs = h('div', { class: 'seg-tabs ws-views', role: 'tablist', 'data-testid': 'ws-views' });
  const actions = h('div', { class: 'ws-top-actions' });
  if (canFile(user.role)) actions.append(h('a', { class: 'btn btn-primary', href: `#/winter-spring/${id}/needs/new`, 'data-testid': 'ws-new-need', i18n: 'ws.fileNeed' }));
  const panes: Record<View, HTMLElement> = { overview: h('div', { class: 'ws-pane' }), survey: h('div', { class: 'ws-pane' }), needs: h('div', { class: 'ws-pane' }), payments: h('div', { class: 'ws-pane' }) };
  inner.append(h('div', { class: 'ws-toolbar' }, tabs, actions), panes.overview, panes.survey, panes.needs, panes.payments);

  // Overview: map, figures, tables.
  const levelTabs = h('div', { class: 'seg-tabs compact ws-levels', role: 'tablist', 'data-testid': 'ws-levels' });
  const figuresStatus = h('div');
  const figures = figuresTable({ campaignId: id, caller: user, signal, onChanged: () => void loadFigures() });
  let map: ReturnType<typeof needMap> | null = null;
  const mapCard = h('section', { class: 'card ws-map-card', 'data-testid': 'ws-map-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.map.title' })));
  const figuresCard = h(
    'section',
    { class: 'card', 'data-testid': 'ws-figures-card' },
    h('div', { class: 'card-head', style: 'flex-wrap:wrap;gap:8px 14px' }, h('h2', { i18n: 'ws.figures.title' }), levelTabs),
    figuresStatus,
    figures.el,
  );
  const downloads = h('div', { class: 'ws-downloads' });
  const tablesCard = h('section', { class: 'card', 'data-testid': 'ws-tables-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.tables.title' })), h('div', { class: 'card-body' }, downloads));
  panes.overview.append(mapCard, figuresCard, tablesCard);

  const renderDownloads = () => {
    downloads.replaceChildren(
      ...TABLES.map((name) =>
        h(
          'div',
          { class: 'ws-download', 'data-testid': `ws-table-${name}` },
          h('span', {}, t(`ws.table.${name}` as MsgKey)),
          h(
            'span',
            { class: 'ws-download-buttons' },
            ...(['csv', 'xlsx'] as const).map((format) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-outline btn-small',
                  'data-testid': `ws-download-${name}-${format}`,
                  onclick: async (ev: Event) => {
                    const b = ev.currentTarget as HTMLButtonElement;
                    b.disabled = true;
                    try {
                      const file = await winterSpringApi.table(id, name, format, signal);
                      toast(t('export.done', { name: file }));
                    } catch (err) {
                      if (!isAbort(err)) toast(t('export.failed', { message: errorText(err) }), 'error');
                    } finally {
                      b.disabled = false;
                    }
                  },
                },
                format.toUpperCase(),
              ),
            ),
          ),
        ),
      ),
    );
  };
  renderDownloads();

  let summary: CampaignSummary | null = null;
  let seq = 0;
  const loadFigures = async () => {
    const my = ++seq;
    page.dataset.figures = 'loading';
    figuresStatus.replaceChildren(statusBlock(t('ws.loading')));
    try {
      // The map's figures are read once (a submission or decision does not change them).
      const wantMap = !map;
      const [s, tw, co] = await Promise.all([
        winterSpringApi.summary(id, level, { signal }),
        wantMap ? winterSpringApi.summary(id, 'township', { signal }) : null,
        wantMap ? winterSpringApi.summary(id, 'county', { signal }) : null,
      ]);
      if (my !== seq) return;
      summary = s;
      figuresStatus.replaceChildren();
      figures.render(s);
      if (tw && co) {
        if (!map) {
          map = needMap(ctx, campaign.area_code);
          mapCard.append(map.el);
        }
        map.setData(tw.areas, co.areas);
      }
      campaign = s.campaign;
      head();
      page.dataset.figures = s.level;
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      figuresStatus.replaceChildren(statusBlock(errorText(err), true, () => void loadFigures(), t('map.retry')));
    }
  };

  const renderLevels = () => {
    levelTabs.replaceChildren(
      ...SUMMARY_LEVELS.map((lv) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            class: `seg-tab${lv === level ? ' active' : ''}`,
            'aria-selected': String(lv === level),
            'data-testid': `ws-level-${lv}`,
            onclick: () => {
              if (level === lv) return;
              level = lv;
              renderLevels();
              void loadFigures();
            },
          },
          t(`ws.level.${lv}` as MsgKey),
        ),
      ),
    );
  };
  renderLevels();

  // Survey and needs.
  const proposals = proposalsList({ campaignId: id, role: user.role, signal });
  const needs = needsList({ campaignId: id, role: user.role, signal });
  panes.survey.append(proposals.el);
  panes.needs.append(needs.el);
  const payments = paymentsView({ campaign: () => campaign, user, signal });
  panes.payments.append(payments.el);
  const loaded = new Set<View>();

  const show = (v: View) => {
    view = v;
    page.dataset.view = v;
    for (const k of VIEWS) panes[k].hidden = k !== v;
    tabs.replaceChildren(
      ...VIEWS.map((k) =>
        h(
          'button',
          { type: 'button', role: 'tab', class: `seg-tab${k === v ? ' active' : ''}`, 'aria-selected': String(k === v), 'data-testid': `ws-view-${k}`, onclick: () => show(k) },
          t(`ws.view.${k}` as MsgKey),
        ),
      ),
    );
    // Keep the view in the address (reloads and the back button come back to it) without a new render.
    const url = `#/winter-spring/${id}${v === 'overview' ? '' : `?view=${v}`}`;
    if (location.hash !== url) history.replaceState(null, '', url);
    if (loaded.has(v)) return;
    loaded.add(v);
    if (v === 'overview') void loadFigures();
    else if (v === 'survey') void proposals.load();
    else if (v === 'needs') void needs.load();
    else void payments.load();
  };
  show(view);
  page.dataset.ready = 'true';

  ctx.onLang(() => {
    head();
    show(view);
    renderLevels();
    renderDownloads();
    if (summary) figures.render(summary);
    map?.relabel();
    if (loaded.has('survey')) proposals.relabel();
    if (loaded.has('needs')) needs.relabel();
    if (loaded.has('payments')) payments.relabel();
  });
}
