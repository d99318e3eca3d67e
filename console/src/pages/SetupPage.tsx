import { useState, type FormEvent } from 'react';
import { meta } from '../api/http';
import { useSession } from '../api/session';
import { ErrorNotice } from '../components/Notice';
import { useDocumentTitle } from '../components/use-document-title';

const MIN_PASSWORD = 8;

/**
 * First-run setup: the owner that first start generated (printed email and random password)
 * chooses its own name, email and password (POST /api:meta/auth/setup) before anything else.
 */
export function SetupPage() {
  useDocumentTitle('Finish setup');
  const { me, refresh, signOut } = useSession();
  const [name, setName] = useState(me?.name === 'Owner' ? '' : me?.name ?? '');
  const [email, setEmail] = useState(me?.email ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (password.length < MIN_PASSWORD) { setError(new Error(`The password must be at least ${MIN_PASSWORD} characters.`)); return; }
    if (password !== confirm) { setError(new Error('The two passwords differ.')); return; }
    setBusy(true);
    try {
      await meta('POST', '/auth/setup', { name: name.trim(), email: email.trim(), password });
      await refresh();
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  }
  return (
    <main className="auth-page">
      <form className="auth-card setup-card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title"><span className="brand-mark" aria-hidden="true">▤</span> Finish setting up Strata</h1>
        <p>You signed in with the owner account made at first start. Make it yours: it is the instance's owner, so choose a password no one else knows.</p>
        <label>Your name<input name="name" autoComplete="name" required maxLength={255} autoFocus value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>Email<input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>New password<input type="password" name="new-password" autoComplete="new-password" required minLength={MIN_PASSWORD} aria-describedby="setup-password-hint" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <p id="setup-password-hint" className="hint">At least {MIN_PASSWORD} characters. Your other sessions end when you save.</p>
        <label>Confirm new password<input type="password" name="confirm-password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} /></label>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Finish setup'}</button>
        <p className="hint">Not now? <button type="button" className="link" onClick={() => void signOut()}>Sign out</button></p>
      </form>
    </main>
  );
}
