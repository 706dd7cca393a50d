// Affected households per H3 cell on the main map (a switch in the legend, off by default).
// GET /households/hexagons answers the cells of the reader's scope as GeoJSON polygons with
// their counts; they are drawn as a fill layer coloured by the affected households of the event,
// with a tooltip of the counts under the pointer.
import type { MapLayerMouseEvent, Map as MlMap } from 'maplibre-gl';
import { disasterApi, sortEvents } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatInteger } from '../format';
import { HEX_BREAKS, HEX_COLORS, hexTotals, householdsApi, type HexProperties } from '../households';
import { getLang, t, type MsgKey } from '../i18n';
import { LAYERS } from './layers';
import { maplibregl } from './setup';

export const SRC_HEX = 'household-hexagons';
export const HEX_LAYER = 'household-hex-fill';
const HEX_OUTLINE = 'household-hex-line';

export interface HexLayer {
  section: HTMLElement;
  destroy(): void;
}

function tooltip(p: HexProperties): HTMLElement {
  const lang = getLang();
  const row = (key: MsgKey, value: number) => h('div', { class: 'popup-row' }, h('dt', { i18n: key }), h('dd', { class: 'num-cell' }, formatInteger(value, lang)));
  return h(
    'div',
    { class: 'area-popup hex-popup', 'data-testid': 'hex-popup' },
    h('h3', { class: 'mono' }, t('hex.popup', { cell: p.cell })),
    h('dl', {}, row('hex.popupHouseholds', p.households), row('hex.popupAffected', p.affected), row('hex.popupPeople', p.people), row('hex.popupAffectedPeople', p.affected_people)),
  );
}

/** The legend section with its switch; data is fetched the first time the layer is shown. */
export function createHexLayer(map: MlMap, signal: AbortSignal, eventId: () => number | null, ready: Promise<unknown>): HexLayer {
  const toggle = h('input', { type: 'checkbox', 'data-testid': 'hex-layer-toggle', i18nAriaLabel: 'hex.toggle' });
  const note = h('p', { class: 'muted small hex-note', 'data-testid': 'hex-status' });
  const classes: MsgKey[] = ['hex.class0', 'hex.class1', 'hex.class2', 'hex.class3', 'hex.class4'];
  const list = h(
    'ul',
    { class: 'legend' },
    ...classes.map((k, i) => h('li', { 'data-testid': `legend-hex-${i}` }, h('span', { class: 'swatch', style: `background:${HEX_COLORS[i]}` }), h('span', { i18n: k }))),
  );
  list.hidden = true;
  const section = h(
    'div',
    { class: 'legend-group', 'data-testid': 'legend-hex' },
    h('label', { class: 'legend-toggle' }, toggle, h('span', { class: 'legend-subhead', i18n: 'hex.title' })),
    list,
    note,
  );

  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false, maxWidth: '240px', offset: 10, className: 'hex-tooltip' });
  const onMove = (e: MapLayerMouseEvent) => {
    const f = e.features?.[0];
    if (!f) return;
    hover.setLngLat(e.lngLat).setDOMContent(tooltip(f.properties as HexProperties)).addTo(map);
  };
  const onLeave = () => hover.remove();

  let loaded = false;
  let loading = false;
  const setVisible = (on: boolean) => {
    list.hidden = !on;
    if (!on) hover.remove();
    for (const id of [HEX_LAYER, HEX_OUTLINE]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  };

  const load = async () => {
    if (loaded || loading) return;
    loading = true;
    note.textContent = t('map.loading');
    try {
      let ev = eventId();
      if (ev === null) {
        const events = await disasterApi.events({ signal }).catch(() => []);
        ev = sortEvents(events)[0]?.id ?? null;
      }
      const [fc] = await Promise.all([householdsApi.hexagons(ev, { signal }), ready]);
      if (signal.aborted) return;
      const visibility = toggle.checked ? 'visible' : 'none';
      // Above the county fills, below their outlines and the township points.
      const before = map.getLayer(LAYERS.countyLine) ? LAYERS.countyLine : undefined;
      map.addSource(SRC_HEX, { type: 'geojson', data: fc });
      map.addLayer(
        {
          id: HEX_LAYER,
          type: 'fill',
          source: SRC_HEX,
          layout: { visibility },
          paint: {
            'fill-color': ['step', ['get', 'affected'], HEX_COLORS[0], HEX_BREAKS[0] + 1, HEX_COLORS[1], HEX_BREAKS[1] + 1, HEX_COLORS[2], HEX_BREAKS[2] + 1, HEX_COLORS[3], HEX_BREAKS[3] + 1, HEX_COLORS[4]],
            'fill-opacity': 0.75,
          },
        },
        before,
      );
      map.addLayer(
        { id: HEX_OUTLINE, type: 'line', source: SRC_HEX, layout: { visibility }, paint: { 'line-color': '#ffffff', 'line-width': 0.6, 'line-opacity': 0.8 } },
        before,
      );
      map.on('mousemove', HEX_LAYER, onMove);
      map.on('mouseleave', HEX_LAYER, onLeave);
      loaded = true;
      const lang = getLang();
      const sum = hexTotals(fc);
      note.textContent = `${t('hex.cells', { n: formatInteger(sum.cells, lang) })} · ${t('hex.totals', {
        households: formatInteger(sum.households, lang),
        affected: formatInteger(sum.affected, lang),
        people: formatInteger(sum.affectedPeople, lang),
      })} · ${t('hex.note')}`;
      map.once('idle', () => {
        if (!signal.aborted) document.body.dataset.hexLoaded = String(fc.features.length);
      });
    } catch (err) {
      if (isAbort(err)) return;
      note.textContent = errorText(err);
      toggle.checked = false;
      list.hidden = true;
    } finally {
      loading = false;
    }
  };

  toggle.addEventListener('change', () => {
    setVisible(toggle.checked);
    if (toggle.checked) void load();
  });

  return {
    section,
    destroy() {
      hover.remove();
      map.off('mousemove', HEX_LAYER, onMove);
      map.off('mouseleave', HEX_LAYER, onLeave);
      delete document.body.dataset.hexLoaded;
    },
  };
}
