import { describe, expect, it } from 'vitest';
import { DEPOT_RADIUS, depotColorExpression, depotRadius, largestUnits, type DepotCollection } from './depots';
import { READINESS_COLORS } from '../stockrules';

describe('depot layer', () => {
  it('sizes circles by the square root of units on hand', () => {
    expect(depotRadius(0, 100, 5, 20)).toBe(5);
    expect(depotRadius(100, 100, 5, 20)).toBe(20);
    expect(depotRadius(25, 100, 5, 20)).toBe(12.5);
    expect(depotRadius(500, 100, 5, 20)).toBe(20);
    expect(depotRadius(10, 0, 5, 20)).toBe(5);
    expect(depotRadius(100, 100)).toBe(DEPOT_RADIUS.max);
  });
  it('colours with the readiness thresholds, grey when inactive', () => {
    const expr = depotColorExpression() as unknown[];
    expect(expr[0]).toBe('case');
    expect(expr[2]).toBe(READINESS_COLORS.unknown);
    const step = expr[3] as unknown[];
    expect(step.slice(2)).toEqual([READINESS_COLORS.unknown, 0, READINESS_COLORS.low, 0.5, READINESS_COLORS.mid, 0.8, READINESS_COLORS.high]);
  });
  it('finds the largest stock', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [3, 40, 7].map((n, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { id: i, name: '', tier: 'county', area_code: '', readiness: 1, status: 'active', stock_units: n } })),
    } as DepotCollection;
    expect(largestUnits(fc)).toBe(40);
  });
});
