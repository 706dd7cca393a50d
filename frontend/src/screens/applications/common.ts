// Small pieces the application screens share: the stage chip, the overdue badge, the due date and
// the facts a confirmation names (household, persons, amount).
import { stageOf, type Application } from '../../applications';
import { h } from '../../dom';
import { formatDateTime, formatFen, formatInteger } from '../../format';
import type { FormErrors } from '../../formerrors';
import { getLang, label, t, type MsgKey } from '../../i18n';

/** The stage as a chip; closed ones say how they closed (not recommended, returned, rejected). */
export function stageChip(a: Application, now: Date = new Date()): HTMLElement {
  const stage = stageOf(a, now);
  const text = stage === 'closed' ? label('appStatus', a.status) : label('appStage', stage);
  const tone = stage === 'approved' ? 'badge-ok' : stage === 'closed' ? 'badge-muted' : stage === 'posted' ? 'badge-info' : 'badge-warn';
  return h('span', { class: `badge ${tone}`, 'data-stage': stage, 'data-status': a.status }, text);
}

export function overdueBadge(a: Pick<Application, 'id' | 'overdue'>): HTMLElement | '' {
  return a.overdue ? h('span', { class: 'badge badge-danger', title: t('apps.overdueTitle'), 'data-testid': `application-overdue-${a.id}` }, t('apps.overdue')) : '';
}

/** The open step's due date (Beijing), or a dash. */
export function dueText(a: Pick<Application, 'due_at'>): string {
  return a.due_at ? formatDateTime(a.due_at, getLang()) : t('apps.dueNone');
}

/** "¥900.00" of the aid item's label. */
export const aidText = (a: Pick<Application, 'aid_type' | 'aid_type_zh'>) => label('aidType', a.aid_type, a.aid_type_zh);

/** Label and value rows, as a confirmation or a card shows them. */
export function factList(rows: Array<[string, string | Node, string?]>, testid = 'confirm-facts', prefix = 'confirm'): HTMLElement {
  return h(
    'dl',
    // On a page (not in a dialog) a long label takes at most 40 % of the width and wraps.
    { class: 'confirm-facts', 'data-testid': testid, style: prefix === 'confirm' ? undefined : 'grid-template-columns:fit-content(40%) minmax(0,1fr)' },
    ...rows.map(([k, v, id]) => h('div', { class: 'confirm-fact' }, h('dt', { class: 'muted' }, k), h('dd', id ? { 'data-testid': `${prefix}-${id}` } : {}, v))),
  );
}

/** What every decision's confirmation names: the household, the persons and the amount. */
export function decisionFacts(a: Application, amountFen: number | null): Array<[string, string, string?]> {
  const lang = getLang();
  return [
    [t('appConfirm.household'), `${a.name} · ${a.id_number} · ${a.area_name}`, 'household'],
    [t('apps.col.aid'), aidText(a), 'aid'],
    [t('appConfirm.persons'), t('apps.personsOf', { persons: formatInteger(a.persons, lang), members: formatInteger(a.members, lang) }), 'persons'],
    [t('appConfirm.standard'), formatFen(a.standard_fen, lang), 'standard'],
    ...(amountFen !== null ? ([[t('appConfirm.amount'), formatFen(amountFen, lang), 'amount']] as Array<[string, string, string]>) : []),
  ];
}

/** A card with a heading. */
export function card(titleKey: MsgKey, testid: string, ...body: Array<Node | string>): HTMLElement {
  return h('section', { class: 'card', 'data-testid': testid }, h('div', { class: 'card-head' }, h('h2', { i18n: titleKey })), h('div', { class: 'card-body' }, ...body));
}

/** Once every field's message is gone (the user corrected them), the "correct the fields" line above the button goes too. */
export function dropStaleFormError<F extends string>(form: HTMLElement, errors: FormErrors<F>): void {
  form.addEventListener('input', () => {
    if (errors.form && !errors.byField.size) {
      errors.form = null;
      errors.render();
    }
  });
}
