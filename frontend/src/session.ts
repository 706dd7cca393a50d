// The signed-in session lives in sessionStorage: it ends with the tab.
import type { Role } from './roles';

export interface User {
  id: string | number;
  username: string;
  role: Role | string;
  area_code: string | null;
  display_name: string;
  active?: boolean;
  /** The depots a depot_staff user is bound to (from GET /me; the login answer may omit it). */
  depot_ids?: number[];
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

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
