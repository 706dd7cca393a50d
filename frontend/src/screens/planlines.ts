// A plan's lines on screen and on paper: the table grouped by depot or destination with per-item
// subtotals and sortable columns, the CSV export, the printed lines sheet, the depots' pick lists
// (拣货单, one depot per page, with signature lines), and what a dispatch or approval will send.
import { h, saveBlob } from '../dom';
import { formatDateTime, formatInteger, formatQuantity, unitLabel } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import {
  csvText,
  groupLines,
  itemTotals,
  lineDepots,
  pickList,
  type DispatchSummary,
  type LineGrouping,
  type LineNames,
  type LineSort,
  type LineSortKey,
} from '../planlines';
import { formatMinutes, type Plan, type PlanLine } from '../plans';
import { printSheets } from '../print';
import { toast } from '../toast';
import { createLineEditor, type LineEditHooks } from './planedit';

/** Names of depots, areas and items, and each item's counting unit (顶, 床 …). */
export interface LineLabels extends LineNames {
  unit(item: string): string;
}

/** The columns of the table; the one the lines are grouped by is left out (the group's row names it). */
const COLUMNS: ReadonlyArray<{ key: LineSortKey; label: MsgKey; num?: boolean }> = [
  { key: 'depot', label: 'plan.depot' },
  { key: 'area', label: 'lines.to' },
  { key: 'item', label: 'plan.item' },
  { key: 'quantity', label: 'plan.quantity', num: true },
  { key: 'travel', label: 'plan.travel', num: true },
];

/** Names as a list: 甲、乙 in Chinese, A, B in English. */
export const listText = (names: string[]) => names.join(getLang() === 'zh' ? '、' : ', ');

/** "label：value" with the colon of the user's language. */
const labelled = (label: MsgKey, value: string) => t('common.labelled', { label: t(label), value });

const quantityOf = (labels: LineLabels, item: string, n: number) => formatQuantity(n, labels.unit(item), getLang());

/** Per-item quantities as spans ("棉被 10 床"), each marked with its item and quantity for tests. */
function itemQuantities(totals: Map<string, number>, labels: LineLabels): HTMLElement {
  return h(
    'span',
    { class: 'item-quantities' },
    ...[...totals].map(([item, n]) => h('span', { class: 'item-quantity', 'data-item': item, 'data-quantity': String(n) }, `${labels.item(item)} ${quantityOf(labels, item, n)}`)),
  );
}

/** What a dispatch (or the approval that reserves the stock) will send, for the confirmation dialog. */
export function dispatchSummaryView(summary: DispatchSummary, labels: LineLabels): Node[] {
  const lang = getLang();
  return [
    h('p', { 'data-testid': 'confirm-summary' }, t('confirm.shipments', { shipments: formatInteger(summary.shipments, lang), lines: formatInteger(summary.lines, lang) })),
    h(
      'ul',
      { class: 'confirm-items', 'data-testid': 'confirm-items' },
      ...[...summary.items].map(([item, n]) => h('li', { 'data-item': item, 'data-quantity': String(n) }, h('span', {}, labels.item(item)), h('strong', {}, quantityOf(labels, item, n)))),
    ),
  ];
}

/** The header row of a sheet: plan number, kind of aid, status and when it was printed. */
function sheetMeta(plan: Plan): HTMLElement {
  const lang = getLang();
  return h(
    'div',
    { class: 'print-meta' },
    ...[
      t('plan.heading', { id: plan.id }),
      labelled('plans.aidType', t(`plans.aid.${plan.aid_type}` as MsgKey)),
      labelled('plans.status', t(`plan.status.${plan.status}` as MsgKey)),
      labelled('pick.printedAt', `${formatDateTime(new Date().toISOString(), lang)}${t('common.beijing')}`),
    ].map((s) => h('span', {}, s)),
  );
}

