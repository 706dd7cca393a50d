// Users: the list (role, area, depots, active) with a button to deactivate a user (after a
// confirmation: their open sessions end at once) or reactivate them, never on one's own row; and a
// form to create one with its role and area scope.
import { adminApi, GLOBAL_ROLES, ROLES, type UserRow } from '../../admin';
import { disasterApi } from '../../disaster';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { confirmAction } from '../../confirm';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { label, t, type MsgKey } from '../../i18n';
import type { Role } from '../../roles';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { badge, dataTable, statusBlock } from '../../widgets';

type UserField = 'username' | 'display_name' | 'password' | 'role' | 'area_code';

export function usersSection(ctx: ScreenContext): HTMLElement {
  const { signal } = ctx;
  const areaNames = new Map<string, string>();
  const me = ctx.session?.user.id;
  const tbl = dataTable(
    [{ key: 'users.username' }, { key: 'users.displayName' }, { key: 'users.role' }, { key: 'users.area' }, { key: 'users.depots' }, { key: 'users.status' }, { key: 'users.actions' }],
    'users-table',
  );
  const status = h('div');
  let users: UserRow[] = [];

  const areaText = (code: string | null | undefined) => (code ? `${areaNames.get(code) ?? ''} ${code}`.trim() : t('users.areaAll'));
  const render = () => {
    tbl.body.replaceChildren(
      ...users.map((u) =>
        h(
          'tr',
          { 'data-testid': `user-${u.username}` },
          h('td', { class: 'mono' }, u.username),
          h('td', {}, u.display_name),
          h('td', {}, label('role', u.role)),
          h('td', {}, areaText(u.area_code)),
          h('td', { class: 'mono' }, u.depot_ids.join(', ') || '—'),
          h('td', {}, u.active ? badge(t('users.active'), 'badge-ok', { 'data-testid': `user-state-${u.username}` }) : badge(t('users.inactive'), 'badge-muted', { 'data-testid': `user-state-${u.username}` })),
          h('td', { class: 'nowrap' }, u.id === me ? h('span', { class: 'muted small', i18n: 'users.you' }) : activeButton(u)),
        ),
      ),
    );
  };
  const activeButton = (u: UserRow) =>
    h('button', {
      type: 'button',
      class: `btn btn-small ${u.active ? 'btn-outline' : 'btn-primary'}`,
      'data-testid': `user-${u.active ? 'deactivate' : 'reactivate'}-${u.username}`,
      i18n: u.active ? 'users.deactivate' : 'users.reactivate',
      onclick: (ev: Event) => void setActive(u, !u.active, ev.currentTarget as HTMLButtonElement),
    });
  const setActive = async (u: UserRow, active: boolean, button: HTMLButtonElement) => {
    if (!active) {
      const yes = await confirmAction({
        title: t('users.deactivateTitle', { username: u.username }),
        body: [h('p', {}, t('users.confirmDeactivate', { username: u.username, name: u.display_name, role: label('role', u.role) }))],
        confirmKey: 'users.deactivate',
        danger: true,
      });
      if (!yes) return;
    }
    button.disabled = true;
    try {
      const saved = await adminApi.setActive(u.id, active, { signal });
      users = users.map((x) => (x.id === saved.id ? saved : x));
      toast(t(active ? 'users.reactivated' : 'users.deactivated', { username: u.username }));
      render();
    } catch (err) {
      if (isAbort(err)) return;
      toast(errorText(err), 'error');
      button.disabled = false;
    }
  };
  const load = async () => {
    status.replaceChildren(statusBlock(t('admin.loading')));
    try {
      users = await adminApi.users({ signal });
      status.replaceChildren();
      render();
      list.dataset.ready = 'true';
    } catch (err) {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  // ---- the new user's form ----------------------------------------------------------------------------
  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'new-user-error', hidden: true });
  const errors = formErrors<UserField>(formError);
  const username = h('input', { type: 'text', class: 'input', autocomplete: 'off', maxlength: 64 });
  const displayName = h('input', { type: 'text', class: 'input', autocomplete: 'off', maxlength: 100 });
  const password = h('input', { type: 'password', class: 'input', autocomplete: 'new-password' });
  const role = h('select', { class: 'select' }, ...ROLES.map((r) => h('option', { value: r, i18n: `role.${r}` as MsgKey })));
  role.value = 'reporter';
  const area = h('select', { class: 'select' });
  const fillAreas = (areas: Array<{ code: string; name: string; level: string }>) => {
    area.replaceChildren(
      h('option', { value: '', i18n: 'users.areaAll' }),
      ...areas.map((a) => h('option', { value: a.code }, `${a.level === 'township' ? '　　' : a.level === 'county' ? '　' : ''}${a.name} ${a.code}`)),
    );
  };
  const syncArea = () => {
    // Admins and auditors read the whole city: their scope stays empty.
    const global = GLOBAL_ROLES.includes(role.value as Role);
    area.disabled = global;
    if (global) area.value = '';
  };
  role.addEventListener('change', () => {
    syncArea();
    errors.dismiss('area_code');
  });
  area.addEventListener('change', () => errors.dismiss('area_code'));
  syncArea();

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-user-create', i18n: 'users.create' });
  const form = h(
    'form',
    { class: 'admin-form', 'data-testid': 'new-user-form', novalidate: true },
    errorField(errors, 'username', 'users.username', username, 'new-user-name'),
    errorField(errors, 'display_name', 'users.displayName', displayName, 'new-user-display-name'),
    errorField(errors, 'password', 'users.password', password, 'new-user-password'),
    errorField(errors, 'role', 'users.role', role, 'new-user-role'),
    errorField(errors, 'area_code', 'users.area', area, 'new-user-area'),
    h('div', { class: 'form-actions' }, submit),
    formError,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      username: username.value.trim(),
      display_name: displayName.value.trim() || null,
      password: password.value,
      role: role.value as Role,
      area_code: area.value || null,
    };
    const yes = await confirmAction({
      title: t('users.createTitle'),
      body: [h('p', {}, t('users.confirmCreate', { username: body.username, role: label('role', body.role), area: areaText(body.area_code) }))],
      confirmKey: 'users.create',
    });
    if (!yes) return;
    submit.disabled = true;
    try {
      await adminApi.createUser(body, { signal });
      errors.clear();
      errors.render();
      toast(t('users.created', { username: body.username }));
      username.value = displayName.value = password.value = '';
      await load();
    } catch (err) {
      if (!isAbort(err)) showServerErrors(errors, err, (f) => (f && (['username', 'display_name', 'password', 'role', 'area_code'] as string[]).includes(f) ? (f as UserField) : null));
    } finally {
      submit.disabled = false;
    }
  });

  const list = h(
    'section',
    { class: 'card', 'data-testid': 'users-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'users.title' }), h('p', { class: 'card-sub muted', i18n: 'users.sub' }))),
    status,
    h('div', { class: 'table-wrap' }, tbl.table),
  );
  const create = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'users.createTitle' })), form);

  // The city, its counties and their townships: what an area scope can name.
  Promise.all(['city', 'county', 'township'].map((level) => disasterApi.areas({ level }, { signal })))
    .then(([cities, counties, townships]) => {
      for (const a of [...cities, ...counties, ...townships]) areaNames.set(a.code, a.name);
      const byCounty = counties.flatMap((c) => [c, ...townships.filter((x) => x.parent_code === c.code)]);
      fillAreas([...cities, ...byCounty]);
      syncArea();
      render();
    })
    .catch(() => undefined);
  void load();
  ctx.onLang(render);
  return h('div', { class: 'admin-section' }, list, create);
}
