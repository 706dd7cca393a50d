import { describe, expect, it } from 'vitest';
import { apiUrl, filenameFromDisposition } from './api';
import { countyColorExpression, COUNTY_PALETTE } from './map/layers';

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

describe('filenameFromDisposition', () => {
  it('reads file names from Content-Disposition', () => {
    expect(filenameFromDisposition('attachment; filename="stock-card-3.csv"', 'x')).toBe('stock-card-3.csv');
    expect(filenameFromDisposition("attachment; filename=\"a.csv\"; filename*=UTF-8''%E5%BA%93%E5%AD%98%E5%8D%A1.xlsx", 'x')).toBe('库存卡.xlsx');
    expect(filenameFromDisposition('attachment; filename=ledger.xlsx', 'x')).toBe('ledger.xlsx');
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv');
    expect(filenameFromDisposition('attachment', 'fallback.csv')).toBe('fallback.csv');
  });
});
