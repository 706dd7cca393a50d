// The movement card of a depot's keepers and managers: a tab per movement kind, each its form.
import { h } from '../../dom';
import type { MsgKey } from '../../i18n';
import type { ScreenContext } from '../../screen';
import { MOVEMENT_KINDS, type MovementKind } from '../../stockrules';
import { movementForm } from './movementform';
import type { DepotState } from './state';

const TAB_KEYS: Record<MovementKind, MsgKey> = { receipt: 'ops.tabReceipt', issue: 'ops.tabIssue', transfer: 'ops.tabTransfer', adjustment: 'ops.tabAdjustment' };

export function opsSection(ctx: ScreenContext, state: DepotState, refreshAfterChange: (withTransfers: boolean) => Promise<void>): { node: HTMLElement; refresh(): void } {
  const forms = MOVEMENT_KINDS.map((k) => movementForm(ctx, state, k, refreshAfterChange));
  const tabs = MOVEMENT_KINDS.map((k, i) =>
    h('button', {
      type: 'button',
      role: 'tab',
      class: `seg-tab${i === 0 ? ' active' : ''}`,
      'aria-selected': String(i === 0),
      'data-testid': `tab-${k}`,
      i18n: TAB_KEYS[k],
    }),
  );
  tabs.forEach((tab, i) =>
    tab.addEventListener('click', () => {
      tabs.forEach((x, j) => {
        x.classList.toggle('active', i === j);
        x.setAttribute('aria-selected', String(i === j));
        forms[j].node.hidden = i !== j;
      });
    }),
  );
  const node = h(
    'section',
    { class: 'card ops-card', 'data-testid': 'ops-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'ops.title' })),
    h('div', { class: 'ops-body' }, h('div', { class: 'seg-tabs', role: 'tablist' }, ...tabs), ...forms.map((f) => f.node)),
  );
  return {
    node,
    refresh() {
      for (const f of forms) f.refreshOptions();
    },
  };
}
