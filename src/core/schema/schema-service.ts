import type { ColumnDefinition } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { assertTableName } from '../names.js';
import type { BranchContext, DatabaseService } from '../databases.js';
import { applyMigration } from './apply-migration.js';
import { releaseAfterCommit } from '../files/file-effects.js';
import { validateColumn } from './column-definition.js';
import type { MigrationOp, MigrationResult } from './migration-ops.js';
import { assertColumnsPerTable, inputLeafCount } from './column-limit.js';
import type { BranchTx } from '../ports/storage.js';
import { compareSchemas, diffTable } from './schema-compare.js';
import { historyPage, type HistoryPage, type HistoryRequest } from './schema-history.js';
import { migrationsToApply } from './schema-push.js';
import { replayOperations, type SchemaTable } from './schema-replay.js';

export type { SchemaTable } from './schema-replay.js';
export interface SchemaComparison { source: { tables: SchemaTable[] }; target: { tables: SchemaTable[] }; edits: { operations: MigrationOp[] } }
/** Operations that stand in for one side of a compare (`schemaOperations`, `branchOperations`, …). */
export interface CompareOperations { source?: unknown; target?: unknown }

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
  migrate(ctx: BranchContext, ops: MigrationOp[]): Promise<MigrationResult> {
    return this.inSchemaTransaction(ctx, (tx, released) => applyMigration(tx, ops, { released }));
  }

  private async inSchemaTransaction<T>(ctx: BranchContext, work: (tx: BranchTx, released: string[] | undefined) => Promise<T>): Promise<T> {
    try {
      return await releaseAfterCommit(ctx.files, (released) => ctx.store.transaction((tx) => work(tx, released)));
    } finally {
      this.databases.schemaChanged(ctx.branch.id);
    }
  }

  /** Xata's schema/update: edits on top of `parentID` when given (409 when the branch moved on since). */
  async update(ctx: BranchContext, ops: MigrationOp[], parentID?: string): Promise<MigrationResult> {
    return this.inSchemaTransaction(ctx, async (tx, released) => {
      const { lastMigrationId } = await tx.loadCatalog(true);
      if (parentID !== undefined && parentID !== lastMigrationId) {
        throw new StrataError('CONFLICT', `parentID [${parentID}] is not the branch's newest migration [${lastMigrationId}]: read the schema again and retry`);
      }
      return applyMigration(tx, ops, { released });
    });
  }

  /**
   * Xata's schema/push: applies migrations from elsewhere (`xata push`) keeping their ids, in
   * one transaction, so the branch's history then lists them as the pusher has them.
   */
  async push(ctx: BranchContext, migrations: unknown): Promise<MigrationResult> {
    return this.inSchemaTransaction(ctx, async (tx, released) => {
      const { lastMigrationId } = await tx.loadCatalog(true);
      const fresh = migrationsToApply(migrations, await tx.listMigrations());
      let result: MigrationResult = { migrationID: lastMigrationId, parentMigrationID: lastMigrationId, status: 'completed' };
      for (const migration of fresh) result = await applyMigration(tx, migration.operations, { released, id: migration.id });
      return fresh.length ? { ...result, parentMigrationID: lastMigrationId } : result;
    });
  }

  /** Xata's schema/history: the migration log, newest first, paged. */
  async history(ctx: BranchContext, request: HistoryRequest): Promise<HistoryPage> {
    return historyPage(await ctx.store.listMigrations(), request);
  }

  /** Xata's schema/preview: the schema before and after edits, without keeping them (the transaction is rolled back). */
  async preview(ctx: BranchContext, ops: MigrationOp[]): Promise<{ original: { tables: SchemaTable[] }; updated: { tables: SchemaTable[] } }> {
    const original = await this.tables(ctx);
    if (ops.length === 0) return { original: { tables: original }, updated: { tables: original } };
    const rollback = Symbol('preview');
    let updated: SchemaTable[] = [];
    try {
      await ctx.store.transaction(async (tx) => {
        await applyMigration(tx, ops);
        updated = (await tx.loadCatalog()).tables.map((t) => ({ name: t.name, columns: t.columns }));
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return { original: { tables: original }, updated: { tables: updated } };
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

  /**
   * The edits that would turn the branch's schema into `target` (Xata's schema/compare).
   * `operations.target` (the CLI's `schemaOperations`) are replayed on `target`, and
   * `operations.source` (`branchOperations`) on an empty schema in place of the branch.
   */
  async compare(ctx: BranchContext, target: unknown, operations: CompareOperations = {}): Promise<SchemaComparison> {
    const source = operations.source !== undefined ? replayOperations([], operations.source) : await this.tables(ctx);
    const wanted = this.validateSchema(target);
    return this.comparison(source, operations.target !== undefined ? replayOperations(wanted, operations.target) : wanted, operations);
  }

  /** Branch against branch (Xata's schema/compare/{branch}): the edits that turn `ctx`'s schema into `other`'s. */
  async compareBranches(ctx: BranchContext, other: BranchContext, operations: CompareOperations = {}): Promise<SchemaComparison> {
    const source = operations.source !== undefined ? replayOperations([], operations.source) : await this.tables(ctx);
    const target = operations.target !== undefined ? replayOperations([], operations.target) : await this.tables(other);
    return this.comparison(source, target, operations);
  }

  /**
   * A side built from operations (Xata's six) cannot hold what was changed in place (an
   * alterColumn: defaults, descriptions, file access), so those are no difference then.
   */
  private comparison(source: SchemaTable[], target: SchemaTable[], operations: CompareOperations): SchemaComparison {
    const replayed = operations.source !== undefined || operations.target !== undefined;
    const edits = compareSchemas(source, target).filter((op) => !(replayed && 'alterColumn' in op));
    return { source: { tables: source }, target: { tables: target }, edits: { operations: edits } };
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
