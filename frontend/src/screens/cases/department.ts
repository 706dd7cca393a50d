// The departments' desk (#/department, #/department/:id), no login: a department enters the token
// an administrator issued it (kept in this tab's sessionStorage only), sees the cases referred to
// it (its own referrals only, its overdue ones first), opens one, accepts it (confirmed) and answers
// it (decision, amount, reason; confirmed). A refused token (401) is forgotten and asked for again.
import '../../styles/cases.css';
import {
  departmentApi,
  departmentState,
  isDepartmentToken,
  loadDepartmentToken,
  programmeKey,
  saveDepartmentToken,
  sortDepartmentBoard,
  type Case,
} from '../../cases';
import { confirmAction } from '../../confirm';
import { h, setLabel } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { langSwitch, logo, statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { dueText, kindBadge, outcomeForm, overdueBadge, referralTimeline, setText } from './common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const caseId = ctx.args.id ? Number(ctx.args.id) : null;
  const body = h('main', { class: 'public-main cs-desk' });
  const leave = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'dept-leave', i18n: 'dept.leave', i18nTitle: 'dept.leaveTitle' });
  const page = h(
    'div',
    { class: 'public-page cs-page', 'data-testid': 'dept-screen' },
    h(
      'header',
      { class: 'public-header' },
      h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'dept.title' })),
      h('div', { class: 'header-spacer' }),
      langSwitch(),
      leave,
    ),
    body,
  );
  root.append(page);
  let relabel: () => void = () => undefined;
  ctx.onLang(() => relabel());

  const token = loadDepartmentToken();
  leave.hidden = !token;
  leave.addEventListener('click', () => {
    saveDepartmentToken(null);
    navigate('/department');
  });
  if (!token) return tokenForm(null);
  const dept = departmentApi(token);

  /** A refused token: forget it and ask again, saying why. */
  const failed = (err: unknown, retry: () => void) => {
    if (isAbort(err)) return;
    if (err instanceof ApiError && err.status === 401) {
      saveDepartmentToken(null);
      leave.hidden = true;
      return tokenForm('dept.tokenRefused');
    }
    body.replaceChildren(statusBlock(errorText(err), true, retry, t('common.retry')));
  };

  if (caseId === null) void board();
  else void oneCase(caseId);

  function tokenForm(why: MsgKey | null) {
    const input = h('input', { type: 'password', class: 'input mono', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'dept-token', id: 'dept-token' });
    const err = h('div', { class: 'field-error', hidden: !why, 'data-testid': 'dept-token-error', role: 'alert' });
    if (why) setLabel(err, why);
    const form = h(
      'form',
      { class: 'cs-form', novalidate: true, 'data-testid': 'dept-token-form' },
      h('div', { class: 'field' }, h('label', { for: 'dept-token', i18n: 'dept.token' }), input, h('span', { class: 'field-hint', i18n: 'dept.tokenHint' }), err),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'dept-enter', i18n: 'dept.enter' })),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!isDepartmentToken(text)) {
        setLabel(err, 'dept.tokenBad');
        err.hidden = false;
        return void input.focus();
      }
      saveDepartmentToken(text);
      navigate(caseId === null ? '/department' : `/department/${caseId}`, undefined, true);
    });
    body.replaceChildren(
      h('div', { class: 'page-title' }, h('h1', { i18n: 'dept.title' })),
      h('p', { class: 'muted page-sub', i18n: 'dept.sub' }),
      h('section', { class: 'card cs-narrow', 'data-testid': 'dept-token-card' }, h('div', { class: 'card-body' }, form)),
      h('p', { class: 'small' }, h('a', { class: 'link', href: '#/login', i18n: 'pubcase.login' })),
    );
    page.dataset.ready = 'true';
    input.focus();
  }

  async function board() {
    body.replaceChildren(statusBlock(t('cases.loading')));
    let cases: Case[];
    try {
      cases = await dept.list({ signal });
    } catch (err) {
      return failed(err, () => void board());
    }
    const list = h('ul', { class: 'cs-board', 'data-testid': 'dept-board' });
    relabel = () => {
      const now = new Date();
      const lang = getLang();
      const rows = sortDepartmentBoard(cases, now);
      list.replaceChildren(
        ...(rows.length
          ? rows.map((c) => {
              const s = departmentState(c, now);
              return h(
                'li',
                { class: `cs-row${s.overdue ? ' cs-row-overdue' : ''}${c.kind === 'urgent' ? ' cs-row-urgent' : ''}`, 'data-testid': `dept-case-${c.id}`, 'data-overdue': String(s.overdue), 'data-answered': String(s.answered) },
                h(
                  'a',
                  { class: 'cs-row-link', href: `#/department/${c.id}`, 'data-testid': `dept-case-link-${c.id}` },
                  h('span', { class: 'cs-row-who' }, h('strong', {}, c.applicant_name), h('span', { class: 'mono muted small' }, c.receipt_no)),
                  h('span', { class: 'cs-row-badges' }, overdueBadge(c, s.overdue), kindBadge(c)),
                  h(
                    'span',
                    { class: 'cs-row-programmes' },
                    ...c.referrals.map((r) => h('span', { class: `cs-chip cs-chip-${r.status}`, 'data-programme': r.programme, 'data-status': r.status }, `${t(programmeKey(r.programme))} · ${t(`cases.rstatus.${r.status}` as MsgKey)}`)),
                  ),
                  h(
                    'span',
                    { class: 'cs-row-due' },
                    c.status === 'closed'
                      ? h('span', { class: 'muted small' }, t('dept.closed'))
                      : s.due
                        ? dueText(s.due, now)
                        : h('span', { class: 'muted small' }, t('dept.answered')),
                  ),
                  h('span', { class: 'cs-row-town muted small' }, `${t('cases.f.received')} ${formatDateTime(c.created_at, lang)}`),
                ),
              );
            })
          : [h('li', { class: 'empty-line muted', 'data-testid': 'dept-empty', i18n: 'dept.empty' })]),
      );
    };
    relabel();
    body.replaceChildren(
      h('div', { class: 'page-title' }, h('h1', { i18n: 'dept.title' })),
      h('p', { class: 'muted page-sub', i18n: 'dept.sub' }),
      h('section', { class: 'card', 'data-testid': 'dept-board-card' }, list),
    );
    page.dataset.ready = 'true';
  }

  async function oneCase(id: number) {
    body.replaceChildren(statusBlock(t('cases.loading')));
    let c: Case;
    try {
      c = await dept.get(id, { signal });
    } catch (err) {
      return failed(err, () => void oneCase(id));
    }
    const title = h('h1', { 'data-testid': 'dept-case-title' });
    const badges = h('div', { class: 'cs-badges' });
    const facts = h('div', { class: 'card-body' });
    const refs = h('div', { class: 'card-body' });
    const actions = h('div', { class: 'card-body cs-actions', 'data-testid': 'dept-actions' });
    body.replaceChildren(
      h('a', { class: 'link crumb', href: '#/department', i18n: 'dept.back' }),
      h('div', { class: 'page-title cs-title' }, title, badges),
      h(
        'div',
        { class: 'cs-grid' },
        h(
          'div',
          { class: 'cs-col' },
          h('section', { class: 'card', 'data-testid': 'dept-referrals-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'dept.own' })), refs),
          h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'cases.f.facts' })), facts),
        ),
        h('div', { class: 'cs-col' }, h('section', { class: 'card', 'data-testid': 'dept-actions-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'cases.act.title' })), actions)),
      ),
    );
    const render = () => {
      const lang = getLang();
      const s = departmentState(c);
      title.textContent = `${c.applicant_name} · ${c.receipt_no}`;
      badges.replaceChildren(overdueBadge(c, s.overdue), kindBadge(c));
      page.dataset.answered = String(s.answered);
      page.dataset.referral = c.referrals.map((r) => r.status).join(',');
      refs.replaceChildren(referralTimeline(c));
      facts.replaceChildren(
        factList(
          [
            [t('cases.f.receipt'), h('span', { class: 'mono strong' }, c.receipt_no), 'receipt'],
            [t('cases.f.applicant'), c.applicant_name, 'applicant'],
            [t('cases.f.idNumber'), c.id_number_masked ? h('span', { class: 'mono' }, c.id_number_masked) : h('span', { class: 'muted' }, t('cases.noId')), 'id-number'],
            [t('cases.f.phone'), c.phone, 'phone'],
            [t('cases.f.kind'), t(`cases.kind.${c.kind}` as MsgKey), 'kind'],
            [t('cases.f.received'), formatDateTime(c.created_at, lang), 'received'],
            [t('cases.f.description'), h('span', { class: 'cs-pre' }, c.description), 'description'],
          ],
          'dept-facts',
          'dept-fact',
        ),
      );
    };
    const renderActions = () => {
      const s = departmentState(c);
      const nodes: HTMLElement[] = [];
      if (s.canAccept) {
        const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
        const b = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'dept-accept', i18n: 'dept.accept.button' });
        b.addEventListener('click', async () => {
          err.hidden = true;
          const ok = await confirmAction({
            title: t('dept.accept.confirmTitle', { no: c.receipt_no }),
            body: [
              factList([
                [t('cases.f.applicant'), c.applicant_name, 'applicant'],
                [t('dept.own'), c.referrals.map((r) => t(programmeKey(r.programme))).join('、'), 'programmes'],
                ...(s.due ? ([[t('cases.ref.due'), formatDateTime(s.due, getLang()), 'due']] as Array<[string, string, string]>) : []),
              ]),
              h('p', { class: 'muted small' }, t('dept.accept.text')),
            ],
            confirmKey: 'dept.accept.confirm',
          });
          if (!ok) return;
          b.disabled = true;
          try {
            c = await dept.accept(c.id, { signal });
            toast(t('dept.accept.done', { no: c.receipt_no }));
            render();
            renderActions();
          } catch (e) {
            if (isAbort(e)) return;
            setText(err, errorText(e));
            err.hidden = false;
          } finally {
            b.disabled = false;
          }
        });
        nodes.push(h('div', { class: 'cs-action', 'data-testid': 'dept-accept-box' }, h('h3', { i18n: 'dept.accept.title' }), h('p', { class: 'muted small', i18n: 'dept.accept.text' }), b, err));
      }
      if (s.canAnswer)
        nodes.push(
          h(
            'div',
            { class: 'cs-action', 'data-testid': 'dept-answer-box' },
            h('h3', { i18n: 'dept.answer.title' }),
            outcomeForm({
              testid: 'dept-outcome',
              confirmTitle: () => t('dept.answer.confirmTitle', { no: c.receipt_no }),
              facts: () => [
                [t('cases.f.applicant'), c.applicant_name, 'applicant'],
                [t('dept.own'), c.referrals.map((r) => t(programmeKey(r.programme))).join('、'), 'programmes'],
              ],
              send: async (outcome) => {
                c = await dept.outcome(c.id, outcome, { signal });
                toast(t('dept.answer.done', { no: c.receipt_no, decision: t(`cases.decision.${outcome.decision}` as MsgKey) }));
                render();
                renderActions();
              },
            }),
          ),
        );
      actions.closest('section')?.setAttribute('data-active', String(nodes.length > 0));
      if (!nodes.length)
        nodes.push(h('p', { class: 'muted small', 'data-testid': 'dept-no-actions', i18n: c.status === 'closed' ? 'dept.closed' : s.answered ? 'dept.answered' : 'cases.act.none' }));
      actions.replaceChildren(...nodes);
    };
    render();
    renderActions();
    relabel = render;
    page.dataset.ready = 'true';
  }
}
