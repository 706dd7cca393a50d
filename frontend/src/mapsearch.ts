// Place search on the map: a combobox that finds a county or township by name or division code
// (no pinyin) and hands the chosen area to the map, which flies there and opens its popup.
// `matchAreas` is pure (unit-tested); `createMapSearch` builds the box (keyboard: ↑ ↓ Enter Esc).
import { h } from './dom';
import { t } from './i18n';

export interface SearchEntry {
  code: string;
  name: string;
  level: 'county' | 'township';
  /** The county's name, for a township. */
  county?: string;
}

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * The areas matching a query, best first: exact name or code, then names starting with the query,
 * names containing it, codes starting with it (two digits or more); counties before townships,
 * then by code. At most `limit`.
 */
export function matchAreas(entries: readonly SearchEntry[], query: string, limit = 8): SearchEntry[] {
  const q = norm(query);
  if (!q) return [];
  const digits = /^\d+$/.test(q);
  const scored: Array<{ e: SearchEntry; rank: number }> = [];
  for (const e of entries) {
    const name = norm(e.name);
    let rank = -1;
    if (name === q || e.code === q) rank = 0;
    else if (name.startsWith(q)) rank = 1;
    else if (name.includes(q)) rank = 2;
    else if (digits && q.length >= 2 && e.code.startsWith(q)) rank = 3;
    if (rank >= 0) scored.push({ e, rank });
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      (a.e.level === b.e.level ? 0 : a.e.level === 'county' ? -1 : 1) ||
      (a.e.code < b.e.code ? -1 : a.e.code > b.e.code ? 1 : 0),
  );
  return scored.slice(0, limit).map((s) => s.e);
}

export interface MapSearch {
  element: HTMLElement;
  /** Closes the list (e.g. when the map is clicked). */
  close(): void;
  relabel(): void;
}

let seq = 0;

export function createMapSearch(opts: { entries(): readonly SearchEntry[]; onPick(entry: SearchEntry): void }): MapSearch {
  const id = `map-search-${++seq}`;
  const input = h('input', {
    type: 'search',
    class: 'input map-search-input',
    id,
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `${id}-list`,
    'data-testid': 'map-search',
    i18nPlaceholder: 'map.searchPlaceholder',
    i18nAriaLabel: 'map.searchLabel',
  });
  const list = h('ul', { class: 'map-search-list', id: `${id}-list`, role: 'listbox', hidden: true, 'data-testid': 'map-search-results', i18nAriaLabel: 'map.searchLabel' });
  const element = h('div', { class: 'map-search', 'data-testid': 'map-search-box' }, input, list);
  let results: SearchEntry[] = [];
  let active = -1;

  const setActive = (i: number) => {
    active = results.length ? (i + results.length) % results.length : -1;
    list.querySelectorAll<HTMLElement>('[role="option"]').forEach((li, j) => {
      li.setAttribute('aria-selected', String(j === active));
      if (j === active) li.scrollIntoView({ block: 'nearest' });
    });
    if (active >= 0) input.setAttribute('aria-activedescendant', `${id}-opt-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const pick = (e: SearchEntry) => {
    input.value = e.name;
    close();
    opts.onPick(e);
  };

  const render = () => {
    const q = input.value;
    results = matchAreas(opts.entries(), q);
    if (!q.trim()) {
      close();
      return;
    }
    list.replaceChildren(
      ...(results.length
        ? results.map((e, i) =>
            h(
              'li',
              {
                id: `${id}-opt-${i}`,
                role: 'option',
                class: 'map-search-option',
                'aria-selected': 'false',
                'data-code': e.code,
                'data-testid': `map-search-option-${e.code}`,
                // mousedown, not click: the input keeps its focus.
                onmousedown: (ev: Event) => {
                  ev.preventDefault();
                  pick(e);
                },
              },
              h('span', { class: 'map-search-name' }, e.name),
              h('small', { class: 'muted' }, `${e.level === 'county' ? t('map.levelCounty') : e.county ? `${e.county} · ${t('map.levelTownship')}` : t('map.levelTownship')} · ${e.code}`),
            ),
          )
        : [h('li', { class: 'map-search-none muted', role: 'presentation', 'data-testid': 'map-search-none' }, t('map.searchNone'))]),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', String(results.length > 0));
    setActive(results.length ? 0 : -1);
  };

  input.addEventListener('input', render);
  input.addEventListener('focus', () => {
    if (input.value.trim()) render();
  });
  input.addEventListener('blur', () => close());
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (list.hidden) render();
      else setActive(active + (ev.key === 'ArrowDown' ? 1 : -1));
    } else if (ev.key === 'Enter') {
      if (list.hidden) render();
      const e = results[active >= 0 ? active : 0];
      if (e) {
        ev.preventDefault();
        pick(e);
      }
    } else if (ev.key === 'Escape') {
      if (!list.hidden) {
        ev.preventDefault();
        close();
      } else if (input.value) {
        ev.preventDefault();
        input.value = '';
      }
    }
  });

  return {
    element,
    close,
    relabel() {
      if (!list.hidden) render();
    },
  };
}
