import { badRequest } from '../../kernel/errors.js';
import { hasNul } from '../values/values.js';
import { jsonTextFault } from '../json-depth.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';
import { and, literalPattern, negate, not, or, parseWildcards, type ColumnRef, type Filter, type JsonStep, type JsonTest } from '../../kernel/plans/filter-ast.js';
import type { FilterBudget } from './filter-budget.js';

/**
 * Xata's filters on json columns → the AST's `json` tests. A key `config->bg->alpha` names a
 * path inside the column (a step of digits indexes an array); the column alone names its
 * whole value. Operators: a bare value, `$is`, `$isNot`, `$gt` `$ge` `$lt` `$le`, the string
 * operators, and `$any` `$all` `$none` `$not` around them. Comparisons are typed by the
 * operand: a string matches strings, a number numbers, a boolean booleans; a string holding a
 * JSON object or array also matches that value (`{"config": "<JSON text>"}` compares the whole
 * value, `{"config->themes": {"$is": "[\"dark\"]"}}` an array). String operators match a string,
 * or a string element of an array. A record without the path matches no condition on it, not
 * even a negated one (SQL's NULL logic, as Xata's store answered: see `negate`).
 */
type Json = unknown;

export interface JsonTarget { field: ColumnRef; path: JsonStep[]; name: string; budget: FilterBudget }

const INDEX = /^(0|[1-9]\d{0,8})$/;
const FORBIDDEN = /["\\\u0000-\u001f\u007f]/;

/** `column->a->0` → the column's path and the steps; undefined without `->`. */
export function splitJsonPath(key: string): { column: string; steps: JsonStep[] } | undefined {
  const at = key.indexOf('->');
  if (at < 0) return undefined;
  const column = key.slice(0, at);
  const parts = key.slice(at + 2).split('->');
  const bad = (why: string) => badRequest(`filter on [${key}]: ${why}`);
  if (column === '') throw bad('a JSON path starts with a column name');
  if (parts.length > REQUEST_LIMITS.jsonDepth) throw bad(`a JSON path has at most ${REQUEST_LIMITS.jsonDepth} steps`);
  const steps = parts.map((part): JsonStep => {
    if (part === '') throw bad('JSON path steps cannot be empty');
    if (part.length > 255) throw bad('JSON path steps are at most 255 characters');
    if (FORBIDDEN.test(part)) throw bad('JSON path steps cannot contain ", \\ or control characters');
    return INDEX.test(part) ? { index: Number(part) } : { key: part };
  });
  return { column, steps };
}

export const jsonExists = (field: ColumnRef, path: JsonStep[]): Filter => ({ kind: 'json', field, path, test: { kind: 'exists' } });

/** A condition on the value at the target's path, `depth` levels deep. */
export function jsonPredicate(t: JsonTarget, spec: Json, depth: number): Filter {
  t.budget.enter(depth);
  t.budget.node();
  if (spec === null) return not(jsonExists(t.field, t.path));
  if (Array.isArray(spec)) return anyOf(t, spec, depth);
  if (!isPlainObject(spec)) return equalTo(t, '$is', spec);
  const entries = Object.entries(spec);
  if (entries.length === 0) throw badRequest(`filter on column [${t.name}]: empty predicate`);
  return and(entries.map(([op, arg]) => operator(t, op, arg, depth)));
}

function operator(t: JsonTarget, op: string, arg: Json, depth: number): Filter {
  const nested = (items: Json[]) => {
    t.budget.width(items.length);
    return items.map((v) => jsonPredicate(t, v, depth + 1));
  };
  switch (op) {
    case '$is':
      if (arg === null) return not(jsonExists(t.field, t.path));
      if (Array.isArray(arg)) return anyOf(t, arg, depth);
      return equalTo(t, op, arg);
    case '$isNot':
      return negate(operator(t, '$is', arg, depth));
    case '$gt': case '$ge': case '$lt': case '$le': {
      if (!(typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg)))) throw badRequest(`filter on column [${t.name}]: ${op} expects a string or a number`);
      return test(t, { kind: 'compare', op: RANGE[op], value: text(t, op, arg) });
    }
    case '$contains': case '$iContains': case '$startsWith': case '$endsWith': case '$pattern': case '$iPattern': {
      if (typeof arg !== 'string') throw badRequest(`filter on column [${t.name}]: ${op} takes a string`);
      const value = text(t, op, arg);
      const pattern = op.endsWith('attern') ? parseWildcards(value, '*', '?') : literalPattern(value, op !== '$startsWith', op !== '$endsWith');
      return test(t, { kind: 'like', pattern, caseInsensitive: op.startsWith('$i') });
    }
    case '$any': return anyOf(t, list(t, op, arg), depth);
    case '$all': return and(nested(list(t, op, arg)));
    case '$none': return negate(or(nested(list(t, op, arg))));
    case '$not': return negate(or(nested(Array.isArray(arg) ? arg : [arg])));
    case '$includes': case '$includesAny': case '$includesAll': case '$includesNone':
      throw badRequest(`filter on column [${t.name}]: ${op} applies to multiple (array) columns only; use $contains on a JSON array`);
    default:
      throw badRequest(`filter on column [${t.name}]: unknown operator [${op}]`);
  }
}

