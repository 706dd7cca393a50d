import { describe, expect, it } from 'vitest';
import { homePath, navTabs, routes } from './routes';
import type { Role, Session } from './session';

const session = (role: Role, depot_ids?: number[]): Session => ({
  token: 't',
  expires_at: '2999-01-01T00:00:00Z',
  user: { id: 1, username: role, role, area_code: null, display_name: role, depot_ids },
});

describe('homePath', () => {
  it('sends a depot keeper to their first depot, everyone else to the map', () => {
    expect(homePath({ role: 'depot_staff', depot_ids: [7, 2] })).toBe('/depots/7');
    expect(homePath({ role: 'depot_staff', depot_ids: [] })).toBe('/map');
    expect(homePath({ role: 'depot_staff' })).toBe('/map');
    expect(homePath({ role: 'manager', depot_ids: [3] })).toBe('/map');
    expect(homePath(null)).toBe('/map');
  });
});

describe('navTabs', () => {
  const hrefs = (s: Session) => navTabs(s).map((x) => x.href);
  it('managers, admins and auditors see the map, the depots and the reserves', () => {
    for (const role of ['manager', 'admin', 'auditor'] as Role[]) expect(hrefs(session(role))).toEqual(['/map', '/depots', '/reserves']);
  });
  it('a depot keeper sees their own depot only', () => {
    expect(hrefs(session('depot_staff', [4]))).toEqual(['/depots/4']);
    expect(hrefs(session('depot_staff'))).toEqual([]);
  });
  it('other roles keep the map', () => {
    expect(hrefs(session('reporter'))).toEqual(['/map']);
  });
  it('the depot screen highlights the depot list tab', () => {
    expect(routes.find((r) => r.path === '/depots/:id')?.tab).toBe('/depots');
  });
});
