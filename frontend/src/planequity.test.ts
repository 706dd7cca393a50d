import { describe, expect, it } from 'vitest';
import { changeKinds, figuresOf, perUnit, priceOfFairness, tierKey, type Equity, type LineChange } from './planequity';

const equity = (over: Partial<Equity> = {}): Equity => ({
  tiers: [
    { tier: 4, needs: 2, min_fill: 0.8, median_fill: 0.9, max_fill: 1 },
    { tier: 0, needs: 3, min_fill: 0.2, median_fill: 0.5, max_fill: 1 },
  ],
  gini: 0.2,
  demand: 200,
  delivered: 100,
  travel_unit_minutes: 6000,
  deprivation_unit_minutes: 6000 + 100 * 720,
  horizon_minutes: 720,
  most_delivered: { delivered: 100, travel_unit_minutes: 4000, deprivation_unit_minutes: 4000 + 100 * 720, gini: 0.4, min_fill: 0 },
  ...over,
});

describe('the equity audit for people', () => {
  it('reads unit-minutes as minutes per unit and the worst fill over the tiers', () => {
    expect(perUnit(6000, 100)).toBe(60);
    expect(perUnit(10, 0)).toBeNull();
    const f = figuresOf(equity());
    expect(f).toEqual({ delivered: 100, travelPerUnit: 60, waitPerUnit: (6000 + 72000) / 200, gini: 0.2, minFill: 0.2 });
  });

  it('prices fairness against the yardstick, never below zero', () => {
    expect(priceOfFairness(equity())).toEqual({ travelMinutes: 20, waitMinutes: 10, fewerUnits: 0 });
    const cheaper = equity({ travel_unit_minutes: 3000, deprivation_unit_minutes: 3000 + 72000 });
    expect(priceOfFairness(cheaper)).toEqual({ travelMinutes: 0, waitMinutes: 0, fewerUnits: 0 });
    expect(priceOfFairness(equity({ most_delivered: null }))).toBeNull();
  });

  it('names the response level of a tier', () => {
    expect([4, 3, 2, 1, 0, 9].map(tierKey)).toEqual(['l1', 'l2', 'l3', 'l4', 'none', 'l1']);
  });

  it('splits a re-plan into lines gone, new and changed', () => {
    const line = (before: number, after: number): LineChange => ({
      depot_id: 1,
      area_code: '360425105',
      item: 'tent',
      quantity_before: before,
      quantity_after: after,
      travel_minutes_before: before ? 30 : null,
      travel_minutes_after: after ? 45 : null,
    });
    const kinds = changeKinds([line(5, 0), line(0, 3), line(4, 6), line(2, 2)]);
    expect([kinds.removed.length, kinds.added.length, kinds.changed.length]).toEqual([1, 1, 2]);
  });
});
