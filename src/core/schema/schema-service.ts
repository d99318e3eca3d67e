import { flattenColumns, normalizeColumn, type ColumnDefinition } from '../model/column-types.js';
import type { TableModel } from '../model/table-model.js';
import { StrataError, badRequest } from '../errors.js';
import { assertTableName } from '../names.js';
import type { BranchContext, DatabaseService } from '../databases.js';
import { applyMigration } from './apply-migration.js';
import { releaseAfterCommit } from '../files/file-effects.js';
import { validateColumn } from './column-definition.js';
import type { MigrationOp, MigrationResult } from './migration-ops.js';
import { assertColumnsPerTable, inputLeafCount } from './column-limit.js';

export interface SchemaTable { name: string; columns: ColumnDefinition[] }

/** Tables, columns and schema edits of a branch. Every change is a migration (see apply-migration). */
export class SchemaService {
  constructor(private readonly databases: DatabaseService) {}

  async table(ctx: BranchContext, name: string): Promise<TableModel> {
    const table = (await ctx.schema()).tables.get(name);
    if (!table) throw new StrataError('NOT_FOUND', `table [${name}] not found`);
    return table;
  }

  async tables(ctx: BranchContext): Promise<SchemaTable[]> {
    return (await ctx.schema()).ordered().map((t) => ({ name: t.name, columns: t.columns }));
  }

  /** Applies edits atomically and drops the cached schema once they commit; then the blobs of dropped file values go. */
  async migrate(ctx: BranchContext, ops: MigrationOp[]): Promise<MigrationResult> {
    try {
      return await releaseAfterCommit(ctx.files, (released) => ctx.store.transaction((tx) => applyMigration(tx, ops, { released })));
    } finally {
      this.databases.schemaChanged(ctx.branch.id);
    }
  }

  createTable(ctx: BranchContext, name: string, columns: unknown[] = []) {
    assertTableName(name);
    return this.migrate(ctx, [{ addTable: { table: name } }, ...columns.map((column) => ({ addColumn: { table: name, column: column as ColumnDefinition } }))]);
  }

  renameTable(ctx: BranchContext, name: string, newName: string) {
    return this.migrate(ctx, [{ renameTable: { oldName: name, newName } }]);
  }

  removeTable(ctx: BranchContext, name: string) {
    return this.migrate(ctx, [{ removeTable: { table: name } }]);
  }

  addColumn(ctx: BranchContext, table: string, column: unknown) {
    return this.migrate(ctx, [{ addColumn: { table, column: column as ColumnDefinition } }]);
  }

  renameColumn(ctx: BranchContext, table: string, oldName: string, newName: string) {
    return this.migrate(ctx, [{ renameColumn: { table, oldName, newName } }]);
  }

  removeColumn(ctx: BranchContext, table: string, column: string) {
    return this.migrate(ctx, [{ removeColumn: { table, column } }]);
  }

  /** Replaces a table's columns: removes those not listed, adds new ones. Changing a kept column's definition is refused. */
  async setTableColumns(ctx: BranchContext, name: string, columns: unknown): Promise<MigrationResult | undefined> {
    const table = await this.table(ctx, name);
    const ops = diffTable(table.name, table.columns, this.validateAll(columns, new Set((await ctx.schema()).tables.keys()), name), 'refuse');
    return ops.length ? this.migrate(ctx, ops) : undefined;
  }

  /** The edits that would turn the branch's schema into `target` (Xata's schema/compare). */
  async compare(ctx: BranchContext, target: unknown): Promise<{ source: { tables: SchemaTable[] }; target: { tables: SchemaTable[] }; edits: { operations: MigrationOp[] } }> {
    const source = await this.tables(ctx);
    const wanted = this.validateSchema(target);
    const ops: MigrationOp[] = [];
    const sourceNames = new Set(source.map((t) => t.name));
    const wantedNames = new Set(wanted.map((t) => t.name));
    for (const t of wanted) if (!sourceNames.has(t.name)) ops.push({ addTable: { table: t.name } });
    for (const t of wanted) {
      const current = source.find((s) => s.name === t.name);
      ops.push(...diffTable(t.name, current?.columns ?? [], t.columns, 'replace'));
    }
    // Columns first, tables last: a table can only go once nothing links to it.
    ops.push(...removeTables(source.filter((t) => !wantedNames.has(t.name))));
    ops.sort((a, b) => rank(a) - rank(b));
    return { source: { tables: source }, target: { tables: wanted }, edits: { operations: ops } };
  }

