import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import type { LeafColumn } from '../kernel/model/column-types.js';
import { TableModel, type TableRecord } from '../kernel/model/table-model.js';
import type { PlanField, SelectPlan } from '../kernel/plans/select-plan.js';
import { FilterSql } from './filter-sql.js';
import { checkBoundParameters, memoisedSelect, selectShape, selectSql, type CompiledSelect } from './select-sql.js';
import type { SqlDialect } from './sql-dialect.js';
import type { BranchTx, MigrationRow, NewRecordRow, PlanRow, SqlRows, SqlRun, WriteValue } from '../core/ports/storage.js';
import type { ArrayQuery, RunQuery } from './array-query.js';
import type { GroupPlan, NearestPlan, NearestResult } from '../kernel/plans/group-plan.js';
import { runGroupPlan } from './group-sql.js';
import { runNearestPlan } from './vector-sql.js';
import { LruCache } from '../kernel/lru-cache.js';

/**
 * Compiled write statements of every branch in the process, keyed by table model (a schema
 * change makes new models) and statement shape. Bounded: which columns a write carries is the
 * client's choice, so the shapes of one table are up to 2^columns.
 */
export const WRITE_STATEMENTS_KEPT = 1000;
const writeStatements = new LruCache<string, string>(WRITE_STATEMENTS_KEPT);
export const keptWriteStatements = (): number => writeStatements.size;
import type { SearchHits, SearchPlan, TermToExpand } from '../kernel/plans/search-plan.js';
import { SearchIndexSql } from './search-index-sql.js';
import { runSearch } from './search-sql.js';
import { TableIndexSql } from './index-sql.js';
import type { TableIndex } from '../kernel/model/table-index.js';
import { ChangeLogSql } from './change-log-sql.js';
import type { ChangeInput, ChangeRow } from '../core/ports/change-log.js';
import type { ArchivedRecord } from '../core/ports/archive-store.js';

/**
 * Record and catalog SQL shared by both engines. Identifiers always go through sql.id
 * (quoted); values always through parameters. The engine supplies the dialect (types,
 * codecs) and how table names are qualified (a PostgreSQL schema per branch, a file per
 * branch on SQLite).
 */
export const CATALOG_TABLES = '_strata_tables';
export const MIGRATIONS_TABLE = '_strata_migrations';

export interface BranchSqlOptions {
  dialect: SqlDialect;
  /** Qualified reference to a table of this branch. */
  table: (name: string) => RawBuilder<unknown>;
  /** Direct execution on this connection (see array-query.ts); Kysely's pipeline when absent. */
  arrays?: ArrayQuery;
  run?: RunQuery;
  /** Called after each DDL statement (SQLite: cached statements of the branch go stale). */
  afterDdl?: () => void;
  /** Runs SELECTs of the SQL subset on this connection (storage/sql/, each engine's sql runner). */
  sql?: (run: SqlRun) => Promise<SqlRows>;
}

export function catalogDdl(opts: BranchSqlOptions): RawBuilder<unknown>[] {
  return [
    sql`CREATE TABLE IF NOT EXISTS ${opts.table(CATALOG_TABLES)} (
      "id" integer PRIMARY KEY, "name" text NOT NULL UNIQUE, "id_kind" text NOT NULL,
      "columns" text NOT NULL, "created_at" text NOT NULL)`,
    sql`CREATE TABLE IF NOT EXISTS ${opts.table(MIGRATIONS_TABLE)} (
      "id" text PRIMARY KEY, "parent_id" text NOT NULL, "created_at" text NOT NULL, "operations" text NOT NULL)`,
  ];
}

export class BranchSql implements BranchTx {
  private schemaChanged = false;
  private readonly filters: FilterSql;
  constructor(readonly db: Kysely<any>, readonly opts: BranchSqlOptions) {
    this.filters = new FilterSql(opts.dialect);
  }

  runSql(run: SqlRun): Promise<SqlRows> {
    if (!this.opts.sql) throw new Error('this connection runs no SQL statements');
    return this.opts.sql(run);
  }

