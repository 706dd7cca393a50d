// Sign-in screen: POST /api/v1/auth/login, then on to the requested workspace.
import { fetchMe, login } from '../auth';
import { h } from '../dom';
import { ApiError } from '../errors';
import { msgText, t, type Msg } from '../i18n';
import { takeNotice } from '../notice';
import { homePath } from '../roles';
import { navigate } from '../router';
import type { ScreenContext } from '../screen';
import { updateUser } from '../session';
import { langSwitch, logo } from '../widgets';

/** Unlike `errorText`: the server's words with no status meaning before them, and the login's own throttling message. */
function loginErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network' || err.status === 0) return t('error.network');
    if (err.status === 429) return err.message && !err.message.startsWith('HTTP ') ? err.message : t('login.throttled');
    // The server's own words (401: "invalid username or password", ...).
    return err.message || t('error.unknown', { status: err.status });
  }
  return t('error.network');
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const username = h('input', {
    id: 'login-username',
    'data-testid': 'login-username',
    name: 'username',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'off',
    spellcheck: 'false',
    required: true,
  });
  const password = h('input', {
    id: 'login-password',
    'data-testid': 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = h('div', { id: 'login-error', 'data-testid': 'login-error', class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'login-submit', 'data-testid': 'login-submit', type: 'submit', class: 'btn btn-primary btn-block', i18n: 'login.submit' });

  let shown: Msg | null = null;
  const show = (m: Msg | null) => {
    shown = m;
    error.hidden = !m;
    error.textContent = m ? msgText(m) : '';
  };
  ctx.onLang(() => show(shown));

  const notice = takeNotice();
  if (notice) show({ key: notice });

  let busy = false;
  const form = h(
    'form',
    { id: 'login-form', 'data-testid': 'login-form', class: 'login-form', novalidate: true },
    h('h2', { i18n: 'login.title' }),
    h('label', { for: 'login-username', i18n: 'login.username' }),
    username,
    h('label', { for: 'login-password', i18n: 'login.password' }),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const u = username.value.trim();
    const p = password.value;
    if (!u || !p) {
      show({ key: 'login.required' });
      (u ? password : username).focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    submit.dataset.i18n = 'login.submitting';
    submit.textContent = t('login.submitting');
    form.setAttribute('aria-busy', 'true');
    try {
      const session = await login(u, p);
      if (ctx.signal.aborted) return;
      // The login answer may not carry depot_ids; /me does, and it picks a depot keeper's home.
      let user = session.user;
      try {
        user = await fetchMe();
        updateUser(user);
      } catch {
        // the shell fetches /me again; land on the default screen meanwhile
      }
      if (ctx.signal.aborted) return;
      show(null);
      const next = ctx.params.get('next');
      navigate(next && next.startsWith('/') && next !== '/login' ? next : homePath(user), undefined, true);
    } catch (err) {
      if (ctx.signal.aborted) return;
      show({ text: loginErrorText(err) });
      password.select();
      password.focus();
    } finally {
      busy = false;
      submit.disabled = false;
      submit.dataset.i18n = 'login.submit';
      submit.textContent = t('login.submit');
      form.removeAttribute('aria-busy');
    }
  });

  const page = h(
    'div',
    { class: 'login-page', 'data-testid': 'login-screen' },
    h('div', { class: 'login-topbar' }, langSwitch()),
    h(
      'div',
      { class: 'login-card' },
      h(
        'div',
        { class: 'login-brand' },
        logo(44),
        h('h1', { i18n: 'app.title' }),
        h('p', { class: 'muted', i18n: 'app.tagline' }),
      ),
      form,
      h('p', { class: 'login-footer muted', i18n: 'login.footer' }),
      h('p', { class: 'login-public' }, h('a', { class: 'link', href: '#/public', 'data-testid': 'public-link', i18n: 'public.link' })),
      // The applicant's receipt page and the departments' desk (one-window cases) need no login either.
      h(
        'p',
        { class: 'login-public' },
        h('a', { class: 'link', href: '#/public/case', 'data-testid': 'pubcase-link', i18n: 'pubcase.link' }),
        ' · ',
        h('a', { class: 'link', href: '#/department', 'data-testid': 'dept-link', i18n: 'pubcase.deptLink' }),
      ),
    ),
  );
  root.append(page);
  username.focus();
}
