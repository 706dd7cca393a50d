// Sign in / out and the current user.
import { api } from './api';
import { API_CACHE } from './apicache';
import { clearSession, saveSession, type Session, type User } from './session';

export async function login(username: string, password: string): Promise<Session> {
  const session = await api.post<Session>('/auth/login', { username, password }, { auth: false });
  saveSession(session);
  return session;
}

/** Tell the server, then forget the token whatever it answered. */
export async function logout(): Promise<void> {
  try {
    await api.post('/auth/logout');
  } catch {
    // already expired or offline: the local session is cleared anyway
  } finally {
    clearSession();
    // The service worker's copies of API answers were this user's.
    await globalThis.caches?.delete(API_CACHE).catch(() => false);
  }
}

export function fetchMe(): Promise<User> {
  return api.get<User>('/me');
}
