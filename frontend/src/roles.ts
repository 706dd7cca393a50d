// Who sees what: the roles, the role lists behind the workspace tabs, and each role's home screen.
// The server enforces the same rules; these only decide what is offered.
import type { Schemas } from './schemas';
import type { User } from './session';

export type Role = Schemas['Role'];

/** The depot list and the reserves overview. */
export const STOCK_READERS: readonly Role[] = ['manager', 'admin', 'auditor'];
/** A depot's page also opens for keepers (the server shows them their own depots only). */
export const DEPOT_READERS: readonly Role[] = ['depot_staff', ...STOCK_READERS];
/** Roles that read the event summaries (managers act on them; the others read). */
export const EVENT_READERS: readonly Role[] = ['manager', 'reviewer', 'auditor', 'admin'];
export const REPORTERS: readonly Role[] = ['reporter', 'manager'];
export const VERIFIERS: readonly Role[] = ['assessor', 'manager'];
/** The household register: managers and auditors read it, reporters register households in
 *  their townships (the import card). */
export const HOUSEHOLD_READERS: readonly Role[] = ['manager', 'reporter', 'auditor', 'admin'];
/** Grant lists: managers draft, reviewers approve, auditors read. */
export const GRANT_USERS: readonly Role[] = ['manager', 'reviewer', 'admin', 'auditor'];
/** Household applications: caseworkers (reporters, managers) file and assess, reviewers review and
 *  decide, admins and auditors read. */
export const APPLICATION_USERS: readonly Role[] = ['reporter', 'manager', 'reviewer', 'admin', 'auditor'];
/** Winter–spring relief campaigns: caseworkers (reporters, managers) survey and record need, reviewers
 *  and managers submit and decide an area's figures, admins and auditors read. */
export const WINTER_SPRING_USERS: readonly Role[] = ['reporter', 'manager', 'reviewer', 'admin', 'auditor'];
/** Who records a household's winter–spring need. */
export const WINTER_SPRING_FILERS: readonly Role[] = ['reporter', 'manager'];
/** Rebuild cases (恢复重建) and the housing insurance beside them: township staff (reporters, managers)
 *  open cases and record progress, county reviewers approve, assessors inspect, admins and auditors read. */
export const REBUILD_USERS: readonly Role[] = ['manager', 'reporter', 'assessor', 'reviewer', 'auditor', 'admin'];
/** Who takes the inspection (验收) of a finished house. */
export const INSPECTORS: readonly Role[] = ['assessor'];
/** One-window cases (一门受理): township staff (reporters, managers) take in, refer and close; county
 *  staff (managers) answer for the programmes civil affairs decides; reviewers, admins and auditors read. */
export const CASE_READERS: readonly Role[] = ['reporter', 'manager', 'reviewer', 'admin', 'auditor'];
/** Who takes in a request at the window. */
export const CASE_INTAKE: readonly Role[] = ['reporter', 'manager'];
/** Cross-programme checks (交叉比对): managers, reviewers and reporters read their area's findings, admins
 *  and auditors everything; managers, reviewers and admins resolve them. */
export const CHECK_READERS: readonly Role[] = ['reporter', 'manager', 'reviewer', 'admin', 'auditor'];
export const CHECK_RESOLVERS: readonly Role[] = ['manager', 'reviewer', 'admin'];
/** Allocation plans: managers plan, reviewers approve, auditors read. */
export const PLANNERS: readonly Role[] = ['manager', 'reviewer', 'auditor'];
/** A plan's page also opens for the keepers who dispatch their depot's part. */
export const PLAN_READERS: readonly Role[] = [...PLANNERS, 'depot_staff'];
/** The audit trail. */
export const AUDITORS: readonly Role[] = ['auditor', 'admin'];
/** Users, response thresholds and relief standards. */
export const ADMINS: readonly Role[] = ['admin'];
/** The statutory registers of an event's household damage (因灾死亡失踪人口一览表, 因灾倒塌损坏住房户一览表). */
export const REGISTER_READERS: readonly Role[] = ['manager', 'assessor', 'reviewer', 'auditor'];
/** Who edits a household and records its damage (the server checks the area). */
export const HOUSEHOLD_EDITORS: readonly Role[] = ['manager', 'reporter'];
/** Shipments: keepers dispatch, managers and reporters receive. */
export const SHIPMENT_USERS: readonly Role[] = ['manager', 'depot_staff', 'reporter'];

export const HOME_PATH = '/map';

export function hasRole(user: Pick<User, 'role'>, roles: readonly Role[]): boolean {
  return roles.includes(user.role);
}

/** A depot keeper's (first) depot; null for everyone else and for a keeper without a depot. */
export function ownDepotPath(user: Pick<User, 'role' | 'depot_ids'> | null | undefined): string | null {
  return user?.role === 'depot_staff' && user.depot_ids?.length ? `/depots/${user.depot_ids[0]}` : null;
}

/** Where a user lands after signing in: a depot keeper on their depot, everyone else on the map. */
export function homePath(user: Pick<User, 'role' | 'depot_ids'> | null | undefined): string {
  return ownDepotPath(user) ?? HOME_PATH;
}
