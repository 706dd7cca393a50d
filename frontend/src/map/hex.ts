// Affected households per H3 cell on the main map (a switch in the legend, off by default).
// GET /households/hexagons gives the counts per cell but no geometry, and no H3 library is
// bundled, so each cell is drawn as a circle at the mean position of its located households
// (from the household register) — about the cell's centre — sized by households and coloured
// by the affected ones of the event.
import type { Map as MlMap } from 'maplibre-gl';
import { ApiError } from '../api';
import { disasterApi, sortEvents } from '../disaster';
import { h } from '../dom';
import { formatInteger } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import { cellCentres, HEX_BREAKS, HEX_COLORS, hexFeatures, householdsApi, type Household } from '../households';

export const SRC_HEX = 'household-hexagons';
export const HEX_LAYER = 'household-hex-circle';
const MAX_PAGES = 20;

export interface HexLayer {
  section: HTMLElement;
  destroy(): void;
}

async function locatedHouseholds(signal: AbortSignal): Promise<Household[]> {
  const out: Household[] = [];
  let before: number | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await householdsApi.search({ before_id: before, limit: 500 }, { signal });
    out.push(...page.households);
    if (!page.next_before_id) break;
    before = page.next_before_id;
  }
  return out;
}

/** The legend section with its switch; data is fetched the first time the layer is shown. */
export function createHexLayer(map: MlMap, signal: AbortSignal, eventId: () => number | null, ready: Promise<unknown>): HexLayer {
  const toggle = h('input', { type: 'checkbox', 'data-testid': 'hex-layer-toggle', i18nAriaLabel: 'hex.toggle' });
  const note = h('p', { class: 'muted small hex-note', 'data-testid': 'hex-status' });
  const classes: MsgKey[] = ['hex.class0', 'hex.class1', 'hex.class2', 'hex.class3', 'hex.class4'];
  const list = h(
    'ul',
    { class: 'legend' },
    ...classes.map((k, i) => h('li', { 'data-testid': `legend-hex-${i}` }, h('span', { class: 'swatch swatch-dot', style: `background:${HEX_COLORS[i]}` }), h('span', { i18n: k }))),
  );
  list.hidden = true;
  const section = h(
    'div',
    { class: 'legend-group', 'data-testid': 'legend-hex' },
    h('label', { class: 'legend-toggle' }, toggle, h('span', { class: 'legend-subhead', i18n: 'hex.title' })),
    list,
    note,
  );

  let loaded = false;
  let loading = false;
  const setVisible = (on: boolean) => {
    list.hidden = !on;
    if (map.getLayer(HEX_LAYER)) map.setLayoutProperty(HEX_LAYER, 'visibility', on ? 'visible' : 'none');
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
      const [cells, households] = await Promise.all([householdsApi.hexagons(ev, { signal }), locatedHouseholds(signal), ready]);
      if (signal.aborted) return;
      const fc = hexFeatures(cells, cellCentres(households));
      const largest = cells.reduce((m, c) => Math.max(m, c.households), 1);
      map.addSource(SRC_HEX, { type: 'geojson', data: fc });
      map.addLayer({
        id: HEX_LAYER,
        type: 'circle',
        source: SRC_HEX,
        layout: { visibility: toggle.checked ? 'visible' : 'none' },
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, ['+', 2.5, ['*', 7 / Math.sqrt(largest), ['sqrt', ['get', 'households']]]], 11, ['+', 5, ['*', 16 / Math.sqrt(largest), ['sqrt', ['get', 'households']]]]],
          'circle-color': ['step', ['get', 'affected'], HEX_COLORS[0], HEX_BREAKS[0] + 1, HEX_COLORS[1], HEX_BREAKS[1] + 1, HEX_COLORS[2], HEX_BREAKS[2] + 1, HEX_COLORS[3], HEX_BREAKS[3] + 1, HEX_COLORS[4]],
          'circle-opacity': 0.8,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 0.8,
        },
      });
      loaded = true;
      note.textContent = `${t('hex.cells', { n: formatInteger(fc.features.length, getLang()) })} · ${t('hex.note')}`;
      map.once('idle', () => {
        if (!signal.aborted) document.body.dataset.hexLoaded = String(fc.features.length);
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') return;
      note.textContent = err instanceof ApiError ? err.message : String(err);
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
      delete document.body.dataset.hexLoaded;
    },
  };
}
