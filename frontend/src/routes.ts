// The route table. A new workspace = one module under screens/ + one entry here.
import type { MsgKey } from './i18n';
import type { Session, Role, User } from './session';

export type Cleanup = () => void;

export interface ScreenContext {
  /** Null only on public screens. */
  session: Session | null;
  /** Captured `:segments` of the route pattern. */
  args: Record<string, string>;
  /** Query part of the hash (`#/map?event=3`). */
  params: URLSearchParams;
  /** Set when the screen is left: stop fetches and timers. */
  signal: AbortSignal;
}

export interface ScreenModule {
  mount(root: HTMLElement, ctx: ScreenContext): void | Cleanup | Promise<void | Cleanup>;
}

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
  roles?: Role[];
  load: () => Promise<ScreenModule>;
}

export const LOGIN_PATH = '/login';
export const HOME_PATH = '/map';

const STOCK_READERS: Role[] = ['manager', 'admin', 'auditor'];
/** Roles that read the event summaries (managers act on them; the others read). */
export const EVENT_READERS: Role[] = ['manager', 'reviewer', 'auditor', 'admin'];
export const REPORTERS: Role[] = ['reporter', 'manager'];
export const VERIFIERS: Role[] = ['assessor', 'manager'];
/** The household register: managers and auditors read it, reporters register households in
 *  their townships (the import card); grant-list users (managers draft, reviewers approve). */
export const HOUSEHOLD_READERS: Role[] = ['manager', 'reporter', 'auditor', 'admin'];
export const GRANT_USERS: Role[] = ['manager', 'reviewer', 'admin'];

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
    nav: (u) => (u.role === 'depot_staff' && u.depot_ids?.length ? `/depots/${u.depot_ids[0]}` : null),
    tab: '/depots',
    roles: ['depot_staff', ...STOCK_READERS],
    load: () => import('./screens/depot'),
  },
  { path: '/reserves', titleKey: 'nav.reserves', nav: true, roles: STOCK_READERS, load: () => import('./screens/reserves') },
  // Households, relief grant lists and the public disclosure page (no login).
  { path: '/households', titleKey: 'nav.households', nav: true, roles: HOUSEHOLD_READERS, load: () => import('./screens/households') },
  { path: '/grants', titleKey: 'nav.grants', nav: true, roles: GRANT_USERS, load: () => import('./screens/grants') },
  { path: '/grants/:id', titleKey: 'nav.grant', tab: '/grants', roles: GRANT_USERS, load: () => import('./screens/grants') },
  { path: '/public', titleKey: 'nav.public', public: true, load: () => import('./screens/public') },
  { path: '/public/:id', titleKey: 'nav.public', public: true, load: () => import('./screens/public') },
  // Allocation plans (managers plan, reviewers approve), shipments (keepers dispatch, managers and reporters receive).
  { path: '/plans', titleKey: 'nav.plans', nav: true, roles: ['manager', 'reviewer'], load: () => import('./screens/plans') },
  { path: '/plans/:id', titleKey: 'nav.plan', tab: '/plans', roles: ['manager', 'reviewer', 'depot_staff'], load: () => import('./screens/plan') },
  { path: '/shipments', titleKey: 'nav.shipments', nav: (u) => (u.role !== 'depot_staff' || u.depot_ids?.length ? '/shipments' : null), roles: ['manager', 'depot_staff', 'reporter'], load: () => import('./screens/planshipments') },
  // Planned workspaces (one module each under screens/):
  //   /planner (manager), /reviews (reviewer), /public/disclosures (public)
];

export function canOpen(route: Route, session: Session | null): boolean {
  if (route.public) return true;
  if (!session) return false;
  return !route.roles || route.roles.includes(session.user.role as Role);
}

/** Where a user lands after signing in: a depot keeper on their (first) depot, everyone else on the map. */
export function homePath(user: Pick<User, 'role' | 'depot_ids'> | null | undefined): string {
  if (user?.role === 'depot_staff' && user.depot_ids?.length) return `/depots/${user.depot_ids[0]}`;
  return HOME_PATH;
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
