import { useState } from 'react';
import { Dialog } from './Dialog';
import {
  ACCESS_LEVELS, DEFAULT_TYPES, descriptorOf, emptyForm, FILTER_LABELS, FILTERS, formOf, TEXT_FORMATS, TYPE_LABELS, XANO_TYPES,
  type ColumnForm, type Descriptor, type XanoType,
} from './SchemaColumnForm';

/**
 * Adds a column of any of the Metadata API's types, or changes one's options (and type: the
 * API refuses type changes, and its message shows here). Each type shows the options it takes.
 */
export function SchemaColumnDialog({ column, tables, onSave, onClose }: {
  column?: Descriptor; tables: Array<{ id: number; name: string }>;
  onSave: (descriptor: Descriptor) => Promise<void>; onClose: () => void;
}) {
  const [form, setForm] = useState<ColumnForm>(column ? formOf(column) : emptyForm());
  const set = (patch: Partial<ColumnForm>) => setForm((f) => ({ ...f, ...patch }));
  const setFilter = (key: string, value: string | boolean) => setForm((f) => ({ ...f, filters: { ...f.filters, [key]: value } }));
  const { type } = form;
  const filters = FILTERS[type];
  return (
    <Dialog
      title={column ? `Edit column ${column.name}` : 'Add a column'}
      submitLabel={column ? 'Save column' : 'Add column'}
      onClose={onClose}
      onSubmit={() => onSave(descriptorOf(form, column))}
    >
      <div className="schema-form-grid">
        {!column && <label>Column name<input autoFocus required value={form.name} onChange={(e) => set({ name: e.target.value })} /></label>}
        <label>Type
          <select aria-label="Type" value={type} onChange={(e) => set({ type: e.target.value as XanoType })}>
            {XANO_TYPES.map((t) => <option key={t} value={t}>{t} — {TYPE_LABELS[t]}</option>)}
          </select>
        </label>
      </div>
      <label>Description<input value={form.description} onChange={(e) => set({ description: e.target.value })} /></label>

      {type === 'enum' && (
        <label>Values (one per line)<textarea required rows={3} value={form.values} onChange={(e) => set({ values: e.target.value })} /></label>
      )}
      {(type === 'tableref' || type === 'tablerefuuid') && (
        <label>Linked table
          <select aria-label="Linked table" required value={form.tablerefId} onChange={(e) => set({ tablerefId: e.target.value })}>
            <option value="">Choose a table…</option>
            {tables.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
      )}
      {type === 'vector' && (
        <label>Dimensions<input type="number" min={2} max={10000} required value={form.vectorSize} onChange={(e) => set({ vectorSize: e.target.value })} /></label>
      )}
      {type === 'object' && (
        <label>Fields (one “name type” per line, e.g. <code>street text</code>)<textarea required rows={3} value={form.children} onChange={(e) => set({ children: e.target.value })} /></label>
      )}
      {type === 'text' && (
        <label>Format
          <select aria-label="Format" value={form.format} onChange={(e) => set({ format: e.target.value })}>
            {TEXT_FORMATS.map((f) => <option key={f} value={f}>{f || 'none'}</option>)}
          </select>
        </label>
      )}
      {DEFAULT_TYPES.includes(type) && form.style === 'single' && (
        type === 'bool'
          ? <label>Default<select aria-label="Default" value={form.default} onChange={(e) => set({ default: e.target.value })}><option value="">none</option><option>true</option><option>false</option></select></label>
          : type === 'enum'
            ? <label>Default<select aria-label="Default" value={form.default} onChange={(e) => set({ default: e.target.value })}><option value="">none</option>{form.values.split(/\r?\n|,/).map((v) => v.trim()).filter(Boolean).map((v) => <option key={v}>{v}</option>)}</select></label>
            : <label>Default{type === 'timestamp' && <span className="hint"> (“now” or a date-time)</span>}{type === 'date' && <span className="hint"> (YYYY-MM-DD)</span>}
                <input value={form.default} onChange={(e) => set({ default: e.target.value })} /></label>
      )}

      <fieldset className="schema-flags">
        <legend>Options</legend>
        <label className="inline"><input type="checkbox" checked={form.required} onChange={(e) => set({ required: e.target.checked })} /> Required (a new record needs a value)</label>
        <label className="inline"><input type="checkbox" checked={form.nullable} onChange={(e) => set({ nullable: e.target.checked })} /> Nullable (null may be written)</label>
        {type !== 'password' && <label className="inline"><input type="checkbox" checked={form.style === 'list'} onChange={(e) => set({ style: e.target.checked ? 'list' : 'single' })} /> List (holds several values)</label>}
        <label className="inline"><input type="checkbox" checked={form.sensitive} onChange={(e) => set({ sensitive: e.target.checked })} /> Sensitive</label>
        <label>Access
          <select aria-label="Access" value={form.access} onChange={(e) => set({ access: e.target.value })}>
            {ACCESS_LEVELS.map((a) => <option key={a}>{a}</option>)}
          </select>
        </label>
      </fieldset>

      {filters && (
        <fieldset className="schema-filters">
          <legend>Value rules</legend>
          {Object.entries(filters).map(([key, kind]) => kind === 'boolean'
            ? <label key={key} className="inline"><input type="checkbox" checked={form.filters[key] === true} onChange={(e) => setFilter(key, e.target.checked)} /> {FILTER_LABELS[key] ?? key}</label>
            : <label key={key}>{FILTER_LABELS[key] ?? key}{type === 'text' && (key === 'min' || key === 'max') && ' length'}
                <input type={kind === 'number' ? 'number' : 'text'} step="any" value={String(form.filters[key] ?? '')} onChange={(e) => setFilter(key, e.target.value)} /></label>)}
        </fieldset>
      )}
    </Dialog>
  );
}
