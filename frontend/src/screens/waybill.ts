// A shipment's transport: the vehicle and driver the keeper records while it is on the road, and the
// printed waybill (运单) that travels with the goods and comes back signed by the receiver.
import { h } from '../dom';
import { formatDateTime, formatInteger } from '../format';
import { getLang, t } from '../i18n';
import type { Shipment } from '../plans';
import { printSheets } from '../print';

export interface WaybillLabels {
  depot(id: number): string;
  area(code: string): string;
  item(code: string): string;
}

/** Field problems of a transport record, by field (plate, driver, phone), empty when it may be saved. */
export function transportErrors(plate: string, driver: string, phone: string): Array<'vehicle_plate' | 'driver_name' | 'driver_phone'> {
  const bad: Array<'vehicle_plate' | 'driver_name' | 'driver_phone'> = [];
  const p = plate.trim();
  if (p.length < 2 || p.length > 16) bad.push('vehicle_plate');
  const d = driver.trim();
  if (!d || d.length > 50) bad.push('driver_name');
  if (!/^[0-9-]{5,20}$/.test(phone.trim())) bad.push('driver_phone');
  return bad;
}

/** The vehicle and driver in one line, or '' when none is recorded. */
export function transportText(s: Shipment): string {
  if (!s.vehicle_plate) return '';
  return t('waybill.transportLine', { plate: s.vehicle_plate, driver: s.driver_name ?? '', phone: s.driver_phone ?? '' });
}

function waybillSheet(s: Shipment, labels: WaybillLabels): HTMLElement {
  const lang = getLang();
  const meta: Array<[string, string]> = [
    [t('waybill.no'), `#${s.id}`],
    [t('waybill.plan'), t('plan.heading', { id: s.plan_id })],
    [t('waybill.from'), labels.depot(s.depot_id)],
    [t('waybill.to'), labels.area(s.area_code)],
    [t('waybill.dispatched'), `${formatDateTime(s.dispatched_at, lang)} · ${s.dispatched_by}`],
    [t('waybill.vehicle'), s.vehicle_plate ?? ''],
    [t('waybill.driver'), [s.driver_name, s.driver_phone].filter(Boolean).join(' ')],
  ];
  return h(
    'article',
    { class: 'print-sheet waybill-sheet', 'data-testid': `waybill-sheet-${s.id}` },
    h('header', { class: 'print-head' }, h('h1', {}, t('waybill.title')), h('dl', { class: 'print-meta' }, ...meta.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '＿＿＿＿')]))),
    h(
      'table',
      { class: 'print-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('pick.no')), h('th', {}, t('plan.item')), h('th', {}, t('ship.shipped')), h('th', {}, t('ship.received')), h('th', {}, t('pick.remark')))),
      h(
        'tbody',
        {},
        ...s.lines.map((l, i) =>
          h('tr', { 'data-item': l.item }, h('td', { class: 'num' }, String(i + 1)), h('td', { class: 'item' }, labels.item(l.item)), h('td', { class: 'num' }, formatInteger(l.quantity, lang)), h('td', { class: 'blank' }), h('td', { class: 'blank' })),
        ),
      ),
    ),
    h(
      'div',
      { class: 'print-sign' },
      ...(['waybill.shipper', 'waybill.carrier', 'waybill.receiver', 'pick.date'] as const).map((k) => h('span', {}, t('common.labelled', { label: t(k), value: '' }), h('span', { class: 'sign-blank' }))),
    ),
  );
}

/** Print the waybills of these shipments, one per page. */
export function printWaybills(shipments: readonly Shipment[], labels: WaybillLabels): void {
  printSheets(shipments.map((s) => waybillSheet(s, labels)));
}