  get didChangeSchema(): boolean {
    return this.schemaChanged;
  }
  markSchemaChanged(): void {
    this.schemaChanged = true;
  }

  private get d(): SqlDialect {
    return this.opts.dialect;
  }
  private t(name: string): RawBuilder<unknown> {
    return this.opts.table(name);
  }
  /** The search index follows schema changes here, in their transaction (search-index-sql.ts). */
  private get searchIndex(): SearchIndexSql {
    return new SearchIndexSql(this.db, this.opts);
  }

  // ---- catalog ----

  async loadCatalog(lock = false): Promise<{ tables: TableRecord[]; lastMigrationId: string; lastMigrationAt: string }> {
    if (lock) await this.d.lockCatalog?.(this.db, this.t(CATALOG_TABLES));
    const rows = await sql<{ id: number; name: string; id_kind: string; columns: string; created_at: string }>`
      SELECT "id", "name", "id_kind", "columns", "created_at" FROM ${this.t(CATALOG_TABLES)} ORDER BY "id"`.execute(this.db);
    const last = await sql<{ id: string; created_at: string }>`
      SELECT "id", "created_at" FROM ${this.t(MIGRATIONS_TABLE)} ORDER BY "created_at" DESC, "id" DESC LIMIT 1`.execute(this.db);
    return {
      tables: rows.rows.map((r) => ({
        id: Number(r.id), name: r.name, idKind: r.id_kind === 'int' ? 'int' : 'string',
        ...decodeCatalogColumns(r.columns), createdAt: r.created_at,
      })),
      lastMigrationId: last.rows[0]?.id ?? '',
      lastMigrationAt: last.rows[0]?.created_at ?? '',
    };
  }

