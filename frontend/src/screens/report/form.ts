// The report form: the area row, the figures, a description, when a figure fell or jumped an
// explanation, and photos. Checked in the browser with the server's rules (disasterrules.ts),
// posted with an Idempotency-Key, or kept in the outbox without a network; the server's 422
// reasons appear beside their fields. What is typed is kept as a draft until the report is filed.
import { disasterApi, indicatorLabel, stageLabel, type LossReport } from '../../disaster';
import { changesNeedingExplanation, cleanFigures, defaultStage, MAX_TEXT, reportFieldOf, validateReport, type ReportField, type ReportInput } from '../../disasterrules';
import { h } from '../../dom';
import { ApiError, errorText, isAbort } from '../../errors';
import { formatDateTime } from '../../format';
import { formErrors } from '../../formerrors';
import { getLang, t, type MsgKey } from '../../i18n';
import { keepKeyAfter, keyForSubmission, newUuid, type PendingSubmission } from '../../idempotency';
import { labelText, type WriteLabel } from '../../outbox';
import { QUEUED, queueWrite, sendOrQueue } from '../../outboxsync';
import { photoApi } from '../../photos';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { areaPicker, type AreaPicker } from './area';
import { draftBox } from './draft';
import { figureFields, type FigureFields } from './figures';
import { photoPicker, sendChosen } from '../../photopicker';
import { errorNode, latest, type ReportState } from './state';

export interface ReportForm {
  card: HTMLElement;
  area: AreaPicker;
  figures: FigureFields;
  /** Start from the latest version's figures (an update starts from the last figures), the form cleared of messages. */
  prefill(): void;
  /** Off while the event is closed, no township is chosen or it was accepted. */
  setEnabled(): void;
  /** The township of the kept draft, if there is one. */
  draftArea(): string | null;
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
  const draft = draftBox(localStorage, ctx.session?.user.username ?? '', eventId);

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
  const photos = photoPicker(ctx, 'report-photos');
  const draftNote = h('div', { class: 'field-hint draft-note', 'data-testid': 'report-draft-note', hidden: true });

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'report-submit', i18n: 'report.submit' });
  const clearBtn = h('button', { type: 'button', class: 'btn btn-outline', 'data-testid': 'report-clear', i18n: 'report.clear' });
  const closedNote = h('div', { class: 'notice notice-muted', 'data-testid': 'report-closed', hidden: true, i18n: 'report.closed' });
  const form = h(
    'form',
    { class: 'report-form', novalidate: true, 'data-testid': 'report-form' },
    area.row,
    area.info,
    prefillNote,
    draftNote,
    ...figures.groups,
    descWrap,
    explWrap,
    photos.node,
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
    restoreDraft();
    updateExplanation();
  };

  /** The kept draft of this township, over the prefilled figures. */
  const restoreDraft = () => {
    const kept = draft.load();
    draftNote.hidden = !kept || kept.area_code !== area.currentArea();
    if (draftNote.hidden || !kept) return;
    figures.restore(kept.values);
    description.value = kept.description;
    explanation.value = kept.explanation;
    if ([...area.stageSel.options].some((o) => o.value === kept.stage)) area.stageSel.value = kept.stage;
    const discard = h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'report-draft-discard', i18n: 'report.draftDiscard' });
    discard.addEventListener('click', () => {
      draft.clear();
      prefill();
    });
    draftNote.replaceChildren(h('span', {}, t('report.draftRestored', { time: formatDateTime(kept.savedAt, getLang()) })), discard);
  };

  const setEnabled = () => {
    const closed = state.event?.status === 'closed';
    const off = closed || !area.currentArea() || area.locked();
    closedNote.hidden = !closed;
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('.ind-group input, textarea')) el.disabled = off;
    area.stageSel.disabled = off;
    submit.disabled = off || busy;
    clearBtn.disabled = off;
    photos.setEnabled(!off);
    form.classList.toggle('form-off', off);
  };

  clearBtn.addEventListener('click', () => {
    draft.clear();
    draftNote.hidden = true;
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

  // Every change is kept, so leaving the screen or losing power loses nothing.
  const keepDraft = (ev: Event) => {
    // Choosing another township is not typing: its figures are loaded (and its draft restored) next.
    if (ev.target === area.countySel || ev.target === area.townSel || !area.currentArea()) return;
    draft.save(readInput());
  };
  form.addEventListener('input', keepDraft);
  form.addEventListener('change', keepDraft);

  /** The chosen photos, sent to the saved report or queued behind the queued one. */
  const sendPhotos = (areaName: string, report: { id: number } | { queuedKey: string }) =>
    sendChosen(photos, async (photo) => {
      const label: WriteLabel = { key: 'outbox.kind.photo', params: { area: areaName, name: photo.name } };
      if ('id' in report) return (await sendOrQueue(photoApi.uploadWrite(eventId, report.id, photo.blob, newUuid(), label), signal)) !== QUEUED;
      await queueWrite({ ...photoApi.uploadWrite(eventId, '{after}', photo.blob, newUuid(), label), after: report.queuedKey });
      return false;
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
    const areaName = state.townships.find((x) => x.code === body.area_code)?.name ?? body.area_code;
    const label: WriteLabel = { key: 'outbox.kind.report', params: { area: areaName }, terms: { stage: `stage.${body.stage}` as MsgKey } };
    try {
      const key = pending.key;
      const saved = await sendOrQueue<LossReport>(disasterApi.reportWrite(eventId, body, key, label), signal);
      pending = null;
      draft.clear();
      if (saved === QUEUED) {
        await sendPhotos(areaName, { queuedKey: key });
        toast(t('outbox.queued', { what: labelText(label) }));
        page.dataset.queued = String(Number(page.dataset.queued ?? '0') + 1);
        prefill();
        return;
      }
      if (signal.aborted) return;
      const dup = state.versions.some((x) => x.id === saved.id);
      toast(t(dup ? 'report.duplicate' : 'report.saved', { area: areaName, stage: stageLabel(saved.stage), n: saved.version }));
      await sendPhotos(areaName, saved);
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

  return { card, area, figures, prefill, setEnabled, draftArea: () => draft.load()?.area_code ?? null };
}
