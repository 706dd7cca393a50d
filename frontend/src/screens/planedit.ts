// Editing a draft materials plan's lines in its lines table (a manager's): quantities typed in
// place, lines removed, lines added (a depot of the plan, an area with demand, an item it needs),
// each line's problems said under it as they are typed, then the whole new set saved with a
// confirmation of what changed; a refusal of the server is shown against the lines it names.
import { confirmAction } from '../confirm';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { formatInteger, formatQuantity, unitLabel } from '../format';
import { getLang, t, type MsgKey } from '../i18n';
import {
  checkEdit,
  editBody,
  editLimits,
  editSummary,
  parseQuantity,
  remainingNeed,
  removedLines,
  serverProblems,
  startEdit,
  type EditLimits,
  type EditLine,
  type LineProblem,
  type PlanEdit,
} from '../planedit';
import { groupLines, lineDepots, type LineGrouping, type LineSort } from '../planlines';
import { changedMeanwhile, type Plan, type PlanLine } from '../plans';
import { toast } from '../toast';
import type { LineLabels } from './planlines';

/** What the screen lends the editor. */
export interface LineEditHooks {
  /** Whether the signed-in user may edit this plan's lines now (a manager, a draft materials plan). */
  canEdit(p: Plan): boolean;
  /** Sends the new lines of plan `p` as read; resolves with the plan as the server now has it. */
  save(body: PlanEdit, p: Plan): Promise<Plan>;
  /** Editing began (the plan's own actions wait until it ends). */
  started(): void;
  /** Editing ended: with the saved plan (fills and totals the server's), or null when discarded. */
  done(p: Plan | null): void;
  /** Someone else changed the plan since it was read (412, or 409 plan_changed when the two changes
   * met): editing ends and the screen shows the plan as it now is, saying why. */
  changedMeanwhile(): void;
}

/** Columns of the edit table: the one grouped by is left out, as in the table it replaces. */
type EditColumn = 'depot' | 'area' | 'item' | 'quantity';

