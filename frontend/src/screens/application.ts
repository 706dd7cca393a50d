// One application (#/applications/:id): the household and the claim, the history of its steps (who,
// when, acting for which level, decision, reason, the village vote and minutes, the amount), the
// step the caller may take now (村评, 乡审, 县定) with a confirmation before anything that approves
// money or turns the application down, the objections to its notice and, once approved, its grant list.
import { actionFor, applicationsApi, checkAmount, fenToYuanText, parseVotes, referenceLines, stageOf, type Application, type StepRecord } from '../applications';
import { confirmAction } from '../confirm';
import { disasterApi } from '../disaster';
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatFen, formatInteger } from '../format';
import { errorField, formErrors, showServerErrors } from '../formerrors';
import { getLang, label, t, type MsgKey } from '../i18n';
import { GRANT_USERS, hasRole } from '../roles';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { statusBlock } from '../widgets';
import { aidText, card, decisionFacts, dropStaleFormError, dueText, factList, overdueBadge, stageChip } from './applications/common';
import { objectionsCard } from './applications/objections';

const when = (iso: string | null | undefined) => `${formatDateTime(iso, getLang())}${t('common.beijing')}`;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const id = Number(ctx.args.id);
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page application-page', 'data-testid': 'application-screen', 'data-application-id': String(id) }, inner);
  root.append(page);

  let app: Application | null = null;
  let eventName = '';
  // The action form survives a language switch (what was typed stays): rebuilt only on reload.
  let actionBox: HTMLElement | null = null;
  let objectionsBox: HTMLElement | null = null;

  const render = () => {
    if (!app) return;
    const a = app;
    const lang = getLang();
    const stage = stageOf(a);
    page.dataset.stage = stage;
    page.dataset.status = a.status;
    const grant =
      a.grant_list_id != null
        ? hasRole(user, GRANT_USERS)
          ? h('a', { class: 'link strong', href: `#/grants/${a.grant_list_id}`, 'data-testid': 'application-grant-link' }, t('appDetail.grantLink', { id: a.grant_list_id }))
          : h('span', { 'data-testid': 'application-grant-text' }, t('appDetail.grantText', { id: a.grant_list_id }))
        : null;
    const facts: Array<[string, string | Node, string?]> = [
      [t('appDetail.household'), h('span', {}, h('span', { class: 'strong' }, a.name), ' ', h('span', { class: 'mono' }, a.id_number)), 'household'],
      [t('appDetail.area'), a.area_name || a.area_code],
      [t('appDetail.event'), eventName || `#${a.event_id}`],
      [t('appDetail.aid'), aidText(a)],
      [t('appDetail.persons'), t('apps.personsOf', { persons: formatInteger(a.persons, lang), members: formatInteger(a.members, lang) }), 'persons'],
      [t('appDetail.standard'), formatFen(a.standard_fen, lang), 'standard'],
    ];
    if (a.amount_fen != null) {
      facts.push([
        t('appDetail.amount'),
        h('span', {}, h('span', { class: 'strong' }, formatFen(a.amount_fen, lang)), a.above_standard ? h('span', { class: 'badge badge-warn', style: 'margin-left:6px' }, t('appDetail.aboveStandard')) : ''),
        'amount',
      ]);
    }
    if (grant) facts.push([t('appDetail.grantList'), grant]);
    if (a.outcome_reason) facts.push([t('appDetail.outcome'), a.outcome_reason, 'outcome']);
    if (a.due_at) facts.push([t('appDetail.due'), h('span', {}, dueText(a), ' ', overdueBadge(a)), 'due']);
    if (a.disclosure_id != null) {
      facts.push([
        t('appDetail.notice'),
        h('a', { class: 'link', href: `#/notices/${a.disclosure_id}`, 'data-testid': 'application-notice-link' }, t('appDetail.noticeLink', { id: a.disclosure_id, end: formatDateTime(a.disclosure_end, lang) })),
      ]);
    }
    facts.push(
      [t('appDetail.reason'), a.reason],
      [t('appDetail.phone'), a.phone || '—'],
      [t('appDetail.attachments'), a.attachments.length ? a.attachments.join('；') : '—'],
      [t('appDetail.filedBy'), a.filed_by],
    );

    // A waiting note has nothing typed in it: rebuilt (re-worded) on every render.
    if (!actionBox || actionBox.dataset.kind === 'wait') actionBox = actionCard(a);
    inner.replaceChildren(
      h('a', { class: 'link crumb', href: '#/applications', i18n: 'appDetail.back' }),
      h('div', { class: 'page-title', style: 'flex-wrap:wrap;gap:6px 12px' }, h('h1', {}, `${t('appDetail.title', { id: a.id })} · ${a.name}`), stageChip(a), overdueBadge(a)),
      h('div', { style: 'display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));align-items:start' },
        h('div', { style: 'display:grid;gap:16px;min-width:0' }, card('appDetail.facts', 'application-facts', factList(facts, 'application-facts-list', 'fact')), actionBox),
        h('div', { style: 'display:grid;gap:16px;min-width:0' }, historyCard(a), objectionsBox ?? ''),
      ),
    );
    page.dataset.ready = 'true';
  };

  // ---- history -----------------------------------------------------------------------------
  const historyCard = (a: Application): HTMLElement => {
    const steps = a.steps ?? [];
    return card(
      'appDetail.history',
      'application-history',
      steps.length ? h('ol', { class: 'objection-list', style: 'list-style:none;padding:0;margin:0;display:grid;gap:10px' }, ...steps.map((s, i) => stepItem(s, i))) : h('p', { class: 'muted', i18n: 'appDetail.noHistory' }),
    );
  };
  const stepItem = (s: StepRecord, i: number): HTMLElement => {
    const lang = getLang();
    const d = (s.details ?? {}) as Record<string, unknown>;
    const lines: Array<[string, string]> = [];
    const vf = num(d.votes_for);
    const va = num(d.votes_against);
    if (vf !== null && va !== null) lines.push([t('appDetail.vote'), t('appDetail.votes', { for: formatInteger(vf, lang), against: formatInteger(va, lang) })]);
    if (str(d.minutes)) lines.push([t('appDetail.minutes'), str(d.minutes)]);
    if (Array.isArray(d.photos) && d.photos.length) lines.push([t('appDetail.photos'), d.photos.map(String).join('；')]);
    if (s.reason) lines.push([t('appDetail.stepReason'), s.reason]);
    if (num(d.amount_fen) !== null) lines.push([t('appDetail.stepAmount'), `${formatFen(num(d.amount_fen), lang)}${d.above_standard ? ` · ${t('appDetail.aboveStandard')}` : ''}`]);
    if (num(d.standard_fen) !== null && s.step !== 'county_decision') lines.push([t('appDetail.standard'), formatFen(num(d.standard_fen), lang)]);
    if (str(d.basis)) lines.push([t('appDetail.basis'), str(d.basis)]);
    if (str(d.disclosure_start)) lines.push([t('appDetail.period'), `${formatDateTime(str(d.disclosure_start), lang)} – ${formatDateTime(str(d.disclosure_end), lang)}`]);
    if (str(d.location)) lines.push([t('appDetail.location'), str(d.location)]);
    const tone = s.decision === 'approve' || s.decision === 'recommend' || s.decision === 'dismissed' ? 'badge-ok' : s.decision ? 'badge-danger' : '';
    return h(
      'li',
      { class: 'objection', 'data-testid': `application-step-${i}`, 'data-step': s.step, 'data-decision': s.decision ?? '' },
      h(
        'div',
        { class: 'objection-head', style: 'flex-wrap:wrap' },
        h('span', { class: 'strong' }, label('appStep', s.step)),
        s.decision ? h('span', { class: `badge ${tone}` }, label('appDecision', s.decision)) : '',
        h('span', { class: 'small' }, t('appDetail.by', { name: s.actor_name })),
        s.acting_for ? h('span', { class: 'badge badge-muted', 'data-testid': `application-step-acting-${i}` }, t('appDetail.actingFor', { level: label('appLevel', s.acting_for) })) : '',
        h('span', { class: 'muted small' }, when(s.at)),
      ),
      lines.length ? h('dl', { class: 'confirm-facts', style: 'margin:6px 0 0;grid-template-columns:fit-content(40%) minmax(0,1fr)' }, ...lines.map(([k, v]) => h('div', { class: 'confirm-fact' }, h('dt', { class: 'muted' }, k), h('dd', {}, v)))) : '',
    );
  };

  // ---- the step the caller may take ------------------------------------------------------------
  const actionCard = (a: Application): HTMLElement => {
    const next = actionFor(user, a);
    if (!next) return h('div');
    if ('wait' in next) {
      const key = `appDetail.wait.${next.wait}` as MsgKey;
      const note = card('appDetail.action', 'application-action', h('p', { class: 'muted', 'data-testid': 'application-wait', 'data-wait': next.wait }, t(key, { end: formatDateTime(a.disclosure_end, getLang()), n: a.open_objections })));
      note.dataset.kind = 'wait';
      return note;
    }
    if (next.action === 'assess') return assessForm(a);
    if (next.action === 'review') return reviewForm(a);
    return decideForm(a);
  };

  const after = async (msg: string) => {
    toast(msg);
    actionBox = null;
    await load();
  };

  // 村评
  const assessForm = (a: Application): HTMLElement => {
    type F = 'decision' | 'minutes' | 'votes_for' | 'votes_against' | 'reason' | 'photos';
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'assess-error' });
    const errors = formErrors<F>(formError);
    const decision = h(
      'select',
      { class: 'select' },
      h('option', { value: 'recommend', i18n: 'appDecision.recommend' }),
      h('option', { value: 'not_recommend', i18n: 'appDecision.not_recommend' }),
    );
    const minutes = h('textarea', { class: 'input textarea', rows: 3, maxlength: 4000, i18nPlaceholder: 'assess.minutesHint' });
    const votesFor = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 5 });
    const votesAgainst = h('input', { type: 'text', class: 'input input-code', inputmode: 'numeric', maxlength: 5, value: '0' });
    const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 2000 });
    const photos = h('textarea', { class: 'input textarea', rows: 2 });
    const reasonField = errorField(errors, 'reason', 'assess.reason', reason, 'assess-reason');
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'assess-submit', i18n: 'assess.submit' });
    const sync = () => (reasonField.hidden = decision.value !== 'not_recommend');
    decision.addEventListener('change', sync);
    sync();
    const form = h(
      'form',
      { class: 'report-form', 'data-testid': 'assess-form', novalidate: true, style: 'display:grid;gap:10px' },
      errorField(errors, 'decision', 'assess.decision', decision, 'assess-decision'),
      errorField(errors, 'minutes', 'assess.minutes', minutes, 'assess-minutes'),
      h(
        'div',
        { class: 'field-row' },
        errorField(errors, 'votes_for', 'assess.votesFor', votesFor, 'assess-votes-for'),
        errorField(errors, 'votes_against', 'assess.votesAgainst', votesAgainst, 'assess-votes-against'),
      ),
      h('p', { class: 'field-hint', i18n: 'assess.votesRule' }),
      reasonField,
      errorField(errors, 'photos', 'assess.photos', photos, 'assess-photos'),
      formError,
      h('div', { class: 'form-actions' }, submit),
    );
    dropStaleFormError(form, errors);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      errors.clear();
      const recommend = decision.value === 'recommend';
      const vf = parseVotes(votesFor.value);
      const va = parseVotes(votesAgainst.value);
      if (!minutes.value.trim()) errors.byField.set('minutes', { key: 'assess.minutesRequired' });
      if (vf === null) errors.byField.set('votes_for', { key: 'assess.votesInvalid' });
      if (va === null) errors.byField.set('votes_against', { key: 'assess.votesInvalid' });
      if (recommend && vf !== null && va !== null && vf <= va) errors.byField.set('votes_for', { key: 'assess.votesRule' });
      if (!recommend && !reason.value.trim()) errors.byField.set('reason', { key: 'assess.reasonRequired' });
      if (errors.byField.size) {
        errors.form = { key: 'appForm.fixErrors' };
        errors.render();
        return void errors.firstInvalid()?.focus();
      }
      errors.render();
      if (!recommend) {
        const ok = await confirmAction({
          title: t('assess.confirmTitle', { id: a.id }),
          body: [h('p', {}, t('assess.confirmText')), factList([...decisionFacts(a, null), [t('appConfirm.reason'), reason.value.trim(), 'reason']])],
          confirmKey: 'assess.submit',
          danger: true,
        });
        if (!ok) return;
      }
      submit.disabled = true;
      try {
        const refs = referenceLines(photos.value);
        await applicationsApi.assess(
          a.id,
          {
            decision: recommend ? 'recommend' : 'not_recommend',
            minutes: minutes.value.trim(),
            votes_for: vf!,
            votes_against: va!,
            reason: recommend ? null : reason.value.trim(),
            photos: refs.length ? refs : null,
          },
          { signal },
        );
        await after(t('assess.done'));
      } catch (err) {
        if (isAbort(err)) return;
        showServerErrors(errors, err, (f) => (f === 'votes_for' || f === 'votes_against' || f === 'minutes' || f === 'reason' || f === 'photos' || f === 'decision' ? f : null));
      } finally {
        submit.disabled = false;
      }
    });
    return card('assess.title', 'application-action', form);
  };

  // 乡审
  const reviewForm = (a: Application): HTMLElement => {
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'review-error' });
    const errors = formErrors<'reason'>(formError);
    const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 2000 });
    const approve = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'review-approve', i18n: 'review.approve' });
    const ret = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'review-return', i18n: 'review.return' });
    const run = async (decision: 'approve' | 'return') => {
      errors.clear();
      const why = reason.value.trim();
      if (decision === 'return' && !why) {
        errors.byField.set('reason', { key: 'review.reasonRequired' });
        errors.render();
        return void reason.focus();
      }
      errors.render();
      if (decision === 'return') {
        const ok = await confirmAction({
          title: t('review.confirmTitle', { id: a.id }),
          body: [h('p', {}, t('review.confirmText')), factList([...decisionFacts(a, null), [t('appConfirm.reason'), why, 'reason']])],
          confirmKey: 'review.return',
          danger: true,
        });
        if (!ok) return;
      }
      approve.disabled = ret.disabled = true;
      try {
        await applicationsApi.review(a.id, { decision, reason: why || null }, { signal });
        await after(t(decision === 'approve' ? 'review.approved' : 'review.returned'));
      } catch (err) {
        if (isAbort(err)) return;
        showServerErrors(errors, err, (f) => (f === 'reason' ? 'reason' : null));
      } finally {
        approve.disabled = ret.disabled = false;
      }
    };
    approve.addEventListener('click', () => void run('approve'));
    ret.addEventListener('click', () => void run('return'));
    return card(
      'review.title',
      'application-action',
      h(
        'div',
        { 'data-testid': 'review-form', style: 'display:grid;gap:10px' },
        errorField(errors, 'reason', 'review.reason', reason, 'review-reason'),
        formError,
        h('div', { class: 'form-actions', style: 'gap:8px;flex-wrap:wrap' }, ret, approve),
      ),
    );
  };

  // 县定
  const decideForm = (a: Application): HTMLElement => {
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'decide-error' });
    const errors = formErrors<'amount' | 'reason'>(formError);
    const amount = h('input', { type: 'text', class: 'input input-code', inputmode: 'decimal', maxlength: 14, value: fenToYuanText(a.standard_fen) });
    const hint = h('span', { class: 'field-hint', 'data-testid': 'decide-amount-hint' });
    const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 2000 });
    const approve = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'decide-approve', i18n: 'decide.approve' });
    const reject = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'decide-reject', i18n: 'decide.reject' });
    const showHint = () => {
      const c = checkAmount(amount.value, a.standard_fen, reason.value);
      const std = formatFen(a.standard_fen, getLang());
      hint.textContent = c.aboveStandard ? t('decide.aboveHint', { amount: std }) : t('decide.amountHint', { amount: std });
      hint.classList.toggle('text-danger', c.aboveStandard);
      hint.dataset.above = String(c.aboveStandard);
    };
    amount.addEventListener('input', showHint);
    showHint();
    ctx.onLang(showHint);
    const run = async (decision: 'approve' | 'reject') => {
      errors.clear();
      const why = reason.value.trim();
      const c = checkAmount(amount.value, a.standard_fen, why);
      if (decision === 'approve' && c.error === 'amount.invalid') errors.byField.set('amount', { key: c.error });
      if (decision === 'approve' && c.error === 'amount.reasonNeeded') errors.byField.set('reason', { key: c.error });
      if (decision === 'reject' && !why) errors.byField.set('reason', { key: 'decide.rejectReason' });
      errors.render();
      if (errors.byField.size) return void errors.firstInvalid()?.focus();
      const lang = getLang();
      const rows = decisionFacts(a, decision === 'approve' ? c.amountFen : null);
      if (decision === 'approve' && c.aboveStandard) rows.push([t('appConfirm.aboveStandard'), `+${formatFen(c.amountFen - a.standard_fen, lang)}`, 'above']);
      if (why) rows.push([t('appConfirm.reason'), why, 'reason']);
      const ok = await confirmAction({
        title: t(decision === 'approve' ? 'decide.confirmApproveTitle' : 'decide.confirmRejectTitle', { id: a.id }),
        body: [h('p', {}, t(decision === 'approve' ? 'decide.confirmApproveText' : 'decide.confirmRejectText')), factList(rows)],
        confirmKey: decision === 'approve' ? 'decide.approve' : 'decide.reject',
        danger: decision === 'reject',
      });
      if (!ok) return;
      approve.disabled = reject.disabled = true;
      try {
        const res = await applicationsApi.decide(
          a.id,
          decision === 'approve' ? { decision, amount_fen: c.amountFen === a.standard_fen ? null : c.amountFen, reason: why || null } : { decision, reason: why },
          { signal },
        );
        await after(decision === 'approve' ? t('decide.approved', { id: res.grant_list_id ?? '' }) : t('decide.rejected'));
      } catch (err) {
        if (isAbort(err)) return;
        showServerErrors(errors, err, (f) => (f === 'amount_fen' ? 'amount' : f === 'reason' ? 'reason' : null));
      } finally {
        approve.disabled = reject.disabled = false;
      }
    };
    approve.addEventListener('click', () => void run('approve'));
    reject.addEventListener('click', () => void run('reject'));
    return card(
      'decide.title',
      'application-action',
      h(
        'div',
        { 'data-testid': 'decide-form', style: 'display:grid;gap:10px' },
        errorField(errors, 'amount', 'decide.amount', amount, 'decide-amount', hint),
        errorField(errors, 'reason', 'decide.reason', reason, 'decide-reason'),
        formError,
        h('div', { class: 'form-actions', style: 'gap:8px;flex-wrap:wrap' }, reject, approve),
      ),
    );
  };

  const load = async () => {
    try {
      app = await applicationsApi.get(id, { signal });
      if (app.disclosure_id != null && !objectionsBox) {
        objectionsBox = objectionsCard(ctx, { disclosureId: app.disclosure_id, application: app, onAnswered: () => void reloadAfterAnswer() });
      }
      render();
    } catch (err) {
      if (isAbort(err)) return;
      inner.replaceChildren(h('a', { class: 'link crumb', href: '#/applications', i18n: 'appDetail.back' }), statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  const reloadAfterAnswer = async () => {
    actionBox = null;
    await load();
  };

  inner.append(statusBlock(t('apps.loading')));
  void (async () => {
    await load();
    const loaded = app as Application | null;
    if (!loaded) return;
    try {
      const ev = (await disasterApi.events({ signal })).find((e) => e.id === loaded.event_id);
      eventName = ev?.name ?? '';
      render();
    } catch {
      // the event's number stays
    }
  })();
  ctx.onLang(render);
}
