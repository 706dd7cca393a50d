// Blocked zones of the selected event on the main map (and, through `ensureBlockageLayers`, on the
// plan map): a dark hatch on a white veil inside a dark dashed outline with a white halo, so that a
// zone reads on every fill colour, a red level-Ⅰ county included. Managers draw a new one by
// clicking its corners (Finish), name it and save; existing zones are listed with Delete.
import { confirmAction } from '../confirm';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { t } from '../i18n';
import { plansApi } from '../plans';
import { toast } from '../toast';
import type { maplibregl } from './setup';

export const BLOCK_SRC = 'plan-blockages';
export const BLOCK_DRAFT_SRC = 'plan-blockage-draft';
export const BLOCK_LAYERS = {
  fill: 'plan-blockages-fill',
  hatch: 'plan-blockages-hatch',
  halo: 'plan-blockages-halo',
  line: 'plan-blockages-line',
  draftLine: 'plan-blockage-draft-line',
  draftPts: 'plan-blockage-draft-pts',
} as const;
const RED = '#c0392b';
/** The zone's ink: near-black reads on the red, orange, yellow, blue and grey fills alike. */
export const BLOCK_INK = '#1d1d1d';
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** A diagonal-hatch pattern image: dark stripes edged in white (no sprite needed). */
export function hatchImage(): { width: number; height: number; data: Uint8Array } {
  const n = 10;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const d = (x + y) % n;
      const i = (y * n + x) * 4;
      data.set(d <= 1 ? [29, 29, 29, 235] : d === 2 || d === n - 1 ? [255, 255, 255, 200] : [0, 0, 0, 0], i);
    }
  return { width: n, height: n, data };
}

/**
 * Adds the blocked-zone source and layers to a map once (on top of what is there: above the
 * county fill and the choropleth).
 */
export function ensureBlockageLayers(map: maplibregl.Map): void {
  if (map.getSource(BLOCK_SRC)) return;
  if (!map.hasImage('plan-hatch')) map.addImage('plan-hatch', hatchImage());
  map.addSource(BLOCK_SRC, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: BLOCK_LAYERS.fill, type: 'fill', source: BLOCK_SRC, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 } });
  map.addLayer({ id: BLOCK_LAYERS.hatch, type: 'fill', source: BLOCK_SRC, paint: { 'fill-pattern': 'plan-hatch' } });
  map.addLayer({ id: BLOCK_LAYERS.halo, type: 'line', source: BLOCK_SRC, layout: { 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.95 } });
  map.addLayer({ id: BLOCK_LAYERS.line, type: 'line', source: BLOCK_SRC, layout: { 'line-join': 'round' }, paint: { 'line-color': BLOCK_INK, 'line-width': 2.5, 'line-dasharray': [2.5, 1.5] } });
}

/** Draws these zones (replacing the ones drawn before). */
export function setBlockageData(map: maplibregl.Map, features: GeoJSON.Feature[]): void {
  ensureBlockageLayers(map);
  (map.getSource(BLOCK_SRC) as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features });
}

/** The draft ring as a closed polygon (null with fewer than 3 points). */
export function draftPolygon(points: ReadonlyArray<[number, number]>): GeoJSON.Polygon | null {
  if (points.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...points, points[0]]] };
}

export interface BlockagePanel {
  section: HTMLElement;
  /** True while a polygon is being drawn (the map's own click handling steps aside). */
  readonly drawing: boolean;
  setEvent(id: number | null): void;
  destroy(): void;
}

