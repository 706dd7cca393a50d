// Small shared pieces of UI.
import { h } from './dom';
import { getLang, label, setLang } from './i18n';

/** Button that toggles zh <-> en; its label names the other language. */
export function langSwitch(): HTMLButtonElement {
  return h('button', {
    type: 'button',
    class: 'btn btn-ghost lang-switch',
    id: 'lang-switch',
    'data-testid': 'lang-switch',
    i18n: 'lang.switch',
    i18nTitle: 'lang.switchTitle',
    onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh'),
  });
}

/** The product mark (served from public/, no inline SVG needed). */
export function logo(size = 28): HTMLImageElement {
  return h('img', { src: '/favicon.svg', width: size, height: size, alt: '', class: 'logo' });
}

/** A thin horizontal bar for a share 0..1 (clamped), in the given colour. */
export function shareBar(share: number, color: string, label?: string): HTMLElement {
  const pct = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0)) * 100;
  return h(
    'span',
    { class: 'bar', role: 'img', 'aria-label': label ?? `${Math.round(pct)}%` },
    h('span', { class: 'bar-fill', style: `width:${pct.toFixed(1)}%;background:${color}` }),
  );
}

/** A small rounded label. */
export function badge(text: string, cls = '', attrs: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `badge ${cls}`.trim(), ...attrs }, text);
}

/** A grant list's status as a coloured chip (草稿, 公示中, 已发放 …). */
export function listStatusChip(status: string): HTMLElement {
  return h('span', { class: `badge list-status list-status-${status}`, 'data-status': status }, label('listStatus', status));
}

/** "Loading…" / error-with-retry block used by the table screens. */
export function statusBlock(text: string, isError = false, retry?: () => void, retryLabel = ''): HTMLElement {
  const node = h('div', { class: `status-block${isError ? ' error' : ''}`, role: isError ? 'alert' : 'status' }, h('span', {}, text));
  if (retry) node.append(h('button', { type: 'button', class: 'btn btn-outline btn-small', onclick: retry }, retryLabel));
  return node;
}

export interface Column {
  key: import('./i18n').MsgKey;
  cls?: string;
}

/** A table whose header cells are translated in place; the body is filled by the caller. */
export function dataTable(columns: Column[], testid: string, extraClass = ''): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const table = h(
    'table',
    { class: `data-table ${extraClass}`.trim(), 'data-testid': testid },
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.cls, i18n: c.key })))),
    body,
  );
  return { table, body };
}
