import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatHash, matchPath, parseHash, replaceHash } from './router';

describe('parseHash', () => {
  it('splits path and query', () => {
    const l = parseHash('#/login?next=/map');
    expect(l.path).toBe('/login');
    expect(l.params.get('next')).toBe('/map');
  });
  it('normalises empty, bare and trailing-slash hashes', () => {
    expect(parseHash('').path).toBe('');
    expect(parseHash('#').path).toBe('');
    expect(parseHash('#/').path).toBe('');
    expect(parseHash('#map/').path).toBe('/map');
  });
});

describe('matchPath / formatHash', () => {
  it('captures segments', () => {
    expect(matchPath('/depots/:id', '/depots/12')).toEqual({ id: '12' });
    expect(matchPath('/depots/:id', '/depots')).toBeNull();
    expect(matchPath('/map', '/map')).toEqual({});
  });
  it('formats hashes, skipping empty params', () => {
    expect(formatHash('/login', { next: '/map', x: undefined })).toBe('#/login?next=%2Fmap');
    expect(formatHash('/map')).toBe('#/map');
  });
});

describe('replaceHash', () => {
  /** A stand-in address bar: `location.hash` and `history.replaceState` (the tests run in node). */
  const address = (hash: string) => {
    const location = { hash };
    const replaceState = vi.fn((_s: unknown, _t: string, url: string) => void (location.hash = url));
    vi.stubGlobal('location', location);
    vi.stubGlobal('history', { replaceState });
    return { location, replaceState };
  };
  afterEach(() => vi.unstubAllGlobals());

  it("keeps a screen's state in its own address", () => {
    const a = address('#/map');
    expect(replaceHash('/map', { event: '3' })).toBe(true);
    expect(a.location.hash).toBe('#/map?event=3');
    expect(replaceHash('/map', { event: '3' })).toBe(true);
    expect(a.replaceState).toHaveBeenCalledTimes(1);
  });
  it('leaves an address that has moved on to another screen (its hashchange still to come)', () => {
    const a = address('#/cases');
    expect(replaceHash('/map', { event: '1' })).toBe(false);
    expect(a.location.hash).toBe('#/cases');
    expect(a.replaceState).not.toHaveBeenCalled();
  });
});
