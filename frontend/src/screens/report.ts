// The reporter's form (#/events/{id}/report): pick a township in scope (county → township), the
// stage (初报/续报/核报), the grouped indicators, a description and, when a figure fell or jumped,
// an explanation. Checked in the browser with the server's rules (disasterrules.ts); the server's
// 422 reasons appear beside their fields. The area's earlier versions are listed beside the form.
import { disasterApi, indicatorLabel, stageLabel, unitLabelOf, type AreaRow, type AreaSummary, type DisasterEvent, type LossReport } from '../disaster';
import {
  changesNeedingExplanation,
  cleanFigures,
  defaultStage,
  formatFigure,
  INDICATOR_GROUPS,
  INDICATORS,
  indicatorUnit,
  isDecimalIndicator,
  KEY_INDICATORS,
  MAX_TEXT,
  parseFigure,
  reportFieldOf,
  stagesFor,
  SUB_INDICATORS,
  validateReport,
  type Figures,
  type Indicator,
  type ReportField,
  type ReportInput,
} from '../disasterrules';
import { h } from '../dom';
import { ApiError, errorText, isAbort } from '../errors';
import { chooseEvent, eventHeader } from '../eventui';
import { formatDateTime } from '../format';
import { getLang, msgText, t, type Msg, type MsgKey } from '../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../idempotency';
import type { ScreenContext } from '../screen';
import { toast } from '../toast';
import { badge, statusBlock } from '../widgets';


