// One case (#/cases/:id): the applicant, the request, the programmes and, per department, the
// referral's status, deadline, acceptance, answer, amount and reason. Actions by role and status:
// township staff refer a received case (confirmed) and close a case with a reason (confirmed);
// county staff (managers) answer for 低保, 特困, employment and disease emergency aid (confirmed with
// the decision and the amount). The receipt slip prints again from here.
import '../../styles/cases.css';
import { caseActions, casesApi, isOpen, programmeKey, staffOpen, townshipOf, type Case } from '../../cases';
import { confirmAction } from '../../confirm';
import { disasterApi } from '../../disaster';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { clearPrintSheets, printSheets } from '../../print';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { dueText, kindBadge, outcomeForm, overdueBadge, programmeChips, receiptSlip, referralTimeline, setText, statusBadge } from './common';

export async function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const id = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page cs-page', 'data-testid': 'cs-case-screen' }, inner);
  root.append(page);
  ctx.defer(clearPrintSheets);
  const status = h('div');
  const title = h('h1', { 'data-testid': 'cs-case-title' });
  const badges = h('div', { class: 'cs-badges' });
  const factsBody = h('div', { class: 'card-body' });
  const refsBody = h('div', { class: 'card-body' });
  const actionsBody = h('div', { class: 'card-body cs-actions', 'data-testid': 'cs-actions' });
  const printBtn = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'cs-print', i18n: 'cases.receipt.print' });
  const card = (key: MsgKey, testid: string, body: HTMLElement, extra?: HTMLElement) =>
    h('section', { class: 'card', 'data-testid': testid }, h('div', { class: 'card-head' }, h('h2', { i18n: key }), extra ?? ''), body);
  const actionsCard = card('cases.act.title', 'cs-actions-card', actionsBody);
  inner.append(
    h('a', { class: 'link crumb', href: '#/cases', i18n: 'cases.back' }),
    status,
    h('div', { class: 'page-title cs-title' }, title, badges),
    h(
      'div',
      { class: 'cs-grid' },
      h('div', { class: 'cs-col' }, card('cases.refs.title', 'cs-referrals-card', refsBody), card('cases.f.facts', 'cs-facts-card', factsBody, printBtn)),
      h('div', { class: 'cs-col' }, actionsCard),
    ),
  );

  let c: Case;
  try {
    status.replaceChildren(statusBlock(t('cases.loading')));
    c = await casesApi.get(id, { signal });
    status.replaceChildren();
  } catch (err) {
    if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true));
    return;
  }
  let place = '';
  void disasterApi
    .areas({ level: 'township' }, { signal })
    .then((rows) => {
      place = rows.find((a) => a.code === townshipOf(c.area_code))?.name ?? '';
      render();
    })
    .catch(() => undefined);
  printBtn.addEventListener('click', () => printSheets([receiptSlip(c, place || c.area_code)]));

  const renderFacts = () => {
    const lang = getLang();
    factsBody.replaceChildren(
      factList(
        [
          [t('cases.f.receipt'), h('span', { class: 'mono strong' }, c.receipt_no), 'receipt'],
          [t('cases.f.applicant'), c.applicant_name, 'applicant'],
          [t('cases.f.idNumber'), c.id_number_masked ? h('span', { class: 'mono' }, c.id_number_masked) : h('span', { class: 'muted' }, t('cases.noId')), 'id-number'],
          [t('cases.f.phone'), c.phone, 'phone'],
          [t('cases.f.area'), place ? (c.area_code.length > 9 ? `${place} · ${c.area_code}` : place) : c.area_code, 'area'],
          [
            t('cases.f.household'),
            c.household_id ? h('a', { class: 'link', href: `#/households/${c.household_id}` }, `#${c.household_id}`) : h('span', { class: 'muted' }, t('cases.noHousehold')),
            'household',
          ],
          [t('cases.f.kind'), t(`cases.kind.${c.kind}` as MsgKey), 'kind'],
          [t('cases.f.source'), t(`cases.source.${c.source}` as MsgKey), 'source'],
          [t('cases.slip.programmes'), programmeChips(c.programmes), 'programmes'],
          [t('cases.f.received'), `${formatDateTime(c.created_at, lang)} · ${c.created_by}`, 'received'],
          [t('cases.f.due'), isOpen(c) ? h('span', {}, `${formatDateTime(c.due_at, lang)} · `, dueText(c.due_at)) : formatDateTime(c.due_at, lang), 'due'],
          [t('cases.f.description'), h('span', { class: 'cs-pre' }, c.description), 'description'],
          ...(c.close_reason ? ([[t('cases.f.closeReason'), c.close_reason, 'close-reason']] as Array<[string, string, string]>) : []),
        ],
        'cs-facts',
        'cs-fact',
      ),
    );
  };

  const after = (next: Case, message: string) => {
    c = next;
    toast(message);
    render();
    renderActions();
  };

  // ---- actions -----------------------------------------------------------------------------------
  const referBox = () => {
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'cs-refer-error' });
    const b = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'cs-refer', i18n: 'cases.refer.button' });
    b.addEventListener('click', async () => {
      err.hidden = true;
      const ok = await confirmAction({
        title: t('cases.refer.confirmTitle', { no: c.receipt_no }),
        body: [
          factList([
            [t('cases.f.applicant'), c.applicant_name, 'applicant'],
            [t('cases.f.kind'), t(`cases.kind.${c.kind}` as MsgKey), 'kind'],
            ...c.programmes.map((p) => [t(programmeKey(p)), t(`cases.decider.${p}` as MsgKey), `refer-${p}`] as [string, string, string]),
          ]),
          h('p', { class: 'muted small' }, t('cases.refer.confirmText')),
        ],
        confirmKey: 'cases.refer.confirm',
      });
      if (!ok) return;
      b.disabled = true;
      try {
        after(await casesApi.refer(c.id, { signal }), t('cases.refer.done', { no: c.receipt_no }));
      } catch (e) {
        if (isAbort(e)) return;
        setText(err, errorText(e));
        err.hidden = false;
      } finally {
        b.disabled = false;
      }
    });
    return h('div', { class: 'cs-action', 'data-testid': 'cs-refer-box' }, h('h3', { i18n: 'cases.refer.title' }), h('p', { class: 'muted small', i18n: 'cases.refer.text' }), b, err);
  };

  const staffBox = () => {
    const open = staffOpen(c);
    const programme = h('select', { class: 'select', 'data-testid': 'cs-outcome-programme' }, ...open.map((p) => h('option', { value: p, i18n: programmeKey(p) })));
    const form = outcomeForm({
      testid: 'cs-outcome',
      extra: h('div', { class: 'field' }, h('label', { i18n: 'cases.outcome.programme' }), programme),
      confirmTitle: () => t('cases.outcome.confirmTitle', { programme: t(programmeKey(programme.value)) }),
      facts: () => [
        [t('cases.f.receipt'), c.receipt_no, 'receipt'],
        [t('cases.f.applicant'), c.applicant_name, 'applicant'],
        [t('cases.outcome.programme'), t(programmeKey(programme.value)), 'programme'],
      ],
      send: async (body) => {
        const p = programme.value as (typeof open)[number];
        const next = await casesApi.outcome(c.id, { programme: p, ...body }, { signal });
        after(next, t('cases.outcome.done', { programme: t(programmeKey(p)), decision: t(`cases.decision.${body.decision}` as MsgKey) }));
      },
    });
    return h('div', { class: 'cs-action', 'data-testid': 'cs-outcome-box' }, h('h3', { i18n: 'cases.outcome.title' }), h('p', { class: 'muted small', i18n: 'cases.outcome.sub' }), form);
  };

  const closeBox = () => {
    const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 1000, 'data-testid': 'cs-close-reason' });
    const reasonErr = h('div', { class: 'field-error', hidden: true, 'data-testid': 'cs-close-reason-error' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'cs-close-error' });
    const submit = h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'cs-close', i18n: 'cases.close.button' });
    const form = h(
      'form',
      { novalidate: true, class: 'cs-form', 'data-testid': 'cs-close-form' },
      h('div', { class: 'field' }, h('label', { for: 'cs-close-reason', i18n: 'cases.close.reason' }), reason, reasonErr),
      err,
      h('div', { class: 'form-actions' }, submit),
    );
    reason.id = 'cs-close-reason';
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      reasonErr.hidden = err.hidden = true;
      const text = reason.value.trim();
      if (!text) {
        setLabel(reasonErr, 'cases.err.reason');
        reasonErr.hidden = false;
        return void reason.focus();
      }
      const ok = await confirmAction({
        title: t('cases.close.confirmTitle', { no: c.receipt_no }),
        body: [
          factList([
            [t('cases.f.applicant'), c.applicant_name, 'applicant'],
            [t('cases.close.reason'), text, 'reason'],
          ]),
          h('p', { class: 'muted small' }, t('cases.close.confirmText')),
        ],
        confirmKey: 'cases.close.confirm',
        danger: true,
      });
      if (!ok) return;
      submit.disabled = true;
      try {
        after(await casesApi.close(c.id, text, { signal }), t('cases.close.done', { no: c.receipt_no }));
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'cs-action', 'data-testid': 'cs-close-box' }, h('h3', { i18n: 'cases.close.title' }), h('p', { class: 'muted small', i18n: 'cases.close.sub' }), form);
  };

  const renderActions = () => {
    const acts = caseActions(user.role, c);
    const nodes: HTMLElement[] = [];
    if (acts.includes('refer')) nodes.push(referBox());
    if (acts.includes('outcome')) nodes.push(staffBox());
    if (acts.includes('close')) nodes.push(closeBox());
    // On a phone the card comes first when there is a step to take (closing alone can wait below).
    actionsCard.dataset.active = String(acts.includes('refer') || acts.includes('outcome'));
    if (!nodes.length) nodes.push(h('p', { class: 'muted small', 'data-testid': 'cs-no-actions', i18n: 'cases.act.none' }));
    actionsBody.replaceChildren(...nodes);
  };

  const render = () => {
    title.textContent = `${c.applicant_name} · ${c.receipt_no}`;
    badges.replaceChildren(overdueBadge(c, c.overdue), kindBadge(c), statusBadge(c));
    page.dataset.status = c.status;
    renderFacts();
    refsBody.replaceChildren(referralTimeline(c));
  };
  render();
  renderActions();
  page.dataset.ready = 'true';
  // A language switch redraws all but the open forms (what was typed stays; their labels follow by themselves).
  ctx.onLang(render);
}
