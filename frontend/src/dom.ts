// Tiny DOM builder. Text from the server is always set as text, never as HTML.
import type { MsgKey } from './i18n';
import { t } from './i18n';

type Child = Node | string | null | undefined | false;
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | EventListener | MsgKey;
}

/**
 * h('button', {class: 'btn', onclick: fn, i18n: 'login.submit'}, ...children)
 * - `on*` attributes become event listeners;
 * - `i18n` sets the text from the table and marks the node for re-translation;
 * - `i18nTitle` / `i18nPlaceholder` / `i18nAriaLabel` do the same for attributes;
 * - `false`/`null`/`undefined` attributes are skipped, `true` sets an empty attribute.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value as EventListener);
    } else if (name === 'i18n') {
      node.dataset.i18n = String(value);
      node.textContent = t(value as MsgKey);
    } else if (name === 'i18nTitle' || name === 'i18nPlaceholder' || name === 'i18nAriaLabel') {
      node.dataset[name] = String(value);
      const attr = name === 'i18nTitle' ? 'title' : name === 'i18nPlaceholder' ? 'placeholder' : 'aria-label';
      node.setAttribute(attr, t(value as MsgKey));
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c);
  }
  return node;
}

/** Change a node's table text later, keeping it translated on a language switch (like `i18n` above). */
export function setLabel(node: HTMLElement, key: MsgKey): void {
  node.dataset.i18n = key;
  node.textContent = t(key);
}

export function clear(node: Element): void {
  node.replaceChildren();
}

/** Save a blob as a file through a temporary <a download> (files made in the browser or fetched with a token). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