export function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  if (!ctx.args.id) return void chooseEvent(root, signal, 'report');
  const eventId = Number(ctx.args.id);
  const inner = h('div', { class: 'page-inner' });
  const page = h('div', { class: 'page report-page', 'data-testid': 'report-screen', 'data-event-id': String(eventId) }, inner);
  root.append(page);

  let event: DisasterEvent | null = null;
  let counties: AreaRow[] = [];
  let townships: AreaRow[] = [];
  let townStatus = new Map<string, AreaSummary>();
  let versions: LossReport[] = [];
  let areaSeq = 0;
  let pending: PendingSubmission | null = null;
  let busy = false;
  const errors = new Map<ReportField, Msg>();
  let formMsg: Msg | null = null;

  // ---- controls ---------------------------------------------------------------------------------
  const countySel = h('select', { class: 'select', id: 'report-county', 'data-testid': 'report-county' });
  const townSel = h('select', { class: 'select', id: 'report-township', 'data-testid': 'report-township', disabled: true });
  const stageSel = h('select', { class: 'select', id: 'report-stage', 'data-testid': 'report-stage' });
  const areaInfo = h('div', { class: 'area-info', 'data-testid': 'report-area-info' });
  const prefillNote = h('div', { class: 'field-hint prefill-note', 'data-testid': 'report-prefill-note', hidden: true });

  const inputs = new Map<Indicator, HTMLInputElement>();
  const prevHints = new Map<Indicator, HTMLElement>();
  const errorNodes = new Map<ReportField, { wrap: HTMLElement; error: HTMLElement; control?: HTMLElement }>();

  const errorNode = (field: ReportField) => h('div', { class: 'field-error', id: `report-error-${field}`, 'data-testid': `report-error-${field}`, hidden: true, role: 'alert' });

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
    errorNodes.set(ind, { wrap, error, control: input });
    input.addEventListener('input', () => {
      if (errors.delete(ind)) renderErrors();
      updateExplanation();
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

  const description = h('textarea', { class: 'input textarea', id: 'report-description', 'data-testid': 'report-description', rows: 3, maxlength: MAX_TEXT, i18nPlaceholder: 'report.descriptionPlaceholder' });
  const explanation = h('textarea', { class: 'input textarea', id: 'report-explanation', 'data-testid': 'report-explanation', rows: 2, maxlength: MAX_TEXT, i18nPlaceholder: 'report.explanationPlaceholder' });
  const explanationHint = h('div', { class: 'field-hint warn-hint', 'data-testid': 'report-explanation-hint' });
  const descWrap = h('div', { class: 'field' }, h('label', { for: description.id, i18n: 'report.description' }), description, errorNode('description'));
  const explWrap = h('div', { class: 'field explanation-field', 'data-testid': 'report-explanation-field', hidden: true }, h('label', { for: explanation.id, i18n: 'report.explanation' }), explanationHint, explanation, errorNode('explanation'));
  errorNodes.set('description', { wrap: descWrap, error: descWrap.querySelector('.field-error')!, control: description });
  errorNodes.set('explanation', { wrap: explWrap, error: explWrap.querySelector('.field-error')!, control: explanation });
  const areaErr = errorNode('area');
  const stageErr = errorNode('stage');
  const areaRow = h(
    'div',
    { class: 'field-row three' },
    h('div', { class: 'field' }, h('label', { for: countySel.id, i18n: 'report.county' }), countySel),
    h('div', { class: 'field' }, h('label', { for: townSel.id, i18n: 'report.township' }), townSel, areaErr),
    h('div', { class: 'field' }, h('label', { for: stageSel.id, i18n: 'report.stage' }), stageSel, stageErr),
  );
  errorNodes.set('area', { wrap: areaRow.children[1] as HTMLElement, error: areaErr, control: townSel });
  errorNodes.set('stage', { wrap: areaRow.children[2] as HTMLElement, error: stageErr, control: stageSel });
  explanation.addEventListener('input', () => {
    if (errors.delete('explanation')) renderErrors();
  });
  description.addEventListener('input', () => {
    if (errors.delete('description')) renderErrors();
  });
  stageSel.addEventListener('change', () => {
    if (errors.delete('stage')) renderErrors();
  });

  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'report-form-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'report-submit', i18n: 'report.submit' });
  const clearBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'report-clear', i18n: 'report.clear' });
  const closedNote = h('div', { class: 'notice notice-muted', 'data-testid': 'report-closed', hidden: true, i18n: 'report.closed' });
  const form = h(
    'form',
    { class: 'report-form', novalidate: true, 'data-testid': 'report-form' },
    areaRow,
    areaInfo,
    prefillNote,
    ...groups,
    descWrap,
    explWrap,
    formError,
    h('div', { class: 'form-actions' }, clearBtn, submit),
  );
  const formCard = h('section', { class: 'card report-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'report.title' }), h('span', { class: 'muted small', i18n: 'report.unitsHint' })), h('div', { class: 'card-body' }, closedNote, form));

  const versionsBox = h('div', { class: 'versions', 'data-testid': 'report-versions' });
  const versionsCard = h('section', { class: 'card versions-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'report.versions' })), versionsBox);

  // ---- rendering ------------------------------------------------------------------------------
  const renderErrors = () => {
    for (const [field, node] of errorNodes) {
      const m = errors.get(field);
      node.error.hidden = !m;
      node.error.textContent = m ? msgText(m) : '';
      node.wrap.classList.toggle('invalid', !!m);
      node.control?.setAttribute('aria-invalid', m ? 'true' : 'false');
    }
    formError.hidden = !formMsg;
    formError.textContent = formMsg ? msgText(formMsg) : '';
  };
  ctx.onLang(renderErrors);

  const latest = (): LossReport | null => (versions.length ? versions[versions.length - 1] : null);
  const currentArea = () => townSel.value;
  const locked = () => !!townStatus.get(currentArea())?.accepted;

  const readFigures = (): Figures => {
    const out: Figures = {};
    for (const [ind, input] of inputs) {
      const p = parseFigure(input.value, ind);
      if (p.ok && p.value !== null) out[ind] = p.value;
    }
    return out;
  };

  const updateExplanation = () => {
    const changed = changesNeedingExplanation(readFigures(), latest() ? cleanFigures(latest()!.indicators) : null);
    const show = changed.length > 0 || errors.has('explanation') || !!explanation.value.trim();
    explWrap.hidden = !show;
    explanationHint.textContent = changed.length ? t('report.explanationNeeded', { list: changed.map(indicatorLabel).join('、') }) : '';
    explanationHint.hidden = !changed.length;
  };
  ctx.onLang(updateExplanation);

  const fillStages = () => {
    const keep = stageSel.value;
    stageSel.replaceChildren(...stagesFor(event?.hazard === 'drought').map((s) => h('option', { value: s }, stageLabel(s))));
    if (keep) stageSel.value = keep;
  };
  ctx.onLang(fillStages);

  const fillCounties = () => {
    const keep = countySel.value;
    countySel.replaceChildren(h('option', { value: '' }, t('report.countyPlaceholder')), ...counties.map((c) => h('option', { value: c.code }, countyLabel(c))));
    countySel.value = keep;
  };
  const countyLabel = (c: AreaRow) => {
    const affected = event?.affected_areas.includes(c.code);
    return affected ? `${c.name} · ${t('report.affectedMark')}` : c.name;
  };
  ctx.onLang(fillCounties);

  const fillTownships = () => {
    const keep = townSel.value;
    townSel.replaceChildren(
      h('option', { value: '' }, t(countySel.value ? 'report.townshipPlaceholder' : 'report.countyFirst')),
      ...townships.map((x) => {
        const st = townStatus.get(x.code);
        const mark = st?.accepted ? ` · ${t('badge.accepted')}` : Object.keys(st?.reported ?? {}).length ? ` · ${t('report.hasReports')}` : '';
        return h('option', { value: x.code }, `${x.name}${mark}`);
      }),
    );
    townSel.value = townships.some((x) => x.code === keep) ? keep : '';
    townSel.disabled = !countySel.value;
  };
  ctx.onLang(fillTownships);

  const renderAreaInfo = () => {
    const lang = getLang();
    const code = currentArea();
    if (!code) {
      areaInfo.replaceChildren(h('span', { class: 'muted' }, t('report.pickArea')));
      return;
    }
    const last = latest();
    const st = townStatus.get(code);
    areaInfo.replaceChildren(
      h('span', { class: 'mono muted' }, code),
      last
        ? h('span', {}, t('report.lastVersion', { n: versions.length, stage: stageLabel(last.stage), time: formatDateTime(last.reported_at, lang), by: last.reported_by }))
        : badge(t('report.noReportYet'), 'badge-soft', { 'data-testid': 'report-none-yet' }),
      st?.accepted ? badge(t('badge.accepted'), 'badge-ok', { 'data-testid': 'report-locked', title: t('report.err.locked') }) : '',
    );
  };
  ctx.onLang(renderAreaInfo);

  const renderPrev = () => {
    const lang = getLang();
    const last = latest();
    const figs = last ? cleanFigures(last.indicators) : {};
    for (const [ind, node] of prevHints) {
      const v = figs[ind];
      node.textContent = typeof v === 'number' ? t('report.previous', { value: formatFigure(v, ind, lang) }) : '';
    }
  };
  ctx.onLang(renderPrev);

  const renderVersions = () => {
    const lang = getLang();
    if (!currentArea()) {
      versionsBox.replaceChildren(h('p', { class: 'muted empty-line', i18n: 'report.pickArea' }));
      return;
    }
    if (!versions.length) {
      versionsBox.replaceChildren(h('p', { class: 'muted empty-line', 'data-testid': 'report-versions-empty', i18n: 'report.noVersions' }));
      return;
    }
    versionsBox.replaceChildren(
      ...[...versions].reverse().map((v, idx) => {
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
  ctx.onLang(renderVersions);

  /** Fill the inputs from the latest version (an update starts from the last figures). */
  const prefill = () => {
    const last = latest();
    const figs = last ? cleanFigures(last.indicators) : {};
    for (const [ind, input] of inputs) input.value = typeof figs[ind] === 'number' ? String(figs[ind]) : '';
    prefillNote.hidden = !last;
    prefillNote.textContent = last ? t('report.prefilled', { n: last.version }) : '';
    explanation.value = '';
    description.value = '';
    stageSel.value = defaultStage(versions.some((v) => v.stage === 'initial'));
    errors.clear();
    formMsg = null;
    renderErrors();
    updateExplanation();
  };

  const setFormEnabled = () => {
    const closed = event?.status === 'closed';
    const off = closed || !currentArea() || locked();
    closedNote.hidden = !closed;
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('.ind-group input, textarea')) el.disabled = off;
    stageSel.disabled = off;
    submit.disabled = off || busy;
    clearBtn.disabled = off;
    form.classList.toggle('form-off', off);
  };

  // ---- area selection ----------------------------------------------------------------------
  const loadVersions = async () => {
    const seq = ++areaSeq;
    const code = currentArea();
    versions = [];
    renderVersions();
    renderAreaInfo();
    renderPrev();
    if (!code) {
      prefill();
      setFormEnabled();
      return;
    }
    versionsBox.replaceChildren(statusBlock(t('common.loading')));
    try {
      const list = await disasterApi.reports(eventId, code, { signal });
      if (seq !== areaSeq || signal.aborted) return;
      versions = list.filter((r) => r.area_code === code).sort((a, b) => a.version - b.version);
    } catch (err) {
      if (isAbort(err) || seq !== areaSeq) return;
      if (err instanceof ApiError && err.status === 401) return;
      versionsBox.replaceChildren(statusBlock(t('common.loadError', { message: errorText(err) }), true));
      return;
    }
    renderVersions();
    renderAreaInfo();
    renderPrev();
    prefill();
    setFormEnabled();
    page.dataset.area = code;
    page.dataset.versions = String(versions.length);
  };

  const loadTownships = async () => {
    const code = countySel.value;
    townships = [];
    fillTownships();
    if (!code) return void loadVersions();
    try {
      townships = (await disasterApi.areas({ level: 'township', parent: code }, { signal })).sort((a, b) => a.code.localeCompare(b.code));
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      toast(t('common.loadError', { message: errorText(err) }), 'error');
    }
    if (signal.aborted) return;
    fillTownships();
    await loadVersions();
  };

  countySel.addEventListener('change', () => {
    if (errors.delete('area')) renderErrors();
    void loadTownships();
  });
  townSel.addEventListener('change', () => {
    if (errors.delete('area')) renderErrors();
    window.history.replaceState(null, '', `#/events/${eventId}/report${townSel.value ? `?area=${townSel.value}` : ''}`);
    void loadVersions();
  });
  clearBtn.addEventListener('click', () => {
    for (const input of inputs.values()) input.value = '';
    prefillNote.hidden = true;
    errors.clear();
    formMsg = null;
    renderErrors();
    updateExplanation();
  });

  // ---- submit ---------------------------------------------------------------------------------
  const readInput = (): ReportInput => {
    const values: Partial<Record<Indicator, string>> = {};
    for (const [ind, input] of inputs) values[ind] = input.value;
    return { area_code: currentArea(), stage: stageSel.value, values, description: description.value, explanation: explanation.value };
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    errors.clear();
    formMsg = null;
    const last = latest();
    const v = validateReport(readInput(), {
      hasInitial: versions.some((x) => x.stage === 'initial'),
      previous: last ? cleanFigures(last.indicators) : null,
      drought: event?.hazard === 'drought',
      locked: locked(),
      lang: getLang(),
    });
    for (const [f, m] of Object.entries(v.errors)) errors.set(f as ReportField, m!);
    if (v.formError) formMsg = v.formError;
    else if (errors.size) formMsg = { key: 'form.fixErrors' };
    updateExplanation();
    renderErrors();
    if (!v.body) {
      const first = [...errorNodes.entries()].find(([f]) => errors.has(f))?.[1].control;
      first?.focus();
      page.dataset.invalid = String(Number(page.dataset.invalid ?? '0') + 1);
      return;
    }
    const body = v.body;
    pending = keyForSubmission(pending, JSON.stringify(body), newUuid);
    busy = true;
    submit.disabled = true;
    submit.textContent = t('form.submitting');
    form.setAttribute('aria-busy', 'true');
    try {
      const saved = await disasterApi.postReport(eventId, body, pending.key, { signal });
      pending = null;
      if (signal.aborted) return;
      const area = townships.find((x) => x.code === saved.area_code)?.name ?? saved.area_code;
      const dup = versions.some((x) => x.id === saved.id);
      toast(t(dup ? 'report.duplicate' : 'report.saved', { area, stage: stageLabel(saved.stage), n: saved.version }));
      page.dataset.saved = String(saved.id);
      await loadVersions();
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      const status = err instanceof ApiError ? err.status : 0;
      if (!keepKeyAfter(status)) pending = null;
      if (status === 401) return;
      if (err instanceof ApiError && status === 422) {
        const leftovers: string[] = [];
        const details = Array.isArray(err.details) ? (err.details as Array<{ field?: unknown; reason?: unknown }>) : [];
        for (const d of details) {
          const field = reportFieldOf(d.field);
          const reason = typeof d.reason === 'string' ? d.reason : '';
          if (!reason) continue;
          if (field && errorNodes.has(field)) errors.set(field, { text: reason });
          else leftovers.push(reason);
        }
        if (errors.has('explanation')) explWrap.hidden = false;
        formMsg = leftovers.length ? { text: leftovers.join('；') } : errors.size ? { key: 'form.fixErrors' } : { text: err.message };
      } else if (status === 0 || status >= 500) {
        formMsg = { text: `${errorText(err)} — ${t('form.retryHint')}` };
      } else {
        formMsg = { text: errorText(err) };
      }
      renderErrors();
    } finally {
      busy = false;
      submit.textContent = t('report.submit');
      form.removeAttribute('aria-busy');
      setFormEnabled();
    }
  });

  // ---- loading ---------------------------------------------------------------------------------
  const load = async () => {
    inner.replaceChildren(statusBlock(t('common.loading')));
    let summary: AreaSummary[] = [];
    try {
      const [e, cs, s] = await Promise.all([
        disasterApi.event(eventId, { signal }),
        disasterApi.areas({ level: 'county' }, { signal }),
        disasterApi.summary(eventId, 'township', { signal }).then((x) => x.areas).catch(() => [] as AreaSummary[]),
      ]);
      event = e;
      counties = cs.sort((a, b) => {
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
    townStatus = new Map(summary.map((a) => [a.code, a]));
    // The drought-only figure is offered for droughts only.
    const drought = inputs.get('drought_aid_needed');
    if (drought && event.hazard !== 'drought') {
      drought.closest('.ind-field')?.remove();
      inputs.delete('drought_aid_needed');
      prevHints.delete('drought_aid_needed');
      errorNodes.delete('drought_aid_needed');
    }
    inner.replaceChildren(
      h('a', { href: `#/map?event=${eventId}`, class: 'crumb link', 'data-testid': 'back-to-map' }, h('span', { 'aria-hidden': 'true' }, '← '), h('span', { i18n: 'report.backToMap' })),
      eventHeader(event),
      h('div', { class: 'report-grid' }, formCard, versionsCard),
    );
    fillStages();
    fillCounties();
    fillTownships();
    // ?area=360481001 preselects a township (county from its code).
    const wanted = ctx.params.get('area');
    if (wanted && wanted.length >= 9 && counties.some((c) => c.code === wanted.slice(0, 6))) {
      countySel.value = wanted.slice(0, 6);
      await loadTownships();
      if (townships.some((x) => x.code === wanted)) {
        townSel.value = wanted;
        await loadVersions();
      }
    } else {
      await loadVersions();
    }
    setFormEnabled();
    page.dataset.ready = 'true';
  };
  void load();
}
