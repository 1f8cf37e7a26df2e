import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { useAuth } from './AuthProvider';

export function SignInPage() {
  const { signIn, notice } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const noticeId = useId();

  // Signing in is all this page is for, so the cursor starts in the first field.
  useEffect(() => emailRef.current?.focus(), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      setError(errorMessage(e));
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  }

  const describedBy = [error ? errorId : null, notice && !error ? noticeId : null].filter(Boolean).join(' ') || undefined;

  return (
    <main className="signin">
      <div className="signin-card">
        <h1 className="signin-title">Vigil</h1>
        <p className="signin-lede">Reassurance patrols and hot-spot policing for Camden and Islington.</p>

        {notice && !error ? (
          <p className="notice" id={noticeId} role="status" data-testid="signin-notice">
            {notice}
          </p>
        ) : null}

        <form className="signin-form" onSubmit={submit} data-testid="signin-form" aria-label="Sign in">
          <div className="field">
            <label htmlFor="signin-email">E-mail address</label>
            <input
              ref={emailRef}
              id="signin-email"
              name="email"
              type="email"
              autoComplete="username"
              spellCheck={false}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
              data-testid="signin-email"
            />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              ref={passwordRef}
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
              data-testid="signin-password"
            />
          </div>

          {error ? (
            <p className="error" id={errorId} role="alert" data-testid="signin-error">
              {error}
            </p>
          ) : null}

          <button type="submit" className="button button-primary" disabled={busy} data-testid="signin-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="signin-footnote">Site locations are sensitive: sign out when you leave this computer.</p>
      </div>
    </main>
  );
}