export function createLineEditor(labels: LineLabels, hooks: LineEditHooks, rerender: () => void) {
  let plan: Plan | null = null;
  let lines: EditLine[] = [];
  let limits: EditLimits = { need: new Map(), available: new Map() };
  /** The server's problems of the last refusal, by line, until that line is edited. */
  let server = new Map<string, LineProblem[]>();
  /** The message above the buttons, said in the language of the moment (the server's words as they are). */
  let notice: (() => string) | null = null;
  let saving = false;
  let added = 0;
  /** Per line key: its row's quantity input and problems row, for updates without redrawing. */
  const rows = new Map<string, { input: HTMLInputElement; problems: HTMLElement; hint: HTMLElement; row: HTMLElement }>();
  let summaryEl: HTMLElement | null = null;
  let noticeEl: HTMLElement | null = null;

  const lang = () => getLang();
  const qty = (item: string, n: number) => formatQuantity(n, labels.unit(item), lang());
  const lineName = (l: { depot_id: number; area_code: string; item: string }) => `${labels.depot(l.depot_id)} → ${labels.area(l.area_code)} · ${labels.item(l.item)}`;

  const problemText = (p: LineProblem, item: string): string => {
    switch (p.kind) {
      case 'quantity':
        return t('planedit.err.quantity');
      case 'duplicate':
        return t('planedit.err.duplicate');
      case 'noDemand':
        return t('planedit.err.noDemand');
      case 'overNeed':
        return t('planedit.err.overNeed', { need: qty(item, p.need), total: qty(item, p.total) });
      case 'overStock':
        return t('planedit.err.overStock', { available: qty(item, p.available), total: qty(item, p.total) });
      case 'server':
        return p.reason;
    }
  };

  /** Each line's problems: the checks on what is typed, and what the server last said of it. */
  const problemsNow = () => {
    const out = checkEdit(lines, limits);
    for (const [k, ps] of server) out.set(k, [...(out.get(k) ?? []), ...ps.filter((p) => !(out.get(k) ?? []).some((q) => JSON.stringify(q) === JSON.stringify(p)))]);
    return out;
  };

  /** Problems under their lines, the summary and the notice, in place (typing keeps its focus). */
  const refresh = () => {
    const all = problemsNow();
    for (const l of lines) {
      const r = rows.get(l.key);
      if (!r) continue;
      const ps = all.get(l.key) ?? [];
      r.problems.hidden = !ps.length;
      r.problems.replaceChildren(...ps.map((p) => h('div', { 'data-kind': p.kind }, problemText(p, l.item))));
      r.row.classList.toggle('invalid', ps.length > 0);
      r.input.setAttribute('aria-invalid', ps.length ? 'true' : 'false');
      const q = parseQuantity(l.text);
      const changed = l.original === null || q !== l.original;
      r.row.classList.toggle('changed', changed);
      r.hint.textContent = l.original === null ? t('planedit.new') : changed ? t('planedit.was', { n: formatInteger(l.original, lang()) }) : '';
    }
    if (summaryEl && plan) {
      const s = editSummary(plan.lines, lines);
      summaryEl.dataset.changed = String(s.changed);
      summaryEl.dataset.before = String(s.before);
      summaryEl.dataset.after = String(s.after);
      summaryEl.textContent = s.changed
        ? t('planedit.summary', { changed: formatInteger(s.changed, lang()), before: formatInteger(s.before, lang()), after: formatInteger(s.after, lang()) })
        : t('planedit.unchanged');
    }
    if (noticeEl) {
      noticeEl.hidden = !notice;
      noticeEl.textContent = notice?.() ?? '';
    }
  };

  const setNotice = (text: (() => string) | null) => {
    notice = text;
    refresh();
  };

  const remove = (key: string) => {
    lines = lines.filter((l) => l.key !== key);
    server.delete(key);
    notice = null;
    rerender();
  };

  const quantityCell = (l: EditLine) => {
    const input = h('input', {
      type: 'text',
      inputmode: 'numeric',
      class: 'input edit-qty',
      value: l.text,
      'data-testid': 'edit-qty',
      'aria-label': `${lineName(l)} · ${t('plan.quantity')}`,
      disabled: saving,
      oninput: (e: Event) => {
        l.text = (e.target as HTMLInputElement).value;
        server.delete(l.key);
        notice = null;
        refresh();
      },
    });
    const hint = h('span', { class: 'edit-hint muted', 'data-testid': 'edit-hint' });
    return { td: h('td', { class: 'num edit-qty-cell' }, input, h('span', { class: 'edit-unit muted' }, unitLabel(labels.unit(l.item), lang())), hint), input, hint };
  };

  const cellOf = (c: EditColumn, l: EditLine) => {
    if (c === 'depot') return h('td', { class: 'nowrap' }, labels.depot(l.depot_id));
    if (c === 'area') return h('td', { class: 'nowrap' }, labels.area(l.area_code));
    return h('td', { class: 'nowrap' }, labels.item(l.item));
  };

  /** The lines table in edit mode, grouped and sorted as the table was. */
  const table = (grouping: LineGrouping, sort: LineSort, head: (cols: EditColumn[]) => HTMLElement[]) => {
    rows.clear();
    const cols = (['depot', 'area', 'item'] as const).filter((c) => c !== grouping);
    const span = cols.length + 2;
    // Grouped and sorted by what is typed now (a quantity not yet readable sorts as 0).
    const byLine = new Map<PlanLine, EditLine>();
    const asLines = lines.map((l) => {
      const pl: PlanLine = { depot_id: l.depot_id, area_code: l.area_code, item: l.item, quantity: parseQuantity(l.text) ?? 0, travel_minutes: l.travel_minutes, late: l.late };
      byLine.set(pl, l);
      return pl;
    });
    const body: Node[] = [];
    for (const g of groupLines(asLines, grouping, sort.key === 'travel' ? { key: 'area', dir: 1 } : sort, labels)) {
      body.push(
        h(
          'tr',
          { class: 'group-row', 'data-testid': `edit-group-${g.key}`, 'data-group': g.key },
          h('td', { colspan: span }, h('strong', { class: 'group-name' }, g.name), h('span', { class: 'muted' }, t('lines.count', { n: formatInteger(g.lines.length, lang()) }))),
        ),
      );
      for (const pl of g.lines) {
        const l = byLine.get(pl)!;
        const q = quantityCell(l);
        const row = h(
          'tr',
          { class: 'line-row edit-row', 'data-testid': 'edit-line', 'data-key': l.key, 'data-depot': String(l.depot_id), 'data-area': l.area_code, 'data-item': l.item },
          ...cols.map((c) => cellOf(c, l)),
          q.td,
          h(
            'td',
            { class: 'edit-remove-cell' },
            h('button', {
              type: 'button',
              class: 'btn btn-ghost btn-small edit-remove',
              'data-testid': 'edit-remove',
              title: t('planedit.remove'),
              'aria-label': `${t('planedit.remove')}: ${lineName(l)}`,
              disabled: saving,
              onclick: () => remove(l.key),
            }, '×'),
          ),
        );
        const problems = h('div', { class: 'edit-problems', role: 'alert', 'data-testid': 'edit-problem', hidden: true });
        rows.set(l.key, { input: q.input, problems, hint: q.hint, row });
        body.push(row, h('tr', { class: 'edit-problem-row', 'data-key': l.key }, h('td', { colspan: span }, problems)));
      }
    }
    if (!lines.length) body.push(h('tr', {}, h('td', { colspan: span, class: 'empty-cell', i18n: 'lines.none' })));
    return h(
      'table',
      { class: 'data-table plan-lines-table plan-edit-table', 'data-testid': 'plan-edit-table', 'data-grouping': grouping },
      h('thead', {}, h('tr', {}, ...head(cols), h('th', { scope: 'col', class: 'num' }, t('plan.quantity')), h('th', { scope: 'col', 'aria-label': t('planedit.remove') }))),
      h('tbody', {}, ...body),
    );
  };

  /** Adding a line: a depot of the plan, an area the plan has demand in, an item that area needs. */
  const addForm = () => {
    if (!plan) return h('div');
    const p = plan;
    const option = (value: string, text: string) => h('option', { value }, text);
    const areaCodes = [...new Set((p.areas ?? []).map((a) => a.area_code))].sort((a, b) => labels.area(a).localeCompare(labels.area(b), 'zh-CN'));
    const depot = h('select', { class: 'select', 'data-testid': 'edit-add-depot', 'aria-label': t('plan.depot') }, option('', t('planedit.choose')), ...lineDepots(p.lines, labels).map((d) => option(String(d), labels.depot(d))));
    const area = h('select', { class: 'select', 'data-testid': 'edit-add-area', 'aria-label': t('lines.to') }, option('', t('planedit.choose')), ...areaCodes.map((c) => option(c, labels.area(c))));
    const item = h('select', { class: 'select', 'data-testid': 'edit-add-item', 'aria-label': t('plan.item') }, option('', t('planedit.choose')));
    const quantity = h('input', { type: 'text', inputmode: 'numeric', class: 'input edit-qty', 'data-testid': 'edit-add-qty', 'aria-label': t('plan.quantity') });
    const error = h('div', { class: 'field-error', role: 'alert', 'data-testid': 'edit-add-error', hidden: true });
    const offer = () => {
      if (area.value && item.value) {
        const left = remainingNeed(lines, limits, area.value, item.value);
        quantity.value = left ? String(left) : '';
      }
    };
    area.addEventListener('change', () => {
      const items = [...new Set((p.areas ?? []).filter((a) => a.area_code === area.value).map((a) => a.item))];
      item.replaceChildren(option('', t('planedit.choose')), ...items.map((c) => option(c, labels.item(c))));
      if (items.length === 1) item.value = items[0];
      offer();
    });
    item.addEventListener('change', offer);
    const field = (key: MsgKey, control: HTMLElement) => h('label', { class: control === quantity ? 'field field-qty' : 'field' }, h('span', {}, t(key)), control);
    const add = () => {
      error.hidden = true;
      if (!depot.value || !area.value || !item.value) {
        error.hidden = false;
        error.textContent = t('planedit.addChoose');
        return;
      }
      const d = Number(depot.value);
      const same = lines.find((l) => l.depot_id === d && l.area_code === area.value && l.item === item.value);
      if (same) {
        error.hidden = false;
        error.textContent = t('planedit.addExists');
        rows.get(same.key)?.input.focus();
        return;
      }
      // Travel time as the plan has it for this depot and destination (the server keeps a known line's).
      const known = p.lines.find((l) => l.depot_id === d && l.area_code === area.value);
      const l: EditLine = { key: `n${++added}`, depot_id: d, area_code: area.value, item: item.value, text: quantity.value.trim(), original: null, travel_minutes: known?.travel_minutes ?? 0, late: known?.late ?? false };
      lines = [...lines, l];
      notice = null;
      rerender();
      rows.get(l.key)?.input.focus();
    };
    return h(
      'div',
      { class: 'lines-add', 'data-testid': 'edit-add' },
      h('h3', {}, t('planedit.addTitle')),
      h(
        'div',
        { class: 'lines-add-fields' },
        field('plan.depot', depot),
        field('lines.to', area),
        field('plan.item', item),
        field('plan.quantity', quantity),
        h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'edit-add-button', disabled: saving, onclick: add }, t('planedit.add')),
      ),
      error,
    );
  };

  /** What the confirmation lists: each line changed, removed or added. */
  const changeList = (p: Plan) => {
    const changed = [
      ...lines.filter((l) => l.original !== null && parseQuantity(l.text) !== l.original).map((l) => ({ l, text: `${formatInteger(l.original, lang())} → ${qty(l.item, parseQuantity(l.text) ?? 0)}`, kind: 'modified' })),
      ...removedLines(p.lines, lines).map((l) => ({ l, text: t('planedit.removed'), kind: 'removed' })),
      ...lines.filter((l) => l.original === null).map((l) => ({ l, text: `${t('planedit.new')} ${qty(l.item, parseQuantity(l.text) ?? 0)}`, kind: 'added' })),
    ];
    const MAX = 12;
    return h(
      'ul',
      { class: 'confirm-items', 'data-testid': 'edit-changes' },
      ...changed.slice(0, MAX).map((c) => h('li', { 'data-kind': c.kind, 'data-depot': String(c.l.depot_id), 'data-area': c.l.area_code, 'data-item': c.l.item }, h('span', {}, lineName(c.l)), h('strong', {}, c.text))),
      changed.length > MAX ? h('li', { class: 'muted' }, t('planedit.more', { n: formatInteger(changed.length - MAX, lang()) })) : '',
    );
  };

  const save = async () => {
    if (!plan || saving) return;
    const p = plan;
    server = new Map();
    const problems = checkEdit(lines, limits);
    if (problems.size) {
      setNotice(() => t('planedit.fixLines'));
      const first = lines.find((l) => problems.has(l.key));
      if (first) rows.get(first.key)?.input.focus();
      return;
    }
    const s = editSummary(p.lines, lines);
    if (!s.changed) return setNotice(() => t('planedit.noChange'));
    const n = (x: number) => formatInteger(x, lang());
    const ok = await confirmAction({
      title: t('planedit.confirm', { id: p.id }),
      body: [
        h('p', { 'data-testid': 'confirm-summary' }, t('planedit.confirmCounts', { modified: n(s.modified), removed: n(s.removed), added: n(s.added) })),
        h('p', { 'data-testid': 'confirm-total', 'data-before': String(s.before), 'data-after': String(s.after) }, t('planedit.confirmTotal', { before: n(s.before), after: n(s.after) })),
        changeList(p),
        h('p', { class: 'muted' }, t('planedit.confirmAfter')),
      ],
      confirmKey: 'planedit.save',
    });
    if (!ok) return;
    const sent = [...lines];
    saving = true;
    notice = null;
    rerender();
    try {
      const saved = await hooks.save(editBody(sent), p);
      saving = false;
      plan = null;
      toast(t('planedit.saved'));
      hooks.done(saved);
    } catch (err) {
      saving = false;
      if (isAbort(err)) return;
      if (changedMeanwhile(err)) {
        plan = null;
        hooks.changedMeanwhile();
        return;
      }
      if (err instanceof ApiError && err.status === 422) {
        const got = serverProblems(err.details, sent);
        server = got.byKey;
        notice = () => [t('planedit.refused'), ...got.other].join(' ');
      } else {
        notice = () => errorText(err);
      }
      rerender();
      const first = sent.find((l) => server.has(l.key));
      if (first) rows.get(first.key)?.input.focus();
    }
  };

  const cancel = () => {
    plan = null;
    hooks.done(null);
  };

  return {
    /** Whether a plan's lines are being edited. */
    get active() {
      return plan !== null;
    },
    start(p: Plan) {
      plan = p;
      lines = startEdit(p.lines);
      limits = editLimits(p);
      server = new Map();
      notice = null;
      added = 0;
    },
    /** A newer copy of the plan came (a reload): editing stops when it may no longer be edited. */
    update(p: Plan) {
      if (plan && (p.id !== plan.id || !hooks.canEdit(p))) plan = null;
    },
    /** The table, the form to add a line and the bar with the summary and the buttons. */
    view(grouping: LineGrouping, sort: LineSort, head: (cols: EditColumn[]) => HTMLElement[]): Node[] {
      summaryEl = h('span', { class: 'edit-summary', 'data-testid': 'edit-summary', 'aria-live': 'polite' });
      noticeEl = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'edit-error', hidden: true });
      const bar = h(
        'div',
        { class: 'lines-edit-bar', 'data-testid': 'edit-bar' },
        summaryEl,
        h(
          'div',
          { class: 'lines-edit-buttons' },
          h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'edit-cancel', disabled: saving, onclick: cancel }, t('planedit.cancel')),
          h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'edit-save', disabled: saving, onclick: () => void save() }, t(saving ? 'planedit.saving' : 'planedit.save')),
        ),
      );
      const nodes = [
        h('p', { class: 'muted plan-note lines-edit-note' }, t('planedit.hint')),
        h('div', { class: 'table-wrap plan-lines-wrap' }, table(grouping, sort, head)),
        addForm(),
        noticeEl,
        bar,
      ];
      refresh();
      return nodes;
    },
  };
}
