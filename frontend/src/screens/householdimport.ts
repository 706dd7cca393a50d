// The household import card of the household register (registrars): a CSV or XLSX file, all or
// nothing or skipping bad rows, the server's progress while a large file runs, then what was
// imported and every row refused with its reason.
import { h } from '../dom';
import { ApiError, detailReason, errorText, isAbort } from '../errors';
import { formatInteger } from '../format';
import { householdsApi, importFieldLabel, newProgressId, rejectedImport, type ImportMode, type ImportReport } from '../households';
import { getLang, t } from '../i18n';

/** Row errors shown in the table; the rest are counted. */
const ERRORS_SHOWN = 200;
/** How often the server's progress is asked for while the import runs. */
const POLL_MS = 500;

export function importCard(signal: AbortSignal, onImported: () => void): HTMLElement {
  const file = h('input', { type: 'file', class: 'input', accept: '.csv,.xlsx,text/csv', 'data-testid': 'import-file', i18nAriaLabel: 'hhImport.file' });
  const mode = h(
    'select',
    { class: 'select', 'data-testid': 'import-mode', i18nAriaLabel: 'hhImport.mode' },
    h('option', { value: 'all_or_nothing', i18n: 'hhImport.allOrNothing' }),
    h('option', { value: 'skip_invalid', i18n: 'hhImport.skipInvalid' }),
  );
  const start = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-start', i18n: 'hhImport.start' });
  const bar = h('progress', { class: 'import-bar', max: 1, hidden: true, 'data-testid': 'import-bar' });
  const said = h('p', { class: 'import-said', 'data-testid': 'import-status', role: 'status' });
  const errors = h('div', { 'data-testid': 'import-errors' });
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'import-form' },
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'hhImport.file' }), file),
    h('label', { class: 'field' }, h('span', { class: 'muted', i18n: 'hhImport.mode' }), mode),
    start,
  );
  const card = h(
    'section',
    { class: 'card', 'data-testid': 'import-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'hhImport.title' }), h('p', { class: 'card-sub muted', i18n: 'hhImport.sub' }))),
    h('div', { class: 'import-body' }, form, bar, said, errors),
  );

  const show = (text: string, isError = false) => {
    said.className = `import-said${isError ? ' error' : ''}`;
    said.setAttribute('role', isError ? 'alert' : 'status');
    said.textContent = text;
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      show(t('hhImport.pickFile'), true);
      return;
    }
    const progressId = newProgressId();
    start.disabled = true;
    errors.replaceChildren();
    bar.hidden = false;
    bar.removeAttribute('value'); // indeterminate until the server has the file
    show(t('hhImport.uploading'));
    card.dataset.state = 'running';
    let running = true;
    const poll = async () => {
      while (running && !signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (!running) return;
        try {
          const now = await householdsApi.importProgress(progressId, { signal });
          if (!running || now.finished) return;
          const lang = getLang();
          bar.value = now.fraction_read;
          show(t('hhImport.progress', { read: formatInteger(now.rows_read, lang), pct: Math.floor(now.fraction_read * 100), stored: formatInteger(now.rows_stored, lang) }));
        } catch {
          // 404 until the upload has arrived; anything else is answered by the import itself
        }
      }
    };
    void poll();
    try {
      const report = await householdsApi.import(chosen, chosen.name, mode.value as ImportMode, progressId, { signal });
      running = false;
      bar.hidden = true;
      show(t('hhImport.done', { imported: formatInteger(report.imported, getLang()), skipped: formatInteger(report.skipped, getLang()) }));
      errors.replaceChildren(...errorTable(report));
      card.dataset.state = 'done';
      onImported();
    } catch (err) {
      running = false;
      bar.hidden = true;
      if (isAbort(err)) return;
      const rejected = err instanceof ApiError && err.status === 422 ? rejectedImport(err.body) : null;
      if (rejected) {
        show(t('hhImport.rejected', { n: formatInteger(rejected.errors.length, getLang()) }), true);
        errors.replaceChildren(...errorTable(rejected));
      } else {
        show(errorText(err), true);
      }
      card.dataset.state = 'failed';
    } finally {
      start.disabled = false;
    }
  });
  return card;
}

/** The refused rows (the first ERRORS_SHOWN), with how many more there are. */
function errorTable(report: ImportReport): HTMLElement[] {
  if (!report.errors.length) return [];
  const rows = report.errors.slice(0, ERRORS_SHOWN).map((e) =>
    h('tr', {}, h('td', { class: 'num' }, String(e.row)), h('td', {}, importFieldLabel(e.field, getLang())), h('td', {}, detailReason(e))),
  );
  const table = h(
    'table',
    { class: 'data-table', 'data-testid': 'import-error-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num', i18n: 'hhImport.row' }), h('th', { scope: 'col', i18n: 'hhImport.field' }), h('th', { scope: 'col', i18n: 'hhImport.reason' }))),
    h('tbody', {}, ...rows),
  );
  const nodes: HTMLElement[] = [h('div', { class: 'table-wrap' }, table)];
  const more = report.errors.length - ERRORS_SHOWN;
  if (more > 0) nodes.push(h('p', { class: 'muted small' }, t('hhImport.more', { n: formatInteger(more, getLang()) })));
  return nodes;
}
