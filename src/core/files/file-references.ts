import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchReader, SystemStore } from '../ports/storage.js';
import type { BranchContext, DatabaseService } from '../databases.js';
import { blobKeysOf, fileLeaves } from './file-write.js';

/**
 * Reading file references a page of rows at a time (keyset on the id, so each page is an index
 * range and no page is skipped or read twice), for the scans that touch a whole table: gc, and
 * the drops that release a table's or column's blobs. No caller holds a whole table.
 */
export const REFERENCE_PAGE_ROWS = 1000;

/** Pages of `[id, ...values of leaves]` rows, in id order. */
export async function* rowPages(reader: BranchReader, table: TableModel, leaves: LeafColumn[], pageRows = REFERENCE_PAGE_ROWS): AsyncIterable<unknown[][]> {
  const id = { tableAlias: 't0', column: 'id' as const };
  let last: unknown;
  for (;;) {
    const rows = await reader.select({
      table, joins: [], fields: [id, ...leaves.map((leaf) => ({ tableAlias: 't0', column: leaf }))],
      ...(last === undefined ? {} : { where: { kind: 'compare', field: { kind: 'column', ...id }, op: '>', value: last } }),
      orderBy: [{ field: id, direction: 'asc', nulls: 'any' }], limit: pageRows,
    });
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    last = rows[rows.length - 1]![0];
  }
}

/**
 * The blob keys held by these file columns (every file column of the table by default), a page
 * at a time. Library files referenced by Xano columns carry no blob key: the library owns them.
 */
export async function* blobKeyPages(reader: BranchReader, table: TableModel, leaves = fileLeaves(table), pageRows = REFERENCE_PAGE_ROWS): AsyncIterable<string[]> {
  if (leaves.length === 0) return;
  for await (const rows of rowPages(reader, table, leaves, pageRows)) {
    yield rows.flatMap((row) => row.slice(1).flatMap(blobKeysOf));
  }
}

/** Appends the blob keys of these file columns to `into` (a drop about to lose them). */
export async function collectBlobKeys(reader: BranchReader, table: TableModel, into: string[], leaves = fileLeaves(table)): Promise<void> {
  for await (const keys of blobKeyPages(reader, table, leaves)) into.push(...keys);
}

/** Every table of every branch of one database, or of all of them: what the whole-instance scans walk. */
export async function* everyTable(databases: DatabaseService, system: SystemStore, databaseId?: number): AsyncIterable<{ ctx: BranchContext; table: TableModel }> {
  for (const database of await system.listDatabases()) {
    if (databaseId !== undefined && database.id !== databaseId) continue;
    for (const branch of await system.listBranches(database.id)) {
      const ctx = await databases.resolve(database.name, branch.name);
      for (const table of (await ctx.schema()).tables.values()) yield { ctx, table };
    }
  }
}
