import { describe, expect, it } from 'vitest';
import { ApiError, apiUrl, errorText, parseErrorBody } from './api';
import { setLang } from './i18n';
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

describe('errorText', () => {
  it('says what a refusal means in the user language, then the server words', () => {
    setLang('zh');
    expect(errorText(new ApiError(409, 'conflict', 'only a draft can be edited'))).toBe('状态冲突：only a draft can be edited');
    expect(errorText(new ApiError(403, 'forbidden', 'area 360425 is outside your scope'))).toBe('无权操作：area 360425 is outside your scope');
    expect(errorText(new ApiError(503, 'unavailable', ''))).toBe('服务器出错，请稍后重试：请求失败（503）');
    expect(errorText(new ApiError(0, 'network', 'fetch failed'))).toBe('无法连接服务器，请检查网络后重试');
    expect(errorText(new ApiError(400, 'bad_request', 'malformed JSON'))).toBe('malformed JSON');
    setLang('en');
    expect(errorText(new ApiError(422, 'invalid', 'a rejection needs a reason'))).toBe('Refused: a rejection needs a reason');
    expect(errorText(new Error('boom'))).toBe('boom');
    setLang('zh');
  });
});
