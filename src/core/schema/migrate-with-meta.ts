import type { BranchContext, DatabaseService } from '../databases.js';
import { StrataError } from '../errors.js';
import type { IdKind } from '../model/table-model.js';
import type { TableMeta } from '../model/table-meta.js';
import { applyMigration } from './apply-migration.js';
import type { MigrationOp } from './migration-ops.js';

/**
 * Schema edits and a table's catalog metadata in ONE transaction: the migration (if any) is
 * applied, then the table's metadata is rewritten from the catalog as it now stands, so a
 * failure anywhere leaves both unchanged. `table` names the table after the edits.
 */
export async function migrateWithMeta(
  databases: DatabaseService, ctx: BranchContext, ops: MigrationOp[], table: string,
  meta: (current: TableMeta | undefined) => TableMeta, options: { idKind?: IdKind } = {},
): Promise<void> {
  try {
    await ctx.store.transaction(async (tx) => {
      if (ops.length > 0) await applyMigration(tx, ops, options);
      // Locked here when no migration locked the catalog already.
      const catalog = await tx.loadCatalog(ops.length === 0);
      const record = catalog.tables.find((t) => t.name === table);
      if (!record) throw new StrataError('NOT_FOUND', `table [${table}] not found`);
      await tx.saveTableRecord({ ...record, meta: meta(record.meta) });
    });
  } finally {
    databases.schemaChanged(ctx.branch.id);
  }
}
