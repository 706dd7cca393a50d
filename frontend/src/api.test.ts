import { describe, expect, it } from 'vitest';
import { apiUrl, parseErrorBody } from './api';
import { countyColorExpression, COUNTY_PALETTE } from './map/layers';

describe('parseErrorBody', () => {
  it('reads the error envelope', () => {
    const e = parseErrorBody(401, { error: { code: 'unauthorized', message: '用户名或密码错误' } });
    expect(e.status).toBe(401);
    expect(e.code).toBe('unauthorized');
    expect(e.message).toBe('用户名或密码错误');
  });
  it('falls back when the body is not an envelope', () => {
    const e = parseErrorBody(502, null, 'Bad Gateway');
    expect(e.code).toBe('http_502');
    expect(e.message).toBe('Bad Gateway');
    expect(parseErrorBody(429, 'x').message).toBe('HTTP 429');
  });
});

describe('apiUrl', () => {
  it('prefixes the API base and encodes the query', () => {
    expect(apiUrl('/map/areas.geojson', { level: 'county', event: undefined })).toBe('/api/v1/map/areas.geojson?level=county');
    expect(apiUrl('me')).toBe('/api/v1/me');
  });
});

describe('countyColorExpression', () => {
  it('gives each county a palette colour in code order', () => {
    const expr = countyColorExpression(['360403', '360402', '360402']) as unknown[];
    expect(expr.slice(0, 2)).toEqual(['match', ['get', 'code']]);
    expect(expr.slice(2, 6)).toEqual(['360402', COUNTY_PALETTE[0], '360403', COUNTY_PALETTE[1]]);
    expect(countyColorExpression([])).toBe(COUNTY_PALETTE[0]);
  });
});
