// The errors of a form: a message beside each field and one above the button, each a table key
// or the server's words (see Msg). The depot's movement forms and the loss report share it.
import { h } from './dom';
import { ApiError, errorText, serverFieldErrors } from './errors';
import { msgText, type Msg, type MsgKey } from './i18n';

export interface FieldNodes {
  wrap: HTMLElement;
  error: HTMLElement;
  control: HTMLElement;
}

export interface FormErrors<F extends string> {
  /** Each field's nodes, in the form's order (registered as the form is built). */
  readonly fields: Map<F, FieldNodes>;
  readonly byField: Map<F, Msg>;
  /** The message above the button. */
  form: Msg | null;
  render(): void;
  /** Forget every message (render to show it). */
  clear(): void;
  /** An edited field's message is stale: drop it. */
  dismiss(field: F): void;
  /** The control of the first field with a message, to focus. */
  firstInvalid(): HTMLElement | undefined;
}

export function formErrors<F extends string>(formError: HTMLElement): FormErrors<F> {
  const fields = new Map<F, FieldNodes>();
  const byField = new Map<F, Msg>();
  const self: FormErrors<F> = {
    fields,
    byField,
    form: null,
    render() {
      for (const [field, node] of fields) {
        const m = byField.get(field);
        node.error.hidden = !m;
        node.error.textContent = m ? msgText(m) : '';
        node.wrap.classList.toggle('invalid', !!m);
        node.control.setAttribute('aria-invalid', m ? 'true' : 'false');
      }
      formError.hidden = !self.form;
      formError.textContent = self.form ? msgText(self.form) : '';
    },
    clear() {
      byField.clear();
      self.form = null;
    },
    dismiss(field) {
      if (byField.delete(field)) self.render();
    },
    firstInvalid() {
      return [...fields.entries()].find(([field]) => byField.has(field))?.[1].control;
    },
  };
  return self;
}

/**
 * A labelled field registered with `errors`: label, control, an optional hint, and the line its
 * message shows in. `id` names the control (and, as `<id>-error`, its message for tests).
 */
export function errorField<F extends string>(errors: FormErrors<F>, name: F, labelKey: MsgKey, control: HTMLElement, id: string, hint?: Node): HTMLElement {
  control.id = id;
  control.dataset.testid ??= id;
  const error = h('div', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', error.id);
  const wrap = h('div', { class: 'field' }, h('label', { for: id, i18n: labelKey }), control, hint ?? '', error);
  errors.fields.set(name, { wrap, error, control });
  control.addEventListener('input', () => errors.dismiss(name));
  return wrap;
}

/**
 * Before sending: shows the fields' messages, and when any field has one, asks above the button for
 * them to be fixed and focuses the first. Answers whether the form may be sent.
 */
export function readyToSend<F extends string>(errors: FormErrors<F>): boolean {
  const ready = errors.byField.size === 0;
  if (!ready) errors.form = { key: 'admin.fixErrors' };
  errors.render();
  if (!ready) errors.firstInvalid()?.focus();
  return ready;
}

/**
 * A refused request's messages: each field error beside the field(s) `fieldOf` names for it (one
 * error may concern several, e.g. the shares of a split), the others and any other failure above
 * the button. Renders.
 */
export function showServerErrors<F extends string>(errors: FormErrors<F>, err: unknown, fieldOf: (field: string | null) => F | readonly F[] | null): void {
  errors.clear();
  const leftovers: string[] = [];
  if (err instanceof ApiError && err.status === 422) {
    for (const d of serverFieldErrors(err.details)) {
      const named = fieldOf(d.field);
      const shown = (named === null ? [] : typeof named === 'string' ? [named as F] : [...(named as readonly F[])]).filter((f) => errors.fields.has(f));
      for (const f of shown) errors.byField.set(f, { text: d.reason });
      if (!shown.length) leftovers.push(d.reason);
    }
  }
  // Reasons shown beside their fields are not repeated above the button.
  errors.form = leftovers.length ? { text: leftovers.join('; ') } : errors.byField.size ? { key: 'admin.fixErrors' } : { text: errorText(err) };
  errors.render();
  errors.firstInvalid()?.focus();
}
