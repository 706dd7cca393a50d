// Popup content for an area, built as DOM (names come from the server). With an event shown,
// the area's response level, key figures and markers are added.
import { h } from '../dom';
import { getLang, t } from '../i18n';
import { formatDateTime, formatPopulation } from '../format';
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

/**
 * An area's popup. `countyName` names a township's county (the map shows names, never a parent's
 * code); the area's own division code stays as one row.
 */
export function areaPopup(p: AreaProperties, event?: EventAreaInfo | null, countyName?: string | null): HTMLElement {
  const township = p.level === 'township';
  const rows: HTMLElement[] = [
    row('map.popupCode', p.code, 'mono'),
    row('map.popupLevel', t(township ? 'map.levelTownship' : 'map.levelCounty')),
  ];
  if (township && (countyName || p.parent_code)) rows.push(row('map.popupCounty', countyName || String(p.parent_code)));
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

/** The popup of an overdue marker: which report of which area is overdue, since when, and where to file it. */
export function overduePopup(area: { code: string; name: string; countyName?: string | null }, overdue: { kind: string; due_at: string }, reportHref: string | null): HTMLElement {
  const lang = getLang();
  return h(
    'div',
    { class: 'area-popup overdue-popup', 'data-testid': 'overdue-popup', 'data-code': area.code },
    h('h3', {}, area.name),
    h(
      'dl',
      {},
      row('map.overdueReport', t(overdue.kind === 'initial' ? 'overdue.initial' : 'overdue.daily_update'), 'text-danger'),
      row('map.overdueDue', formatDateTime(overdue.due_at, lang)),
      area.countyName ? row('map.popupCounty', area.countyName) : '',
    ),
    reportHref ? h('a', { href: reportHref, class: 'popup-link', 'data-testid': 'overdue-popup-link', i18n: 'map.overdueFile' }) : '',
  );
}
