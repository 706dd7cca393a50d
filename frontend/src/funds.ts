// Types and calls of the funds API (relief standards, fund pools) and of a funds plan's result,
// plus pure helpers for showing them.
import { api } from './api';

export type SourceLevel = 'central' | 'province' | 'city' | 'county';
export const SOURCE_LEVELS: readonly SourceLevel[] = ['central', 'province', 'city', 'county'];
export const RESPONSE_SCOPES = ['national', 'provincial', 'local'] as const;

export interface BasisLine { standard: string; indicator: string; count: number; rate_fen: number; amount_fen: number }
export interface LevelShare { level: SourceLevel; entitled_fen: number; allocated_fen: number }
export interface AreaFunds { area_code: string; basis: BasisLine[]; entitled_fen: number; allocated_fen: number; fill_rate: number; shares: LevelShare[] }
export interface LevelBudget {
  level: SourceLevel;
  basis_points: number;
  required_fen: number;
  available_fen: number;
  allocated_fen: number;
  scale: number;
  scaled: boolean;
}
export interface FundsPlan {
  response_scope: (typeof RESPONSE_SCOPES)[number];
  areas: AreaFunds[];
  levels: LevelBudget[];
  entitled_fen: number;
  allocated_fen: number;
}
export interface FundPool {
  id: number;
  name: string;
  source_level: SourceLevel;
  aid_type: string;
  event_id: number | null;
  amount_fen: number;
  committed_fen: number;
  available_fen: number;
  created_by: string;
  created_at: string;
}
export interface NewPool { name: string; source_level: SourceLevel; aid_type: string; event_id?: number; amount_fen: number }

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
