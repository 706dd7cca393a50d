// Pieces the one-window screens share: the status, kind and overdue badges, the due time in words,
// the programme chips, the referrals' timeline (the township's case page and the department desk),
// an answer form with its confirmation, and the printable receipt slip.
import {
  checkOutcome,
  dueWords,
  isAnswered,
  programmeKey,
  receiptUrl,
  referralTone,
  statusTone,
  type Case,
  type Decision,
  type OutcomeInput,
  type Referral,
} from '../../cases';
import { confirmAction } from '../../confirm';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDateTime, formatFen } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { factList } from '../applications/common';

export function statusBadge(c: Pick<Case, 'id' | 'status'>): HTMLElement {
  return h('span', { class: `badge ${statusTone(c.status)}`, 'data-status': c.status, 'data-testid': `cs-status-${c.id}` }, t(`cases.status.${c.status}` as MsgKey));
}

export function kindBadge(c: Pick<Case, 'kind'>): HTMLElement | '' {
  if (c.kind === 'application') return '';
  return h('span', { class: `badge ${c.kind === 'urgent' ? 'cs-urgent' : 'badge-soft'}`, 'data-kind': c.kind }, t(`cases.kind.${c.kind}` as MsgKey));
}

export function overdueBadge(c: Pick<Case, 'id'>, overdue: boolean): HTMLElement | '' {
  return overdue ? h('span', { class: 'badge badge-danger cs-overdue', title: t('cases.overdueTitle'), 'data-testid': `cs-overdue-${c.id}` }, `⚠ ${t('cases.overdue')}`) : '';
}

/** A time with "(Beijing time)" after it. */
export function beijingTime(iso: string | null | undefined): string {
  const lang = getLang();
  return `${formatDateTime(iso, lang)}${lang === 'en' ? ' ' : ''}${t('common.beijing')}`;
}

/** "还剩 5 小时" / "超期 2 天", red once passed; the exact time in its title. */
export function dueText(dueAt: string, now: Date = new Date()): HTMLElement {
  const w = dueWords(dueAt, now);
  return h(
    'span',
    { class: `cs-due${w.late ? ' text-danger strong' : ''}`, title: t('cases.dueBy', { time: beijingTime(dueAt) }), 'data-late': String(w.late) },
    t(w.key, w.params),
  );
}

export function programmeChips(list: readonly string[], testid?: string): HTMLElement {
  return h('span', { class: 'cs-chips', 'data-testid': testid }, ...list.map((p) => h('span', { class: 'cs-chip', 'data-programme': p }, t(programmeKey(p)))));
}

export function referralBadge(r: Pick<Referral, 'programme' | 'status'>, testid?: string): HTMLElement {
  return h('span', { class: `badge ${referralTone(r.status)}`, 'data-status': r.status, 'data-testid': testid }, t(`cases.rstatus.${r.status}` as MsgKey));
}

/** The referrals as a list: programme, department, status, deadline, acceptance, answer, amount, reason. */
export function referralTimeline(c: Case, now: Date = new Date()): HTMLElement {
  const lang = getLang();
  if (!c.referrals.length)
    return h(
      'div',
      { 'data-testid': 'cs-referrals' },
      h('p', { class: 'muted small', style: 'margin:0 0 8px' }, t('cases.refs.notYet')),
      h(
        'ul',
        { class: 'cs-refs' },
        ...c.programmes.map((p) =>
          h(
            'li',
            { class: 'cs-ref', 'data-testid': `cs-ref-${p}`, 'data-status': 'waiting' },
            h('div', { class: 'cs-ref-head' }, h('strong', {}, t(programmeKey(p))), h('span', { class: 'badge badge-muted' }, t('cases.ref.waiting'))),
            h('div', { class: 'muted small' }, t(`cases.decider.${p}` as MsgKey)),
          ),
        ),
      ),
    );
  return h(
    'ul',
    { class: 'cs-refs', 'data-testid': 'cs-referrals' },
    ...c.referrals.map((r) => {
      const rows: Array<[string, Node | string, string]> = [[t('cases.ref.decider'), r.decided_by ? `${t(`cases.decider.${r.programme}` as MsgKey)} · ${r.decided_by}` : t(`cases.decider.${r.programme}` as MsgKey), 'decider']];
      const open = !isAnswered(r.status) && c.status !== 'closed';
      rows.push([
        t('cases.ref.due'),
        h('span', {}, formatDateTime(r.due_at, lang), open ? h('span', {}, ' · ', dueText(r.due_at, now)) : ''),
        'due',
      ]);
      if (r.accepted_at) rows.push([t('cases.ref.accepted'), formatDateTime(r.accepted_at, lang), 'accepted']);
      if (r.decided_at) rows.push([t('cases.ref.decided'), formatDateTime(r.decided_at, lang), 'decided']);
      if (r.status === 'granted') rows.push([t('cases.ref.amount'), r.amount_fen === null || r.amount_fen === undefined ? h('span', { class: 'muted' }, t('cases.amountNone')) : h('strong', {}, formatFen(r.amount_fen, lang)), 'amount']);
      if (r.reason) rows.push([t('cases.ref.reason'), r.reason, 'reason']);
      return h(
        'li',
        { class: `cs-ref cs-ref-${r.status}${open && Date.parse(r.due_at) < now.getTime() ? ' cs-ref-late' : ''}`, 'data-testid': `cs-ref-${r.programme}`, 'data-status': r.status },
        h('div', { class: 'cs-ref-head' }, h('strong', {}, t(programmeKey(r.programme))), referralBadge(r, `cs-ref-status-${r.programme}`)),
        factList(rows, `cs-ref-facts-${r.programme}`, `cs-ref-${r.programme}`),
      );
    }),
  );
}

