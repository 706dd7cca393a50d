// Open urgent cases (救急难: kind `urgent`, neither decided nor closed) per township on the main map,
// for the roles that read cases: a count badge beside each township's point (red when one of its
// cases is overdue) and, on a click, a popup listing them (receipt number, programmes, overdue or
// time left), each linking to its case. DOM markers (the offline style has no glyphs for numbers);
// a switch in the legend hides them. The counting is pure (cases.ts, openUrgentByTownship).
import type { Map as MlMap } from 'maplibre-gl';
import { casesApi, dueWords, openUrgentByTownship, programmeKey, type Case } from '../cases';
import { h } from '../dom';
import { isAbort } from '../errors';
import { formatInteger } from '../format';
import type { AreaCollection } from '../geo';
import { getLang, t } from '../i18n';
import { maplibregl } from './setup';

export interface UrgentLayer {
  /** The legend entry with its switch. */
  section: HTMLElement;
  /** Place the badges once the townships' points are known. */
  start(townships: AreaCollection): void;
  relabel(): void;
  destroy(): void;
}

interface Town {
  code: string;
  name: string;
  at: [number, number];
}

function casePopup(town: Town, cases: readonly Case[], now: Date): HTMLElement {
  const lang = getLang();
  return h(
    'div',
    { class: 'area-popup urgent-popup', 'data-testid': 'urgent-popup', 'data-code': town.code },
    h('h3', {}, town.name),
    h('p', { class: 'muted small urgent-popup-sub' }, t('map.urgentTitle', { n: formatInteger(cases.length, lang) })),
    h(
      'ul',
      { class: 'urgent-cases' },
      ...cases.map((c) => {
        const w = dueWords(c.due_at, now);
        return h(
          'li',
          { 'data-overdue': String(c.overdue) },
          h(
            'a',
            { class: 'urgent-case', href: `#/cases/${c.id}`, 'data-testid': `urgent-case-${c.id}` },
            h('span', { class: 'urgent-case-head' }, h('span', { class: 'mono strong' }, c.receipt_no), c.overdue ? h('span', { class: 'badge badge-danger' }, `⚠ ${t('cases.overdue')}`) : h('span', { class: 'muted small' }, t(w.key, w.params))),
            h('span', { class: 'small' }, c.programmes.map((p) => t(programmeKey(p))).join('、')),
          ),
        );
      }),
    ),
    h('a', { class: 'popup-link', href: '#/cases', i18n: 'map.urgentBoard' }),
  );
}

export function createUrgentLayer(map: MlMap, signal: AbortSignal, opts: { onOpen?: () => void } = {}): UrgentLayer {
  const toggle = h('input', { type: 'checkbox', checked: true, 'data-testid': 'urgent-layer-toggle', i18nAriaLabel: 'map.urgentToggle' });
  const note = h('p', { class: 'muted small', 'data-testid': 'urgent-status' });
  const section = h(
    'div',
    { class: 'legend-group', 'data-testid': 'legend-urgent' },
    h('label', { class: 'legend-toggle' }, toggle, h('span', { class: 'legend-subhead', i18n: 'map.urgent' })),
    h(
      'ul',
      { class: 'legend' },
      h('li', {}, h('span', { class: 'urgent-swatch' }, h('span', { class: 'urgent-marker urgent-marker-legend' }, '2'), h('span', { class: 'urgent-marker urgent-marker-legend urgent-marker-late' }, '1')), h('span', { i18n: 'map.urgentHint' })),
    ),
    note,
  );

  let groups = new Map<string, Case[]>();
  let towns = new Map<string, Town>();
  let markers: Array<{ town: Town; marker: maplibregl.Marker; el: HTMLButtonElement }> = [];
  let popup: maplibregl.Popup | null = null;
  let loaded = false;
  // The layer is extra: when the cases cannot be read the map works without it.
  const pending = casesApi.list({}, { signal }).catch((err) => {
    if (!isAbort(err)) section.hidden = true;
    return null;
  });

  const label = (town: Town, n: number) => t('map.urgentMarker', { name: town.name, n: formatInteger(n, getLang()) });

  const openPopup = (town: Town) => {
    const cases = groups.get(town.code) ?? [];
    popup?.remove();
    opts.onOpen?.();
    popup = new maplibregl.Popup({ closeButton: true, maxWidth: '300px', offset: 14 }).setLngLat(town.at).setDOMContent(casePopup(town, cases, new Date())).addTo(map);
  };

  const renderNote = () => {
    if (!loaded) return;
    const lang = getLang();
    const total = [...groups.values()].reduce((s, l) => s + l.length, 0);
    note.textContent = total ? t('map.urgentTotal', { n: formatInteger(total, lang), towns: formatInteger(groups.size, lang) }) : t('map.urgentNone');
  };

  const place = () => {
    for (const m of markers) m.marker.remove();
    markers = [];
    for (const [code, cases] of groups) {
      const town = towns.get(code);
      if (!town) continue;
      const late = cases.some((c) => c.overdue);
      const el = h(
        'button',
        {
          type: 'button',
          class: `urgent-marker${late ? ' urgent-marker-late' : ''}`,
          'data-testid': `urgent-marker-${code}`,
          'data-count': String(cases.length),
          'data-overdue': String(late),
          'aria-label': label(town, cases.length),
          title: label(town, cases.length),
        },
        formatInteger(cases.length, getLang()),
      );
      el.hidden = !toggle.checked;
      // The map's own click (county and township popups) must not see a click on the badge.
      el.addEventListener('click', (e) => {
        e.stopPropagation();
        openPopup(town);
      });
      // Above and left of the point: the point itself (and a county's badges on it) stay clickable,
      // and the township's name (right of the point) stays readable.
      const marker = new maplibregl.Marker({ element: el, anchor: 'bottom-right', offset: [-3, -3] }).setLngLat(town.at).addTo(map);
      markers.push({ town, marker, el });
    }
    document.body.dataset.urgentMarkers = String(markers.length);
  };

  toggle.addEventListener('change', () => {
    for (const m of markers) m.el.hidden = !toggle.checked;
    if (!toggle.checked) popup?.remove();
  });

  return {
    section,
    start(townships) {
      towns = new Map();
      for (const f of townships.features) {
        if (f.geometry?.type !== 'Point') continue;
        const [lon, lat] = f.geometry.coordinates;
        towns.set(f.properties.code, { code: f.properties.code, name: f.properties.name, at: [lon, lat] });
      }
      void pending.then((cases) => {
        if (signal.aborted || !cases) return;
        groups = openUrgentByTownship(cases);
        loaded = true;
        renderNote();
        place();
      });
    },
    relabel() {
      popup?.remove();
      renderNote();
      for (const m of markers) {
        const n = groups.get(m.town.code)?.length ?? 0;
        m.el.textContent = formatInteger(n, getLang());
        m.el.setAttribute('aria-label', label(m.town, n));
        m.el.title = label(m.town, n);
      }
    },
    destroy() {
      popup?.remove();
      for (const m of markers) m.marker.remove();
      markers = [];
      delete document.body.dataset.urgentMarkers;
    },
  };
}
