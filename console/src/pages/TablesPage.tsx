import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { data, meta, seg } from '../api/http';
import { onBranch } from '../api/data-source';
import { useApi } from '../api/use-api';
import { useWorkspace } from '../api/use-workspace';
import { BranchSwitcher } from '../components/BranchSwitcher';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { EmptyState, ErrorNotice } from '../components/Notice';
import { TableCreateDialog } from '../components/TableCreateDialog';
import { useDocumentTitle } from '../components/use-document-title';

export interface TableSummary { id: number; name: string; description: string; updated_at: string }
interface BranchDetails { schema: { tables: Array<{ name: string; columns: unknown[] }> } }

/** A branch's tables: column counts, links to the records and the schema, create, rename, delete. */
export function TablesPage() {
  const { ws = '', branch = 'main' } = useParams();
  useDocumentTitle(`Tables in ${ws}`);
  const { workspace, error: wsError } = useWorkspace(ws);
  const tables = useApi(async (signal) => {
    if (!workspace) return undefined;
    const [page, details] = await Promise.all([
      meta<{ items: TableSummary[] }>('GET', `/workspace/${workspace.id}/table?per_page=10000`, undefined, onBranch(branch, signal)),
      // The data API's branch answer carries every table's columns in one request.
      data<BranchDetails>('GET', `/db/${seg(ws)}:${seg(branch)}`, undefined, { signal }),
    ]);
    const columns = new Map(details.schema.tables.map((t) => [t.name, t.columns.length + 1])); // + the id column
    return page.items.map((t) => ({ ...t, columns: columns.get(t.name) }));
  }, [workspace?.id, ws, branch]);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'rename' | 'delete'; table: TableSummary } | null>(null);
  const close = () => setDialog(null);
  const base = `/w/${seg(ws)}/b/${seg(branch)}`;
  const list = tables.value ?? [];
  return (
    <section className="page" aria-labelledby="tables-title">
      <div className="page-header">
        <h1 id="tables-title">Tables <span className="muted">in {ws}</span></h1>
        {workspace && <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>New table</button>}
      </div>
      <ErrorNotice error={wsError} />
      {workspace && <BranchSwitcher workspace={workspace} branch={branch} />}
      <ErrorNotice error={tables.error} />
      {tables.loading && !tables.value && !wsError && <p role="status" className="muted">Loading tables…</p>}
      {tables.value && list.length === 0 && (
        <EmptyState title={`Branch ${branch} has no tables yet`}>
          <p>A table holds records; its columns say what each record holds. <button type="button" className="link" onClick={() => setDialog({ kind: 'create' })}>Create a table</button>.</p>
        </EmptyState>
      )}
      {list.length > 0 && (
        <table>
          <caption className="sr-only">Tables on branch {branch}</caption>
          <thead><tr><th scope="col">Table</th><th scope="col">Columns</th><th scope="col">Description</th><th scope="col">Id</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id}>
                <td><Link to={`${base}/t/${seg(t.name)}`}>{t.name}</Link></td>
                <td>{t.columns ?? '—'}</td>
                <td>{t.description || <span className="muted">—</span>}</td>
                <td className="mono">{t.id}</td>
                <td className="row-actions">
                  <Link to={`${base}/t/${seg(t.name)}/schema`} aria-label={`Schema of ${t.name}`}>Schema</Link>
                  <button type="button" onClick={() => setDialog({ kind: 'rename', table: t })} aria-label={`Rename ${t.name}`}>Rename</button>
                  <button type="button" onClick={() => setDialog({ kind: 'delete', table: t })} aria-label={`Delete ${t.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {workspace && dialog?.kind === 'create' && <TableCreateDialog workspaceId={workspace.id} branch={branch} onClose={close} onCreated={tables.reload} />}
      {workspace && dialog?.kind === 'rename' && <TableRenameDialog workspaceId={workspace.id} branch={branch} table={dialog.table} onClose={close} onRenamed={tables.reload} />}
      {workspace && dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete table ${dialog.table.name}?`}
          confirmLabel="Delete table"
          typeToConfirm={dialog.table.name}
          onClose={close}
          onConfirm={async () => { await meta('DELETE', `/workspace/${workspace.id}/table/${dialog.table.id}`, undefined, onBranch(branch)); void tables.reload(); }}
          message={<p>This deletes the table <strong>{dialog.table.name}</strong> on branch <strong>{branch}</strong> with all its records and the files stored in them. Links from other tables to its records become empty. It cannot be undone.</p>}
        />
      )}
    </section>
  );
}

function TableRenameDialog({ workspaceId, branch, table, onClose, onRenamed }: { workspaceId: number; branch: string; table: TableSummary; onClose: () => void; onRenamed: () => void }) {
  const [name, setName] = useState(table.name);
  const [description, setDescription] = useState(table.description);
  return (
    <Dialog title={`Rename table ${table.name}`} submitLabel="Save" onClose={onClose} onSubmit={async () => {
      await meta('PUT', `/workspace/${workspaceId}/table/${table.id}/meta`, { name, description }, onBranch(branch));
      onRenamed();
    }}>
      <label>Name<input autoFocus required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>Description<textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
    </Dialog>
  );
}
