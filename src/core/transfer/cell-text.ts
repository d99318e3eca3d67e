import type { LeafColumn } from '../../kernel/model/column-types.js';

/**
 * CSV cells ⇄ values. Export writes each value as text (arrays, objects and files as JSON);
 * import turns a cell's text back into the JSON-typed input the record write path checks
 * (core/values/values.ts). Decoding never judges a value: text that is no number stays text
 * for an int column, and the write path's own check reports it.
 */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const EPOCH_MS = /^-?\d{9,}$/;
/** `2024-01-31 12:00:00+0000` and similar spreadsheet spellings of RFC 3339. */
const SPACED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/** A (non-empty) cell's text as the input for its column. */
export function decodeCell(leaf: LeafColumn, text: string): unknown {
  switch (leaf.type) {
    case 'int': case 'float':
      return NUMBER.test(text) ? Number(text) : text;
    case 'bool': {
      const lower = text.trim().toLowerCase();
      return lower === 'true' || lower === '1' ? true : lower === 'false' || lower === '0' ? false : text;
    }
    case 'datetime':
      return datetimeText(text.trim());
    case 'multiple':
      return text.startsWith('[') ? parsedOr(text) : text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'vector':
      return parsedOr(text);
    case 'file': case 'file[]':
      return text.startsWith('{') || text.startsWith('[') ? parsedOr(text) : text;
    case 'link':
      return text.startsWith('{') ? parsedOr(text) : text.trim();
    default:
      // string, text, email and json (JSON text is what the json column's check parses)
      return text;
  }
}

/** Epoch-ms text and spreadsheet spellings as RFC 3339 text; anything else as given. */
export function datetimeText(text: string): string {
  if (EPOCH_MS.test(text)) {
    const date = new Date(Number(text));
    return Number.isNaN(date.getTime()) ? text : date.toISOString();
  }
  const spaced = SPACED.exec(text);
  if (!spaced) return text;
  const zone = spaced[5] ?? 'Z';
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${spaced[1]}T${spaced[2]}${spaced[3] ? '' : ':00'}${offset}`;
}

function parsedOr(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}
