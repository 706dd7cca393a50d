// A city-scale list of households on screen (the staff grant list #/grants/{id} and the public
// disclosure #/public/{id}, thousands of lines each): a search box, an area (township) filter with
// counts, pages of 50, the totals of what the filter leaves next to the list's own, and printing
// every filtered line (all pages) under the list's heading. The pure filtering and paging
// (unit-tested in listview.test.ts) come first; createListView puts them on screen for both.
import { h } from './dom';
import { formatDateTime, formatFen, formatInteger } from './format';
import { getLang, t, type MsgKey } from './i18n';
import { printSheets } from './print';
import { normaliseDigits } from './util';
import type { Column } from './widgets';

/** Lines shown on one page unless the screen says otherwise. */
export const PAGE_SIZE = 50;

/** One line of a list as the filter sees it; `row` is the screen's own line. */
export interface ListItem<T> {
  row: T;
  /** Its position in the whole list, from 1 (the number the table shows). */
  no: number;
  /** What the area filter groups by: a township code, or a name when only names are known. */
  area: string;
  /** That area as the filter names it. */
  areaName: string;
  amount_fen: number;
  /** The texts the search box looks in, normalised (see `searchText`). */
  haystack: string[];
}

export interface ItemFacts {
  area: string;
  areaName: string;
  amount_fen: number;
  /** Masked name, masked ID number, reason, area names…: anything the search box should find. */
  texts: ReadonlyArray<string | null | undefined>;
}

/** Text as the search compares it: full-width digits made plain, lower case, no surrounding space. */
export function searchText(s: string): string {
  return normaliseDigits(s).toLowerCase();
}

/** A screen's line made into an item the filter can use. */
export function listItem<T>(row: T, no: number, facts: ItemFacts): ListItem<T> {
  const haystack: string[] = [];
  for (const text of facts.texts) {
    if (!text) continue;
    const s = searchText(text);
    haystack.push(s);
    // "张明" finds 张*明 and "36041234" finds 3604**********1234.
    if (s.includes('*')) haystack.push(s.replace(/\*+/g, ''));
  }
  return { row, no, area: facts.area, areaName: facts.areaName, amount_fen: facts.amount_fen, haystack };
}

/** The words of a search, each of which a line must contain somewhere; stars are ignored. */
export function searchTerms(q: string): string[] {
  return searchText(q)
    .split(/\s+/)
    .map((w) => w.replace(/\*+/g, ''))
    .filter(Boolean);
}

export interface ListFilter {
  /** What was typed in the search box. */
  q: string;
  /** An `area` key, or '' for all. */
  area: string;
}

export function matches<T>(item: ListItem<T>, terms: readonly string[]): boolean {
  return terms.every((w) => item.haystack.some((s) => s.includes(w)));
}

/** The lines the search and area filter leave, in list order. */
export function filterItems<T>(items: ReadonlyArray<ListItem<T>>, filter: ListFilter): Array<ListItem<T>> {
  const terms = searchTerms(filter.q);
  return items.filter((it) => (!filter.area || it.area === filter.area) && matches(it, terms));
}

/** Whether a filter narrows the list at all. */
export function isFiltering(filter: ListFilter): boolean {
  return Boolean(filter.area) || searchTerms(filter.q).length > 0;
}

export interface AreaChoice {
  key: string;
  name: string;
  count: number;
}

/** The areas present in the lines, with how many lines each has, in key order (codes: the official order). */
export function areaChoices<T>(items: ReadonlyArray<ListItem<T>>): AreaChoice[] {
  const byKey = new Map<string, AreaChoice>();
  for (const it of items) {
    const c = byKey.get(it.area);
    if (c) c.count += 1;
    else byKey.set(it.area, { key: it.area, name: it.areaName || it.area, count: 1 });
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key, 'zh-CN'));
}

export interface PageSlice {
  /** The page shown, from 1 (clamped to the pages there are). */
  page: number;
  /** How many pages, at least 1. */
  pages: number;
  /** Index of the first line shown (0-based) and one past the last. */
  start: number;
  end: number;
}

/** Which lines of `count` page `page` shows, `size` to a page. */
export function pageSlice(count: number, page: number, size: number = PAGE_SIZE): PageSlice {
  const per = Math.max(1, Math.floor(size) || PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(Math.max(0, count) / per));
  const p = Math.min(pages, Math.max(1, Math.floor(page) || 1));
  const start = Math.min(count, (p - 1) * per);
  return { page: p, pages, start, end: Math.min(count, start + per) };
}

/** Households and the amount of the lines. */
export function totals<T>(items: ReadonlyArray<ListItem<T>>): { households: number; total_fen: number } {
  return { households: items.length, total_fen: items.reduce((s, it) => s + it.amount_fen, 0) };
}

