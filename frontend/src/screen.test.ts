import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLang, setLang } from './i18n';
import { openScreen } from './screen';

const route = { session: null, args: {}, params: new URLSearchParams() };
const container = () => ({ replaceChildren: vi.fn() });
const otherLang = () => (getLang() === 'zh' ? 'en' : 'zh');

afterEach(() => setLang('zh'));

describe('openScreen', () => {
  it('runs the language hooks in the order registered while the screen is open', () => {
    const { ctx, close } = openScreen(container(), route);
    const calls: string[] = [];
    ctx.onLang(() => calls.push('header'));
    ctx.onLang(() => calls.push('table'));
    setLang(otherLang());
    expect(calls).toEqual(['header', 'table']);
    close();
    setLang(otherLang());
    ctx.onLang(() => calls.push('late'));
    setLang(otherLang());
    expect(calls).toEqual(['header', 'table']);
  });

  it('aborts the signal, then runs each cleanup once, last first, then empties the container', () => {
    const root = container();
    const { ctx, close } = openScreen(root, route);
    const calls: string[] = [];
    ctx.defer(() => calls.push(`map (signal aborted: ${ctx.signal.aborted})`));
    ctx.defer(() => calls.push('layer'));
    expect(calls).toEqual([]);
    close();
    expect(calls).toEqual(['layer', 'map (signal aborted: true)']);
    expect(root.replaceChildren).toHaveBeenCalledTimes(1);
    close();
    expect(calls).toHaveLength(2);
    expect(root.replaceChildren).toHaveBeenCalledTimes(1);
  });

  it('runs a cleanup registered after the screen was left at once (a mount that finished late)', () => {
    const { ctx, close } = openScreen(container(), route);
    close();
    const late = vi.fn();
    ctx.defer(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('runs every cleanup when one throws, and reports the first error', () => {
    const root = container();
    const { ctx, close } = openScreen(root, route);
    const after = vi.fn();
    ctx.defer(after);
    ctx.defer(() => {
      throw new Error('second');
    });
    ctx.defer(() => {
      throw new Error('first');
    });
    expect(close).toThrow('first');
    expect(after).toHaveBeenCalledTimes(1);
    expect(root.replaceChildren).toHaveBeenCalledTimes(1);
  });

  it('passes the route through', () => {
    const params = new URLSearchParams('event=3');
    const { ctx, close } = openScreen(container(), { session: null, args: { id: '7' }, params });
    expect(ctx.args).toEqual({ id: '7' });
    expect(ctx.params.get('event')).toBe('3');
    expect(ctx.signal.aborted).toBe(false);
    close();
  });
});
