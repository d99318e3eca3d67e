import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { csrfToken, meta, onUnauthorized } from './http';

export interface Me {
  id: number;
  name: string;
  email: string;
  extras: {
    owner: boolean;
    session?: boolean;
    setup_required?: boolean;
    memberships: Array<{ workspace_id: number; workspace: string; role: string }>;
  };
}

interface SessionState {
  /** undefined while the first check runs, null when signed out. */
  me: Me | null | undefined;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Who is signed in: asked once at start (`/auth/me` with the cookie), after sign-in, and dropped on any 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    // No CSRF cookie, no session (they are set and cleared together): don't ask, and so don't
    // make the browser log a 401 on every visit of a signed-out user.
    if (!csrfToken()) { setMe(null); return; }
    try { setMe(await meta<Me>('GET', '/auth/me', undefined, { quiet401: true })); } catch { setMe(null); }
  }, []);
  useEffect(() => { void refresh(); }, [refresh]);
  useEffect(() => onUnauthorized(() => setMe(null)), []);
  // Says on the page whether the first session check is done ('checking' until then), so tests and
  // monitors wait for the console itself instead of guessing how long a load takes.
  useEffect(() => {
    document.documentElement.dataset.session = me === undefined ? 'checking' : me ? 'signed-in' : 'signed-out';
  }, [me]);
  const value = useMemo<SessionState>(() => ({
    me,
    refresh,
    async signIn(email, password) {
      await meta('POST', '/auth/login', { email, password }, { quiet401: true });
      await refresh();
    },
    async signOut() {
      try { await meta('POST', '/auth/logout'); } finally { setMe(null); }
    },
  }), [me, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
