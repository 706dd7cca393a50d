// Small shared pieces of UI.
import { h } from './dom';
import { getLang, setLang } from './i18n';

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
