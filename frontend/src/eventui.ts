// Small UI pieces shared by the event screens: level and status badges, the event header,
// the chooser behind the reporter's and the assessor's tabs, and the register downloads.
import { disasterApi, hazardLabel, sortEvents, statusLabel, type DisasterEvent } from './disaster';
import { isFictional, levelColor, levelLabel, levelTextColor, responseLabel } from './disasterrules';
import { h } from './dom';
import { ApiError, errorText, isAbort } from './errors';
import { formatDateTime } from './format';
import { householdsApi, REGISTERS } from './households';
import { getLang, t, type MsgKey } from './i18n';
import { navigate } from './router';
import { toast } from './toast';
import { badge, statusBlock } from './widgets';

/** A coloured Ⅰ–Ⅳ chip; grey "未启动" for none. `overridden` adds a mark. */
export function levelChip(level: number | null | undefined, overridden = false, testid?: string): HTMLElement {
  const lang = getLang();
  return h(
    'span',
    {
      class: `level-chip${overridden ? ' overridden' : ''}`,
      style: `background:${levelColor(level)};color:${levelTextColor(level)}`,
      'data-level': String(level ?? 'none'),
      'data-testid': testid,
      title: overridden ? t('level.overriddenTitle') : undefined,
    },
    levelLabel(level, lang),
    overridden ? h('span', { class: 'override-mark', 'aria-label': t('level.overriddenTitle') }, '*') : '',
  );
}

export function statusBadge(status: string): HTMLElement {
  const cls = status === 'active' ? 'badge-danger' : status === 'stabilised' ? 'badge-warn' : 'badge-muted';
  return badge(statusLabel(status), `event-status ${cls}`, { 'data-testid': 'event-status', 'data-status': status });
}

export function fictionalBadge(event: DisasterEvent): HTMLElement | string {
  return isFictional(event) ? badge(t('event.fictional'), 'badge-fictional', { 'data-testid': 'event-fictional', title: t('event.fictionalTitle') }) : '';
}

/** Title block of an event: name, badges, hazard and onset, optional overall level and actions. */
export function eventHeader(event: DisasterEvent, opts: { overall?: number | null; actions?: Node[]; extra?: Node[] } = {}): HTMLElement {
  const lang = getLang();
  return h(
    'header',
    { class: `card event-header${opts.actions?.length ? '' : ' no-actions'}`, 'data-testid': 'event-header', 'data-event-id': String(event.id) },
    h(
      'div',
      { class: 'event-head-main' },
      h('div', { class: 'event-title' }, h('h1', { 'data-testid': 'event-name' }, event.name), statusBadge(event.status), fictionalBadge(event)),
      h(
        'div',
        { class: 'event-facts muted' },
        h('span', {}, t('common.labelled', { label: t('event.hazard'), value: hazardLabel(event.hazard) })),
        h('span', {}, t('common.labelled', { label: t('event.onset'), value: `${formatDateTime(event.onset_at, lang)} ${t('common.beijing')}` })),
        h('span', {}, t('common.labelled', { label: t('event.affectedCounties'), value: String(event.affected_areas.length) })),
      ),
      ...(opts.extra ?? []),
    ),
    opts.overall !== undefined
      ? h(
          'div',
          { class: 'event-overall', 'data-testid': 'event-overall', 'data-level': String(opts.overall ?? 'none'), style: `background:${levelColor(opts.overall)};color:${levelTextColor(opts.overall)}` },
          h('span', { class: 'overall-caption' }, t('map.overallLevel')),
          h('strong', {}, responseLabel(opts.overall, lang)),
        )
      : '',
    opts.actions?.length ? h('div', { class: 'event-actions' }, ...opts.actions) : '',
  );
}

/**
 * The reporter's / assessor's tab (`#/report`, `#/verify`): opens the only active event
 * directly, otherwise lists the events to choose from.
 */
export async function chooseEvent(root: HTMLElement, signal: AbortSignal, suffix: 'report' | 'verify'): Promise<void> {
  const page = h('div', { class: 'page', 'data-testid': `${suffix}-chooser` });
  const inner = h('div', { class: 'page-inner narrow' }, statusBlock(t('common.loading')));
  page.append(inner);
  root.append(page);
  let events: DisasterEvent[];
  try {
    events = sortEvents(await disasterApi.events({ signal }));
  } catch (err) {
    if (isAbort(err) || signal.aborted || (err instanceof ApiError && err.status === 401)) return;
    inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true));
    return;
  }
  if (signal.aborted) return;
  const open = events.filter((e) => e.status !== 'closed');
  if (open.length === 1) return navigate(`/events/${open[0].id}/${suffix}`, undefined, true);
  const lang = getLang();
  inner.replaceChildren(
    h('div', { class: 'page-title' }, h('h1', { i18n: suffix === 'report' ? 'nav.report' : 'nav.verify' })),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { i18n: 'events.choose' })),
      events.length
        ? h(
            'ul',
            { class: 'choice-list' },
            ...events.map((e) =>
              h(
                'li',
                {},
                h(
                  'a',
                  { class: 'choice', href: `#/events/${e.id}/${suffix}`, 'data-testid': `choose-event-${e.id}` },
                  h('span', { class: 'strong' }, e.name),
                  statusBadge(e.status),
                  h('span', { class: 'muted small' }, `${hazardLabel(e.hazard)} · ${formatDateTime(e.onset_at, lang)}`),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted empty-line', i18n: 'events.none' }),
    ),
  );
}

/**
 * The event's statutory registers (因灾死亡失踪人口一览表, 因灾倒塌损坏住房户一览表), each as CSV
 * and XLSX, for the reader's scope.
 */
export function registerButtons(eventId: number, signal: AbortSignal): HTMLElement {
  const box = h('div', { class: 'register-buttons', 'data-testid': 'register-buttons' });
  for (const register of REGISTERS) {
    const group = h('span', { class: 'export-pair' }, h('span', { class: 'muted', i18n: `reg.${register}` as MsgKey }));
    for (const format of ['csv', 'xlsx'] as const) {
      const btn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': `register-${register}-${format}` }, format.toUpperCase());
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          toast(t('export.done', { name: await householdsApi.register(register, eventId, format, signal) }));
        } catch (err) {
          if (!isAbort(err) && !(err instanceof ApiError && err.status === 401)) toast(t('export.failed', { message: errorText(err) }), 'error');
        } finally {
          btn.disabled = false;
        }
      });
      group.append(btn);
    }
    box.append(group);
  }
  return box;
}
