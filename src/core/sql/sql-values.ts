import type { LeafColumn } from '../../kernel/model/column-types.js';
import { invalidValue } from '../../kernel/errors.js';
import { invalidSql, type SqlNode } from '../../kernel/sql/sql-parse.js';

/**
 * Values an INSERT or UPDATE writes: constants and parameters only (so the record API's
 * rules check each of them), turned from PostgreSQL's text forms into what the record API
 * takes. The SDK sends every parameter as text (`"200"`, `"true"`, `{"a","b"}` for arrays,
 * JSON text for objects), so text is read the way PostgreSQL would read it for the column.
 */
export function literalOf(node: SqlNode, params: readonly unknown[], what: string): unknown {
  const [type] = Object.keys(node);
  const body = node[type!] as SqlNode;
  switch (type) {
    case 'ParamRef': return params[(body.number as number) - 1] ?? null;
    case 'A_Const':
      if (body.isnull) return null;
      if (body.ival) return Number((body.ival as SqlNode).ival ?? 0);
      if (body.fval) return Number((body.fval as SqlNode).fval);
      if (body.boolval) return (body.boolval as SqlNode).boolval === true;
      if (body.sval) return String((body.sval as SqlNode).sval ?? '');
      break;
    case 'TypeCast': return literalOf(body.arg as SqlNode, params, what); // the column's type decides
    case 'A_Expr': {
      const op = ((body.name as SqlNode[])[0]!.String as SqlNode).sval;
      if (body.kind === 'AEXPR_OP' && op === '-' && !body.lexpr) {
        const v = literalOf(body.rexpr as SqlNode, params, what);
        if (typeof v === 'number') return -v;
        if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return -Number(v);
      }
      break;
    }
  }
  throw invalidSql(`${what} must be a constant or a parameter ($1): the record API's rules check every value written`);
}

/** A value in PostgreSQL's text form (or JSON, from sql/batch) → the record API's value for the column. */
export function columnValue(leaf: LeafColumn, value: unknown): unknown {
  if (value === null || typeof value !== 'string') return value;
  const bad = (expected: string) => invalidValue(`column [${leaf.path}]: invalid value [${value}], expected ${expected}`);
  switch (leaf.type) {
    case 'int': {
      if (!/^\s*[-+]?\d+\s*$/.test(value)) throw bad('an integer');
      return Number(value);
    }
    case 'float': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'bool': {
      const lower = value.trim().toLowerCase();
      if (['t', 'true', 'y', 'yes', 'on', '1'].includes(lower)) return true;
      if (['f', 'false', 'n', 'no', 'off', '0'].includes(lower)) return false;
      throw bad('a boolean');
    }
    case 'multiple': return value.trim().startsWith('[') ? parseJson(value, bad) : parseArrayLiteral(value, bad);
    case 'vector': {
      const items = value.trim().startsWith('[') ? parseJson(value, bad) : parseArrayLiteral(value, bad);
      return Array.isArray(items) ? items.map((v) => (typeof v === 'string' ? Number(v) : v)) : items;
    }
    case 'datetime': {
      // PostgreSQL's text form of a timestamptz has a space and a short offset: 2024-01-31 12:00:00+00.
      const iso = value.trim().replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T').replace(/([+-]\d{2})$/, '$1:00');
      return iso;
    }
    default: return value;
  }
}

function parseJson(text: string, bad: (expected: string) => Error): unknown {
  try { return JSON.parse(text); } catch { throw bad('an array'); }
}

/** A PostgreSQL array literal of one dimension: `{a,"b c",NULL}` (what the SDK sends for arrays). */
export function parseArrayLiteral(text: string, bad: (expected: string) => Error): Array<string | null> {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) throw bad('an array');
  const items: Array<string | null> = [];
  let i = 1;
  const end = t.length - 1;
  if (t.slice(1, end).trim() === '') return items;
  while (i <= end) {
    while (t[i] === ' ') i++;
    let item = '';
    let quoted = false;
    if (t[i] === '"') {
      quoted = true;
      i++;
      while (i < end && t[i] !== '"') {
        if (t[i] === '\\') i++;
        item += t[i++];
      }
      if (t[i] !== '"') throw bad('an array');
      i++;
    } else {
      while (i < end && t[i] !== ',') item += t[i++];
      item = item.trim();
      if (item.startsWith('{')) throw bad('an array of one dimension');
    }
    items.push(!quoted && item.toUpperCase() === 'NULL' ? null : item);
    while (t[i] === ' ') i++;
    if (i === end) break;
    if (t[i] !== ',') throw bad('an array');
    i++;
  }
  return items;
}
