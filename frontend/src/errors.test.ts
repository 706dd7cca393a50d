import { describe, expect, it } from 'vitest';
import { ApiError, detailField, errorText, isAbort, parseErrorBody, serverFieldErrors } from './errors';
import { setLang } from './i18n';

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

describe('errorText', () => {
  it('says what a refusal means in the user language, then what was refused by its code; never English in Chinese', () => {
    setLang('zh');
    expect(errorText(new ApiError(409, 'conflict', 'only 3 available', undefined, undefined, 'stock_insufficient', { available: 3 }))).toBe('状态冲突：可用数量仅 3');
    expect(errorText(new ApiError(409, 'conflict', 'only a draft can be edited'))).toBe('状态冲突');
    expect(errorText(new ApiError(403, 'forbidden', 'area 360425 is outside your scope'))).toBe('无权操作');
    expect(errorText(new ApiError(503, 'unavailable', ''))).toBe('数据库暂时无法访问，请稍后重试');
    expect(errorText(new ApiError(507, 'storage_full', 'disk full'))).toBe('服务器磁盘已满，本次未保存（查询不受影响），请联系管理员');
    expect(errorText(new ApiError(500, 'internal', ''))).toBe('服务器出错，请稍后重试');
    expect(errorText(new ApiError(0, 'network', 'fetch failed'))).toBe('无法连接服务器，请检查网络后重试');
    expect(errorText(new ApiError(412, 'stale', 'this household was changed since you opened it'))).toBe('此记录在您打开后已被他人修改，请刷新后重新修改。');
    expect(errorText(new ApiError(400, 'bad_request', 'malformed JSON'))).toBe('请求失败（400）');
    const jump = [{ field: 'explanation', reason: 'these figures …', refusal: 'explain_jump', params: { version: 2, indicators: ['affected', 'dead'] } }];
    expect(errorText(new ApiError(422, 'invalid', 'these figures …', jump))).toBe('无法处理：以下数据较第 2 版大幅增减：受灾人口、死亡人口，请说明原因');
    setLang('en');
    expect(errorText(new ApiError(422, 'invalid', 'a rejection needs a reason'))).toBe('Refused: a rejection needs a reason');
    expect(errorText(new ApiError(409, 'conflict', 'only 3 available', undefined, undefined, 'stock_insufficient', { available: 3 }))).toBe('Conflict: Only 3 available');
    expect(errorText(new ApiError(400, 'bad_request', 'malformed JSON'))).toBe('malformed JSON');
    expect(errorText(new Error('boom'))).toBe('boom');
    setLang('zh');
  });
});

describe('isAbort', () => {
  it('tells an aborted fetch from a failure', () => {
    expect(isAbort(new DOMException('stopped', 'AbortError'))).toBe(true);
    expect(isAbort(new ApiError(0, 'network', 'fetch failed'))).toBe(false);
    expect(isAbort(null)).toBe(false);
  });
});

describe('server field errors', () => {
  it('names the field by the last path segment of details[].field', () => {
    expect(detailField('quantity')).toBe('quantity');
    expect(detailField('body.expires_on')).toBe('expires_on');
    expect(detailField('lines[0].lot')).toBe('lot');
    expect(detailField('lot[2]')).toBe('lot');
    expect(detailField(3)).toBeNull();
  });
  it('reads 422 details tolerantly, each reason in the reader\'s language', () => {
    setLang('en');
    expect(serverFieldErrors([{ field: 'quantity', reason: 'must be positive' }, { field: 'x', message: 'odd' }, null, { field: 'lot' }])).toEqual([
      { field: 'quantity', reason: 'must be positive' },
      { field: 'x', reason: 'odd' },
    ]);
    setLang('zh');
    expect(serverFieldErrors([{ field: 'quantity', reason: 'must be positive' }, { field: 'lot', reason: 'unknown lot L9', refusal: 'lot_unknown', params: { lot: 'L9' } }])).toEqual([
      { field: 'quantity', reason: '此项未被接受，请检查后重填' },
      { field: 'lot', reason: '没有此批次：L9' },
    ]);
    expect(serverFieldErrors({ available: 3 })).toEqual([]);
  });
});