  async nextTableId(): Promise<number> {
    const r = await sql<{ n: number | string | null }>`SELECT MAX("id") AS "n" FROM ${this.t(CATALOG_TABLES)}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) + 1;
  }

  async saveTableRecord(table: TableRecord): Promise<void> {
    await sql`DELETE FROM ${this.t(CATALOG_TABLES)} WHERE "id" = ${table.id}`.execute(this.db);
    await sql`INSERT INTO ${this.t(CATALOG_TABLES)} ("id", "name", "id_kind", "columns", "created_at")
      VALUES (${table.id}, ${table.name}, ${table.idKind}, ${encodeCatalogColumns(table)}, ${table.createdAt})`.execute(this.db);
    this.schemaChanged = true;
    await this.searchIndex.sync(new TableModel(table));
  }

  async deleteTableRecord(tableId: number): Promise<void> {
    await sql`DELETE FROM ${this.t(CATALOG_TABLES)} WHERE "id" = ${tableId}`.execute(this.db);
    this.schemaChanged = true;
    await this.searchIndex.drop(tableId);
  }

  syncSearchIndex(table: TableModel): Promise<void> {
    return this.searchIndex.sync(table);
  }

  /** The Metadata API's indexes (index-sql.ts). */
  async createIndex(table: TableModel, index: TableIndex): Promise<void> {
    await new TableIndexSql(this.db, this.opts).create(table, index);
    this.schemaChanged = true;
  }

  async dropIndex(table: TableModel, index: TableIndex): Promise<void> {
    await new TableIndexSql(this.db, this.opts).drop(table, index);
    this.schemaChanged = true;
  }

  async insertMigration(row: MigrationRow): Promise<void> {
    await sql`INSERT INTO ${this.t(MIGRATIONS_TABLE)} ("id", "parent_id", "created_at", "operations")
      VALUES (${row.id}, ${row.parentId}, ${row.createdAt}, ${JSON.stringify(row.operations)})`.execute(this.db);
  }

  async listMigrations(): Promise<MigrationRow[]> {
    const r = await sql<{ id: string; parent_id: string; created_at: string; operations: string }>`
      SELECT "id", "parent_id", "created_at", "operations" FROM ${this.t(MIGRATIONS_TABLE)} ORDER BY "created_at", "id"`.execute(this.db);
    return r.rows.map((m) => ({ id: m.id, parentId: m.parent_id, createdAt: m.created_at, operations: JSON.parse(m.operations) }));
  }

  // ---- DDL ----

  /** Every DDL statement: the schema changed (caches drop at commit) and statements may be stale now. */
  private ddlDone(): void {
    this.schemaChanged = true;
    this.opts.afterDdl?.();
  }

  private columnDdl(leaf: LeafColumn, linkTarget: TableModel | undefined, withNotNull: boolean): RawBuilder<unknown> {
    const type = sql.raw(this.d.columnType(leaf, linkTarget?.idKind));
    return withNotNull && leaf.notNull ? sql`${sql.id(leaf.path)} ${type} NOT NULL` : sql`${sql.id(leaf.path)} ${type}`;
  }

  private async createColumnIndexes(tableName: string, leaf: LeafColumn): Promise<void> {
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    if (leaf.unique) {
      await sql`CREATE UNIQUE INDEX ${sql.id(`ux_${suffix}`)} ON ${this.t(tableName)} (${sql.id(leaf.path)})`.execute(this.db);
    } else if (leaf.type === 'link') {
      await sql`CREATE INDEX ${sql.id(`ix_${suffix}`)} ON ${this.t(tableName)} (${sql.id(leaf.path)})`.execute(this.db);
    }
  }

  async createTable(table: TableRecord, linkTargets: Map<string, TableModel>): Promise<void> {
    const leaves = new TableModel(table).leaves;
    const columns = [
      sql.raw(this.d.idColumn(table.idKind)),
      sql`"xata_version" integer NOT NULL DEFAULT 0`,
      sql`"xata_createdat" ${sql.raw(this.d.timestampType)} NOT NULL`,
      sql`"xata_updatedat" ${sql.raw(this.d.timestampType)} NOT NULL`,
      ...leaves.map((leaf) => this.columnDdl(leaf, linkTargets.get(leaf.path), true)),
    ];
    await sql`CREATE TABLE ${this.t(table.name)} (${sql.join(columns)})`.execute(this.db);
    for (const leaf of leaves) await this.createColumnIndexes(table.name, leaf);
    this.ddlDone();
  }

  async renameTable(table: TableModel, newName: string): Promise<void> {
    await sql`ALTER TABLE ${this.t(table.name)} RENAME TO ${sql.id(newName)}`.execute(this.db);
    this.ddlDone();
  }

  async dropTable(table: TableModel): Promise<void> {
    await sql`DROP TABLE ${this.t(table.name)}`.execute(this.db);
    this.ddlDone();
  }

  async addColumn(table: TableModel, leaf: LeafColumn, linkTarget: TableModel | undefined, fill: unknown): Promise<void> {
    const hasFill = fill !== undefined && fill !== null;
    if (this.d.notNullNeedsDdlDefault && leaf.notNull) {
      // The engine cannot add NOT NULL later; it needs the fill as a DDL default, where no
      // parameter can go: ddlLiteral writes it so that no character of the value is SQL.
      // An empty table may add a notNull column without a default: the core supplies a value
      // on every write, so the DDL default is only SQLite's formality (a zero value).
      const encoded = hasFill ? this.d.encode(leaf, fill) : this.d.columnType(leaf, linkTarget?.idKind) === 'TEXT' ? '' : 0;
      await sql`ALTER TABLE ${this.t(table.name)} ADD COLUMN ${this.columnDdl(leaf, linkTarget, true)} DEFAULT ${sql.raw(ddlLiteral(encoded))}`.execute(this.db);
    } else {
      await sql`ALTER TABLE ${this.t(table.name)} ADD COLUMN ${this.columnDdl(leaf, linkTarget, false)}`.execute(this.db);
      if (hasFill) await sql`UPDATE ${this.t(table.name)} SET ${sql.id(leaf.path)} = ${this.d.encode(leaf, fill)}`.execute(this.db);
      if (leaf.notNull) await sql`ALTER TABLE ${this.t(table.name)} ALTER COLUMN ${sql.id(leaf.path)} SET NOT NULL`.execute(this.db);
    }
    await this.createColumnIndexes(table.name, leaf);
    this.ddlDone();
  }

  async renameColumn(table: TableModel, from: string, to: string): Promise<void> {
    await sql`ALTER TABLE ${this.t(table.name)} RENAME COLUMN ${sql.id(from)} TO ${sql.id(to)}`.execute(this.db);
    await this.searchIndex.renameColumn(table, from, to);
    this.ddlDone();
  }

  async dropColumn(table: TableModel, leaf: LeafColumn): Promise<void> {
    await this.searchIndex.beforeDropColumn(table, leaf);
    await this.d.beforeDropColumn?.(this.db, table.name, leaf.path);
    await sql`ALTER TABLE ${this.t(table.name)} DROP COLUMN ${sql.id(leaf.path)}`.execute(this.db);
    this.ddlDone();
  }

  // ---- records ----

  /**
   * Runs a plan. Its SQL text and decoders are compiled once per plan shape (select-sql.ts)
   * and re-bound with this plan's values; the hot id lookups name their shape (`cacheKey`),
   * which spares them building the key.
   */
  async select(plan: SelectPlan, cacheKey?: string): Promise<PlanRow[]> {
    const params: unknown[] = [];
    let key: string;
    if (cacheKey) {
      key = `#${cacheKey}`; // shape keys never start with #
      if (plan.where) this.filters.bind(plan.where, params);
    } else {
      key = selectShape(plan, this.filters, params);
    }
    const compiled = memoisedSelect(plan.table, key, () => this.compileSelect(plan, key, params));
    const { text, decoders } = compiled;
    let rows: unknown[][];
    if (this.opts.arrays) {
      rows = await this.opts.arrays(text, params);
    } else {
      const result = await this.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
      rows = result.rows.map((row) => decoders.map((_, i) => row[`c${i}`]));
    }
    for (const row of rows) {
      for (let i = 0; i < decoders.length; i++) row[i] = decoders[i]!(row[i]);
    }
    return rows;
  }

  private compileSelect(plan: SelectPlan, key: string, bound: unknown[]): CompiledSelect {
    const compiled = selectSql(plan, this.filters, (name) => this.t(name)).compile(this.db);
    checkBoundParameters(key, bound, compiled.parameters);
    return { text: compiled.sql, decoders: plan.fields.map((f) => this.decoderFor(f)) };
  }

  private decoderFor(field: PlanField): (raw: unknown) => unknown {
    const column = field.column;
    if (column === 'id') return (raw) => raw;
    if (column === 'version') return (raw) => (raw === null || raw === undefined ? raw : Number(raw));
    if (column === 'createdAt' || column === 'updatedAt') return (raw) => (raw === null || raw === undefined ? null : this.d.decodeTimestamp(raw));
    return (raw) => (raw === null || raw === undefined ? null : this.d.decode(column, raw));
  }

  // ---- analytics (group-sql.ts, vector-sql.ts) ----

  group(plan: GroupPlan): Promise<PlanRow[]> {
    return runGroupPlan({ db: this.db, opts: this.opts, decoder: (f) => this.decoderFor(f) }, plan);
  }

  nearest(plan: NearestPlan): Promise<NearestResult> {
    return runNearestPlan(this, plan);
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    await sql`SAVEPOINT "strata_item"`.execute(this.db);
    try {
      const result = await fn();
      await sql`RELEASE SAVEPOINT "strata_item"`.execute(this.db);
      return result;
    } catch (err) {
      await sql`ROLLBACK TO SAVEPOINT "strata_item"`.execute(this.db);
      await sql`RELEASE SAVEPOINT "strata_item"`.execute(this.db);
      // As the transaction would report it (a unique violation is a 422, …), now to the caller.
      throw this.opts.dialect.mapError(err) ?? err;
    }
  }

  async recordVersion(table: TableModel, id: string | number): Promise<number | undefined> {
    const r = await sql<{ v: number | string }>`SELECT "xata_version" AS "v" FROM ${this.t(table.name)} WHERE "id" = ${id}${sql.raw(this.d.forUpdate)}`.execute(this.db);
    return r.rows[0] === undefined ? undefined : Number(r.rows[0].v);
  }

  async existingIds(table: TableModel, ids: Array<string | number>): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const r = await sql<{ id: string | number }>`SELECT "id" FROM ${this.t(table.name)} WHERE "id" IN (${sql.join(ids)})${sql.raw(this.d.forKeyShare)}`.execute(this.db);
    return new Set(r.rows.map((row) => String(row.id)));
  }

  searchIndexReady(table: TableModel): Promise<boolean> {
    return this.searchIndex.isReady(table);
  }

  searchTermVariants(table: TableModel, terms: TermToExpand[]): Promise<string[][]> {
    return this.searchIndex.variants(table, terms);
  }

  search(plan: SearchPlan): Promise<SearchHits> {
    return runSearch(this.db, this.opts, plan);
  }

  async countRows(table: TableModel): Promise<number> {
    const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS "n" FROM ${this.t(table.name)}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /**
   * The SQL text of a write, compiled once per table schema and statement shape (which
   * columns, which operators): the hot writes skip building and compiling SQL. `build` must
   * place the parameters in the order the caller collects them.
   */
  private writeSql(table: TableModel, key: string, build: () => RawBuilder<unknown>): string {
    const memoKey = `${table.serial}|${key}`;
    let text = writeStatements.get(memoKey);
    if (text === undefined) {
      text = build().compile(this.db).sql;
      writeStatements.set(memoKey, text);
    }
    return text;
  }

  private async returningRows(text: string, params: unknown[]): Promise<unknown[][]> {
    if (this.opts.arrays) return this.opts.arrays(text, params);
    const r = await this.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
    return r.rows.map((row) => Object.values(row));
  }

  private async changedRows(text: string, params: unknown[]): Promise<number> {
    if (this.opts.run) return this.opts.run(text, params);
    const r = await this.db.executeQuery(CompiledQuery.raw(text, params));
    return Number(r.numAffectedRows ?? 0n);
  }

  async insertRecord(table: TableModel, id: string | null, values: Map<LeafColumn, unknown>, now: number): Promise<string | number> {
    const ts = this.d.encodeTimestamp(now);
    const params: unknown[] = id !== null ? [id, 0, ts, ts] : [0, ts, ts];
    let key = id !== null ? 'insert:id' : 'insert:auto';
    for (const [leaf, value] of values) {
      params.push(value === null ? null : this.d.encode(leaf, value));
      key += `\u0000${leaf.path}`;
    }
    const text = this.writeSql(table, key, () => {
      const names = [...(id !== null ? [sql.id('id')] : []), sql.id('xata_version'), sql.id('xata_createdat'), sql.id('xata_updatedat'),
        ...[...values.keys()].map((leaf) => sql.id(leaf.path))];
      return sql`INSERT INTO ${this.t(table.name)} (${sql.join(names)}) VALUES (${sql.join(params)}) RETURNING "id"`;
    });
    const newId = (await this.returningRows(text, params))[0]![0] as string | number;
    if (table.idKind === 'int' && id !== null) await this.d.afterExplicitId?.(this.db, this.t(table.name), newId);
    return table.idKind === 'int' ? Number(newId) : String(newId);
  }

  insertRecords(table: TableModel, rows: NewRecordRow[], now: number): Promise<void> {
    return this.insertRows(table, rows, now, true);
  }

  /**
   * The multi-row INSERT of imports and restores: each row with its version and timestamps
   * when it has them. `followIds` moves an integer id sequence past the ids written (a restore
   * sets the sequence itself, setNextId, and must not have it moved back or forth).
   */
  private async insertRows(table: TableModel, rows: NewRecordRow[], now: number, followIds: boolean): Promise<void> {
    const ts = this.d.encodeTimestamp(now);
    const groups = new Map<string, { leaves: LeafColumn[]; rows: NewRecordRow[] }>();
    for (const row of rows) {
      const leaves = [...row.values.keys()];
      const key = leaves.map((l) => l.path).join('\u0000');
      let group = groups.get(key);
      if (!group) groups.set(key, group = { leaves, rows: [] });
      group.rows.push(row);
    }
    let maxId = 0;
    for (const { leaves, rows: grouped } of groups.values()) {
      // Both engines bind at most 32766 parameters per statement (SQLite's default limit).
      const perRow = leaves.length + 4;
      const chunk = Math.max(1, Math.floor(30_000 / perRow));
      const names = [sql.id('id'), sql.id('xata_version'), sql.id('xata_createdat'), sql.id('xata_updatedat'), ...leaves.map((leaf) => sql.id(leaf.path))];
      for (let i = 0; i < grouped.length; i += chunk) {
        const part = grouped.slice(i, i + chunk);
        const params: unknown[] = [];
        for (const row of part) {
          if (table.idKind === 'int') maxId = Math.max(maxId, Number(row.id));
          params.push(row.id, row.version ?? 0,
            row.createdAt === undefined ? ts : this.d.encodeTimestamp(row.createdAt),
            row.updatedAt === undefined ? ts : this.d.encodeTimestamp(row.updatedAt));
          for (const leaf of leaves) {
            const value = row.values.get(leaf);
            params.push(value === null || value === undefined ? null : this.d.encode(leaf, value));
          }
        }
        // Compiled once per table schema, column set and row count (a batch's chunks share one or two).
        const text = this.writeSql(table, `insert:many:${part.length}\u0000${leaves.map((l) => l.path).join('\u0000')}`, () => {
          let p = 0;
          const tuples = part.map(() => sql`(${sql.join(Array.from({ length: perRow }, () => params[p++]))})`);
          return sql`INSERT INTO ${this.t(table.name)} (${sql.join(names)}) VALUES ${sql.join(tuples)}`;
        });
        await this.changedRows(text, params);
      }
    }
    if (followIds && table.idKind === 'int' && maxId > 0) await this.d.afterExplicitId?.(this.db, this.t(table.name), maxId);
  }

  async updateRecord(table: TableModel, id: string | number, values: Map<LeafColumn, WriteValue>, now: number, opts: { replace?: boolean }): Promise<number> {
    const params: unknown[] = [];
    let key = `update:${opts.replace ? 'r' : 'p'}`;
    for (const [leaf, write] of values) {
      if (write.kind === 'set') {
        params.push(write.value === null ? null : this.d.encode(leaf, write.value));
        key += `\u0000=${leaf.path}`;
      } else {
        params.push(write.operand);
        key += `\u0000${write.op}${leaf.path}`;
      }
    }
    const ts = this.d.encodeTimestamp(now);
    params.push(ts, id);
    const text = this.writeSql(table, key, () => {
      let p = 0;
      const sets: RawBuilder<unknown>[] = [];
      for (const [leaf, write] of values) {
        const column = sql.id(leaf.path);
        if (write.kind === 'set') {
          sets.push(sql`${column} = ${params[p++]}`);
        } else {
          // An int operand is bound as an integer: SQLite would otherwise divide as REAL and
          // store 9.6 in an int column, where PostgreSQL (bigint) divides as integers.
          const operand = leaf.type === 'int' ? sql`CAST(${params[p++]} AS BIGINT)` : sql`${params[p++]}`;
          sets.push(sql`${column} = COALESCE(${column}, 0) ${sql.raw(write.op)} ${operand}`);
        }
      }
      if (opts.replace) {
        for (const leaf of table.leaves) if (!values.has(leaf)) sets.push(sql`${sql.id(leaf.path)} = NULL`);
      }
      sets.push(sql`"xata_version" = "xata_version" + 1`, sql`"xata_updatedat" = ${params[p++]}`);
      const where = sql`"id" = ${params[p++]}`;
      return sql`UPDATE ${this.t(table.name)} SET ${sql.join(sets)} WHERE ${where}`;
    });
    return this.changedRows(text, params);
  }

  async deleteRecord(table: TableModel, id: string | number): Promise<number> {
    const r = await sql`DELETE FROM ${this.t(table.name)} WHERE "id" = ${id}`.execute(this.db);
    return Number(r.numAffectedRows ?? 0n);
  }

  async truncateRecords(table: TableModel, opts: { resetIds: boolean }): Promise<number> {
    // DELETE rather than TRUNCATE: row triggers (the search index) fire, and it is transactional on both engines.
    const r = await sql`DELETE FROM ${this.t(table.name)}`.execute(this.db);
    if (opts.resetIds && table.idKind === 'int') await this.d.resetIdentity(this.db, this.t(table.name), table.name);
    return Number(r.numAffectedRows ?? 0n);
  }

  async clearLinksTo(table: TableModel, column: LeafColumn, ids: Array<string | number> | 'all'): Promise<void> {
    if (ids === 'all') {
      await sql`UPDATE ${this.t(table.name)} SET ${sql.id(column.path)} = NULL WHERE ${sql.id(column.path)} IS NOT NULL`.execute(this.db);
      return;
    }
    if (ids.length === 0) return;
    await sql`UPDATE ${this.t(table.name)} SET ${sql.id(column.path)} = NULL WHERE ${sql.id(column.path)} IN (${sql.join(ids)})`.execute(this.db);
  }

  // ---- restores (archive-sql.ts) ----

  /** Archived records go through the import's insert (insertRows), the set columns of each row given. */
  insertArchivedRecords(table: TableModel, rows: ArchivedRecord[]): Promise<void> {
    return this.insertRows(table, rows.map((row) => ({
      id: row.id, version: row.version, createdAt: row.createdAt, updatedAt: row.updatedAt,
      values: new Map(table.leaves.filter((leaf) => row.values[leaf.path] !== undefined && row.values[leaf.path] !== null).map((leaf) => [leaf, row.values[leaf.path]])),
    })), Date.now(), false);
  }
  async setNextId(table: TableModel, next: number): Promise<void> {
    if (table.idKind === 'int') await this.d.setNextIdentity(this.db, this.t(table.name), table.name, next);
  }

  // ---- change log (change-log-sql.ts) ----

  private get changeLog(): ChangeLogSql {
    return new ChangeLogSql(this.db, this.opts);
  }
  ensureChangeLog(): Promise<void> {
    return this.changeLog.ensure();
  }
  appendChanges(branchId: number, rows: ChangeInput[], retain: number): Promise<number> {
    return this.changeLog.append(branchId, rows, retain);
  }
  readChanges(branchId: number, afterSeq: number, limit: number): Promise<ChangeRow[]> {
    return this.changeLog.read(branchId, afterSeq, limit);
  }
  changeHead(branchId: number): Promise<number> {
    return this.changeLog.head(branchId);
  }
}

/**
 * The catalog's "columns" text: the column definitions as a JSON array, or, for a table with
 * metadata (Metadata API tables), `{"columns": [...], "meta": {...}}`. Catalogs written before
 * table metadata existed hold arrays and read unchanged; no catalog DDL had to change.
 */
function encodeCatalogColumns(table: TableRecord): string {
  return JSON.stringify(table.meta ? { columns: table.columns, meta: table.meta } : table.columns);
}

function decodeCatalogColumns(text: string): Pick<TableRecord, 'columns' | 'meta'> {
  const stored = JSON.parse(text) as TableRecord['columns'] | { columns: TableRecord['columns']; meta: TableRecord['meta'] };
  return Array.isArray(stored) ? { columns: stored } : { columns: stored.columns, meta: stored.meta };
}

/**
 * A constant for DDL, the one place a value cannot be a parameter: a finite number in
 * JavaScript's own notation, or text as the hex of its UTF-8 bytes cast back to text, so no
 * character of the value can end the literal. Anything else is refused.
 */
export function ddlLiteral(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `(CAST(X'${Buffer.from(value, 'utf8').toString('hex')}' AS TEXT))`;
  throw new Error(`no DDL literal for a ${typeof value}`);
}
