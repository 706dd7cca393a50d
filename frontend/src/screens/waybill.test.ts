import { describe, expect, it } from 'vitest';
import { transportErrors } from './waybill';

describe('transportErrors', () => {
  it('takes a plate, a driver and a phone of digits and dashes', () => {
    expect(transportErrors('赣G·12345', '李师傅', '139-0000-0000')).toEqual([]);
    expect(transportErrors(' 赣G12345 ', ' 李 ', ' 13900000000 ')).toEqual([]);
  });
  it('names each field at fault', () => {
    expect(transportErrors('赣', '', 'call me')).toEqual(['vehicle_plate', 'driver_name', 'driver_phone']);
    expect(transportErrors('赣G·123456789012345', '李师傅', '1234')).toEqual(['vehicle_plate', 'driver_phone']);
  });
});
