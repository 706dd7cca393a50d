// Detection alerts (#/cases/alerts, 救急难 主动发现): the households whose losses in an event call for
// another programme, found by the server after each damage record and every night. Each alert shows
// the head of household, the township, the need in words, the losses and the programmes to act on
// (the first) and to check (the others). The counts per status are the filters (?status=, open by
// default), an event narrows them (?event=), and so does an area (?area=, a county or township
// chosen by name, county → township). The list shows 50 at a time, with a button for the next 50. Township staff (reporters, managers) open a case from
// an open alert (an optional phone, confirmed; then the new case's page) or dismiss it with a reason
// (confirmed); a converted alert links to its case. Managers and admins run detection now.
import '../../styles/cases.css';
import {
  ALERT_STATUSES,
  alertActions,
  alertCounts,
  alertFactWords,
  alertKind,
  alertsApi,
  canScan,
  checkAlertCase,
  needKey,
  programmeKey,
  sortAlerts,
  type AlertStatus,
  type AssistanceAlert,
  type DetectionOutcome,
} from '../../cases';
import { confirmAction } from '../../confirm';
import { disasterApi, sortEvents, type DisasterEvent } from '../../disaster';
import { h, setLabel } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime, formatInteger } from '../../format';
import { errorField, formErrors, showServerErrors } from '../../formerrors';
import { getLang, t, type MsgKey } from '../../i18n';
import { HOUSEHOLD_READERS, hasRole } from '../../roles';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { setText } from './common';
import { areaParam, areaPicker, moreBar, reasonForm } from './listparts';

function isAlertStatus(s: string | null): s is AlertStatus {
  return (ALERT_STATUSES as readonly string[]).includes(s ?? '');
}

