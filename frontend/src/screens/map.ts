// Map workspace: county boundaries and township points of Jiujiang, with a
// side panel listing the counties and the legend. With a disaster event chosen, the counties
// are coloured by response level or an indicator, townships sized by an indicator, and overdue
// and discrepancy badges are drawn (map/event.ts; the event panel is in map/eventpanel.ts).
// Place names are DOM labels (maplabels.ts: the offline style has no glyphs); a search box finds
// a county or township (mapsearch.ts). With no event asked for, the active event under the most
// severe response is opened. Blocked zones of the event are drawn on top (map/planblockages.ts).
import { api } from '../api';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatInteger, formatPopulation } from '../format';
import { disasterApi, type AreaRow } from '../disaster';
import { bboxOfCollection, bboxOfGeometry, distinctProperty, sortByCode, type AreaCollection, type AreaFeature, type AreaProperties, type BBox } from '../geo';
import { getLang, t } from '../i18n';
import { COUNTY_LABEL_ZOOM, createLabelLayer, TOWNSHIP_LABEL_ZOOM, type MapLabel } from '../maplabels';
import { createMapSearch, type SearchEntry } from '../mapsearch';
import { addDepotLayer, DEPOT_LAYER, depotPopup, SRC_DEPOTS, type DepotCollection, type DepotProperties } from '../map/depots';
import { EVENT_LAYERS } from '../map/event';
import { createEventPanel } from '../map/eventpanel';
import { createHexLayer } from '../map/hex';
import { addAreaLayers, COLORS, COUNTY_PALETTE, LAYERS, SRC_COUNTIES, SRC_TOWNSHIPS, TOWNSHIP_LAYERS } from '../map/layers';
import { BLOCK_LAYERS, createBlockagePanel } from '../map/planblockages';
import { areaPopup, overduePopup } from '../map/popup';
import { createUrgentLayer } from '../map/urgent';
import { ATTRIBUTION, createMap, maplibregl } from '../map/setup';
import { CASE_READERS, EVENT_READERS, hasRole, HOUSEHOLD_READERS } from '../roles';
import { parseHash } from '../router';
import type { ScreenContext } from '../screen';
import { READINESS_COLORS } from '../stockrules';

const FIT_PADDING = 36;

function loadAreas(level: 'county' | 'township', signal: AbortSignal): Promise<AreaCollection> {
  return api.get<AreaCollection>('/map/areas.geojson', { query: { level }, signal });
}

function legendItem(swatch: HTMLElement, key: Parameters<typeof t>[0]): HTMLElement {
  return h('li', {}, swatch, h('span', { i18n: key }));
}

/** Township labels: towns and 乡 before urban subdistricts (dense) and farms or zones. */
function townshipPriority(code: string): number {
  const n = Number(code.slice(6));
  return n >= 100 && n < 400 ? 1 : 2;
}

function loadDepots(signal: AbortSignal): Promise<DepotCollection> {
  return api.get<DepotCollection>('/map/depots.geojson', { signal });
}

/** Legend entries of the depot layer, with the switch that shows or hides it. */
function depotLegend(toggle: HTMLInputElement): HTMLElement {
  const dot = (color: string, testid: string) => h('span', { class: 'swatch swatch-depot', 'data-testid': testid, style: `background:${color}` });
  return h(
    'div',
    { class: 'legend-group', 'data-testid': 'legend-depots' },
    h('label', { class: 'legend-toggle' }, toggle, h('span', { class: 'legend-subhead', i18n: 'map.depots' })),
    h(
      'ul',
      { class: 'legend' },
      legendItem(dot(READINESS_COLORS.high, 'legend-depot-high'), 'map.legendDepotHigh'),
      legendItem(dot(READINESS_COLORS.mid, 'legend-depot-mid'), 'map.legendDepotMid'),
      legendItem(dot(READINESS_COLORS.low, 'legend-depot-low'), 'map.legendDepotLow'),
      legendItem(dot(READINESS_COLORS.unknown, 'legend-depot-inactive'), 'map.legendDepotInactive'),
      legendItem(h('span', { class: 'swatch swatch-sizes' }, h('i'), h('i'), h('i')), 'map.legendDepotSize'),
    ),
  );
}

