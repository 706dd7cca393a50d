// The fund pools card of the plans page: money each level has put up for the chosen event, what
// approved funds plans have committed, what is left; managers register new money here.
import { h } from '../dom';
import { errorText, isAbort } from '../errors';
import { formatDateTime, formatFen } from '../format';
import { SOURCE_LEVELS, fundsApi, yuanToFen, type FundPool, type SourceLevel } from '../funds';
import { getLang, t, type MsgKey } from '../i18n';
import { FUNDS_AID_TYPES } from '../plans';
import { toast } from '../toast';
import { dataTable, statusBlock } from '../widgets';

export function fundPoolsCard(signal: AbortSignal, canAdd: boolean, eventId: () => number | undefined) {
  let pools: FundPool[] = [];
  const tbl = dataTable(
    [
      { key: 'funds.pool' },
      { key: 'funds.level' },
      { key: 'plans.aidType' },
      { key: 'funds.amount', cls: 'num' },
      { key: 'funds.committed', cls: 'num' },
      { key: 'funds.available', cls: 'num' },
      { key: 'plans.created' },
    ],
    'fund-pools',
  );
  const box = h('div', { class: 'plan-scroll' }, statusBlock(t('map.loading')));

  const render = () => {
    const lang = getLang();
    box.replaceChildren(tbl.table);
    tbl.body.replaceChildren(
      ...(pools.length
        ? pools.map((p) =>
            h(
              'tr',
              { 'data-testid': `fund-pool-${p.id}` },
              h('td', {}, p.name),
              h('td', { i18n: `funds.level.${p.source_level}` as MsgKey }),
              h('td', { i18n: `plans.aid.${p.aid_type}` as MsgKey }),
              h('td', { class: 'num' }, formatFen(p.amount_fen, lang)),
              h('td', { class: 'num' }, formatFen(p.committed_fen, lang)),
              h('td', { class: 'num strong' }, formatFen(p.available_fen, lang)),
              h('td', { class: 'nowrap' }, formatDateTime(p.created_at, lang)),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 7, class: 'empty-cell', i18n: 'funds.noPools' }))]),
    );
  };

  const reload = async () => {
    try {
      pools = await fundsApi.pools({ event_id: eventId() }, { signal });
      render();
    } catch (err) {
      if (isAbort(err)) return;
      box.replaceChildren(statusBlock(errorText(err), true, () => void reload(), t('map.retry')));
    }
  };

  const name = h('input', { type: 'text', class: 'input', id: 'pool-name', maxlength: 200, required: true, 'data-testid': 'pool-name' });
  const level = h('select', { class: 'select', id: 'pool-level', 'data-testid': 'pool-level' }, ...SOURCE_LEVELS.map((l) => h('option', { value: l, i18n: `funds.level.${l}` as MsgKey })));
  const aid = h('select', { class: 'select', id: 'pool-aid', 'data-testid': 'pool-aid' }, ...FUNDS_AID_TYPES.map((a) => h('option', { value: a, i18n: `plans.aid.${a}` as MsgKey })));
  const amount = h('input', { type: 'text', inputmode: 'decimal', class: 'input', id: 'pool-amount', required: true, 'data-testid': 'pool-amount', i18nPlaceholder: 'funds.yuan' });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'pool-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-outline', 'data-testid': 'pool-add', i18n: 'funds.addPool' });
  const form = h(
    'form',
    { class: 'plan-create-form', 'data-testid': 'pool-form' },
    h('div', { class: 'field' }, h('label', { for: 'pool-name', i18n: 'funds.pool' }), name),
    h('div', { class: 'field' }, h('label', { for: 'pool-level', i18n: 'funds.level' }), level),
    h('div', { class: 'field' }, h('label', { for: 'pool-aid', i18n: 'plans.aidType' }), aid),
    h('div', { class: 'field' }, h('label', { for: 'pool-amount', i18n: 'funds.amountYuan' }), amount),
    h('div', { class: 'field field-button' }, submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fen = yuanToFen(amount.value);
    error.hidden = true;
    if (!name.value.trim() || fen === null) {
      error.hidden = false;
      error.textContent = t(fen === null ? 'funds.badAmount' : 'funds.nameRequired');
      (fen === null ? amount : name).focus();
      return;
    }
    submit.disabled = true;
    try {
      await fundsApi.addPool({ name: name.value.trim(), source_level: level.value as SourceLevel, aid_type: aid.value, event_id: eventId(), amount_fen: fen }, { signal });
      toast(t('funds.poolAdded', { amount: formatFen(fen, getLang()) }));
      name.value = '';
      amount.value = '';
      await reload();
    } catch (err) {
      if (isAbort(err)) return;
      error.hidden = false;
      error.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  });

  const card = h(
    'section',
    { class: 'card', 'data-testid': 'fund-pools-card' },
    h('div', { class: 'card-head' }, h('h2', { i18n: 'funds.pools' }), h('p', { class: 'muted page-sub', i18n: 'funds.poolsSub' })),
    canAdd ? h('div', { class: 'card-body' }, form, error) : '',
    box,
  );
  return { card, reload, render };
}
