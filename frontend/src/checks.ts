// Cross-programme checks (交叉比对, docs/domain/checks.md): the API's calls for the findings of the
// caller's area, their CSV file and resolving one with a reason, and the pure rules of the checks
// screen (#/cases/checks), unit-tested in checks.test.ts: the counts per kind and status, the order,
// who may resolve, and each finding's records and figures as phrases of the reader's language. The
// server computes the findings and has the last word on who sees and resolves them.
import { api, download } from './api';
import { formatFen, formatInteger } from './format';
import type { Lang, MsgKey, Params } from './i18n';
import { CHECK_RESOLVERS, type Role } from './roles';
import type { Schemas } from './schemas';
import { countByStatus } from './util';

type Opt = { signal?: AbortSignal };

export type Finding = Schemas['CheckFinding'];
export type FindingHousehold = Schemas['CheckHousehold'];
export type CheckKind = Schemas['CheckKind'];
export type FindingStatus = Schemas['CheckStatus'];

/** The checks in the server's order (which is also the list's). */
export const CHECK_KINDS = ['person_in_two_households', 'bank_shared', 'double_grant', 'above_standard', 'grant_without_loss', 'stock_vs_served'] as const satisfies readonly CheckKind[];
export const FINDING_STATUSES = ['open', 'resolved'] as const satisfies readonly FindingStatus[];

/** What the list asks the server for; the CSV file takes the same. */
export interface CheckQuery {
  kind?: CheckKind | '';
  status?: FindingStatus | '';
  area_code?: string;
}

/** The query without its empty filters. */
export function checkQuery(q: CheckQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v) out[k] = v;
  return out;
}

export const checksApi = {
  list: (q: CheckQuery = {}, o: Opt = {}) => api.get<Finding[]>('/checks', { query: checkQuery(q), ...o }),
  /** The same findings as a CSV file, saved under the server's file name. */
  csv: (q: CheckQuery = {}, o: Opt = {}) => download('/checks.csv', checkQuery(q), 'cross-programme-checks.csv', o.signal),
  resolve: (key: string, reason: string, o: Opt = {}) => api.post<Finding>(`/checks/${encodeURIComponent(key)}/resolve`, { reason }, o),
};

/** Whether the reader may resolve a finding: an open one, for the roles that resolve (the server checks its area). */
export function canResolve(role: Role, f: Pick<Finding, 'status'>): boolean {
  return f.status === 'open' && CHECK_RESOLVERS.includes(role);
}

/** How many findings are open and resolved, and all. */
export function statusCounts(findings: ReadonlyArray<Pick<Finding, 'status'>>): Record<FindingStatus, number> & { total: number } {
  return countByStatus(FINDING_STATUSES, findings);
}

/** How many findings of each kind, and all. */
export function kindCounts(findings: ReadonlyArray<Pick<Finding, 'kind'>>): Record<CheckKind, number> & { total: number } {
  const counts = Object.fromEntries(CHECK_KINDS.map((k) => [k, 0])) as Record<CheckKind, number>;
  for (const f of findings) counts[f.kind] += 1;
  return { ...counts, total: findings.length };
}

/** Open first, then by kind in the checks' order, then by key (stable across reloads). */
export function sortFindings<T extends Pick<Finding, 'kind' | 'status' | 'key'>>(findings: readonly T[]): T[] {
  const rank = (f: T) => (f.status === 'open' ? 0 : 1) * CHECK_KINDS.length + CHECK_KINDS.indexOf(f.kind);
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/** How the screen names what a finding points at: a place by its code, an event by its id. */
export interface Namer {
  lang: Lang;
  place: (code: string) => string;
  event: (id: number) => string;
}

/** A household as the finding names it: the head (masked unless the reader may see it) and the township. */
export function householdText(h: Pick<FindingHousehold, 'head_name' | 'area_code'>, n: Pick<Namer, 'place' | 'lang'>): string {
  return n.lang === 'zh' ? `${h.head_name}（${n.place(h.area_code)}）` : `${h.head_name} (${n.place(h.area_code)})`;
}

const ids = (list: readonly number[]) => list.map((id) => `#${id}`).join('、');

/** One phrase of a finding: a message key and its parameters. */
export interface Phrase {
  key: MsgKey;
  params: Params;
}

/**
 * What a finding found, in words: a phrase whose parameters are already in the reader's language
 * (names, amounts in yuan, counts). The records themselves (households, lists, cases) are listed
 * beside it by the screen, with their links.
 */
export function findingPhrase(f: Finding, n: Namer, aidName: (aid: string) => string): Phrase {
  const fig = f.figures;
  const money = (fen: number) => formatFen(fen, n.lang);
  const count = (x: number) => formatInteger(x, n.lang);
  const sum = (grants: typeof fig.grants) => grants.reduce((s, g) => s + g.amount_fen, 0);
  const lists = (grants: typeof fig.grants) => ids([...new Set(grants.map((g) => g.list_id))]);
  const aids = [...new Set(fig.grants.map((g) => g.aid_type))].map(aidName).join('、');
  const named = (id: number) => {
    const h = f.households.find((x) => x.id === id);
    return h ? householdText(h, n) : `#${id}`;
  };
  switch (f.kind) {
    case 'person_in_two_households': {
      const head = fig.head_household_id;
      const others = f.households.filter((h) => h.id !== head).map((h) => householdText(h, n));
      return head !== null && head !== undefined
        ? { key: 'checks.say.person', params: { head: named(head), cases: ids(f.case_ids), others: others.join('、') } }
        : { key: 'checks.say.personNoHead', params: { cases: ids(f.case_ids), others: others.join('、') } };
    }
    case 'bank_shared':
      return { key: 'checks.say.bank', params: { account: f.households.find((h) => h.bank_account_masked)?.bank_account_masked ?? '—', n: count(f.households.length) } };
    case 'double_grant': {
      const once = fig.grants.filter((g) => g.phase === 0);
      const phased = fig.grants.filter((g) => g.phase > 0);
      return { key: 'checks.say.double', params: { aid: aids, list: lists(once), once: money(sum(once)), lists: lists(phased), phased: money(sum(phased)) } };
    }
    case 'above_standard': {
      const total = sum(fig.grants);
      const standard = fig.standard_fen ?? 0;
      return { key: 'checks.say.above', params: { aid: aids, lists: lists(fig.grants), total: money(total), standard: money(standard), over: money(total - standard) } };
    }
    case 'grant_without_loss':
      return { key: fig.no_damage_record ? 'checks.say.noRecord' : 'checks.say.noLoss', params: { aid: aids, lists: lists(fig.grants), total: money(sum(fig.grants)) } };
    case 'stock_vs_served': {
      const s = fig.stock;
      if (!s) return { key: 'checks.say.summary', params: { summary: f.summary } };
      return {
        key: s.received > s.expected ? 'checks.say.stockMore' : 'checks.say.stockLess',
        params: {
          item: n.lang === 'zh' ? s.item_name_zh : s.item_name_en,
          received: count(s.received),
          unit: s.unit,
          place: n.place(f.area_code),
          persons: count(s.persons),
          households: count(s.households),
          expected: count(s.expected),
        },
      };
    }
  }
}
