import { useState } from 'react';
import { useParams } from 'react-router';
import { meta, seg } from '../api/http';
import { useSession } from '../api/session';
import { useApi } from '../api/use-api';
import { useWorkspace } from '../api/use-workspace';
import { formatTime } from '../api/xano-time';
import { ConfirmDialog } from '../components/Dialog';
import { MemberAddDialog } from '../components/MemberAddDialog';
import { MemberPermissionsDialog } from '../components/MemberPermissionsDialog';
import { ROLES, type Role } from '../components/MemberRoleSelect';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { useDocumentTitle } from '../components/use-document-title';

interface MemberView { account_id: string; email: string; name: string; role: Role; permissions: string | null; role_permissions: string; created_at: string }

/**
 * A workspace's members and their roles. Everyone who can see the workspace sees the list;
 * owners and admins (and instance owners) add, change and remove — the API decides, and a
 * refusal is shown in its words.
 */
export function MembersPage() {
  const ws = useParams().ws!;
  useDocumentTitle(`Members of ${ws}`);
  const { me } = useSession();
  const workspace = useWorkspace(ws);
  const id = workspace.workspace?.id;
  const members = useApi((signal) => (id === undefined ? Promise.resolve(undefined) : meta<MemberView[]>('GET', `/workspace/${id}/member`, undefined, { signal })), [id]);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<MemberView | null>(null);
  const [editing, setEditing] = useState<MemberView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState('');
  const myRole = me?.extras.memberships.find((m) => m.workspace === ws)?.role;
  const mayManage = !!me?.extras.owner || myRole === 'owner' || myRole === 'admin';

  async function changeRole(m: MemberView, role: Role) {
    setError(null);
    setSaved('');
    try {
      await meta('PUT', `/workspace/${id}/member/${seg(m.account_id)}`, { role });
      setSaved(`${m.email} is now ${role}.`);
    } catch (err) { setError(err as Error); }
    await members.reload();
  }

  return (
    <section className="page" aria-labelledby="members-title">
      <div className="page-header">
        <h1 id="members-title">Members <span className="muted">of {ws}</span></h1>
        {mayManage && id !== undefined && <button type="button" className="primary" onClick={() => setAdding(true)}>Add member</button>}
      </div>
      <p className="muted">Instance owners can open every workspace without being members.</p>
      <ErrorNotice error={workspace.error ?? members.error ?? error} />
      <p role="status" className="muted">{saved}</p>
      {members.value && members.value.length === 0 && (
        <EmptyState title="No members yet">{mayManage ? 'Add people by the email of their account.' : 'Only instance owners can open this workspace.'}</EmptyState>
      )}
      {members.value && members.value.length > 0 && (
        <table aria-label="Members">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Member since</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {members.value.map((m) => (
              <tr key={m.account_id}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>
                  {mayManage ? (
                    <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void changeRole(m, e.target.value as Role)}>
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : <span className="badge">{m.role}</span>}
                  {m.permissions !== null && <span className="badge role-custom" title={`Custom permissions: ${m.permissions}`}>custom: {m.permissions}</span>}
                </td>
                <td>{formatTime(m.created_at)}</td>
                <td>{mayManage && (
                  <span className="member-actions">
                    <button type="button" className="link" aria-label={`Permissions of ${m.email}`} onClick={() => setEditing(m)}>Permissions</button>
                    <button type="button" className="link" aria-label={`Remove ${m.email}`} onClick={() => setRemoving(m)}>Remove</button>
                  </span>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && id !== undefined && <MemberAddDialog workspaceId={id} onClose={() => setAdding(false)} onAdded={() => void members.reload()} />}
      {editing && id !== undefined && (
        <MemberPermissionsDialog workspaceId={id} member={editing} onClose={() => setEditing(null)}
          onSaved={(summary) => { setError(null); setSaved(summary); void members.reload(); }} />
      )}
      {removing && (
        <ConfirmDialog
          title="Remove member?" confirmLabel="Remove member" onClose={() => setRemoving(null)}
          message={<p><strong>{removing.email}</strong> loses access to <strong>{ws}</strong> (its records, files and history) from their next request. Their account stays.</p>}
          onConfirm={async () => { await meta('DELETE', `/workspace/${id}/member/${seg(removing.account_id)}`); await members.reload(); }}
        />
      )}
    </section>
  );
}
