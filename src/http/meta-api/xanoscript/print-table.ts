import type { XsField, XsIndex, XsPlain, XsTable } from './table-definition.js';

/**
 * XsTable → XanoScript, laid out the way Xano prints a table (two-space indents, a blank line
 * between the sections, one field per line, one index per line). parse-table.ts reads it back
 * to the same definition.
 */
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['true', 'false', 'null']);
/** Defaults written as bare words or numbers (the rest are quoted strings). */
const NUMERIC = new Set(['int', 'decimal']);

const quote = (s: string) => JSON.stringify(s);
const nameText = (s: string) => (WORD.test(s) && !RESERVED.has(s) ? s : quote(s));

export function printPlain(value: XsPlain): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(printPlain).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${nameText(k)}: ${printPlain(v)}`).join(', ')}}`;
}

function defaultText(field: XsField): string {
  const d = field.default;
  const bare = (NUMERIC.has(field.type) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(d))
    || (field.type === 'bool' && (d === 'true' || d === 'false'))
    || (field.type === 'timestamp' && d === 'now');
  return bare ? d : quote(d);
}

function filterText(field: XsField): string {
  const parts: string[] = [];
  for (const [name, on] of Object.entries(field.validators ?? {})) if (on) parts.push(name);
  for (const [name, arg] of Object.entries(field.filters ?? {})) {
    if (arg === false || arg === null || parts.includes(name)) continue;
    parts.push(arg === true ? name : `${name}:${printPlain(arg)}`);
  }
  return parts.length > 0 ? ` filters=${parts.join('|')}` : '';
}

function printField(field: XsField, indent: string): string[] {
  let head = `${indent}${field.type}${field.style === 'list' ? '[]' : ''}${field.nullable ? '?' : ''} ${nameText(field.name)}${field.required ? '' : '?'}`;
  if (field.default !== '') head += `=${defaultText(field)}`;
  head += filterText(field);
  const inner = `${indent}  `;
  const attrs: string[] = [];
  if (field.description !== '') attrs.push(`${inner}description = ${quote(field.description)}`);
  if (field.sensitive) attrs.push(`${inner}sensitive = true`);
  if (field.access !== 'public') attrs.push(`${inner}visibility = ${quote(field.access)}`);
  if (field.table !== undefined) attrs.push(`${inner}table = ${quote(field.table)}`);
  if (field.format !== undefined) attrs.push(`${inner}format = ${quote(field.format)}`);
  if (field.values !== undefined) attrs.push(`${inner}values = ${printPlain(field.values)}`);
  if (field.vectorSize !== undefined) attrs.push(`${inner}size = ${field.vectorSize}`);
  if (field.children !== undefined) attrs.push(`${inner}schema {`, ...field.children.flatMap((c) => printField(c, `${inner}  `)), `${inner}}`);
  return attrs.length === 0 ? [head] : [`${head} {`, ...attrs, `${indent}}`];
}

const printIndex = (index: XsIndex) => printPlain(index);

export function printTable(table: XsTable): string {
  const lines = [`table ${nameText(table.name)} {`, `  auth = ${table.auth}`];
  if (table.description !== '') lines.push(`  description = ${quote(table.description)}`);
  lines.push('', '  schema {', ...table.schema.flatMap((f) => printField(f, '    ')), '  }');
  if (table.index.length > 0) lines.push('', '  index = [', ...table.index.map((i) => `    ${printIndex(i)}`), '  ]');
  if (table.guid !== undefined || table.tags.length > 0) lines.push('');
  if (table.guid !== undefined) lines.push(`  guid = ${quote(table.guid)}`);
  if (table.tags.length > 0) lines.push(`  tags = ${printPlain(table.tags)}`);
  lines.push('}', '');
  return lines.join('\n');
}
