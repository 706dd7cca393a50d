// Types and calls of the funds API (relief standards, fund pools) and of a funds plan's result,
// plus pure helpers for showing them.
import { api } from './api';
import type { Schemas } from './schemas';

export type SourceLevel = Schemas['SourceLevel'];
export const SOURCE_LEVELS: readonly SourceLevel[] = ['central', 'province', 'city', 'county'];
export const RESPONSE_SCOPES = ['national', 'provincial', 'local'] as const satisfies readonly Schemas['ResponseScope'][];

export type AreaFunds = Schemas['AreaFunds'];
export type FundsPlan = Schemas['FundsPlan'];
export type FundPool = Schemas['FundPool'];
export type NewPool = Schemas['PoolInput'];

type Opt = { signal?: AbortSignal };

export const fundsApi = {
  pools: (q: { event_id?: number; aid_type?: string } = {}, o: Opt = {}) => api.get<FundPool[]>('/funds', { query: q, ...o }),
  addPool: (body: NewPool, o: Opt = {}) => api.post<FundPool>('/funds', body, o),
};

/** Yuan typed by a person ("1,000.5", "２００") as integer fen, or null when it is not a positive amount. */
export function yuanToFen(text: string): number | null {
  const clean = text.normalize('NFKC').replace(/[,，\s¥]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, cents = ''] = clean.split('.');
  const fen = Number(whole) * 100 + Number(cents.padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen > 0 ? fen : null;
}

/** Basis points as a percentage: 7000 → "70%", 1250 → "12.5%". */
export function sharePercent(bp: number): string {
  return `${Number((bp / 100).toFixed(2))}%`;
}

/** Available money per level over a list of pools. */
export function availableByLevel(pools: readonly FundPool[]): Map<SourceLevel, number> {
  const out = new Map<SourceLevel, number>();
  for (const p of pools) out.set(p.source_level, (out.get(p.source_level) ?? 0) + p.available_fen);
  return out;
}
