import type { BranchContext, DatabaseService } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import { TableModel, type IdKind } from '../../kernel/model/table-model.js';
import type { BranchTx } from '../ports/storage.js';
import type { TableMeta } from '../../kernel/model/table-meta.js';
import { applyMigration } from './apply-migration.js';
import { releaseAfterCommit } from '../files/file-effects.js';
import type { MigrationOp } from './migration-ops.js';

/**
 * Schema edits and a table's catalog metadata in ONE transaction: the migration (if any) is
 * applied, then the table's metadata is rewritten from the catalog as it now stands, so a
 * failure anywhere leaves both unchanged. `table` names the table after the edits; `within`
 * does more in the same transaction (building indexes) and may add to the metadata. Blobs of
 * file values the edits drop are deleted once it commits.
 */
export async function migrateWithMeta(
  databases: DatabaseService, ctx: BranchContext, ops: MigrationOp[], table: string,
  meta: (current: TableMeta | undefined) => TableMeta,
  options: { idKind?: IdKind; within?: (tx: BranchTx, table: TableModel) => Promise<Partial<TableMeta>> } = {},
): Promise<void> {
  try {
    await releaseAfterCommit(ctx.files, (released) => ctx.store.transaction(async (tx) => {
      if (ops.length > 0) await applyMigration(tx, ops, { ...options, released });
      // Locked here when no migration locked the catalog already.
      const catalog = await tx.loadCatalog(ops.length === 0);
      const record = catalog.tables.find((t) => t.name === table);
      if (!record) throw new StrataError('NOT_FOUND', `table [${table}] not found`);
      const more = options.within ? await options.within(tx, new TableModel(record)) : {};
      await tx.saveTableRecord({ ...record, meta: { ...meta(record.meta), ...more } });
    }));
  } finally {
    databases.schemaChanged(ctx.branch.id);
  }
}
