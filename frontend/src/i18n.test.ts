import { describe, expect, it } from 'vitest';
import { initialLang, interpolate, isLang, LANG_STORAGE_KEY, MESSAGES, translate, type Table } from './i18n';

const table: Table = {
  zh: { hello: '你好，{name}', onlyZh: '只有中文' },
  en: { hello: 'Hello, {name}' },
};

describe('translate', () => {
  it('looks up the requested language', () => {
    expect(translate(table, 'en', 'hello', { name: 'Li' })).toBe('Hello, Li');
    expect(translate(table, 'zh', 'hello', { name: '李' })).toBe('你好，李');
  });
  it('falls back to Chinese, then to the key', () => {
    expect(translate(table, 'en', 'onlyZh')).toBe('只有中文');
    expect(translate(table, 'en', 'missing.key')).toBe('missing.key');
  });
  it('the real tables have the product name in both languages', () => {
    expect(translate(MESSAGES, 'zh', 'app.title')).toBe('九江市救灾物资与灾情管理');
    expect(translate(MESSAGES, 'en', 'app.title')).toBe('Jiuzai — Jiujiang disaster relief');
  });
  it('the English table has every Chinese key', () => {
    const missing = Object.keys(MESSAGES.zh).filter((k) => !MESSAGES.en[k]);
    expect(missing).toEqual([]);
  });
});

describe('interpolate', () => {
  it('keeps unknown placeholders and handles numbers', () => {
    expect(interpolate('{a} of {b}', { a: 3 })).toBe('3 of {b}');
    expect(interpolate('no params')).toBe('no params');
  });
});

describe('initialLang', () => {
  const store = (v: string | null) => ({ getItem: (k: string) => (k === LANG_STORAGE_KEY ? v : null) });
  it('defaults to Chinese', () => {
    expect(initialLang(undefined)).toBe('zh');
    expect(initialLang(store(null))).toBe('zh');
    expect(initialLang(store('fr'))).toBe('zh');
  });
  it('uses a valid stored choice', () => {
    expect(initialLang(store('en'))).toBe('en');
  });
  it('survives a throwing storage', () => {
    expect(initialLang({ getItem: () => { throw new Error('denied'); } })).toBe('zh');
  });
  it('isLang', () => {
    expect(isLang('zh')).toBe(true);
    expect(isLang('EN')).toBe(false);
  });
});
