// The chosen township's earlier versions, newest first: stage, time, reporter, the key figures
// (all of them folded), description, explanation and photos; above them, the returns from the next level up
// with their reasons and the verified figures. The assessor's screen shows the same versions and
// returns (versionArticles, returnNotes).
import { indicatorLabel, stageLabel } from '../../disaster';
import { cleanFigures, formatFigure, INDICATORS, KEY_INDICATORS } from '../../disasterrules';
import { h } from '../../dom';
import { formatDateTime } from '../../format';
import { getLang, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { badge, statusBlock } from '../../widgets';
import type { AreaReturn, LossReport } from '../../disaster';
import { latest, type ReportState } from './state';

export function versionsCard(ctx: ScreenContext, state: ReportState, hasArea: () => boolean, photosOf: (v: LossReport) => HTMLElement): { node: HTMLElement; render(): void; showStatus(text: string, isError?: boolean): void } {
  const box = h('div', { class: 'versions', 'data-testid': 'report-versions' });
  const node = h('section', { class: 'card versions-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'report.versions' })), box);

  const render = () => {
    if (!hasArea()) {
      box.replaceChildren(h('p', { class: 'muted empty-line', i18n: 'report.pickArea' }));
      return;
    }
    if (!state.versions.length) {
      box.replaceChildren(h('p', { class: 'muted empty-line', 'data-testid': 'report-versions-empty', i18n: 'report.noVersions' }));
      return;
    }
    box.replaceChildren(...returnNotes(state.returns, state.versions), verifiedTable(state), ...versionArticles(state.versions, photosOf));
  };
  ctx.onLang(render);

  return { node, render, showStatus: (text, isError = false) => box.replaceChildren(statusBlock(text, isError)) };
}

/** One article per version, newest first, each with its photos. */
export function versionArticles(versions: LossReport[], photosOf: (v: LossReport) => HTMLElement): HTMLElement[] {
  const lang = getLang();
  return [...versions].reverse().map((v, idx) => {
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
      photosOf(v),
      all.length > key.length
        ? h(
            'details',
            { class: 'version-more' },
            h('summary', {}, t('report.allFigures', { n: all.length })),
            h('dl', { class: 'version-figures' }, ...all.flatMap((i) => [h('dt', {}, indicatorLabel(i)), h('dd', {}, formatFigure(figs[i], i, lang))])),
          )
        : '',
    );
  });
}

/** The returns from the next level up, newest first: why, by whom, and whether a version answered it. */
export function returnNotes(returns: AreaReturn[], versions: LossReport[]): HTMLElement[] {
  const lang = getLang();
  return [...returns].reverse().map((r) => {
    const open = r.answered_by_version == null;
    return h(
      'div',
      { class: `notice return-note ${open ? 'notice-danger' : 'notice-muted'}`, role: open ? 'alert' : undefined, 'data-testid': open ? 'report-return-open' : 'report-return-answered' },
      h('strong', {}, t(open ? 'report.returnedOpen' : 'report.returnedAnswered', { n: r.answered_by_version ?? versions.length + 1 })),
      ' ',
      h('span', { 'data-testid': 'report-return-reason' }, r.reason),
      h('span', { class: 'muted small' }, ` · ${r.returned_by} · ${formatDateTime(r.returned_at, lang)}`),
    );
  });
}

/** The verified figures beside the latest reported ones, with the assessor's reasons. */
function verifiedTable(state: ReportState): HTMLElement | '' {
  const assessment = state.assessment;
  if (!assessment) return '';
  const lang = getLang();
  const verified = cleanFigures(assessment.indicators);
  const reported = cleanFigures(latest(state)?.indicators ?? {});
  const rows = INDICATORS.filter((i) => typeof verified[i] === 'number');
  if (!rows.length) return '';
  return h(
    'section',
    { class: 'verified-figures', 'data-testid': 'report-verified' },
    h('h3', {}, t('report.verifiedTitle', { by: assessment.assessed_by, time: formatDateTime(assessment.assessed_at, lang) })),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table compact' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('verify.indicator')), h('th', { scope: 'col', class: 'num' }, t('verify.reported')), h('th', { scope: 'col', class: 'num' }, t('report.verifiedValue')), h('th', { scope: 'col' }, t('report.verifiedReason')))),
        h(
          'tbody',
          {},
          ...rows.map((i) =>
            h(
              'tr',
              { 'data-testid': `report-verified-${i}` },
              h('td', {}, indicatorLabel(i)),
              h('td', { class: 'num' }, typeof reported[i] === 'number' ? formatFigure(reported[i], i, lang) : '—'),
              h('td', { class: 'num' }, formatFigure(verified[i], i, lang)),
              h('td', { class: 'muted' }, assessment.reasons[i] ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}
