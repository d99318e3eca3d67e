import type { Filter } from '../../kernel/plans/filter-ast.js';
import type { FieldPaths } from './field-paths.js';
import { chain, condition, parseOp, searchError, searchTarget, timestampOf } from './xano-search-ops.js';
import type { FilterBudget } from './filter-budget.js';

/**
 * Xano search format B: an array of statements and groups.
 *   statement: `{type: "statement", or?, left: {tag: "col", operand}, op, right: {tag?, operand}}`
 *              (inside groups the docs wrap left/op/right in `statement: {…}`; both are accepted)
 *   group:     `{type: "group", or?, group: {expression: [items…]}}` (groups nest)
 * `or: true` joins the item to the previous one with OR (SQL precedence, see chain). The
 * right operand's tag says how to read it (`const`, `const:text`, `const:int`,
 * `const:decimal`, `const:bool`, `const:date`); the value is then checked against the
 * column's type. Operand `filters` (Xano expression filters) are not supported: an enabled
 * one is a 400 rather than a silently different search.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const TAGS = new Set(['const', 'const:text', 'const:int', 'const:decimal', 'const:bool', 'const:date']);

/** Format B is recognised by its items' `type` (statement or group). */
export function isXanoSearchB(input: unknown): boolean {
  const items = Array.isArray(input) ? input : [input];
  return items.some((item) => isObject(item) && (item.type === 'statement' || item.type === 'group'));
}

export function parseXanoSearchB(input: unknown, paths: FieldPaths, budget: FilterBudget): Filter {
  return expression(Array.isArray(input) ? input : [input], paths, budget, 1, 'search', Array.isArray(input));
}

/** Items `depth` levels deep (1 = the top level); a group's items are one level deeper. */
function expression(items: unknown[], paths: FieldPaths, budget: FilterBudget, depth: number, at: string, indexed = true): Filter {
  budget.enter(depth, at);
  budget.width(items.length, at);
  return chain(items.map((item, i) => {
    const param = indexed ? `${at}.${i}` : at;
    budget.node(param);
    if (!isObject(item)) throw searchError(param, 'search: each item is a statement or a group object');
    if (item.or !== undefined && typeof item.or !== 'boolean') throw searchError(`${param}.or`, 'search: or must be true or false');
    const or = item.or === true;
    if (item.type === 'group') {
      const group = item.group;
      if (!isObject(group) || !Array.isArray(group.expression)) throw searchError(`${param}.group.expression`, 'search: a group needs group.expression (an array)');
      return { or, filter: expression(group.expression, paths, budget, depth + 1, `${param}.group.expression`) };
    }
    if (item.type !== 'statement') throw searchError(`${param}.type`, 'search: type must be "statement" or "group"');
    const wrapped = isObject(item.statement);
    return { or, filter: statement(wrapped ? item.statement as Json : item, paths, budget, wrapped ? `${param}.statement` : param) };
  }));
}

function statement(s: Json, paths: FieldPaths, budget: FilterBudget, at: string): Filter {
  const left = s.left;
  const right = s.right;
  if (!isObject(left) || (left.tag !== undefined && left.tag !== 'col')) throw searchError(`${at}.left`, 'search: left must be a column {"tag": "col", "operand": "name"}');
  if (!isObject(right)) throw searchError(`${at}.right`, 'search: right must be a value {"tag": "const", "operand": …}');
  noFilters(left, `${at}.left`);
  noFilters(right, `${at}.right`);
  const target = searchTarget(paths, left.operand, `${at}.left.operand`);
  const op = parseOp(s.op, `${at}.op`);
  const param = `${at}.right.operand`;
  const read = (v: unknown, p: string) => tagged(right.tag, v, p, `${at}.right.tag`);
  if (Array.isArray(right.operand)) budget.list(right.operand.length, param);
  const value = Array.isArray(right.operand) ? right.operand.map((v, i) => read(v, `${param}.${i}`)) : read(right.operand, param);
  return condition(target, op, value, param, budget, Array.isArray(right.operand));
}

function noFilters(operand: Json, at: string): void {
  const filters = operand.filters;
  if (filters === undefined || filters === null) return;
  if (!Array.isArray(filters)) throw searchError(`${at}.filters`, 'search: filters must be an array');
  if (filters.some((f) => !isObject(f) || f.disabled !== true)) throw searchError(`${at}.filters`, 'search: operand filters are not supported');
}

/** An operand read as its tag says; the column's type check follows in condition(). */
function tagged(tag: unknown, v: unknown, param: string, tagParam: string): unknown {
  if (tag !== undefined && !(typeof tag === 'string' && TAGS.has(tag))) throw searchError(tagParam, `search: unknown tag [${String(tag)}]; use one of ${[...TAGS].join(', ')}`);
  if (v === null || tag === undefined || tag === 'const' || tag === 'const:text') return v;
  const bad = (expected: string) => searchError(param, `search: ${String(tag)} expects ${expected}, got ${JSON.stringify(v)}`);
  switch (tag) {
    case 'const:int': {
      const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
      throw bad('an integer');
    }
    case 'const:decimal': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw bad('a number');
    }
    case 'const:bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw bad('true or false');
    default: // const:date: a date or timestamp, compared with timestamp columns as epoch ms and with date columns as text
      if (timestampOf(v) === undefined) throw bad('a date (YYYY-MM-DD), an RFC 3339 timestamp or epoch milliseconds');
      return v;
  }
}
