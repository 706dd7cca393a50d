import { describe, expect, it } from 'vitest';
import type { Role } from './roles';
import { canOpen, navTabs, routes } from './routes';
import type { Session } from './session';

const session = (role: Role, depot_ids: number[] = []): Session => ({
  token: 't',
  expires_at: '2999-01-01T00:00:00Z',
  user: { id: 1, username: role, role, area_code: null, display_name: role, depot_ids, active: true },
});

describe('navTabs', () => {
  const hrefs = (s: Session) => navTabs(s).map((x) => x.href);
  it('managers, admins and auditors see the map, the events, the depots and the reserves', () => {
    for (const role of ['manager', 'admin', 'auditor'] as Role[]) expect(hrefs(session(role)).slice(0, 4)).toEqual(['/map', '/events', '/depots', '/reserves']);
    // Plans: managers, and auditors to read; shipments: managers only among these three.
    expect(hrefs(session('manager'))).toEqual(expect.arrayContaining(['/plans', '/shipments']));
    expect(hrefs(session('auditor'))).toEqual(expect.arrayContaining(['/plans', '/grants', '/audit']));
    expect(hrefs(session('admin'))).not.toContain('/plans');
    expect(hrefs(session('admin'))).toEqual(expect.arrayContaining(['/audit', '/admin/users']));
    for (const role of ['manager', 'reviewer', 'auditor'] as Role[]) expect(hrefs(session(role))).not.toContain('/admin/users');
  });
  it('a depot keeper sees their own depot only', () => {
    expect(hrefs(session('depot_staff', [4]))).toEqual(['/depots/4', '/shipments']);
    expect(hrefs(session('depot_staff'))).toEqual([]);
  });
  it('reporters get the report form and the household register, assessors the verification queue, reviewers the events', () => {
    expect(hrefs(session('reporter'))).toEqual(['/map', '/report', '/households', '/applications', '/winter-spring', '/rebuild', '/cases', '/shipments']);
    expect(hrefs(session('assessor'))).toEqual(['/map', '/verify', '/rebuild']);
    // (the households helper's tabs aside)
    expect(hrefs(session('reviewer')).filter((x) => !['/grants', '/households', '/applications', '/winter-spring', '/rebuild', '/cases'].includes(x))).toEqual(['/map', '/events', '/plans']);
    expect(hrefs(session('manager'))).not.toContain('/audit');
  });
  it('winter–spring relief: a tab for those who read it; the need form for those who record need', () => {
    const byPath = (p: string) => routes.find((r) => r.path === p)!;
    for (const role of ['manager', 'reporter', 'reviewer', 'auditor', 'admin'] as Role[]) expect(hrefs(session(role))).toContain('/winter-spring');
    for (const role of ['assessor', 'depot_staff'] as Role[]) expect(hrefs(session(role))).not.toContain('/winter-spring');
    expect(canOpen(byPath('/winter-spring/:id/needs/new'), session('reporter'))).toBe(true);
    expect(canOpen(byPath('/winter-spring/:id/needs/new'), session('reviewer'))).toBe(false);
    expect(byPath('/winter-spring/:id/needs/:need/edit').tab).toBe('/winter-spring');
  });
  it('rebuilding: a tab for every role that takes part, the inspection form for inspectors only', () => {
    const byPath = (p: string) => routes.find((r) => r.path === p)!;
    for (const role of ['manager', 'reporter', 'assessor', 'reviewer', 'auditor', 'admin'] as Role[]) expect(hrefs(session(role))).toContain('/rebuild');
    expect(hrefs(session('depot_staff', [4]))).not.toContain('/rebuild');
    expect(canOpen(byPath('/rebuild/:id/inspect'), session('assessor'))).toBe(true);
    expect(canOpen(byPath('/rebuild/:id/inspect'), session('reporter'))).toBe(false);
    expect(byPath('/rebuild/insurance').tab).toBe('/rebuild');
    // The insurance screen is matched before a case id.
    expect(routes.findIndex((r) => r.path === '/rebuild/insurance')).toBeLessThan(routes.findIndex((r) => r.path === '/rebuild/:id'));
  });
  it('one window: a tab for township and county staff and those who read; the intake for township staff; the desk and the receipt page without a login', () => {
    const byPath = (p: string) => routes.find((r) => r.path === p)!;
    for (const role of ['manager', 'reporter', 'reviewer', 'auditor', 'admin'] as Role[]) expect(hrefs(session(role))).toContain('/cases');
    for (const role of ['assessor', 'depot_staff'] as Role[]) expect(hrefs(session(role, [4]))).not.toContain('/cases');
    expect(canOpen(byPath('/cases/new'), session('reporter'))).toBe(true);
    expect(canOpen(byPath('/cases/new'), session('reviewer'))).toBe(false);
    expect(byPath('/cases/:id').tab).toBe('/cases');
    expect(canOpen(byPath('/department'), null)).toBe(true);
    expect(canOpen(byPath('/department/:id'), null)).toBe(true);
    expect(canOpen(byPath('/public/case'), null)).toBe(true);
    // The intake and the receipt page are matched before an id.
    expect(routes.findIndex((r) => r.path === '/cases/new')).toBeLessThan(routes.findIndex((r) => r.path === '/cases/:id'));
    expect(routes.findIndex((r) => r.path === '/public/case')).toBeLessThan(routes.findIndex((r) => r.path === '/public/:id'));
  });
  it('detection alerts: under the one-window tab, for everyone who reads cases, matched before a case id', () => {
    const byPath = (p: string) => routes.find((r) => r.path === p)!;
    const alerts = byPath('/cases/alerts');
    expect(alerts.tab).toBe('/cases');
    for (const role of ['manager', 'reporter', 'reviewer', 'auditor', 'admin'] as Role[]) expect(canOpen(alerts, session(role))).toBe(true);
    for (const role of ['assessor', 'depot_staff'] as Role[]) expect(canOpen(alerts, session(role, [4]))).toBe(false);
    expect(routes.findIndex((r) => r.path === '/cases/alerts')).toBeLessThan(routes.findIndex((r) => r.path === '/cases/:id'));
    // No tab of its own: the reporter's tabs stay as they were.
    expect(navTabs(session('reporter')).some((x) => x.href === '/cases/alerts')).toBe(false);
  });
  it('cross-programme checks: under the one-window tab, for the roles that read them, matched before a case id', () => {
    const checks = routes.find((r) => r.path === '/cases/checks')!;
    expect(checks.tab).toBe('/cases');
    for (const role of ['manager', 'reporter', 'reviewer', 'auditor', 'admin'] as Role[]) expect(canOpen(checks, session(role))).toBe(true);
    for (const role of ['assessor', 'depot_staff'] as Role[]) expect(canOpen(checks, session(role, [4]))).toBe(false);
    expect(routes.findIndex((r) => r.path === '/cases/checks')).toBeLessThan(routes.findIndex((r) => r.path === '/cases/:id'));
  });
  it('event sub-screens open for the right roles and highlight a tab the user has', () => {
    const byPath = (p: string) => routes.find((r) => r.path === p)!;
    expect(canOpen(byPath('/events/:id/report'), session('reporter'))).toBe(true);
    expect(canOpen(byPath('/events/:id/report'), session('assessor'))).toBe(false);
    expect(canOpen(byPath('/events/:id/verify'), session('assessor'))).toBe(true);
    expect(canOpen(byPath('/events/:id/verify'), session('manager'))).toBe(true);
    expect(canOpen(byPath('/events/:id'), session('reviewer'))).toBe(true);
    expect(canOpen(byPath('/events/:id'), session('reporter'))).toBe(false);
    expect(canOpen(byPath('/events/:id/print'), session('auditor'))).toBe(true);
    expect(byPath('/events/:id/report').tab).toEqual(['/report', '/events']);
  });
  it('the depot screen highlights the depot list tab', () => {
    expect(routes.find((r) => r.path === '/depots/:id')?.tab).toBe('/depots');
  });
});

