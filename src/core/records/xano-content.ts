import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import { FieldPaths } from '../query/field-paths.js';
import type { Filter } from '../../kernel/plans/filter-ast.js';
import type { SortKey } from '../../kernel/plans/select-plan.js';
import { withNullOrder } from '../query/sort-keys.js';
import { parseXanoSearch, parseXanoSort } from '../query/xano-search.js';
import { buildProjection, materialize, type RecordFormat } from './projection.js';
import { parseRecordInput } from './record-input.js';
import type { BranchReader } from '../ports/storage.js';
import { createRecord, deleteRecord, patchRecord, readRecord, readWritten, recordNotFound, storageId, type RecordKey, type WriteScope } from './record-write.js';
import { fromXanoRecord } from './xano-record-input.js';
import { runWrite } from './write-transaction.js';

/**
 * The Metadata API's records (`/workspace/{ws}/table/{t}/content…`): tables by id, records
 * in Xano's dialect, searches in either Xano format. Reads and single-record writes live
 * here; writes of many records in xano-bulk.ts. Every write runs the shared write rules
 * (record-write.ts), so both APIs validate, default, hash and link alike.
 */
export interface ContentQuery { page: number; perPage: number; search?: unknown; sort?: unknown }
export interface ContentPage { records: Array<Record<string, unknown>>; total: number }

export function tableById(schema: BranchSchema, id: number): TableModel {
  const table = schema.ordered().find((t) => t.id === id);
  if (!table) throw new StrataError('NOT_FOUND', `table [${id}] not found`, { param: 'table_id' });
  return table;
}

/** The search as a filter (with the joins its link paths need) against a schema. */
export function searchFilter(schema: BranchSchema, table: TableModel, search: unknown): { where: Filter; paths: FieldPaths } {
  const paths = new FieldPaths(schema, table);
  return { where: parseXanoSearch(search, paths), paths };
}

/** Ids of the records a search matches, in id order (inside a write, through its transaction). */
export async function matchingIds(reader: BranchReader, schema: BranchSchema, table: TableModel, search: unknown): Promise<RecordKey[]> {
  const { where, paths } = searchFilter(schema, table, search);
  const rows = await reader.select({
    table, joins: paths.joins, fields: [{ tableAlias: 't0', column: 'id' }], where,
    orderBy: [{ field: { tableAlias: 't0', column: 'id' }, direction: 'asc', nulls: 'any' }],
  });
  return rows.map((row) => row[0] as RecordKey);
}

/**
 * Xano shows every column of a record, in schema order after the id, `null` where there is
 * no value (Strata leaves missing values out); password columns never appear (the format
 * drops them).
 */
export function withAllColumns(table: TableModel, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id };
  for (const leaf of table.leaves) {
    if (leaf.xano?.type === 'password') continue;
    const parts = leaf.path.split('.');
    let source: unknown = record;
    let target = out;
    for (const part of parts.slice(0, -1)) {
      source = (source as Record<string, unknown> | undefined)?.[part];
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    target[last] = (source as Record<string, unknown> | undefined)?.[last] ?? null;
  }
  return out;
}

export class XanoContentService {
  /** One page of records matching a search, in the sort's order (then by id), and how many match. */
  async page(ctx: BranchContext, tableId: number, query: ContentQuery, format: RecordFormat): Promise<ContentPage> {
    const schema = await ctx.schema();
    const table = tableById(schema, tableId);
    const { where, paths } = searchFilter(schema, table, query.search);
    const keys: SortKey[] = [...parseXanoSort(query.sort, paths), { field: { tableAlias: 't0', column: 'id' }, direction: 'asc' }];
    const projection = buildProjection(schema, table, undefined);
    const rows = await ctx.store.select({
      ...projection.plan, joins: [...projection.plan.joins, ...paths.joins], where,
      orderBy: withNullOrder(keys, where), limit: query.perPage, offset: (query.page - 1) * query.perPage,
    });
    const [count] = await ctx.store.group({ table, joins: paths.joins, where, keys: [], measures: [{ name: 'total', measure: { kind: 'count' } }] });
    return { records: rows.map((row) => withAllColumns(table, materialize(projection.root, row, format))), total: Number(count?.[0] ?? 0) };
  }

  async get(ctx: BranchContext, tableId: number, id: string, format: RecordFormat): Promise<Record<string, unknown>> {
    const schema = await ctx.schema();
    const table = tableById(schema, tableId);
    const key = storageId(table, id);
    const record = key === undefined ? undefined : await readRecord(ctx.store, schema, table, key, { format });
    if (!record) throw recordNotFound(id);
    return withAllColumns(table, record);
  }

  /** A new record; Xano assigns the id (an `id` in the body is ignored). */
  create(ctx: BranchContext, tableId: number, body: unknown, format: RecordFormat): Promise<Record<string, unknown>> {
    return this.write(ctx, tableId, async (w, table) => {
      const key = await createRecord(w, table, parseRecordInput(table, fromXanoRecord(table, body, { keepId: false }), { allowOperators: false }));
      return withAllColumns(table, await readWritten(w, table, key, { format }));
    });
  }

  /** PUT: a partial update (only the columns given change); the whole record comes back. */
  update(ctx: BranchContext, tableId: number, id: string, body: unknown, format: RecordFormat): Promise<Record<string, unknown>> {
    return this.write(ctx, tableId, async (w, table) => {
      const key = storageId(table, id);
      await patchRecord(w, table, id, key, parseRecordInput(table, fromXanoRecord(table, body, { keepId: false }), { allowOperators: false }), { upsert: false });
      return withAllColumns(table, await readWritten(w, table, key!, { format }));
    });
  }

  /** Deletes a record (links to it become null); a missing record is a 404. */
  remove(ctx: BranchContext, tableId: number, id: string): Promise<void> {
    return this.write(ctx, tableId, async (w, table) => {
      const key = storageId(table, id);
      if (key === undefined || !(await deleteRecord(w, table, key))) throw recordNotFound(id);
    });
  }

  /** A missing table is a 404 before a transaction is opened for it. */
  private async write<T>(ctx: BranchContext, tableId: number, fn: (w: WriteScope, table: TableModel) => Promise<T>): Promise<T> {
    tableById(await ctx.schema(), tableId);
    return runWrite(ctx, (w) => fn(w, tableById(w.schema, tableId)));
  }
}
