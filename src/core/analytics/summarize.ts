import { badRequest, StrataError } from '../../kernel/errors.js';
import type { ColumnType, LeafColumn } from '../../kernel/model/column-types.js';
import { TableModel, type BranchSchema } from '../../kernel/model/table-model.js';
import type { RecordFormat } from '../records/projection.js';
import { FieldPaths, linkPrefix, type PathResolver } from '../query/field-paths.js';
import type { Filter } from '../../kernel/plans/filter-ast.js';
import { parseXataFilter } from '../query/xata-filter.js';
import { FilterBudget } from '../query/filter-budget.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';
import type { BranchReader } from '../ports/storage.js';
import { expectType, NUMERIC, resolveTyped, type FieldType, type TypedField } from './field-types.js';
import { groupKeyColumn, type GroupOrder, type Measure } from '../../kernel/plans/group-plan.js';

/**
 * `POST /tables/{t}/summarize`: group by `columns` (link sub-columns and nulls included),
 * compute `summaries` per group, keep the groups `summariesFilter` accepts, sort by group
 * columns or summary names, return one page. One grouped query; `summariesFilter` is a
 * Xata filter over the summary names and group columns, compiled by the same filter compiler as `filter`.
 */
export interface SummarizeRequest { columns?: unknown; summaries?: unknown; filter?: unknown; summariesFilter?: unknown; sort?: unknown; page?: { size?: number } }

interface Summary { name: string; op: 'count' | 'min' | 'max' | 'sum' | 'average'; field?: TypedField; type: ColumnType }

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;
const GROUP_TYPES: readonly FieldType[] = ['string', 'text', 'email', 'int', 'float', 'bool', 'datetime', 'link', 'multiple', 'json'];
const ORDERED_TYPES: readonly FieldType[] = ['string', 'text', 'email', 'int', 'float', 'datetime'];
const SUMMARY_NAME = /^[a-zA-Z0-9_\-~.]{1,63}$/;
const OPS: Record<string, Summary['op']> = { count: 'count', min: 'min', max: 'max', sum: 'sum', average: 'average', avg: 'average' };

export async function summarize(reader: BranchReader, schema: BranchSchema, table: TableModel, body: SummarizeRequest, format: RecordFormat): Promise<{ summaries: Array<Record<string, unknown>> }> {
  const paths = new FieldPaths(schema, table);
  const groups = expandColumns(schema, table, body.columns).map((path) => {
    const where = `summarize column [${path}]`;
    const field = resolveTyped(paths, path, where);
    if (field.system) throw badRequest(`${where}: internal columns (id, xata.*) cannot be grouped by`);
    return expectType(field, GROUP_TYPES, where, 'vector and file columns cannot be grouped by');
  });
  const summaries = parseSummaries(body.summaries, paths, groups);
  if (groups.length === 0 && summaries.length === 0) throw badRequest('summarize needs columns to group by, summaries, or both');
  const size = body.page?.size ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badRequest(`page.size must be an integer from 1 to ${MAX_PAGE_SIZE}`);

  const filters = new FilterBudget();
  const where = body.filter !== undefined && body.filter !== null ? parseXataFilter(body.filter, paths, filters) : undefined;
  const having = body.summariesFilter !== undefined && body.summariesFilter !== null ? parseSummariesFilter(schema, groups, summaries, body.summariesFilter, filters) : undefined;
  const rows = await reader.group({
    table, joins: paths.joins, ...(where ? { where } : {}), ...(having ? { having } : {}),
    keys: groups.map((g) => ({ kind: 'value', field: g.field })),
    measures: summaries.map((s) => ({ name: s.name, measure: measureOf(s) })),
    orderBy: parseSort(body.sort, groups, summaries),
    limit: size,
  });
  return {
    summaries: rows.map((row) => {
      const out: Record<string, unknown> = {};
      groups.forEach((g, i) => setPath(out, g.path, row[i] === null ? null : g.type === 'link' ? format.linkId(row[i]) : formatValue(g, row[i], format)));
      summaries.forEach((s, j) => { out[s.name] = s.field && row[groups.length + j] !== null ? formatValue(s.field, row[groups.length + j], format) : row[groups.length + j]; });
      return out;
    }),
  };
}

function parseSummaries(input: unknown, paths: FieldPaths, groups: TypedField[]): Summary[] {
  if (input === undefined || input === null) return [];
  if (typeof input !== 'object' || Array.isArray(input)) throw badRequest('summaries must be an object: {"name": {"count": "*"}, …}');
  const taken = new Set(groups.map((g) => g.path.split('.')[0]));
  const entries = Object.entries(input);
  if (entries.length > REQUEST_LIMITS.summaries) throw limitExceeded('summaries in one request', 'summaries');
  return entries.map(([name, spec]) => {
    const where = `summary [${name}]`;
    if (!SUMMARY_NAME.test(name) || name === 'id' || name === 'xata') throw badRequest(`${where}: names are 1 to 63 letters, digits and _-~. (not id or xata)`);
    if (taken.has(name.split('.')[0])) throw badRequest(`${where}: the name collides with a group column`);
    const entries = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? Object.entries(spec) : [];
    const op = entries.length === 1 ? OPS[entries[0]![0]] : undefined;
    if (!op) throw badRequest(`${where}: must be one of {"count": "*"|column}, {"min"|"max"|"sum"|"average": column}`);
    const column = entries[0]![1];
    if (op === 'count' && column === '*') return { name, op, type: 'int' };
    const field = resolveTyped(paths, column, where);
    if (field.system) throw badRequest(`${where}: internal columns (id, xata.*) cannot be summarized`);
    if (op === 'count') return { name, op, field, type: 'int' };
    if (op === 'min' || op === 'max') {
      expectType(field, ORDERED_TYPES, where, `${op} needs a string, number or datetime column`);
      return { name, op, field, type: field.type as ColumnType };
    }
    expectType(field, NUMERIC, where, `${op} needs a numeric column`);
    return { name, op, field, type: op === 'sum' ? (field.type as ColumnType) : 'float' };
  });
}

