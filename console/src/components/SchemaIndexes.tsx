import { useState } from 'react';
import { meta } from '../api/http';
import { onBranch } from '../api/data-source';
import { useApi } from '../api/use-api';
import { ConfirmDialog, Dialog } from './Dialog';
import { ErrorNotice } from './Notice';

interface IndexField { name: string; op?: string; priority?: number }
interface Index { id: string; type: string; name?: string; lang?: string; fields: IndexField[] }

const TYPES = [
  { type: 'btree', label: 'Index (btree): faster filters and sorts' },
  { type: 'unique', label: 'Unique: no two records share the values' },
  { type: 'search', label: 'Search: full-text search over text columns' },
  { type: 'spatial', label: 'Spatial: geo columns' },
  { type: 'vector', label: 'Vector: similarity search' },
] as const;
type IndexType = (typeof TYPES)[number]['type'];
const LANGS = ['simple', 'english', 'french', 'german', 'spanish', 'italian', 'portuguese', 'dutch', 'swedish', 'danish', 'norwegian', 'finnish', 'russian', 'turkish'];
const VECTOR_OPS = ['vector_cosine_ops', 'vector_l2_ops', 'vector_ip_ops', 'vector_l1_ops'];

const describeField = (f: IndexField) => (f.priority !== undefined ? `${f.name} (priority ${f.priority})` : f.op ? `${f.name} ${f.op}` : f.name);

/** A table's indexes (Xano's `table / index`): list, add (btree, unique, search, spatial, vector), delete. */
export function SchemaIndexes({ workspaceId, tableId, branch, columns }: { workspaceId: number; tableId: number; branch: string; columns: string[] }) {
  const base = `/workspace/${workspaceId}/table/${tableId}/index`;
  const indexes = useApi((signal) => meta<Index[]>('GET', base, undefined, onBranch(branch, signal)), [base, branch]);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Index | null>(null);
  return (
    <section aria-labelledby="indexes-title" className="schema-indexes">
      <div className="page-header">
        <h2 id="indexes-title">Indexes</h2>
        <button type="button" onClick={() => setAdding(true)}>Add index</button>
      </div>
      <ErrorNotice error={indexes.error} />
      {indexes.value && (
        <table>
          <caption className="sr-only">Indexes</caption>
          <thead><tr><th scope="col">Type</th><th scope="col">Fields</th><th scope="col">Id</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {indexes.value.map((index) => (
              <tr key={index.id}>
                <td>{index.type}{index.name && <> <span className="muted">“{index.name}”, {index.lang}</span></>}</td>
                <td>{index.fields.map(describeField).join(', ')}</td>
                <td className="mono">{index.id}</td>
                <td className="row-actions">
                  {index.type !== 'primary' && <button type="button" onClick={() => setRemoving(index)} aria-label={`Delete ${index.type} index on ${index.fields.map((f) => f.name).join(', ')}`}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && <IndexAddDialog columns={columns} onClose={() => setAdding(false)} onAdd={async (type, body) => { await meta('POST', `${base}/${type}`, body, onBranch(branch)); void indexes.reload(); }} />}
      {removing && (
        <ConfirmDialog
          title={`Delete the ${removing.type} index?`}
          confirmLabel="Delete index"
          onClose={() => setRemoving(null)}
          onConfirm={async () => { await meta('DELETE', `${base}/${encodeURIComponent(removing.id)}`, undefined, onBranch(branch)); void indexes.reload(); }}
          message={<p>The {removing.type} index on <strong>{removing.fields.map((f) => f.name).join(', ')}</strong> is dropped. No records are lost{removing.type === 'unique' ? ', but duplicates become possible' : ''}.</p>}
        />
      )}
    </section>
  );
}

function IndexAddDialog({ columns, onAdd, onClose }: { columns: string[]; onAdd: (type: IndexType, body: unknown) => Promise<void>; onClose: () => void }) {
  const [type, setType] = useState<IndexType>('btree');
  const [fields, setFields] = useState<Array<{ name: string; op: string; priority: string }>>([{ name: columns[0] ?? '', op: 'asc', priority: '1' }]);
  const [name, setName] = useState('search');
  const [lang, setLang] = useState('english');
  const opChoices = type === 'vector' ? VECTOR_OPS : type === 'spatial' ? ['gist_geometry_ops_2d'] : ['asc', 'desc'];
  const update = (i: number, patch: Partial<(typeof fields)[number]>) => setFields(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const changeType = (next: IndexType) => {
    setType(next);
    const op = next === 'vector' ? VECTOR_OPS[0] : next === 'spatial' ? 'gist_geometry_ops_2d' : 'asc';
    setFields(fields.map((f) => ({ ...f, op })));
  };
  return (
    <Dialog title="Add an index" submitLabel="Add index" onClose={onClose} onSubmit={() => onAdd(type, type === 'search'
      ? { name, lang, fields: fields.map((f) => ({ name: f.name, priority: Number(f.priority) })) }
      : { fields: fields.map((f) => ({ name: f.name, op: f.op })) })}>
      <label>Index type
        <select aria-label="Index type" value={type} onChange={(e) => changeType(e.target.value as IndexType)}>
          {TYPES.map((t) => <option key={t.type} value={t.type}>{t.label}</option>)}
        </select>
      </label>
      {type === 'search' && (
        <div className="schema-form-grid">
          <label>Index name<input required value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>Language<select aria-label="Language" value={lang} onChange={(e) => setLang(e.target.value)}>{LANGS.map((l) => <option key={l}>{l}</option>)}</select></label>
        </div>
      )}
      <fieldset>
        <legend>Fields</legend>
        {fields.map((f, i) => (
          <div key={i} className="schema-form-grid">
            <label>Field {i + 1}<select aria-label={`Field ${i + 1}`} value={f.name} onChange={(e) => update(i, { name: e.target.value })}>{columns.map((c) => <option key={c}>{c}</option>)}</select></label>
            {type === 'search'
              ? <label>Field {i + 1} priority<input type="number" min={0} value={f.priority} onChange={(e) => update(i, { priority: e.target.value })} /></label>
              : <label>Field {i + 1} {type === 'btree' || type === 'unique' ? 'order' : 'operator'}<select aria-label={`Field ${i + 1} ${type === 'btree' || type === 'unique' ? 'order' : 'operator'}`} value={f.op} onChange={(e) => update(i, { op: e.target.value })}>{opChoices.map((o) => <option key={o}>{o}</option>)}</select></label>}
            {fields.length > 1 && <button type="button" onClick={() => setFields(fields.filter((_, j) => j !== i))} aria-label={`Remove field ${i + 1}`}>Remove</button>}
          </div>
        ))}
        <button type="button" onClick={() => setFields([...fields, { name: columns[0] ?? '', op: opChoices[0]!, priority: '1' }])}>Add a field</button>
      </fieldset>
    </Dialog>
  );
}
