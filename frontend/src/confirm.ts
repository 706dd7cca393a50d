// A modal confirmation before an action that cannot be taken back (approve, dispatch, pay, cancel):
// it says what will happen and resolves true only when the user confirms. Escape, the cancel
// button and a click outside the box all resolve false.
import { h } from './dom';
import type { MsgKey } from './i18n';

export interface ConfirmOptions {
  title: string;
  /** What will happen: counts, amounts, the list of items. */
  body: Node[];
  confirmKey: MsgKey;
  /** Red confirm button for destructive actions (cancel, reject). */
  danger?: boolean;
}

export function confirmAction({ title, body, confirmKey, danger = false }: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'confirm-ok', i18n: confirmKey });
    const cancel = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'confirm-cancel', i18n: 'confirm.cancel' });
    const dialog = h(
      'dialog',
      { class: 'confirm-dialog', 'data-testid': 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title', class: 'confirm-title' }, title),
      h('div', { class: 'confirm-body' }, ...body),
      h('div', { class: 'confirm-actions' }, cancel, ok),
    );
    let answered = false;
    const answer = (yes: boolean) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(yes);
    };
    ok.addEventListener('click', () => answer(true));
    cancel.addEventListener('click', () => answer(false));
    // Escape closes the dialog itself; a click on the backdrop lands on the dialog element.
    dialog.addEventListener('close', () => answer(false));
    dialog.addEventListener('click', (e) => e.target === dialog && answer(false));
    document.body.append(dialog);
    dialog.showModal();
    // The safe choice has the focus, so a stray Enter does not confirm.
    cancel.focus();
  });
}