function measureOf(s: Summary): Measure {
  if (!s.field) return { kind: 'count' };
  return s.op === 'count' ? { kind: 'countValues', field: s.field.field } : { kind: s.op, field: s.field.field };
}

/**
 * `summariesFilter` filters the groups: it names summaries (typed as their results) and
 * group columns (typed as the columns, `pet.type` too), which the grouped rows hold as
 * columns of their own; the filter language and its value checks are the usual ones.
 */
function parseSummariesFilter(schema: BranchSchema, groups: TypedField[], summaries: Summary[], input: unknown, budget: FilterBudget): Filter {
  const results = new TableModel({ id: 0, name: 'summaries', idKind: 'string', createdAt: '', columns: summaries.map((s) => ({ name: s.name, type: s.type })) });
  const summaryPaths = new FieldPaths(schema, results);
  const resolver: PathResolver = {
    resolve(path) {
      const key = groups.findIndex((g) => g.path === path);
      if (key >= 0) {
        const { field, resolved } = groups[key]!;
        const column = { ...(field.column as LeafColumn), path: groupKeyColumn(key) };
        return { ref: { kind: 'column', tableAlias: 't0', column }, table: results, ...(resolved.linkTarget ? { linkTarget: resolved.linkTarget } : {}) };
      }
      if (summaries.some((s) => s.name === path)) return summaryPaths.resolve(path);
      throw badRequest(`summariesFilter: [${path}] is neither a summary name nor a group column (use filter for other columns)`);
    },
  };
  return parseXataFilter(input, resolver, budget);
}

function parseSort(input: unknown, groups: TypedField[], summaries: Summary[]): GroupOrder[] {
  const order: GroupOrder[] = [];
  if (input !== undefined && input !== null) {
    for (const item of Array.isArray(input) ? input : [input]) {
      const entries = typeof item === 'string' ? [[item, 'asc']] : typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.entries(item) : [];
      if (order.length + entries.length > REQUEST_LIMITS.sortKeys) throw limitExceeded('sort keys', 'sortKeys');
      if (entries.length === 0) throw badRequest('sort must be {"column": "asc"|"desc"}, an array of them, or column names');
      for (const [name, direction] of entries) {
        if (direction !== 'asc' && direction !== 'desc') throw badRequest(`sort on [${name}]: direction must be "asc" or "desc"`);
        const key = groups.findIndex((g) => g.path === name);
        if (key >= 0) order.push({ key, direction });
        else if (summaries.some((s) => s.name === name)) order.push({ measure: name as string, direction });
        else throw badRequest(`sort on [${name}]: summarize sorts by its group columns and summary names`);
      }
    }
  }
  // The group columns break ties, so pages are stable.
  groups.forEach((_, key) => { if (!order.some((o) => 'key' in o && o.key === key)) order.push({ key, direction: 'asc' }); });
  return order;
}

/** `columns` with `*`, `object.*` and `link.*` expanded to the columns they stand for. */
function expandColumns(schema: BranchSchema, table: TableModel, columns: unknown): string[] {
  if (columns === undefined || columns === null) return [];
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string' && c !== '')) throw badRequest('columns must be an array of column names');
  const out = columns.flatMap((c: string) => (c === '*' ? groupable(table, '') : c.endsWith('.*') ? expandUnder(schema, table, c.slice(0, -2), '', c) : [c]));
  return [...new Set(out)];
}

function expandUnder(schema: BranchSchema, table: TableModel, path: string, prefix: string, original: string): string[] {
  if (table.isObject(path)) return table.leavesUnder(path).filter((l) => GROUP_TYPES.includes(l.type)).map((l) => prefix + l.path);
  const link = table.leaf(path)?.type === 'link' ? table.leaf(path) : linkPrefix(table, path);
  if (!link) throw new StrataError('UNKNOWN_COLUMN', `column [${original}] not found in table [${table.name}]`);
  const target = schema.tables.get(link.link!.table)!;
  const rest = path.slice(link.path.length + 1);
  const inner = prefix + link.path + '.';
  return rest === '' ? groupable(target, inner) : expandUnder(schema, target, rest, inner, original);
}

const groupable = (table: TableModel, prefix: string) => table.leaves.filter((l) => GROUP_TYPES.includes(l.type)).map((l) => prefix + l.path);

function formatValue(field: TypedField, value: unknown, format: RecordFormat): unknown {
  const column = field.resolved.ref.column;
  return typeof column === 'string' ? value : format.value(column, value);
}

/** Sets `a.b.c`, merging into objects already there (`team.name` and `team.city` share `team`). */
function setPath(out: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = out;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    target = (target[part] = isPlainObject(next) ? next : {}) as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  const existing = target[last];
  target[last] = isPlainObject(existing) && isPlainObject(value) ? { ...value, ...existing } : value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