/** The area key of a line by its division code: its township (the first 9 digits of a village code). */
export function townshipKey(code: string): string {
  return code.length > 9 ? code.slice(0, 9) : code;
}

// ---- on screen --------------------------------------------------------------------------------

export interface ListViewOptions<T> {
  /** data-testid of the table (the screens' tests know it). */
  testid: string;
  columns: Column[];
  /** One table row for a line (the print sheet uses it too, without its test ids). */
  row: (item: ListItem<T>) => HTMLTableRowElement;
  /** Label of the area filter. */
  areaLabel: MsgKey;
  /** The list's own figures, shown next to those of the filtered lines. */
  listTotals: () => { households: number; total_fen: number };
  /** Heading and facts of the printed sheet. */
  printTitle: () => string;
  printMeta?: () => string[];
  pageSize?: number;
}

export interface ListView<T> {
  el: HTMLElement;
  /** New lines (a reload, names that arrived): the filter stays, the page stays where it can. */
  setItems(items: Array<ListItem<T>>): void;
  /** Redraw, e.g. after a language switch. */
  render(): void;
  /** The filtered lines, in order. */
  filtered(): Array<ListItem<T>>;
  /** Print every filtered line. */
  print(): void;
}

/** "Label: value", with the colon of the language. */
export function labelled(label: string, value: string): string {
  return getLang() === 'zh' ? `${label}：${value}` : `${label}: ${value}`;
}

const flexWrap = (el: HTMLElement, gap = '8px 14px') => {
  el.style.flexWrap = 'wrap';
  el.style.gap = gap;
  return el;
};

