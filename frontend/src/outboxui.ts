// The header's outbox button: how many writes wait for the network (and how many the server
// refused), shown while there are any or the device is offline; it opens the list of them, where
// a refused write can be sent again or dropped (only dropped when the record changed since it was
// read: sent again it would be refused again).
import { intakeFieldLabels, isIntakeWrite } from './cases';
import { confirmAction } from './confirm';
import { h } from './dom';
import { formatDateTime } from './format';
import { getLang, onLangChange, t } from './i18n';
import { failureText, isStale, labelText, type QueuedWrite } from './outbox';
import { discardWrite, myWrites, onOutboxChange, retryWrite, syncOutbox } from './outboxsync';

/** One button for the page's life: each sign-in's header takes it (and its listeners) again. */
let made: { button: HTMLButtonElement; refresh(): void } | null = null;

export function outboxButton(): HTMLButtonElement {
  made ??= makeButton();
  // Counted for whoever signed in; the shell is made on sign-in, so send what they left waiting.
  made.refresh();
  void syncOutbox();
  return made.button;
}

function makeButton(): { button: HTMLButtonElement; refresh(): void } {
  // On a phone the header has room for the number only; the words stay in the label.
  const words = h('span', { class: 'outbox-words', 'aria-hidden': 'true' });
  const short = h('span', { class: 'outbox-short', 'aria-hidden': 'true' });
  const button = h('button', { type: 'button', class: 'btn btn-outline outbox-button', 'data-testid': 'outbox-button', hidden: true, onclick: () => void openOutbox() }, words, short);

  const render = async () => {
    const writes = await myWrites();
    const failed = writes.filter((w) => w.failure).length;
    const offline = !navigator.onLine;
    button.dataset.pending = String(writes.length - failed);
    button.dataset.failed = String(failed);
    button.dataset.offline = String(offline);
    button.hidden = !writes.length && !offline;
    button.classList.toggle('outbox-failed', failed > 0);
    button.classList.toggle('outbox-offline', offline);
    const parts = [offline ? t('outbox.offline') : '', writes.length - failed ? t('outbox.pending', { n: writes.length - failed }) : '', failed ? t('outbox.failed', { n: failed }) : ''];
    words.textContent = parts.filter(Boolean).join(' · ');
    short.textContent = [offline ? '⚠' : '', writes.length - failed ? `↑${writes.length - failed}` : '', failed ? `✕${failed}` : ''].filter(Boolean).join(' ');
    button.setAttribute('aria-label', `${words.textContent} — ${t('outbox.open')}`);
    button.title = t('outbox.open');
  };
  const refresh = () => void render();
  onOutboxChange(refresh);
  window.addEventListener('online', refresh);
  window.addEventListener('offline', refresh);
  onLangChange(refresh);
  return { button, refresh };
}

async function openOutbox(): Promise<void> {
  const list = h('ul', { class: 'outbox-list', 'data-testid': 'outbox-list' });
  const sendNow = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'outbox-send', i18n: 'outbox.sendNow', onclick: () => void syncOutbox() });
  const close = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'outbox-close', i18n: 'outbox.close' });
  const dialog = h(
    'dialog',
    { class: 'confirm-dialog outbox-dialog', 'data-testid': 'outbox-dialog', 'aria-labelledby': 'outbox-title' },
    h('h2', { id: 'outbox-title', class: 'confirm-title', i18n: 'outbox.title' }),
    h('p', { class: 'muted small', i18n: 'outbox.explain' }),
    list,
    h('div', { class: 'confirm-actions' }, close, sendNow),
  );

  const render = async () => {
    const writes = await myWrites();
    list.replaceChildren(...(writes.length ? writes.map(row) : [h('li', { class: 'muted', i18n: 'outbox.empty' })]));
    sendNow.disabled = !writes.some((w) => !w.failure);
  };
  const stop = onOutboxChange(() => void render());
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    stop();
    dialog.remove();
  });
  document.body.append(dialog);
  await render();
  dialog.showModal();
}

function row(w: QueuedWrite): HTMLElement {
  const what = labelText(w.label);
  const state = w.failure
    ? h(
        'div',
        { class: 'outbox-failure', 'data-testid': 'outbox-failure', 'data-status': String(w.refusal?.status ?? '') },
        t('outbox.refusedAs', { message: failureText(w) }),
        ...fieldNames(w).map((names) => h('div', { 'data-testid': 'outbox-fields' }, t('outbox.fields', { fields: names }))),
      )
    : h('div', { class: 'muted small', i18n: w.after ? 'outbox.waitsForReport' : 'outbox.waiting' });
  const actions = w.failure
    ? h(
        'div',
        { class: 'outbox-actions' },
        // An intake the server refused goes back to its form to be corrected (sent again unchanged it would be refused again).
        isIntakeWrite(w)
          ? h('a', {
              class: 'btn btn-outline btn-small',
              'data-testid': 'outbox-edit',
              href: `#/cases/new?outbox=${encodeURIComponent(w.key)}`,
              i18n: 'outbox.edit',
              onclick: (ev: Event) => (ev.currentTarget as HTMLElement).closest('dialog')?.close(),
            })
          : null,
        isStale(w) || isIntakeWrite(w) ? null : h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'outbox-retry', i18n: 'outbox.retry', onclick: () => void retryWrite(w.key) }),
        h('button', {
          type: 'button',
          class: 'btn btn-outline btn-small',
          'data-testid': 'outbox-discard',
          i18n: 'outbox.discard',
          onclick: async () => {
            const yes = await confirmAction({ title: t('outbox.discardTitle'), body: [h('p', {}, what)], confirmKey: 'outbox.discard', danger: true });
            if (yes) await discardWrite(w.key);
          },
        }),
      )
    : null;
  return h(
    'li',
    { class: `outbox-row${w.failure ? ' failed' : ''}`, 'data-testid': 'outbox-row', 'data-key': w.key },
    h('div', { class: 'outbox-what' }, h('strong', {}, what), h('span', { class: 'muted small' }, formatDateTime(w.queuedAt, getLang()))),
    state,
    actions,
  );
}

/** The fields a refused write named, in the user's language (for the kinds whose forms name them: an intake). */
function fieldNames(w: QueuedWrite): string[] {
  if (!isIntakeWrite(w)) return [];
  const names = intakeFieldLabels(w.refusal?.fields ?? []).map((k) => t(k));
  return names.length ? [names.join(getLang() === 'zh' ? '、' : ', ')] : [];
}