/** Text that is not a table key (the server's words, a count): it stays as it is on a language switch. */
export function setText(node: HTMLElement, text: string): void {
  delete node.dataset.i18n;
  node.textContent = text;
}

/**
 * An answer form: decision, amount (a grant only), reason; checked, then confirmed with the decision
 * and the amount, then sent. `extra` goes first (the county's programme choice). Returns the form
 * and its relabel for a language switch.
 */
export function outcomeForm(opts: {
  testid: string;
  extra?: HTMLElement;
  confirmTitle: () => string;
  facts: () => Array<[string, string, string?]>;
  send: (body: OutcomeInput) => Promise<void>;
}): HTMLElement {
  const { testid } = opts;
  const decision = h('select', { class: 'select', 'data-testid': `${testid}-decision` }, ...(['granted', 'declined', 'transferred'] as Decision[]).map((d) => h('option', { value: d, i18n: `cases.decision.${d}` as MsgKey })));
  const amount = h('input', { type: 'text', class: 'input', inputmode: 'decimal', autocomplete: 'off', maxlength: 14, 'data-testid': `${testid}-amount` });
  const amountField = h('div', { class: 'field' }, h('label', { i18n: 'cases.outcome.amount' }), amount, h('span', { class: 'field-hint', i18n: 'cases.outcome.amountHint' }));
  const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: 1000, 'data-testid': `${testid}-reason` });
  const fieldErr = h('div', { class: 'field-error', hidden: true, 'data-testid': `${testid}-field-error` });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `${testid}-error` });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${testid}-submit`, i18n: 'cases.outcome.button' });
  const showAmount = () => (amountField.hidden = decision.value !== 'granted');
  decision.addEventListener('change', showAmount);
  showAmount();
  const form = h(
    'form',
    { novalidate: true, class: 'cs-form', 'data-testid': testid },
    opts.extra ?? '',
    h('div', { class: 'field' }, h('label', { i18n: 'cases.outcome.decision' }), decision),
    amountField,
    h('div', { class: 'field' }, h('label', { i18n: 'cases.outcome.reason' }), reason),
    fieldErr,
    err,
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fieldErr.hidden = err.hidden = true;
    const checked = checkOutcome(decision.value, amount.value, reason.value);
    if (!('body' in checked)) {
      setLabel(fieldErr, checked.key);
      fieldErr.hidden = false;
      (checked.field === 'amount' ? amount : checked.field === 'reason' ? reason : decision).focus();
      return;
    }
    const body = checked.body;
    const lang = getLang();
    const ok = await confirmAction({
      title: opts.confirmTitle(),
      body: [
        factList([
          ...opts.facts(),
          [t('cases.outcome.decision'), t(`cases.decision.${body.decision}` as MsgKey), 'decision'],
          ...(body.decision === 'granted' ? ([[t('cases.ref.amount'), body.amount_fen === null || body.amount_fen === undefined ? t('cases.amountNone') : formatFen(body.amount_fen, lang), 'amount']] as Array<[string, string, string]>) : []),
          [t('cases.outcome.reason'), body.reason, 'reason'],
        ]),
        h('p', { class: 'muted small' }, t('cases.outcome.confirmText')),
      ],
      confirmKey: 'cases.outcome.confirm',
    });
    if (!ok) return;
    submit.disabled = true;
    try {
      await opts.send(body);
    } catch (e2) {
      if (isAbort(e2)) return;
      setText(err, errorText(e2));
      err.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The applicant's receipt slip, for paper: number, date, place, programmes, what happens next, where to follow it. */
export function receiptSlip(c: Case, placeName: string): HTMLElement {
  const url = receiptUrl(`${location.origin}${location.pathname}`, c.receipt_no);
  return h(
    'section',
    { class: 'print-sheet cs-slip', 'data-testid': 'cs-slip' },
    h('div', { class: 'print-head' }, h('h1', {}, t('cases.slip.title'))),
    h('div', { class: 'cs-slip-no' }, h('span', { class: 'muted' }, t('cases.slip.no')), h('strong', { class: 'mono', 'data-testid': 'cs-slip-no' }, c.receipt_no)),
    factList(
      [
        [t('cases.slip.date'), beijingTime(c.created_at), 'date'],
        [t('cases.slip.place'), placeName, 'place'],
        [t('cases.slip.kind'), t(`cases.kind.${c.kind}` as MsgKey), 'kind'],
        [t('cases.slip.programmes'), c.programmes.map((p) => t(`cases.programmeLong.${p}` as MsgKey)).join('、'), 'programmes'],
      ],
      'cs-slip-facts',
      'cs-slip',
    ),
    h('h2', {}, t('cases.slip.next')),
    h('p', {}, t('cases.slip.nextText', { due: beijingTime(c.due_at) })),
    h('h2', {}, t('cases.slip.follow')),
    h('p', {}, t('cases.slip.followText')),
    h('p', { class: 'mono cs-slip-url', 'data-testid': 'cs-slip-url' }, url),
    h('p', { class: 'cs-slip-foot' }, h('span', {}, t('cases.slip.keep')), h('span', {}, t('cases.slip.by', { user: c.created_by }))),
  );
}
