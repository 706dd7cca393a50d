// Popup content for an area, built as DOM (names come from the server).
import { h } from '../dom';
import { getLang, t } from '../i18n';
import { formatPopulation } from '../format';
import type { AreaProperties } from '../geo';

function row(labelKey: Parameters<typeof t>[0], value: string, cls?: string): HTMLElement {
  return h('div', { class: 'popup-row' }, h('dt', {}, t(labelKey)), h('dd', { class: cls }, value));
}

export function areaPopup(p: AreaProperties): HTMLElement {
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
  );
}
