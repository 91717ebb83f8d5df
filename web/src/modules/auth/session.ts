import { useSyncExternalStore } from 'react';

export interface Session {
  token: string;
  /** ISO-8601; after it the server refuses the token. */
  expiresAt: string;
}

export interface SessionState {
  session: Session | null;
  /** Why the last session ended, when it was not the user's choice; shown on the sign-in page. */
  notice: string | null;
}

const STORAGE_KEY = 'shiplog.session';

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const { token, expiresAt } = value as Record<string, unknown>;
  return typeof token === 'string' && token.length > 0 && typeof expiresAt === 'string';
}

function isExpired(session: Session): boolean {
  const expiresAt = Date.parse(session.expiresAt);
  return Number.isFinite(expiresAt) && expiresAt <= Date.now();
}

function readStored(): Session | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return isSession(parsed) && !isExpired(parsed) ? parsed : null;
  } catch {
    // Storage disabled or a corrupt entry: behave as signed out.
    return null;
  }
}

let state: SessionState = { session: readStored(), notice: null };
const listeners = new Set<() => void>();

function publish(next: SessionState) {
  state = next;
  for (const listener of listeners) listener();
}

// Signing in or out in another tab applies here too.
window.addEventListener('storage', (event) => {
  if (event.key !== STORAGE_KEY && event.key !== null) return;
  const session = readStored();
  if (session?.token !== state.session?.token) publish({ session, notice: null });
});

export function getSessionState(): SessionState {
  return state;
}

/** Ends the session locally; `notice` says why when the user did not ask for it. */
export function endSession(notice: string | null = null): void {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored to remove
  }
  if (state.session === null && state.notice === notice) return;
  publish({ session: null, notice });
}

export function startSession(session: Session): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Without storage the session still lasts until the page is reloaded.
  }
  publish({ session, notice: null });
}

/** The token for the Authorization header, or null when signed out or expired. */
export function sessionToken(): string | null {
  const { session } = state;
  if (!session) return null;
  if (isExpired(session)) {
    endSession('Your session has expired; sign in again');
    return null;
  }
  return session.token;
}

export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeToSession, getSessionState);
}
