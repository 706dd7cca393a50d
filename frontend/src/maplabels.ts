// Place names on the map without glyphs. The style is offline (no glyph server, no font PBFs in
// the bundle), so MapLibre's text layers cannot draw; the names are DOM labels over the canvas,
// moved with the map and thinned out where they would overlap: county names from the city
// zoom, township names from a closer zoom. `placeLabels` is pure (unit-tested).
import type { Map as MlMap } from 'maplibre-gl';
import './styles/maplabels.css';

export interface MapLabel {
  /** The area's code (also the label's test id: `map-label-<code>`). */
  id: string;
  text: string;
  lngLat: [number, number];
  kind: 'county' | 'township';
  /** Shown from this zoom on. */
  minZoom: number;
  /** Lower wins where labels overlap. */
  priority: number;
}

export interface LabelBox {
  id: string;
  /** Top-left corner and size, in screen pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
  priority: number;
}

/** Zoom from which township names are shown, and the zoom of the city view (county names). */
export const TOWNSHIP_LABEL_ZOOM = 9.3;
export const COUNTY_LABEL_ZOOM = 6;

/**
 * Which labels to show: the most important first, each only where it does not overlap one
 * already placed (with `gap` pixels between) and lies wholly inside the `width`×`height` view.
 */
export function placeLabels(boxes: readonly LabelBox[], width: number, height: number, gap = 3): Set<string> {
  const order = boxes.map((b, i) => ({ b, i })).sort((a, c) => a.b.priority - c.b.priority || a.i - c.i);
  const placed: LabelBox[] = [];
  const shown = new Set<string>();
  for (const { b } of order) {
    if (b.x < 0 || b.y < 0 || b.x + b.w > width || b.y + b.h > height) continue;
    const hit = placed.some((p) => b.x < p.x + p.w + gap && p.x < b.x + b.w + gap && b.y < p.y + p.h + gap && p.y < b.y + b.h + gap);
    if (hit) continue;
    placed.push(b);
    shown.add(b.id);
  }
  return shown;
}

/**
 * Township names sit right of their dot; county names just below their point, which keeps the
 * event's badges (drawn on that point) clear.
 */
export const TOWNSHIP_DX = 7;
export const COUNTY_DY = 12;

export interface LabelLayer {
  setLabels(labels: readonly MapLabel[]): void;
  /** The ids shown now (for tests). */
  shown(): string[];
  destroy(): void;
}

interface Placed {
  label: MapLabel;
  el: HTMLElement;
  w: number;
  h: number;
}

export function createLabelLayer(map: MlMap): LabelLayer {
  const layer = document.createElement('div');
  layer.className = 'map-labels';
  layer.dataset.testid = 'map-labels';
  layer.setAttribute('aria-hidden', 'true');
  map.getCanvasContainer().append(layer);
  let items: Placed[] = [];
  let frame = 0;
  let visible = new Set<string>();

  const measure = () => {
    for (const it of items) {
      if (it.w) continue;
      it.w = it.el.offsetWidth;
      it.h = it.el.offsetHeight;
    }
  };

  const update = () => {
    frame = 0;
    const canvas = map.getCanvas();
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    measure();
    const zoom = map.getZoom();
    const boxes: LabelBox[] = [];
    const at = new Map<string, { x: number; y: number }>();
    for (const it of items) {
      if (zoom < it.label.minZoom || !it.w) continue;
      const p = map.project(it.label.lngLat);
      const x = it.label.kind === 'county' ? p.x - it.w / 2 : p.x + TOWNSHIP_DX;
      const y = it.label.kind === 'county' ? p.y + COUNTY_DY : p.y - it.h / 2;
      boxes.push({ id: it.label.id, x, y, w: it.w, h: it.h, priority: it.label.priority });
      at.set(it.label.id, { x, y });
    }
    visible = placeLabels(boxes, width, height);
    for (const it of items) {
      const pos = at.get(it.label.id);
      const on = !!pos && visible.has(it.label.id);
      if (on) it.el.style.transform = `translate(${Math.round(pos.x)}px, ${Math.round(pos.y)}px)`;
      if (it.el.hidden === on) it.el.hidden = !on;
    }
    layer.dataset.shown = String(visible.size);
  };

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(update);
  };
  map.on('move', schedule);
  map.on('resize', schedule);

  return {
    setLabels(labels) {
      layer.replaceChildren();
      items = labels.map((label) => {
        const el = document.createElement('div');
        el.className = `map-label map-label-${label.kind}`;
        el.dataset.testid = `map-label-${label.id}`;
        el.dataset.code = label.id;
        el.textContent = label.text;
        el.hidden = false;
        layer.append(el);
        return { label, el, w: 0, h: 0 };
      });
      measure();
      update();
    },
    shown: () => [...visible],
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      map.off('move', schedule);
      map.off('resize', schedule);
      layer.remove();
    },
  };
}
