// The signed-in frame: header (brand, workspace tabs, language, user, sign out)
// and the workspace area that screens render into. On a narrow screen the tabs do not fit in
// one row, so a menu button opens them as a list below the header instead (styles/shell.css).
import { h } from './dom';
import { t, type MsgKey } from './i18n';
import { outboxButton } from './outboxui';
import { navTabs } from './routes';
import type { Session, User } from './session';
import { langSwitch, logo } from './widgets';

export interface Shell {
  root: HTMLElement;
  workspace: HTMLElement;
  username: string;
  /** Highlight the tab of `path` (a route pattern), or of `tab` when given. */
  setActive(path: string, tab?: string | string[]): void;
  setUser(user: User): void;
}

export function createShell(session: Session, onLogout: () => void): Shell {
  const nav = h('nav', { class: 'nav', id: 'app-nav', 'data-testid': 'app-nav', i18nAriaLabel: 'header.workspaces' });
  let tabs: HTMLAnchorElement[] = [];
  let active: [string, string[]] = ['', []];
  const highlight = () => {
    // The first of the route's tabs that this user has wins.
    const own = tabs.some((a) => a.dataset.path === active[0]);
    const alt = own ? undefined : active[1].find((p) => tabs.some((a) => a.dataset.path === p));
    for (const a of tabs) a.classList.toggle('active', a.dataset.path === active[0] || (!!alt && a.dataset.path === alt));
  };
  const renderTabs = (s: Session) => {
    tabs = navTabs(s).map(({ route, href }) =>
      h('a', {
        href: `#${href}`,
        class: 'nav-tab',
        'data-path': route.path,
        // '/depots/:id' -> 'nav-depots-id'
        'data-testid': `nav-${route.path.slice(1).replace(/[/:]+/g, '-')}`,
        i18n: route.navKey ?? route.titleKey,
      }),
    );
    nav.replaceChildren(...tabs);
    highlight();
  };
  renderTabs(session);

  const userName = h('span', { class: 'user-name', 'data-testid': 'user-name' });
  const userRole = h('span', { class: 'user-role', 'data-testid': 'user-role' });

  const menuButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-outline nav-menu-button',
      'data-testid': 'nav-menu-button',
      'aria-controls': 'app-nav',
      'aria-expanded': 'false',
      i18nTitle: 'header.menuTitle',
    },
    h('span', { class: 'menu-icon', 'aria-hidden': 'true' }, '☰'),
    h('span', { i18n: 'header.menu' }),
  );
  const header = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'app.title' })),
    menuButton,
    nav,
    h('div', { class: 'header-spacer' }),
    outboxButton(),
    langSwitch(),
    h('div', { class: 'user-chip' }, userName, userRole),
    h('button', {
      type: 'button',
      class: 'btn btn-outline',
      id: 'logout-button',
      'data-testid': 'logout-button',
      i18n: 'header.logout',
      i18nTitle: 'header.logoutTitle',
      onclick: onLogout,
    }),
  );
  const workspace = h('main', { class: 'workspace', id: 'workspace' });
  const root = h('div', { class: 'app-shell' }, header, workspace);

  const setMenuOpen = (open: boolean) => {
    header.classList.toggle('nav-open', open);
    menuButton.setAttribute('aria-expanded', String(open));
  };
  menuButton.addEventListener('click', () => setMenuOpen(!header.classList.contains('nav-open')));
  // The menu closes when a tab is chosen, on Escape, and on a click anywhere outside it.
  nav.addEventListener('click', (e) => (e.target as Element).closest('a') && setMenuOpen(false));
  header.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && header.classList.contains('nav-open')) {
      setMenuOpen(false);
      menuButton.focus();
    }
  });
  workspace.addEventListener('pointerdown', () => setMenuOpen(false));

  const shell: Shell = {
    root,
    workspace,
    username: session.user.username,
    setActive(path, tab) {
      active = [path, tab === undefined ? [] : Array.isArray(tab) ? tab : [tab]];
      highlight();
    },
    setUser(user) {
      renderTabs({ ...session, user });
      userName.textContent = user.display_name || user.username;
      const key: MsgKey = `role.${user.role}`;
      userRole.dataset.i18n = key;
      userRole.textContent = t(key);
      userRole.title = user.role;
    },
  };
  shell.setUser(session.user);
  return shell;
}
