// The route table. A new workspace = one module under screens/ + one entry here.
import type { MsgKey } from './i18n';
import type { Session, Role } from './session';

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
  /** Shown as a workspace tab in the header. */
  nav?: boolean;
  /** Roles that may open it; all signed-in roles when absent. */
  roles?: Role[];
  load: () => Promise<ScreenModule>;
}

export const LOGIN_PATH = '/login';
export const HOME_PATH = '/map';

export const routes: Route[] = [
  { path: LOGIN_PATH, titleKey: 'login.title', public: true, load: () => import('./screens/login') },
  { path: '/map', titleKey: 'nav.map', nav: true, load: () => import('./screens/map') },
  // Planned workspaces (one module each under screens/):
  //   /stock (depot_staff), /events (manager), /planner (manager),
  //   /reviews (reviewer), /public/disclosures (public)
];

export function canOpen(route: Route, session: Session | null): boolean {
  if (route.public) return true;
  if (!session) return false;
  return !route.roles || route.roles.includes(session.user.role as Role);
}
