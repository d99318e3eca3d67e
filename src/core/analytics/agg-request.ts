import { badRequest } from '../../kernel/errors.js';
import type { Filter } from '../../kernel/plans/filter-ast.js';
import type { FieldPaths } from '../query/field-paths.js';
import type { PlanField } from '../../kernel/plans/select-plan.js';
import { parseXataFilter } from '../query/xata-filter.js';
import type { FilterBudget } from '../query/filter-budget.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';
import { parseDateBucketing, type DateBucketing } from './date-buckets.js';
import { expectType, NUMERIC, resolveTyped, type FieldType } from './field-types.js';

/**
 * Xata's `aggs` (AggExpressionMap) → a tree of aggregations, every column resolved and
 * type-checked, every option validated: a bad request is a 400 naming the aggregation.
 */
export type MetricNode =
  | { kind: 'count' }
  | { kind: 'countIf'; filter: Filter }
  | { kind: 'sum' | 'min' | 'max' | 'average' | 'uniqueCount'; field: PlanField }
  | { kind: 'percentiles'; field: PlanField; percentiles: number[] };

export type BucketNode =
  | { kind: 'topValues'; field: PlanField; element: boolean; size: number; keyOf: (value: unknown) => string | number; aggs: AggMap }
  | { kind: 'dateHistogram'; field: PlanField; dates: DateBucketing; aggs: AggMap }
  | { kind: 'numericHistogram'; field: PlanField; interval: number; offset: number; aggs: AggMap };

export type AggNode = MetricNode | BucketNode;
export type AggMap = Array<{ name: string; node: AggNode }>;

export const isBucket = (node: AggNode): node is BucketNode =>
  node.kind === 'topValues' || node.kind === 'dateHistogram' || node.kind === 'numericHistogram';

const MAX_DEPTH = 5;
const MAX_TOP_VALUES = 1000;
const MAX_PERCENTILES = 100;
const TOP_VALUE_TYPES: readonly FieldType[] = ['string', 'text', 'email', 'int', 'float', 'bool', 'link', 'id', 'multiple'];
const DISTINCT_TYPES: readonly FieldType[] = ['string', 'text', 'email', 'int', 'float', 'bool', 'datetime', 'link', 'id'];

type Json = Record<string, unknown>;

/** `filters` is the request's filter budget: the aggregations' filters share it with the request's own. */
export function parseAggs(input: unknown, paths: FieldPaths, filters: FilterBudget, depth = 0, budget: { left: number } = { left: REQUEST_LIMITS.aggregations }): AggMap {
  if (!isObject(input)) throw badRequest('aggs must be an object of named aggregations');
  if (depth >= MAX_DEPTH) throw badRequest(`aggs: sub-aggregations nest ${MAX_DEPTH} levels deep at most`);
  const out: AggMap = [];
  for (const [name, spec] of Object.entries(input)) {
    const where = `aggregation [${name}]`;
    if (name === '' || name.startsWith('$') || name.length > 255) throw badRequest(`${where}: names must be 1 to 255 characters and not start with $`);
    if (--budget.left < 0) throw limitExceeded('aggregations in one request (sub-aggregations included)', 'aggregations');
    if (!isObject(spec) || Object.keys(spec).length !== 1) throw badRequest(`${where}: must be an object with exactly one aggregation, such as {"count": "*"}`);
    const [type, args] = Object.entries(spec)[0]!;
    out.push({ name, node: parseNode(type, args, `${where} (${type})`, paths, filters, depth, budget) });
  }
  return out;
}

