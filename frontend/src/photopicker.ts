// Photos chosen on a form before its record is sent (a loss report, a shipment's receipt): shrunk
// when large, checked (type, size) and shown as thumbnails that can be removed; the form uploads
// them once its record is sent or queued.
import { h } from './dom';
import { errorText, isAbort } from './errors';
import { t, type MsgKey } from './i18n';
import { isPhotoType, MAX_PHOTO_BYTES, PHOTO_TYPES, photoProblem, shrinkPhoto, thumbnail } from './photos';
import type { ScreenContext } from './screen';
import { toast } from './toast';

export interface ChosenPhoto {
  name: string;
  blob: Blob;
}

export interface PhotoPicker {
  node: HTMLElement;
  chosen(): ChosenPhoto[];
  clear(): void;
  setEnabled(on: boolean): void;
}

export interface PickerText {
  title: MsgKey;
  /** Says the allowed types and `{mb}`, and when the photos are sent. */
  hint: MsgKey;
}

/** `name` is the file input's id and the prefix of its test ids, unique on the screen. */
export function photoPicker(ctx: ScreenContext, name: string, text: PickerText = { title: 'photos.title', hint: 'photos.hint' }): PhotoPicker {
  let files: ChosenPhoto[] = [];
  // Thumbnails of the chosen files; their object URLs go when they are removed or the screen is left.
  let previews = new AbortController();
  ctx.signal.addEventListener('abort', () => previews.abort(), { once: true });

  const input = h('input', { type: 'file', id: name, class: 'photo-input', 'data-testid': name, accept: PHOTO_TYPES.join(','), multiple: true });
  const strip = h('div', { class: 'photo-strip', 'data-testid': `${name}-chosen` });
  const problems = h('div', { class: 'field-error', 'data-testid': `${name}-error`, role: 'alert', hidden: true });
  const hint = h('div', { class: 'field-hint' });
  const renderHint = () => {
    hint.textContent = t(text.hint, { mb: MAX_PHOTO_BYTES / (1024 * 1024) });
  };
  renderHint();
  ctx.onLang(renderHint);

  const render = () => {
    previews.abort();
    previews = new AbortController();
    strip.replaceChildren(
      ...files.map((file, i) =>
        h(
          'div',
          { class: 'photo-chosen' },
          thumbnail(file.blob, file.name, previews.signal),
          h('button', {
            type: 'button',
            class: 'btn btn-outline btn-small',
            'aria-label': `${t('photos.remove')} ${file.name}`,
            onclick: () => {
              files = files.filter((_, j) => j !== i);
              render();
            },
          }, '×'),
        ),
      ),
    );
    strip.dataset.count = String(files.length);
  };

  input.addEventListener('change', async () => {
    const refused: string[] = [];
    const picked = Array.from(input.files ?? []);
    input.value = '';
    input.setAttribute('aria-busy', 'true');
    for (const file of picked) {
      // The size counts once shrunk: a phone's 8 MB photo fits after shrinking.
      const blob = isPhotoType(file.type) ? await shrinkPhoto(file) : file;
      const problem = photoProblem({ name: file.name, type: blob.type, size: blob.size });
      if (problem) refused.push(t(problem.key, problem.params));
      else files.push({ name: file.name, blob });
    }
    input.removeAttribute('aria-busy');
    if (ctx.signal.aborted) return;
    problems.textContent = refused.join('；');
    problems.hidden = !refused.length;
    render();
  });

  const add = h('label', { for: input.id, class: 'btn btn-outline photo-add', 'data-testid': `${name}-add` }, h('span', { 'aria-hidden': 'true' }, '+'), h('span', { i18n: 'photos.add' }));
  const node = h('div', { class: 'field photo-field' }, h('span', { class: 'field-label', i18n: text.title }), hint, input, add, strip, problems);
  return {
    node,
    chosen: () => [...files],
    clear() {
      files = [];
      problems.hidden = true;
      render();
    },
    setEnabled(on) {
      input.disabled = !on;
      add.classList.toggle('disabled', !on);
    },
  };
}

/**
 * Sends (or queues) each photo chosen on `picker` with `send`, which answers whether the photo
 * reached the server now; a refused photo is said in a toast, the others are counted in one.
 */
export async function sendChosen(picker: PhotoPicker, send: (photo: ChosenPhoto) => Promise<boolean>): Promise<void> {
  let uploaded = 0;
  for (const photo of picker.chosen()) {
    try {
      if (await send(photo)) uploaded += 1;
    } catch (err) {
      if (isAbort(err)) return;
      toast(t('photos.failed', { name: photo.name, message: errorText(err) }), 'error');
    }
  }
  picker.clear();
  if (uploaded) toast(t('photos.uploaded', { n: uploaded }));
}
