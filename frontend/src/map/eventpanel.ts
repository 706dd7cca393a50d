// The map's event controls: the event picker, the overall response level (floating on the map),
// choropleth and township-size choices, the legend with its breaks, and the lists of overdue and
// discrepant areas. It owns the event layers of map/event.ts.
import type { Map as MlMap } from 'maplibre-gl';
import {
  disasterApi,
  eventOption,
  hazardLabel,
  indicatorLabel,
  sortEvents,
  statusLabel,
  unitLabelOf,
  type AreaRow,
  type DisasterEvent,
  type EventSummary,
} from '../disaster';
import {
  colorFor,
  formatFigure,
  indicatorUnit,
  INDICATOR_GROUPS,
  isIndicator,
  legendClasses,
  LEVEL_COLORS,
  levelColor,
  levelLabel,
  levelTextColor,
  LEVELS,
  NO_DATA,
  responseLabel,
  type Indicator,
} from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatDateTime } from '../format';
import type { AreaCollection } from '../geo';
import { getLang, t, type MsgKey } from '../i18n';
import { EVENT_READERS, hasRole } from '../roles';
import { replaceHash } from '../router';
import type { User } from '../session';
import { DEPOT_LAYER } from './depots';
import {
  addEventLayers,
  badgeDataUrl,
  choroplethExpression,
  EVENT_COLORS,
  flattenEvent,
  indicatorBreaks,
  largestValue,
  markerCollection,
  pickDefaultEvent,
  setEventVisible,
  sizeTownships,
  SRC_EVENT_MARKERS,
  type ChoroplethMode,
  type EventAreaInfo,
} from './event';
import { countyColorExpression, LAYERS, SRC_COUNTIES, SRC_TOWNSHIPS } from './layers';

type GeoJSONLike = { setData(d: GeoJSON.FeatureCollection): void };

export interface EventPanel {
  /** The panel section (picker, legend, lists). */
  section: HTMLElement;
  /** The banner floating over the map (event name, overall level). */
  overlay: HTMLElement;
  /** Call once the base county and township layers exist. */
  start(counties: AreaCollection, townships: AreaCollection): void;
  /** The event's figures of an area, while an event is shown. */
  info(code: string): EventAreaInfo | null;
  /** The event shown (null for none). */
  eventId(): number | null;
  /** The overdue report of a county of the shown event, with the county's name. */
  overdue(code: string): { name: string; kind: string; due_at: string } | null;
  /** Colour and value of a county for the county list, while an event is shown. */
  countyStyle(code: string): { color: string; text: string; title: string } | null;
  relabel(): void;
  destroy(): void;
}

export interface EventPanelOptions {
  signal: AbortSignal;
  user: User;
  initialEvent: number | null;
  /** With no initial event: open the active event under the most severe response. */
  autoSelect?: boolean;
  /** Re-render what depends on the event (the county list). */
  onChange(): void;
  /** Fly to a county (from the lists). */
  focus(code: string): void;
}

function legendRow(swatch: HTMLElement, text: string, testid?: string): HTMLElement {
  return h('li', { 'data-testid': testid }, swatch, h('span', {}, text));
}

