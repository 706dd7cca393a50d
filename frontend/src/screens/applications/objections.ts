// The objections to village notices, for staff: on an application's page those to its notice that
// name it or the whole notice; on the queue the open ones. Reviewers answer (dismissed: the
// application goes on; upheld: back to the village), after a confirmation.
import { applicationsApi, canAnswerObjections, type Application, type ApplicationObjection, type ObjectionDecision } from '../../applications';
import { confirmAction } from '../../confirm';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { getLang, label, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { decisionFacts, factList } from './common';

export interface ObjectionsOptions {
  /** Only this notice's objections, naming `application` or the whole notice. */
  disclosureId?: number | null;
  application?: Application;
  openOnly?: boolean;
  onAnswered: () => void;
}

export function objectionsCard(ctx: ScreenContext, opts: ObjectionsOptions): HTMLElement {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const body = h('div', { class: 'card-body' }, statusBlock(t('apps.loading')));
  const el = h('section', { class: 'card', 'data-testid': 'application-objections' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'appObj.title' })), body);
  let list: ApplicationObjection[] = [];

  const render = () => {
    const lang = getLang();
    el.dataset.count = String(list.length);
    if (!list.length) return void body.replaceChildren(h('p', { class: 'empty-line muted', 'data-testid': 'objections-none', i18n: 'appObj.none' }));
    body.replaceChildren(
      h(
        'ul',
        { class: 'objection-list' },
        ...list.map((o) => {
          const li = h(
            'li',
            { class: `objection objection-${o.status}`, 'data-testid': `app-objection-${o.id}`, 'data-status': o.status },
            h(
              'div',
              { class: 'objection-head', style: 'flex-wrap:wrap' },
              h('span', { class: `badge ${o.status === 'open' ? 'badge-warn' : 'badge-muted'}` }, t(o.status === 'open' ? 'appObj.open' : 'appObj.answered')),
              h('span', { class: 'muted small' }, `${formatDateTime(o.created_at, lang)}${t('common.beijing')}`),
              h('a', { class: 'link small', href: `#/notices/${o.disclosure_id}` }, t('appObj.notice', { id: o.disclosure_id })),
              o.application_id != null
                ? h('a', { class: 'link small', href: `#/applications/${o.application_id}` }, t('appObj.about', { id: o.application_id }))
                : h('span', { class: 'muted small' }, t('appObj.whole')),
              o.contact ? h('span', { class: 'muted small' }, `${t('appObj.contact')}: ${o.contact}`) : '',
            ),
            h('p', { class: 'objection-text' }, o.text),
            o.answer
              ? h(
                  'p',
                  { class: 'objection-answer' },
                  h('strong', {}, `${label('appDecision', o.decision)}：`),
                  o.answer,
                  o.answered_by ? h('span', { class: 'muted small' }, ` （${t('appObj.by', { name: o.answered_by, at: formatDateTime(o.answered_at, lang) })}）`) : '',
                )
              : '',
          );
          if (o.status === 'open' && canAnswerObjections(user)) li.append(answerForm(o));
          return li;
        }),
      ),
    );
  };

  const answerForm = (o: ApplicationObjection): HTMLElement => {
    const decision = h(
      'select',
      { class: 'select', 'data-testid': `app-answer-decision-${o.id}` },
      h('option', { value: 'dismissed', i18n: 'appDecision.dismissed' }),
      h('option', { value: 'upheld', i18n: 'appDecision.upheld' }),
    );
    const text = h('textarea', { class: 'input textarea', rows: 2, maxlength: 2000, 'data-testid': `app-answer-text-${o.id}`, i18nPlaceholder: 'appObj.answerText' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `app-answer-error-${o.id}` });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': `app-answer-submit-${o.id}`, i18n: 'appObj.answer' });
    const form = h('form', { class: 'answer-form' }, decision, text, submit, err);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const answer = text.value.trim();
      err.hidden = Boolean(answer);
      err.textContent = answer ? '' : t('appObj.answerRequired');
      if (!answer) return void text.focus();
      const d = decision.value as ObjectionDecision;
      const app = opts.application && o.application_id === opts.application.id ? opts.application : undefined;
      const rows: Array<[string, string, string?]> = [
        [t('appObj.notice', { id: o.disclosure_id }), o.application_id != null ? t('appObj.about', { id: o.application_id }) : t('appObj.whole'), 'about'],
        ...(app ? decisionFacts(app, null) : []),
        [t('appConfirm.decision'), label('appDecision', d), 'decision'],
        [t('appObj.answerText'), answer, 'answer'],
      ];
      submit.disabled = true;
      try {
        const ok = await confirmAction({
          title: t('appObj.confirmTitle', { id: o.id }),
          body: [h('p', {}, t(d === 'upheld' ? 'appObj.confirmUpheld' : 'appObj.confirmDismissed')), factList(rows)],
          confirmKey: 'appObj.answer',
          danger: d === 'upheld',
        });
        if (!ok) return;
        await applicationsApi.answer(o.id, { decision: d, answer }, { signal });
        toast(t('appObj.answered.toast'));
        opts.onAnswered();
        await load();
      } catch (e) {
        if (isAbort(e)) return;
        err.textContent = errorText(e);
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  };

  const load = async () => {
    try {
      const all = await applicationsApi.objections(opts.disclosureId ?? null, { signal });
      const appId = opts.application?.id;
      list = all.filter((o) => (!opts.openOnly || o.status === 'open') && (appId === undefined || o.application_id == null || o.application_id === appId));
      render();
      el.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      body.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  void load();
  ctx.onLang(render);
  return el;
}
