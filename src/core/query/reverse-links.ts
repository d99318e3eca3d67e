import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { badRequest } from '../../kernel/errors.js';
import type { BranchReader } from '../ports/storage.js';
import { buildProjection, materialize, type Projection, type RecordFormat } from '../records/projection.js';
import { FieldPaths } from './field-paths.js';
import { parseXataSort } from './xata-sort.js';
import type { SortKey } from '../../kernel/plans/select-plan.js';

/**
 * Reverse links in a `columns` projection: `{"name": "<-posts.author", "columns": [...],
 * "as": "posts", "sort": [...], "limit": 20, "offset": 0}` returns, on each record, the
 * records of `posts` whose `author` links to it, as `{records: [...]}`. One query serves a
 * whole page: rows are numbered per parent (a window), so limit and offset apply per record.
 */
export interface ReverseLink {
  as: string;
  table: TableModel;
  column: LeafColumn;
  projection: Projection;
  sort: SortKey[];
  limit: number;
  offset: number;
  paths: FieldPaths;
}

const MAX_LIMIT = 1000;

export function isReverseLinkRequest(column: unknown): boolean {
  return (typeof column === 'string' && column.startsWith('<-')) || (typeof column === 'object' && column !== null);
}

export function parseReverseLink(schema: BranchSchema, parent: TableModel, request: unknown): ReverseLink {
  const config = (typeof request === 'string' ? { name: request } : request) as Record<string, unknown>;
  const name = config.name;
  if (typeof name !== 'string' || !name.startsWith('<-')) throw badRequest('a column projection object needs "name": "<-table.linkColumn"');
  const [tableName, ...rest] = name.slice(2).split('.');
  const columnPath = rest.join('.');
  const table = schema.tables.get(tableName ?? '');
  const column = table?.leaf(columnPath);
  if (!table || column?.type !== 'link' || column.link?.table !== parent.name) {
    throw badRequest(`column [${name}]: no link column [${columnPath}] in table [${tableName}] points to table [${parent.name}]`);
  }
  const as = config.as ?? `${table.name}${columnPath}`;
  if (typeof as !== 'string' || as === '' || as === 'id' || as === 'xata') throw badRequest(`column [${name}]: "as" must name a new field`);
  const limit = config.limit ?? 20;
  const offset = config.offset ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 0 || (limit as number) > MAX_LIMIT) throw badRequest(`column [${name}]: limit must be an integer from 0 to ${MAX_LIMIT}`);
  if (!Number.isInteger(offset) || (offset as number) < 0) throw badRequest(`column [${name}]: offset must be a non-negative integer`);
  if (config.columns !== undefined && (!Array.isArray(config.columns) || !config.columns.every((c) => typeof c === 'string'))) {
    throw badRequest(`column [${name}]: columns must be an array of column names`);
  }
  const paths = new FieldPaths(schema, table);
  const sort = config.sort !== undefined ? parseXataSort(config.sort, paths) : [];
  return {
    as, table, column, paths, sort, limit: limit as number, offset: offset as number,
    projection: buildProjection(schema, table, config.columns as string[] | undefined),
  };
}

/** Adds `{records}` under `link.as` to each parent record (keyed by the parents' raw ids). */
export async function attachReverseLink(reader: BranchReader, link: ReverseLink, parents: Map<unknown, Record<string, unknown>>, format: RecordFormat): Promise<void> {
  for (const record of parents.values()) record[link.as] = { records: [] };
  if (parents.size === 0 || link.limit === 0) return;
  const base = link.projection.plan;
  const linkField = { tableAlias: 't0', column: link.column };
  const parentIndex = base.fields.length;
  const rows = await reader.select({
    table: link.table,
    joins: [...base.joins, ...link.paths.joins],
    fields: [...base.fields, linkField],
    where: { kind: 'in', field: { kind: 'column', ...linkField }, values: [...parents.keys()] },
    orderBy: [...link.sort, { field: { tableAlias: 't0', column: 'id' }, direction: 'asc' }],
    partitionBy: linkField,
    limit: link.limit,
    offset: link.offset,
  });
  for (const row of rows) {
    const parent = parents.get(row[parentIndex]);
    (parent?.[link.as] as { records: unknown[] } | undefined)?.records.push(materialize(link.projection.root, row, format));
  }
}
