// Pieces the long lists under the one-window tab share (the detection alerts, the cross-programme
// checks): the county → township choice behind ?area=, with the names of the places, the
// "show 50 more" bar under the list, and the form that closes an item with a reason (an alert's
// dismissal, a finding's resolution).
import { areaGroups, checkReason, shownCount, townshipOf, type AreaGroup } from '../../cases';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { isAbort } from '../../errors';
import { formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { getLang, t, type MsgKey } from '../../i18n';

/** A county, township or village code from the address (?area=), or '' for the caller's whole scope. */
export function areaParam(params: URLSearchParams): string {
  const code = params.get('area') ?? '';
  return /^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/.test(code) ? code : '';
}

export interface AreaPicker {
  select: HTMLSelectElement;
  /** The township's name of a code (a village's township), else the county's, else the code. */
  place: (code: string) => string;
  /** Loads the names of the townships and counties once (the list works without them). */
  load: (signal: AbortSignal) => Promise<void>;
  /** (Re)draws the options, e.g. on a language switch, keeping the chosen area. */
  render: (chosen: string) => void;
}

/** The area choice within `scope` (the caller's area code; '' for everywhere). */
export function areaPicker(opts: { id: string; testid: string; scope: string }): AreaPicker {
  const select = h('select', { class: 'select', id: opts.id, 'data-testid': opts.testid });
  const names = new Map<string, string>();
  let groups: AreaGroup[] = [];
  const none = () => [] as AreaRow[];
  return {
    select,
    place: (code) => names.get(townshipOf(code)) ?? names.get(code) ?? code,
    async load(signal) {
      if (names.size) return;
      const [towns, counties] = await Promise.all([
        disasterApi.areas({ level: 'township' }, { signal }).catch(none),
        disasterApi.areas({ level: 'county' }, { signal }).catch(none),
      ]);
      for (const a of [...towns, ...counties]) names.set(a.code, a.name);
      if (towns.length) groups = areaGroups(towns, counties, opts.scope);
    },
    render(chosen) {
      select.replaceChildren(
        h('option', { value: '', i18n: 'alerts.areaAll' }),
        ...groups.map((g) =>
          h(
            'optgroup',
            { label: g.county.name },
            h('option', { value: g.county.code }, t('alerts.areaCounty', { county: g.county.name })),
            ...g.townships.map((x) => h('option', { value: x.code }, x.name)),
          ),
        ),
      );
      // A village code (from a link) keeps its township's name on the list.
      if (chosen && !groups.some((g) => g.county.code === chosen || g.townships.some((x) => x.code === chosen)))
        select.append(h('option', { value: chosen }, names.get(townshipOf(chosen)) ?? chosen));
      select.value = chosen;
    },
  };
}

export interface MoreBar {
  el: HTMLElement;
  /** How many rows to show of `total`, when `wanted` were asked for: 50 at least. */
  count: (total: number, wanted: number) => number;
  /** After a render: `rows` of `total` are on the list. */
  render: (rows: number, total: number) => void;
}

/**
 * The bar under a list shown 50 at a time: how many are shown and a button for the next 50. The
 * button calls `show` with the new count; the first new row then takes the focus, so a phone
 * carries on from where it was.
 */
export function moreBar(opts: { testid: string; list: HTMLElement; show: (count: number) => void }): MoreBar {
  const more = h('button', { type: 'button', class: 'btn btn-outline al-more', 'data-testid': `${opts.testid}-more`, hidden: true });
  const note = h('span', { class: 'muted small', 'data-testid': `${opts.testid}-shown`, hidden: true });
  more.addEventListener('click', () => {
    const before = opts.list.children.length;
    opts.show(before + 50);
    const first = opts.list.children[before] as HTMLElement | undefined;
    if (first) {
      first.tabIndex = -1;
      first.focus();
    }
  });
  return {
    el: h('div', { class: 'al-more-bar' }, note, more),
    count: (total, wanted) => shownCount(total, wanted).show,
    render(rows, total) {
      const lang = getLang();
      const left = total - rows;
      more.hidden = note.hidden = left <= 0;
      more.textContent = t('alerts.more', { n: formatInteger(Math.min(50, left), lang), left: formatInteger(left, lang) });
      note.textContent = t('alerts.shown', { shown: formatInteger(rows, lang), total: formatInteger(total, lang) });
    },
  };
}

/**
 * A reason, checked (required, at most 1000 characters), then confirmed, then sent: the form under
 * a row of the list. Test ids: `{prefix}-reason`, `{prefix}-form-error`, `{prefix}-form-cancel`. A
 * server refusal of the reason shows beside it; `stale` handles the others it knows (someone else
 * acted first) and says whether it did.
 */
export function reasonForm(opts: {
  prefix: string;
  testid: string;
  submitTestid: string;
  labelKey: MsgKey;
  hintKey: MsgKey;
  submitKey: MsgKey;
  danger?: boolean;
  cancel: () => void;
  confirm: (reason: string) => Promise<boolean>;
  send: (reason: string) => Promise<void>;
  stale: (err: unknown) => boolean;
}): HTMLElement {
  const { prefix } = opts;
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `${prefix}-form-error` });
  const errors = formErrors<'reason'>(formError);
  const reason = h('textarea', { class: 'input textarea', rows: 2, maxlength: 1000 });
  const submit = h('button', { type: 'submit', class: `btn ${opts.danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': opts.submitTestid, i18n: opts.submitKey });
  const cancel = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': `${prefix}-form-cancel`, i18n: 'alerts.cancel', onclick: opts.cancel });
  const form = h(
    'form',
    { novalidate: true, class: 'cs-form al-form', 'data-testid': opts.testid },
    errorField(errors, 'reason', opts.labelKey, reason, `${prefix}-reason`, h('span', { class: 'field-hint', i18n: opts.hintKey })),
    formError,
    h('div', { class: 'form-actions' }, cancel, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const checked = checkReason(reason.value);
    if ('key' in checked) {
      errors.byField.set('reason', { key: checked.key });
      errors.render();
      reason.focus();
      return;
    }
    errors.render();
    if (!(await opts.confirm(checked.reason))) return;
    submit.disabled = true;
    try {
      await opts.send(checked.reason);
    } catch (err) {
      if (isAbort(err) || opts.stale(err)) return;
      showServerErrors(errors, err, (f) => (f === 'reason' ? 'reason' : null));
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', { class: 'al-form-wrap' }, form);
}
