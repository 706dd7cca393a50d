// Department tokens (#/admin/tokens): the administrator issues a token to a receiving department
// (医保, 教育, 住建, 临时救助 …) for the hand-offs it receives in an area, after a confirmation; the
// secret is shown this once, to hand to the department for its desk (#/department). The list shows
// every token without its secret (status, expiry, last use); revoking one is confirmed and at once.
import { confirmAction } from '../../confirm';
import { disasterApi, type AreaRow } from '../../disaster';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDateTime, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { api } from '../../api';
import { HANDOFF_PROGRAMMES } from '../../households';
import type { Schemas } from '../../schemas';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { normaliseDigits } from '../../util';
import { dataTable, statusBlock } from '../../widgets';
import { factList } from '../applications/common';

type TokenView = Schemas['TokenView'];
type IssuedToken = Schemas['IssuedToken'];
type Opt = { signal?: AbortSignal };

const tokensApi = {
  list: (o: Opt = {}) => api.get<TokenView[]>('/handoff-tokens', o),
  issue: (body: Schemas['TokenInput'], o: Opt = {}) => api.post<IssuedToken>('/handoff-tokens', body, o),
  revoke: (id: number, o: Opt = {}) => api.del<unknown>(`/handoff-tokens/${id}`, o),
};