export function createEventPanel(map: MlMap, opts: EventPanelOptions): EventPanel {
  const { signal, user } = opts;
  let events: DisasterEvent[] = [];
  let current: number | null = null;
  let loadSeq = 0;
  let baseCounties: AreaCollection | null = null;
  let baseTownships: AreaCollection | null = null;
  let info = new Map<string, EventAreaInfo>();
  let summary: EventSummary | null = null;
  let countyPoints: AreaRow[] | null = null;
  let mode: ChoroplethMode = 'level';
  let sizeBy: Indicator = 'affected';
  let breaks: number[] = [];
  let countyCodes: string[] = [];

  // ---- controls -------------------------------------------------------------------------
  const select = h('select', { class: 'select event-select', 'data-testid': 'event-select', id: 'event-select', disabled: true });
  const modeSelect = h('select', { class: 'select select-small', 'data-testid': 'choropleth-select', id: 'choropleth-select' });
  const sizeSelect = h('select', { class: 'select select-small', 'data-testid': 'township-size-select', id: 'township-size-select' });
  const meta = h('div', { class: 'event-meta muted', 'data-testid': 'event-meta' });
  const links = h('div', { class: 'event-links' });
  const legendBox = h('div', { class: 'choropleth-legend', 'data-testid': 'choropleth-legend' });
  const overdueList = h('ul', { class: 'flag-list', 'data-testid': 'overdue-list' });
  const discList = h('ul', { class: 'flag-list', 'data-testid': 'discrepancy-list' });
  const message = h('p', { class: 'muted small event-message', 'data-testid': 'event-message', hidden: true });

  const details = h(
    'div',
    { class: 'event-details', hidden: true, 'data-testid': 'event-details' },
    meta,
    links,
    h(
      'div',
      { class: 'event-controls' },
      h('label', { class: 'control-row', for: modeSelect.id }, h('span', { i18n: 'map.colourBy' }), modeSelect),
      h('label', { class: 'control-row', for: sizeSelect.id }, h('span', { i18n: 'map.sizeBy' }), sizeSelect),
    ),
    legendBox,
    h('h4', { class: 'flag-head' }, h('span', { class: 'flag-dot', style: `background:${EVENT_COLORS.overdue}` }), h('span', { i18n: 'map.overdueTitle' })),
    overdueList,
    h('h4', { class: 'flag-head' }, h('span', { class: 'flag-dot', style: `background:${EVENT_COLORS.discrepancy}` }), h('span', { i18n: 'map.discrepancyTitle' })),
    discList,
  );

  const section = h(
    'section',
    { class: 'panel-section event-section', 'data-testid': 'event-section' },
    h('label', { class: 'panel-heading', for: select.id }, h('span', { i18n: 'map.event' }), h('small', { class: 'muted', i18n: 'map.eventHint' })),
    select,
    message,
    details,
  );

  const overlayLevel = h('div', { class: 'overall-level', 'data-testid': 'event-overall-level' });
  const overlayName = h('div', { class: 'overlay-name' });
  const overlay = h('div', { class: 'event-overlay', 'data-testid': 'event-overlay', hidden: true }, overlayLevel, overlayName);

  const fillModeOptions = () => {
    const keep = mode;
    modeSelect.replaceChildren(
      h('option', { value: 'level' }, t('map.byLevel')),
      ...INDICATOR_GROUPS.map((g) => h('optgroup', { label: t(`indGroup.${g.group}` as MsgKey) }, ...g.indicators.map((i) => h('option', { value: i }, indicatorLabel(i))))),
    );
    modeSelect.value = keep;
    sizeSelect.replaceChildren(
      ...INDICATOR_GROUPS.map((g) => h('optgroup', { label: t(`indGroup.${g.group}` as MsgKey) }, ...g.indicators.map((i) => h('option', { value: i }, indicatorLabel(i))))),
    );
    sizeSelect.value = sizeBy;
  };

  const fillEvents = () => {
    const keep = current === null ? '' : String(current);
    select.replaceChildren(h('option', { value: '' }, t('map.noEvent')), ...sortEvents(events).map((e) => h('option', { value: String(e.id) }, eventOption(e))));
    select.value = events.some((e) => String(e.id) === keep) ? keep : '';
  };

  // ---- rendering ------------------------------------------------------------------------------
  const nameOf = (code: string) =>
    summary?.areas.find((a) => a.code === code)?.name ??
    baseCounties?.features.find((f) => f.properties.code === code)?.properties.name ??
    baseTownships?.features.find((f) => f.properties.code === code)?.properties.name ??
    code;

  const renderOverlay = () => {
    const e = events.find((x) => x.id === current);
    overlay.hidden = !e || !summary;
    if (!e || !summary) return;
    const lang = getLang();
    const lvl = summary.overall_response_level;
    overlayLevel.dataset.level = String(lvl ?? 'none');
    overlayLevel.style.background = levelColor(lvl);
    overlayLevel.style.color = levelTextColor(lvl);
    overlayLevel.replaceChildren(h('span', { class: 'overall-caption' }, t('map.overallLevel')), h('strong', {}, responseLabel(lvl, lang)));
    overlayName.replaceChildren(h('strong', {}, e.name), h('span', { class: 'muted' }, `${hazardLabel(e.hazard)} · ${statusLabel(e.status)}`));
  };

  const renderMeta = () => {
    const e = events.find((x) => x.id === current);
    if (!e) return;
    const lang = getLang();
    meta.replaceChildren(
      h('span', {}, t('common.labelled', { label: t('event.hazard'), value: hazardLabel(e.hazard) })),
      h('span', {}, t('common.labelled', { label: t('event.onset'), value: formatDateTime(e.onset_at, lang) })),
      h('span', {}, t('common.labelled', { label: t('event.status'), value: statusLabel(e.status) })),
    );
    const items: HTMLElement[] = [];
    if (hasRole(user, EVENT_READERS)) items.push(h('a', { class: 'link', href: `#/events/${e.id}`, 'data-testid': 'event-detail-link' }, t('map.openEvent')));
    if (user.role === 'reporter' || user.role === 'manager') items.push(h('a', { class: 'link', href: `#/events/${e.id}/report`, 'data-testid': 'event-report-link' }, t('map.openReport')));
    if (user.role === 'assessor' || user.role === 'manager') items.push(h('a', { class: 'link', href: `#/events/${e.id}/verify`, 'data-testid': 'event-verify-link' }, t('map.openVerify')));
    links.replaceChildren(...items);
    links.hidden = !items.length;
  };

  const renderLegend = () => {
    const lang = getLang();
    const rows: HTMLElement[] = [];
    const sw = (color: string) => h('span', { class: 'swatch', style: `background:${color};border-color:rgba(0,0,0,0.12)` });
    if (mode === 'level') {
      const counts = new Map<number | 'none', number>();
      for (const c of countyCodes) {
        const l = info.get(c)?.response_level ?? 'none';
        counts.set(l, (counts.get(l) ?? 0) + 1);
      }
      for (const l of LEVELS) rows.push(legendRow(sw(LEVEL_COLORS[l]), `${levelLabel(l, lang)}${counts.get(l) ? ` · ${t('map.countiesN', { n: counts.get(l)! })}` : ''}`, `legend-level-${l}`));
      rows.push(legendRow(sw(LEVEL_COLORS.none), `${levelLabel(null, lang)}${counts.get('none') ? ` · ${t('map.countiesN', { n: counts.get('none')! })}` : ''}`, 'legend-level-none'));
    } else {
      const ind = mode;
      const classes = legendClasses(breaks, 0);
      const values = countyCodes.map((c) => info.get(c)?.figures[ind]).filter((v): v is number => typeof v === 'number');
      const max = values.length ? Math.max(...values) : 0;
      if (values.length) {
        classes.forEach((c, i) => {
          const to = c.to === null ? max : c.to;
          const f = (v: number) => formatFigure(v, ind, lang);
          const text = c.to === null && classes.length > 1 ? `≥ ${f(c.from)}` : `${f(c.from)} – ${f(to)}`;
          rows.push(legendRow(sw(c.color), text, `legend-class-${i}`));
        });
      }
      rows.push(legendRow(sw(NO_DATA), t('map.noData'), 'legend-no-data'));
    }
    const badge = (kind: 'overdue' | 'discrepancy') => {
      const url = badgeDataUrl(kind);
      return url ? h('img', { class: 'swatch swatch-badge', src: url, alt: '' }) : h('span', { class: 'swatch', style: `background:${kind === 'overdue' ? EVENT_COLORS.overdue : EVENT_COLORS.discrepancy};border-radius:50%` });
    };
    rows.push(legendRow(h('span', { class: 'swatch swatch-outline swatch-dashed', style: `border-color:${EVENT_COLORS.overdue}` }), t('map.legendOverdue'), 'legend-overdue'));
    rows.push(legendRow(badge('discrepancy'), t('map.legendDiscrepancy'), 'legend-discrepancy'));
    rows.push(legendRow(h('span', { class: 'swatch swatch-sizes swatch-sizes-event' }, h('i'), h('i'), h('i')), t('map.legendTownshipSize', { indicator: indicatorLabel(sizeBy) }), 'legend-township-size'));
    rows.push(legendRow(h('span', { class: 'swatch swatch-ring', style: `border-color:${EVENT_COLORS.discrepancy};border-width:2.5px` }), t('map.legendTownshipDisc')));
    legendBox.replaceChildren(
      h('div', { class: 'legend-title' }, mode === 'level' ? t('map.byLevel') : t('map.legendIndicator', { indicator: indicatorLabel(mode), unit: unitLabelOf(indicatorUnit(mode)) })),
      h('ul', { class: 'legend' }, ...rows),
    );
    legendBox.dataset.mode = mode;
    legendBox.dataset.breaks = breaks.join(',');
  };

  const renderLists = () => {
    const lang = getLang();
    const overdue = (summary?.areas ?? []).filter((a) => a.overdue);
    overdueList.replaceChildren(
      ...(overdue.length
        ? overdue.map((a) =>
            h(
              'li',
              { 'data-testid': `overdue-${a.code}`, 'data-kind': a.overdue!.kind },
              h('button', { type: 'button', class: 'flag-item', onclick: () => opts.focus(a.code) }, h('span', { class: 'flag-name' }, a.name), h('span', { class: 'flag-kind overdue' }, t(a.overdue!.kind === 'initial' ? 'overdue.initial' : 'overdue.daily_update'))),
              h('div', { class: 'flag-sub muted' }, t('overdue.dueAt', { time: formatDateTime(a.overdue!.due_at, lang) })),
            ),
          )
        : [h('li', { class: 'muted flag-none', 'data-testid': 'overdue-none' }, t('map.noneOverdue'))]),
    );
    const disc: Array<{ code: string; n: number; county: boolean }> = [];
    for (const [code, i] of info) if (i.discrepancies > 0) disc.push({ code, n: i.discrepancies, county: code.length === 6 });
    disc.sort((a, b) => a.code.localeCompare(b.code));
    discList.replaceChildren(
      ...(disc.length
        ? disc.map((d) =>
            h(
              'li',
              { 'data-testid': `discrepancy-${d.code}` },
              h(
                'button',
                { type: 'button', class: `flag-item${d.county ? '' : ' flag-township'}`, onclick: () => opts.focus(d.code.slice(0, 6)) },
                h('span', { class: 'flag-name' }, nameOf(d.code)),
                h('span', { class: 'flag-kind disc' }, t('map.discrepancyN', { n: d.n })),
              ),
            ),
          )
        : [h('li', { class: 'muted flag-none' }, t('map.noneDiscrepant'))]),
    );
  };

  const renderAll = () => {
    renderOverlay();
    renderMeta();
    renderLegend();
    renderLists();
  };

  // ---- map ----------------------------------------------------------------------------------------
  const applyStyle = () => {
    if (!map.getLayer(LAYERS.countyFill)) return;
    breaks = mode === 'level' ? [] : indicatorBreaks(info, countyCodes, mode);
    map.setPaintProperty(LAYERS.countyFill, 'fill-color', choroplethExpression(mode, breaks));
    map.setPaintProperty(LAYERS.countyFill, 'fill-opacity', ['case', ['any', ['boolean', ['feature-state', 'hover'], false], ['boolean', ['feature-state', 'selected'], false]], 0.95, 0.82]);
    sizeTownships(map, sizeBy, largestValue(info, sizeBy, (c) => c.length > 6));
  };

  const clearEvent = () => {
    current = null;
    info = new Map();
    summary = null;
    details.hidden = true;
    overlay.hidden = true;
    message.hidden = true;
    delete document.body.dataset.eventLoaded;
    if (map.getLayer(LAYERS.countyFill) && baseCounties && baseTownships) {
      (map.getSource(SRC_COUNTIES) as unknown as GeoJSONLike).setData(baseCounties as GeoJSON.FeatureCollection);
      (map.getSource(SRC_TOWNSHIPS) as unknown as GeoJSONLike).setData(baseTownships as GeoJSON.FeatureCollection);
      map.setPaintProperty(LAYERS.countyFill, 'fill-color', countyColorExpression(baseCounties.features.map((f) => f.properties.code)));
      map.setPaintProperty(LAYERS.countyFill, 'fill-opacity', ['case', ['any', ['boolean', ['feature-state', 'hover'], false], ['boolean', ['feature-state', 'selected'], false]], 1, 0.82]);
      setEventVisible(map, false);
    }
    opts.onChange();
  };

  /** Keep the choice in the address without re-mounting the screen; false when the address has
   *  already moved on to another screen (whose hashchange has not come yet). "none" keeps a cleared
   *  choice cleared on reload (no event is then opened by itself). */
  const rememberInHash = (id: number | null): boolean => replaceHash('/map', { event: id === null ? 'none' : String(id) });

  const showEvent = async (id: number) => {
    const seq = ++loadSeq;
    current = id;
    delete document.body.dataset.eventLoaded;
    message.hidden = false;
    message.classList.remove('error');
    message.textContent = t('map.eventLoading');
    try {
      const [c, tw, s, points] = await Promise.all([
        disasterApi.mapAreas('county', id, { signal }),
        disasterApi.mapAreas('township', id, { signal }),
        disasterApi.summary(id, 'county', { signal }),
        countyPoints ? Promise.resolve(countyPoints) : disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
      ]);
      if (seq !== loadSeq || signal.aborted) return;
      countyPoints = points;
      const counties = flattenEvent(c);
      const townships = flattenEvent(tw);
      info = new Map([...counties.info, ...townships.info]);
      summary = s;
      countyCodes = counties.data.features.map((f) => String(f.properties.code));
      addEventLayers(map, DEPOT_LAYER);
      (map.getSource(SRC_COUNTIES) as unknown as GeoJSONLike).setData(counties.data as GeoJSON.FeatureCollection);
      (map.getSource(SRC_TOWNSHIPS) as unknown as GeoJSONLike).setData(townships.data as GeoJSON.FeatureCollection);
      (map.getSource(SRC_EVENT_MARKERS) as unknown as GeoJSONLike).setData(
        markerCollection(counties.info, points.map((p) => ({ code: p.code, lon: p.lon, lat: p.lat }))),
      );
      applyStyle();
      setEventVisible(map, true);
      message.hidden = true;
      details.hidden = false;
      renderAll();
      opts.onChange();
      // Test hook: the event's choropleth is drawn.
      map.once('idle', () => {
        if (seq === loadSeq && !signal.aborted && current === id) document.body.dataset.eventLoaded = String(id);
      });
    } catch (err) {
      if (isAbort(err) || signal.aborted || seq !== loadSeq) return;
      if (err instanceof ApiError && err.status === 401) return;
      details.hidden = true;
      overlay.hidden = true;
      message.hidden = false;
      message.classList.add('error');
      message.textContent = t('map.eventError', { message: errorText(err) });
    }
  };

  select.addEventListener('change', () => {
    const id = Number(select.value);
    rememberInHash(select.value ? id : null);
    if (!select.value) {
      loadSeq++;
      clearEvent();
    } else void showEvent(id);
  });
  modeSelect.addEventListener('change', () => {
    mode = modeSelect.value === 'level' || isIndicator(modeSelect.value) ? (modeSelect.value as ChoroplethMode) : 'level';
    applyStyle();
    renderLegend();
    opts.onChange();
  });
  sizeSelect.addEventListener('change', () => {
    if (isIndicator(sizeSelect.value)) sizeBy = sizeSelect.value;
    applyStyle();
    renderLegend();
  });

  fillModeOptions();

  const loadEvents = async () => {
    try {
      events = await disasterApi.events({ signal });
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      message.hidden = false;
      message.classList.add('error');
      message.textContent = t('map.eventError', { message: errorText(err) });
      return;
    }
    fillEvents();
    select.disabled = false;
    if (!events.length) {
      message.hidden = false;
      message.textContent = t('map.noEvents');
    }
  };

  /** The active event under the most severe response: each active event's city-wide level from its summary. */
  const defaultEvent = async (): Promise<number | null> => {
    const active = sortEvents(events).filter((e) => e.status === 'active').slice(0, 8);
    if (active.length <= 1) return active[0]?.id ?? null;
    const levels = new Map<number, number | null>();
    await Promise.all(
      active.map(async (e) => {
        const s = await disasterApi.summary(e.id, 'city', { signal }).catch(() => null);
        levels.set(e.id, s?.overall_response_level ?? null);
      }),
    );
    return pickDefaultEvent(active, levels);
  };

  return {
    section,
    overlay,
    eventId: () => current,
    overdue(code) {
      if (current === null || !summary) return null;
      const a = summary.areas.find((x) => x.code === code);
      return a?.overdue ? { name: a.name, kind: a.overdue.kind, due_at: a.overdue.due_at } : null;
    },
    start(counties, townships) {
      baseCounties = counties;
      baseTownships = townships;
      void loadEvents().then(async () => {
        if (signal.aborted) return;
        const wanted = opts.initialEvent;
        if (wanted !== null && events.some((e) => e.id === wanted)) {
          select.value = String(wanted);
          void showEvent(wanted);
          return;
        }
        if (wanted !== null || !opts.autoSelect) return;
        const pick = await defaultEvent();
        // The user may have chosen meanwhile.
        if (pick === null || signal.aborted || current !== null || select.value !== '') return;
        // Not when the user has just gone elsewhere: the map is being left.
        if (!rememberInHash(pick)) return;
        select.value = String(pick);
        void showEvent(pick);
      });
    },
    info(code) {
      return current === null ? null : (info.get(code) ?? null);
    },
    countyStyle(code) {
      if (current === null || !summary) return null;
      const i = info.get(code);
      const lang = getLang();
      if (mode === 'level') {
        const l = i?.response_level ?? null;
        return { color: levelColor(l), text: levelLabel(l, lang), title: t('map.byLevel') };
      }
      const v = i?.figures[mode];
      return { color: colorFor(v, breaks), text: typeof v === 'number' ? formatFigure(v, mode, lang) : '—', title: indicatorLabel(mode) };
    },
    relabel() {
      fillEvents();
      fillModeOptions();
      if (current !== null && summary) renderAll();
    },
    destroy() {
      loadSeq++;
      delete document.body.dataset.eventLoaded;
    },
  };
}