  private validateSchema(input: unknown): SchemaTable[] {
    const tables = (input as { tables?: unknown } | null)?.tables;
    if (!Array.isArray(tables)) throw badRequest('schema.tables must be an array');
    const names = new Set<string>();
    for (const t of tables) {
      const name = (t as { name?: unknown })?.name;
      if (typeof name !== 'string') throw badRequest('every table needs a name');
      assertTableName(name);
      if (names.has(name)) throw badRequest(`table [${name}] is listed twice`);
      names.add(name);
    }
    return tables.map((t: { name: string; columns?: unknown }) => ({ name: t.name, columns: this.validateAll(t.columns ?? [], names, t.name) }));
  }

  private validateAll(columns: unknown, tableNames: Set<string>, table: string): ColumnDefinition[] {
    if (!Array.isArray(columns)) throw badRequest('columns must be an array');
    assertColumnsPerTable(columns.reduce((sum: number, c) => sum + inputLeafCount(c), 0), table);
    const out = columns.map((c) => validateColumn(c, '', (n) => tableNames.has(n)));
    const seen = new Set<string>();
    for (const c of out) {
      if (seen.has(c.name)) throw badRequest(`column [${c.name}] is listed twice`);
      seen.add(c.name);
    }
    return out;
  }
}

/**
 * removeTable ops in an order where no table goes while another removed table still links
 * to it; links inside a cycle of removed tables are removed first (rank sorts them before).
 */
function removeTables(tables: SchemaTable[]): MigrationOp[] {
  const ops: MigrationOp[] = [];
  const pending = new Map(tables.map((t) => [t.name, t]));
  const linksToOthers = (t: SchemaTable) => flattenColumns(t.columns).filter((l) => l.link && l.link.table !== t.name && pending.has(l.link.table));
  while (pending.size > 0) {
    const free = [...pending.values()].find((t) => ![...pending.values()].some((o) => linksToOthers(o).some((l) => l.link!.table === t.name)));
    if (free) {
      ops.push({ removeTable: { table: free.name } });
      pending.delete(free.name);
      continue;
    }
    for (const t of pending.values()) for (const l of linksToOthers(t)) ops.push({ removeColumn: { table: t.name, column: l.path } });
    for (const t of pending.values()) ops.push({ removeTable: { table: t.name } });
    break;
  }
  return ops;
}

function rank(op: MigrationOp): number {
  if ('addTable' in op) return 0;
  if ('removeColumn' in op) return 1;
  if ('addColumn' in op) return 2;
  return 3; // removeTable
}

const same = (a: ColumnDefinition, b: ColumnDefinition) => JSON.stringify(normalizeColumn(a)) === JSON.stringify(normalizeColumn(b));

/** Column edits from `current` to `wanted` for one table (top-level columns; objects compared whole). */
function diffTable(table: string, current: ColumnDefinition[], wanted: ColumnDefinition[], onChange: 'replace' | 'refuse'): MigrationOp[] {
  const ops: MigrationOp[] = [];
  for (const column of current) {
    const next = wanted.find((w) => w.name === column.name);
    if (!next) ops.push({ removeColumn: { table, column: column.name } });
    else if (!same(column, next)) {
      if (onChange === 'refuse') {
        throw new StrataError('INVALID_SCHEMA', `column [${column.name}]: changing a column's definition is not supported; remove it and add it again`);
      }
      ops.push({ removeColumn: { table, column: column.name } }, { addColumn: { table, column: next } });
    }
  }
  for (const column of wanted) if (!current.some((c) => c.name === column.name)) ops.push({ addColumn: { table, column } });
  return ops;
}

