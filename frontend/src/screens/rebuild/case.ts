// One rebuild case (#/rebuild/:id): the household (masked), mode, basis, the standard against the
// approved subsidy, the insurance claim beside it (status, payout, the part counted against the
// subsidy), the subsidy's stages on grant lists (amount, list, its status, paid; the lists are
// handled on #/grants/:id), a failed inspection's findings on top, and the timeline with dates,
// actors, findings and photos. Actions by role and status: the county approves (an amount above the
// standard with a reason, after a confirmation), township staff record progress (date, photos), the
// inspector opens the phone form (inspect.ts).
import '../../styles/rebuild.css';
import { shanghaiDate } from '../../dates';
import { confirmAction } from '../../confirm';
import { disasterApi } from '../../disaster';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDate, formatDateTime, formatFen, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { photoProblem, shrinkPhoto } from '../../photos';
import {
  caseActions,
  checkApproval,
  checkProgressDate,
  insuranceApi,
  isPhotoId,
  nextProgress,
  rebuildApi,
  reachedStage,
  STAGES,
  stageKey,
  stepPhotos,
  type Case,
  type CaseStepRecord,
} from '../../rebuild';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { listStatusChip, statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { casePhoto, claimBadge, loadAreaNames, overdueBadge, setText, statusBadge } from './common';

export async function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const id = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page rb-page', 'data-testid': 'rb-case-screen' }, inner);
  root.append(page);
  const status = h('div');
  const title = h('h1', { 'data-testid': 'rb-case-title' });
  const badges = h('div', { style: 'display:flex;flex-wrap:wrap;gap:6px' });
  const failedBox = h('div');
  const factsBody = h('div', { class: 'card-body' });
  const actionsBody = h('div', { 'data-testid': 'rb-actions' });
  const insBody = h('div', { class: 'card-body', 'data-testid': 'rb-insurance' });
  const payBody = h('div', { 'data-testid': 'rb-payments' });
  const timeline = h('ol', { class: 'rb-timeline', 'data-testid': 'rb-timeline' });
  const photosBody = h('div', { class: 'card-body', 'data-testid': 'rb-photos' });
  const card = (key: MsgKey, testid: string, ...body: Node[]) => h('section', { class: 'card', 'data-testid': testid }, h('div', { class: 'card-head' }, h('h2', { i18n: key })), ...body);

  inner.append(
    h('a', { class: 'link crumb', href: '#/rebuild', i18n: 'rb.back' }),
    status,
    h('div', { class: 'page-title' }, title, badges),
    failedBox,
    h(
      'div',
      { class: 'rb-grid' },
      h('div', { class: 'rb-col' }, card('rb.case.facts', 'rb-facts-card', factsBody), card('rb.pay.title', 'rb-payments-card', payBody), card('rb.timeline.title', 'rb-timeline-card', timeline)),
      h('div', { class: 'rb-col' }, card('rb.act.title', 'rb-actions-card', actionsBody), card('rb.ins.title', 'rb-insurance-card', insBody), card('rb.photos.title', 'rb-photos-card', photosBody)),
    ),
  );

  let c: Case;
  let names = new Map<string, string>();
  let eventName = '';
  try {
    status.replaceChildren(statusBlock(t('rb.loading')));
    c = await rebuildApi.case(id, { signal });
    status.replaceChildren();
  } catch (err) {
    if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true));
    return;
  }
  void loadAreaNames(signal).then((n) => {
    names = n;
    render();
  });
  void disasterApi
    .event(c.event_id, { signal })
    .then((e) => {
      eventName = e.name;
      render();
    })
    .catch(() => undefined);

  const township = (code: string) => names.get(code.slice(0, 9));

  // ---- parts ------------------------------------------------------------------------------------
  const renderFacts = () => {
    const lang = getLang();
    const above = c.subsidy_fen !== null && c.subsidy_fen !== undefined && c.subsidy_fen > c.standard_fen;
    const area = [township(c.area_code), c.area_code.length > 9 ? c.area_name : null].filter(Boolean).join(' · ') || c.area_name;
    factsBody.replaceChildren(
      factList(
        [
          [t('rb.case.household'), h('span', {}, h('strong', {}, c.name), ' ', h('span', { class: 'mono' }, c.id_number)), 'household'],
          [t('rb.case.area'), area, 'area'],
          [t('rb.case.event'), eventName || `#${c.event_id}`, 'event'],
          [t('rb.case.mode'), t(`rb.mode.${c.mode}` as MsgKey), 'mode'],
          [t('rb.case.basis'), t(`rb.basis.${c.basis}` as MsgKey), 'basis'],
          [t('rb.case.rooms'), formatInteger(c.rooms, lang), 'rooms'],
          [t('rb.case.standard'), formatFen(c.standard_fen, lang), 'standard'],
          [
            t('rb.case.subsidy'),
            c.subsidy_fen === null || c.subsidy_fen === undefined
              ? h('span', { class: 'muted' }, t('rb.case.subsidyNone'))
              : h('span', {}, h('strong', {}, formatFen(c.subsidy_fen, lang)), above ? h('span', { class: 'badge badge-warn', style: 'margin-left:6px' }, t('rb.case.aboveStandard')) : ''),
            'subsidy',
          ],
          [t('rb.case.approvedOn'), formatDate(c.approved_on), 'approved-on'],
          [t('rb.case.due'), h('span', { class: c.overdue ? 'text-danger strong' : '' }, formatDate(c.due_on)), 'due'],
          [t('rb.case.openedBy'), `${c.opened_by} · ${formatDateTime(c.created_at, lang)}`, 'opened-by'],
        ],
        'rb-facts',
        'rb-fact',
      ),
    );
  };

  const lastInspection = (): CaseStepRecord | undefined => [...c.steps].reverse().find((s) => s.step === 'inspect');

  const renderFailed = () => {
    const s = c.status === 'failed_inspection' ? lastInspection() : undefined;
    if (!s) return failedBox.replaceChildren();
    failedBox.replaceChildren(
      h(
        'section',
        { class: 'rb-failed', role: 'alert', 'data-testid': 'rb-failed' },
        h('h2', {}, t('rb.case.failedTitle')),
        h('p', { 'data-testid': 'rb-failed-findings' }, String(s.details.findings ?? '')),
        h('p', { class: 'muted small' }, t('rb.case.failedBy', { actor: s.actor_name, at: formatDateTime(s.at, getLang()) })),
      ),
    );
  };

  const photoRefs = (refs: string[]) =>
    h(
      'div',
      { class: 'photo-strip' },
      ...refs.map((ref, i) => (isPhotoId(ref) ? casePhoto(c.id, ref, t('rb.photoAlt', { id: c.id, n: i + 1 }), signal) : h('span', { class: 'rb-photo-ref' }, ref))),
    );

  const renderTimeline = () => {
    const lang = getLang();
    if (!c.steps.length) return timeline.replaceChildren(h('li', { class: 'muted' }, t('rb.timeline.empty')));
    timeline.replaceChildren(
      ...c.steps.map((s, i) => {
        const d = s.details as Record<string, unknown>;
        const rows: Array<[MsgKey, Node | string, string]> = [];
        if (typeof d.subsidy_fen === 'number') rows.push(['rb.detail.subsidy', formatFen(d.subsidy_fen, lang), 'subsidy']);
        if (typeof d.reason === 'string' && d.reason) rows.push(['rb.detail.reason', d.reason, 'reason']);
        if (typeof d.insurance_counted_fen === 'number') rows.push(['rb.detail.counted', formatFen(d.insurance_counted_fen, lang), 'counted']);
        if (typeof d.on === 'string') rows.push(['rb.detail.on', formatDate(d.on), 'on']);
        if (typeof d.passed === 'boolean')
          rows.push(['rb.detail.passed', h('span', { class: `badge ${d.passed ? 'badge-ok' : 'badge-danger'}` }, t(d.passed ? 'rb.passed.yes' : 'rb.passed.no')), 'passed']);
        if (typeof d.findings === 'string' && d.findings) rows.push(['rb.detail.findings', d.findings, 'findings']);
        const refs = stepPhotos(d);
        if (refs.length) rows.push(['rb.detail.photos', photoRefs(refs), 'photos']);
        return h(
          'li',
          { class: `rb-step${s.outcome === 'failed_inspection' ? ' rb-step-failed' : ''}`, 'data-testid': `rb-step-${i}`, 'data-step': s.step, 'data-outcome': s.outcome },
          h('div', { class: 'rb-step-head' }, h('strong', {}, t(`rb.step.${s.step}` as MsgKey)), h('span', { class: 'muted small' }, `${formatDateTime(s.at, lang)} · ${s.actor_name}`)),
          rows.length ? h('dl', { class: 'rb-step-details' }, ...rows.flatMap(([k, v, tid]) => [h('dt', {}, t(k)), h('dd', { 'data-testid': `rb-step-${i}-${tid}` }, v)])) : '',
        );
      }),
    );
  };

  const renderPayments = () => {
    const lang = getLang();
    const payments = c.payments;
    if (c.subsidy_fen === null || c.subsidy_fen === undefined) return payBody.replaceChildren(h('p', { class: 'card-body muted small' }, t('rb.pay.none')));
    const rows = STAGES.map((stage) => {
      const p = payments.find((x) => x.stage === stage);
      return h(
        'tr',
        { 'data-testid': `rb-pay-${stage}`, 'data-listed': String(!!p), 'data-paid': String(!!p?.paid) },
        h('td', { class: 'nowrap' }, t(stageKey(stage, c.mode))),
        h('td', { class: 'num nowrap' }, p ? formatFen(p.amount_fen, lang) : '—'),
        h('td', {}, p ? h('a', { class: 'link', href: `#/grants/${p.grant_list_id}`, 'data-testid': `rb-pay-list-${stage}` }, `#${p.grant_list_id}`) : h('span', { class: 'muted small' }, t(reachedStage(c, stage) ? 'rb.pay.notListed' : 'rb.pay.notReached'))),
        h('td', {}, p ? listStatusChip(p.list_status) : ''),
        h('td', { class: 'nowrap' }, p ? h('span', { class: `badge ${p.paid ? 'badge-ok' : 'badge-muted'}` }, t(p.paid ? 'rb.pay.paidYes' : 'rb.pay.paidNo')) : ''),
      );
    });
    payBody.replaceChildren(
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data-table', 'data-testid': 'rb-payments-table' },
          h('thead', {}, h('tr', {}, ...(['rb.pay.stage', 'rb.pay.amount', 'rb.pay.list', 'rb.pay.listStatus', 'rb.pay.paid'] as MsgKey[]).map((k, i) => h('th', { scope: 'col', class: i === 1 ? 'num' : undefined, i18n: k })))),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  };

  const renderInsurance = () => {
    const lang = getLang();
    const claim = c.claim;
    if (!claim) {
      const nodes: Node[] = [h('p', { class: 'muted small', 'data-testid': 'rb-ins-none' }, t('rb.ins.none'))];
      if (user.role === 'reporter' || user.role === 'manager') {
        const b = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'rb-ins-report', i18n: 'rb.ins.report' });
        const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
        b.addEventListener('click', async () => {
          b.disabled = true;
          err.hidden = true;
          try {
            const made = await insuranceApi.open({ event_id: c.event_id, household_id: c.household_id }, { signal });
            toast(t('rb.ins.reported', { id: made.id }));
            c = await rebuildApi.case(id, { signal });
            render();
          } catch (e) {
            if (isAbort(e)) return;
            setText(err, errorText(e));
            err.hidden = false;
          } finally {
            b.disabled = false;
          }
        });
        nodes.push(b, err);
      }
      return insBody.replaceChildren(...nodes);
    }
    const counted = c.insurance_counted_fen;
    insBody.replaceChildren(
      factList(
        [
          [t('rb.ins.status'), claimBadge(claim.status, 'rb-ins-claim-status'), 'status'],
          [t('rb.ins.policy'), `${claim.insurer} · ${claim.policy_number}`, 'policy'],
          [t('rb.ins.cap'), formatFen(claim.cap_fen, lang), 'cap'],
          [t('rb.ins.assessed'), formatFen(claim.assessed_fen, lang), 'assessed'],
          [t('rb.ins.payout'), formatFen(claim.payout_fen, lang), 'payout'],
          [t('rb.ins.paidOn'), formatDate(claim.paid_on), 'paid-on'],
          [t('rb.ins.counted'), counted ? formatFen(counted, lang) : h('span', { class: 'muted' }, t('rb.ins.countedNone')), 'counted'],
          ...(claim.refusal_reason ? ([[t('ins.form.reason'), claim.refusal_reason, 'refusal']] as Array<[string, string, string]>) : []),
        ],
        'rb-ins-facts',
        'rb-ins',
      ),
      h('p', { class: 'small' }, h('a', { class: 'link', href: '#/rebuild/insurance', i18n: 'rb.view.insurance' })),
    );
  };

  const renderPhotos = () => {
    const photos = c.photos;
    photosBody.replaceChildren(
      photos.length
        ? h('div', { class: 'photo-strip' }, ...photos.map((p, i) => casePhoto(c.id, String(p.id), t('rb.photoAlt', { id: c.id, n: i + 1 }), signal)))
        : h('p', { class: 'muted small' }, t('rb.photos.none')),
    );
  };

  // ---- actions -------------------------------------------------------------------------------------
  const after = async (next: Case, message: string) => {
    c = next;
    toast(message);
    render();
    renderActions();
  };

  /** The open forms' texts made with parameters, redone on a language switch. */
  const formLang: Array<() => void> = [];

  /** What an approval without an amount gives: the standard less the insurance counted (none under the renovation programme). */
  const defaultFen = () => (c.basis === 'relief' ? Math.max(0, c.standard_fen - c.insurance_counted_fen) : 0);

  const approveForm = (): HTMLElement => {
    const hint = h('span', { class: 'field-hint', 'data-testid': 'rb-approve-hint' });
    const showHint = () => {
      const l = getLang();
      hint.textContent =
        c.insurance_counted_fen > 0 && c.basis === 'relief'
          ? t('rb.approve.amountHintCounted', { amount: formatFen(c.standard_fen, l), counted: formatFen(c.insurance_counted_fen, l), net: formatFen(defaultFen(), l) })
          : t('rb.approve.amountHint', { amount: formatFen(c.standard_fen, l) });
    };
    showHint();
    formLang.push(showHint);
    const amount = h('input', { type: 'text', class: 'input', inputmode: 'decimal', autocomplete: 'off', maxlength: 14, 'data-testid': 'rb-approve-amount', placeholder: String(defaultFen() / 100) });
    const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 500, 'data-testid': 'rb-approve-reason' });
    const amountErr = h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-approve-amount-error' });
    const reasonErr = h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-approve-reason-error' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'rb-approve-error' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rb-approve', i18n: 'rb.approve.button' });
    const form = h(
      'form',
      { novalidate: true, 'data-testid': 'rb-approve-form' },
      h('div', { class: 'field' }, h('label', { i18n: 'rb.approve.amount' }), amount, hint, amountErr),
      h('div', { class: 'field' }, h('label', { i18n: 'rb.approve.reason' }), reason, reasonErr),
      err,
      h('div', { class: 'form-actions' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      amountErr.hidden = reasonErr.hidden = err.hidden = true;
      const check = checkApproval(amount.value, reason.value, c.standard_fen);
      if (!check.ok) {
        const box = check.field === 'amount' ? amountErr : reasonErr;
        setLabel(box, check.key);
        box.hidden = false;
        return;
      }
      const l = getLang();
      const amountFen = check.amount_fen ?? defaultFen();
      const ok = await confirmAction({
        title: t('rb.approve.confirmTitle', { name: c.name }),
        body: [
          factList([
            [t('rb.case.household'), `${c.name} · ${c.id_number} · ${c.area_name}`, 'household'],
            [t('rb.case.mode'), t(`rb.mode.${c.mode}` as MsgKey), 'mode'],
            [t('rb.case.standard'), formatFen(c.standard_fen, l), 'standard'],
            [t('rb.case.subsidy'), check.amount_fen === null && c.basis !== 'relief' ? t('rb.basis.danger_renovation') : formatFen(amountFen, l), 'amount'],
            ...(check.above ? ([[t('rb.case.aboveStandard'), t('rb.approve.above', { diff: formatFen(amountFen - c.standard_fen, l) }), 'above']] as Array<[string, string, string]>) : []),
            ...(check.reason ? ([[t('rb.approve.reason'), check.reason, 'reason']] as Array<[string, string, string]>) : []),
          ]),
        ],
        confirmKey: 'rb.approve.confirm',
      });
      if (!ok) return;
      submit.disabled = true;
      try {
        const next = await rebuildApi.approve(c.id, { amount_fen: check.amount_fen, reason: check.reason }, { signal });
        await after(next, t('rb.approve.done', { amount: formatFen(next.subsidy_fen, getLang()) }));
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'rb-action', 'data-testid': 'rb-approve-box' }, h('h3', { i18n: 'rb.approve.title' }), form);
  };

  const progressForm = (): HTMLElement => {
    const stage = nextProgress(c)!;
    const today = shanghaiDate();
    const on = h('input', { type: 'date', class: 'input', max: today, 'data-testid': 'rb-progress-on' });
    const files = h('input', { type: 'file', class: 'input', accept: 'image/*', capture: 'environment', multiple: true, 'data-testid': 'rb-progress-photos' });
    const onErr = h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-progress-on-error' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'rb-progress-error' });
    const stageName = () => t(`rb.progress.${stage}` as MsgKey);
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rb-progress-submit', 'data-stage': stage });
    const label = () => (submit.textContent = t('rb.progress.button', { stage: stageName() }));
    label();
    formLang.push(label);
    const uploaded = new Map<File, string>();
    const form = h(
      'form',
      { novalidate: true, 'data-testid': 'rb-progress-form' },
      h('div', { class: 'field' }, h('label', { i18n: 'rb.progress.on' }), on, h('span', { class: 'field-hint', i18n: 'rb.progress.onHint' }), onErr),
      h('div', { class: 'field' }, h('label', { i18n: 'rb.progress.photos' }), files),
      err,
      h('div', { class: 'form-actions' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      onErr.hidden = err.hidden = true;
      const bad = checkProgressDate(on.value, today);
      if (bad) {
        setLabel(onErr, bad);
        onErr.hidden = false;
        return;
      }
      const chosen = [...(files.files ?? [])];
      const problem = chosen.map((f) => photoProblem(f)).find(Boolean);
      if (problem) {
        setText(err, t(problem.key, problem.params));
        err.hidden = false;
        return;
      }
      submit.disabled = true;
      try {
        const ids: string[] = [];
        for (const f of chosen) {
          let ref = uploaded.get(f);
          if (!ref) {
            ref = String((await rebuildApi.uploadPhoto(c.id, await shrinkPhoto(f), { signal })).id);
            uploaded.set(f, ref);
          }
          ids.push(ref);
        }
        const next = await rebuildApi.progress(c.id, { stage, on: on.value || null, ...(ids.length ? { photos: ids } : {}) }, { signal });
        await after(next, t('rb.progress.done', { stage: stageName() }));
      } catch (e2) {
        if (isAbort(e2)) return;
        setText(err, errorText(e2));
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'rb-action', 'data-testid': 'rb-progress-box' }, h('h3', { i18n: 'rb.progress.title' }), form);
  };

  const renderActions = () => {
    formLang.length = 0;
    const acts = caseActions(user, c);
    const nodes: HTMLElement[] = [];
    if (acts.includes('approve')) nodes.push(approveForm());
    if (acts.includes('progress')) nodes.push(progressForm());
    if (acts.includes('inspect'))
      nodes.push(h('div', { class: 'rb-action' }, h('a', { class: 'btn btn-primary', href: `#/rebuild/${c.id}/inspect`, 'data-testid': 'rb-inspect-open', i18n: 'rb.inspect.open' })));
    else if (c.status === 'completed') nodes.push(h('div', { class: 'rb-action muted small', i18n: 'rb.inspect.waiting' }));
    // On a phone the card comes first when there is something to do.
    actionsBody.closest('section')?.setAttribute('data-active', String(nodes.length > 0));
    if (!nodes.length) nodes.push(h('div', { class: 'rb-action muted small', 'data-testid': 'rb-no-actions', i18n: 'rb.noActions' }));
    actionsBody.replaceChildren(...nodes);
  };

  const render = () => {
    title.textContent = t('rb.case.title', { name: c.name, village: c.area_name });
    badges.replaceChildren(statusBadge(c), overdueBadge(c), h('span', { class: 'badge badge-soft' }, t(`rb.mode.${c.mode}` as MsgKey)));
    page.dataset.status = c.status;
    renderFacts();
    renderFailed();
    renderPayments();
    renderInsurance();
    renderTimeline();
    renderPhotos();
  };
  render();
  renderActions();
  page.dataset.ready = 'true';
  // A language switch redraws everything but the open forms (what was typed stays; their labels are
  // table keys and follow by themselves).
  ctx.onLang(() => {
    render();
    for (const f of formLang) f();
  });
}
