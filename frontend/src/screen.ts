// What a screen gets from the router, and the router's side of a screen's life: the screen
// registers its language hooks and cleanups here, and the router runs them when it is left.
import { onLangChange } from './i18n';
import type { Session } from './session';

export interface ScreenContext {
  /** Null only on public screens. */
  session: Session | null;
  /** Captured `:segments` of the route pattern. */
  args: Record<string, string>;
  /** Query part of the hash (`#/map?event=3`). */
  params: URLSearchParams;
  /** Aborted when the screen is left: stop fetches and timers. */
  signal: AbortSignal;
  /** Call `fn` on every language switch while the screen is shown, in the order registered. */
  onLang(fn: () => void): void;
  /** Call `fn` once when the screen is left (last registered first, like nested resources); at once if it already was. */
  defer(fn: () => void): void;
}

export interface ScreenModule {
  mount(root: HTMLElement, ctx: ScreenContext): void | Promise<void>;
}

export interface OpenScreen {
  ctx: ScreenContext;
  /** Leave the screen: abort its signal, drop its language hooks, run its cleanups, empty its container. Later calls do nothing. */
  close(): void;
}

/** The life of one mounted screen in `container`. */
export function openScreen(
  container: Pick<ParentNode, 'replaceChildren'>,
  route: Pick<ScreenContext, 'session' | 'args' | 'params'>,
): OpenScreen {
  const controller = new AbortController();
  const langHooks: Array<() => void> = [];
  const cleanups: Array<() => void> = [];
  let offLang: (() => void) | null = null;
  let closed = false;

  const ctx: ScreenContext = {
    ...route,
    signal: controller.signal,
    onLang(fn) {
      if (closed) return;
      langHooks.push(fn);
      offLang ??= onLangChange(() => {
        for (const hook of langHooks) hook();
      });
    },
    defer(fn) {
      if (closed) fn();
      else cleanups.push(fn);
    },
  };

  const close = () => {
    if (closed) return;
    closed = true;
    controller.abort();
    offLang?.();
    // Every cleanup runs even when one throws; the first error is reported after.
    let failure: { error: unknown } | null = null;
    for (let i = cleanups.length - 1; i >= 0; i--) {
      try {
        cleanups[i]();
      } catch (error) {
        failure ??= { error };
      }
    }
    container.replaceChildren();
    if (failure) throw failure.error;
  };

  return { ctx, close };
}
