import { meta } from '../api/http';
import { useApi } from '../api/use-api';
import type { WorkspaceRef } from '../api/use-workspace';
import { ConfirmDialog } from './Dialog';

interface TablePage { items: Array<{ id: number; name: string }>; nextPage: number | null }
const COUNTED = 20; // record counts are one request per table: only for the first few

/**
 * Deleting a workspace deletes its database: every branch, table, record and file. The
 * dialog names the live tables and their record counts, and asks for the name to be typed.
 */
export function WorkspaceDeleteDialog({ workspace, onClose, onDeleted }: { workspace: WorkspaceRef; onClose: () => void; onDeleted: () => void }) {
  const contents = useApi(async (signal) => {
    const page = await meta<TablePage>('GET', `/workspace/${workspace.id}/table?per_page=100`, undefined, { signal });
    const counted = await Promise.all(page.items.slice(0, COUNTED).map(async (t) => {
      const records = await meta<{ itemsTotal: number }>('GET', `/workspace/${workspace.id}/table/${t.id}/content?per_page=1`, undefined, { signal }).catch(() => undefined);
      return { name: t.name, records: records?.itemsTotal };
    }));
    return { tables: [...counted, ...page.items.slice(COUNTED).map((t) => ({ name: t.name, records: undefined }))], more: page.nextPage !== null };
  }, [workspace.id]);
  const tables = contents.value?.tables ?? [];
  return (
    <ConfirmDialog
      title={`Delete workspace ${workspace.name}?`}
      confirmLabel="Delete workspace"
      typeToConfirm={workspace.name}
      onClose={onClose}
      onConfirm={async () => { await meta('DELETE', `/workspace/${workspace.id}`); onDeleted(); }}
      message={
        <>
          <p>This deletes the workspace and its data API database <strong>{workspace.name}</strong>: every branch (data source), table, record and file, its members and its history. It cannot be undone.</p>
          {contents.loading && <p className="muted" role="status">Counting what will be lost…</p>}
          {contents.value && tables.length === 0 && <p className="muted">Branch main has no tables.</p>}
          {tables.length > 0 && (
            <>
              <p>Tables on branch main:</p>
              <ul className="workspace-loss">
                {tables.map((t) => <li key={t.name}><strong>{t.name}</strong>{t.records !== undefined && <> — {t.records} {t.records === 1 ? 'record' : 'records'}</>}</li>)}
                {contents.value?.more && <li>and more</li>}
              </ul>
            </>
          )}
        </>
      }
    />
  );
}
