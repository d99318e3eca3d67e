import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { meta, seg } from '../api/http';
import { onBranch } from '../api/data-source';
import { useApi } from '../api/use-api';
import { useWorkspace } from '../api/use-workspace';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { ErrorNotice } from '../components/Notice';
import { SchemaColumnDialog } from '../components/SchemaColumnDialog';
import { summary, type Descriptor } from '../components/SchemaColumnForm';
import { SchemaIndexes } from '../components/SchemaIndexes';
import { useDocumentTitle } from '../components/use-document-title';

type Action = { kind: 'add' } | { kind: 'edit' | 'rename' | 'drop'; column: Descriptor };

/**
 * A table's columns through the Metadata API, on the branch in the URL: add a column of any
 * type with its options, edit options, rename, drop; and the table's indexes. Every change
 * goes straight to the API and its validation message shows where the change was made.
 */
export function SchemaPage() {
  const { ws = '', branch = 'main', table: tableName = '' } = useParams();
  useDocumentTitle(`Schema of ${tableName} in ${ws}`);
  const { workspace, error: wsError } = useWorkspace(ws);
  const tables = useApi(async (signal) => {
    if (!workspace) return undefined;
    return (await meta<{ items: Array<{ id: number; name: string }> }>('GET', `/workspace/${workspace.id}/table?per_page=10000`, undefined, onBranch(branch, signal))).items;
  }, [workspace?.id, branch]);
  const table = tables.value?.find((t) => t.name === tableName);
  const base = workspace && table ? `/workspace/${workspace.id}/table/${table.id}/schema` : undefined;
  const columns = useApi(async (signal) => (base ? meta<Descriptor[]>('GET', base, undefined, onBranch(branch, signal)) : undefined), [base, branch]);
  const [action, setAction] = useState<Action | null>(null);
  const close = () => setAction(null);
  const missing = tables.value && !table ? new Error(`Table “${tableName}” not found on branch ${branch}.`) : undefined;
  const tablesUrl = `/w/${seg(ws)}/b/${seg(branch)}`;

  async function save(descriptor: Descriptor, original?: Descriptor) {
    if (!original) {
      const { type, ...body } = descriptor;
      await meta('POST', `${base}/type/${encodeURIComponent(type)}`, body, onBranch(branch));
    } else {
      const schema = (columns.value ?? []).map((c) => (c.name === original.name ? descriptor : c));
      await meta('PUT', base!, { schema }, onBranch(branch));
    }
    void columns.reload();
  }

  return (
    <section className="page" aria-labelledby="schema-title">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link to={tablesUrl}>Tables on {branch}</Link> / <Link to={`${tablesUrl}/t/${seg(tableName)}`}>{tableName}</Link> / schema</nav>
      <div className="page-header">
        <h1 id="schema-title">Schema of {tableName} <span className="muted">on {branch}</span></h1>
        {base && <button type="button" className="primary" onClick={() => setAction({ kind: 'add' })}>Add column</button>}
      </div>
      <ErrorNotice error={wsError ?? tables.error ?? missing ?? columns.error} />
      {columns.loading && !columns.value && !wsError && !missing && <p role="status" className="muted">Loading columns…</p>}
      {columns.value && (
        <table className="schema-columns">
          <caption className="sr-only">Columns of {tableName}</caption>
          <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Options</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {columns.value.map((c) => (
              <tr key={c.name}>
                <th scope="row" className="mono">{c.name}</th>
                <td><span className="badge">{c.type}</span></td>
                <td>{c.name === 'id' ? <span className="muted">the table's own id</span> : summary(c) || <span className="muted">—</span>}{c.description ? <div className="muted">{String(c.description)}</div> : null}</td>
                <td className="row-actions">
                  {c.name !== 'id' && (
                    <>
                      <button type="button" onClick={() => setAction({ kind: 'edit', column: c })} aria-label={`Edit ${c.name}`}>Edit</button>
                      <button type="button" onClick={() => setAction({ kind: 'rename', column: c })} aria-label={`Rename ${c.name}`}>Rename</button>
                      <button type="button" onClick={() => setAction({ kind: 'drop', column: c })} aria-label={`Drop ${c.name}`}>Drop</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {workspace && table && columns.value && (
        <SchemaIndexes workspaceId={workspace.id} tableId={table.id} branch={branch} columns={columns.value.flatMap(leafNames)} />
      )}
      {action?.kind === 'add' && <SchemaColumnDialog tables={tables.value ?? []} onClose={close} onSave={(d) => save(d)} />}
      {action?.kind === 'edit' && <SchemaColumnDialog column={action.column} tables={tables.value ?? []} onClose={close} onSave={(d) => save(d, action.column)} />}
      {action?.kind === 'rename' && <ColumnRenameDialog column={action.column.name} onClose={close} onRename={async (newName) => {
        await meta('POST', `${base}/rename`, { old_name: action.column.name, new_name: newName }, onBranch(branch));
        void columns.reload();
      }} />}
      {action?.kind === 'drop' && (
        <ConfirmDialog
          title={`Drop column ${action.column.name}?`}
          confirmLabel="Drop column"
          onClose={close}
          onConfirm={async () => { await meta('DELETE', `${base}/${encodeURIComponent(action.column.name)}`, undefined, onBranch(branch)); void columns.reload(); }}
          message={<p>The column <strong>{action.column.name}</strong> ({action.column.type}) is removed from <strong>{tableName}</strong> on branch {branch}, with its value in every record{action.column.type.match(/image|video|audio|attachment/) ? ' and the files stored in it' : ''}. Indexes that use it are dropped too. It cannot be undone.</p>}
        />
      )}
    </section>
  );
}

/** Index fields name leaf columns: an object column's fields are `group.name`. */
function leafNames(c: Descriptor): string[] {
  const children = c.type === 'object' && c.style !== 'list' ? (c.children as Descriptor[] | undefined) : undefined;
  return children ? children.flatMap((child) => leafNames(child).map((n) => `${c.name}.${n}`)) : [c.name];
}

function ColumnRenameDialog({ column, onRename, onClose }: { column: string; onRename: (name: string) => Promise<void>; onClose: () => void }) {
  const [name, setName] = useState(column);
  return (
    <Dialog title={`Rename column ${column}`} submitLabel="Rename" onClose={onClose} onSubmit={() => onRename(name.trim())}>
      <label>New name<input autoFocus required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <p className="hint">Records keep their values; indexes follow the new name. Code that names the column must change too.</p>
    </Dialog>
  );
}
