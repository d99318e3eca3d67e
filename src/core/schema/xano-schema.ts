import type { BranchContext, DatabaseService } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import type { XanoType } from '../../kernel/model/xano-column.js';
import type { MigrationOp } from './migration-ops.js';
import { migrateWithMeta } from './migrate-with-meta.js';
import { xanoColumnDefinition } from './xano-column-input.js';
import { replacement } from './xano-column-replace.js';
import { describeColumn, describeSchema, findDefinition, orderedColumns, type XanoDescriptor } from './xano-column-output.js';
import type { TableMeta } from '../../kernel/model/table-meta.js';
import { isDeepStrictEqual } from 'node:util';
import { schemaColumns, tablesById, type XanoTableService } from './xano-tables.js';

/**
 * A table's columns through the Metadata API. Every change is a migration (the data API's
 * log shows it) applied with the table's `updated_at` in one transaction; `PUT …/schema`
 * replaces the whole schema as ONE migration, so a bad column leaves everything unchanged.
 */
const idColumn = (param: string) => new StrataError('BAD_REQUEST', 'the id column is the table\'s own id: it cannot be changed', { param });
const touch = (meta: object | undefined) => ({ ...meta, updatedAt: new Date().toISOString() });

export class XanoSchemaService {
  constructor(private readonly databases: DatabaseService, private readonly tables: XanoTableService) {}

  async describe(ctx: BranchContext, tableId: number): Promise<XanoDescriptor[]> {
    return describeSchema(await this.tables.get(ctx, tableId), await ctx.schema());
  }

  async column(ctx: BranchContext, tableId: number, name: string): Promise<XanoDescriptor> {
    const table = await this.tables.get(ctx, tableId);
    if (name === 'id') return describeSchema(table, await ctx.schema())[0]!;
    const column = findDefinition(table.definitions, name.split('.'));
    if (!column) throw new StrataError('NOT_FOUND', `column [${name}] not found in table [${table.name}]`, { param: 'schema_name' });
    return describeColumn(column, await ctx.schema());
  }

  async add(ctx: BranchContext, tableId: number, type: XanoType, body: unknown): Promise<{ name: string }> {
    const table = await this.tables.get(ctx, tableId);
    const column = xanoColumnDefinition(body, tablesById((await ctx.schema()).tables.values()), type);
    await migrateWithMeta(this.databases, ctx, [{ addColumn: { table: table.name, column } }], table.name, touch);
    return { name: column.name };
  }

  /** Replaces every column: new ones are added, missing ones removed, changed options updated in place. */
  async replace(ctx: BranchContext, tableId: number, input: unknown): Promise<XanoDescriptor[]> {
    const table = await this.tables.get(ctx, tableId);
    const schema = await ctx.schema();
    const wanted = schemaColumns(input, tablesById(schema.tables.values()), table.idKind);
    const ops: MigrationOp[] = [];
    for (const current of table.definitions) {
      if (!wanted.some((w) => w.name === current.name)) ops.push({ removeColumn: { table: table.name, column: current.name } });
    }
    for (const column of wanted) {
      const current = table.definitions.find((c) => c.name === column.name);
      if (!current) ops.push({ addColumn: { table: table.name, column } });
      else {
        // Type changes are refused by the migration (alterColumn changes options only).
        const definition = replacement(current, column, schema);
        if (definition) ops.push({ alterColumn: { table: table.name, column: column.name, definition } });
      }
    }
    // The same schema changes nothing, not even the table's updated_at.
    const order = wanted.map((c) => c.name);
    const reordered = !isDeepStrictEqual(orderedColumns(table).map((c) => c.name), order);
    if (ops.length > 0 || reordered) await migrateWithMeta(this.databases, ctx, ops, table.name, (meta) => ({ ...touch(meta), columnOrder: order }));
    return this.describe(ctx, tableId);
  }

  async rename(ctx: BranchContext, tableId: number, oldName: string, newName: string): Promise<void> {
    const table = await this.tables.get(ctx, tableId);
    if (oldName === 'id') throw idColumn('old_name');
    if (newName === 'id') throw new StrataError('BAD_REQUEST', 'id is the table\'s own id column', { param: 'new_name' });
    if (!findDefinition(table.definitions, oldName.split('.'))) throw new StrataError('NOT_FOUND', `column [${oldName}] not found in table [${table.name}]`, { param: 'old_name' });
    // A renamed column keeps its place in the order PUT …/schema gave.
    const renamed = (meta: TableMeta | undefined) => ({ ...touch(meta), ...(meta?.columnOrder ? { columnOrder: meta.columnOrder.map((n) => (n === oldName ? newName : n)) } : {}) });
    await migrateWithMeta(this.databases, ctx, [{ renameColumn: { table: table.name, oldName, newName } }], table.name, renamed);
  }

  async remove(ctx: BranchContext, tableId: number, name: string): Promise<void> {
    const table = await this.tables.get(ctx, tableId);
    if (name === 'id') throw idColumn('schema_name');
    if (!findDefinition(table.definitions, name.split('.'))) throw new StrataError('NOT_FOUND', `column [${name}] not found in table [${table.name}]`, { param: 'schema_name' });
    await migrateWithMeta(this.databases, ctx, [{ removeColumn: { table: table.name, column: name } }], table.name, touch);
  }
}
