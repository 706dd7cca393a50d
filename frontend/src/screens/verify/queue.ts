// The assessor's queue: reported areas grouped by county, filtered by status, with their badges.
import { stageLabel } from '../../disaster';
import { h } from '../../dom';
import { formatDateTime, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { badge } from '../../widgets';
import type { QueueItem, VerifyState } from './state';

type Filter = 'all' | 'pending' | 'discrepancy' | 'accepted';

/** Accepted / verified or pending / discrepancies (the detail's badges carry test ids). */
export function statusBadges(it: QueueItem, withTestids = false): HTMLElement[] {
  const out: HTMLElement[] = [];
  const id = (x: string): Record<string, string> => (withTestids ? { 'data-testid': x } : {});
  if (it.status === 'accepted') out.push(badge(t('badge.accepted'), 'badge-ok', id('badge-accepted')));
  if (it.assessment) out.push(badge(t('badge.verified'), 'badge-info', id('badge-verified')));
  else out.push(badge(t('badge.pending'), 'badge-muted', id('badge-pending')));
  if (it.discrepancies) out.push(badge(t('map.discrepancyN', { n: it.discrepancies }), 'badge-warn', id('badge-discrepancy')));
  return out;
}

export function queueSection(ctx: ScreenContext, state: VerifyState, select: (code: string) => void): { node: HTMLElement; fillFilter(): void; render(): void } {
  let filter: Filter = 'all';
  const filterSel = h('select', { class: 'select select-small', 'data-testid': 'verify-filter', 'aria-label': t('verify.filter') });
  const counts = h('p', { class: 'muted small queue-counts', 'data-testid': 'verify-counts' });
  const queueList = h('div', { class: 'queue-list', 'data-testid': 'verify-queue', role: 'list' });
  const node = h(
    'aside',
    { class: 'card queue-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'verify.queue' }), filterSel),
    counts,
    queueList,
  );

  const fillFilter = () => {
    filterSel.replaceChildren(...(['all', 'pending', 'discrepancy', 'accepted'] as Filter[]).map((f) => h('option', { value: f }, t(`verify.filter.${f}` as MsgKey))));
    filterSel.value = filter;
  };
  ctx.onLang(fillFilter);
  filterSel.addEventListener('change', () => {
    filter = filterSel.value as Filter;
    render();
  });

  const render = () => {
    const { items, names, selected } = state;
    const lang = getLang();
    const shown = items.filter(
      (it) => filter === 'all' || (filter === 'pending' && !it.assessment && it.status !== 'accepted') || (filter === 'discrepancy' && it.discrepancies > 0) || (filter === 'accepted' && it.status === 'accepted'),
    );
    counts.textContent = t('verify.counts', {
      n: formatInteger(items.length, lang),
      verified: formatInteger(items.filter((i) => i.assessment).length, lang),
      accepted: formatInteger(items.filter((i) => i.status === 'accepted').length, lang),
    });
    if (!shown.length) {
      queueList.replaceChildren(h('p', { class: 'muted empty-line', i18n: items.length ? 'verify.noneFiltered' : 'verify.none' }));
      return;
    }
    const byCounty = new Map<string, QueueItem[]>();
    for (const it of shown) {
      if (!byCounty.has(it.county)) byCounty.set(it.county, []);
      byCounty.get(it.county)!.push(it);
    }
    queueList.replaceChildren(
      ...[...byCounty.entries()].map(([county, list]) =>
        h(
          'div',
          { class: 'queue-group', role: 'group', 'aria-label': names.get(county) ?? county },
          h('div', { class: 'queue-county' }, h('span', {}, names.get(county) ?? county), h('span', { class: 'muted small' }, String(list.length))),
          ...list.map((it) =>
            h(
              'button',
              {
                type: 'button',
                role: 'listitem',
                class: `queue-item${it.code === selected ? ' active' : ''}`,
                'data-testid': `queue-${it.code}`,
                'data-status': it.status === 'accepted' ? 'accepted' : it.assessment ? 'verified' : 'pending',
                'data-disc': String(it.discrepancies),
                'aria-current': it.code === selected ? 'true' : undefined,
                onclick: () => select(it.code),
              },
              h('span', { class: 'queue-name' }, it.name, it.code.length === 6 ? h('small', { class: 'muted' }, ` ${t('verify.countyLevel')}`) : ''),
              h('span', { class: 'queue-badges' }, ...statusBadges(it)),
              h('span', { class: 'queue-meta muted small' }, `${stageLabel(it.report.stage)} · ${t('report.versionN', { n: it.report.version })} · ${formatDateTime(it.report.reported_at, lang)}`),
            ),
          ),
        ),
      ),
    );
  };
  ctx.onLang(render);

  return { node, fillFilter, render };
}
