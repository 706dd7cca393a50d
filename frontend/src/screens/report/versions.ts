// The chosen township's earlier versions, newest first: stage, time, reporter, the key figures
// (all of them folded), description and explanation.
import { indicatorLabel, stageLabel } from '../../disaster';
import { cleanFigures, formatFigure, INDICATORS, KEY_INDICATORS } from '../../disasterrules';
import { h } from '../../dom';
import { formatDateTime } from '../../format';
import { getLang, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { badge, statusBlock } from '../../widgets';
import type { ReportState } from './state';

export function versionsCard(ctx: ScreenContext, state: ReportState, hasArea: () => boolean): { node: HTMLElement; render(): void; showStatus(text: string, isError?: boolean): void } {
  const box = h('div', { class: 'versions', 'data-testid': 'report-versions' });
  const node = h('section', { class: 'card versions-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'report.versions' })), box);

  const render = () => {
    const lang = getLang();
    if (!hasArea()) {
      box.replaceChildren(h('p', { class: 'muted empty-line', i18n: 'report.pickArea' }));
      return;
    }
    if (!state.versions.length) {
      box.replaceChildren(h('p', { class: 'muted empty-line', 'data-testid': 'report-versions-empty', i18n: 'report.noVersions' }));
      return;
    }
    box.replaceChildren(
      ...[...state.versions].reverse().map((v, idx) => {
        const figs = cleanFigures(v.indicators);
        const key = KEY_INDICATORS.filter((i) => typeof figs[i] === 'number');
        const all = INDICATORS.filter((i) => typeof figs[i] === 'number');
        return h(
          'article',
          { class: `version${idx === 0 ? ' latest' : ''}`, 'data-testid': `report-version-${v.version}`, 'data-stage': v.stage },
          h(
            'div',
            { class: 'version-head' },
            h('strong', {}, t('report.versionN', { n: v.version })),
            badge(stageLabel(v.stage), `stage stage-${v.stage}`),
            h('span', { class: 'muted small' }, `${formatDateTime(v.reported_at, lang)} · ${v.reported_by}`),
          ),
          key.length ? h('dl', { class: 'version-figures' }, ...key.flatMap((i) => [h('dt', {}, indicatorLabel(i)), h('dd', {}, formatFigure(figs[i], i, lang))])) : '',
          v.description ? h('p', { class: 'version-text' }, v.description) : '',
          v.explanation ? h('p', { class: 'version-text explanation' }, t('common.labelled', { label: t('report.explanation'), value: v.explanation })) : '',
          all.length > key.length
            ? h(
                'details',
                { class: 'version-more' },
                h('summary', {}, t('report.allFigures', { n: all.length })),
                h('dl', { class: 'version-figures' }, ...all.flatMap((i) => [h('dt', {}, indicatorLabel(i)), h('dd', {}, formatFigure(figs[i], i, lang))])),
              )
            : '',
        );
      }),
    );
  };
  ctx.onLang(render);

  return { node, render, showStatus: (text, isError = false) => box.replaceChildren(statusBlock(text, isError)) };
}
