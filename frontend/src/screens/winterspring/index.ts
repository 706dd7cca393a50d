// The winter–spring campaigns (#/winter-spring): one a year per city or county, newest first,
// with status and deadlines; a manager opens the year's campaign for the city or one of its
// counties (after a confirmation).
import '../../styles/winterspring.css';
import { api } from '../../api';
import { confirmAction } from '../../confirm';
import { disasterApi, type AreaRow } from '../../disaster';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatDate } from '../../format';
import { shanghaiDate } from '../../dates';
import { getLang, t, type MsgKey } from '../../i18n';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { dataTable, statusBlock } from '../../widgets';
import { deadlineState, winterSpringApi, type Campaign } from '../../winterspring';
import { factList } from '../applications/common';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page ws-page', 'data-testid': 'ws-list-screen' }, inner);
  root.append(page);
  let rows: Campaign[] = [];

  const tbl = dataTable(
    [{ key: 'ws.col.year' }, { key: 'ws.col.area' }, { key: 'ws.col.status' }, { key: 'ws.deadline.county' }, { key: 'ws.deadline.city' }, { key: 'ws.reliefPeriod' }],
    'ws-campaigns',
  );
  const status = h('div');
  inner.append(
    h('div', { class: 'page-title' }, h('h1', { i18n: 'ws.title' }), h('p', { class: 'muted page-sub', i18n: 'ws.sub' })),
    status,
    h('section', { class: 'card' }, h('div', { class: 'table-wrap' }, tbl.table)),
  );

  // A manager opens a campaign for a year and an area (the city or one of its counties).
  if (user.role === 'manager' && user.area_code) {
    const year = h('input', { type: 'number', class: 'input input-code', min: 2000, max: 2100, value: String(Number(shanghaiDate().slice(0, 4))), 'data-testid': 'ws-open-year' });
    const area = h('select', { class: 'select', 'data-testid': 'ws-open-area' });
    const openError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'ws-open-error' });
    const open = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ws-open', i18n: 'ws.open.button' });
    const form = h(
      'form',
      { class: 'ws-open-form', 'data-testid': 'ws-open-form', novalidate: true },
      h('label', { class: 'field' }, h('span', { i18n: 'ws.col.year' }), year),
      h('label', { class: 'field' }, h('span', { i18n: 'ws.col.area' }), area),
      open,
    );
    inner.append(
      h(
        'section',
        { class: 'card', 'data-testid': 'ws-open-card' },
        h('div', { class: 'card-head' }, h('h2', { i18n: 'ws.open.title' })),
        h('div', { class: 'card-body' }, h('p', { class: 'muted small', i18n: 'ws.open.sub' }), form, openError),
      ),
    );
    const scope = user.area_code;
    Promise.all([
      api.get<AreaRow>(`/areas/${encodeURIComponent(scope)}`, { signal }).catch(() => null),
      scope.length === 6 && scope.endsWith('00') ? disasterApi.areas({ level: 'county', parent: scope }, { signal }).catch(() => [] as AreaRow[]) : Promise.resolve([] as AreaRow[]),
    ]).then(([own, counties]) => {
      const choices = [...(own ? [own] : [{ code: scope, name: scope } as AreaRow]), ...counties.filter((c) => c.code !== scope)];
      area.replaceChildren(...choices.map((c) => h('option', { value: c.code }, `${c.name}（${c.code}）`)));
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      openError.hidden = true;
      const y = Number(year.value);
      if (!Number.isInteger(y) || y < 2000 || y > 2100) {
        openError.textContent = t('ws.open.badYear');
        openError.hidden = false;
        return;
      }
      const areaName = area.selectedOptions[0]?.textContent ?? area.value;
      const ok = await confirmAction({
        title: t('ws.open.confirmTitle'),
        body: [factList([[t('ws.col.year'), String(y), 'year'], [t('ws.col.area'), areaName, 'area']]), h('p', { class: 'muted small' }, t('ws.open.confirmText'))],
        confirmKey: 'ws.open.confirm',
      });
      if (!ok) return;
      open.disabled = true;
      try {
        const c = await winterSpringApi.open({ year: y, area_code: area.value }, { signal });
        toast(t('ws.open.done', { year: c.year, area: c.area_name }));
        navigate(`/winter-spring/${c.id}`);
      } catch (err) {
        if (isAbort(err)) return;
        openError.textContent = errorText(err);
        openError.hidden = false;
      } finally {
        open.disabled = false;
      }
    });
  }

  const render = () => {
    const today = shanghaiDate();
    void getLang();
    if (!rows.length) {
      tbl.body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'empty-cell', 'data-testid': 'ws-campaigns-empty', i18n: 'ws.noCampaigns' })));
      return;
    }
    const due = (d: string) => {
      const s = deadlineState(d, today);
      return h('span', {}, formatDate(d), ' ', s.state === 'overdue' ? h('span', { class: 'badge badge-muted small' }, t('ws.deadline.passed')) : '');
    };
    tbl.body.replaceChildren(
      ...rows.map((c) =>
        h(
          'tr',
          { 'data-testid': `ws-campaign-${c.id}` },
          h('td', {}, h('a', { class: 'link strong', href: `#/winter-spring/${c.id}`, 'data-testid': `ws-campaign-link-${c.id}` }, String(c.year))),
          h('td', { class: 'nowrap' }, c.area_name),
          h('td', {}, h('span', { class: 'badge badge-info', 'data-status': c.status }, t(`ws.status.${c.status}` as MsgKey))),
          h('td', { class: 'nowrap' }, due(c.deadlines.county)),
          h('td', { class: 'nowrap' }, due(c.deadlines.city)),
          h('td', { class: 'nowrap' }, `${formatDate(c.calendar.relief_start)} – ${formatDate(c.calendar.relief_end)}`),
        ),
      ),
    );
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('ws.loading')));
    try {
      rows = await winterSpringApi.campaigns({ signal });
      status.replaceChildren();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };
  void load();
  ctx.onLang(render);
}
