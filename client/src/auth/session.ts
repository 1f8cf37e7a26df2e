import type { LoginMutation, Role } from '@vigil/schema';

/** What `login` returns is exactly what the dashboard keeps: the token and who it belongs to. */
export type Session = LoginMutation['login'];
export type SessionUser = Session['user'];

const STORAGE_KEY = 'vigil.session';
const ROLES: readonly Role[] = ['SUPERINTENDENT', 'ANALYST', 'PLANNER', 'DEVICE'];

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** localStorage is user-editable and outlives releases: accept only a well-formed session. */
function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as { token?: unknown; user?: Record<string, unknown> };
    const user = value.user;
    if (typeof value.token !== 'string' || !user) return null;
    const { id, email, displayName, role } = user;
    if (typeof id !== 'string' || typeof email !== 'string' || typeof displayName !== 'string' || !isRole(role)) return null;
    return { token: value.token, user: { id, email, displayName, role } };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  try {
    return parseSession(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    // Storage can be disabled (private mode, policy): then the session lasts until reload.
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // See loadSession.
  }
}

/** Calls back when another tab signs in or out, so every tab shows the same session. */
export function onSessionChange(callback: (session: Session | null) => void): () => void {
  const listener = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) callback(parseSession(event.newValue));
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
