import { LoginDocument, SignOutDocument } from '@vigil/schema';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { execute } from '../api/client';
import { loadSession, onSessionChange, type Session, type SessionUser, saveSession } from './session';

interface AuthContextValue {
  session: Session | null;
  /** Why the user was last signed out when it was not their choice, e.g. an expired token. */
  notice: string | null;
  /** Throws the server's error (e.g. "Wrong e-mail or password") for the form to show. */
  signIn: (email: string, password: string) => Promise<void>;
  /** Forgets the session here, e.g. when the server no longer accepts its token. */
  signOut: (notice?: string) => void;
  /**
   * The user's own "Sign out": the server revokes the token first (every session of the
   * account, so a copy left on another machine stops working too), then it is forgotten here.
   */
  endSession: () => Promise<void>;
  /** Keeps the stored user in step with the server (`me`), e.g. after a role change. */
  updateUser: (user: SessionUser) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => onSessionChange(setSession), []);

  const signIn = useCallback(async (email: string, password: string) => {
    const { login } = await execute(LoginDocument, { email, password });
    // For the performance test: the dashboard's figures count from here.
    window.performance.mark('vigil:signed-in');
    saveSession(login);
    setNotice(null);
    setSession(login);
  }, []);

  const signOut = useCallback((reason?: string) => {
    saveSession(null);
    setNotice(reason ?? null);
    setSession(null);
  }, []);

  const endSession = useCallback(async () => {
    const token = session?.token;
    if (token) {
      try {
        await execute(SignOutDocument, {}, { token });
      } catch {
        // Already expired or revoked, or the server is unreachable: the token dies within
        // its 8 hours either way, and the user asked to leave now.
      }
    }
    signOut();
  }, [session, signOut]);

  const updateUser = useCallback((user: SessionUser) => {
    setSession((current) => {
      if (!current) return current;
      const u = current.user;
      if (u.id === user.id && u.email === user.email && u.displayName === user.displayName && u.role === user.role) return current;
      const next = { ...current, user };
      saveSession(next);
      return next;
    });
  }, []);

  const value = useMemo(
    () => ({ session, notice, signIn, signOut, endSession, updateUser }),
    [session, notice, signIn, signOut, endSession, updateUser],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
