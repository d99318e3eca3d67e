import { useState } from 'react';
import { Dialog } from '../components/Dialog';
import { isEditable, parseEditorText } from './cell-values';
import { createRecord, type TableRef } from './records-api';
import { nestedBody, type GridColumn, type XataRecord } from './table-columns';

/**
 * A new record: an optional id (otherwise the server makes one) and a field per column;
 * fields left empty are not sent, so column defaults apply. Files are uploaded in the grid
 * once the record exists. The API's refusal (a duplicate id, a bad value) stays in the dialog.
 */
export function AddRecordDialog({ table, columns, onCreated, onClose }: {
  table: TableRef; columns: GridColumn[]; onCreated: (record: XataRecord) => void; onClose: () => void;
}) {
  const fields = columns.filter(isEditable);
  const [id, setId] = useState('');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const set = (path: string, text: string) => setTexts((t) => ({ ...t, [path]: text }));

  async function submit() {
    const values: Record<string, unknown> = {};
    for (const column of fields) {
      const text = texts[column.path];
      if (text === undefined || text === '') continue;
      let value: unknown;
      try { value = parseEditorText(column, text); } catch (err) { throw new Error(`${column.path}: ${(err as Error).message}`); }
      mergeInto(values, nestedBody(column.path, value));
    }
    onCreated(await createRecord(table, values, id.trim() || undefined));
  }

  return (
    <Dialog title={`Add a record to ${table.table}`} submitLabel="Add record" busyLabel="Adding…" onSubmit={submit} onClose={onClose}>
      <div className="record-form">
        <label>Id <span className="hint">optional: left empty, Strata makes one</span>
          <input value={id} onChange={(e) => setId(e.target.value)} autoFocus />
        </label>
        {fields.map((column) => <Field key={column.path} column={column} text={texts[column.path] ?? ''} onChange={(t) => set(column.path, t)} />)}
      </div>
    </Dialog>
  );
}

function Field({ column, text, onChange }: { column: GridColumn; text: string; onChange: (text: string) => void }) {
  const hint = <span className="hint">{column.type}{column.notNull ? ', required' : ''}</span>;
  if (column.type === 'bool') {
    return <label className="inline"><input type="checkbox" checked={text === 'true'} onChange={(e) => onChange(e.target.checked ? 'true' : 'false')} />{column.path} {hint}</label>;
  }
  if (column.type === 'json' || column.type === 'text' || column.type === 'vector') {
    return <label>{column.path} {hint}<textarea rows={3} value={text} onChange={(e) => onChange(e.target.value)} /></label>;
  }
  const type = column.type === 'int' || column.type === 'float' ? 'number' : column.type === 'datetime' ? 'datetime-local' : column.type === 'email' ? 'email' : 'text';
  return (
    <label>{column.path} {hint}
      <input type={type} step={column.type === 'int' ? 1 : column.type === 'float' ? 'any' : column.type === 'datetime' ? 1 : undefined}
        value={text} onChange={(e) => onChange(e.target.value)} placeholder={column.type === 'multiple' ? 'a, b, c' : column.type === 'link' ? `id in ${column.link ?? 'the linked table'}` : undefined} />
    </label>
  );
}

/** Merges a nested body into another (two sub-columns of one object column). */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
      mergeInto(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = value;
  }
}