export function tokensSection(ctx: ScreenContext): HTMLElement {
  const { signal } = ctx;
  let tokens: TokenView[] = [];
  const names = new Map<string, string>();
  const areaName = (code: string) => names.get(code) ?? code;

  // ---- issuing ----------------------------------------------------------------------------------
  const department = h('input', { type: 'text', class: 'input', maxlength: 100, autocomplete: 'off', 'data-testid': 'tok-department', id: 'tok-department', i18nPlaceholder: 'tok.departmentPlaceholder' });
  const programmes = h(
    'div',
    { class: 'tok-programmes', 'data-testid': 'tok-programmes' },
    ...HANDOFF_PROGRAMMES.map((p) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: p, 'data-testid': `tok-programme-${p}` }), h('span', { i18n: `hh.handoff.${p}` as MsgKey }))),
  );
  const area = h('select', { class: 'select', 'data-testid': 'tok-area', id: 'tok-area' });
  const days = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 3, value: '90', 'data-testid': 'tok-days', id: 'tok-days' });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'tok-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'tok-issue', i18n: 'tok.issue' });
  const secret = h('div', { 'data-testid': 'tok-secret-box', hidden: true });
  const form = h(
    'form',
    { class: 'tok-form', novalidate: true, 'data-testid': 'tok-form', style: 'display:grid;gap:10px;max-width:640px' },
    h('div', { class: 'field' }, h('label', { for: 'tok-department', i18n: 'tok.department' }), department),
    h('div', { class: 'field' }, h('span', { class: 'field-label', i18n: 'tok.programmes' }), programmes, h('span', { class: 'field-hint', i18n: 'tok.programmesHint' })),
    h('div', { class: 'field-row' }, h('div', { class: 'field' }, h('label', { for: 'tok-area', i18n: 'tok.area' }), area), h('div', { class: 'field' }, h('label', { for: 'tok-days', i18n: 'tok.days' }), days)),
    err,
    h('div', { class: 'form-actions', style: 'justify-content:flex-start' }, submit),
  );
  programmes.style.cssText = 'display:flex;flex-wrap:wrap;gap:6px 16px';

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.hidden = true;
    const name = department.value.trim();
    const chosen = [...programmes.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value as Schemas['HandoffProgramme']);
    const n = Number(normaliseDigits(days.value));
    const problem: MsgKey | null = !name ? 'tok.errDepartment' : !chosen.length ? 'tok.errProgrammes' : !area.value ? 'tok.errArea' : !Number.isInteger(n) || n < 1 || n > 366 ? 'tok.errDays' : null;
    if (problem) {
      setLabel(err, problem);
      err.hidden = false;
      return;
    }
    const ok = await confirmAction({
      title: t('tok.confirmTitle', { department: name }),
      body: [
        factList([
          [t('tok.department'), name, 'department'],
          [t('tok.programmes'), chosen.map((p) => t(`hh.handoff.${p}` as MsgKey)).join('、'), 'programmes'],
          [t('tok.area'), areaName(area.value), 'area'],
          [t('tok.days'), formatInteger(n, getLang()), 'days'],
        ]),
        h('p', { class: 'muted small' }, t('tok.confirmText')),
      ],
      confirmKey: 'tok.confirm',
    });
    if (!ok) return;
    submit.disabled = true;
    try {
      const made = await tokensApi.issue({ department: name, programmes: chosen, area_code: area.value, expires_in_days: n }, { signal });
      const value = h('input', { type: 'text', class: 'input mono', readonly: true, value: made.token, 'data-testid': 'tok-secret', 'aria-label': t('tok.secret') });
      const copy = h('button', { type: 'button', class: 'btn btn-outline', i18n: 'tok.copy' });
      copy.addEventListener('click', () => {
        value.select();
        void navigator.clipboard?.writeText(made.token).then(() => toast(t('tok.copied')), () => undefined);
      });
      secret.replaceChildren(
        h(
          'div',
          { class: 'notice notice-ok', role: 'status', style: 'display:grid;gap:6px;margin:0' },
          h('p', { class: 'strong', style: 'margin:0' }, t('tok.issued', { department: made.department })),
          h('div', { style: 'display:flex;gap:8px;flex-wrap:wrap' }, value, copy),
          h('p', { class: 'small', style: 'margin:0', i18n: 'tok.onlyOnce' }),
        ),
      );
      value.style.cssText = 'flex:1 1 260px;min-width:0';
      secret.hidden = false;
      form.reset();
      days.value = '90';
      await load();
    } catch (e2) {
      if (isAbort(e2)) return;
      err.textContent = errorText(e2);
      delete err.dataset.i18n;
      err.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });

  // ---- the list ------------------------------------------------------------------------------------
  const status = h('div');
  const tbl = dataTable(
    [{ key: 'tok.department' }, { key: 'tok.programmes' }, { key: 'tok.area' }, { key: 'tok.created' }, { key: 'tok.expires' }, { key: 'tok.lastUsed' }, { key: 'tok.status' }, { key: 'common.actions' }],
    'tok-table',
  );
  const render = () => {
    const lang = getLang();
    tbl.body.replaceChildren(
      ...(tokens.length
        ? tokens.map((x) => {
            const tone = x.status === 'active' ? 'badge-ok' : x.status === 'revoked' ? 'badge-danger' : 'badge-muted';
            const revoke = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `tok-revoke-${x.id}`, i18n: 'tok.revoke' });
            revoke.addEventListener('click', async () => {
              const ok = await confirmAction({
                title: t('tok.revokeTitle', { department: x.department }),
                body: [h('p', {}, t('tok.revokeText'))],
                confirmKey: 'tok.revoke',
                danger: true,
              });
              if (!ok) return;
              revoke.disabled = true;
              try {
                await tokensApi.revoke(x.id, { signal });
                toast(t('tok.revoked', { department: x.department }));
                await load();
              } catch (e) {
                if (!isAbort(e)) toast(errorText(e), 'error');
              } finally {
                revoke.disabled = false;
              }
            });
            return h(
              'tr',
              { 'data-testid': `tok-row-${x.id}`, 'data-status': x.status },
              h('td', { class: 'strong' }, x.department),
              h('td', {}, x.programmes.map((p) => t(`hh.handoff.${p}` as MsgKey)).join('、')),
              h('td', {}, areaName(x.area_code)),
              h('td', { class: 'nowrap' }, `${formatDateTime(x.created_at, lang)} · ${x.created_by}`),
              h('td', { class: 'nowrap' }, formatDateTime(x.expires_at, lang)),
              h('td', { class: 'nowrap' }, formatDateTime(x.last_used_at, lang)),
              h('td', {}, h('span', { class: `badge ${tone}` }, t(`tok.st.${x.status}` as MsgKey))),
              h('td', {}, x.status === 'active' ? revoke : ''),
            );
          })
        : [h('tr', {}, h('td', { colspan: 8, class: 'empty-cell', i18n: 'tok.empty' }))]),
    );
  };
  const load = async () => {
    status.replaceChildren(statusBlock(t('common.loading')));
    try {
      tokens = await tokensApi.list({ signal });
      status.replaceChildren();
      render();
    } catch (e) {
      if (!isAbort(e)) status.replaceChildren(statusBlock(errorText(e), true, () => void load(), t('common.retry')));
    }
  };
  void load();
  void disasterApi
    .areas({ level: 'county' }, { signal })
    .catch(() => [] as AreaRow[])
    .then((counties) => {
      for (const c of counties) names.set(c.code, c.name);
      area.replaceChildren(...counties.sort((a, b) => a.code.localeCompare(b.code)).map((c) => h('option', { value: c.code }, c.name)));
      render();
    });
  ctx.onLang(render);

  return h(
    'div',
    { style: 'display:grid;gap:16px', 'data-testid': 'tok-section' },
    h(
      'section',
      { class: 'card', 'data-testid': 'tok-issue-card' },
      h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'tok.title' }), h('p', { class: 'card-sub muted', i18n: 'tok.sub' }))),
      h('div', { class: 'card-body', style: 'display:grid;gap:12px' }, form, secret),
    ),
    h('section', { class: 'card', 'data-testid': 'tok-list-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'tok.list' })), status, h('div', { class: 'table-wrap' }, tbl.table)),
  );
}