const RANGE = { $gt: '>', $ge: '>=', $lt: '<', $le: '<=' } as const;

/** Equal to a value: strings and numbers compare typed, booleans and objects as JSON values. */
function equalTo(t: JsonTarget, op: string, v: Json): Filter {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw badRequest(`filter on column [${t.name}]: ${op} expects a finite number`);
    return test(t, { kind: 'compare', op: '=', value: v });
  }
  if (typeof v === 'boolean' || isPlainObject(v)) return test(t, { kind: 'equals', value: v });
  if (typeof v !== 'string') throw badRequest(`filter on column [${t.name}]: ${op} expects a string, number, boolean or object`);
  const asString = test(t, { kind: 'compare', op: '=', value: text(t, op, v) });
  const parsed = jsonContainer(v);
  return parsed === undefined ? asString : or([asString, test(t, { kind: 'equals', value: parsed })]);
}

/** Any of these values or predicates; strings and numbers become one IN test. */
function anyOf(t: JsonTarget, items: Json[], depth: number): Filter {
  t.budget.list(items.length);
  const listed = items.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  const rest = items.filter((v) => !(typeof v === 'string' || typeof v === 'number'));
  const values = listed.map((v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw badRequest(`filter on column [${t.name}]: $any expects finite numbers`);
    return typeof v === 'string' ? text(t, '$any', v) : v;
  });
  const containers = listed.flatMap((v) => {
    const parsed = typeof v === 'string' ? jsonContainer(v) : undefined;
    return parsed === undefined ? [] : [test(t, { kind: 'equals', value: parsed })];
  });
  t.budget.width(rest.length + containers.length);
  const inList: Filter[] = values.length > 0 ? [test(t, { kind: 'in', values })] : [];
  return or([...inList, ...containers, ...rest.map((v) => jsonPredicate(t, v, depth + 1))]);
}

const test = (t: JsonTarget, jsonTest: JsonTest): Filter => ({ kind: 'json', field: t.field, path: t.path, test: jsonTest });

function text<T extends string | number>(t: JsonTarget, op: string, v: T): T {
  if (typeof v === 'string' && hasNul(v)) throw badRequest(`filter on column [${t.name}]: ${op}: text cannot contain the NUL character (\\u0000)`);
  return v;
}

/** The object or array a string holds as JSON text, if it holds one. */
function jsonContainer(v: string): unknown {
  const first = v.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  if (jsonTextFault(v, REQUEST_LIMITS.jsonDepth) === 'nesting') throw limitExceeded('JSON nesting (arrays and objects) in a filter value', 'jsonDepth');
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function list(t: JsonTarget, op: string, arg: Json): Json[] {
  if (!Array.isArray(arg) || arg.length === 0) throw badRequest(`filter on column [${t.name}]: ${op} takes a non-empty array`);
  return arg;
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
