// A one-shot message for the next screen (e.g. "session expired" on the login screen).
import type { MsgKey } from './i18n';

let pending: MsgKey | null = null;

export function setNotice(key: MsgKey): void {
  pending = key;
}

export function takeNotice(): MsgKey | null {
  const n = pending;
  pending = null;
  return n;
}
