// The inspector's acceptance form (#/rebuild/:id/inspect, 竣工验收), phone first: the case in a
// line, photos taken with the camera (or chosen) with previews to remove, the findings, pass or
// fail as two big buttons, and a confirmation naming the verdict before the photos are uploaded and
// the verdict sent. A failure sends the case back to the builder; its findings then show on the
// case to the township staff.
import '../../styles/rebuild.css';
import { confirmAction } from '../../confirm';
import { h, setLabel } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { formatFen, formatInteger } from '../../format';
import { getLang, t, type MsgKey } from '../../i18n';
import { photoProblem, shrinkPhoto } from '../../photos';
import { checkInspection, rebuildApi, type Case } from '../../rebuild';
import { navigate } from '../../router';
import type { ScreenContext } from '../../screen';
import { toast } from '../../toast';
import { statusBlock } from '../../widgets';
import { factList } from '../applications/common';
import { setText, statusBadge } from './common';

type Field = 'photos' | 'findings' | 'passed';

export async function mount(root: HTMLElement, ctx: ScreenContext) {
  const { signal } = ctx;
  const id = Number(ctx.args.id);
  const back = `#/rebuild/${id}`;
  const inner = h('div', { class: 'page-inner narrow' });
  const page = h('div', { class: 'page rb-page rb-inspect', 'data-testid': 'rb-inspect-screen' }, inner);
  root.append(page);
  const status = h('div');
  const summary = h('div', { 'data-testid': 'rb-inspect-case' });
  inner.append(
    h('a', { class: 'link crumb', href: back, i18n: 'rb.form.cancel' }),
    h('div', { class: 'page-title' }, h('h1', { i18n: 'rb.form.title' }), h('p', { class: 'muted page-sub', i18n: 'rb.form.sub' })),
    status,
  );

  let c: Case;
  try {
    status.replaceChildren(statusBlock(t('rb.loading')));
    c = await rebuildApi.case(id, { signal });
    status.replaceChildren();
  } catch (err) {
    if (!isAbort(err)) status.replaceChildren(statusBlock(errorText(err), true));
    return;
  }

  // ---- the form ------------------------------------------------------------------------------------
  const chosen: Array<{ file: File; url: string; ref?: string }> = [];
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true, 'data-testid': 'rb-inspect-photos', i18nAriaLabel: 'rb.form.takePhoto' });
  const previews = h('div', { class: 'rb-previews', 'data-testid': 'rb-inspect-previews' });
  const findings = h('textarea', { class: 'input textarea', rows: 4, maxlength: 2000, 'data-testid': 'rb-inspect-findings', id: 'rb-inspect-findings' });
  const pass = h('input', { type: 'radio', name: 'rb-verdict', value: 'pass', 'data-testid': 'rb-inspect-pass' });
  const fail = h('input', { type: 'radio', name: 'rb-verdict', value: 'fail', 'data-testid': 'rb-inspect-fail' });
  const errs: Record<Field, HTMLElement> = {
    photos: h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-inspect-photos-error' }),
    findings: h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-inspect-findings-error' }),
    passed: h('div', { class: 'field-error', hidden: true, 'data-testid': 'rb-inspect-verdict-error' }),
  };
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'rb-inspect-error' });
  const progress = h('p', { class: 'muted small', role: 'status', 'data-testid': 'rb-inspect-progress' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-submit', 'data-testid': 'rb-inspect-submit', i18n: 'rb.form.submit' });

  const showPreviews = () => {
    previews.replaceChildren(
      ...chosen.map((p, i) =>
        h(
          'div',
          { class: 'rb-preview', 'data-testid': `rb-inspect-preview-${i}` },
          h('img', { src: p.url, alt: p.file.name }),
          h('button', {
            type: 'button',
            class: 'btn btn-outline btn-small',
            i18n: 'rb.form.remove',
            'data-testid': `rb-inspect-remove-${i}`,
            onclick: () => {
              URL.revokeObjectURL(p.url);
              chosen.splice(i, 1);
              showPreviews();
            },
          }),
        ),
      ),
    );
    previews.dataset.count = String(chosen.length);
  };
  camera.addEventListener('change', () => {
    formError.hidden = true;
    for (const file of [...(camera.files ?? [])]) {
      const problem = photoProblem(file);
      if (problem) {
        setText(errs.photos, t(problem.key, problem.params));
        errs.photos.hidden = false;
        continue;
      }
      chosen.push({ file, url: URL.createObjectURL(file) });
      errs.photos.hidden = true;
    }
    camera.value = '';
    showPreviews();
  });
  ctx.defer(() => chosen.forEach((p) => URL.revokeObjectURL(p.url)));
  findings.addEventListener('input', () => (errs.findings.hidden = true));
  for (const r of [pass, fail]) r.addEventListener('change', () => (errs.passed.hidden = true));

  const form = h(
    'form',
    { class: 'report-form', novalidate: true, 'data-testid': 'rb-inspect-form' },
    h('div', { class: 'field' }, h('span', { class: 'field-label', i18n: 'rb.form.photos' }), h('label', { class: 'rb-camera' }, camera, h('span', { i18n: 'rb.form.takePhoto' })), previews, errs.photos),
    h('div', { class: 'field' }, h('label', { for: 'rb-inspect-findings', i18n: 'rb.form.findings' }), findings, h('span', { class: 'field-hint', i18n: 'rb.form.findingsHint' }), errs.findings),
    h(
      'fieldset',
      { class: 'field', style: 'border:0;padding:0;margin:0' },
      h('legend', { i18n: 'rb.form.verdict' }),
      h('div', { class: 'rb-verdicts' }, h('label', { class: 'rb-verdict rb-pass' }, pass, h('span', { i18n: 'rb.form.pass' })), h('label', { class: 'rb-verdict rb-fail' }, fail, h('span', { i18n: 'rb.form.fail' }))),
      errs.passed,
    ),
    formError,
    progress,
    submit,
  );
  inner.append(summary, h('section', { class: 'card' }, h('div', { class: 'card-body' }, form)));

  const renderSummary = () => {
    const lang = getLang();
    summary.replaceChildren(
      h(
        'section',
        { class: 'card' },
        h(
          'div',
          { class: 'card-body' },
          h('div', { style: 'display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:8px' }, h('strong', {}, `#${c.id} ${c.name}`), statusBadge(c)),
          factList(
            [
              [t('rb.case.area'), c.area_name, 'area'],
              [t('rb.case.mode'), `${t(`rb.mode.${c.mode}` as MsgKey)} · ${t('rb.case.rooms')} ${formatInteger(c.rooms, lang)}`, 'mode'],
              [t('rb.case.subsidy'), formatFen(c.subsidy_fen ?? c.standard_fen, lang), 'subsidy'],
            ],
            'rb-inspect-facts',
            'rb-inspect',
          ),
        ),
      ),
    );
    if (c.status !== 'completed') {
      setLabel(formError, 'rb.form.notCompleted');
      formError.hidden = false;
      submit.disabled = true;
    }
  };
  renderSummary();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of Object.values(errs)) el.hidden = true;
    formError.hidden = true;
    const passed = pass.checked ? true : fail.checked ? false : null;
    const problems = checkInspection({ passed, findings: findings.value, photos: chosen.length });
    if (problems.length) {
      for (const [f, key] of problems) {
        setLabel(errs[f], key);
        errs[f].hidden = false;
      }
      setLabel(formError, 'rb.err.fix');
      formError.hidden = false;
      errs[problems[0][0]].scrollIntoView({ block: 'center' });
      return;
    }
    const ok = await confirmAction({
      title: t(passed ? 'rb.form.confirmPass' : 'rb.form.confirmFail'),
      body: [
        factList([
          [t('rb.case.household'), `${c.name} · ${c.area_name}`, 'household'],
          [t('rb.form.verdict'), t(passed ? 'rb.passed.yes' : 'rb.passed.no'), 'verdict'],
          [t('rb.form.findings'), findings.value.trim(), 'findings'],
          [t('rb.form.photos'), t('rb.form.confirmPhotos', { n: chosen.length }), 'photos'],
        ]),
        h('p', { class: 'muted small' }, t(passed ? 'rb.form.confirmPassText' : 'rb.form.confirmFailText')),
      ],
      confirmKey: 'rb.form.submit',
      danger: !passed,
    });
    if (!ok) return;
    submit.disabled = true;
    try {
      // Photos go first (each once, a retry sends only those not yet up), then the verdict naming them.
      for (let i = 0; i < chosen.length; i++) {
        const p = chosen[i];
        if (p.ref) continue;
        progress.textContent = t('rb.form.uploading', { n: i + 1, total: chosen.length });
        p.ref = String((await rebuildApi.uploadPhoto(c.id, await shrinkPhoto(p.file), { signal })).id);
      }
      progress.textContent = '';
      await rebuildApi.inspect(c.id, { passed: passed!, findings: findings.value.trim(), photos: chosen.map((p) => p.ref!) }, { signal });
      toast(t('rb.form.done', { verdict: t(passed ? 'rb.passed.yes' : 'rb.passed.no') }));
      navigate(`/rebuild/${c.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      progress.textContent = '';
      setText(formError, errorText(err));
      formError.hidden = false;
    } finally {
      submit.disabled = c.status !== 'completed';
    }
  });

  page.dataset.ready = 'true';
  ctx.onLang(renderSummary);
}
