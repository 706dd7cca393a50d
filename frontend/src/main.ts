// App bootstrap: language, session, and the hash router that mounts one screen at a time.
import './styles/index.css';
import { onUnauthorized } from './api';
import { fetchMe, logout } from './auth';
import { clear, h } from './dom';
import { applyTranslations, getLang, locale, onLangChange, t, type MsgKey } from './i18n';
import { setNotice } from './notice';
import { homePath } from './roles';
import { matchPath, navigate, parseHash } from './router';
import { canOpen, LOGIN_PATH, routes, type Route } from './routes';
import { openScreen, type OpenScreen } from './screen';
import { clearSession, getSession, updateUser, type Session, type User } from './session';
import { createShell, type Shell } from './shell';

const app = document.getElementById('app')!;

let shell: Shell | null = null;
let screen: OpenScreen | null = null;
let renderSeq = 0;
let currentTitle: MsgKey | null = null;


function updateDocumentTitle(): void {
  document.documentElement.lang = locale(getLang());
  document.title = currentTitle ? `${t(currentTitle)} · ${t('app.title')}` : t('app.title');
}

function unmountScreen(): void {
  const leaving = screen;
  screen = null;
  leaving?.close();
}

function dropShell(): void {
  shell?.root.remove();
  shell = null;
}

function findRoute(path: string): { route: Route; args: Record<string, string> } | null {
  for (const route of routes) {
    const args = matchPath(route.path, path);
    if (args) return { route, args };
  }
  return null;
}

function message(key: MsgKey): HTMLElement {
  return h('div', { class: 'empty-state' }, h('p', { i18n: key }));
}

async function signOut(): Promise<void> {
  await logout();
  unmountScreen();
  dropShell();
  navigate(LOGIN_PATH);
}

/** The user with the fields that pick the home screen (a depot keeper's depots come from /me). */
async function userForHome(session: Session): Promise<User> {
  if (session.user.role !== 'depot_staff' || Array.isArray(session.user.depot_ids)) return session.user;
  try {
    const user = await fetchMe();
    updateUser(user);
    shell?.setUser(user);
    return user;
  } catch {
    return session.user;
  }
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const { path, params } = parseHash(location.hash);
  const session = getSession();

  if (!path && !session) return navigate(LOGIN_PATH, undefined, true);
  if (!path || (path === LOGIN_PATH && session)) {
    const next = path ? params.get('next') : null;
    const home = next || homePath(await userForHome(session!));
    if (seq !== renderSeq) return;
    return navigate(home, undefined, true);
  }

  const found = findRoute(path);
  if (found && !found.route.public && !session) {
    return navigate(LOGIN_PATH, { next: path }, true);
  }
  if (!found && !session) return navigate(LOGIN_PATH, undefined, true);

  unmountScreen();

  // Public screens take the whole page; the others render inside the shell.
  let container: HTMLElement;
  if (found?.route.public) {
    dropShell();
    clear(app);
    container = app;
  } else {
    if (!shell || shell.username !== session!.user.username) {
      dropShell();
      clear(app);
      shell = createShell(session!, () => void signOut());
      app.append(shell.root);
      // Refresh the user from the server; a 401 here sends us to the login screen.
      fetchMe()
        .then((user) => {
          updateUser(user);
          shell?.setUser(user);
        })
        .catch(() => undefined);
    }
    shell.setActive(found?.route.path ?? '', found?.route.tab);
    clear(shell.workspace);
    container = shell.workspace;
  }

  currentTitle = found?.route.titleKey ?? 'route.notFound';
  updateDocumentTitle();

  if (!found) return void container.append(message('route.notFound'));
  if (!canOpen(found.route, session)) return void container.append(message('route.forbidden'));

  const opened = openScreen(container, { session, args: found.args, params });
  screen = opened;
  const mod = await found.route.load();
  if (seq !== renderSeq || opened.ctx.signal.aborted) return;
  await mod.mount(container, opened.ctx);
  // Another address was asked for while mounting: leave (nothing happens if its render already did).
  if (seq !== renderSeq) opened.close();
}

onUnauthorized(() => {
  clearSession();
  setNotice('error.sessionExpired');
  unmountScreen();
  dropShell();
  const { path } = parseHash(location.hash);
  navigate(LOGIN_PATH, path && path !== LOGIN_PATH ? { next: path } : undefined, true);
});

onLangChange(() => {
  applyTranslations(document.body);
  updateDocumentTitle();
});

window.addEventListener('hashchange', () => void render());
updateDocumentTitle();
void render();
