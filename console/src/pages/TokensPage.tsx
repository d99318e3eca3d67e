import { useState } from 'react';
import { meta, seg } from '../api/http';
import { useApi } from '../api/use-api';
import { formatRelative, formatTime, parseXanoTime } from '../api/xano-time';
import { ConfirmDialog } from '../components/Dialog';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { TokenCreateDialog, type TokenView } from '../components/TokenCreateDialog';
import { TokenSecretDialog } from '../components/TokenSecretDialog';
import { describeScopes } from '../components/TokenScopeMatrix';
import { useDocumentTitle } from '../components/use-document-title';

/** The signed-in account's personal access tokens: list, create (secret shown once), revoke. */
export function TokensPage() {
  useDocumentTitle('Access tokens');
  const tokens = useApi((signal) => meta<TokenView[]>('GET', '/token', undefined, { signal }), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenView | null>(null);
  const list = [...(tokens.value ?? [])].reverse(); // newest first
  return (
    <section className="page" aria-labelledby="tokens-title">
      <div className="page-header">
        <h1 id="tokens-title">Access tokens</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>New token</button>
      </div>
      <p className="muted">Tokens let scripts and apps call both APIs as you: <code>Authorization: Bearer &lt;token&gt;</code>. A token can do at most what you can, within its scopes.</p>
      <ErrorNotice error={tokens.error} />
      {tokens.value && list.length === 0 && (
        <EmptyState title="No tokens yet">Create one to call the APIs from scripts, the Xata SDK or the Xano tools.</EmptyState>
      )}
      {list.length > 0 && (
        <table aria-label="Access tokens">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {list.map((t) => <TokenRow key={t.id} token={t} onRevoke={() => setRevoking(t)} />)}
          </tbody>
        </table>
      )}
      {creating && (
        <TokenCreateDialog onClose={() => setCreating(false)} onCreated={(t) => { setCreated({ name: t.name, secret: t.token }); void tokens.reload(); }} />
      )}
      {created && <TokenSecretDialog name={created.name} secret={created.secret} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog
          title="Revoke token?" confirmLabel="Revoke token" onClose={() => setRevoking(null)}
          message={<p>Anything using <strong>{revoking.name}</strong> loses access from its next request. This cannot be undone.</p>}
          onConfirm={async () => { await meta('DELETE', `/token/${seg(revoking.id)}`); await tokens.reload(); }}
        />
      )}
    </section>
  );
}

function TokenRow({ token: t, onRevoke }: { token: TokenView; onRevoke: () => void }) {
  const expires = parseXanoTime(t.expires_at);
  const lastUsed = parseXanoTime(t.last_used_at);
  const status = t.revoked_at ? 'Revoked' : t.active ? 'Active' : 'Expired';
  return (
    <tr>
      <td>{t.name}</td>
      <td><span title={t.scopes}>{describeScopes(t.scopes)}</span></td>
      <td>{formatTime(t.created_at)}</td>
      <td>{lastUsed ? <span title={lastUsed.toLocaleString()}>{formatRelative(lastUsed)}</span> : <span className="muted">Never</span>}</td>
      <td>{expires ? <span title={expires.toLocaleString()}>{formatRelative(expires)}</span> : 'Never'}</td>
      <td><span className={`badge status-${status.toLowerCase()}`} title={t.revoked_at ? `Revoked ${formatTime(t.revoked_at)}` : undefined}>{status}</span></td>
      <td>{!t.revoked_at && <button type="button" className="link" aria-label={`Revoke ${t.name}`} onClick={onRevoke}>Revoke</button>}</td>
    </tr>
  );
}
