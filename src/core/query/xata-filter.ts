import { badRequest } from '../../kernel/errors.js';
import { hasNul } from '../values/values.js';
import { parseDatetime } from '../values/datetime-text.js';
import { and, literalPattern, negate, not, or, parseWildcards, type ColumnRef, type FieldRef, type Filter } from '../../kernel/plans/filter-ast.js';
import { jsonExists, jsonPredicate, splitJsonPath } from './xata-json-filter.js';
import type { PathResolver, ResolvedField } from './field-paths.js';
import { FilterBudget } from './filter-budget.js';

/**
 * Xata's filter language (`FilterExpression`) → the filter AST. Paths may be dotted or
 * nested (`{"settings": {"plan": "free"}}`), may follow links (`team.name`), and every
 * value is checked against the column's type, so a bad filter is a 400 naming the
 * operator and column, never an SQL error. Its size and nesting are bounded (filter-budget.ts).
 */
type Json = unknown;
const CONTROL = new Set(['$all', '$any', '$none', '$not']);

export function parseXataFilter(input: Json, paths: PathResolver, budget = new FilterBudget()): Filter {
  if (!isPlainObject(input)) throw badRequest('filter must be an object');
  return expression(input, '', paths, budget, 1);
}

function expression(input: Record<string, Json>, prefix: string, paths: PathResolver, budget: FilterBudget, depth: number): Filter {
  budget.enter(depth);
  const parts: Filter[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (CONTROL.has(key)) {
      budget.node();
      const items = filterList(key, value);
      budget.width(items.length);
      const list = items.map((item) => expression(item, prefix, paths, budget, depth + 1));
      if (key === '$all') parts.push(and(list));
      else if (key === '$any') parts.push(or(list));
      else parts.push(negate(or(list))); // $none, and $not: none of the listed expressions holds
      continue;
    }
    if (key === '$exists' || key === '$notExists' || key === '$existsNot') {
      if (typeof value !== 'string' || value === '') throw badRequest(`${key} takes a column name`);
      const json = splitJsonPath(prefix + value);
      const exists: Filter = json ? jsonExists(jsonColumn(paths, json.column, prefix + value), json.steps) : { kind: 'exists', field: paths.resolve(prefix + value).ref };
      parts.push(key === '$exists' ? exists : not(exists));
      continue;
    }
    if (key.startsWith('$')) throw badRequest(`filter: unknown operator [${key}]`);
    const path = prefix + key;
    const json = splitJsonPath(path);
    if (json) {
      parts.push(jsonPredicate({ field: jsonColumn(paths, json.column, path), path: json.steps, name: path, budget }, value, depth));
      continue;
    }
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const operators = keys.filter((k) => k.startsWith('$'));
      if (operators.length === 0 && keys.length > 0) {
        // A nested object names sub-columns: {"settings": {"plan": "free"}} ≡ {"settings.plan": "free"}.
        parts.push(expression(value, path + '.', paths, budget, depth + 1));
        continue;
      }
      if (operators.length !== keys.length) throw badRequest(`filter on column [${path}]: cannot mix operators and sub-columns`);
    }
    parts.push(columnPredicate(paths.resolve(path), path, value, budget, depth));
  }
  return and(parts);
}

function filterList(operator: string, value: Json): Array<Record<string, Json>> {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every(isPlainObject)) throw badRequest(`${operator} takes a filter object or a non-empty array of them`);
  return list as Array<Record<string, Json>>;
}

/** The column's typing rules for filter values. */
interface Target { field: FieldRef; path: string; type: ValueType; budget: FilterBudget }
type ValueType = 'text' | 'number' | 'bool' | 'datetime' | 'intId' | 'array' | 'unfilterable';

/** The json column a `->` path starts from. */
function jsonColumn(paths: PathResolver, column: string, path: string): ColumnRef {
  const { ref } = paths.resolve(column);
  if (typeof ref.column === 'string' || ref.column.type !== 'json') throw badRequest(`filter on [${path}]: -> paths apply to json columns only`);
  return ref;
}

function columnPredicate(resolved: ResolvedField, path: string, spec: Json, budget: FilterBudget, depth: number): Filter {
  const column = resolved.ref.column;
  if (typeof column !== 'string' && column.type === 'json') return jsonPredicate({ field: resolved.ref, path: [], name: path, budget }, spec, depth);
  const type = valueType(resolved);
  if (type === 'unfilterable') throw badRequest(`filter on column [${path}]: columns of this type can only be filtered with $exists`);
  if (type === 'array') {
    // Predicates on an array column hold when some element matches, unless an $includes* operator says otherwise.
    const column = resolved.ref;
    const element: Target = { field: { kind: 'element' }, path, type: 'text', budget };
    if (isPlainObject(spec)) {
      const ops = Object.entries(spec);
      return and(ops.map(([op, arg]) => {
        switch (op) {
          case '$includes': case '$includesAny': return anyElement(column, element, arg, depth);
          case '$includesAll': return and([{ kind: 'exists', field: column }, not(anyElement(column, element, arg, depth, true))]);
          case '$includesNone': return not(anyElement(column, element, arg, depth));
          default: return anyElement(column, element, { [op]: arg }, depth);
        }
      }));
    }
    return anyElement(column, element, spec, depth);
  }
  return predicate({ field: resolved.ref, path, type, budget }, spec, depth);
}

/** Some element matches (or, negated, fails) the element predicate. */
function anyElement(column: ColumnRef, element: Target, spec: Json, depth: number, negate = false): Filter {
  const p = predicate(element, spec, depth);
  return { kind: 'arrayAny', field: column, predicate: negate ? not(p) : p };
}

