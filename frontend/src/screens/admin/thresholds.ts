// Response thresholds: one administrative level at a time, a table of criteria × levels Ⅰ–Ⅳ whose
// cells are the lower bounds; saving replaces the level's whole set (PUT), after a confirmation.
import { adminApi, RESPONSE_LEVELS, THRESHOLD_LEVELS, thresholdErrorRow, thresholdInputs, thresholdTable, type Threshold } from '../../admin';
import { confirmAction } from '../../confirm';
import { h } from '../../dom';
import { ApiError, detailReason, errorText, isAbort } from '../../errors';
import { label, t, type MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { normaliseDigits } from '../../util';
import { statusBlock } from '../../widgets';

export function thresholdsSection(ctx: ScreenContext): HTMLElement {
  const { signal } = ctx;
  let rows: Threshold[] = [];
  let adminLevel: string = ctx.params.get('level') ?? 'city';
  const levelSelect = h('select', { class: 'select', 'data-testid': 'thr-level', i18nAriaLabel: 'thr.level' });
  /** The known levels and any other set the server has (e.g. the province's plan for cities and counties). */
  const fillLevels = () => {
    const levels = [...new Set([...THRESHOLD_LEVELS, ...rows.map((r) => r.admin_level)])];
    levelSelect.replaceChildren(...levels.map((l) => h('option', { value: l }, label('thr.adminLevel', l))));
    levelSelect.value = adminLevel;
  };
  const status = h('div');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'data-table thr-table', 'data-testid': 'thr-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', i18n: 'thr.criterion' }), ...RESPONSE_LEVELS.map((l) => h('th', { scope: 'col', class: 'num', i18n: `thr.rl.${l}` as MsgKey })))),
    body,
  );
  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'thr-error', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'thr-save', i18n: 'admin.save' });
  /** The inputs of the shown level, by criterion, in Ⅰ–Ⅳ order. */
  let inputs = new Map<string, HTMLInputElement[]>();

  const cellError = (input: HTMLInputElement, text: string | null) => {
    const cell = input.parentElement!;
    cell.classList.toggle('invalid', !!text);
    input.setAttribute('aria-invalid', text ? 'true' : 'false');
    cell.querySelector('.field-error')?.remove();
    if (text) cell.append(h('div', { class: 'field-error', 'data-testid': `${input.dataset.testid}-error` }, text));
  };

  const render = () => {
    const table = thresholdTable(rows, adminLevel);
    inputs = new Map();
    body.replaceChildren(
      ...[...table].map(([criterion, bounds]) => {
        const cells = bounds.map((b, i) => {
          const input = h('input', {
            type: 'text',
            inputmode: 'numeric',
            class: 'input num-input',
            value: b === null ? '' : String(b),
            'data-testid': `thr-${criterion}-${RESPONSE_LEVELS[i]}`,
            'aria-label': `${label('thr.crit', criterion)} ${t(`thr.rl.${RESPONSE_LEVELS[i]}` as MsgKey)}`,
          });
          input.addEventListener('input', () => cellError(input, null));
          return input;
        });
        inputs.set(criterion, cells);
        return h('tr', {}, h('th', { scope: 'row' }, label('thr.crit', criterion)), ...cells.map((c) => h('td', { class: 'num' }, c)));
      }),
    );
    formError.hidden = true;
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('admin.loading')));
    try {
      rows = await adminApi.thresholds({ signal });
      fillLevels();
      status.replaceChildren();
      render();
      card.dataset.ready = 'true';
    } catch (err) {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  /** The typed table, or null after marking each cell that is not a whole number ≥ 0. */
  const typed = (): Map<string, Array<number | null>> | null => {
    const out = new Map<string, Array<number | null>>();
    let ok = true;
    for (const [criterion, cells] of inputs) {
      out.set(
        criterion,
        cells.map((input) => {
          const s = normaliseDigits(input.value).replace(/[,，\s]/g, '');
          if (!s) return null;
          if (!/^\d+$/.test(s)) {
            cellError(input, t('thr.notNumber'));
            ok = false;
            return null;
          }
          return Number(s);
        }),
      );
    }
    return ok ? out : null;
  };

  const form = h('form', { novalidate: true, 'data-testid': 'thr-form' }, h('div', { class: 'table-wrap' }, table), formError, h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const table = typed();
    if (!table) return;
    const body = thresholdInputs(table);
    const yes = await confirmAction({
      title: t('thr.title'),
      body: [h('p', {}, t('thr.confirm', { level: label('thr.adminLevel', adminLevel), n: body.length }))],
      confirmKey: 'admin.confirmSave',
    });
    if (!yes) return;
    save.disabled = true;
    try {
      const saved = await adminApi.replaceThresholds(adminLevel, body, { signal });
      rows = [...rows.filter((r) => r.admin_level !== adminLevel), ...saved];
      render();
      toast(t('admin.saved'));
    } catch (err) {
      if (isAbort(err)) return;
      // `[i].lower_bound` names the i-th row sent: put the reason in its cell.
      const leftovers: string[] = [];
      const details = err instanceof ApiError && Array.isArray(err.details) ? (err.details as Array<{ field?: string; reason?: string }>) : [];
      for (const d of details) {
        const i = thresholdErrorRow(d.field);
        const sent = i === null ? undefined : body[i];
        const input = sent && inputs.get(sent.criterion)?.[sent.response_level - 1];
        if (input) cellError(input, detailReason(d));
        else leftovers.push(detailReason(d));
      }
      formError.hidden = false;
      formError.textContent = leftovers.length ? leftovers.join('; ') : details.length ? t('admin.fixErrors') : errorText(err);
    } finally {
      save.disabled = false;
    }
  });

  levelSelect.addEventListener('change', () => {
    adminLevel = levelSelect.value;
    render();
  });

  const card = h(
    'section',
    { class: 'card', 'data-testid': 'thr-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', {}, h('h2', { i18n: 'thr.title' }), h('p', { class: 'card-sub muted', i18n: 'thr.sub' })),
      h('label', { class: 'filter' }, h('span', { class: 'muted', i18n: 'thr.level' }), levelSelect),
    ),
    status,
    form,
  );
  void load();
  // Row names and the inputs' labels are text: rebuild them (typed values are kept only by saving).
  ctx.onLang(() => {
    fillLevels();
    render();
  });
  return card;
}
