// A small hash router: `#/map`, `#/login?next=/map`, `#/depots/12` ...
// Screens are looked up in routes.ts; this file only parses and navigates.

export interface Location {
  /** Path without the leading '#', always starting with '/', no trailing slash ('' when the hash is empty). */
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Location {
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = h.indexOf('?');
  const query = q >= 0 ? h.slice(q + 1) : '';
  h = q >= 0 ? h.slice(0, q) : h;
  if (h && !h.startsWith('/')) h = `/${h}`;
  if (h.length > 1 && h.endsWith('/')) h = h.replace(/\/+$/, '');
  return { path: h === '/' ? '' : h, params: new URLSearchParams(query) };
}

export function formatHash(path: string, params?: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Match a pattern like '/depots/:id' against a path; returns the captured segments or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split('/').filter(Boolean);
  const xs = path.split('/').filter(Boolean);
  if (ps.length !== xs.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    if (ps[i].startsWith(':')) out[ps[i].slice(1)] = decodeURIComponent(xs[i]);
    else if (ps[i] !== xs[i]) return null;
  }
  return out;
}

export function navigate(path: string, params?: Record<string, string | undefined>, replace = false): void {
  const hash = formatHash(path, params);
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (replace) {
    history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

/**
 * Keep a screen's own state in the address (`#/map?event=3`) without a new render (replaceState
 * fires no hashchange), but only while the address still shows the screen's `path`; answers whether
 * it did. Going elsewhere (a tab clicked) changes `location.hash` at once, while its hashchange, which
 * leaves the screen and aborts its signal, comes a task later: an answer landing in between must not
 * write the old screen's address over the new one, or the router renders the old screen again.
 */
export function replaceHash(path: string, params?: Record<string, string | undefined>): boolean {
  if (parseHash(location.hash).path !== path) return false;
  const hash = formatHash(path, params);
  if (location.hash !== hash) history.replaceState(null, '', hash);
  return true;
}