/** A column's condition, `depth` levels deep; its operators' sub-conditions are one level deeper. */
function predicate(target: Target, spec: Json, depth: number): Filter {
  target.budget.enter(depth);
  target.budget.node();
  if (spec === null) return not({ kind: 'exists', field: target.field });
  if (Array.isArray(spec)) return anyOf(target, spec, depth);
  if (!isPlainObject(spec)) return { kind: 'compare', field: target.field, op: '=', value: value(target, '$is', spec) };
  const entries = Object.entries(spec);
  if (entries.length === 0) throw badRequest(`filter on column [${target.path}]: empty predicate`);
  return and(entries.map(([op, arg]) => operator(target, op, arg, depth)));
}

function operator(target: Target, op: string, arg: Json, depth: number): Filter {
  const { field, path, budget } = target;
  const nested = (items: Json[]) => {
    budget.width(items.length);
    return items.map((v) => predicate(target, v, depth + 1));
  };
  switch (op) {
    case '$is':
      if (arg === null) return not({ kind: 'exists', field });
      if (!Array.isArray(arg)) return { kind: 'compare', field, op: '=', value: value(target, op, arg) };
      budget.list(arg.length);
      return { kind: 'in', field, values: arg.map((v) => value(target, op, v)) };
    case '$isNot':
      return negate(operator(target, '$is', arg, depth));
    case '$gt': case '$ge': case '$lt': case '$le':
      if (target.type === 'bool') throw badRequest(`filter on column [${path}]: ${op} does not apply to booleans`);
      return { kind: 'compare', field, op: RANGE[op], value: value(target, op, arg) };
    case '$contains': case '$iContains': case '$startsWith': case '$endsWith': case '$pattern': case '$iPattern': {
      if (target.type !== 'text') throw badRequest(`filter on column [${path}]: ${op} applies to text columns only`);
      if (typeof arg !== 'string') throw badRequest(`filter on column [${path}]: ${op} takes a string`);
      if (hasNul(arg)) throw badRequest(`filter on column [${path}]: ${op}: text cannot contain the NUL character (\\u0000)`);
      const pattern = op.endsWith('attern') ? parseWildcards(arg, '*', '?') : literalPattern(arg, op !== '$startsWith', op !== '$endsWith');
      return { kind: 'like', field, pattern, caseInsensitive: op.startsWith('$i') };
    }
    case '$any': return anyOf(target, list(target, op, arg), depth);
    case '$all': return and(nested(list(target, op, arg)));
    case '$none': return negate(or(nested(list(target, op, arg))));
    case '$not': return negate(or(nested(Array.isArray(arg) ? arg : [arg])));
    case '$includes': case '$includesAny': case '$includesAll': case '$includesNone':
      throw badRequest(`filter on column [${path}]: ${op} applies to multiple (array) columns only`);
    default:
      throw badRequest(`filter on column [${path}]: unknown operator [${op}]`);
  }
}

const RANGE = { $gt: '>', $ge: '>=', $lt: '<', $le: '<=' } as const;

/** Any of these values or predicates; plain values become one IN list (the SDK's read([ids]) sends 1000). */
function anyOf(target: Target, items: Json[], depth: number): Filter {
  target.budget.list(items.length);
  const values = items.filter((v) => v !== null && typeof v !== 'object');
  const rest = items.filter((v) => v === null || typeof v === 'object');
  const listed: Filter[] = values.length > 0 ? [{ kind: 'in', field: target.field, values: values.map((v) => value(target, '$any', v)) }] : [];
  target.budget.width(rest.length);
  return or([...listed, ...rest.map((v) => predicate(target, v, depth + 1))]);
}

function list(target: Target, op: string, arg: Json): Json[] {
  if (!Array.isArray(arg) || arg.length === 0) throw badRequest(`filter on column [${target.path}]: ${op} takes a non-empty array`);
  return arg;
}

function valueType({ ref, table, linkTarget }: ResolvedField): ValueType {
  const column = ref.column;
  if (column === 'id') return table.idKind === 'int' ? 'intId' : 'text';
  if (column === 'version') return 'number';
  if (column === 'createdAt' || column === 'updatedAt') return 'datetime';
  switch (column.type) {
    case 'string': case 'text': case 'email': return 'text';
    case 'int': case 'float': return 'number';
    case 'bool': return 'bool';
    case 'datetime': return 'datetime';
    case 'multiple': return 'array';
    case 'link': return linkTarget?.idKind === 'int' ? 'intId' : 'text'; // the linked record's id
    default: return 'unfilterable';
  }
}

/** A filter operand as the logical value of the column's type. */
function value(target: Target, op: string, v: Json): unknown {
  const bad = (expected: string) => badRequest(`filter on column [${target.path}]: ${op} expects ${expected}`);
  switch (target.type) {
    case 'text':
      if (typeof v === 'string' && hasNul(v)) throw bad('text without the NUL character (\\u0000)');
      if (typeof v === 'string') return v;
      throw bad('a string');
    case 'intId':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
      if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
      throw bad('an integer id');
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      throw bad('a number');
    case 'bool':
      if (typeof v === 'boolean') return v;
      throw bad('true or false');
    case 'datetime': {
      const ms = typeof v === 'string' ? parseDatetime(v) : undefined;
      if (ms === undefined) throw bad('an RFC 3339 date-time');
      return ms;
    }
    default:
      throw bad('a filterable value');
  }
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
