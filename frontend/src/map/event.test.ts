import { describe, expect, it } from 'vitest';
import { LEVEL_COLORS, NO_DATA } from '../disasterrules';
import type { AreaCollection } from '../geo';
import { choroplethExpression, flattenEvent, indicatorBreaks, largestValue, markerCollection, OVERDUE_FILTER, pickDefaultEvent, townshipRadius, TOWNSHIP_RADIUS } from './event';

const fc = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [115, 29] },
      properties: { code: '360425', name: '永修县', level: 'county', parent_code: '360400', population: 1, approximate: false, figures: { affected: 180000, crops_lost_ha: 2700.5, bogus: 3 }, response_level: 1, overdue: null, accepted: false, discrepancies: 1 },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [115.5, 29.5] },
      // properties may come back from the worker with objects as strings
      properties: { code: '360481', name: '瑞昌市', level: 'county', parent_code: '360400', population: 1, approximate: false, figures: '{}', response_level: null, overdue: 'initial', accepted: 'true', discrepancies: 0 },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [115.1, 29.1] },
      properties: { code: '360425101', name: '吴城镇', level: 'township', parent_code: '360425', approximate: false, figures: { affected: 54000 }, response_level: null, overdue: null, accepted: false, discrepancies: 1 },
    },
  ],
} as unknown as AreaCollection;

describe('event layers', () => {
  it('flattens the figures into plain properties and keeps the info by code', () => {
    const { data, info } = flattenEvent(fc);
    const p = data.features[0].properties as unknown as Record<string, unknown>;
    expect(p.fig_affected).toBe(180000);
    expect(p.fig_crops_lost_ha).toBe(2700.5);
    expect(p.fig_bogus).toBeUndefined();
    expect(p.lvl).toBe(1);
    expect(p.ov).toBe('');
    expect(p.disc).toBe(1);
    expect('figures' in p).toBe(false);
    const q = data.features[1].properties as unknown as Record<string, unknown>;
    expect(q.lvl).toBe(0);
    expect(q.ov).toBe('initial');
    expect(q.acc).toBe(true);
    expect(info.get('360481')).toEqual({ figures: {}, response_level: null, overdue: 'initial', accepted: true, discrepancies: 0 });
    expect(info.get('360425101')?.figures.affected).toBe(54000);
  });
  it('badges: overdue and discrepancy side by side, none for plain counties', () => {
    const { info } = flattenEvent(fc);
    const m = markerCollection(info, [
      { code: '360425', lon: 115, lat: 29 },
      { code: '360481', lon: 115.5, lat: 29.5 },
      { code: '360402', lon: 116, lat: 29 },
    ]);
    expect(m.features.map((f) => [f.properties?.code, f.properties?.icon, f.properties?.dx])).toEqual([
      ['360425', 'jz-discrepancy', 0],
      ['360481', 'jz-overdue', 0],
    ]);
    info.set('360402', { figures: {}, response_level: null, overdue: 'daily_update', accepted: false, discrepancies: 2 });
    const both = markerCollection(info, [{ code: '360402', lon: 116, lat: 29 }]);
    expect(both.features.map((f) => f.properties?.dx)).toEqual([-11, 11]);
  });
  it('choropleth by level or by an indicator', () => {
    expect((choroplethExpression('level', []) as unknown[])[0]).toBe('match');
    expect(choroplethExpression('level', [])).toContain(LEVEL_COLORS[1]);
    const ramp = choroplethExpression('affected', [50000]) as unknown[];
    expect(ramp[1]).toEqual(['has', 'fig_affected']);
    expect(ramp[3]).toBe(NO_DATA);
    expect(OVERDUE_FILTER).toEqual(['any', ['==', ['get', 'ov'], 'initial'], ['==', ['get', 'ov'], 'daily_update']]);
  });
  it('breaks over counties, largest township, circle sizes', () => {
    const { info } = flattenEvent(fc);
    expect(indicatorBreaks(info, ['360425', '360481'], 'affected')).toEqual([]);
    expect(largestValue(info, 'affected', (c) => c.length > 6)).toBe(54000);
    expect(townshipRadius(0, 100)).toBe(TOWNSHIP_RADIUS.min);
    expect(townshipRadius(100, 100)).toBe(TOWNSHIP_RADIUS.max);
    expect(townshipRadius(25, 100, 2, 12)).toBe(7);
  });
});

describe('pickDefaultEvent', () => {
  const ev = (id: number, status: string, onset: string) => ({ id, status, onset_at: onset });
  it('opens the active event under the most severe response', () => {
    const events = [ev(1, 'active', '2026-07-01T00:00:00Z'), ev(2, 'active', '2026-07-05T00:00:00Z'), ev(3, 'closed', '2026-07-09T00:00:00Z')];
    expect(pickDefaultEvent(events, new Map([[1, 1], [2, 3], [3, 1]]))).toBe(1);
    expect(pickDefaultEvent(events, new Map([[1, 2], [2, 2]]))).toBe(2);
  });
  it('prefers an event in a response to one without', () => {
    const events = [ev(1, 'active', '2026-07-01T00:00:00Z'), ev(2, 'active', '2026-07-05T00:00:00Z')];
    expect(pickDefaultEvent(events, new Map([[1, 4], [2, null]]))).toBe(1);
    expect(pickDefaultEvent(events, new Map())).toBe(2);
  });
  it('opens nothing when no event is active', () => {
    expect(pickDefaultEvent([ev(3, 'closed', '2026-07-09T00:00:00Z'), ev(4, 'stabilised', '2026-07-10T00:00:00Z')], new Map([[3, 1]]))).toBeNull();
    expect(pickDefaultEvent([], new Map())).toBeNull();
  });
});
