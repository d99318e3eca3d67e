import type { BranchTx } from '../ports/storage.js';
import { usesColumn } from '../../kernel/model/table-index.js';
import { TableModel, type TableRecord } from '../../kernel/model/table-model.js';

/**
 * How a table's Metadata API indexes follow schema changes, inside the migration's
 * transaction (apply-migration.ts). The engine indexes follow renames by themselves; the
 * catalog's field names are rewritten here. Removing a column drops every index that uses it
 * (as PostgreSQL itself does), in the engine and in the catalog: refusing would make
 * `PUT …/schema` and the data API's column removal depend on indexes they cannot see.
 */
export function renameIndexFields(table: TableRecord, from: string, to: string): void {
  for (const index of table.meta?.index ?? []) {
    for (const field of index.fields) {
      if (field.name === from || field.name.startsWith(`${from}.`)) field.name = to + field.name.slice(from.length);
    }
  }
}

/** Before the column at `path` (or an object's columns under it) is dropped. */
export async function dropIndexesUsing(tx: BranchTx, table: TableRecord, path: string): Promise<void> {
  const indexes = table.meta?.index;
  if (!indexes?.some((index) => usesColumn(index, path))) return;
  const model = new TableModel(table);
  for (const index of indexes) if (usesColumn(index, path)) await tx.dropIndex(model, index);
  table.meta = { ...table.meta, index: indexes.filter((index) => !usesColumn(index, path)) };
}

/** Before a table is dropped: SQL indexes go with it, but an engine may keep some apart (SQLite's FTS tables). */
export async function dropTableIndexes(tx: BranchTx, table: TableRecord): Promise<void> {
  const model = new TableModel(table);
  for (const index of table.meta?.index ?? []) if (index.type === 'search') await tx.dropIndex(model, index);
}
