// Photos of loss reports: the checks before an upload (the server takes JPEG, PNG or WebP, sent
// as the raw body with its own Content-Type, up to JIUZAI_MAX_PHOTO_BYTES, 5 MB by default),
// shrinking a phone's large photo before it goes over a weak network, and the thumbnails of a
// report's photos (fetched with the token, shown through object URLs).
import { api, fetchBlob } from './api';
import { h } from './dom';
import { errorText, isAbort } from './errors';
import { t, type MsgKey, type Params } from './i18n';
import type { WriteLabel, WriteRequest } from './outbox';
import type { Schemas } from './schemas';

export type Photo = Schemas['Photo'];

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The server's default limit; a larger configured limit is not known here, a smaller one answers 413. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Longest side a photo is shrunk to before upload: enough to read damage, small on a weak network. */
const MAX_SIDE = 2048;

type Opt = { signal?: AbortSignal };

export const photoApi = {
  list: (eventId: number, reportId: number, o: Opt = {}) => api.get<Photo[]>(`/events/${eventId}/reports/${reportId}/photos`, o),
  /** `reportId` may be `{after}`: the id of a report still queued (see outbox.ts). */
  uploadWrite: (eventId: number, reportId: number | '{after}', photo: Blob, key: string, label: WriteLabel): WriteRequest => ({
    method: 'POST',
    path: `/events/${eventId}/reports/${reportId}/photos`,
    body: photo,
    key,
    label,
  }),
};

export function isPhotoType(type: string): boolean {
  return (PHOTO_TYPES as readonly string[]).includes(type);
}

/** Why a chosen file cannot be uploaded, or null. */
export function photoProblem(file: { name: string; type: string; size: number }, maxBytes = MAX_PHOTO_BYTES): { key: MsgKey; params: Params } | null {
  const mb = Math.round(maxBytes / (1024 * 1024));
  if (!isPhotoType(file.type)) return { key: 'photos.badType', params: { name: file.name } };
  if (file.size > maxBytes) return { key: 'photos.tooLarge', params: { name: file.name, mb } };
  return null;
}

/** The size to draw a photo at so its longer side is at most `max` (never enlarged). */
export function fittedSize(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** A large photo redrawn as a JPEG of at most MAX_SIDE pixels; a small one (or one the browser cannot draw) as it is. */
export async function shrinkPhoto(file: File): Promise<Blob> {
  if (file.size <= 1024 * 1024 || typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const size = fittedSize(bitmap.width, bitmap.height);
    const canvas = h('canvas', { width: size.width, height: size.height });
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close();
    const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return jpeg && jpeg.size < file.size ? jpeg : file;
  } catch {
    return file;
  }
}

/** A small image of a Blob; its object URL is released when `signal` aborts (the screen is left). */
export function thumbnail(blob: Blob, alt: string, signal: AbortSignal): HTMLImageElement {
  const url = URL.createObjectURL(blob);
  signal.addEventListener('abort', () => URL.revokeObjectURL(url), { once: true });
  return h('img', { class: 'photo-thumb', src: url, alt, 'data-testid': 'photo-thumb' });
}

/** Where a strip's photos come from: a record's photo list and each photo's image path. */
export interface PhotoSource {
  list(o: Opt): Promise<Array<{ id: number }>>;
  imagePath(photoId: number): string;
  /** The strip's test id. */
  testid: string;
}

/** The thumbnails of a record's photos, each opening its full image; hidden while there are none. */
export function photoStrip(source: PhotoSource, alt: (n: number) => string, signal: AbortSignal): HTMLElement {
  const strip = h('div', { class: 'photo-strip', 'data-testid': source.testid, 'aria-busy': 'true' });
  void (async () => {
    try {
      const photos = await source.list({ signal });
      const images = await Promise.all(photos.map((p) => fetchBlob(source.imagePath(p.id), signal)));
      strip.replaceChildren(
        ...images.map((blob, i) => {
          const img = thumbnail(blob, alt(i + 1), signal);
          return h('a', { href: img.src, target: '_blank', rel: 'noopener', title: t('photos.open') }, img);
        }),
      );
      strip.dataset.count = String(photos.length);
      strip.hidden = !photos.length;
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      strip.replaceChildren(h('span', { class: 'muted small' }, t('photos.loadError', { message: errorText(err) })));
    } finally {
      strip.removeAttribute('aria-busy');
    }
  })();
  return strip;
}

/** One strip per report, made once on a screen: a re-render (a language switch) does not fetch again. */
export function photoStrips(eventId: number, signal: AbortSignal): (report: { id: number; version: number }, area: string) => HTMLElement {
  const made = new Map<number, HTMLElement>();
  return (report, area) => {
    let strip = made.get(report.id);
    if (!strip) {
      const source: PhotoSource = {
        list: (o) => photoApi.list(eventId, report.id, o),
        imagePath: (id) => `/photos/${id}`,
        testid: `photos-${report.id}`,
      };
      strip = photoStrip(source, (n) => t('photos.alt', { area, version: report.version, n }), signal);
      made.set(report.id, strip);
    }
    return strip;
  };
}
