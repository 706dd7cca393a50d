// The depot's own trucks (本库运力): what a plan may load onto them in its first wave, in the round
// trips each makes before the deadline, over all its items (docs/domain/planning.md#trucks). Shown to everyone who sees the depot; a
// manager or an admin sets or clears them here.
import { api } from '../../api';
import { confirmAction } from '../../confirm';
import { h } from '../../dom';
import { errorField, formErrors, readyToSend, showServerErrors } from '../../formerrors';
import { formatInteger, formatVolume, formatWeight } from '../../format';
import { getLang, t } from '../../i18n';
import type { ScreenContext } from '../../screen';
import type { DepotDetail } from '../../stock';
import { toast } from '../../toast';

type Fleet = NonNullable<DepotDetail['fleet']>;
type Field = 'trucks' | 'load_kg' | 'load_m3' | 'trips';
const FIELDS: readonly Field[] = ['trucks', 'load_kg', 'load_m3', 'trips'];

/** Truckloads the trucks carry before the deadline: each truck makes its trips. */
export function truckloads(fleet: Fleet): number {
  return fleet.trucks * fleet.trips;
}

/** "3 × 8 t, 40 m³ each; round trips per truck: 2" / "未登记" */
export function fleetText(fleet: Fleet | null | undefined): string {
  const lang = getLang();
  if (!fleet) return t('fleet.none');
  return t('fleet.summary', { trucks: formatInteger(fleet.trucks, lang), kg: formatWeight(fleet.load_kg, lang), m3: formatVolume(fleet.load_m3, lang), trips: formatInteger(fleet.trips, lang) });
}

/**
 * The trucks' figure in the depot header, with an editor for those who may change the depot;
 * `stat(depot)` builds it for each render of the header, the editor staying open across renders
 * (a change of language) until it is closed or saved. `saved` gets the depot as the server now
 * has it.
 */
export function fleetStat(ctx: ScreenContext, saved: (d: DepotDetail) => void): { stat(depot: DepotDetail): HTMLElement } {
  let open = false;
  return {
    stat(depot) {
      return build(ctx, depot, open, (isOpen) => (open = isOpen), (d) => {
        open = false;
        saved(d);
      });
    },
  };
}

function build(ctx: ScreenContext, depot: DepotDetail, open: boolean, opened: (open: boolean) => void, saved: (d: DepotDetail) => void): HTMLElement {
  const role = ctx.session!.user.role;
  const canEdit = role === 'admin' || role === 'manager';
  const value = h('div', { class: 'stat-value', 'data-testid': 'depot-fleet-value' }, fleetText(depot.fleet));
  const box = h('div', { class: 'stat fleet-stat', 'data-testid': 'depot-fleet' }, h('div', { class: 'stat-label', i18n: 'fleet.title' }), value);
  if (!canEdit) return box;

  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'fleet-form-error' });
  const errors = formErrors<Field>(formError);
  // A new fleet starts at one trip per truck, the usual first wave.
  const input = (field: Field) =>
    h('input', { type: 'number', class: 'input', min: '1', step: '1', inputmode: 'numeric', value: depot.fleet ? String(depot.fleet[field]) : field === 'trips' ? '1' : '' }) as HTMLInputElement;
  const inputs = { trucks: input('trucks'), load_kg: input('load_kg'), load_m3: input('load_m3'), trips: input('trips') };
  const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'fleet-save', i18n: 'fleet.save' }) as HTMLButtonElement;
  const clear = depot.fleet
    ? (h('button', { type: 'button', class: 'btn btn-outline btn-small', 'data-testid': 'fleet-clear', i18n: 'fleet.clear' }) as HTMLButtonElement)
    : null;
  const form = h(
    'form',
    { class: 'fleet-form', 'data-testid': 'fleet-form', hidden: !open, novalidate: true },
    h('p', { class: 'muted', i18n: 'fleet.hint' }),
    h(
      'div',
      { class: 'fleet-fields' },
      errorField(errors, 'trucks', 'fleet.trucks', inputs.trucks, 'fleet-trucks'),
      errorField(errors, 'load_kg', 'fleet.loadKg', inputs.load_kg, 'fleet-load-kg'),
      errorField(errors, 'load_m3', 'fleet.loadM3', inputs.load_m3, 'fleet-load-m3'),
      errorField(errors, 'trips', 'fleet.trips', inputs.trips, 'fleet-trips'),
    ),
    formError,
    h('div', { class: 'form-actions' }, save, clear ?? ''),
  ) as HTMLFormElement;
  const toggle = h('button', { type: 'button', class: 'btn btn-outline btn-small fleet-edit', 'data-testid': 'fleet-edit', i18n: 'fleet.edit', 'aria-expanded': String(open) });
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    opened(!form.hidden);
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) inputs.trucks.focus();
  });

  const send = async (fleet: Fleet | null, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const updated = await api.patch<DepotDetail>(`/depots/${depot.id}`, { fleet }, { signal: ctx.signal });
      toast(t(fleet ? 'fleet.saved' : 'fleet.cleared'));
      saved(updated);
    } catch (err) {
      showServerErrors(errors, err, (field) => FIELDS.find((f) => field === `fleet.${f}`) ?? null);
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    errors.clear();
    const numbers = FIELDS.map((f) => Number(inputs[f].value));
    FIELDS.forEach((f, i) => {
      if (!Number.isInteger(numbers[i]) || numbers[i] < 1) errors.byField.set(f, { key: 'fleet.whole' });
    });
    if (!readyToSend(errors)) return;
    const [trucks, load_kg, load_m3, trips] = numbers;
    void send({ trucks, load_kg, load_m3, trips }, save);
  });
  clear?.addEventListener('click', async () => {
    // Plans then load this depot without a limit: asked first.
    const yes = await confirmAction({ title: t('fleet.clearTitle'), body: [h('p', {}, t('fleet.clearBody', { fleet: fleetText(depot.fleet) }))], confirmKey: 'fleet.clear', danger: true });
    if (yes) void send(null, clear);
  });
  box.append(toggle, form);
  return box;
}
