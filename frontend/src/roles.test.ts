import { describe, expect, it } from 'vitest';
import { EVENT_READERS, hasRole, homePath, ownDepotPath } from './roles';

describe('homePath', () => {
  it('sends a depot keeper to their first depot, everyone else to the map', () => {
    expect(homePath({ role: 'depot_staff', depot_ids: [7, 2] })).toBe('/depots/7');
    expect(homePath({ role: 'depot_staff', depot_ids: [] })).toBe('/map');
    expect(homePath({ role: 'manager', depot_ids: [3] })).toBe('/map');
    expect(homePath(null)).toBe('/map');
  });
});

describe('ownDepotPath / hasRole', () => {
  it("gives a keeper's first depot, and nothing to the others", () => {
    expect(ownDepotPath({ role: 'depot_staff', depot_ids: [4] })).toBe('/depots/4');
    expect(ownDepotPath({ role: 'depot_staff', depot_ids: [] })).toBeNull();
    expect(ownDepotPath({ role: 'manager', depot_ids: [4] })).toBeNull();
  });
  it('accepts only the listed roles', () => {
    expect(hasRole({ role: 'reviewer' }, EVENT_READERS)).toBe(true);
    expect(hasRole({ role: 'reporter' }, EVENT_READERS)).toBe(false);
  });
});