function parseNode(type: string, args: unknown, where: string, paths: FieldPaths, filters: FilterBudget, depth: number, budget: { left: number }): AggNode {
  if (type === 'count') {
    if (args === '*') return { kind: 'count' };
    const a = options(args, ['filter'], where, '"*" or {"filter": …}');
    return a.filter === undefined ? { kind: 'count' } : { kind: 'countIf', filter: parseXataFilter(a.filter, paths, filters) };
  }
  const sub = (a: Json) => (a.aggs === undefined ? [] : parseAggs(a.aggs, paths, filters, depth + 1, budget));
  switch (type) {
    case 'sum': case 'average': case 'min': case 'max': {
      const a = options(args, ['column'], where);
      // min/max of a datetime answer epoch milliseconds (aggregation results are numbers).
      const types = type === 'min' || type === 'max' ? [...NUMERIC, 'datetime' as const] : NUMERIC;
      return { kind: type, field: expectType(resolveTyped(paths, a.column, where), types, where, `${type} needs a numeric column`).field };
    }
    case 'uniqueCount': {
      const a = options(args, ['column', 'precisionThreshold'], where);
      // Counted exactly (COUNT DISTINCT): the threshold of Xata's estimate is accepted and not needed.
      if (a.precisionThreshold !== undefined && !(Number.isInteger(a.precisionThreshold) && (a.precisionThreshold as number) >= 0 && (a.precisionThreshold as number) <= 40000)) {
        throw badRequest(`${where}: precisionThreshold must be an integer from 0 to 40000`);
      }
      return { kind: 'uniqueCount', field: expectType(resolveTyped(paths, a.column, where), DISTINCT_TYPES, where, 'uniqueCount needs a column of single values').field };
    }
    case 'percentiles': {
      const a = options(args, ['column', 'percentiles'], where);
      const list = a.percentiles;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PERCENTILES || !list.every((p) => typeof p === 'number' && p >= 0 && p <= 100)) {
        throw badRequest(`${where}: percentiles must be 1 to ${MAX_PERCENTILES} numbers from 0 to 100`);
      }
      const field = expectType(resolveTyped(paths, a.column, where), NUMERIC, where, 'percentiles need a numeric column').field;
      return { kind: 'percentiles', field, percentiles: [...new Set(list as number[])] };
    }
    case 'dateHistogram': {
      const a = options(args, ['column', 'interval', 'calendarInterval', 'timezone', 'aggs'], where);
      const field = expectType(resolveTyped(paths, a.column, where), ['datetime'], where, 'dateHistogram needs a datetime column').field;
      return { kind: 'dateHistogram', field, dates: parseDateBucketing(a, where), aggs: sub(a) };
    }
    case 'numericHistogram': {
      const a = options(args, ['column', 'interval', 'offset', 'aggs'], where);
      const field = expectType(resolveTyped(paths, a.column, where), NUMERIC, where, 'numericHistogram needs a numeric column').field;
      if (typeof a.interval !== 'number' || !Number.isFinite(a.interval) || a.interval <= 0) throw badRequest(`${where}: interval must be a number greater than 0`);
      if (a.offset !== undefined && (typeof a.offset !== 'number' || !Number.isFinite(a.offset))) throw badRequest(`${where}: offset must be a number`);
      return { kind: 'numericHistogram', field, interval: a.interval, offset: (a.offset as number | undefined) ?? 0, aggs: sub(a) };
    }
    case 'topValues': {
      const a = options(args, ['column', 'size', 'aggs'], where);
      const typed = expectType(resolveTyped(paths, a.column, where), TOP_VALUE_TYPES, where, 'topValues needs a string, email, number, bool, link or multiple column');
      const size = a.size ?? 10;
      if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > MAX_TOP_VALUES) throw badRequest(`${where}: size must be an integer from 1 to ${MAX_TOP_VALUES}`);
      return { kind: 'topValues', field: typed.field, element: typed.type === 'multiple', size: size as number, keyOf: keyFormat(typed.type), aggs: sub(a) };
    }
    default:
      throw badRequest(`${where}: unknown aggregation; use count, sum, min, max, average, percentiles, uniqueCount, dateHistogram, topValues or numericHistogram`);
  }
}

/** A bucket's `$key` is a string or a number; booleans read "true"/"false", as in Xata's search store. */
function keyFormat(type: FieldType): (value: unknown) => string | number {
  if (type === 'int' || type === 'float') return (v) => Number(v);
  if (type === 'bool') return (v) => (v ? 'true' : 'false');
  return (v) => String(v);
}

function options(args: unknown, allowed: string[], where: string, shape = `an object with ${allowed.join(', ')}`): Json {
  if (!isObject(args)) throw badRequest(`${where}: expected ${shape}`);
  const unknown = Object.keys(args).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw badRequest(`${where}: unknown option [${unknown}]`);
  return args;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
