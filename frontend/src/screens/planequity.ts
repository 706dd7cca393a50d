// The equity audit on the plan screen, the policies side by side in the create form, and what a
// re-plan changed: views over src/planequity.ts.
import { h } from '../dom';
import { formatInteger } from '../format';
import { t, type MsgKey } from '../i18n';
import { changeKinds, figuresOf, priceOfFairness, tierKey, yardstickFigures, type Equity, type EquityFigures, type Fairness, type PolicyOption, type Replanned } from '../planequity';
import { fillPercent, formatMinutes } from '../plans';
import { dataTable } from '../widgets';
import type { LineLabels } from './planlines';

type Lang = 'zh' | 'en';

const minutes = (m: number | null, lang: Lang) => (m === null ? '—' : formatMinutes(Math.round(m), lang));
const gini = (g: number) => g.toFixed(2);

/** The policy as people say it, with the weights when weighted. */
export function policyText(f: Fairness): string {
  if (f.policy === 'strict_tiers') return t('equity.policy.strict_tiers');
  const w = f.weights;
  return `${t('equity.policy.weighted')} (${[w.level_1, w.level_2, w.level_3, w.level_4, w.none].map((x) => x.toFixed(1)).join(' / ')})`;
}

/** Fill per tier: min, median and max over the tier's area × item needs. */
function tiersTable(e: Equity, testid: string): HTMLElement {
  const tbl = dataTable([{ key: 'equity.tier' }, { key: 'equity.needs', cls: 'num' }, { key: 'equity.min', cls: 'num' }, { key: 'equity.median', cls: 'num' }, { key: 'equity.max', cls: 'num' }], testid);
  tbl.body.replaceChildren(
    ...e.tiers.map((tier) =>
      h(
        'tr',
        { 'data-testid': `${testid}-${tier.tier}`, 'data-min': String(tier.min_fill) },
        h('td', { i18n: `equity.level.${tierKey(tier.tier)}` as MsgKey }),
        h('td', { class: 'num' }, String(tier.needs)),
        h('td', { class: 'num' }, fillPercent(tier.min_fill)),
        h('td', { class: 'num' }, fillPercent(tier.median_fill)),
        h('td', { class: 'num' }, fillPercent(tier.max_fill)),
      ),
    ),
  );
  return tbl.table;
}

/** One column of figures per plan (this plan, the yardstick, or each policy). */
function figuresTable(columns: Array<{ head: string; figures: EquityFigures; testid: string }>, lang: Lang): HTMLElement {
  const rows: Array<[MsgKey, (f: EquityFigures) => string, string]> = [
    ['equity.delivered', (f) => formatInteger(f.delivered, lang), 'delivered'],
    ['equity.minFill', (f) => fillPercent(f.minFill), 'min-fill'],
    ['equity.gini', (f) => gini(f.gini), 'gini'],
    ['equity.travel', (f) => minutes(f.travelPerUnit, lang), 'travel'],
    ['equity.wait', (f) => minutes(f.waitPerUnit, lang), 'wait'],
  ];
  return h(
    'table',
    { class: 'data-table equity-figures' },
    h('thead', {}, h('tr', {}, h('th', {}), ...columns.map((c) => h('th', { class: 'num', scope: 'col' }, c.head)))),
    h(
      'tbody',
      {},
      ...rows.map(([key, value, id]) =>
        h('tr', {}, h('th', { scope: 'row', i18n: key, title: t(`${key}Hint` as MsgKey) }), ...columns.map((c) => h('td', { class: 'num', 'data-testid': `${c.testid}-${id}` }, value(c.figures)))),
      ),
    ),
  );
}

/** The plan screen's equity card body: policy, tiers, figures beside the yardstick, and the price of fairness. */
export function equityView(e: Equity, fairness: Fairness | null | undefined, lang: Lang): HTMLElement {
  const plan = figuresOf(e);
  const fast = yardstickFigures(e);
  const price = priceOfFairness(e);
  return h(
    'div',
    { class: 'card-body equity', 'data-testid': 'plan-equity', 'data-policy': fairness?.policy ?? '' },
    fairness ? h('p', { 'data-testid': 'equity-policy' }, `${t('equity.policy')}: `, h('strong', {}, policyText(fairness))) : '',
    h('div', { class: 'plan-scroll' }, tiersTable(e, 'equity-tiers')),
    h(
      'div',
      { class: 'plan-scroll' },
      figuresTable([{ head: t('equity.thisPlan'), figures: plan, testid: 'equity-plan' }, ...(fast ? [{ head: t('equity.yardstick'), figures: fast, testid: 'equity-fast' }] : [])], lang),
    ),
    price
      ? h(
          'p',
          { class: 'muted plan-note', 'data-testid': 'equity-price' },
          price.travelMinutes < 0.5 && price.waitMinutes < 0.5 && price.fewerUnits === 0
            ? t('equity.priceNone')
            : t('equity.price', { travel: minutes(price.travelMinutes, lang), wait: minutes(price.waitMinutes, lang), units: formatInteger(price.fewerUnits, lang) }),
        )
      : '',
    h('p', { class: 'muted small' }, t('equity.horizon', { horizon: formatMinutes(e.horizon_minutes, lang) })),
  );
}

