import { useState } from 'react';
import { meta } from '../api/http';
import { Dialog } from './Dialog';
import { FULL_SCOPES, TokenScopeMatrix, formatScopeSet, type ScopeSet } from './TokenScopeMatrix';

export interface TokenView {
  id: string; name: string; scopes: string; created_at: string; last_used_at: string | null;
  expires_at: string | null; revoked_at: string | null; active: boolean;
}

/** The lifetimes the API takes (`expires_in`), shortest first; 7 days is the API's default. */
const EXPIRIES = [
  { value: '1h', label: '1 hour' }, { value: '1d', label: '1 day' }, { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' }, { value: '90d', label: '90 days' }, { value: '1y', label: '1 year' }, { value: 'never', label: 'Never' },
];

/** Name, scopes and lifetime of a new token; answers the created token with its secret. */
export function TokenCreateDialog({ onCreated, onClose }: { onCreated: (token: TokenView & { token: string }) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ScopeSet>(FULL_SCOPES);
  const [expiry, setExpiry] = useState('7d');
  return (
    <Dialog title="New access token" submitLabel="Create token" busyLabel="Creating…" onClose={onClose} onSubmit={async () => {
      const text = formatScopeSet(scopes);
      if (!text) throw new Error('Choose at least one scope.');
      onCreated(await meta<TokenView & { token: string }>('POST', '/token', { name: name.trim(), scopes: text, expires_in: expiry }));
    }}>
      <label>Name<input required maxLength={255} autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. dashboard" /></label>
      <TokenScopeMatrix value={scopes} onChange={setScopes} />
      <label>Expires after
        <select value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRIES.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
        </select>
      </label>
      {expiry === 'never' && <p className="notice warn">A token that never expires stays valid until you revoke it.</p>}
    </Dialog>
  );
}
