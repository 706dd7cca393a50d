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

/**
 * A share 0..1 as a percentage: whole percent, one decimal below 10 % so small shares do not
 * read as 0 % ("0.6%"), "<0.1%" for tiny non-zero shares. Null/unknown -> "—".
 */
export function formatPercent(share: number | null | undefined, lang: Lang): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  const pct = share * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  const digits = pct < 10 && Math.round(pct) !== pct ? 1 : 0;
  return `${new Intl.NumberFormat(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(pct)}%`;
}

/** Signed integer with a real minus sign: +10, −3, 0. */
export function formatSigned(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n > 0) return `+${formatInteger(n, lang)}`;
  if (n < 0) return `\u2212${formatInteger(-n, lang)}`;
  return '0';
}

/** Volume in cubic metres, one decimal at most: "699.1 m³". */
export function formatVolume(m3: number | null | undefined, lang: Lang): string {
  if (m3 === null || m3 === undefined || !Number.isFinite(m3)) return DASH;
  return `${new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(m3)} m³`;
}

/** Weight in tonnes from 1 t up, one decimal at most ("6.5 t"), in kilograms below ("820 kg"). */
export function formatWeight(kg: number | null | undefined, lang: Lang): string {
  if (kg === null || kg === undefined || !Number.isFinite(kg)) return DASH;
  const number = (n: number) => new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(n);
  return kg >= 1000 ? `${number(kg / 1000)} t` : `${number(kg)} kg`;
}

// Chinese measure words of the item catalogue, shown in English.
const UNIT_EN: Record<string, string> = {
  顶: 'pcs', 床: 'pcs', 件: 'pcs', 张: 'pcs', 个: 'pcs', 把: 'pcs', 台: 'units', 套: 'sets', 箱: 'cases', 袋: 'bags',
  包: 'packs', 瓶: 'bottles', 桶: 'bottles', 双: 'pairs', 条: 'pcs', 盏: 'pcs', 块: 'pcs', 卷: 'rolls', 吨: 't',
  份: 'packs', 千克: 'kg', 公斤: 'kg', 升: 'L',
};

/** The item's unit word: as is in Chinese, an English word where one is known. */
export function unitLabel(unit: string | null | undefined, lang: Lang): string {
  if (!unit) return '';
  return lang === 'en' ? (UNIT_EN[unit] ?? unit) : unit;
}

/** Integer quantity with its unit: "1,234 顶" / "1,234 pcs". */
export function formatQuantity(n: number | null | undefined, unit: string | null | undefined, lang: Lang): string {
  const num = formatInteger(n, lang);
  const u = unitLabel(unit, lang);
  return num === DASH || !u ? num : `${num} ${u}`;
}

/** A calendar date (YYYY-MM-DD, no time zone) is shown as it is; anything else as "—". */
export function formatDate(ymd: string | null | undefined): string {
  return ymd && /^\d{4}-\d{2}-\d{2}$/.test(ymd) ? ymd : DASH;
}