export function needBadge(a: Pick<AssistanceAlert, 'id' | 'need'>): HTMLElement {
  return h('span', { class: `badge ${a.need === 'hardship' ? 'cs-urgent' : 'badge-soft'}`, 'data-need': a.need, 'data-testid': `al-need-badge-${a.id}` }, t(needKey(a.need)));
}

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const user = ctx.session!.user;
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page cs-page al-page', 'data-testid': 'al-screen' }, inner);
  root.append(page);

  let filter: AlertStatus = isAlertStatus(ctx.params.get('status')) ? (ctx.params.get('status') as AlertStatus) : 'open';
  let eventId: number | null = Number(ctx.params.get('event')) > 0 ? Number(ctx.params.get('event')) : null;
  /** A county or township code within the caller's scope (?area=), or '' for all of it. */
  let areaCode = areaParam(ctx.params);
  /** How many of the filtered alerts are shown: 50 at a time. */
  let shown = 0;
  let alerts: AssistanceAlert[] = [];
  let events: DisasterEvent[] = [];
  /** The one form open (an alert's case or dismissal): kept across redraws so what was typed stays. */
  let open: { id: number; kind: 'case' | 'dismiss'; node: HTMLElement } | null = null;

  const status = h('div');
  const counts = h('div', { class: 'cs-counts al-counts', role: 'group', i18nAriaLabel: 'alerts.filterLabel', 'data-testid': 'al-counts' });
  const list = h('ul', { class: 'al-list', 'data-testid': 'al-list' });
  const eventSelect = h('select', { class: 'select', id: 'al-event', 'data-testid': 'al-event' });
  const areas = areaPicker({ id: 'al-area', testid: 'al-area', scope: user.area_code ?? '' });
  const areaSelect = areas.select;
  const bar = moreBar({
    testid: 'al',
    list,
    show: (count) => {
      shown = count;
      render();
    },
  });
  const scanResult = h('p', { class: 'al-scan-result', role: 'status', hidden: true, 'data-testid': 'al-scan-result' });
  const scanBtn = canScan(user.role) ? h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'al-scan', i18n: 'alerts.scan.button', i18nTitle: 'alerts.scan.hint' }) : null;
  inner.append(
    h('a', { class: 'link crumb', href: '#/cases', i18n: 'cases.back' }),
    h(
      'div',
      { class: 'cs-head' },
      h('div', { class: 'page-title' }, h('h1', { i18n: 'alerts.title' }), h('p', { class: 'muted page-sub', i18n: 'alerts.sub' })),
      scanBtn ?? '',
    ),
    scanResult,
    status,
    h(
      'section',
      { class: 'card', 'data-testid': 'al-card' },
      h(
        'div',
        { class: 'al-filters' },
        counts,
        h(
          'div',
          { class: 'al-selects' },
          h('div', { class: 'al-event' }, h('label', { for: 'al-area', i18n: 'alerts.area' }), areaSelect),
          h('div', { class: 'al-event' }, h('label', { for: 'al-event', i18n: 'alerts.event' }), eventSelect),
        ),
      ),
      list,
      bar.el,
    ),
  );

  const place = areas.place;
  const eventName = (id: number) => events.find((e) => e.id === id)?.name ?? `#${id}`;
  const factText = (a: AssistanceAlert) => alertFactWords(a.facts).map((f) => t(f.key, f.params)).join(getLang() === 'zh' ? '，' : '; ');
  const setUrl = () => {
    const q = new URLSearchParams();
    if (filter !== 'open') q.set('status', filter);
    if (eventId) q.set('event', String(eventId));
    if (areaCode) q.set('area', areaCode);
    const s = q.toString();
    history.replaceState(null, '', `#/cases/alerts${s ? `?${s}` : ''}`);
  };

  // ---- the filters -------------------------------------------------------------------------------
  const renderCounts = () => {
    const lang = getLang();
    const n = alertCounts(alerts);
    counts.replaceChildren(
      ...ALERT_STATUSES.map((s) =>
        h(
          'button',
          {
            type: 'button',
            class: `cs-count${filter === s ? ' active' : ''}${s === 'open' && n.open ? ' al-count-open' : ''}`,
            'aria-pressed': String(filter === s),
            'data-testid': `al-count-${s}`,
            'data-count': String(n[s]),
            onclick: () => {
              if (filter === s) return;
              filter = s;
              shown = 0;
              closeForm();
              setUrl();
              render();
            },
          },
          h('span', {}, t(`alerts.status.${s}` as MsgKey)),
          h('strong', {}, formatInteger(n[s], lang)),
        ),
      ),
    );
  };

  const renderEvents = () => {
    eventSelect.replaceChildren(
      h('option', { value: '', i18n: 'alerts.eventAll' }),
      ...sortEvents(events).map((e) => h('option', { value: String(e.id), selected: e.id === eventId }, e.name)),
    );
    eventSelect.value = eventId ? String(eventId) : '';
  };
  const renderAreas = () => areas.render(areaCode);
  areaSelect.addEventListener('change', () => {
    areaCode = areaSelect.value;
    shown = 0;
    closeForm();
    setUrl();
    void load();
  });

  eventSelect.addEventListener('change', () => {
    eventId = Number(eventSelect.value) || null;
    shown = 0;
    closeForm();
    setUrl();
    void load();
  });

  // ---- an alert ------------------------------------------------------------------------------------
  const closeForm = () => {
    open = null;
  };

  const row = (a: AssistanceAlert) => {
    const lang = getLang();
    const [now, ...check] = a.programmes;
    const acts = alertActions(user.role, a);
    const side: Array<Node | string> = [];
    if (a.status === 'converted') {
      side.push(
        h('span', { class: 'muted small', i18n: 'alerts.converted' }),
        a.case_id ? h('a', { class: 'btn btn-outline btn-small', href: `#/cases/${a.case_id}`, 'data-testid': `al-case-link-${a.id}`, i18n: 'alerts.openCase' }) : '',
      );
    } else if (a.status === 'dismissed') {
      side.push(
        h(
          'span',
          { class: 'small al-reason', 'data-testid': `al-resolution-${a.id}` },
          a.resolved_by ? t('alerts.dismissedBy', { user: a.resolved_by, reason: a.resolution ?? '' }) : t('alerts.dismissedNoUser', { reason: a.resolution ?? '' }),
        ),
      );
    } else if (a.status === 'withdrawn') {
      side.push(h('span', { class: 'muted small', i18n: 'alerts.withdrawnText' }));
    }
    if (acts.includes('case'))
      side.push(
        h('button', {
          type: 'button',
          class: `btn ${open?.id === a.id && open.kind === 'case' ? 'btn-outline' : 'btn-primary'} btn-small`,
          'aria-expanded': String(open?.id === a.id && open.kind === 'case'),
          'data-testid': `al-case-${a.id}`,
          i18n: 'alerts.case.button',
          onclick: () => toggle(a, 'case'),
        }),
      );
    if (acts.includes('dismiss'))
      side.push(
        h('button', {
          type: 'button',
          class: 'btn btn-outline btn-small',
          'aria-expanded': String(open?.id === a.id && open.kind === 'dismiss'),
          'data-testid': `al-dismiss-${a.id}`,
          i18n: 'alerts.dismiss.button',
          onclick: () => toggle(a, 'dismiss'),
        }),
      );
    return h(
      'li',
      { class: `al-row al-row-${a.need}`, 'data-testid': `al-alert-${a.id}`, 'data-id': String(a.id), 'data-status': a.status, 'data-need': a.need },
      h(
        'div',
        { class: 'al-who' },
        h('strong', { class: 'al-name', 'data-testid': `al-name-${a.id}` }, a.head_name),
        h('span', { class: 'al-place', title: a.area_code, 'data-testid': `al-place-${a.id}` }, place(a.area_code)),
        h('span', { class: 'muted small' }, t('alerts.raised', { time: formatDateTime(a.raised_at, lang) })),
        eventId ? '' : h('span', { class: 'muted small', 'data-testid': `al-event-${a.id}` }, eventName(a.event_id)),
        hasRole(user, HOUSEHOLD_READERS) ? h('a', { class: 'link small', href: `#/households/${a.household_id}`, i18n: 'alerts.household' }) : '',
      ),
      h(
        'div',
        { class: 'al-what' },
        h('div', { class: 'cs-badges' }, needBadge(a)),
        h('p', { class: 'al-need', 'data-testid': `al-need-${a.id}` }, t(needKey(a.need, true))),
        h(
          'ul',
          { class: 'al-facts', 'data-testid': `al-facts-${a.id}` },
          ...alertFactWords(a.facts).map((f) => h('li', { class: `al-fact al-fact-${f.tone}` }, t(f.key, f.params))),
        ),
      ),
      h(
        'div',
        { class: 'al-progs', 'data-testid': `al-programmes-${a.id}` },
        now ? h('div', { class: 'al-prog' }, h('span', { class: 'muted small' }, t('alerts.programmeNow')), h('span', { class: 'cs-chip al-chip-now', 'data-programme': now }, t(programmeKey(now)))) : '',
        check.length
          ? h('div', { class: 'al-prog' }, h('span', { class: 'muted small' }, t('alerts.programmeCheck')), ...check.map((p) => h('span', { class: 'cs-chip', 'data-programme': p }, t(programmeKey(p)))))
          : '',
      ),
      h('div', { class: 'al-side' }, ...side),
      open?.id === a.id ? open.node : '',
    );
  };

  const toggle = (a: AssistanceAlert, kind: 'case' | 'dismiss') => {
    if (open?.id === a.id && open.kind === kind) closeForm();
    else open = { id: a.id, kind, node: kind === 'case' ? caseForm(a) : dismissForm(a) };
    render();
    open?.node.querySelector<HTMLElement>('input, textarea')?.focus();
  };

  /** The alert is no longer open (someone else acted, or detection withdrew it): say so and reload. */
  const stale = (err: unknown) => {
    if (!(err instanceof ApiError && (err.status === 409 || err.status === 404))) return false;
    toast(t('alerts.stale'), 'error');
    closeForm();
    void load();
    return true;
  };

  const formButtons = (submit: HTMLButtonElement) =>
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'al-form-cancel', i18n: 'alerts.cancel', onclick: () => (closeForm(), render()) }), submit);

  const caseForm = (a: AssistanceAlert) => {
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'al-form-error' });
    const errors = formErrors<'phone' | 'description'>(formError);
    const phone = h('input', { type: 'tel', class: 'input', inputmode: 'tel', autocomplete: 'off', maxlength: 24 });
    const description = h('textarea', { class: 'input textarea', rows: 3, maxlength: 2000 });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'al-case-submit', i18n: 'alerts.case.submit' });
    const form = h(
      'form',
      { novalidate: true, class: 'cs-form al-form', 'data-testid': `al-case-form-${a.id}` },
      h('p', { class: 'muted small', i18n: 'alerts.case.text' }),
      errorField(errors, 'phone', 'alerts.case.phone', phone, 'al-phone', h('span', { class: 'field-hint', i18n: 'alerts.case.phoneHint' })),
      errorField(errors, 'description', 'alerts.case.description', description, 'al-description', h('span', { class: 'field-hint', i18n: 'alerts.case.descriptionHint' })),
      formError,
      formButtons(submit),
    );
    // Once the marked fields are edited, the note above the buttons goes too.
    form.addEventListener('input', () => {
      if (!errors.byField.size && errors.form) {
        errors.form = null;
        errors.render();
      }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const checked = checkAlertCase(phone.value, description.value);
      if ('errors' in checked) {
        for (const [f, key] of checked.errors) errors.byField.set(f, { key });
        errors.form = { key: 'cases.form.fixErrors' };
        errors.render();
        errors.firstInvalid()?.focus();
        return;
      }
      errors.render();
      const body = checked.body;
      const kind = alertKind(a.need);
      const ok = await confirmAction({
        title: t('alerts.case.confirmTitle', { name: a.head_name }),
        body: [
          factList([
            [t('cases.f.applicant'), a.head_name, 'applicant'],
            [t('cases.f.area'), place(a.area_code), 'area'],
            [t('alerts.f.need'), t(needKey(a.need, true)), 'need'],
            [t('alerts.f.facts'), factText(a), 'facts'],
            [t('cases.f.kind'), t(`cases.kind.${kind}` as MsgKey), 'kind'],
            [t('cases.slip.programmes'), a.programmes.map((p) => t(`cases.programmeLong.${p}` as MsgKey)).join('、'), 'programmes'],
            [t('cases.f.phone'), body.phone ?? t('alerts.noPhone'), 'phone'],
          ]),
          h('p', { class: 'muted small' }, t('alerts.case.confirmText')),
        ],
        confirmKey: 'alerts.case.confirm',
      });
      if (!ok) return;
      submit.disabled = true;
      try {
        const c = await alertsApi.toCase(a.id, body, { signal });
        toast(t('alerts.case.done', { no: c.receipt_no }));
        navigate(`/cases/${c.id}`);
      } catch (err) {
        if (isAbort(err) || stale(err)) return;
        showServerErrors(errors, err, (f) => (f === 'phone' || f === 'description' ? f : null));
      } finally {
        submit.disabled = false;
      }
    });
    return h('div', { class: 'al-form-wrap' }, form);
  };

  const dismissForm = (a: AssistanceAlert) =>
    reasonForm({
      prefix: 'al',
      testid: `al-dismiss-form-${a.id}`,
      submitTestid: 'al-dismiss-submit',
      labelKey: 'alerts.dismiss.reason',
      hintKey: 'alerts.dismiss.reasonHint',
      submitKey: 'alerts.dismiss.submit',
      danger: true,
      cancel: () => (closeForm(), render()),
      confirm: (reason) =>
        confirmAction({
          title: t('alerts.dismiss.confirmTitle', { name: a.head_name }),
          body: [
            factList([
              [t('cases.f.applicant'), a.head_name, 'applicant'],
              [t('cases.f.area'), place(a.area_code), 'area'],
              [t('alerts.f.need'), t(needKey(a.need, true)), 'need'],
              [t('alerts.dismiss.reason'), reason, 'reason'],
            ]),
            h('p', { class: 'muted small' }, t('alerts.dismiss.confirmText')),
          ],
          confirmKey: 'alerts.dismiss.confirm',
          danger: true,
        }),
      send: async (reason) => {
        const next = await alertsApi.dismiss(a.id, reason, { signal });
        alerts = sortAlerts([...alerts.filter((x) => x.id !== a.id), next]);
        closeForm();
        toast(t('alerts.dismiss.done', { name: a.head_name }));
        render();
      },
      stale,
    });

  // ---- the list --------------------------------------------------------------------------------
  const render = () => {
    renderCounts();
    const all = sortAlerts(alerts.filter((a) => a.status === filter));
    // The alert whose form is open stays on the page.
    const openAt = open ? all.findIndex((a) => a.id === open!.id) : -1;
    const rows = all.slice(0, bar.count(all.length, Math.max(shown, openAt + 1)));
    if (open && !rows.some((a) => a.id === open!.id)) closeForm();
    page.dataset.status = filter;
    page.dataset.shown = String(rows.length);
    page.dataset.total = String(all.length);
    page.dataset.area = areaCode;
    list.replaceChildren(
      ...(rows.length ? rows.map(row) : [h('li', { class: 'empty-line muted', 'data-testid': 'al-empty', i18n: filter === 'open' ? 'alerts.emptyOpen' : 'alerts.empty' })]),
    );
    bar.render(rows.length, all.length);
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('alerts.loading')));
    page.dataset.ready = 'false';
    try {
      const [lists, evs] = await Promise.all([
        Promise.all(ALERT_STATUSES.map((s) => alertsApi.list({ status: s, event_id: eventId, ...(areaCode ? { area_code: areaCode } : {}) }, { signal }))),
        events.length ? Promise.resolve(events) : disasterApi.events({ signal }).catch(() => [] as DisasterEvent[]),
        areas.load(signal),
      ]);
      alerts = lists.flat();
      events = evs;
      status.replaceChildren();
      renderEvents();
      renderAreas();
      render();
      page.dataset.ready = 'true';
    } catch (err) {
      if (isAbort(err)) return;
      status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('common.retry')));
    }
  };

  /** The last run's counts, said again on a language switch. */
  let outcome: DetectionOutcome | null = null;
  const renderOutcome = () => {
    if (!outcome) return;
    const lang = getLang();
    const n = (x: number) => formatInteger(x, lang);
    const o = outcome;
    setText(scanResult, t('alerts.scan.done', { events: n(o.events), households: n(o.households), raised: n(o.raised), refreshed: n(o.refreshed), withdrawn: n(o.withdrawn) }));
  };
  scanBtn?.addEventListener('click', async () => {
    scanBtn.disabled = true;
    setLabel(scanBtn, 'alerts.scan.running');
    scanResult.hidden = true;
    scanResult.classList.remove('form-error');
    outcome = null;
    try {
      outcome = await alertsApi.scan(eventId, { signal });
      renderOutcome();
      for (const k of ['events', 'households', 'raised', 'refreshed', 'withdrawn'] as const) scanResult.dataset[k] = String(outcome[k]);
      scanResult.hidden = false;
      await load();
    } catch (err) {
      if (isAbort(err)) return;
      setText(scanResult, errorText(err));
      scanResult.classList.add('form-error');
      scanResult.hidden = false;
    } finally {
      scanBtn.disabled = false;
      setLabel(scanBtn, 'alerts.scan.button');
    }
  });

  void load();
  ctx.onLang(() => {
    renderOutcome();
    if (page.dataset.ready === 'true') {
      renderAreas();
      render();
    }
  });
}