export function createListView<T>(opts: ListViewOptions<T>): ListView<T> {
  const size = opts.pageSize ?? PAGE_SIZE;
  let items: Array<ListItem<T>> = [];
  let shown: Array<ListItem<T>> = [];
  let page = 1;

  const search = h('input', {
    type: 'search',
    class: 'input',
    autocomplete: 'off',
    maxlength: 60,
    'data-testid': 'list-search',
    i18nPlaceholder: 'list.searchPlaceholder',
  });
  search.style.width = '100%';
  search.style.minWidth = '0';
  const area = h('select', { class: 'select', 'data-testid': 'list-area' });
  area.style.maxWidth = '100%';
  const printBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'list-print', i18n: 'list.print' });
  const searchField = h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'list.search' }), search);
  searchField.style.flex = '1 1 220px';
  searchField.style.maxWidth = '420px';
  searchField.style.minWidth = '0';
  const areaField = h('label', { class: 'field' }, h('span', { class: 'muted', i18n: opts.areaLabel }), area);
  areaField.style.minWidth = '0';
  areaField.style.maxWidth = '100%';
  const form = h('form', { class: 'hh-search list-tools', role: 'search', 'data-testid': 'list-tools' }, searchField, areaField, printBtn);
  form.style.flex = '1 1 auto';
  form.style.minWidth = '0';
  form.addEventListener('submit', (ev) => ev.preventDefault());

  const totalAll = h('span', { 'data-testid': 'list-total-all' });
  const totalFiltered = h('span', { class: 'strong', 'data-testid': 'list-total-filtered' });
  const totalsBox = flexWrap(h('div', { class: 'list-totals muted small', 'data-testid': 'list-totals' }, totalAll, totalFiltered), '2px 18px');
  totalsBox.style.display = 'flex';
  totalsBox.style.padding = '0 16px 10px';

  const table = h(
    'table',
    { class: 'data-table', 'data-testid': opts.testid },
    h('thead', {}, h('tr', {}, ...opts.columns.map((c) => h('th', { scope: 'col', class: c.cls, i18n: c.key })))),
  );
  const body = h('tbody');
  table.append(body);

  const showing = h('span', { class: 'muted', 'data-testid': 'list-showing' });
  const prev = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'list-prev', i18n: 'hh.prev' });
  const next = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'list-next', i18n: 'hh.next' });
  const pageNo = h('span', { class: 'muted nowrap', 'data-testid': 'list-page' });
  // Prev, "page x of y" and next stay together: on a phone they go under "showing a–b of n" as one.
  const nav = h('div', { class: 'list-nav' }, prev, pageNo, next);
  Object.assign(nav.style, { display: 'flex', alignItems: 'center', gap: '12px', marginLeft: 'auto' });
  const pager = flexWrap(h('div', { class: 'pager', 'data-testid': 'list-pager' }, showing, nav));

  const el = h(
    'div',
    { class: 'list-view', 'data-testid': 'list-view' },
    h('div', { class: 'card-head' }, form),
    totalsBox,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );

  const filter = (): ListFilter => ({ q: search.value, area: area.value });

  const fillAreas = () => {
    const lang = getLang();
    const wanted = area.value;
    const choices = areaChoices(items);
    area.replaceChildren(
      h('option', { value: '' }, t('list.allAreas', { n: formatInteger(items.length, lang) })),
      ...choices.map((c) => h('option', { value: c.key, 'data-count': String(c.count) }, t('list.areaOption', { name: c.name, n: formatInteger(c.count, lang) }))),
    );
    area.value = choices.some((c) => c.key === wanted) ? wanted : '';
    // One area only: nothing to choose.
    areaField.hidden = choices.length < 2 && !area.value;
  };

  const render = () => {
    const lang = getLang();
    const f = filter();
    shown = filterItems(items, f);
    const slice = pageSlice(shown.length, page, size);
    page = slice.page;
    const all = opts.listTotals();
    const mine = totals(shown);
    totalAll.textContent = t('list.totalAll', { n: formatInteger(all.households, lang), amount: formatFen(all.total_fen, lang) });
    totalFiltered.hidden = !isFiltering(f);
    totalFiltered.textContent = t('list.totalFiltered', { n: formatInteger(mine.households, lang), amount: formatFen(mine.total_fen, lang) });
    totalFiltered.dataset.households = String(mine.households);
    totalFiltered.dataset.fen = String(mine.total_fen);
    showing.textContent = shown.length
      ? t('list.showing', { from: formatInteger(slice.start + 1, lang), to: formatInteger(slice.end, lang), n: formatInteger(shown.length, lang) })
      : t('list.showingNone');
    pageNo.textContent = t('list.page', { page: formatInteger(slice.page, lang), pages: formatInteger(slice.pages, lang) });
    prev.disabled = slice.page <= 1;
    next.disabled = slice.page >= slice.pages;
    printBtn.disabled = !shown.length;
    el.dataset.matched = String(shown.length);
    el.dataset.page = String(slice.page);
    el.dataset.pages = String(slice.pages);
    const span = opts.columns.length;
    if (!items.length) body.replaceChildren(h('tr', {}, h('td', { colspan: span, class: 'empty-cell', i18n: 'grants.empty' })));
    else if (!shown.length) body.replaceChildren(h('tr', {}, h('td', { colspan: span, class: 'empty-cell', 'data-testid': 'list-no-match', i18n: 'list.noMatch' })));
    else body.replaceChildren(...shown.slice(slice.start, slice.end).map((it) => opts.row(it)));
  };

  const refilter = () => {
    page = 1;
    render();
  };
  search.addEventListener('input', refilter);
  area.addEventListener('change', refilter);
  // A new page starts at its first line: back up to the table's top when it is out of sight.
  const turn = (by: number) => {
    page += by;
    render();
    if (el.getBoundingClientRect().top < 0) el.scrollIntoView({ block: 'start' });
  };
  prev.addEventListener('click', () => turn(-1));
  next.addEventListener('click', () => turn(1));

  const print = () => {
    const lang = getLang();
    const f = filter();
    const rows = filterItems(items, f);
    const mine = totals(rows);
    const chosen = f.area ? (area.selectedOptions[0]?.textContent ?? f.area) : '';
    const facts = [
      ...(opts.printMeta?.() ?? []),
      ...(searchTerms(f.q).length ? [t('list.printSearch', { q: f.q.trim() })] : []),
      ...(chosen ? [labelled(t(opts.areaLabel), chosen)] : []),
      t('list.totalFiltered', { n: formatInteger(mine.households, lang), amount: formatFen(mine.total_fen, lang) }),
    ];
    const lines = rows.map((it) => {
      const tr = opts.row(it);
      tr.removeAttribute('data-testid');
      tr.querySelectorAll('[data-testid]').forEach((n) => n.removeAttribute('data-testid'));
      return tr;
    });
    const sheet = h(
      'article',
      { class: 'print-sheet list-sheet', 'data-testid': 'list-sheet', 'data-rows': String(rows.length) },
      h('header', { class: 'print-head' }, h('h1', {}, opts.printTitle()), h('div', { class: 'print-meta' }, ...facts.map((s) => h('span', {}, s)))),
      h(
        'table',
        { class: 'print-table' },
        h('thead', {}, h('tr', {}, ...opts.columns.map((c) => h('th', {}, t(c.key))))),
        h('tbody', {}, ...lines),
      ),
      h('p', { class: 'print-foot print-generated' }, t('list.printedAt', { time: formatDateTime(new Date().toISOString(), lang) })),
    );
    printSheets([sheet]);
  };
  printBtn.addEventListener('click', print);

  return {
    el,
    setItems(next: Array<ListItem<T>>) {
      items = next;
      fillAreas();
      render();
    },
    render() {
      fillAreas();
      render();
    },
    filtered: () => filterItems(items, filter()),
    print,
  };
}
