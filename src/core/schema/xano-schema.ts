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
import { checkAutocomplete, schemaColumns, tablesById, type TableCreateInput, type XanoTableService } from './xano-tables.js';
import { applyIndexChange, planIndexes } from './xano-indexes.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { assertTableName } from '../names.js';

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
    const { ops, order, reordered } = schemaChange(table, input, await ctx.schema());
    // The same schema changes nothing, not even the table's updated_at.
    if (ops.length > 0 || reordered) await migrateWithMeta(this.databases, ctx, ops, table.name, (meta) => ({ ...touch(meta), columnOrder: order }));
    return this.describe(ctx, tableId);
  }

  /**
   * A whole table replaced (2026's `PUT …/table/{id}`, JSON or XanoScript) in ONE transaction:
   * the schema as `replace` does it, the indexes as `PUT …/index` does, the name, description,
   * docs, tags, auth flag and autocomplete; a failure anywhere leaves the table as it was.
   * Fields left out (null) stay as they are; the guid never changes. What GET answers, PUT
   * back, writes nothing (updated_at included).
   */
  async replaceTable(ctx: BranchContext, tableId: number, input: Partial<TableCreateInput>): Promise<TableModel> {
    const table = await this.tables.get(ctx, tableId);
    const schema = await ctx.schema();
    const change = input.schema != null ? schemaChange(table, input.schema, schema) : { ops: [], order: undefined, reordered: false };
    const name = input.name ?? table.name;
    if (name !== table.name) {
      try { assertTableName(name); } catch (err) { throw new StrataError('BAD_REQUEST', (err as Error).message, { param: 'name' }); }
    }
    const ops: MigrationOp[] = [...change.ops, ...(name !== table.name ? [{ renameTable: { oldName: table.name, newName: name } }] : [])];
    const current: Record<string, unknown> = { description: '', docs: '', tag: [], auth: false, autocomplete: [], ...table.meta };
    const metaChanges: Partial<TableMeta> = {};
    for (const key of ['description', 'docs', 'tag', 'auth', 'autocomplete'] as const) if (input[key] != null) Object.assign(metaChanges, { [key]: input[key] });
    if (input.autocomplete != null) {
      const columns = input.schema != null ? schemaColumns(input.schema, tablesById(schema.tables.values()), table.idKind) : table.definitions;
      checkAutocomplete(input.autocomplete, columns);
    }
    // Indexes planned against the table as it stands, to know whether anything changes (and to refuse a bad one before any write).
    const indexChanges = input.index != null && (change.ops.length > 0 || indexesChange(planIndexes(table, input.index, 'index'), table));
    const metaChanged = Object.entries(metaChanges).some(([key, value]) => !isDeepStrictEqual(current[key], value));
    if (ops.length === 0 && !change.reordered && !indexChanges && !metaChanged) return table;
    await migrateWithMeta(this.databases, ctx, ops, name, (meta) => ({
      ...touch(meta), ...metaChanges, ...(change.order ? { columnOrder: change.order } : {}),
    }), {
      within: async (tx, migrated) => {
        if (input.index == null) return {};
        const plan = planIndexes(migrated, input.index, 'index');
        await applyIndexChange(tx, migrated, plan);
        return { index: plan.next };
      },
    });
    return this.tables.get(ctx, tableId);
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

/** The migration that makes a table's columns the ones `input` lists, and their order. */
function schemaChange(table: TableModel, input: unknown, schema: BranchSchema): { ops: MigrationOp[]; order: string[]; reordered: boolean } {
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
  const order = wanted.map((c) => c.name);
  return { ops, order, reordered: !isDeepStrictEqual(orderedColumns(table).map((c) => c.name), order) };
}

/** Whether an index plan changes the table's set (or its order). */
function indexesChange(plan: { drop: unknown[]; add: unknown[]; next: unknown[] }, table: TableModel): boolean {
  const current = table.meta?.index ?? [];
  return plan.drop.length > 0 || plan.add.length > 0 || plan.next.length !== current.length || plan.next.some((index, i) => index !== current[i]);
}
