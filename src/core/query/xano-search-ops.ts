import { StrataError } from '../../kernel/errors.js';
import { hasNul } from '../values/values.js';
import { parseDatetime } from '../values/datetime-text.js';
import { and, not, or, parseWildcards, TRUE, type FieldRef, type Filter } from '../../kernel/plans/filter-ast.js';
import type { FieldPaths, ResolvedField } from './field-paths.js';
import type { FilterBudget } from './filter-budget.js';

/**
 * What both Xano search formats share (xano-search-a.ts, xano-search-b.ts): a condition is a
 * column, an operator and a value, checked against the column's type and compiled into the
 * filter AST; a list of conditions joined by AND/OR is a chain.
 *
 * Operators: `=`/`==`, `!=`/`<>`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `like`, `not like`,
 * `ilike`, `not ilike` (SQL patterns: `%`, `_`, `\` escapes; `like` is case-sensitive as on
 * PostgreSQL, which Xano runs on; `ilike` folds ASCII case). `= null` / `!= null` test for a
 * missing value. Negations are complements (the AST is two-valued), so `!=`, `not in` and
 * `not like` also match records without a value.
 */
export const XANO_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'like', 'not like', 'ilike', 'not ilike'] as const;
export type XanoOp = (typeof XANO_OPS)[number];
const ALIASES: Record<string, XanoOp> = { '==': '=', '<>': '!=' };

/** How a column's values are compared: the value rules of search operands. */
type ValueType = 'text' | 'date' | 'int' | 'float' | 'bool' | 'timestamp' | 'intId' | 'textId' | 'list' | 'opaque';

export interface SearchTarget { field: FieldRef; column: string; type: ValueType }

export const searchError = (param: string, message: string) => new StrataError('BAD_REQUEST', message, { param });

export function parseOp(raw: unknown, param: string): XanoOp {
  const op = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/\s+/g, ' ') : '';
  const name = ALIASES[op] ?? op;
  if (!(XANO_OPS as readonly string[]).includes(name)) throw searchError(param, `search: unknown operator [${String(raw)}]; use one of ${XANO_OPS.join(', ')}`);
  return name as XanoOp;
}

/** A column path (`name`, `settings.plan`, `author.name` through a link) as a search target. */
export function searchTarget(paths: FieldPaths, column: unknown, param: string): SearchTarget {
  if (typeof column !== 'string' || column === '' || column.startsWith('xata.')) throw searchError(param, `search: [${String(column)}] is not a column`);
  let resolved: ResolvedField;
  try {
    resolved = paths.resolve(column);
  } catch (err) {
    if (err instanceof StrataError && err.status === 400) throw searchError(param, err.message);
    throw err;
  }
  return { field: resolved.ref, column, type: valueType(resolved) };
}

function valueType({ ref, table, linkTarget }: ResolvedField): ValueType {
  const column = ref.column;
  if (column === 'id') return table.idKind === 'int' ? 'intId' : 'textId';
  if (column === 'version') return 'int';
  if (column === 'createdAt' || column === 'updatedAt') return 'timestamp';
  if (column.xano?.type === 'password') return 'opaque'; // a hash: nothing to compare with
  switch (column.type) {
    case 'string': return column.xano?.type === 'date' ? 'date' : 'text';
    case 'text': case 'email': return 'text';
    case 'int': return 'int';
    case 'float': return 'float';
    case 'bool': return 'bool';
    case 'datetime': return 'timestamp';
    case 'multiple': return 'list';
    case 'link': return linkTarget?.idKind === 'int' ? 'intId' : 'textId';
    default: return 'opaque';
  }
}

/**
 * One condition → the AST. `param` names the input in errors (Xano's payload.param). A list's
 * length is counted in `budget` unless the caller did (`counted`) before reading its values.
 */
