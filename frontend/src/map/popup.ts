// Popup content for an area, built as DOM (names come from the server). With an event shown,
// the area's response level, key figures and markers are added.
import { h } from '../dom';
import { getLang, t } from '../i18n';
import { formatPopulation } from '../format';
import type { AreaProperties } from '../geo';
import { formatFigure, KEY_INDICATORS, levelColor, levelLabel, levelTextColor } from '../disasterrules';
import { indicatorLabel } from '../disaster';
import type { EventAreaInfo } from './event';

function row(labelKey: Parameters<typeof t>[0] | null, value: string | Node, cls?: string, label?: string): HTMLElement {
  return h('div', { class: 'popup-row' }, h('dt', {}, label ?? (labelKey ? t(labelKey) : '')), h('dd', { class: cls }, value));
}

function eventRows(p: AreaProperties, e: EventAreaInfo): HTMLElement[] {
  const lang = getLang();
  const rows: HTMLElement[] = [];
  if (p.level !== 'township') {
    rows.push(
      row(
        'map.popupResponse',
        h('span', { class: 'level-chip', style: `background:${levelColor(e.response_level)};color:${levelTextColor(e.response_level)}`, 'data-testid': 'popup-level' }, levelLabel(e.response_level, lang)),
      ),
    );
  }
  const shown = KEY_INDICATORS.filter((i) => typeof e.figures[i] === 'number');
  for (const i of shown) rows.push(row(null, formatFigure(e.figures[i], i, lang), 'num-cell', indicatorLabel(i)));
  if (!shown.length) rows.push(row('map.popupFigures', t('map.noFigures'), 'muted'));
  const flags: string[] = [];
  if (e.overdue) flags.push(t(e.overdue === 'initial' ? 'overdue.initial' : 'overdue.daily_update'));
  if (e.discrepancies) flags.push(t('map.discrepancyN', { n: e.discrepancies }));
  if (e.accepted) flags.push(t('badge.accepted'));
  if (flags.length) rows.push(row('map.popupFlags', flags.join(' · '), e.overdue ? 'text-danger' : undefined));
  return rows;
}

export function areaPopup(p: AreaProperties, event?: EventAreaInfo | null): HTMLElement {
  const township = p.level === 'township';
  const rows: HTMLElement[] = [
    row('map.popupCode', p.code, 'mono'),
    row('map.popupLevel', t(township ? 'map.levelTownship' : 'map.levelCounty')),
  ];
  if (p.parent_code) rows.push(row('map.popupParent', String(p.parent_code), 'mono'));
  if (township) {
    // GeoJSON properties may arrive as strings after a round-trip through the worker.
    const approx = p.approximate === true || String(p.approximate) === 'true';
    rows.push(row('map.popupLocation', t(approx ? 'map.popupApprox' : 'map.popupExact'), approx ? 'approx' : undefined));
  } else {
    const pop = p.population === null || p.population === undefined || String(p.population) === 'null' ? null : Number(p.population);
    rows.push(row('map.popupPopulation', pop === null ? t('map.populationUnknown') : formatPopulation(pop, getLang())));
  }
  return h(
    'div',
    { class: 'area-popup', 'data-testid': 'area-popup', 'data-code': p.code },
    h('h3', {}, p.name),
    h('dl', {}, ...rows),
    event ? h('dl', { class: 'popup-event', 'data-testid': 'popup-event' }, ...eventRows(p, event)) : '',
  );
}
