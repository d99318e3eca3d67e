import type { GridColumn } from './table-columns';

/**
 * How a value of each column type is shown in a cell, turned into an editor's text, and
 * read back from it as the value the data API takes (json as JSON text, like the SDK; links
 * as the linked record's id; an empty editor as null).
 */
export function displayValue(column: GridColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'bool': return value ? 'true' : 'false';
    case 'datetime': return new Date(String(value)).toLocaleString();
    case 'link': return String((value as { id?: unknown }).id ?? '');
    case 'multiple': return (value as unknown[]).join(', ');
    case 'vector': return `[${(value as number[]).length} numbers]`;
    case 'json': return typeof value === 'string' ? value : JSON.stringify(value);
    default: return String(value);
  }
}

/** A datetime as `<input type="datetime-local">` wants it (local time, to the second). */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function editorText(column: GridColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'datetime': return localInput(String(value));
    case 'link': return String((value as { id?: unknown }).id ?? '');
    case 'multiple': return (value as unknown[]).join(', ');
    case 'vector': return JSON.stringify(value);
    case 'bool': return value ? 'true' : 'false';
    default: return displayValue(column, value);
  }
}

/** The editor's text as the API's value; throws an Error (shown on the cell) when it cannot be one. */
export function parseEditorText(column: GridColumn, text: string): unknown {
  if (column.type === 'bool') return text === 'true';
  if (text.trim() === '' && column.type !== 'string' && column.type !== 'text') return null;
  switch (column.type) {
    case 'int': case 'float': {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error('Enter a number.');
      return n;
    }
    case 'datetime': {
      const at = new Date(text);
      if (Number.isNaN(at.getTime())) throw new Error('Enter a date and time.');
      return at.toISOString();
    }
    case 'multiple': return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'vector': {
      try { return JSON.parse(text); } catch { throw new Error('Enter a JSON array of numbers.'); }
    }
    case 'json': {
      try { JSON.parse(text); } catch { throw new Error('Enter valid JSON.'); }
      return text;
    }
    default: return text;
  }
}

export const isEditable = (column: GridColumn) => column.type !== 'file' && column.type !== 'file[]';
