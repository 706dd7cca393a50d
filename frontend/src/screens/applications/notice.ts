// Posting a village notice (审核公示) from the queue: the recommended applications not yet posted,
// the area (the caller's scope or an area under it), aid item, event, where it is posted, from
// which day (today or up to 30 days back) and for how many days (7 at least); a confirmation;
// then where the public reads it.
import { api } from '../../api';
import { applicationsApi, checkNoticeStart, levelOf, noticePeriod, noticeStartInstant, pendingNotices, NOTICE_BACK_DAYS, type Application, type NoticeGroup } from '../../applications';
import { confirmAction } from '../../confirm';
import { shanghaiDate } from '../../dates';
import type { AreaRow, DisasterEvent } from '../../disaster';
import { h } from '../../dom';
import { isAbort } from '../../errors';
import { formatDateTime, formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import type { AidType } from '../../households';
import { getLang, label, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { factList } from './common';

type Field = 'event' | 'area' | 'aid' | 'location' | 'start' | 'days';

/** A date `n` days before `ymd`. */
const daysBack = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** Applications a notice of `area` (a township holds its villages) would post. */
export function noticeCount(groups: readonly NoticeGroup[], eventId: number, aid: string, area: string): number {
  return groups.filter((g) => g.event_id === eventId && g.aid_type === aid && g.area_code.startsWith(area)).reduce((s, g) => s + g.count, 0);
}

export function noticeCard(ctx: ScreenContext, rows: readonly Application[], events: readonly DisasterEvent[], onClose: () => void, onPosted: () => void): HTMLElement {
  const { signal } = ctx;
  const scope = ctx.session!.user.area_code ?? '';
  const groups = pendingNotices(rows);
  const today = shanghaiDate();
  const areaNames = new Map<string, string>(groups.map((g) => [g.area_code, g.area_name]));

  // Areas to choose: the caller's own township or village, and those of the waiting applications and their townships.
  const areaCodes = new Set<string>();
  if (levelOf(scope) === 'township' || levelOf(scope) === 'village') areaCodes.add(scope);
  for (const g of groups) {
    areaCodes.add(g.area_code);
    if (g.area_code.length === 12) areaCodes.add(g.area_code.slice(0, 9));
  }
  const first = groups[0];
  const eventIds = [...new Set([...groups.map((g) => g.event_id), ...events.filter((e) => e.status === 'active').map((e) => e.id)])];
  const eventName = (id: number) => events.find((e) => e.id === id)?.name ?? `#${id}`;

  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'notice-error' });
  const errors = formErrors<Field>(formError);
  const eventSel = h('select', { class: 'select' }, ...eventIds.map((id) => h('option', { value: String(id) }, eventName(id))));
  const areaSel = h('select', { class: 'select' });
  const aidSel = h('select', { class: 'select' });
  const place = h('input', { type: 'text', class: 'input', maxlength: 200, value: t('notice.locationDefault') });
  const start = h('input', { type: 'date', class: 'input', value: today, max: today, min: daysBack(today, NOTICE_BACK_DAYS) });
  const days = h('input', { type: 'number', class: 'input input-code', min: 7, step: 1, value: 7, inputmode: 'numeric' });
  const countLine = h('p', { class: 'form-note', 'data-testid': 'notice-count' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'notice-submit', i18n: 'notice.submit' });
  const result = h('div', { 'data-testid': 'notice-result', hidden: true, class: 'notice notice-ok', style: 'padding:10px 12px;border-radius:6px' });

  const areaText = (code: string) => {
    const name = areaNames.get(code);
    return name && name !== code ? `${name}（${code}）` : code;
  };
  const fillAreas = () => {
    areaSel.replaceChildren(...[...areaCodes].sort().map((c) => h('option', { value: c }, areaText(c))));
    if (first) areaSel.value = first.area_code.length === 12 ? first.area_code.slice(0, 9) : first.area_code;
  };
  const fillAids = () => {
    const wanted = aidSel.value || first?.aid_type || 'emergency';
    const aids = ['emergency', 'transitional', 'winter_spring', 'reconstruction', 'bereavement', 'drought'];
    aidSel.replaceChildren(...aids.map((a) => h('option', { value: a }, label('aidType', a))));
    aidSel.value = wanted;
  };
  fillAreas();
  fillAids();
  if (first) eventSel.value = String(first.event_id);
  const count = () => noticeCount(groups, Number(eventSel.value), aidSel.value, areaSel.value);
  const updateCount = () => {
    const n = count();
    countLine.textContent = n ? t('notice.count', { n: formatInteger(n, getLang()) }) : t('notice.nothing');
    countLine.dataset.count = String(n);
    countLine.classList.toggle('text-danger', !n);
  };
  for (const s of [eventSel, areaSel, aidSel]) s.addEventListener('change', updateCount);
  updateCount();

  // The township / village names the applications do not carry (the caller's own scope).
  for (const code of areaCodes) {
    if (areaNames.has(code)) continue;
    api
      .get<AreaRow>(`/areas/${encodeURIComponent(code)}`, { signal })
      .then((a) => {
        areaNames.set(code, a.name);
        const keep = areaSel.value;
        fillAreas();
        areaSel.value = keep;
      })
      .catch(() => undefined);
  }

  const pending = groups.length
    ? h(
        'ul',
        { class: 'chip-list', 'data-testid': 'notice-pending', style: 'display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:0' },
        ...groups.map((g) =>
          h('li', { class: 'badge badge-soft' }, `${eventName(g.event_id)} · ${t('notice.pendingItem', { area: g.area_name || g.area_code, aid: label('aidType', g.aid_type), n: formatInteger(g.count, getLang()) })}`),
        ),
      )
    : h('p', { class: 'muted', 'data-testid': 'notice-pending-none', i18n: 'notice.pendingNone' });

  const form = h(
    'form',
    { class: 'report-form', 'data-testid': 'notice-form', novalidate: true, style: 'display:grid;gap:10px' },
    h('div', { class: 'field-row' }, errorField(errors, 'event', 'notice.event', eventSel, 'notice-event'), errorField(errors, 'area', 'notice.area', areaSel, 'notice-area')),
    h('div', { class: 'field-row' }, errorField(errors, 'aid', 'notice.aid', aidSel, 'notice-aid'), errorField(errors, 'location', 'notice.location', place, 'notice-location')),
    h(
      'div',
      { class: 'field-row' },
      errorField(errors, 'start', 'notice.start', start, 'notice-start', h('span', { class: 'field-hint', i18n: 'notice.startHint' })),
      errorField(errors, 'days', 'notice.days', days, 'notice-days', h('span', { class: 'field-hint', i18n: 'notice.daysHint' })),
    ),
    countLine,
    h('div', { class: 'form-actions', style: 'gap:8px' }, h('button', { type: 'button', class: 'btn btn-ghost', i18n: 'notice.close', onclick: onClose }), submit),
    formError,
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const why = checkNoticeStart(start.value, today);
    if (why) errors.byField.set('start', { key: why });
    const n = Number(days.value);
    if (!Number.isInteger(n) || n < 7) errors.byField.set('days', { key: 'notice.daysInvalid' });
    if (!count()) errors.form = { key: 'notice.nothing' };
    errors.render();
    if (errors.byField.size || errors.form) return void errors.firstInvalid()?.focus();
    const startIso = noticeStartInstant(start.value, today);
    const period = noticePeriod(startIso, n);
    const lang = getLang();
    const ok = await confirmAction({
      title: t('notice.confirmTitle'),
      body: [
        h('p', {}, t('notice.confirmText')),
        factList([
          [t('notice.event'), eventName(Number(eventSel.value)), 'event'],
          [t('notice.area'), areaText(areaSel.value), 'area'],
          [t('notice.aid'), label('aidType', aidSel.value), 'aid'],
          [t('pubNotice.entries'), t('pubNotice.households', { n: formatInteger(count(), lang) }), 'count'],
          [t('notice.location'), place.value.trim() || '—', 'location'],
          [t('pubNotice.period'), `${formatDateTime(period.start, lang)} – ${formatDateTime(period.end, lang)}${t('common.beijing')}`, 'period'],
        ]),
      ],
      confirmKey: 'notice.submit',
    });
    if (!ok) return;
    submit.disabled = true;
    try {
      const notice = await applicationsApi.postNotice(
        {
          event_id: Number(eventSel.value),
          aid_type: aidSel.value as AidType,
          area_code: areaSel.value,
          location: place.value.trim() || null,
          start: start.value === today ? null : startIso,
          days: n,
        },
        { signal },
      );
      toast(t('notice.posted', { id: notice.id }));
      const href = `#/notices/${notice.id}`;
      const url = `${window.location.origin}/${href}`;
      result.hidden = false;
      result.replaceChildren(
        h('strong', {}, t('notice.posted', { id: notice.id })),
        h('div', {}, t('notice.where'), ' ', h('a', { class: 'link', href, 'data-testid': 'notice-posted-link', style: 'word-break:break-all' }, url)),
      );
      form.hidden = true;
      onPosted();
    } catch (err) {
      if (isAbort(err)) return;
      showServerErrors(errors, err, (f) =>
        f === 'event_id' ? 'event' : f === 'area_code' ? 'area' : f === 'aid_type' ? 'aid' : f === 'location' ? 'location' : f === 'start' ? 'start' : f === 'days' ? 'days' : null,
      );
    } finally {
      submit.disabled = false;
    }
  });

  return h(
    'section',
    { class: 'card', 'data-testid': 'notice-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'notice.title' }), h('p', { class: 'card-sub muted', i18n: 'notice.sub' }))),
    h('div', { class: 'card-body', style: 'display:grid;gap:12px' }, h('div', { class: 'muted small', i18n: 'notice.pending' }), pending, form, result),
  );
}
