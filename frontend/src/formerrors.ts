// The errors of a form: a message beside each field and one above the button, each a table key
// or the server's words (see Msg). The depot's movement forms and the loss report share it.
import { msgText, type Msg } from './i18n';

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
