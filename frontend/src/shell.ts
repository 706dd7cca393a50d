// The signed-in frame: header (brand, workspace tabs, language, user, sign out)
// and the workspace area that screens render into.
import { h } from './dom';
import { t, type MsgKey } from './i18n';
import { canOpen, routes } from './routes';
import type { Session, User } from './session';
import { langSwitch, logo } from './widgets';

export interface Shell {
  root: HTMLElement;
  workspace: HTMLElement;
  username: string;
  setActive(path: string): void;
  setUser(user: User): void;
}

function roleKey(role: string): MsgKey | null {
  const key = `role.${role}`;
  return ['manager', 'depot_staff', 'reporter', 'assessor', 'reviewer', 'auditor', 'admin'].includes(role) ? (key as MsgKey) : null;
}

export function createShell(session: Session, onLogout: () => void): Shell {
  const tabs = routes
    .filter((r) => r.nav && canOpen(r, session))
    .map((r) => h('a', { href: `#${r.path}`, class: 'nav-tab', 'data-path': r.path, 'data-testid': `nav-${r.path.slice(1)}`, i18n: r.titleKey }));

  const userName = h('span', { class: 'user-name', 'data-testid': 'user-name' });
  const userRole = h('span', { class: 'user-role', 'data-testid': 'user-role' });

  const header = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'app.title' })),
    h('nav', { class: 'nav', i18nAriaLabel: 'header.workspaces' }, ...tabs),
    h('div', { class: 'header-spacer' }),
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

  const shell: Shell = {
    root,
    workspace,
    username: session.user.username,
    setActive(path) {
      for (const a of tabs) a.classList.toggle('active', a.dataset.path === path);
    },
    setUser(user) {
      userName.textContent = user.display_name || user.username;
      const key = roleKey(String(user.role));
      if (key) {
        userRole.dataset.i18n = key;
        userRole.textContent = t(key);
      } else {
        delete userRole.dataset.i18n;
        userRole.textContent = String(user.role);
      }
      userRole.title = String(user.role);
    },
  };
  shell.setUser(session.user);
  return shell;
}
