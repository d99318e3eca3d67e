import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { LinkPicker } from './LinkPicker';
import type { TableRef } from './records-api';
import type { GridColumn } from './table-columns';

/**
 * The inline editor of one cell, by column type. Enter (or leaving the field) saves,
 * Escape cancels; in the json textarea Shift+Enter is a new line. An error from the last
 * save (the API's words, or a value that cannot be parsed) stays on the cell. A link cell
 * (given the linked table, `link`) edits with a picker that searches the linked table.
 */
export function CellEditor({ column, label, initial, error, busy, link, onSave, onCancel }: {
  column: GridColumn; label: string; initial: string; error?: string; busy: boolean; link?: { target: TableRef; label?: string };
  onSave: (text: string) => void; onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  // Enter saves and Escape cancels: the blur that follows must not save again.
  const settled = useRef(false);
  useEffect(() => { ref.current?.focus(); ref.current?.select?.(); }, []);
  useEffect(() => { if (error) { settled.current = false; ref.current?.focus(); } }, [error]);
  const errorId = `${label.replace(/\W+/g, '-')}-error`;

  function save(value = text) {
    if (settled.current || busy) return;
    settled.current = true;
    if (value === initial) onCancel(); else onSave(value);
  }
  function onKeyDown(event: KeyboardEvent) {
    event.stopPropagation(); // the grid's arrow keys must not move focus out of an editor
    if (event.key === 'Escape') { event.preventDefault(); settled.current = true; onCancel(); }
    if (event.key === 'Enter' && !(column.type === 'json' && event.shiftKey)) { event.preventDefault(); save(); }
  }
  const common = {
    ref, 'aria-label': label, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined,
    onKeyDown, onBlur: () => save(), disabled: busy, className: 'cell-editor',
  };
  let input;
  if (column.type === 'link' && link) {
    const { ref: inputRef, ...rest } = common;
    input = <LinkPicker {...rest} inputRef={inputRef} target={link.target} label={link.label} value={text} onText={setText} onPick={(id) => { setText(id); save(id); }} />;
  } else if (column.type === 'bool') {
    input = <input type="checkbox" {...common} checked={text === 'true'} onChange={(e) => setText(e.target.checked ? 'true' : 'false')} />;
  } else if (column.type === 'json' || column.type === 'text' || column.type === 'vector') {
    input = <textarea {...common} rows={3} value={text} onChange={(e) => setText(e.target.value)} />;
  } else {
    const type = column.type === 'int' || column.type === 'float' ? 'number' : column.type === 'datetime' ? 'datetime-local' : column.type === 'email' ? 'email' : 'text';
    const step = column.type === 'int' ? 1 : column.type === 'float' ? 'any' : column.type === 'datetime' ? 1 : undefined;
    input = <input type={type} step={step} {...common} value={text} onChange={(e) => setText(e.target.value)}
      placeholder={column.type === 'link' ? `id in ${column.link ?? 'the linked table'}` : column.type === 'multiple' ? 'a, b, c' : undefined} />;
  }
  return (
    <div className="cell-editing">
      {input}
      {error && <p id={errorId} className="cell-error" role="alert">{error}</p>}
    </div>
  );
}
