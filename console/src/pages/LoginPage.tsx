import { useState, type FormEvent } from 'react';
import { useSession } from '../api/session';
import { ErrorNotice } from '../components/Notice';
import { useDocumentTitle } from '../components/use-document-title';

/** Email + password → a session cookie (POST /api:meta/auth/login). */
export function LoginPage() {
  useDocumentTitle('Sign in');
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try { await signIn(email, password); } catch (err) { setError(err as Error); setBusy(false); }
  }
  return (
    <main className="auth-page">
      {/* data-ready: the form takes input (not waiting on a sign-in); tests and monitors wait for it. */}
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title" data-ready={busy ? undefined : 'true'}>
        <h1 id="login-title"><span className="brand-mark" aria-hidden="true">▤</span> Sign in to Strata</h1>
        <label>Email<input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password<input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">First start? The owner's email and password were printed once in the server's output.</p>
      </form>
    </main>
  );
}
