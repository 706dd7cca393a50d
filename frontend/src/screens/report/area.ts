// The area row of the report form: county → township, the stage, and a line on the chosen
// township (its last version, or none yet; accepted = locked).
import { stageLabel, type AreaRow } from '../../disaster';
import { stagesFor, type ReportField } from '../../disasterrules';
import { h } from '../../dom';
import { formatDateTime } from '../../format';
import type { FormErrors } from '../../formerrors';
import { getLang, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { badge } from '../../widgets';
import { errorNode, latest, type ReportState } from './state';

export interface AreaPicker {
  row: HTMLElement;
  info: HTMLElement;
  countySel: HTMLSelectElement;
  townSel: HTMLSelectElement;
  stageSel: HTMLSelectElement;
  /** The chosen township's code, '' for none. */
  currentArea(): string;
  /** The chosen township was accepted: no more reports. */
  locked(): boolean;
  fillStages(): void;
  fillCounties(): void;
  fillTownships(): void;
  renderInfo(): void;
}

export function areaPicker(
  ctx: ScreenContext,
  state: ReportState,
  errors: FormErrors<ReportField>,
  on: { countyChange(): void; townshipChange(): void },
): AreaPicker {
  const countySel = h('select', { class: 'select', id: 'report-county', 'data-testid': 'report-county' });
  const townSel = h('select', { class: 'select', id: 'report-township', 'data-testid': 'report-township', disabled: true });
  const stageSel = h('select', { class: 'select', id: 'report-stage', 'data-testid': 'report-stage' });
  const info = h('div', { class: 'area-info', 'data-testid': 'report-area-info' });
  const areaErr = errorNode('area');
  const stageErr = errorNode('stage');
  const row = h(
    'div',
    { class: 'field-row three' },
    h('div', { class: 'field' }, h('label', { for: countySel.id, i18n: 'report.county' }), countySel),
    h('div', { class: 'field' }, h('label', { for: townSel.id, i18n: 'report.township' }), townSel, areaErr),
    h('div', { class: 'field' }, h('label', { for: stageSel.id, i18n: 'report.stage' }), stageSel, stageErr),
  );
  errors.fields.set('area', { wrap: row.children[1] as HTMLElement, error: areaErr, control: townSel });
  errors.fields.set('stage', { wrap: row.children[2] as HTMLElement, error: stageErr, control: stageSel });
  stageSel.addEventListener('change', () => errors.dismiss('stage'));
  countySel.addEventListener('change', () => {
    errors.dismiss('area');
    on.countyChange();
  });
  townSel.addEventListener('change', () => {
    errors.dismiss('area');
    on.townshipChange();
  });

  const currentArea = () => townSel.value;

  const fillStages = () => {
    const keep = stageSel.value;
    stageSel.replaceChildren(...stagesFor(state.event?.hazard === 'drought').map((s) => h('option', { value: s }, stageLabel(s))));
    if (keep) stageSel.value = keep;
  };
  ctx.onLang(fillStages);

  const countyLabel = (c: AreaRow) => {
    const affected = state.event?.affected_areas.includes(c.code);
    return affected ? `${c.name} · ${t('report.affectedMark')}` : c.name;
  };
  const fillCounties = () => {
    const keep = countySel.value;
    countySel.replaceChildren(h('option', { value: '' }, t('report.countyPlaceholder')), ...state.counties.map((c) => h('option', { value: c.code }, countyLabel(c))));
    countySel.value = keep;
  };
  ctx.onLang(fillCounties);

  const fillTownships = () => {
    const keep = townSel.value;
    townSel.replaceChildren(
      h('option', { value: '' }, t(countySel.value ? 'report.townshipPlaceholder' : 'report.countyFirst')),
      ...state.townships.map((x) => {
        const st = state.townStatus.get(x.code);
        const mark = st?.accepted ? ` · ${t('badge.accepted')}` : Object.keys(st?.reported ?? {}).length ? ` · ${t('report.hasReports')}` : '';
        return h('option', { value: x.code }, `${x.name}${mark}`);
      }),
    );
    townSel.value = state.townships.some((x) => x.code === keep) ? keep : '';
    townSel.disabled = !countySel.value;
  };
  ctx.onLang(fillTownships);

  const renderInfo = () => {
    const lang = getLang();
    const code = currentArea();
    if (!code) {
      info.replaceChildren(h('span', { class: 'muted' }, t('report.pickArea')));
      return;
    }
    const last = latest(state);
    const st = state.townStatus.get(code);
    info.replaceChildren(
      h('span', { class: 'mono muted' }, code),
      last
        ? h('span', {}, t('report.lastVersion', { n: state.versions.length, stage: stageLabel(last.stage), time: formatDateTime(last.reported_at, lang), by: last.reported_by }))
        : badge(t('report.noReportYet'), 'badge-soft', { 'data-testid': 'report-none-yet' }),
      st?.accepted ? badge(t('badge.accepted'), 'badge-ok', { 'data-testid': 'report-locked', title: t('report.err.locked') }) : '',
    );
  };
  ctx.onLang(renderInfo);

  return {
    row,
    info,
    countySel,
    townSel,
    stageSel,
    currentArea,
    locked: () => !!state.townStatus.get(currentArea())?.accepted,
    fillStages,
    fillCounties,
    fillTownships,
    renderInfo,
  };
}
