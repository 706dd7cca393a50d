// A funds plan's own sections on the plan screen: what each level owes, holds and pays (scaled
// in proportion when its pools are short), and each area's entitlement with its basis and the cost
// split it follows (areas covered by different responses follow different splits).
import { h } from '../dom';
import { formatFen, formatInteger } from '../format';
import { t, type Lang, type MsgKey } from '../i18n';
import { fillPercent } from '../plans';
import { sharePercent, type FundsPlan } from '../funds';
import { areaScopes, scopeCounts, scopeLines } from '../planbasis';
import { dataTable } from '../widgets';

const MAX_ROWS = 200;

export function fundsTotals(f: FundsPlan, lang: Lang): HTMLElement {
  const scopes = scopeLines(f);
  return h(
    'dl',
    { class: 'plan-totals', 'data-testid': 'plan-totals' },
    ...([
      ['funds.entitled', formatFen(f.entitled_fen, lang), 'demand'],
      ['funds.allocated', formatFen(f.allocated_fen, lang), 'allocated'],
      ['plan.fill', fillPercent(f.entitled_fen ? f.allocated_fen / f.entitled_fen : null), 'fill'],
    ] as Array<[MsgKey, string, string]>).map(([k, v, id]) => h('div', {}, h('dt', { i18n: k }), h('dd', { 'data-testid': `total-${id}` }, v))),
    // Areas under different responses follow different splits: each split with its number of areas.
    h(
      'div',
      { class: `plan-scope-total${scopes.length > 1 ? ' mixed' : ''}` },
      h('dt', { i18n: 'funds.scope' }),
      h('dd', { 'data-testid': 'total-scope', 'data-splits': String(scopes.length) }, ...scopes.map((s) => h('span', { class: 'scope-line' }, s))),
    ),
  );
}

/** Whether the plan's areas follow more than one cost split (the levels' shares are then of the whole plan). */
export const mixedSplits = (f: FundsPlan) => scopeCounts(f).length > 1;

export function fundsLevelsTable(f: FundsPlan, lang: Lang): HTMLElement {
  const tbl = dataTable(
    [
      { key: 'funds.level' },
      { key: 'funds.share', cls: 'num' },
      { key: 'funds.required', cls: 'num' },
      { key: 'funds.available', cls: 'num' },
      { key: 'funds.allocated', cls: 'num' },
      { key: 'funds.scale', cls: 'num' },
    ],
    'funds-levels',
  );
  tbl.body.replaceChildren(
    ...f.levels.map((l) =>
      h(
        'tr',
        { 'data-testid': `funds-level-${l.level}`, 'data-scaled': String(l.scaled) },
        h('td', { i18n: `funds.level.${l.level}` as MsgKey }),
        h('td', { class: 'num' }, sharePercent(l.basis_points)),
        h('td', { class: 'num' }, formatFen(l.required_fen, lang)),
        h('td', { class: 'num' }, formatFen(l.available_fen, lang)),
        h('td', { class: 'num' }, formatFen(l.allocated_fen, lang)),
        h(
          'td',
          { class: `num ${l.scaled ? 'fill-low' : ''}` },
          l.scaled ? h('span', { class: 'badge badge-warn', title: t('funds.scaledHint') }, `${t('funds.scaled')} ${fillPercent(l.scale)}`) : '100%',
        ),
      ),
    ),
  );
  return tbl.table;
}

export function fundsAreasTable(f: FundsPlan, lang: Lang, areaName: (code: string) => string): HTMLElement {
  const tbl = dataTable(
    [{ key: 'plan.area' }, { key: 'funds.areaScope' }, { key: 'funds.basis' }, { key: 'funds.entitled', cls: 'num' }, { key: 'funds.allocated', cls: 'num' }, { key: 'plan.fill', cls: 'num' }],
    'plan-fill-table',
  );
  const scopes = areaScopes(f);
  const rows = f.areas
    .map((a, i) => ({ ...a, scope: scopes[i] }))
    .sort((a, b) => a.fill_rate - b.fill_rate || a.area_code.localeCompare(b.area_code));
  tbl.body.replaceChildren(
    ...rows.slice(0, MAX_ROWS).map((a) =>
      h(
        'tr',
        { 'data-testid': `fill-${a.area_code}-funds`, 'data-scope': a.scope },
        h('td', {}, areaName(a.area_code)),
        h('td', { class: 'funds-scope', 'data-testid': 'funds-area-scope' }, t(`funds.scope.${a.scope}` as MsgKey)),
        h(
          'td',
          { class: 'funds-basis' },
          a.basis.map((b) => `${t(`funds.std.${b.standard}` as MsgKey)} ${formatInteger(b.count, lang)} × ${formatFen(b.rate_fen, lang)}`).join('；'),
        ),
        h('td', { class: 'num' }, formatFen(a.entitled_fen, lang)),
        h('td', { class: 'num' }, formatFen(a.allocated_fen, lang)),
        h('td', { class: `num ${a.fill_rate < 0.5 ? 'fill-low' : a.fill_rate < 0.9 ? 'fill-mid' : ''}` }, fillPercent(a.fill_rate)),
      ),
    ),
    rows.length > MAX_ROWS ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('plan.moreRows', { n: rows.length - MAX_ROWS }))) : '',
  );
  return tbl.table;
}