describe('household and grant routes', () => {
  const byPath = (p: string) => routes.find((r) => r.path === p)!;
  const tabs = (s: Session) => navTabs(s).map((x) => x.href);
  it('households for managers, reporters and auditors, grants for managers, reviewers and auditors, disclosures for everyone', () => {
    expect(tabs(session('manager'))).toEqual(expect.arrayContaining(['/households', '/grants']));
    expect(tabs(session('auditor'))).toContain('/households');
    expect(tabs(session('reporter'))).toContain('/households');
    expect(tabs(session('auditor'))).toContain('/grants');
    expect(canOpen(byPath('/households/:id'), session('reporter'))).toBe(true);
    expect(canOpen(byPath('/households/:id'), session('assessor'))).toBe(false);
    expect(byPath('/households/:id').tab).toBe('/households');
    expect(tabs(session('reviewer'))).toContain('/grants');
    expect(tabs(session('reviewer'))).not.toContain('/households');
    expect(tabs(session('reporter'))).not.toContain('/grants');
    expect(canOpen(byPath('/public'), null)).toBe(true);
    expect(canOpen(byPath('/public/:id'), null)).toBe(true);
    expect(canOpen(byPath('/grants/:id'), session('auditor'))).toBe(true);
    expect(byPath('/grants/:id').tab).toBe('/grants');
  });
});
