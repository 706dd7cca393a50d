// The report form's figures: the indicators in their groups, each with its unit, the previous
// version's value and its error line.
import { indicatorLabel, unitLabelOf } from '../../disaster';
import { cleanFigures, formatFigure, INDICATOR_GROUPS, indicatorUnit, isDecimalIndicator, parseFigure, SUB_INDICATORS, type Figures, type Indicator, type ReportField } from '../../disasterrules';
import { h } from '../../dom';
import type { FormErrors } from '../../formerrors';
import { getLang, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { errorNode, latest, type ReportState } from './state';

export interface FigureFields {
  groups: HTMLElement[];
  /** The typed text of each indicator offered. */
  values(): Partial<Record<Indicator, string>>;
  /** The figures typed so far (blank and unreadable ones left out). */
  read(): Figures;
  fill(figures: Figures): void;
  /** Put back what was typed (a draft), as it was typed. */
  restore(values: Partial<Record<Indicator, string>>): void;
  clear(): void;
  /** Show the latest version's figure beside each input. */
  renderPrevious(): void;
  /** Stop offering an indicator (the drought figure outside droughts). */
  drop(ind: Indicator): void;
}

export function figureFields(ctx: ScreenContext, state: ReportState, errors: FormErrors<ReportField>, onInput: () => void): FigureFields {
  const inputs = new Map<Indicator, HTMLInputElement>();
  const prevHints = new Map<Indicator, HTMLElement>();

  const fieldFor = (ind: Indicator) => {
    const input = h('input', {
      type: 'text',
      class: 'input num-input',
      id: `report-${ind}`,
      name: ind,
      'data-testid': `report-${ind}`,
      inputmode: isDecimalIndicator(ind) ? 'decimal' : 'numeric',
      autocomplete: 'off',
      'aria-describedby': `report-error-${ind}`,
    });
    inputs.set(ind, input);
    const prev = h('span', { class: 'prev-value muted', 'data-testid': `report-prev-${ind}` });
    prevHints.set(ind, prev);
    const error = errorNode(ind);
    const unit = h('span', { class: 'unit-suffix' });
    const labelNode = h('label', { for: input.id, class: SUB_INDICATORS.has(ind) ? 'sub-label' : undefined });
    const relabel = () => {
      labelNode.textContent = indicatorLabel(ind);
      unit.textContent = unitLabelOf(indicatorUnit(ind));
    };
    relabel();
    ctx.onLang(relabel);
    const wrap = h('div', { class: `ind-field${SUB_INDICATORS.has(ind) ? ' sub' : ''}`, 'data-indicator': ind }, labelNode, h('div', { class: 'input-unit' }, input, unit), prev, error);
    errors.fields.set(ind, { wrap, error, control: input });
    input.addEventListener('input', () => {
      errors.dismiss(ind);
      onInput();
    });
    return wrap;
  };

  const groups = INDICATOR_GROUPS.map((g) =>
    h(
      'fieldset',
      { class: `ind-group group-${g.group}`, 'data-testid': `report-group-${g.group}` },
      h('legend', { i18n: `indGroup.${g.group}` as MsgKey }),
      h('div', { class: 'ind-grid' }, ...g.indicators.map(fieldFor)),
    ),
  );

  const renderPrevious = () => {
    const lang = getLang();
    const last = latest(state);
    const figs = last ? cleanFigures(last.indicators) : {};
    for (const [ind, node] of prevHints) {
      const v = figs[ind];
      node.textContent = typeof v === 'number' ? t('report.previous', { value: formatFigure(v, ind, lang) }) : '';
    }
  };
  ctx.onLang(renderPrevious);

  return {
    groups,
    values() {
      const out: Partial<Record<Indicator, string>> = {};
      for (const [ind, input] of inputs) out[ind] = input.value;
      return out;
    },
    read() {
      const out: Figures = {};
      for (const [ind, input] of inputs) {
        const p = parseFigure(input.value, ind);
        if (p.ok && p.value !== null) out[ind] = p.value;
      }
      return out;
    },
    fill(figures) {
      for (const [ind, input] of inputs) input.value = typeof figures[ind] === 'number' ? String(figures[ind]) : '';
    },
    restore(values) {
      for (const [ind, input] of inputs) input.value = values[ind] ?? '';
    },
    clear() {
      for (const input of inputs.values()) input.value = '';
    },
    renderPrevious,
    drop(ind) {
      inputs.get(ind)?.closest('.ind-field')?.remove();
      inputs.delete(ind);
      prevHints.delete(ind);
      errors.fields.delete(ind);
    },
  };
}
