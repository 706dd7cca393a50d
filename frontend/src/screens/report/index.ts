// The reporter's form (#/events/{id}/report): pick a township in scope (county → township), the
// stage (初报/续报/核报), the grouped indicators, a description and, when a figure fell or jumped,
// an explanation. The area's earlier versions are listed beside the form. The form and the
// versions are their own modules; this one loads the event and follows the chosen area.
import { disasterApi, type AreaSummary } from '../../disaster';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { chooseEvent, eventHeader } from '../../eventui';
import { t } from '../../i18n';
import { photoStrips } from '../../photos';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { reportForm } from './form';
import { latestAssessment, type ReportState } from './state';
import { versionsCard } from './versions';

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  if (!ctx.args.id) return void chooseEvent(root, signal, 'report');
  const eventId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page report-page', 'data-testid': 'report-screen', 'data-event-id': String(eventId) }, inner);
  root.append(page);

  const state: ReportState = { eventId, event: null, counties: [], townships: [], townStatus: new Map(), versions: [], returns: [], assessment: null };
  let areaSeq = 0;

  const loadVersions = async () => {
    const seq = ++areaSeq;
    const code = form.area.currentArea();
    state.versions = [];
    state.returns = [];
    state.assessment = null;
    versions.render();
    form.area.renderInfo();
    form.figures.renderPrevious();
    if (!code) {
      form.prefill();
      form.setEnabled();
      return;
    }
    versions.showStatus(t('common.loading'));
    try {
      const [list, returns, assessments] = await Promise.all([
        disasterApi.reports(eventId, code, { signal }),
        disasterApi.returns(eventId, code, { signal }),
        disasterApi.assessments(eventId, code, { signal }),
      ]);
      if (seq !== areaSeq || signal.aborted) return;
      state.versions = list.filter((r) => r.area_code === code).sort((a, b) => a.version - b.version);
      state.returns = returns;
      state.assessment = latestAssessment(assessments.filter((a) => a.area_code === code));
    } catch (err) {
      if (isAbort(err) || seq !== areaSeq) return;
      if (err instanceof ApiError && err.status === 401) return;
      versions.showStatus(t('common.loadError', { message: errorText(err) }), true);
      return;
    }
    versions.render();
    form.area.renderInfo();
    form.figures.renderPrevious();
    form.prefill();
    form.setEnabled();
    page.dataset.area = code;
    page.dataset.versions = String(state.versions.length);
  };

  const loadTownships = async () => {
    const code = form.area.countySel.value;
    state.townships = [];
    form.area.fillTownships();
    if (!code) return void loadVersions();
    try {
      state.townships = (await disasterApi.areas({ level: 'township', parent: code }, { signal })).sort((a, b) => a.code.localeCompare(b.code));
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    }
    if (signal.aborted) return;
    form.area.fillTownships();
    await loadVersions();
  };

  const form = reportForm(ctx, state, page, {
    countyChange: () => void loadTownships(),
    townshipChange: () => {
      const code = form.area.currentArea();
      window.history.replaceState(null, '', `#/events/${eventId}/report${code ? `?area=${code}` : ''}`);
      void loadVersions();
    },
    saved: loadVersions,
  });
  const photosOf = photoStrips(eventId, signal);
  const versions = versionsCard(ctx, state, () => !!form.area.currentArea(), (v) => photosOf(v, state.townships.find((x) => x.code === v.area_code)?.name ?? v.area_code));

  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    let summary: AreaSummary[] = [];
    try {
      const [e, cs, s] = await Promise.all([
        disasterApi.event(eventId, { signal }),
        disasterApi.areas({ level: 'county' }, { signal }),
        disasterApi.summary(eventId, 'township', { signal }).then((x) => x.areas).catch(() => [] as AreaSummary[]),
      ]);
      state.event = e;
      state.counties = cs.sort((a, b) => {
        const ia = e.affected_areas.includes(a.code) ? 0 : 1;
        const ib = e.affected_areas.includes(b.code) ? 0 : 1;
        return ia - ib || a.code.localeCompare(b.code);
      });
      summary = s;
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.status === 404) return inner.replaceChildren(h('div', { class: 'empty-state' }, h('p', { i18n: 'event.notFound' })));
      return inner.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true, () => void load(), t('common.retry')));
    }
    if (signal.aborted) return;
    state.townStatus = new Map(summary.map((a) => [a.code, a]));
    // The drought-only figure is offered for droughts only.
    if (state.event.hazard !== 'drought') form.figures.drop('drought_aid_needed');
    inner.replaceChildren(
      h('a', { href: `#/map?event=${eventId}`, class: 'crumb link', 'data-testid': 'back-to-map' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'report.backToMap' })),
      eventHeader(state.event),
      h('div', { class: 'report-grid' }, form.card, versions.node),
    );
    form.area.fillStages();
    form.area.fillCounties();
    form.area.fillTownships();
    // ?area=360481001 preselects a township (county from its code), else the draft's township.
    const wanted = ctx.params.get('area') ?? form.draftArea();
    if (wanted && wanted.length >= 9 && state.counties.some((c) => c.code === wanted.slice(0, 6))) {
      form.area.countySel.value = wanted.slice(0, 6);
      await loadTownships();
      if (state.townships.some((x) => x.code === wanted)) {
        form.area.townSel.value = wanted;
        await loadVersions();
      }
    } else {
      await loadVersions();
    }
    form.setEnabled();
    page.dataset.ready = 'true';
  };
  void load();
}
