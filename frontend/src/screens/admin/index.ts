// The administrator's settings (#/admin/users, #/admin/thresholds, #/admin/standards, #/admin/tokens): one tab in
// the header, a section per page. Every change asks for confirmation first, and a refused value's
// reason stands beside its field.
import { h } from '../../dom';
import type { MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { standardsSection } from './standards';
import { thresholdsSection } from './thresholds';
import { tokensSection } from './tokens';
import { usersSection } from './users';

const SECTIONS: Record<string, { key: MsgKey; mount: (ctx: ScreenContext) => HTMLElement }> = {
  users: { key: 'admin.users', mount: usersSection },
  thresholds: { key: 'admin.thresholds', mount: thresholdsSection },
  standards: { key: 'admin.standards', mount: standardsSection },
  tokens: { key: 'tok.tab', mount: tokensSection },
};

export function mount(root: HTMLElement, ctx: ScreenContext) {
  const section = SECTIONS[ctx.args.section] ? ctx.args.section : 'users';
  const tabs = h(
    'nav',
    { class: 'seg-tabs admin-tabs', i18nAriaLabel: 'admin.sections' },
    ...Object.entries(SECTIONS).map(([name, s]) =>
      h('a', { href: `#/admin/${name}`, class: `seg-tab${name === section ? ' active' : ''}`, 'aria-current': name === section ? 'page' : undefined, 'data-testid': `admin-tab-${name}`, i18n: s.key }),
    ),
  );
  const inner = h('div', { class: 'page-inner' }, tabs, SECTIONS[section].mount(ctx));
  root.append(h('div', { class: 'page admin-page', 'data-testid': `admin-${section}` }, inner));
}
