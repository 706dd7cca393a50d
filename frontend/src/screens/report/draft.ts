// The report form's draft: what was typed, kept on the device per user and event, so a form that
// was left (or a phone that ran out of power) comes back as it was. Filing the report clears it.
// Photos are not kept: the draft is a small text in localStorage.
import type { ReportInput } from '../../disasterrules';

export interface ReportDraft extends ReportInput {
  savedAt: string;
}

type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface DraftBox {
  load(): ReportDraft | null;
  /** Keep the input, or forget the draft when nothing is typed. */
  save(input: ReportInput): void;
  clear(): void;
}

/** Whether anything was typed: a figure, a description or an explanation. */
export function isBlank(input: ReportInput): boolean {
  return !Object.values(input.values).some((v) => v?.trim()) && !input.description.trim() && !input.explanation.trim();
}

function isDraft(x: unknown): x is ReportDraft {
  const d = x as ReportDraft | null;
  return !!d && typeof d.area_code === 'string' && typeof d.stage === 'string' && typeof d.values === 'object' && d.values !== null && typeof d.description === 'string' && typeof d.explanation === 'string' && typeof d.savedAt === 'string';
}

export function draftBox(storage: DraftStorage | undefined, user: string, eventId: number, now: () => Date = () => new Date()): DraftBox {
  const key = `jiuzai.reportDraft.${user}.${eventId}`;
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch {
      // storage full or refused (private mode): the form works without a draft
      return fallback;
    }
  };
  return {
    load: () =>
      attempt(() => {
        const parsed: unknown = JSON.parse(storage?.getItem(key) ?? 'null');
        return isDraft(parsed) ? parsed : null;
      }, null),
    save: (input) =>
      attempt(() => {
        if (!input.area_code || isBlank(input)) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify({ ...input, savedAt: now().toISOString() } satisfies ReportDraft));
      }, undefined),
    clear: () => attempt(() => storage?.removeItem(key), undefined),
  };
}
