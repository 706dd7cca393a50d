// What went wrong and how to say it: the API's error and its text for the user, aborted
// fetches, and the field errors of a refused form.
import { t, type MsgKey } from './i18n';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** The whole answer (some carry more than the envelope, e.g. an import's row errors). */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, details?: unknown, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.body = body;
  }
}

/** What each refusal means, said before the server's own words (which are in English). */
const STATUS_MEANINGS: Record<number, MsgKey> = {
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  412: 'error.stale',
  413: 'error.tooLarge',
  415: 'error.unsupported',
  422: 'error.invalid',
  429: 'error.throttled',
  503: 'error.unavailable',
  507: 'error.storageFull',
};

/** Statuses whose meaning says everything: the server's words are left out. */
const SAID_IN_FULL = new Set([412]);

/** The text to show for a failed request: what its status means in the user's language, then the server's message. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return String((err as Error)?.message ?? err);
  if (err.status === 0) return t('error.network');
  if (SAID_IN_FULL.has(err.status)) return t(STATUS_MEANINGS[err.status]);
  const meaning = STATUS_MEANINGS[err.status] ?? (err.status >= 500 ? 'error.server' : undefined);
  const message = err.message || t('error.unknown', { status: err.status });
  return meaning ? t(meaning) + message : message;
}

/** Read the server's error envelope; falls back to a generic code per status. */
export function parseErrorBody(status: number, body: unknown, statusText = ''): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' && err.code ? err.code : `http_${status}`;
  const message = typeof err?.message === 'string' && err.message ? err.message : statusText || `HTTP ${status}`;
  return new ApiError(status, code, message, err?.details, body);
}

/** A fetch stopped because its screen was left (or its request superseded): not a failure to show. */
export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError';
}

/** A form field as a server error detail names it: `quantity`, `body.quantity`, `lines[0].lot` → the last path segment, without an index. */
export function detailField(field: unknown): string | null {
  if (typeof field !== 'string' || !field) return null;
  return field.split('.').pop()!.replace(/\[\d+\]$/, '') || null;
}

export interface ServerFieldError {
  field: string | null;
  reason: string;
}

/** Read `details: [{field, reason}]` of a 422 answer; tolerant of anything else. */
export function serverFieldErrors(details: unknown): ServerFieldError[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is { field?: unknown; reason?: unknown; message?: unknown } => !!d && typeof d === 'object')
    .map((d) => ({
      field: detailField(d.field),
      reason: typeof d.reason === 'string' ? d.reason : typeof d.message === 'string' ? d.message : '',
    }))
    .filter((d) => d.reason);
}
