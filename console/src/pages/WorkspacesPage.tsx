import { useState } from 'react';
import { Link } from 'react-router';
import { meta, seg } from '../api/http';
import { useApi } from '../api/use-api';
import { useSession } from '../api/session';
import type { WorkspaceRef } from '../api/use-workspace';
import { Dialog } from '../components/Dialog';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { WorkspaceDeleteDialog } from '../components/WorkspaceDeleteDialog';
import { useDocumentTitle } from '../components/use-document-title';

/**
 * The instance's workspaces (each is also the data API's database of the same name): the
 * owner sees all and may create them, other accounts see their memberships (the API filters).
 */
export function WorkspacesPage() {
  useDocumentTitle('Workspaces');
  const { me } = useSession();
  const list = useApi((signal) => meta<WorkspaceRef[]>('GET', '/workspace', undefined, { signal }), []);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'edit' | 'delete'; workspace: WorkspaceRef } | null>(null);
  const owner = me?.extras.owner === true;
  const workspaces = list.value ?? [];
  const close = () => setDialog(null);
  return (
    <section className="page" aria-labelledby="workspaces-title">
      <div className="page-header">
        <h1 id="workspaces-title">Workspaces</h1>
        {owner && <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>New workspace</button>}
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && !list.value && <p role="status" className="muted">Loading workspaces…</p>}
      {list.value && workspaces.length === 0 && (
        <EmptyState title="No workspaces yet">
          {owner
            ? <p>A workspace holds tables, files and members; it is also the data API's database of the same name. <button type="button" className="link" onClick={() => setDialog({ kind: 'create' })}>Create the first one</button>.</p>
            : <p>You are not a member of any workspace. Ask an owner of this instance to add you to one.</p>}
        </EmptyState>
      )}
      {workspaces.length > 0 && (
        <table>
          <caption className="sr-only">Workspaces</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Id</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {workspaces.map((w) => (
              <tr key={w.id}>
                <td><Link to={`/w/${seg(w.name)}/b/main`}>{w.name}</Link></td>
                <td>{w.description || <span className="muted">—</span>}</td>
                <td className="mono">{w.id}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setDialog({ kind: 'edit', workspace: w })} aria-label={`Rename ${w.name}`}>Rename</button>
                  <button type="button" onClick={() => setDialog({ kind: 'delete', workspace: w })} aria-label={`Delete ${w.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog?.kind === 'create' && <WorkspaceForm onClose={close} onSaved={list.reload} />}
      {dialog?.kind === 'edit' && <WorkspaceForm workspace={dialog.workspace} onClose={close} onSaved={list.reload} />}
      {dialog?.kind === 'delete' && <WorkspaceDeleteDialog workspace={dialog.workspace} onClose={close} onDeleted={list.reload} />}
    </section>
  );
}

/** Creates a workspace, or renames one and edits its description. */
function WorkspaceForm({ workspace, onClose, onSaved }: { workspace?: WorkspaceRef; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(workspace?.name ?? '');
  const [description, setDescription] = useState(workspace?.description ?? '');
  return (
    <Dialog
      title={workspace ? `Rename workspace ${workspace.name}` : 'New workspace'}
      submitLabel={workspace ? 'Save' : 'Create workspace'}
      onClose={onClose}
      onSubmit={async () => {
        if (workspace) await meta('PUT', `/workspace/${workspace.id}`, { name, description });
        else await meta('POST', '/workspace', { name, description });
        onSaved();
      }}
    >
      <label>Name<input autoFocus required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <p className="hint">Also the data API's database name (<code>/db/{name || 'name'}:main</code>): letters, digits, _ - ~.{workspace && ' Renaming changes the data API URLs that name it.'}</p>
      <label>Description<textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
    </Dialog>
  );
}