export function createBlockagePanel(map: maplibregl.Map, opts: { signal: AbortSignal; canEdit: boolean; onDrawn?: () => void }): BlockagePanel {
  const { signal, canEdit } = opts;
  let eventId: number | null = null;
  let drawing = false;
  let points: Array<[number, number]> = [];
  let features: GeoJSON.Feature[] = [];

  const list = h('ul', { class: 'block-list', 'data-testid': 'blockage-list' });
  const hint = h('p', { class: 'muted small', hidden: true, 'data-testid': 'blockage-hint' });
  const name = h('input', { type: 'text', class: 'input', maxlength: 200, 'data-testid': 'blockage-name', i18nPlaceholder: 'block.name' });
  const drawBtn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'blockage-draw', i18n: 'block.draw' });
  const finishBtn = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'blockage-finish', i18n: 'block.finish', disabled: true });
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'blockage-cancel', i18n: 'block.cancel' });
  const saveBtn = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'blockage-save', i18n: 'block.save' });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'blockage-error' });
  const drawTools = h('div', { class: 'block-tools', hidden: true }, finishBtn, cancelBtn);
  const saveTools = h('div', { class: 'block-tools', hidden: true }, name, saveBtn, cancelBtn.cloneNode(true));
  const section = h(
    'section',
    { class: 'panel-section block-section', 'data-testid': 'blockages', hidden: true },
    h('h3', { class: 'panel-heading', i18n: 'block.title' }),
    list,
    canEdit ? h('div', {}, drawBtn, drawTools, saveTools, hint, error) : '',
  );
  saveTools.lastElementChild!.addEventListener('click', () => stopDrawing());

  const ensureLayers = () => {
    if (map.getSource(BLOCK_DRAFT_SRC)) return;
    ensureBlockageLayers(map);
    map.addSource(BLOCK_DRAFT_SRC, { type: 'geojson', data: EMPTY });
    map.addLayer({ id: BLOCK_LAYERS.draftLine, type: 'line', source: BLOCK_DRAFT_SRC, paint: { 'line-color': RED, 'line-width': 2, 'line-dasharray': [2, 1] } });
    map.addLayer({ id: BLOCK_LAYERS.draftPts, type: 'circle', source: BLOCK_DRAFT_SRC, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#fff', 'circle-stroke-color': RED, 'circle-stroke-width': 2 } });
  };
  // map.loaded() is false again while any source reloads, and 'load' fires once: wait on that once.
  const ready = map.loaded() ? Promise.resolve() : new Promise<void>((r) => map.once('load', () => r()));
  const whenLoaded = (fn: () => void) => void ready.then(() => !signal.aborted && fn());

  const drawDraft = () => {
    const src = map.getSource(BLOCK_DRAFT_SRC) as maplibregl.GeoJSONSource | undefined;
    if (!src) return;
    const fs: GeoJSON.Feature[] = points.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} }));
    if (points.length >= 2) fs.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: points.length >= 3 ? [...points, points[0]] : points }, properties: {} });
    src.setData({ type: 'FeatureCollection', features: fs });
    hint.textContent = `${t('block.hint')} · ${t('block.points', { n: points.length })}`;
    finishBtn.disabled = points.length < 3;
  };

  const renderList = () => {
    list.replaceChildren(
      ...(features.length
        ? features.map((f) => {
            const id = (f.id ?? (f.properties as Record<string, unknown>)?.id) as number;
            const nm = String((f.properties as Record<string, unknown>)?.name ?? '') || t('block.unnamed');
            return h(
              'li',
              { 'data-testid': `blockage-${id}` },
              h('span', {}, nm),
              canEdit
                ? h('button', {
                    type: 'button',
                    class: 'btn btn-ghost btn-small',
                    'data-testid': `blockage-delete-${id}`,
                    i18n: 'block.delete',
                    onclick: async () => {
                      // Plans computed from now on route through the zone's roads again: ask first.
                      const title = t('block.confirmDelete', { name: nm });
                      if (!(await confirmAction({ title, body: [h('p', {}, t('block.confirmDeleteText'))], confirmKey: 'block.delete', danger: true }))) return;
                      try {
                        await plansApi.deleteBlockage(eventId!, id, { signal });
                        toast(t('block.deleted'));
                        await refresh();
                      } catch (e) {
                        if (!isAbort(e)) toast(errorText(e), 'error');
                      }
                    },
                  })
                : '',
            );
          })
        : [h('li', { class: 'muted', i18n: 'block.none' })]),
    );
    section.dataset.count = String(features.length);
  };

  const refresh = async () => {
    if (eventId === null) return;
    const id = eventId;
    try {
      const fc = await plansApi.blockages(id, { signal });
      if (id !== eventId) return;
      features = fc.features ?? [];
      whenLoaded(() => {
        ensureLayers();
        setBlockageData(map, features);
        opts.onDrawn?.();
        // Test hook: the zones drawn on the main map.
        map.once('idle', () => {
          if (id === eventId) document.body.dataset.blockagesDrawn = features.map((f) => String(f.id ?? (f.properties as Record<string, unknown>)?.id)).join(',');
        });
      });
      renderList();
    } catch (e) {
      if (!isAbort(e)) {
        features = [];
        renderList();
      }
    }
  };

  const stopDrawing = () => {
    drawing = false;
    points = [];
    drawDraft();
    drawBtn.hidden = false;
    drawTools.hidden = saveTools.hidden = hint.hidden = true;
    map.getCanvas().parentElement?.parentElement?.classList.remove('drawing');
  };

  drawBtn.addEventListener('click', () => {
    whenLoaded(ensureLayers);
    drawing = true;
    points = [];
    error.hidden = true;
    drawBtn.hidden = true;
    drawTools.hidden = hint.hidden = false;
    saveTools.hidden = true;
    map.getCanvas().parentElement?.parentElement?.classList.add('drawing');
    drawDraft();
  });
  cancelBtn.addEventListener('click', stopDrawing);
  finishBtn.addEventListener('click', () => {
    if (points.length < 3) return;
    drawing = false;
    drawTools.hidden = true;
    saveTools.hidden = false;
    name.focus();
  });
  saveBtn.addEventListener('click', async () => {
    const poly = draftPolygon(points);
    if (!poly || eventId === null) return;
    saveBtn.disabled = true;
    error.hidden = true;
    try {
      await plansApi.addBlockage(eventId, name.value.trim() || t('block.unnamed'), poly, { signal });
      toast(t('block.saved'));
      name.value = '';
      stopDrawing();
      await refresh();
    } catch (e) {
      if (isAbort(e)) return;
      error.hidden = false;
      error.textContent = errorText(e);
    } finally {
      saveBtn.disabled = false;
    }
  });

  const onClick = (e: maplibregl.MapMouseEvent) => {
    if (!drawing) return;
    points.push([Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6]);
    drawDraft();
  };
  map.on('click', onClick);

  return {
    section,
    get drawing() {
      return drawing || !saveTools.hidden;
    },
    setEvent(id) {
      if (id === eventId) return;
      stopDrawing();
      eventId = id;
      section.hidden = id === null;
      features = [];
      if (map.getSource(BLOCK_SRC)) (map.getSource(BLOCK_SRC) as maplibregl.GeoJSONSource).setData(EMPTY);
      if (id !== null) void refresh();
    },
    destroy() {
      map.off('click', onClick);
    },
  };
}
