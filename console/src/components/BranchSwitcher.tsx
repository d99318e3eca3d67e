import { useState } from 'react';
import { useNavigate } from 'react-router';
import { data, meta, seg } from '../api/http';
import { useApi } from '../api/use-api';
import { branchOf } from '../api/data-source';
import { ConfirmDialog, Dialog } from './Dialog';
import { ErrorNotice } from './Notice';

interface DataSource { label: string; color: string }

/**
 * Picks the branch (the Metadata API's data source) a workspace's screens work on, and
 * creates one (a new branch starts as a copy of main's schema, without its records) or
 * deletes the current one. main is the live data and cannot be deleted (the API refuses too).
 */
export function BranchSwitcher({ workspace, branch, path = '' }: { workspace: { id: number; name: string }; branch: string; path?: string }) {
  const navigate = useNavigate();
  const sources = useApi((signal) => meta<DataSource[]>('GET', `/workspace/${workspace.id}/datasource`, undefined, { signal }), [workspace.id]);
  const [dialog, setDialog] = useState<'create' | 'delete' | null>(null);
  const go = (to: string) => navigate(`/w/${seg(workspace.name)}/b/${seg(to)}${path}`);
  const branches = (sources.value ?? []).map((s) => ({ name: branchOf(s.label), color: s.color }));
  if (!branches.some((b) => b.name === branch)) branches.push({ name: branch, color: 'transparent' });
  const current = branches.find((b) => b.name === branch);
  return (
    <div className="branch-switcher">
      <span className="branch-swatch" style={{ background: current?.color }} aria-hidden="true" />
      <label className="inline">Branch
        <select aria-label="Branch" value={branch} onChange={(e) => go(e.target.value)} disabled={!sources.value}>
          {branches.map((b) => <option key={b.name} value={b.name}>{b.name === 'main' ? 'main (live)' : b.name}</option>)}
        </select>
      </label>
      <button type="button" onClick={() => setDialog('create')}>New branch</button>
      {branch !== 'main' && <button type="button" className="danger" onClick={() => setDialog('delete')}>Delete branch</button>}
      <ErrorNotice error={sources.error} />
      {dialog === 'create' && <BranchCreateDialog workspaceId={workspace.id} onClose={() => setDialog(null)} onCreated={(name) => { void sources.reload(); go(name); }} />}
      {dialog === 'delete' && (
        <ConfirmDialog title={`Delete branch ${branch}?`} confirmLabel="Delete branch" typeToConfirm={branch} onClose={() => setDialog(null)}
          message={<p>Branch <strong>{branch}</strong> of {workspace.name} is deleted with all its tables and their records; they cannot be recovered. main and other branches are not touched.</p>}
          onConfirm={async () => {
            await data('DELETE', `/db/${seg(workspace.name)}:${seg(branch)}`);
            void sources.reload();
            go('main');
          }} />
      )}
    </div>
  );
}

function BranchCreateDialog({ workspaceId, onClose, onCreated }: { workspaceId: number; onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [color, setColor] = useState('#2f81f7');
  return (
    <Dialog title="New branch" submitLabel="Create branch" onClose={onClose} onSubmit={async () => {
      const created = await meta<DataSource>('POST', `/workspace/${workspaceId}/datasource`, { label: name.trim(), color });
      onCreated(branchOf(created.label));
    }}>
      <label>Branch name<input autoFocus required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <p className="hint">The new branch copies main's tables and columns, without records. It is the Metadata API's data source of the same name and the data API's branch <code>{name.trim() || 'name'}</code>.</p>
      <label>Colour<input type="color" value={color} onChange={(e) => setColor(e.target.value)} /></label>
    </Dialog>
  );
}
