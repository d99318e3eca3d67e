import { useState } from 'react';
import { meta, seg } from '../api/http';
import { Dialog } from './Dialog';
import { MemberRoleSelect, ROLE_HELP, type Role } from './MemberRoleSelect';

/** Adds an existing account to the workspace by its email, with a role. */
export function MemberAddDialog({ workspaceId, onAdded, onClose }: { workspaceId: number; onAdded: () => void; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  return (
    <Dialog title="Add a member" submitLabel="Add member" busyLabel="Adding…" onClose={onClose} onSubmit={async () => {
      await meta('PUT', `/workspace/${workspaceId}/member/${seg(email.trim())}`, { role });
      onAdded();
    }}>
      <label>Email<input type="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} placeholder="ada@example.com" /></label>
      <p className="hint">The person needs an account on this instance already (an instance owner creates accounts).</p>
      <MemberRoleSelect label="Role" value={role} onChange={setRole} />
      <p className="hint">{ROLE_HELP[role]}</p>
    </Dialog>
  );
}
