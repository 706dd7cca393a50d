// A winter–spring plan's note on the plan screen: that it counts the campaign's household survey
// (households and persons, linking to the campaign), with a "provisional" badge while some of the
// records counted still await the county's decision.
import { h } from '../../dom';
import { formatInteger } from '../../format';
import { getLang, t } from '../../i18n';
import type { SurveyedNeed } from '../../winterspring';

export function surveyNote(survey: SurveyedNeed | null | undefined): HTMLElement | '' {
  if (!survey) return '';
  const lang = getLang();
  return h(
    'span',
    { 'data-testid': 'plan-survey', 'data-campaign': String(survey.campaign_id), 'data-provisional': String(survey.provisional) },
    h(
      'a',
      { class: 'link', href: `#/winter-spring/${survey.campaign_id}` },
      t('ws.plan.survey', { households: formatInteger(survey.households, lang), persons: formatInteger(survey.persons, lang) }),
    ),
    survey.provisional ? h('span', { class: 'badge badge-warn', style: 'margin-left:6px', title: t('ws.plan.provisionalHint'), 'data-testid': 'plan-survey-provisional' }, t('ws.plan.provisional')) : '',
  );
}
