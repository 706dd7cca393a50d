// The survey's two lists on the campaign page: the households to visit (damaged by the year's
// disasters, no need record yet), each with the button that opens the need form for it; and the
// campaign's need records (status filter, search, township filter, pages), each opening its chain
// page #/applications/:id, with an edit link while the village has not assessed it.
import type { Application } from '../../applications';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatFen, formatInteger } from '../../format';
import { getLang, label, t } from '../../i18n';
import { createListView, listItem, townshipKey, type ListItem } from '../../listview';
import { statusBlock } from '../../widgets';
import { canFile, isEditable, needsText, winterSpringApi, type Proposal } from '../../winterspring';
import { stageChip } from '../applications/common';

const townshipName = (areaName: string) => areaName.split(/\s+/)[0] || areaName;

export function needWords() {
  return { food: t('ws.needs.food'), clothing: t('ws.needs.clothing'), quilts: t('ws.needs.quilts'), heating: t('ws.needs.heating'), housing: t('ws.needs.housing') };
}

export interface SurveyList {
  el: HTMLElement;
  load(): Promise<void>;
  relabel(): void;
}

export function proposalsList(opts: { campaignId: number; role: string; signal: AbortSignal }): SurveyList {
  const { campaignId, signal } = opts;
  const filer = canFile(opts.role);
  let rows: Proposal[] = [];
  const status = h('div');
  const view = createListView<Proposal>({
    testid: 'ws-proposals',
    columns: [
      { key: 'ws.col.household' },
      { key: 'ws.col.idNumber' },
      { key: 'ws.col.village' },
      { key: 'ws.col.members', cls: 'num' },
      { key: 'ws.col.damage' },
    ],
    row: (it: ListItem<Proposal>) => {
      const p = it.row;
      const why = [label('houseDamage', p.house_damage), p.crop_total_loss ? t('ws.cropLoss') : '', p.dead_or_missing ? t('ws.deadMissing', { n: p.dead_or_missing }) : ''].filter(Boolean).join(' · ');
      // The button sits with the name, so it stays in sight on a phone (the table scrolls sideways).
      return h(
        'tr',
        { 'data-testid': `ws-proposal-${p.household_id}` },
        h(
          'td',
          { class: 'ws-who' },
          h('span', { class: 'strong nowrap' }, p.name),
          filer
            ? h('a', { class: 'btn btn-primary btn-small', href: `#/winter-spring/${campaignId}/needs/new?household=${p.household_id}&event=${p.event_id}`, 'data-testid': `ws-file-${p.household_id}` }, t('ws.fileNeed'))
            : '',
        ),
        h('td', { class: 'mono nowrap' }, p.id_number),
        h('td', { class: 'nowrap', title: p.area_code }, p.area_name),
        h('td', { class: 'num' }, formatInteger(p.members, getLang())),
        h('td', { class: 'small' }, why),
      );
    },
    areaLabel: 'ws.col.township',
    listTotals: () => ({ households: rows.length, total_fen: 0 }),
    printTitle: () => t('ws.proposals.title'),
  });
  // Households to visit have no amount: the list's money totals say nothing here.
  view.el.querySelector<HTMLElement>('[data-testid="list-totals"]')!.hidden = true;
  const count = h('span', { class: 'muted', 'data-testid': 'ws-proposals-count' });
  const el = h(
    'section',
    { class: 'card', 'data-testid': 'ws-proposals-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.proposals.title' }), count),
    h('p', { class: 'muted small card-note', i18n: 'ws.proposals.sub' }),
    status,
    view.el,
  );
  const fill = () => {
    count.textContent = t('ws.households', { n: formatInteger(rows.length, getLang()) });
    view.setItems(
      rows.map((p, i) =>
        listItem(p, i + 1, { area: townshipKey(p.area_code), areaName: townshipName(p.area_name), amount_fen: 0, texts: [p.name, p.id_number, p.area_name] }),
      ),
    );
  };
  const load = async () => {
    status.replaceChildren(statusBlock(t('ws.loading')));
    try {
      rows = await winterSpringApi.proposals(campaignId, undefined, { signal });
      status.replaceChildren();
      fill();
      el.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  return { el, load, relabel: fill };
}

/** Statuses a need record can be filtered by (the chain's). */
const STATUSES = ['applied', 'recommended', 'not_recommended', 'township_approved', 'returned', 'approved', 'rejected'] as const;

export function needsList(opts: { campaignId: number; role: string; signal: AbortSignal }): SurveyList {
  const { campaignId, signal } = opts;
  const filer = canFile(opts.role);
  let rows: Application[] = [];
  const statusSel = h('select', { class: 'select', 'data-testid': 'ws-needs-status' });
  const status = h('div');
  const view = createListView<Application>({
    testid: 'ws-needs',
    columns: [
      { key: 'ws.col.household' },
      { key: 'ws.col.idNumber' },
      { key: 'ws.col.village' },
      { key: 'ws.col.persons', cls: 'num' },
      { key: 'ws.col.class' },
      { key: 'ws.col.needs' },
      { key: 'ws.col.amount', cls: 'num' },
      { key: 'ws.col.status' },
    ],
    row: (it: ListItem<Application>) => {
      const a = it.row;
      const lang = getLang();
      return h(
        'tr',
        { 'data-testid': `ws-need-${a.id}`, 'data-status': a.status, 'data-household': String(a.household_id) },
        h('td', { class: 'nowrap' }, h('a', { class: 'link strong', href: `#/applications/${a.id}`, 'data-testid': `ws-need-link-${a.id}` }, a.name), h('span', { class: 'muted small' }, ` #${a.id}`)),
        h('td', { class: 'mono nowrap' }, a.id_number),
        h('td', { class: 'nowrap', title: a.area_code }, a.area_name),
        h('td', { class: 'num nowrap' }, t('apps.personsOf', { persons: formatInteger(a.persons, lang), members: formatInteger(a.members, lang) })),
        h('td', { class: 'nowrap' }, a.hardship_class ? t(`ws.class.${a.hardship_class}`) : '—'),
        h('td', { class: 'small' }, needsText(a.needs, needWords())),
        h('td', { class: 'num' }, formatFen(a.amount_fen ?? a.standard_fen, lang)),
        h(
          'td',
          { class: 'nowrap' },
          stageChip(a),
          filer && isEditable(a)
            ? h('a', { class: 'btn btn-ghost btn-small', href: `#/winter-spring/${campaignId}/needs/${a.id}/edit`, 'data-testid': `ws-need-edit-${a.id}` }, t('ws.edit'))
            : '',
        ),
      );
    },
    areaLabel: 'ws.col.township',
    listTotals: () => ({ households: rows.length, total_fen: rows.reduce((s, a) => s + (a.amount_fen ?? a.standard_fen), 0) }),
    printTitle: () => t('ws.needs.title'),
  });
  const statusField = h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'ws.col.status' }), statusSel);
  const el = h(
    'section',
    { class: 'card', 'data-testid': 'ws-needs-card' },
    h('div', { class: 'card-head', style: 'flex-wrap:wrap;gap:8px 14px' }, h('h2', { i18n: 'ws.needs.title' }), statusField),
    status,
    view.el,
  );
  const fillStatuses = () => {
    const lang = getLang();
    const keep = statusSel.value;
    const n = (s: string) => rows.filter((a) => a.status === s).length;
    statusSel.replaceChildren(
      h('option', { value: '' }, t('ws.allStatuses', { n: formatInteger(rows.length, lang) })),
      ...STATUSES.filter((s) => n(s) > 0 || s === keep).map((s) => h('option', { value: s }, `${label('appStatus', s)} (${formatInteger(n(s), lang)})`)),
    );
    statusSel.value = keep;
  };
  const fill = () => {
    fillStatuses();
    const shown = rows.filter((a) => !statusSel.value || a.status === statusSel.value);
    view.setItems(
      shown.map((a, i) =>
        listItem(a, i + 1, {
          area: townshipKey(a.area_code),
          areaName: townshipName(a.area_name),
          amount_fen: a.amount_fen ?? a.standard_fen,
          texts: [a.name, a.id_number, a.area_name, a.reason, String(a.id)],
        }),
      ),
    );
  };
  statusSel.addEventListener('change', fill);
  const load = async () => {
    status.replaceChildren(statusBlock(t('ws.loading')));
    try {
      rows = (await winterSpringApi.needs(campaignId, {}, { signal })).sort((a, b) => b.id - a.id);
      status.replaceChildren();
      fill();
      el.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  return { el, load, relabel: fill };
}