export function condition(target: SearchTarget, op: XanoOp, raw: unknown, param: string, budget: FilterBudget, counted = false): Filter {
  const { field, column, type } = target;
  const fail = (message: string) => searchError(param, `search on column [${column}]: ${message}`);
  if (raw === null) {
    if (op === '=') return not({ kind: 'exists', field });
    if (op === '!=') return { kind: 'exists', field };
    throw fail(`${op} does not take null (use = null or != null)`);
  }
  if (type === 'opaque') throw fail('columns of this type can only be tested with = null and != null');
  if (type === 'list') {
    // A text list matches when some element does.
    const element: SearchTarget = { field: { kind: 'element' }, column, type: 'text' };
    if (!['=', '!=', 'in', 'not in', 'like', 'not like', 'ilike', 'not ilike'].includes(op)) throw fail(`${op} does not apply to lists`);
    const positive = op.startsWith('not ') ? op.slice(4) as XanoOp : op === '!=' ? '=' : op;
    const any: Filter = { kind: 'arrayAny', field: field as Extract<FieldRef, { kind: 'column' }>, predicate: condition(element, positive, raw, param, budget, counted) };
    return positive === op ? any : not(any);
  }
  switch (op) {
    case '=': return { kind: 'compare', field, op: '=', value: typedValue(target, raw, param) };
    case '!=': return not({ kind: 'compare', field, op: '=', value: typedValue(target, raw, param) });
    case '<': case '<=': case '>': case '>=':
      if (type === 'bool') throw fail(`${op} does not apply to booleans`);
      return { kind: 'compare', field, op, value: typedValue(target, raw, param) };
    case 'in': case 'not in': {
      if (!Array.isArray(raw)) throw fail(`${op} takes an array of values`);
      if (!counted) budget.list(raw.length, param);
      const values = raw.map((v, i) => typedValue(target, v, `${param}.${i}`));
      const matches: Filter = values.length === 0 ? { kind: 'const', value: false } : { kind: 'in', field, values };
      return op === 'in' ? matches : not(matches);
    }
    default: {
      if (type !== 'text' && type !== 'date' && type !== 'textId') throw fail(`${op} applies to text columns only`);
      if (typeof raw !== 'string') throw fail(`${op} takes a pattern (a string, % and _ as wildcards)`);
      if (hasNul(raw)) throw fail(`${op}: text cannot contain the NUL character (\\u0000)`);
      const matches: Filter = { kind: 'like', field, pattern: parseWildcards(raw, '%', '_'), caseInsensitive: op.endsWith('ilike') };
      return op.startsWith('not ') ? not(matches) : matches;
    }
  }
}

/** An operand as the logical value of the column's type (epoch ms for timestamps). */
export function typedValue(target: SearchTarget, v: unknown, param: string): unknown {
  const bad = (expected: string) => searchError(param, `search on column [${target.column}]: expected ${expected}, got ${JSON.stringify(v)}`);
  switch (target.type) {
    case 'text': case 'textId':
      if (typeof v === 'string' && hasNul(v)) throw bad('text without the NUL character (\\u0000)');
      if (typeof v === 'string') return v;
      throw bad('a string');
    case 'date':
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
      throw bad('a date YYYY-MM-DD');
    case 'int': case 'intId': {
      const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
      throw bad('an integer');
    }
    case 'float': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw bad('a number');
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw bad('true or false');
    case 'timestamp': {
      const ms = timestampOf(v);
      if (ms !== undefined) return ms;
      throw bad('a timestamp (epoch milliseconds, RFC 3339, or a date YYYY-MM-DD)');
    }
    default:
      throw bad('a comparable value');
  }
}

/** Xano timestamps are epoch milliseconds; RFC 3339 text and plain dates (midnight UTC) are accepted too. */
export function timestampOf(v: unknown): number | undefined {
  const ms = typeof v === 'number' ? v
    : typeof v !== 'string' ? undefined
    : /^-?\d{1,16}$/.test(v) ? Number(v)
    : parseDatetime(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  // Within JavaScript's date range, which every engine can store.
  return ms !== undefined && Number.isSafeInteger(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}
const MAX_DATE_MS = 8.64e15;

/**
 * Conditions joined to the previous one by AND (default) or OR, with SQL's precedence: AND
 * binds tighter, so `a AND b OR c AND d` is `(a AND b) OR (c AND d)`. The first item's
 * flag is ignored; an empty chain matches everything.
 */
export function chain(items: Array<{ or: boolean; filter: Filter }>): Filter {
  if (items.length === 0) return TRUE;
  const runs: Filter[][] = [];
  items.forEach((item, i) => {
    if (i === 0 || item.or) runs.push([item.filter]);
    else runs[runs.length - 1]!.push(item.filter);
  });
  return or(runs.map((run) => and(run)));
}
