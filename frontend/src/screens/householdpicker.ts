// Choosing a household from the register on a caseworker's form (the application form, the
// winter–spring need form): a search box (name, or the whole ID number), up to 8 matches to pick
// from, and the chosen household with a button to change it. Test ids start with `testid`.
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatInteger } from '../format';
import { householdSearch, householdsApi, type Household } from '../households';
import { getLang, t } from '../i18n';

/** What the picker shows of a household. */
export type PickedHousehold = Pick<Household, 'id' | 'head_name' | 'id_number_masked' | 'members' | 'address'>;

export interface HouseholdPicker {
  /** The search box and its results; the box the form's errors point at. */
  el: HTMLElement;
  /** The search input (for a label's `for` and the focus). */
  input: HTMLInputElement;
  chosen(): PickedHousehold | null;
  set(x: PickedHousehold | null): void;
  /** Redraw in the current language. */
  relabel(): void;
}

export function householdPicker(opts: { testid: string; signal: AbortSignal; onChange(x: PickedHousehold | null): void }): HouseholdPicker {
  const { testid, signal } = opts;
  let chosen: PickedHousehold | null = null;
  const q = h('input', { type: 'search', class: 'input', autocomplete: 'off', maxlength: 40, i18nPlaceholder: 'appForm.householdSearch', 'data-testid': `${testid}-q` });
  const find = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': `${testid}-find`, i18n: 'appForm.find' });
  const results = h('div', { 'data-testid': `${testid}-results`, 'aria-live': 'polite' });
  const chosenBox = h('div', { class: 'objection-chosen', 'data-testid': `${testid}-chosen`, hidden: true });
  const el = h('div', { style: 'display:grid;gap:6px' }, h('div', { style: 'display:flex;gap:8px' }, q, find), chosenBox, results);
  q.style.flex = '1 1 auto';
  q.style.minWidth = '0';

  const show = () => {
    const lang = getLang();
    chosenBox.hidden = !chosen;
    q.hidden = Boolean(chosen);
    find.hidden = Boolean(chosen);
    if (!chosen) return chosenBox.replaceChildren();
    const c = chosen;
    chosenBox.dataset.householdId = String(c.id);
    chosenBox.replaceChildren(
      h('span', { class: 'strong' }, c.head_name),
      ' ',
      h('span', { class: 'mono' }, c.id_number_masked),
      ' · ',
      h('span', {}, t('appForm.members', { n: formatInteger(c.members, lang) })),
      h('div', { class: 'muted small' }, c.address),
      h('button', {
        type: 'button',
        class: 'btn btn-ghost btn-small',
        'data-testid': `${testid}-change`,
        i18n: 'appForm.change',
        onclick: () => {
          set(null);
          q.focus();
        },
      }),
    );
  };
  const set = (x: PickedHousehold | null) => {
    chosen = x;
    if (x) results.replaceChildren();
    show();
    opts.onChange(x);
  };

  let seq = 0;
  const search = async () => {
    const query = householdSearch(q.value);
    if (!query.q && !query.id_number) return;
    const my = ++seq;
    results.replaceChildren(h('p', { class: 'muted small', i18n: 'appForm.searching' }));
    try {
      const res = await householdsApi.search({ ...query, limit: 8 }, { signal });
      if (my !== seq) return;
      const lang = getLang();
      if (!res.households.length) return void results.replaceChildren(h('p', { class: 'muted small', 'data-testid': `${testid}-none`, i18n: 'appForm.noMatch' }));
      results.replaceChildren(
        h('p', { class: 'muted small' }, t('appForm.matches', { n: formatInteger(res.total, lang) })),
        h(
          'ul',
          { class: 'objection-pick-list' },
          ...res.households.map((x) =>
            h(
              'li',
              {},
              h(
                'button',
                { type: 'button', class: 'objection-pick', 'data-testid': `${testid}-pick-${x.id}`, onclick: () => set(x) },
                h('span', { class: 'strong' }, x.head_name),
                h('span', { class: 'mono' }, x.id_number_masked),
                h('span', {}, t('appForm.members', { n: formatInteger(x.members, lang) })),
                h('span', { class: 'muted small' }, x.address),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      if (isAbort(err) || my !== seq) return;
      results.replaceChildren(h('p', { class: 'form-error' }, errorText(err)));
    }
  };
  find.addEventListener('click', () => void search());
  q.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    void search();
  });

  return { el, input: q, chosen: () => chosen, set, relabel: show };
}
