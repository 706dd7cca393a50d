// The route table. A new workspace = one module under screens/ + one entry here.
import type { MsgKey } from './i18n';
import {
  ADMINS,
  APPLICATION_USERS,
  AUDITORS,
  CASE_INTAKE,
  CASE_READERS,
  CHECK_READERS,
  DEPOT_READERS,
  EVENT_READERS,
  GRANT_USERS,
  hasRole,
  HOUSEHOLD_READERS,
  ownDepotPath,
  PLAN_READERS,
  PLANNERS,
  INSPECTORS,
  REBUILD_USERS,
  REPORTERS,
  SHIPMENT_USERS,
  STOCK_READERS,
  VERIFIERS,
  WINTER_SPRING_FILERS,
  WINTER_SPRING_USERS,
  type Role,
} from './roles';
import type { ScreenModule } from './screen';
import type { Session, User } from './session';

export interface Route {
  /** Pattern such as '/map' or '/depots/:id'. */
  path: string;
  titleKey: MsgKey;
  /** Rendered without the signed-in shell, reachable without a session. */
  public?: boolean;
  /**
   * Shown as a workspace tab in the header: `true` links to `path`; a function returns the
   * tab's link for this user (e.g. the depot keeper's own depot), or null for no tab.
   */
  nav?: boolean | ((user: User) => string | null);
  /** Tab label when it differs from the title. */
  navKey?: MsgKey;
  /** The tab(s) to highlight while this route is open, when it is not the route's own tab. */
  tab?: string | string[];
  /** Roles that may open it; all signed-in roles when absent. */
  roles?: readonly Role[];
  load: () => Promise<ScreenModule>;
}

export const LOGIN_PATH = '/login';

