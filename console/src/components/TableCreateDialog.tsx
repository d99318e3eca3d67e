import { useState } from 'react';
import { meta } from '../api/http';
import { onBranch } from '../api/data-source';
import { Dialog } from './Dialog';

/** Types a first column can have without further options (the schema editor offers every type with its options). */
const SIMPLE_TYPES = ['text', 'int', 'decimal', 'bool', 'timestamp', 'date', 'email', 'json', 'uuid'] as const;

interface Draft { name: string; type: (typeof SIMPLE_TYPES)[number] }

/**
 * A new table: its name, and optionally its first columns (the schema editor adds the rest).
 * Every table has an integer `id`; `created_at` (set when a record is created) is offered too.
 */
export function TableCreateDialog({ workspaceId, branch, onClose, onCreated }: { workspaceId: number; branch: string; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [createdAt, setCreatedAt] = useState(true);
  const [columns, setColumns] = useState<Draft[]>([]);
  const update = (i: number, patch: Partial<Draft>) => setColumns(columns.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <Dialog title={`New table on branch ${branch}`} submitLabel="Create table" onClose={onClose} onSubmit={async () => {
      const schema = [
        { name: 'id', type: 'int' },
        ...(createdAt ? [{ name: 'created_at', type: 'timestamp', default: 'now' }] : []),
        ...columns.map((c) => ({ name: c.name.trim(), type: c.type })),
      ];
      await meta('POST', `/workspace/${workspaceId}/table`, { name: name.trim(), description, schema }, onBranch(branch));
      onCreated();
    }}>
      <label>Table name<input autoFocus required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>Description<input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      <label className="inline"><input type="checkbox" checked={createdAt} onChange={(e) => setCreatedAt(e.target.checked)} /> Add a <code>created_at</code> timestamp</label>
      <fieldset className="table-initial-columns">
        <legend>Initial columns (optional)</legend>
        {columns.map((c, i) => (
          <div key={i} className="table-initial-column">
            <label>Column {i + 1} name<input required value={c.name} onChange={(e) => update(i, { name: e.target.value })} /></label>
            <label>Column {i + 1} type
              <select aria-label={`Column ${i + 1} type`} value={c.type} onChange={(e) => update(i, { type: e.target.value as Draft['type'] })}>
                {SIMPLE_TYPES.map((t) => <option key={t}>{t}</option>)}
              </select>
            </label>
            <button type="button" onClick={() => setColumns(columns.filter((_, j) => j !== i))} aria-label={`Remove column ${i + 1}`}>Remove</button>
          </div>
        ))}
        <button type="button" onClick={() => setColumns([...columns, { name: '', type: 'text' }])}>Add a column</button>
      </fieldset>
    </Dialog>
  );
}
