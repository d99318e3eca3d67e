import { useState } from 'react';
import { meta, seg } from '../api/http';
import { Dialog } from './Dialog';
import type { Role } from './MemberRoleSelect';
import { formatScopeSet, parseScopeText, TokenScopeMatrix, type ScopeSet } from './TokenScopeMatrix';

interface MemberRef { account_id: string; email: string; role: Role; permissions: string | null; role_permissions: string }

/**
 * A member's permissions in one workspace: their role's, or a custom set (the same matrix as
 * token scopes; a request is allowed when both the token and the member's set allow it).
 */
export function MemberPermissionsDialog({ workspaceId, member, onClose, onSaved }: {
  workspaceId: number; member: MemberRef; onClose: () => void; onSaved: (summary: string) => void;
}) {
  const [custom, setCustom] = useState(member.permissions !== null);
  const [scopes, setScopes] = useState<ScopeSet>(() => parseScopeText(member.permissions ?? member.role_permissions));
  return (
    <Dialog title={`Permissions of ${member.email}`} submitLabel="Save permissions" onClose={onClose} onSubmit={async () => {
      const permissions = custom ? formatScopeSet(scopes) : null;
      if (permissions === '') throw new Error('Check at least one permission, or use the role\'s permissions.');
      await meta('PUT', `/workspace/${workspaceId}/member/${seg(member.account_id)}`, { role: member.role, permissions });
      onSaved(permissions === null ? `${member.email} has the ${member.role} role's permissions.` : `${member.email} has custom permissions: ${permissions}.`);
    }}>
      <fieldset>
        <legend>Permissions</legend>
        <label className="inline"><input type="radio" name="permission-kind" checked={!custom} onChange={() => setCustom(false)} /> The {member.role} role's</label>
        <label className="inline"><input type="radio" name="permission-kind" checked={custom} onChange={() => setCustom(true)} /> Custom</label>
      </fieldset>
      {custom
        ? <TokenScopeMatrix legend="Custom permissions" value={scopes} onChange={setScopes} />
        : <p className="hint">{member.role}: <code>{member.role_permissions}</code>. Choosing another role in the list also resets custom permissions to that role's.</p>}
      <p className="hint">A token of this member can only do what both its own scopes and these permissions allow.</p>
    </Dialog>
  );
}