export const routes: Route[] = [
  { path: LOGIN_PATH, titleKey: 'login.title', public: true, load: () => import('./screens/login') },
  { path: '/map', titleKey: 'nav.map', nav: (u) => (u.role === 'depot_staff' ? null : '/map'), load: () => import('./screens/map') },
  { path: '/events', titleKey: 'nav.events', nav: true, roles: EVENT_READERS, load: () => import('./screens/events') },
  { path: '/events/:id', titleKey: 'nav.event', tab: '/events', roles: EVENT_READERS, load: () => import('./screens/event') },
  { path: '/events/:id/print', titleKey: 'nav.eventPrint', tab: '/events', roles: EVENT_READERS, load: () => import('./screens/eventprint') },
  // The reporter's and the assessor's tabs open the current event (or a choice of events).
  { path: '/report', titleKey: 'nav.report', nav: (u) => (u.role === 'reporter' ? '/report' : null), roles: REPORTERS, load: () => import('./screens/report') },
  { path: '/events/:id/report', titleKey: 'nav.report', tab: ['/report', '/events'], roles: REPORTERS, load: () => import('./screens/report') },
  { path: '/verify', titleKey: 'nav.verify', nav: (u) => (u.role === 'assessor' ? '/verify' : null), roles: VERIFIERS, load: () => import('./screens/verify') },
  { path: '/events/:id/verify', titleKey: 'nav.verify', tab: ['/verify', '/events'], roles: VERIFIERS, load: () => import('./screens/verify') },
  { path: '/depots', titleKey: 'nav.depots', nav: true, roles: STOCK_READERS, load: () => import('./screens/depots') },
  {
    path: '/depots/:id',
    titleKey: 'nav.depot',
    navKey: 'nav.myDepot',
    nav: ownDepotPath,
    tab: '/depots',
    roles: DEPOT_READERS,
    load: () => import('./screens/depot'),
  },
  { path: '/reserves', titleKey: 'nav.reserves', nav: true, roles: STOCK_READERS, load: () => import('./screens/reserves') },
  // Households, relief grant lists and the public disclosure page (no login).
  { path: '/households', titleKey: 'nav.households', nav: true, roles: HOUSEHOLD_READERS, load: () => import('./screens/households') },
  { path: '/households/:id', titleKey: 'hhd.title', tab: '/households', roles: HOUSEHOLD_READERS, load: () => import('./screens/household') },
  { path: '/grants', titleKey: 'nav.grants', nav: true, roles: GRANT_USERS, load: () => import('./screens/grants') },
  { path: '/grants/:id', titleKey: 'nav.grant', tab: '/grants', roles: GRANT_USERS, load: () => import('./screens/grants') },
  { path: '/public', titleKey: 'nav.public', public: true, load: () => import('./screens/public') },
  // The applicant's receipt page of a one-window case (no login), matched before a disclosure's id.
  { path: '/public/case', titleKey: 'nav.caseReceipt', public: true, load: () => import('./screens/cases/receipt') },
  { path: '/public/:id', titleKey: 'nav.public', public: true, load: () => import('./screens/public') },
  // Household applications (户报 → 村评 → 审核公示 → 乡审 → 县定) and the village notices (public, no login).
  { path: '/applications', titleKey: 'nav.applications', nav: true, roles: APPLICATION_USERS, load: () => import('./screens/applications') },
  { path: '/applications/new', titleKey: 'nav.applicationNew', tab: '/applications', roles: APPLICATION_USERS, load: () => import('./screens/applications/form') },
  { path: '/applications/:id', titleKey: 'nav.application', tab: '/applications', roles: APPLICATION_USERS, load: () => import('./screens/application') },
  { path: '/notices', titleKey: 'nav.notices', public: true, load: () => import('./screens/notices') },
  { path: '/notices/:id', titleKey: 'nav.notices', public: true, load: () => import('./screens/notices') },
  // Winter–spring relief (冬春救助): campaigns, their figures and submissions, the household need form.
  { path: '/winter-spring', titleKey: 'nav.winterSpring', nav: true, roles: WINTER_SPRING_USERS, load: () => import('./screens/winterspring/index') },
  { path: '/winter-spring/:id', titleKey: 'nav.winterSpringCampaign', tab: '/winter-spring', roles: WINTER_SPRING_USERS, load: () => import('./screens/winterspring/campaign') },
  { path: '/winter-spring/:id/needs/new', titleKey: 'nav.winterSpringNeed', tab: '/winter-spring', roles: WINTER_SPRING_FILERS, load: () => import('./screens/winterspring/needform') },
  { path: '/winter-spring/:id/needs/:need/edit', titleKey: 'nav.winterSpringNeed', tab: '/winter-spring', roles: WINTER_SPRING_FILERS, load: () => import('./screens/winterspring/needform') },
  // Rebuilding damaged rural houses (恢复重建): the cases, a case, the inspector's phone form; the housing insurance.
  { path: '/rebuild', titleKey: 'nav.rebuild', nav: true, roles: REBUILD_USERS, load: () => import('./screens/rebuild/index') },
  { path: '/rebuild/insurance', titleKey: 'nav.insurance', tab: '/rebuild', roles: REBUILD_USERS, load: () => import('./screens/rebuild/insurance') },
  { path: '/rebuild/:id', titleKey: 'nav.rebuildCase', tab: '/rebuild', roles: REBUILD_USERS, load: () => import('./screens/rebuild/case') },
  { path: '/rebuild/:id/inspect', titleKey: 'nav.rebuildInspect', tab: '/rebuild', roles: INSPECTORS, load: () => import('./screens/rebuild/inspect') },
  // One window and urgent help (一门受理 / 救急难): the board, the intake, the detection alerts, a case; the departments' desk
  // (a department token, no login).
  { path: '/cases', titleKey: 'nav.cases', nav: true, roles: CASE_READERS, load: () => import('./screens/cases/index') },
  { path: '/cases/new', titleKey: 'nav.caseNew', tab: '/cases', roles: CASE_INTAKE, load: () => import('./screens/cases/new') },
  // Detection alerts (主动发现): households whose losses call for another programme, to open a case or dismiss.
  { path: '/cases/alerts', titleKey: 'nav.caseAlerts', tab: '/cases', roles: CASE_READERS, load: () => import('./screens/cases/alerts') },
  // Cross-programme checks (交叉比对): where the programmes' records disagree, to resolve with a reason.
  { path: '/cases/checks', titleKey: 'nav.checks', tab: '/cases', roles: CHECK_READERS, load: () => import('./screens/cases/checks') },
  { path: '/cases/:id', titleKey: 'nav.case', tab: '/cases', roles: CASE_READERS, load: () => import('./screens/cases/case') },
  { path: '/department', titleKey: 'nav.department', public: true, load: () => import('./screens/cases/department') },
  { path: '/department/:id', titleKey: 'nav.department', public: true, load: () => import('./screens/cases/department') },
  // Allocation plans (managers plan, reviewers approve), shipments (keepers dispatch, managers and reporters receive).
  { path: '/plans', titleKey: 'nav.plans', nav: true, roles: PLANNERS, load: () => import('./screens/plans') },
  { path: '/plans/:id', titleKey: 'nav.plan', tab: '/plans', roles: PLAN_READERS, load: () => import('./screens/plan') },
  { path: '/shipments', titleKey: 'nav.shipments', nav: (u) => (u.role !== 'depot_staff' || u.depot_ids?.length ? '/shipments' : null), roles: SHIPMENT_USERS, load: () => import('./screens/planshipments') },
  // The auditor's trail; the administrator's settings (one tab, a section per page).
  { path: '/audit', titleKey: 'nav.audit', nav: true, roles: AUDITORS, load: () => import('./screens/audit') },
  { path: '/admin/:section', titleKey: 'nav.admin', nav: () => '/admin/users', roles: ADMINS, load: () => import('./screens/admin') },
  // Planned workspaces (one module each under screens/):
  //   /planner (manager), /reviews (reviewer), /public/disclosures (public)
];

export function canOpen(route: Route, session: Session | null): boolean {
  if (route.public) return true;
  if (!session) return false;
  return !route.roles || hasRole(session.user, route.roles);
}

/** The header tabs for a user: [route, link]. */
export function navTabs(session: Session): Array<{ route: Route; href: string }> {
  const out: Array<{ route: Route; href: string }> = [];
  for (const r of routes) {
    if (!r.nav || !canOpen(r, session)) continue;
    const href = typeof r.nav === 'function' ? r.nav(session.user) : r.path;
    if (href) out.push({ route: r, href });
  }
  return out;
}
