// The signed-in session lives in sessionStorage: it ends with the tab.
import type { Schemas } from './schemas';

export type User = Schemas['User'];
/** The answer of POST /auth/login, kept for the tab's life. */
export type Session = Schemas['LoginResponse'];

const KEY = 'jiuzai.session';

function storage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

/** True when `expires_at` is a valid time at or before `now`. */
export function isExpired(session: Pick<Session, 'expires_at'>, now: number = Date.now()): boolean {
  const t = Date.parse(session.expires_at);
  return Number.isFinite(t) && t <= now;
}

export function getSession(): Session | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (!s || typeof s.token !== 'string' || !s.token || isExpired(s)) {
      clearSession();
      return null;
    }
    return s;
  } catch {
    clearSession();
    return null;
  }
}

export function saveSession(session: Session): void {
  storage()?.setItem(KEY, JSON.stringify(session));
}

export function updateUser(user: User): void {
  const s = getSession();
  if (s) saveSession({ ...s, user });
}

export function clearSession(): void {
  storage()?.removeItem(KEY);
}

export function getToken(): string | null {
  return getSession()?.token ?? null;
}
