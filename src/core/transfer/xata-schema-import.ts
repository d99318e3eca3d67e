import { StrataError } from '../../kernel/errors.js';
import type { BranchContext } from '../databases.js';
import type { SchemaService } from '../schema/schema-service.js';
import type { MigrationOp } from '../schema/migration-ops.js';

/**
 * The schema `xata schema dump` writes (`{tables: [{name, columns}]}`, what GET /db/{db}:{branch}
 * answers) → the tables and columns a branch lacks. Only additions are applied: an import
 * never drops or changes what is there. Xata's PostgreSQL-era dumps list the metadata columns
 * (`xata_id`, `xata_version`, `xata_createdat`, `xata_updatedat`): Strata has its own, so they are left out.
 */
export async function applyXataSchema(schema: SchemaService, ctx: BranchContext, dump: unknown): Promise<{ added: MigrationOp[]; skipped: MigrationOp[] }> {
  const tables = (dump as { tables?: unknown } | null)?.tables ?? (dump as { schema?: { tables?: unknown } } | null)?.schema?.tables;
  if (!Array.isArray(tables)) throw new StrataError('BAD_REQUEST', 'the schema file must hold {"tables": [...]} as `xata schema dump` writes it');
  const cleaned = tables.map((t: { name?: unknown; columns?: unknown }) => ({
    ...t,
    columns: Array.isArray(t.columns) ? t.columns.filter((c: { name?: unknown }) => typeof c?.name !== 'string' || !(c.name === 'id' || /^xata[._]/i.test(c.name))) : t.columns,
  }));
  const current = await schema.tables(ctx);
  // Tables of the branch the dump does not list are kept out of the comparison (never removed).
  const listed = new Set(cleaned.map((t) => t.name));
  const target = { tables: [...current.filter((t) => !listed.has(t.name)), ...cleaned] };
  const { edits } = await schema.compare(ctx, target);
  const added: MigrationOp[] = edits.operations.filter((op) => 'addTable' in op || 'addColumn' in op);
  const skipped = edits.operations.filter((op) => !added.includes(op));
  if (added.length) await schema.migrate(ctx, added);
  return { added, skipped };
}