function legend(depotToggle: HTMLInputElement): HTMLElement {
  const fills = h('span', { class: 'swatch swatch-fills' }, ...COUNTY_PALETTE.slice(0, 3).map((c) => h('i', { style: `background:${c}` })));
  fills.style.borderColor = COLORS.countyLine;
  const countyItem = legendItem(fills, 'map.legendCounty');
  countyItem.dataset.testid = 'legend-county-palette';
  return h(
    'section',
    { class: 'panel-section', 'data-testid': 'map-legend' },
    h('h3', { class: 'panel-heading', i18n: 'map.legend' }),
    h(
      'ul',
      { class: 'legend' },
      countyItem,
      legendItem(h('span', { class: 'swatch swatch-outline', style: `border-color:${COLORS.highlight}` }), 'map.legendCountyHover'),
      legendItem(h('span', { class: 'swatch swatch-dot', style: `background:${COLORS.township}` }), 'map.legendTownship'),
      legendItem(
        h('span', { class: 'swatch swatch-ring', 'data-testid': 'legend-approximate', style: `border-color:${COLORS.approxStroke}` }),
        'map.legendApprox',
      ),
      legendItem(h('span', { class: 'swatch swatch-blocked', 'data-testid': 'legend-blocked' }), 'map.legendBlocked'),
    ),
    h('p', { class: 'muted small', 'data-testid': 'legend-no-basemap', i18n: 'map.legendNoBasemap' }),
    depotLegend(depotToggle),
  );
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const wantedEvent = Number(ctx.params.get('event'));
  // #/map opens the most severe active event; #/map?event=none (the user's "no event") opens none.
  const autoSelect = !ctx.params.has('event');

  // ---- layout -------------------------------------------------------------
  const stats = h('p', { class: 'stats muted', 'data-testid': 'map-stats' });
  const countyList = h('ul', { class: 'county-list', id: 'county-list', 'data-testid': 'county-list' });
  const depotToggle = h('input', { type: 'checkbox', checked: true, 'data-testid': 'depot-layer-toggle', i18nAriaLabel: 'map.depotToggle' });
  const panel = h(
    'aside',
    { class: 'side-panel', 'data-testid': 'side-panel' },
    h('section', { class: 'panel-section' }, h('h2', { class: 'panel-title', i18n: 'map.region' }), stats),
    // the event section goes here (below)
    h(
      'section',
      { class: 'panel-section panel-grow' },
      h('h3', { class: 'panel-heading' }, h('span', { i18n: 'map.counties' }), h('small', { class: 'muted', i18n: 'map.countiesHint' })),
      countyList,
    ),
    legend(depotToggle),
    h('section', { class: 'panel-section sources' }, h('h3', { class: 'panel-heading', i18n: 'map.sources' }), h('p', { class: 'muted' }, ATTRIBUTION)),
  );
  const mapEl = h('div', { class: 'map', id: 'map', 'data-testid': 'map' });
  const status = h('div', { class: 'map-status', role: 'status', 'data-testid': 'map-status' });
  const resetBtn = h('button', { type: 'button', class: 'btn btn-floating map-reset', 'data-testid': 'map-reset', i18n: 'map.resetView', hidden: true });
  const search = createMapSearch({ entries: () => searchEntries, onPick: (e) => showArea(e) });
  const topLeft = h('div', { class: 'map-top-left' }, search.element, resetBtn);
  const screen = h('div', { class: 'map-screen' }, panel, h('div', { class: 'map-wrap' }, mapEl, status, topLeft));
  root.append(screen);

  const setStatus = (text: string | null, isError = false, retry?: () => void) => {
    status.replaceChildren();
    status.hidden = !text;
    status.classList.toggle('error', isError);
    if (text) status.append(h('span', {}, text));
    if (retry) status.append(h('button', { type: 'button', class: 'btn btn-outline btn-small', i18n: 'map.retry', onclick: retry }));
  };
  setStatus(t('map.loading'));

  // ---- map ----------------------------------------------------------------
  const map = createMap(mapEl);
  window.jiuzaiMap = map;
  const labels = createLabelLayer(map);

  // ---- event (choropleth, badges, lists) --------------------------------------------------------
  let blockages: ReturnType<typeof createBlockagePanel> | null = null;
  const eventPanel = createEventPanel(map, {
    signal,
    user: ctx.session!.user,
    initialEvent: Number.isInteger(wantedEvent) && wantedEvent > 0 ? wantedEvent : null,
    autoSelect,
    onChange: () => {
      popup?.remove();
      renderPanel();
      blockages?.setEvent(Number(parseHash(location.hash).params.get('event')) || null);
      raiseBlockages();
    },
    focus: (code) => {
      const f = counties?.features.find((x) => x.properties.code === code);
      if (f) flyToCounty(f);
    },
  });
  panel.children[0].after(eventPanel.section);
  // Blocked zones of the selected event (managers draw and delete them).
  blockages = createBlockagePanel(map, { signal, canEdit: ctx.session!.user.role === 'manager', onDrawn: () => raiseBlockages() });
  eventPanel.section.after(blockages.section);
  blockages.setEvent(Number(parseHash(location.hash).params.get('event')) || null);
  const drawingBlockage = () => blockages?.drawing === true;
  search.element.after(eventPanel.overlay);
  const mapLoaded = new Promise<void>((resolve) => (map.loaded() ? resolve() : map.once('load', () => resolve())));
  // Affected households per H3 cell (household readers only; off until switched on).
  const hexLayer = hasRole(ctx.session!.user, HOUSEHOLD_READERS)
    ? createHexLayer(map, signal, () => eventPanel.eventId() ?? (Number.isInteger(wantedEvent) && wantedEvent > 0 ? wantedEvent : null), mapLoaded)
    : null;
  if (hexLayer) panel.querySelector('[data-testid="map-legend"]')?.append(hexLayer.section);
  // Open urgent cases per township (those who read cases only).
  const urgentLayer = hasRole(ctx.session!.user, CASE_READERS) ? createUrgentLayer(map, signal, { onOpen: () => popup?.remove() }) : null;
  if (urgentLayer) panel.querySelector('[data-testid="map-legend"]')?.append(urgentLayer.section);

  let counties: AreaCollection | null = null;
  let townships: AreaCollection | null = null;
  let cityBox: BBox | null = null;
  let selected: string | null = null;
  let hoveredCounty: string | null = null;
  let hoveredTownship: string | null = null;
  let hoveredDepot: string | number | null = null;
  let popup: maplibregl.Popup | null = null;
  /** Representative points of the counties (inside the polygon), by code. */
  let countyPoints = new Map<string, [number, number]>();
  let searchEntries: SearchEntry[] = [];

  const countyName = (code: string | null | undefined) => (code ? counties?.features.find((f) => f.properties.code === code)?.properties.name : undefined);

  /** Blocked zones above the county fill and the choropleth, below the event's circles and badges and the depots. */
  function raiseBlockages() {
    if (!map.getLayer(BLOCK_LAYERS.fill)) return;
    const before = [EVENT_LAYERS.townships, EVENT_LAYERS.markers, DEPOT_LAYER].find((id) => map.getLayer(id));
    for (const id of Object.values(BLOCK_LAYERS)) if (map.getLayer(id)) map.moveLayer(id, before);
  }

  const fit = (box: BBox | null, animate: boolean) => {
    if (!box) return;
    map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      { padding: FIT_PADDING, duration: animate ? 900 : 0, maxZoom: 12 },
    );
  };

  const setState = (source: string, code: string | null, key: string, value: boolean) => {
    if (code !== null) map.setFeatureState({ source, id: code }, { [key]: value });
  };

  const select = (code: string | null) => {
    setState(SRC_COUNTIES, selected, 'selected', false);
    selected = code;
    setState(SRC_COUNTIES, selected, 'selected', true);
    countyList.querySelectorAll<HTMLElement>('[data-code]').forEach((li) => {
      const on = li.dataset.code === code;
      li.classList.toggle('active', on);
      li.querySelector('button')?.setAttribute('aria-pressed', String(on));
    });
    resetBtn.hidden = code === null;
  };

  const openPopup = (lngLat: maplibregl.LngLatLike, props: AreaProperties) => {
    popup?.remove();
    const parent = props.parent_code === null || props.parent_code === undefined ? null : String(props.parent_code);
    popup = new maplibregl.Popup({ closeButton: true, maxWidth: '300px', offset: 8 })
      .setLngLat(lngLat)
      .setDOMContent(areaPopup(props, eventPanel.info(props.code), countyName(parent)))
      .addTo(map);
  };

  /** The overdue badge of a county: the popup about its overdue report. */
  const openOverduePopup = (lngLat: maplibregl.LngLatLike, code: string) => {
    const o = eventPanel.overdue(code);
    const ev = eventPanel.eventId();
    if (!o || ev === null) return false;
    const role = ctx.session!.user.role;
    const href = role === 'reporter' || role === 'manager' ? `#/events/${ev}/report?area=${code}` : hasRole(ctx.session!.user, EVENT_READERS) ? `#/events/${ev}` : null;
    popup?.remove();
    popup = new maplibregl.Popup({ closeButton: true, maxWidth: '300px', offset: 14 })
      .setLngLat(lngLat)
      .setDOMContent(overduePopup({ code, name: countyName(code) ?? o.name }, o, href))
      .addTo(map);
    return true;
  };

  /** Search result: fly to the area, highlight its county and open its popup. */
  const showArea = (e: SearchEntry) => {
    if (e.level === 'county') {
      const f = counties?.features.find((x) => x.properties.code === e.code);
      if (!f) return;
      flyToCounty(f);
      openPopup(countyPoints.get(e.code) ?? map.getCenter(), f.properties);
    } else {
      const f = townships?.features.find((x) => x.properties.code === e.code);
      if (!f || f.geometry?.type !== 'Point') return;
      const at = f.geometry.coordinates as [number, number];
      const approx = f.properties.approximate === true;
      popup?.remove();
      select(String(f.properties.parent_code ?? '') || null);
      map.flyTo({ center: at, zoom: Math.max(map.getZoom(), approx ? 10 : 11), duration: 900, essential: true });
      openPopup(at, f.properties);
    }
    map.once('moveend', () => {
      if (!signal.aborted) document.body.dataset.mapSearchShown = e.code;
    });
  };

  const buildPlaces = (countyRows: AreaRow[]) => {
    countyPoints = new Map(countyRows.map((r) => [r.code, [r.lon, r.lat] as [number, number]]));
    const list: MapLabel[] = [];
    for (const f of counties?.features ?? []) {
      const c = f.properties.code;
      let at = countyPoints.get(c) ?? null;
      if (!at) {
        const b = bboxOfGeometry(f.geometry);
        at = b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : null;
      }
      if (at) list.push({ id: c, text: f.properties.name, lngLat: at, kind: 'county', minZoom: COUNTY_LABEL_ZOOM, priority: 0 });
    }
    // Townships without a point of their own sit at their county's point: no name there (it would stack).
    for (const f of sortByCode(townships?.features ?? [])) {
      if (f.geometry?.type !== 'Point' || f.properties.approximate === true) continue;
      const [lon, lat] = f.geometry.coordinates;
      list.push({ id: f.properties.code, text: f.properties.name, lngLat: [lon, lat], kind: 'township', minZoom: TOWNSHIP_LABEL_ZOOM, priority: townshipPriority(f.properties.code) });
    }
    labels.setLabels(list);
    searchEntries = [
      ...(counties?.features ?? []).map((f): SearchEntry => ({ code: f.properties.code, name: f.properties.name, level: 'county' })),
      ...(townships?.features ?? []).map(
        (f): SearchEntry => ({ code: f.properties.code, name: f.properties.name, level: 'township', county: countyName(String(f.properties.parent_code ?? '')) }),
      ),
    ];
  };

  const townshipCountByCounty = () => {
    const counts = new Map<string, number>();
    for (const f of townships?.features ?? []) {
      const parent = String(f.properties.parent_code ?? '');
      counts.set(parent, (counts.get(parent) ?? 0) + 1);
    }
    return counts;
  };

  const renderPanel = () => {
    const lang = getLang();
    const palette = panel.querySelector<HTMLElement>('[data-testid="legend-county-palette"]');
    if (palette) palette.hidden = !!eventPanel.countyStyle(counties?.features[0]?.properties.code ?? '');
    if (counties && townships) {
      const approx = townships.features.filter((f) => f.properties.approximate === true).length;
      stats.replaceChildren(
        h('span', {}, t('map.stats', { counties: formatInteger(distinctProperty(counties.features, 'code').length, lang), townships: formatInteger(townships.features.length, lang) })),
        approx ? h('span', { class: 'stats-approx' }, t('map.statsApprox', { n: formatInteger(approx, lang) })) : '',
      );
    }
    const perCounty = townshipCountByCounty();
    countyList.replaceChildren(
      ...sortByCode(counties?.features ?? []).map((f: AreaFeature, i) => {
        const p = f.properties;
        const known = p.population !== null && p.population !== undefined;
        const pop = known ? formatPopulation(p.population, lang) : '—';
        const n = perCounty.get(p.code);
        const ev = eventPanel.countyStyle(p.code);
        return h(
          'li',
          { 'data-code': p.code, class: p.code === selected ? 'active' : undefined },
          h(
            'button',
            { type: 'button', class: 'county-item', 'data-testid': `county-${p.code}`, 'aria-pressed': String(p.code === selected), onclick: () => flyToCounty(f) },
            h('span', { class: 'county-swatch', style: `background:${ev ? ev.color : COUNTY_PALETTE[i % COUNTY_PALETTE.length]}` }),
            h('span', { class: 'county-name' }, p.name),
            h('small', { class: 'county-code mono muted' }, p.code),
            h('small', { class: 'county-towns muted' }, n ? t('map.townshipCount', { n: formatInteger(n, lang) }) : ''),
            ev
              ? h('span', { class: 'county-pop county-value', title: ev.title, 'data-testid': `county-value-${p.code}` }, ev.text)
              : h('span', { class: 'county-pop', title: known ? t('map.population') : t('map.populationUnknown') }, pop),
          ),
        );
      }),
    );
  };

  const flyToCounty = (f: AreaFeature) => {
    popup?.remove();
    select(f.properties.code);
    fit(bboxOfGeometry(f.geometry), true);
  };

  resetBtn.addEventListener('click', () => {
    popup?.remove();
    select(null);
    fit(cityBox, true);
  });

  // Hover: highlight the county / township under the pointer.
  map.on('mousemove', (e) => {
    const depotHit = map.getLayer(DEPOT_LAYER) ? map.queryRenderedFeatures(e.point, { layers: [DEPOT_LAYER] })[0] : undefined;
    const depotId = depotHit ? (depotHit.properties.id as number) : null;
    if (depotId !== hoveredDepot) {
      if (hoveredDepot !== null) map.setFeatureState({ source: SRC_DEPOTS, id: hoveredDepot }, { hover: false });
      hoveredDepot = depotId;
      if (hoveredDepot !== null) map.setFeatureState({ source: SRC_DEPOTS, id: hoveredDepot }, { hover: true });
    }
    const hits = map.queryRenderedFeatures(
      [
        [e.point.x - 4, e.point.y - 4],
        [e.point.x + 4, e.point.y + 4],
      ],
      { layers: [...TOWNSHIP_LAYERS, LAYERS.countyFill].filter((id) => map.getLayer(id)) },
    );
    const town = hits.find((f) => TOWNSHIP_LAYERS.includes(f.layer.id as (typeof TOWNSHIP_LAYERS)[number]));
    const county = map.queryRenderedFeatures(e.point, { layers: map.getLayer(LAYERS.countyFill) ? [LAYERS.countyFill] : [] })[0];
    const townCode = town ? String(town.properties.code) : null;
    const countyCode = county ? String(county.properties.code) : null;
    if (townCode !== hoveredTownship) {
      setState(SRC_TOWNSHIPS, hoveredTownship, 'hover', false);
      hoveredTownship = townCode;
      setState(SRC_TOWNSHIPS, hoveredTownship, 'hover', true);
    }
    if (countyCode !== hoveredCounty) {
      setState(SRC_COUNTIES, hoveredCounty, 'hover', false);
      hoveredCounty = countyCode;
      setState(SRC_COUNTIES, hoveredCounty, 'hover', true);
    }
    map.getCanvas().style.cursor = depotId !== null || townCode || countyCode ? 'pointer' : '';
  });
  map.on('mouseout', () => {
    setState(SRC_COUNTIES, hoveredCounty, 'hover', false);
    setState(SRC_TOWNSHIPS, hoveredTownship, 'hover', false);
    if (hoveredDepot !== null && map.getSource(SRC_DEPOTS)) map.setFeatureState({ source: SRC_DEPOTS, id: hoveredDepot }, { hover: false });
    hoveredCounty = hoveredTownship = hoveredDepot = null;
    map.getCanvas().style.cursor = '';
  });

  // Click: a township (small target, so a few pixels of slack) wins over its county.
  map.on('click', (e) => {
    if (!map.getLayer(LAYERS.countyFill) || drawingBlockage()) return;
    // A depot wins over townships and counties.
    if (map.getLayer(DEPOT_LAYER)) {
      const depot = map.queryRenderedFeatures(e.point, { layers: [DEPOT_LAYER] })[0];
      if (depot && depot.geometry.type === 'Point') {
        popup?.remove();
        popup = new maplibregl.Popup({ closeButton: true, maxWidth: '300px', offset: 12 })
          .setLngLat(depot.geometry.coordinates as [number, number])
          .setDOMContent(depotPopup(depot.properties as DepotProperties))
          .addTo(map);
        return;
      }
    }
    // An event badge wins over the townships under it: the overdue badge opens its overdue report.
    if (map.getLayer(EVENT_LAYERS.markers) && map.getLayoutProperty(EVENT_LAYERS.markers, 'visibility') !== 'none') {
      const badge = map.queryRenderedFeatures(
        [
          [e.point.x - 9, e.point.y - 9],
          [e.point.x + 9, e.point.y + 9],
        ],
        { layers: [EVENT_LAYERS.markers] },
      )[0];
      if (badge && badge.geometry.type === 'Point') {
        const code = String(badge.properties.code);
        const at = badge.geometry.coordinates as [number, number];
        if (badge.properties.icon === 'jz-overdue' && openOverduePopup(at, code)) return;
        const county = counties?.features.find((f) => f.properties.code === code);
        if (county) {
          openPopup(at, county.properties);
          select(code);
          return;
        }
      }
    }
    const box: [maplibregl.PointLike, maplibregl.PointLike] = [
      [e.point.x - 5, e.point.y - 5],
      [e.point.x + 5, e.point.y + 5],
    ];
    const town = map.queryRenderedFeatures(box, { layers: TOWNSHIP_LAYERS })[0];
    if (town) {
      const coords = town.geometry.type === 'Point' ? (town.geometry.coordinates as [number, number]) : e.lngLat;
      openPopup(coords, town.properties as AreaProperties);
      return;
    }
    const county = map.queryRenderedFeatures(e.point, { layers: [LAYERS.countyFill] })[0];
    if (county) {
      openPopup(e.lngLat, county.properties as AreaProperties);
      select(String(county.properties.code));
    } else {
      popup?.remove();
      select(null);
    }
  });

  depotToggle.addEventListener('change', () => {
    if (map.getLayer(DEPOT_LAYER)) map.setLayoutProperty(DEPOT_LAYER, 'visibility', depotToggle.checked ? 'visible' : 'none');
    if (!depotToggle.checked) popup?.remove();
  });

  // The depot layer is extra: when it cannot be loaded (no permission, older server) the map still works.
  const showDepots = async (pending: Promise<DepotCollection | null>) => {
    const fc = await pending;
    if (signal.aborted || !fc || !Array.isArray(fc.features)) return;
    if (!map.getSource(SRC_DEPOTS)) addDepotLayer(map, fc);
    if (!depotToggle.checked) map.setLayoutProperty(DEPOT_LAYER, 'visibility', 'none');
    // Test hook: the number of depots in the layer, once it is drawn.
    map.once('idle', () => {
      if (!signal.aborted) document.body.dataset.depotsLoaded = String(fc.features.length);
    });
  };

  const load = async () => {
    setStatus(t('map.loading'));
    const depotsPending = loadDepots(signal).catch(() => null);
    const countyRowsPending = disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]);
    try {
      const [c, tw] = await Promise.all([loadAreas('county', signal), loadAreas('township', signal), mapLoaded]);
      if (signal.aborted) return;
      counties = c;
      townships = tw;
      if (!map.getSource(SRC_COUNTIES)) addAreaLayers(map, counties, townships);
      raiseBlockages();
      cityBox = bboxOfCollection(counties) ?? bboxOfCollection(townships);
      fit(cityBox, false);
      renderPanel();
      setStatus(null);
      void showDepots(depotsPending);
      void countyRowsPending.then((rows) => {
        if (!signal.aborted) buildPlaces(rows);
      });
      eventPanel.start(counties, townships);
      urgentLayer?.start(townships);
      // Test hook: once both sources are drawn, report how many counties are on screen.
      map.once('idle', () => {
        if (signal.aborted) return;
        const drawn = map.queryRenderedFeatures({ layers: [LAYERS.countyFill] });
        document.body.dataset.countiesLoaded = String(distinctProperty(drawn, 'code').length);
      });
    } catch (err) {
      if (signal.aborted || isAbort(err)) return;
      if (err instanceof ApiError && err.status === 401) return; // handled globally: back to login
      setStatus(t('map.loadError', { message: errorText(err) }), true, () => void load());
    }
  };
  void load();

  ctx.onLang(() => {
    popup?.remove();
    eventPanel.relabel();
    search.relabel();
    urgentLayer?.relabel();
    renderPanel();
  });
  ctx.defer(() => {
    eventPanel.destroy();
    blockages?.destroy();
    hexLayer?.destroy();
    urgentLayer?.destroy();
    labels.destroy();
    popup?.remove();
    map.remove();
    if (window.jiuzaiMap === map) delete window.jiuzaiMap;
    delete document.body.dataset.countiesLoaded;
    delete document.body.dataset.depotsLoaded;
    delete document.body.dataset.mapSearchShown;
    delete document.body.dataset.blockagesDrawn;
  });
}
