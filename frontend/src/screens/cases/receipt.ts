// The applicant's receipt page (#/public/case?no=…), no login: the receipt number and the last four
// characters of the ID number (of the phone when none was given) give the case's status and each
// programme's progress in plain words, with no names or numbers. A wrong pair is "not found".
import '../../styles/cases.css';
import { casesApi, normaliseReceiptNo, validReceiptNo, type CaseReceipt } from '../../cases';
import { h, setLabel } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { replaceHash } from '../../router';
import type { ScreenContext } from '../../screen';
import { langSwitch, logo } from '../../widgets';
import { factList } from '../applications/common';
import { beijingTime, setText } from './common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const body = h('main', { class: 'public-main cs-public' });
  const page = h(
    'div',
    { class: 'public-page cs-page', 'data-testid': 'pubcase-screen' },
    h(
      'header',
      { class: 'public-header' },
      h('div', { class: 'brand' }, logo(28), h('span', { class: 'brand-title', i18n: 'app.title' })),
      h('div', { class: 'header-spacer' }),
      langSwitch(),
      h('a', { class: 'btn btn-outline', href: '#/login', i18n: 'pubcase.login' }),
    ),
    body,
  );
  root.append(page);

  const no = h('input', { type: 'text', class: 'input mono', id: 'pubcase-no', maxlength: 24, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', placeholder: '20261203-ABCD2345', 'data-testid': 'pubcase-no' });
  const last4 = h('input', { type: 'text', class: 'input mono cs-last4', id: 'pubcase-last4', maxlength: 4, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'data-testid': 'pubcase-last4' });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'pubcase-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'pubcase-submit', i18n: 'pubcase.submit' });
  const form = h(
    'form',
    { class: 'cs-lookup', novalidate: true, 'data-testid': 'pubcase-form' },
    h('div', { class: 'field cs-lookup-no' }, h('label', { for: 'pubcase-no', i18n: 'pubcase.no' }), no),
    h('div', { class: 'field' }, h('label', { for: 'pubcase-last4', i18n: 'pubcase.last4' }), last4),
    h('div', { class: 'field cs-lookup-go' }, submit),
    err,
  );
  const result = h('div', { 'data-testid': 'pubcase-result' });
  body.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'pubcase.title' })),
    h('p', { class: 'muted page-sub', i18n: 'pubcase.sub' }),
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, form)),
    result,
  );
  no.value = ctx.params.get('no') ?? '';

  let shown: CaseReceipt | null = null;
  const render = () => {
    const r = shown;
    if (!r) return result.replaceChildren();
    const lang = getLang();
    const open = r.status !== 'decided' && r.status !== 'closed';
    result.replaceChildren(
      h(
        'section',
        { class: 'card', 'data-testid': 'pubcase-card', 'data-status': r.status },
        h('div', { class: 'card-head' }, h('h2', { class: 'mono' }, r.receipt_no)),
        h(
          'div',
          { class: 'card-body' },
          h('p', { class: `cs-plain cs-plain-${r.status}`, 'data-testid': 'pubcase-status' }, t(`pubcase.status.${r.status}` as MsgKey)),
          factList(
            [
              [t('pubcase.received'), beijingTime(r.received_at), 'received'],
              ...(open ? ([[t('pubcase.due'), beijingTime(r.due_at), 'due']] as Array<[string, string, string]>) : []),
            ],
            'pubcase-facts',
            'pubcase',
          ),
          h('h3', { class: 'cs-sub', i18n: 'pubcase.progress' }),
          r.referrals.length
            ? h(
                'ul',
                { class: 'cs-plain-list', 'data-testid': 'pubcase-referrals' },
                ...r.referrals.map((x) =>
                  h(
                    'li',
                    { 'data-testid': `pubcase-ref-${x.programme}`, 'data-status': x.status },
                    h('strong', {}, t(`cases.programmeLong.${x.programme}` as MsgKey)),
                    h('span', {}, t(`pubcase.rstatus.${x.status}` as MsgKey)),
                    x.decided_at ? h('span', { class: 'muted small' }, t('pubcase.decidedAt', { time: formatDateTime(x.decided_at, lang) })) : '',
                  ),
                ),
              )
            : h('p', { class: 'muted' }, t('pubcase.none')),
        ),
      ),
    );
  };

  const look = async () => {
    err.hidden = true;
    const n = normaliseReceiptNo(no.value);
    const l4 = last4.value.trim().toUpperCase();
    if (!validReceiptNo(n)) {
      setLabel(err, 'pubcase.errNo');
      err.hidden = false;
      return void no.focus();
    }
    if (!/^[0-9A-Z]{4}$/.test(l4)) {
      setLabel(err, 'pubcase.errLast4');
      err.hidden = false;
      return void last4.focus();
    }
    submit.disabled = true;
    shown = null;
    render();
    try {
      shown = await casesApi.receipt(n, l4, { signal });
      // Kept in the address unless the user has gone elsewhere meanwhile.
      replaceHash('/public/case', { no: n });
      render();
    } catch (e) {
      if (isAbort(e)) return;
      if (e instanceof ApiError && e.status === 404) setLabel(err, 'pubcase.notFound');
      else setText(err, errorText(e));
      err.hidden = false;
    } finally {
      submit.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void look();
  });
  ctx.onLang(render);
  page.dataset.ready = 'true';
  (no.value ? last4 : no).focus();
}
