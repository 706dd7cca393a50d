import { describe, expect, it } from 'vitest';
import { formatHash, matchPath, parseHash } from './router';

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
