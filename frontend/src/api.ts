// Fetch wrapper for the JSON API at /api/v1 (same origin as the app).
// - sends the bearer token when there is a session;
// - turns any non-2xx answer into an ApiError {status, code, message, details}
//   read from the server's `{"error": {code, message, details}}` body;
// - a 401 on a request that carried a token means the session is gone: the
//   registered handler sends the user back to the login screen.
import { saveBlob } from './dom';
import { ApiError, isAbort, parseErrorBody } from './errors';
import { getToken } from './session';

export const API_BASE = '/api/v1';

/** Build `/api/v1/path?query`, skipping undefined/null/empty query values. */
export function apiUrl(path: string, query?: Record<string, string | number | boolean | null | undefined>): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${API_BASE}${p}${s ? `?${s}` : ''}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the bearer token (default true). */
  auth?: boolean;
}

let unauthorizedHandler: ((err: ApiError) => void) | null = null;

/** Called on a 401 for a request that carried a token (session expired or revoked). */
export function onUnauthorized(handler: (err: ApiError) => void): void {
  unauthorizedHandler = handler;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/geo+json', ...opts.headers };
  const token = opts.auth === false ? null : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob) {
    // A file, sent as it is with its own type.
    headers['Content-Type'] = opts.body.type || 'application/octet-stream';
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }

  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'network', (e as Error)?.message ?? 'network error');
  }

  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const err = parseErrorBody(res.status, data, res.statusText);
    if (res.status === 401 && token && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'GET' }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...opts, method: 'PATCH', body }),
  del: <T>(path: string, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'DELETE' }),
};

/** A file answer (CSV, XLSX, an image) fetched with the bearer token; a refusal throws an ApiError. */
async function fetchFile(path: string, query: RequestOptions['query'], signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: '*/*' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { headers, signal });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'network', (e as Error)?.message ?? 'network error');
  }
  if (!res.ok) {
    let data: unknown = null;
    try {
      data = JSON.parse(await res.text());
    } catch {
      data = null;
    }
    const err = parseErrorBody(res.status, data, res.statusText);
    if (res.status === 401 && token && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return res;
}

/** A file answer as a Blob (an image to show through an object URL: <img> cannot send the token). */
export async function fetchBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  return (await fetchFile(path, undefined, signal)).blob();
}

/**
 * Download a file answer (CSV, XLSX) with the bearer token: fetch → blob → object URL →
 * a temporary <a download>. Returns the file name used.
 */
export async function download(path: string, query: RequestOptions['query'], fallbackName: string, signal?: AbortSignal): Promise<string> {
  const res = await fetchFile(path, query, signal);
  const name = filenameFromDisposition(res.headers.get('Content-Disposition'), fallbackName);
  saveBlob(await res.blob(), name);
  return name;
}

/** The file name of a Content-Disposition header (RFC 6266 / 5987), or the fallback. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  if (plain) return (plain[2] ?? plain[1]).trim() || fallback;
  return fallback;
}