/** The policies side by side before a plan is made. */
export function comparisonView(options: readonly PolicyOption[], lang: Lang): HTMLElement {
  return h(
    'div',
    { class: 'equity-compare', 'data-testid': 'plan-compare-result' },
    // Short heads, so both columns fit a phone; the tables below name each policy in full.
    h('div', { class: 'plan-scroll' }, figuresTable(options.map((o) => ({ head: t(`equity.short.${o.fairness.policy}`), figures: figuresOf(o.equity), testid: `compare-${o.fairness.policy}` })), lang)),
    h(
      'div',
      { class: 'equity-compare-tiers' },
      ...options.map((o) => h('div', {}, h('h3', { class: 'small' }, policyText(o.fairness)), h('div', { class: 'plan-scroll' }, tiersTable(o.equity, `compare-tiers-${o.fairness.policy}`)))),
    ),
  );
}

/** What a re-plan changed: the figures before and after, and the lines gone, new and changed. */
export function replanView(r: Replanned, labels: LineLabels, lang: Lang): HTMLElement {
  const { removed, added, changed } = changeKinds(r.changes);
  const fig = (key: MsgKey, before: string, after: string, id: string) =>
    h('tr', {}, h('th', { scope: 'row', i18n: key }), h('td', { class: 'num' }, before), h('td', { class: 'num', 'data-testid': `replan-after-${id}` }, after));
  const tbl = dataTable([{ key: 'plan.depot' }, { key: 'plan.area' }, { key: 'plan.item' }, { key: 'replan.before', cls: 'num' }, { key: 'replan.after', cls: 'num' }], 'replan-changes');
  const rows = [...removed, ...added, ...changed].slice(0, 200);
  tbl.body.replaceChildren(
    ...rows.map((c) =>
      h(
        'tr',
        { 'data-testid': `replan-${c.depot_id}-${c.area_code}-${c.item}`, class: c.quantity_after === 0 ? 'replan-gone' : c.quantity_before === 0 ? 'replan-new' : '' },
        h('td', {}, labels.depot(c.depot_id)),
        h('td', {}, labels.area(c.area_code)),
        h('td', {}, labels.item(c.item)),
        h('td', { class: 'num' }, c.quantity_before ? `${formatInteger(c.quantity_before, lang)} · ${minutes(c.travel_minutes_before ?? null, lang)}` : '—'),
        h('td', { class: 'num' }, c.quantity_after ? `${formatInteger(c.quantity_after, lang)} · ${minutes(c.travel_minutes_after ?? null, lang)}` : '—'),
      ),
    ),
  );
  const [b, a] = [r.before, r.after];
  return h(
    'div',
    { class: 'card-body', 'data-testid': 'replan-result', 'data-changes': String(r.changes.length) },
    h('p', { 'data-testid': 'replan-summary' }, t('replan.summary', { removed: removed.length, added: added.length, changed: changed.length, same: r.unchanged_lines })),
    h(
      'table',
      { class: 'data-table equity-figures' },
      h('thead', {}, h('tr', {}, h('th', {}), h('th', { class: 'num', i18n: 'replan.before' }), h('th', { class: 'num', i18n: 'replan.after' }))),
      h(
        'tbody',
        {},
        fig('equity.delivered', formatInteger(b.totals.allocated, lang), formatInteger(a.totals.allocated, lang), 'delivered'),
        fig('equity.minFill', fillPercent(b.min_fill), fillPercent(a.min_fill), 'min-fill'),
        fig('plan.unreachableAreas', formatInteger(b.totals.unreachable_areas, lang), formatInteger(a.totals.unreachable_areas, lang), 'unreachable'),
        fig('plan.lateLines', formatInteger(b.totals.late_lines, lang), formatInteger(a.totals.late_lines, lang), 'late'),
        fig('equity.travel', minutes(b.totals.allocated ? b.travel_unit_minutes / b.totals.allocated : null, lang), minutes(a.totals.allocated ? a.travel_unit_minutes / a.totals.allocated : null, lang), 'travel'),
        fig('equity.wait', minutes(b.totals.demand ? b.deprivation_unit_minutes / b.totals.demand : null, lang), minutes(a.totals.demand ? a.deprivation_unit_minutes / a.totals.demand : null, lang), 'wait'),
      ),
    ),
    rows.length ? h('div', { class: 'plan-scroll' }, tbl.table) : h('p', { class: 'muted', i18n: 'replan.nothing' }),
  );
}