/** One depot's pick list: each item once, its total and where it goes, then blanks to fill by hand. */
function pickSheet(plan: Plan, depotId: number, labels: LineLabels): HTMLElement {
  const lang = getLang();
  const picks = pickList(plan.lines, depotId, labels);
  const head = ['pick.no', 'plan.item', 'stock.unit', 'pick.quantity', 'pick.destinations', 'pick.picked', 'pick.remark'] as const;
  return h(
    'article',
    { class: 'print-sheet pick-sheet', 'data-testid': `pick-sheet-${depotId}` },
    h('header', { class: 'print-head' }, h('h1', {}, `${t('pick.title')} · ${labels.depot(depotId)}`), sheetMeta(plan)),
    h(
      'table',
      { class: 'print-table' },
      h('thead', {}, h('tr', {}, ...head.map((k) => h('th', {}, t(k))))),
      h(
        'tbody',
        {},
        ...picks.map((p, i) =>
          h(
            'tr',
            { 'data-item': p.item },
            h('td', { class: 'num' }, String(i + 1)),
            h('td', { class: 'item' }, labels.item(p.item)),
            h('td', { class: 'level' }, unitLabel(labels.unit(p.item), lang)),
            h('td', { class: 'num' }, formatInteger(p.quantity, lang)),
            h('td', { class: 'remark' }, p.destinations.map((d) => `${labels.area(d.area)} ${formatInteger(d.quantity, lang)}`).join(lang === 'zh' ? '；' : '; ')),
            h('td', { class: 'blank' }),
            h('td', { class: 'blank' }),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'print-sign pick-sign' },
      ...(['pick.picker', 'pick.checker', 'pick.date'] as const).map((k) => h('span', {}, labelled(k, ''), h('span', { class: 'sign-blank' }))),
    ),
  );
}

/** Print the pick lists of these depots of the plan, one depot per page. */
export function printPickLists(plan: Plan, depotIds: readonly number[], labels: LineLabels): void {
  printSheets(depotIds.map((d) => pickSheet(plan, d, labels)));
}

/**
 * The lines table of the screen, grouping, sorting and the export and print buttons kept across
 * renders; with `edit`, a manager edits a draft's lines in it (see planedit.ts).
 */
export function createLinesView(labels: LineLabels, pickDepots: (plan: Plan) => number[], edit?: LineEditHooks) {
  let grouping: LineGrouping = 'depot';
  let sort: LineSort = { key: 'area', dir: 1 };
  let plan: Plan | null = null;
  const host = h('section', { class: 'card plan-lines-card', 'data-testid': 'plan-lines' });
  const editor = edit
    ? createLineEditor(labels, {
        ...edit,
        done: (p) => {
          if (p) plan = p;
          edit.done(p);
          render();
        },
      }, () => render())
    : null;

  const groups = () => groupLines(plan?.lines ?? [], grouping, sort, labels);
  const columns = () => COLUMNS.filter((c) => c.key !== grouping);

  const lineCell = (key: LineSortKey, l: PlanLine): HTMLElement => {
    switch (key) {
      case 'depot':
        return h('td', { class: 'nowrap' }, labels.depot(l.depot_id));
      case 'area':
        return h('td', { class: 'nowrap' }, labels.area(l.area_code));
      case 'item':
        return h('td', { class: 'nowrap' }, labels.item(l.item));
      case 'quantity':
        return h('td', { class: 'num' }, quantityOf(labels, l.item, l.quantity));
      case 'travel':
        return h(
          'td',
          { class: `num${l.late ? ' text-danger' : ''}` },
          formatMinutes(l.travel_minutes, getLang()),
          l.late ? h('span', { class: 'badge badge-danger late-badge', 'data-testid': 'line-late' }, t('lines.late')) : '',
        );
    }
  };

  const setGrouping = (g: LineGrouping) => {
    grouping = g;
    // Sorting by the grouped column would change nothing: sort by the other place instead.
    if (sort.key === g) sort = { key: g === 'depot' ? 'area' : 'depot', dir: 1 };
    render();
  };

  const headCells = (keys: readonly LineSortKey[] = columns().map((c) => c.key)) =>
    COLUMNS.filter((c) => keys.includes(c.key)).map((c) => {
      const on = sort.key === c.key;
      return h(
        'th',
        { scope: 'col', class: c.num ? 'num' : undefined, 'aria-sort': on ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none' },
        h(
          'button',
          {
            type: 'button',
            class: 'sort-button',
            'data-testid': `lines-sort-${c.key}`,
            title: t('lines.sortBy'),
            onclick: () => {
              // Numbers sort largest first on the first click, names from A.
              sort = on ? { key: c.key, dir: sort.dir === 1 ? -1 : 1 } : { key: c.key, dir: c.num ? -1 : 1 };
              render();
            },
          },
          t(c.label),
          on ? (sort.dir === 1 ? ' ▲' : ' ▼') : '',
        ),
      );
    });

  const table = (): HTMLElement => {
    const lines = plan?.lines ?? [];
    const span = columns().length;
    const body: Node[] = [];
    for (const g of groups()) {
      body.push(
        h(
          'tr',
          { class: 'group-row', 'data-testid': `lines-group-${g.key}`, 'data-group': g.key, 'data-quantity': String(g.lines.reduce((s, l) => s + l.quantity, 0)) },
          h(
            'td',
            { colspan: span },
            h('strong', { class: 'group-name' }, g.name),
            h('span', { class: 'muted' }, t('lines.count', { n: formatInteger(g.lines.length, getLang()) })),
            h('span', { class: 'muted' }, labelled('lines.subtotal', '')),
            itemQuantities(g.subtotals, labels),
            grouping === 'depot' && plan && pickDepots(plan).includes(Number(g.key))
              ? h('button', { type: 'button', class: 'btn btn-ghost btn-small no-print', 'data-testid': `lines-pick-${g.key}`, onclick: () => printPicks([Number(g.key)]) }, t('lines.printPickOne'))
              : '',
          ),
        ),
        ...g.lines.map((l) =>
          h(
            'tr',
            { class: l.late ? 'line-row late' : 'line-row', 'data-testid': 'line-row', 'data-depot': String(l.depot_id), 'data-area': l.area_code, 'data-item': l.item, 'data-quantity': String(l.quantity) },
            ...columns().map((c) => lineCell(c.key, l)),
          ),
        ),
      );
    }
    if (!lines.length) body.push(h('tr', {}, h('td', { colspan: span, class: 'empty-cell', i18n: 'lines.none' })));
    return h(
      'table',
      { class: 'data-table plan-lines-table', 'data-testid': 'plan-lines-table', 'data-grouping': grouping },
      h('thead', {}, h('tr', {}, ...headCells())),
      h('tbody', {}, ...body),
      lines.length
        ? h('tfoot', {}, h('tr', { class: 'total-row', 'data-testid': 'lines-total' }, h('td', { colspan: span }, h('strong', {}, labelled('lines.total', '')), itemQuantities(itemTotals(lines), labels))))
        : '',
    );
  };

  /** The lines as CSV, in the order and grouping shown, headers in the user's language. */
  const exportCsv = () => {
    if (!plan) return;
    const header = [t('plan.depot'), t('lines.to'), t('lines.csv.code'), t('plan.item'), t('plan.quantity'), t('stock.unit'), t('lines.csv.minutes'), t('lines.csv.late')];
    const rows = groups().flatMap((g) =>
      g.lines.map((l) => [labels.depot(l.depot_id), labels.area(l.area_code), l.area_code, labels.item(l.item), l.quantity, unitLabel(labels.unit(l.item), getLang()), l.travel_minutes, t(l.late ? 'lines.yes' : 'lines.no')]),
    );
    const name = `plan-${plan.id}-lines.csv`;
    saveBlob(new Blob([csvText(header, rows)], { type: 'text/csv;charset=utf-8' }), name);
    toast(t('export.done', { name }));
  };

  const printLines = () => {
    if (!plan) return;
    const sheet = h(
      'article',
      { class: 'print-sheet lines-sheet', 'data-testid': 'lines-sheet' },
      h('header', { class: 'print-head' }, h('h1', {}, t('lines.title')), sheetMeta(plan)),
      table(),
    );
    printSheets([sheet]);
  };

  const printPicks = (depotIds: number[]) => plan && printPickLists(plan, depotIds, labels);

  const render = () => {
    if (!plan) return;
    const p = plan;
    const seg = (g: LineGrouping, key: MsgKey) =>
      h('button', { type: 'button', class: `seg-tab${grouping === g ? ' active' : ''}`, 'aria-pressed': String(grouping === g), 'data-testid': `lines-group-by-${g}`, onclick: () => setGrouping(g) }, t(key));
    const hasLines = p.lines.length > 0;
    const groupTabs = h('div', { class: 'seg-tabs compact', role: 'group', 'aria-label': t('lines.groupBy') }, seg('depot', 'lines.byDepot'), seg('area', 'lines.byArea'));
    // Drawn anew, the table keeps where it was scrolled to (a line removed far down stays in view).
    const scrolled = host.querySelector('.plan-lines-wrap')?.scrollTop ?? 0;
    const keepScroll = () => {
      const wrap = host.querySelector('.plan-lines-wrap');
      if (wrap) wrap.scrollTop = scrolled;
    };
    if (editor?.active) {
      host.dataset.editing = 'true';
      host.replaceChildren(
        h('div', { class: 'card-head' }, h('h2', {}, t('planedit.title')), h('div', { class: 'plan-actions lines-tools' }, groupTabs)),
        ...editor.view(grouping, sort, (cols) => headCells(cols)),
      );
      return keepScroll();
    }
    delete host.dataset.editing;
    const canEdit = !!edit?.canEdit(p);
    const tools = h(
      'div',
      { class: 'plan-actions lines-tools' },
      groupTabs,
      canEdit
        ? h('button', {
            type: 'button',
            class: 'btn btn-primary btn-small',
            'data-testid': 'lines-edit',
            onclick: () => {
              editor!.start(p);
              edit!.started();
              render();
            },
          }, t('planedit.edit'))
        : '',
      h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'lines-csv', disabled: !hasLines, onclick: exportCsv }, t('lines.csv')),
      h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'lines-print', disabled: !hasLines, onclick: printLines }, t('lines.print')),
      h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'lines-print-picks', disabled: !pickDepots(p).length, onclick: () => printPicks(pickDepots(p)) }, t('lines.printPick')),
    );
    host.replaceChildren(h('div', { class: 'card-head' }, h('h2', {}, t('lines.title')), tools), h('div', { class: 'table-wrap plan-lines-wrap' }, table()));
    keepScroll();
  };

  return {
    /** The card for this plan; the same element across renders, so the grouping and sort stay. */
    card(p: Plan): HTMLElement {
      plan = p;
      editor?.update(p);
      render();
      return host;
    },
    /** The depots of the plan, in name order (for pick lists). */
    depots: (p: Plan) => lineDepots(p.lines, labels),
  };
}
