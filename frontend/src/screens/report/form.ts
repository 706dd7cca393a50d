// The report form: the area row, the figures, a description and, when a figure fell or jumped,
// an explanation. Checked in the browser with the server's rules (disasterrules.ts), posted with
// an Idempotency-Key; the server's 422 reasons appear beside their fields.
import { disasterApi, indicatorLabel, stageLabel } from '../../disaster';
import { changesNeedingExplanation, cleanFigures, defaultStage, MAX_TEXT, reportFieldOf, validateReport, type ReportField, type ReportInput } from '../../disasterrules';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formErrors } from '../../formerrors';
import { getLang, t } from '../../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../../idempotency';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { areaPicker, type AreaPicker } from './area';
import { figureFields, type FigureFields } from './figures';
import { errorNode, latest, type ReportState } from './state';

export interface ReportForm {
  card: HTMLElement;
  area: AreaPicker;
  figures: FigureFields;
  /** Start from the latest version's figures (an update starts from the last figures), the form cleared of messages. */
  prefill(): void;
  /** Off while the event is closed, no township is chosen or it was accepted. */
  setEnabled(): void;
}

export function reportForm(
  ctx: ScreenContext,
  state: ReportState,
  page: HTMLElement,
  on: { countyChange(): void; townshipChange(): void; saved(): Promise<void> },
): ReportForm {
  const { signal } = ctx;
  const { eventId } = state;
  let pending: PendingSubmission | null = null;
  let busy = false;

  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'report-form-error', hidden: true });
  const errors = formErrors<ReportField>(formError);
  ctx.onLang(errors.render);
  const figures = figureFields(ctx, state, errors, () => updateExplanation());
  const prefillNote = h('div', { class: 'field-hint prefill-note', 'data-testid': 'report-prefill-note', hidden: true });

  const description = h('textarea', { class: 'input textarea', id: 'report-description', 'data-testid': 'report-description', rows: 3, maxlength: MAX_TEXT, i18nPlaceholder: 'report.descriptionPlaceholder' });
  const explanation = h('textarea', { class: 'input textarea', id: 'report-explanation', 'data-testid': 'report-explanation', rows: 2, maxlength: MAX_TEXT, i18nPlaceholder: 'report.explanationPlaceholder' });
  const explanationHint = h('div', { class: 'field-hint warn-hint', 'data-testid': 'report-explanation-hint' });
  const descError = errorNode('description');
  const explError = errorNode('explanation');
  const descWrap = h('div', { class: 'field' }, h('label', { for: description.id, i18n: 'report.description' }), description, descError);
  const explWrap = h('div', { class: 'field explanation-field', 'data-testid': 'report-explanation-field', hidden: true }, h('label', { for: explanation.id, i18n: 'report.explanation' }), explanationHint, explanation, explError);
  errors.fields.set('description', { wrap: descWrap, error: descError, control: description });
  errors.fields.set('explanation', { wrap: explWrap, error: explError, control: explanation });
  explanation.addEventListener('input', () => errors.dismiss('explanation'));
  description.addEventListener('input', () => errors.dismiss('description'));
  // Registered after the figures and the texts: the first of those with a message gets the focus.
  const area = areaPicker(ctx, state, errors, on);

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'report-submit', i18n: 'report.submit' });
  const clearBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'report-clear', i18n: 'report.clear' });
  const closedNote = h('div', { class: 'notice notice-muted', 'data-testid': 'report-closed', hidden: true, i18n: 'report.closed' });
  const form = h(
    'form',
    { class: 'report-form', novalidate: true, 'data-testid': 'report-form' },
    area.row,
    area.info,
    prefillNote,
    ...figures.groups,
    descWrap,
    explWrap,
    formError,
    h('div', { class: 'form-actions' }, clearBtn, submit),
  );
  const card = h('section', { class: 'card report-card' }, h('div', { class: 'card-head' }, h('h2', { i18n: 'report.title' }), h('span', { class: 'muted small', i18n: 'report.unitsHint' })), h('div', { class: 'card-body' }, closedNote, form));

  const updateExplanation = () => {
    const last = latest(state);
    const changed = changesNeedingExplanation(figures.read(), last ? cleanFigures(last.indicators) : null);
    const show = changed.length > 0 || errors.byField.has('explanation') || !!explanation.value.trim();
    explWrap.hidden = !show;
    explanationHint.textContent = changed.length ? t('report.explanationNeeded', { list: changed.map(indicatorLabel).join('、') }) : '';
    explanationHint.hidden = !changed.length;
  };
  ctx.onLang(updateExplanation);

  const prefill = () => {
    const last = latest(state);
    figures.fill(last ? cleanFigures(last.indicators) : {});
    prefillNote.hidden = !last;
    prefillNote.textContent = last ? t('report.prefilled', { n: last.version }) : '';
    explanation.value = '';
    description.value = '';
    area.stageSel.value = defaultStage(state.versions.some((v) => v.stage === 'initial'));
    errors.clear();
    errors.render();
    updateExplanation();
  };

  const setEnabled = () => {
    const closed = state.event?.status === 'closed';
    const off = closed || !area.currentArea() || area.locked();
    closedNote.hidden = !closed;
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('.ind-group input, textarea')) el.disabled = off;
    area.stageSel.disabled = off;
    submit.disabled = off || busy;
    clearBtn.disabled = off;
    form.classList.toggle('form-off', off);
  };

  clearBtn.addEventListener('click', () => {
    figures.clear();
    prefillNote.hidden = true;
    errors.clear();
    errors.render();
    updateExplanation();
  });

  const readInput = (): ReportInput => ({
    area_code: area.currentArea(),
    stage: area.stageSel.value,
    values: figures.values(),
    description: description.value,
    explanation: explanation.value,
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    errors.clear();
    const last = latest(state);
    const v = validateReport(readInput(), {
      hasInitial: state.versions.some((x) => x.stage === 'initial'),
      previous: last ? cleanFigures(last.indicators) : null,
      drought: state.event?.hazard === 'drought',
      locked: area.locked(),
      lang: getLang(),
    });
    for (const [f, m] of Object.entries(v.errors)) errors.byField.set(f as ReportField, m!);
    if (v.formError) errors.form = v.formError;
    else if (errors.byField.size) errors.form = { key: 'form.fixErrors' };
    updateExplanation();
    errors.render();
    if (!v.body) {
      errors.firstInvalid()?.focus();
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
      const name = state.townships.find((x) => x.code === saved.area_code)?.name ?? saved.area_code;
      const dup = state.versions.some((x) => x.id === saved.id);
      toast(t(dup ? 'report.duplicate' : 'report.saved', { area: name, stage: stageLabel(saved.stage), n: saved.version }));
      page.dataset.saved = String(saved.id);
      await on.saved();
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
          if (field && errors.fields.has(field)) errors.byField.set(field, { text: reason });
          else leftovers.push(reason);
        }
        if (errors.byField.has('explanation')) explWrap.hidden = false;
        errors.form = leftovers.length ? { text: leftovers.join('；') } : errors.byField.size ? { key: 'form.fixErrors' } : { text: err.message };
      } else if (status === 0 || status >= 500) {
        errors.form = { text: `${errorText(err)} — ${t('form.retryHint')}` };
      } else {
        errors.form = { text: errorText(err) };
      }
      errors.render();
    } finally {
      busy = false;
      submit.textContent = t('report.submit');
      form.removeAttribute('aria-busy');
      setEnabled();
    }
  });

  return { card, area, figures, prefill, setEnabled };
}
