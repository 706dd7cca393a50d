// Relief standards: the aid amounts (in yuan) and the cost splits (in percent), each with its
// default and basis; the changed ones are sent together after a confirmation listing them, and a
// refused value's reason stands beside it (a split that does not add up, beside the split's shares).
import { adminApi, formatStandard, parseStandardInput, splitGroup, standardChanges, standardInputValue, type Standard } from '../../admin';
import { confirmAction } from '../../confirm';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formErrors, readyToSend, showServerErrors } from '../../formerrors';
import { getLang, label, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';

export function standardsSection(ctx: ScreenContext): HTMLElement {
  const { signal } = ctx;
  let standards: Standard[] = [];
  const status = h('div');
  const groups = h('div', { class: 'std-groups' });
  const formError = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'std-error', hidden: true });
  const errors = formErrors<string>(formError);
  const inputs = new Map<string, HTMLInputElement>();
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'std-save', i18n: 'admin.save' });

  const unitText = (s: Standard) => label('std.unit', s.unit);
  const render = () => {
    const lang = getLang();
    inputs.clear();
    errors.fields.clear();
    const row = (s: Standard) => {
      const input = h('input', { type: 'text', inputmode: 'decimal', class: 'input num-input', value: standardInputValue(s.value, s.unit), 'data-testid': `std-${s.key}`, 'aria-label': label('std.key', s.key) });
      input.addEventListener('input', () => errors.dismiss(s.key));
      inputs.set(s.key, input);
      const error = h('div', { class: 'field-error', 'data-testid': `std-${s.key}-error`, hidden: true });
      const cell = h('td', { class: 'std-input' }, h('span', { class: 'input-unit' }, input, h('span', { class: 'unit-suffix' }, unitText(s))), error);
      errors.fields.set(s.key, { wrap: cell, error, control: input });
      return h(
        'tr',
        { 'data-testid': `std-row-${s.key}` },
        h('th', { scope: 'row' }, label('std.key', s.key)),
        h('td', { class: 'num nowrap', 'data-testid': `std-value-${s.key}` }, formatStandard(s.value, s.unit, lang)),
        cell,
        h('td', { class: 'num nowrap muted std-extra' }, formatStandard(s.default, s.unit, lang)),
        h('td', { class: 'small muted std-extra' }, s.source),
      );
    };
    const table = (titleKey: 'std.amounts' | 'std.splits', list: Standard[]) =>
      h(
        'div',
        { class: 'std-group' },
        h('h3', { class: 'sub-head', i18n: titleKey }),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table std-table' },
            h(
              'thead',
              {},
              h('tr', {}, ...(['std.name', 'std.value', 'std.new', 'std.default', 'std.source'] as const).map((k, i) => h('th', { scope: 'col', class: i > 2 ? 'std-extra' : undefined, i18n: k }))),
            ),
            h('tbody', {}, ...list.map(row)),
          ),
        ),
      );
    groups.replaceChildren(
      table('std.amounts', standards.filter((s) => s.unit !== 'basis_points')),
      table('std.splits', standards.filter((s) => s.unit === 'basis_points')),
    );
    errors.render();
  };

  const load = async () => {
    status.replaceChildren(statusBlock(t('admin.loading')));
    try {
      standards = await adminApi.standards({ signal });
      status.replaceChildren();
      render();
      card.dataset.ready = 'true';
    } catch (err) {
      if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true, () => void load(), t('map.retry')));
    }
  };

  const form = h('form', { novalidate: true, 'data-testid': 'std-form' }, groups, formError, h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const typed = new Map<string, number>();
    for (const s of standards) {
      const value = parseStandardInput(inputs.get(s.key)!.value, s.unit);
      if (value === null) errors.byField.set(s.key, { key: s.unit === 'days' ? 'std.notWhole' : 'std.notNumber' });
      else typed.set(s.key, value);
    }
    if (!readyToSend(errors)) return;
    const changes = standardChanges(standards, typed);
    if (!changes.length) {
      errors.form = { key: 'admin.noChange' };
      errors.render();
      return;
    }
    errors.render();
    const lang = getLang();
    const byKey = new Map<string, Standard>(standards.map((s) => [s.key, s]));
    const yes = await confirmAction({
      title: t('std.title'),
      body: [
        h('p', {}, t('std.confirm', { n: changes.length })),
        h(
          'ul',
          { class: 'confirm-items', 'data-testid': 'std-confirm-list' },
          ...changes.map((c) => {
            const s = byKey.get(c.key)!;
            return h('li', {}, `${label('std.key', c.key)}: ${formatStandard(s.value, s.unit, lang)} → ${formatStandard(c.value, s.unit, lang)}`);
          }),
        ),
      ],
      confirmKey: 'admin.confirmSave',
    });
    if (!yes) return;
    save.disabled = true;
    try {
      standards = await adminApi.changeStandards(changes, { signal });
      render();
      toast(t('admin.saved'));
    } catch (err) {
      if (isAbort(err)) return;
      // A split's error names the split ('split_local'): shown beside each of its shares.
      showServerErrors(errors, err, (field) => (field && inputs.has(field) ? field : [...inputs.keys()].filter((k) => splitGroup(k) === field)));
    } finally {
      save.disabled = false;
    }
  });

  const card = h(
    'section',
    { class: 'card', 'data-testid': 'std-card' },
    h('div', { class: 'card-head' }, h('div', {}, h('h2', { i18n: 'std.title' }), h('p', { class: 'card-sub muted', i18n: 'std.sub' }))),
    status,
    form,
  );
  void load();
  ctx.onLang(render);
  return card;
}
