import { describe, expect, it } from 'vitest';
import { cellCentres, containsFullId, disclosureEnded, hexClass, hexFeatures, listActions, programmeText } from './households';

describe('containsFullId', () => {
  it('finds an unmasked 18-digit ID number, not a masked one', () => {
    expect(containsFullId('张*明 360402199001011234 ¥300')).toBe(true);
    expect(containsFullId('36040219900101123X')).toBe(true);
    expect(containsFullId('3604**********1234')).toBe(false);
    expect(containsFullId('1234567890123456789012')).toBe(false);
  });
});

describe('listActions', () => {
  it('offers each role the steps of the status', () => {
    expect(listActions('manager', 'draft')).toEqual(['submit', 'cancel']);
    expect(listActions('reviewer', 'submitted')).toEqual(['approve', 'reject']);
    expect(listActions('manager', 'submitted')).toEqual(['cancel']);
    expect(listActions('reviewer', 'approved')).toEqual(['publish']);
    expect(listActions('manager', 'published')).toEqual(['pay']);
    expect(listActions('reviewer', 'paid')).toEqual([]);
  });
});

describe('disclosureEnded', () => {
  const now = new Date('2026-07-10T00:00:00Z');
  it('only after the end of a published list, always once paid', () => {
    expect(disclosureEnded({ status: 'published', disclosure_end: '2026-07-09T00:00:00Z' }, now)).toBe(true);
    expect(disclosureEnded({ status: 'published', disclosure_end: '2026-07-11T00:00:00Z' }, now)).toBe(false);
    expect(disclosureEnded({ status: 'approved', disclosure_end: null }, now)).toBe(false);
    expect(disclosureEnded({ status: 'paid', disclosure_end: null }, now)).toBe(true);
  });
});

describe('hexagons', () => {
  it('classes affected counts by the legend breaks', () => {
    expect([0, 1, 5, 6, 15, 16, 30, 31].map(hexClass)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
  });
  it('places cells at the mean of their located households', () => {
    const c = cellCentres([
      { h3_cell: 'a', lon: 116, lat: 29 },
      { h3_cell: 'a', lon: 116.2, lat: 29.2 },
      { h3_cell: 'b', lon: null, lat: null },
    ]);
    expect(c.get('a')?.lon).toBeCloseTo(116.1);
    expect(c.get('a')?.n).toBe(2);
    expect(c.has('b')).toBe(false);
    const fc = hexFeatures([{ cell: 'a', households: 2, affected: 7 }, { cell: 'b', households: 1, affected: 0 }], c);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].properties).toMatchObject({ cell: 'a', affected: 7, cls: 2 });
  });
});

describe('programmeText', () => {
  it('lists current enrolments only', () => {
    const now = new Date('2026-07-10T00:00:00Z');
    expect(programmeText([{ programme: 'dibao', since: '2022-01-01' }, { programme: 'medical', since: '2020-01-01', until: '2021-01-01' }], 'zh', now)).toBe('低保');
  });
});
