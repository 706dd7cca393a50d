// Pieces the rebuild screens share: the views' tabs, the status and overdue badges, the names of
// areas (never codes on screen), the events to choose from, and a case photo's thumbnail.
import { disasterApi, sortEvents, type AreaRow, type DisasterEvent } from '../../disaster';
import { h } from '../../dom';
import { errorText, isAbort } from '../../errors';
import { t, type MsgKey } from '../../i18n';
import { rebuildApi, statusTone, type Case, type CaseStatus, type ClaimStatus } from '../../rebuild';
import { thumbnail } from '../../photos';

export type RebuildView = 'cases' | 'map' | 'insurance';

/** The tabs over the rebuild screens: cases and map (views of #/rebuild), insurance (its own screen). */
export function rebuildTabs(active: RebuildView, onView?: (v: 'cases' | 'map') => void): HTMLElement {
  const tabs = h('div', { class: 'seg-tabs rb-views', role: 'tablist', 'data-testid': 'rb-views' });
  for (const v of ['cases', 'map', 'insurance'] as const) {
    const attrs = { role: 'tab', class: `seg-tab${v === active ? ' active' : ''}`, 'aria-selected': String(v === active), 'data-testid': `rb-view-${v}`, i18n: `rb.view.${v}` as MsgKey };
    if (v === 'insurance' || !onView) tabs.append(h('a', { ...attrs, href: v === 'insurance' ? '#/rebuild/insurance' : `#/rebuild${v === 'map' ? '?view=map' : ''}` }));
    else
      tabs.append(
        h('button', {
          ...attrs,
          type: 'button',
          onclick: () => {
            tabs.querySelectorAll('.seg-tab').forEach((b) => {
              const on = (b as HTMLElement).dataset.testid === `rb-view-${v}`;
              b.classList.toggle('active', on);
              b.setAttribute('aria-selected', String(on));
            });
            onView(v);
          },
        }),
      );
  }
  return tabs;
}

export function statusBadge(c: Pick<Case, 'id' | 'status'>): HTMLElement {
  return h('span', { class: `badge ${statusTone(c.status)}`, 'data-status': c.status, 'data-testid': `rb-status-${c.id}` }, t(`rb.status.${c.status}` as MsgKey));
}

export function statusText(s: CaseStatus): string {
  return t(`rb.status.${s}` as MsgKey);
}

export function overdueBadge(c: Pick<Case, 'id' | 'overdue'>): HTMLElement | '' {
  return c.overdue ? h('span', { class: 'badge badge-danger', title: t('rb.overdueTitle'), 'data-testid': `rb-overdue-${c.id}` }, t('rb.overdue')) : '';
}

export function claimBadge(s: ClaimStatus, testid?: string): HTMLElement {
  const tone = s === 'paid' ? 'badge-ok' : s === 'refused' ? 'badge-muted' : s === 'surveyed' ? 'badge-info' : 'badge-warn';
  return h('span', { class: `badge ${tone}`, 'data-status': s, 'data-testid': testid }, t(`ins.status.${s}` as MsgKey));
}

/** Names of counties and townships by code (loaded once per screen; codes until they come). */
export async function loadAreaNames(signal: AbortSignal): Promise<Map<string, string>> {
  const [counties, towns] = await Promise.all([
    disasterApi.areas({ level: 'county' }, { signal }).catch(() => [] as AreaRow[]),
    disasterApi.areas({ level: 'township' }, { signal }).catch(() => [] as AreaRow[]),
  ]);
  return new Map([...counties, ...towns].map((a) => [a.code, a.name]));
}

/** The events, the active ones and newest first (none when the caller may not read them). */
export async function loadEvents(signal: AbortSignal): Promise<DisasterEvent[]> {
  return sortEvents(await disasterApi.events({ signal }).catch(() => [] as DisasterEvent[]));
}

/** A select of events; '' is every event when `allKey` is given. */
export function fillEvents(select: HTMLSelectElement, events: readonly DisasterEvent[], wanted: string, allKey?: MsgKey): void {
  select.replaceChildren(...(allKey ? [h('option', { value: '' }, t(allKey))] : []), ...events.map((e) => h('option', { value: String(e.id) }, e.name)));
  if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
}

/** A case photo's thumbnail opening the full image (fetched with the token). */
export function casePhoto(caseId: number, ref: string, alt: string, signal: AbortSignal): HTMLElement {
  const box = h('a', { class: 'rb-thumb', target: '_blank', rel: 'noopener', title: t('photos.open'), 'data-testid': `rb-photo-${ref}`, 'aria-busy': 'true' });
  void rebuildApi
    .photo(caseId, ref, signal)
    .then((blob) => {
      const img = thumbnail(blob, alt, signal);
      box.setAttribute('href', img.src);
      box.replaceChildren(img);
      box.dataset.loaded = 'true';
    })
    .catch((err) => {
      if (isAbort(err) || signal.aborted) return;
      box.replaceChildren(h('span', { class: 'muted small' }, t('photos.loadError', { message: errorText(err) })));
    })
    .finally(() => box.removeAttribute('aria-busy'));
  return box;
}

/** Text that is not a table key (the server's words, a count): it stays as it is on a language switch. */
export function setText(node: HTMLElement, text: string): void {
  delete node.dataset.i18n;
  node.textContent = text;
}
