// Display formatting. Pure functions of (value, lang) so they are unit-tested.
import { locale, type Lang } from './i18n';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';
const DASH = '—';

/** Integer with grouping separators, e.g. 1,234,567. */
export function formatInteger(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(n);
}

/**
 * Population, compact in Chinese (万 = 10,000): 1,234,567 -> "123.5万";
 * below 10,000 and in English: grouped digits. Null/unknown -> "—".
 */
export function formatPopulation(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (lang === 'zh' && Math.abs(n) >= 10_000) {
    const wan = Math.round(n / 1_000) / 10; // one decimal, no float noise
    return `${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 }).format(wan)}万`;
  }
  return formatInteger(n, lang);
}

/** RFC 3339 UTC timestamp shown in Asia/Shanghai time, e.g. "2024-07-01 16:05". */
export function formatDateTime(iso: string | null | undefined, _lang: Lang): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DISPLAY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Money is integer fen (分); shown as yuan with two decimals. */
export function formatFen(fen: number | null | undefined, lang: Lang): string {
  if (fen === null || fen === undefined || !Number.isInteger(fen)) return DASH;
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${formatInteger(yuan, lang)}.${cents}`;
}
