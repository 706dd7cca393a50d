// What went wrong and how to say it: the API's error and its text for the user, aborted
// fetches, and the field errors of a refused form. The server's own words are in English: they are
// shown only in the English UI; in Chinese a refusal is said by its stable code (i18n.refusals.ts)
// or, without one, by its status alone.
import { getLang, label, t, translate, type MsgKey, type Params, type Table } from './i18n';
import { REFUSALS_EN, REFUSALS_ZH } from './i18n.refusals';
import { formatDateTime, formatFen, formatInteger } from './format';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** The whole answer (some carry more than the envelope, e.g. an import's row errors). */
  readonly body: unknown;
  /** What exactly was refused, as a stable code, and the values it names. */
  readonly refusal: string | null;
  readonly params: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: unknown,
    body?: unknown,
    refusal: string | null = null,
    params: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.body = body;
    this.refusal = refusal;
    this.params = params;
  }
}

const REFUSALS: Table = { zh: prefixed(REFUSALS_ZH), en: prefixed(REFUSALS_EN) };

function prefixed(table: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([code, text]) => [`refusal.${code}`, text]));
}

/** Parameters that are codes of a table: the table's key prefix, so they are said by name. */
const LABELLED: Record<string, string> = {
  indicator: 'ind',
  other: 'ind',
  aid_type: 'aid',
  plan_status: 'plan.status',
  list_status: 'listStatus',
  application_status: 'appStatus',
  alert_status: 'alerts.status',
  case_status: 'rb.status',
  one_window_status: 'cases.status',
  programme: 'cases.programme',
  exclusion: 'exclusion',
  rebuild_stage: 'rb.stage',
  level: 'funds.level',
};

function paramText(name: string, value: unknown): string | number {
  const lang = getLang();
  if (Array.isArray(value)) {
    return value.map((v) => paramText(name === 'indicators' ? 'indicator' : name, v)).join(lang === 'zh' ? '、' : ', ');
  }
  if (name in LABELLED && typeof value === 'string') return label(LABELLED[name], value);
  if (name.endsWith('_fen') && typeof value === 'number') return formatFen(value, lang);
  if ((name === 'end' || name === 'at') && typeof value === 'string') return formatDateTime(value, lang);
  if (typeof value === 'number') return formatInteger(value, lang);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A refusal said in the user's language, or null when its code is not one the tables know. */
export function refusalText(refusal: string | null | undefined, params: Record<string, unknown> = {}): string | null {
  const key = `refusal.${refusal}`;
  if (!refusal || !(key in REFUSALS.zh)) return null;
  const said: Params = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, paramText(name, value)]));
  return translate(REFUSALS, getLang(), key, said);
}

/** The server's own words where the UI is in English; nothing in Chinese. */
function serverWords(text: string): string {
  return getLang() === 'en' ? text : '';
}

/** "状态冲突：" without its colon, for a meaning said alone. */
function alone(meaning: string): string {
  return meaning.replace(/[:：]\s*$/, '');
}

/** What each status means, said before what exactly was refused. */
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

/** The text to show for a failed request: what its status means in the user's language, then
 * what exactly was refused (a 422's field reasons when the answer has no refusal of its own). */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return String((err as Error)?.message ?? err);
  if (err.status === 0) return t('error.network');
  if (SAID_IN_FULL.has(err.status)) return t(STATUS_MEANINGS[err.status]);
  const meaning = STATUS_MEANINGS[err.status] ?? (err.status >= 500 ? 'error.server' : undefined);
  const fields = serverFieldErrors(err.details).map((d) => d.reason);
  const message =
    refusalText(err.refusal, err.params) ??
    (fields.length && !err.refusal ? fields.join(getLang() === 'zh' ? '；' : '; ') : serverWords(err.message));
  if (!meaning) return message || t('error.unknown', { status: err.status });
  return message ? t(meaning) + message : alone(t(meaning));
}

/** Read the server's error envelope; falls back to a generic code per status. */
export function parseErrorBody(status: number, body: unknown, statusText = ''): ApiError {
  const err = (
    body as { error?: { code?: unknown; message?: unknown; details?: unknown; refusal?: unknown; params?: unknown } } | null
  )?.error;
  const code = typeof err?.code === 'string' && err.code ? err.code : `http_${status}`;
  const message = typeof err?.message === 'string' && err.message ? err.message : statusText || `HTTP ${status}`;
  const refusal = typeof err?.refusal === 'string' ? err.refusal : null;
  const params = err?.params && typeof err.params === 'object' ? (err.params as Record<string, unknown>) : {};
  return new ApiError(status, code, message, err?.details, body, refusal, params);
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

/** The refusal codes of a 422's fields, in order. */
export function refusedFor(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.map((d) => (d as Detail | null)?.refusal).filter((r): r is string => typeof r === 'string');
}

type Detail = { field?: unknown; reason?: unknown; message?: unknown; refusal?: unknown; params?: unknown };

/** Read `details: [{field, reason, refusal?, params?}]` of a 422 answer, each reason in the
 * user's language (in Chinese, "this field is not accepted" for a reason without a code);
 * tolerant of anything else. */
export function serverFieldErrors(details: unknown): ServerFieldError[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is Detail => !!d && typeof d === 'object')
    .map((d) => ({ field: detailField(d.field), reason: detailReason(d) }))
    .filter((d) => d.reason);
}

/** One detail's reason (a 422 field, an import row) in the user's language; '' when it has none. */
export function detailReason(detail: unknown): string {
  const d = (detail ?? {}) as Detail;
  const english = typeof d.reason === 'string' ? d.reason : typeof d.message === 'string' ? d.message : '';
  const params = d.params && typeof d.params === 'object' ? (d.params as Record<string, unknown>) : {};
  const said = refusalText(typeof d.refusal === 'string' ? d.refusal : null, params);
  return said ?? (english && (serverWords(english) || t('error.fieldRefused')));
}
