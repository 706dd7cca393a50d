// Short confirmations in the corner ("已入库 10 床 棉被"). Polite live region; errors stay longer.
import { h } from './dom';
import { t } from './i18n';

let host: HTMLElement | null = null;

function container(): HTMLElement {
  if (!host || !host.isConnected) {
    host = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite', 'data-testid': 'toasts' });
    document.body.append(host);
  }
  return host;
}

export function toast(text: string, kind: 'success' | 'error' = 'success', ms = kind === 'error' ? 8000 : 4500): HTMLElement {
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close'), title: t('toast.close') }, '×');
  const node = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', 'data-kind': kind }, h('span', { class: 'toast-text' }, text), close);
  const remove = () => {
    node.classList.add('leaving');
    setTimeout(() => node.remove(), 200);
  };
  close.addEventListener('click', remove);
  container().append(node);
  setTimeout(remove, ms);
  return node;
}
