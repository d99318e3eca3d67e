import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EngineUnderTest } from '../support/engines.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { BranchReader, BranchStore, Storage } from '../../src/core/ports/storage.js';
import { applyMigration } from '../../src/core/schema/apply-migration.js';
import type { MigrationOp } from '../../src/core/schema/migration-ops.js';
import { BranchSchema, TableModel, type IdKind } from '../../src/kernel/model/table-model.js';
import type { LeafColumn } from '../../src/kernel/model/column-types.js';
import { buildProjection } from '../../src/core/records/projection.js';
import type { Filter } from '../../src/kernel/plans/select-plan.js';

/**
 * Shared helpers of the storage conformance suite: a private storage per suite, a fresh
 * branch per test, and an inspector that looks at the engine's own catalog (sqlite_master,
 * pg_class) rather than at Strata's, so the tests see what really is in the database.
 */
export interface OpenedStorage {
  storage: Storage;
  config: { dataDir: string; databaseUrl?: string };
  close(): Promise<void>;
}

export async function openEngine(engine: EngineUnderTest): Promise<OpenedStorage> {
  const { config, cleanup } = await engine.provision();
  const storage = await openStorage(config);
  let closed = false;
  return {
    storage,
    config,
    async close() {
      if (closed) return;
      closed = true;
      await storage.close();
      await cleanup();
    },
  };
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** A database with one branch whose storage exists; returns the branch id and its store. */
export async function newBranch(storage: Storage): Promise<{ branchId: number; databaseId: number; store: BranchStore }> {
  const now = new Date().toISOString();
  const ids = await storage.system.insertDatabase(
    { name: uniqueName('db'), region: 'local', createdAt: now, settings: {} },
    { name: 'main', createdAt: now, parent: null, metadata: {} },
  );
  await storage.createBranchStorage(ids.branchId);
  return { branchId: ids.branchId, databaseId: ids.databaseId, store: await storage.branch(ids.branchId) };
}

export function migrate(store: BranchStore, ops: MigrationOp[], opts: { idKind?: IdKind } = {}) {
  return store.transaction((tx) => applyMigration(tx, ops, opts));
}

export async function schemaOf(reader: BranchReader): Promise<BranchSchema> {
  const catalog = await reader.loadCatalog();
  return new BranchSchema(catalog.tables, catalog.lastMigrationId);
}

export async function tableOf(reader: BranchReader, name: string): Promise<TableModel> {
  const table = (await schemaOf(reader)).tables.get(name);
  if (!table) throw new Error(`test: table ${name} is not in the catalog`);
  return table;
}

export function leafOf(table: TableModel, path: string): LeafColumn {
  const leaf = table.leaf(path);
  if (!leaf) throw new Error(`test: column ${path} is not in table ${table.name}`);
  return leaf;
}

/** Logical values keyed by column path. */
export function valuesOf(table: TableModel, values: Record<string, unknown>): Map<LeafColumn, unknown> {
  return new Map(Object.entries(values).map(([p, v]) => [leafOf(table, p), v]));
}

export interface FlatRecord {
  id: string | number;
  version: number;
  createdAt: number;
  updatedAt: number;
  values: Record<string, unknown>;
}

/** Every record of a table (all columns, links as ids) through a SelectPlan, ordered by id. */
export async function readAll(reader: BranchReader, tableName: string, where?: Filter, limit?: number): Promise<FlatRecord[]> {
  const schema = await schemaOf(reader);
  const table = schema.tables.get(tableName);
  if (!table) throw new Error(`test: table ${tableName} is not in the catalog`);
  const projection = buildProjection(schema, table, ['*']);
  const rows = await reader.select({ ...projection.plan, where, limit });
  const root = projection.root;
  const records = rows.map((row) => {
    const values: Record<string, unknown> = {};
    for (const { leaf, index } of [...root.values, ...root.linkIds]) values[leaf.path] = row[index];
    return {
      id: row[root.system.id] as string | number,
      version: row[root.system.version] as number,
      createdAt: row[root.system.createdAt] as number,
      updatedAt: row[root.system.updatedAt] as number,
      values,
    };
  });
  return records.sort((a, b) => (typeof a.id === 'number' && typeof b.id === 'number' ? a.id - b.id : String(a.id) < String(b.id) ? -1 : 1));
}

export async function readOne(reader: BranchReader, tableName: string, id: string | number): Promise<FlatRecord | undefined> {
  const rows = await readAll(reader, tableName, { kind: 'idEquals', tableAlias: 't0', value: id });
  return rows[0];
}

export interface PhysicalColumn { type: string; notNull: boolean }
export interface PhysicalIndex { columns: string[]; unique: boolean }

/** Looks at a branch's SQL tables through the engine's own catalog, on a connection of its own. */
export interface Inspector {
  /** User tables (not Strata's catalog tables), sorted. */
  tables(): Promise<string[]>;
  columns(table: string): Promise<Record<string, PhysicalColumn>>;
  /** Secondary indexes (the primary key excluded), sorted. */
  indexes(table: string): Promise<PhysicalIndex[]>;
  /** Where the table's data lives: SQLite rootpage, PostgreSQL relfilenode. */
  storageIdentity(table: string): Promise<number>;
  close(): Promise<void>;
}

export function sqliteBranchFile(dataDir: string, branchId: number): string {
  return path.join(dataDir, 'branches', `branch-${branchId}.db`);
}

export async function inspector(opened: OpenedStorage, branchId: number): Promise<Inspector> {
  if (opened.storage.engine === 'sqlite') {
    const file = sqliteBranchFile(opened.config.dataDir, branchId);
    const withDb = <T>(fn: (db: Database.Database) => T): T => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try { return fn(db); } finally { db.close(); }
    };
    return {
      async tables() {
        return withDb((db) => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_strata%' ESCAPE '\\' AND name <> 'sqlite_sequence' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name));
      },
      async columns(table) {
        return withDb((db) => {
          const rows = db.prepare('SELECT name, type, "notnull" AS nn FROM pragma_table_info(?)').all(table) as Array<{ name: string; type: string; nn: number }>;
          return Object.fromEntries(rows.map((r) => [r.name, { type: r.type.toUpperCase(), notNull: r.nn === 1 }]));
        });
      },
      async indexes(table) {
        return withDb((db) => {
          const list = db.prepare(`SELECT name, "unique" AS u FROM pragma_index_list(?) WHERE origin <> 'pk'`).all(table) as Array<{ name: string; u: number }>;
          return list.map((ix) => ({
            columns: (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(ix.name) as Array<{ name: string }>).map((c) => c.name),
            unique: ix.u === 1,
          })).sort(byColumns);
        });
      },
      async storageIdentity(table) {
        return withDb((db) => {
          const row = db.prepare(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { rootpage: number } | undefined;
          if (!row) throw new Error(`test: no table ${table}`);
          return row.rootpage;
        });
      },
      async close() {},
    };
  }
  const client = new pg.Client({ connectionString: opened.config.databaseUrl });
  await client.connect();
  const schema = `strata_branch_${branchId}`;
  return {
    async tables() {
      const r = await client.query(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname NOT LIKE '\\_strata%' ORDER BY c.relname COLLATE "C"`, [schema]);
      return r.rows.map((row) => row.name as string);
    },
    async columns(table) {
      const r = await client.query(`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`, [schema, table]);
      // Generated columns are the search index's stored tsvectors (postgres-search.ts), never user columns.
      return Object.fromEntries(r.rows.map((row) => [row.name, { type: String(row.type).toUpperCase(), notNull: row.nn === true }]));
    },
    async indexes(table) {
      const r = await client.query(`SELECT i.indisunique AS u, ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND NOT i.indisprimary AND i.indexprs IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_attribute g WHERE g.attrelid = i.indrelid AND g.attnum = ANY (i.indkey) AND g.attgenerated <> '')`, [schema, table]);
      // Expression indexes (the Metadata API's search indexes) and indexes on generated columns (the
      // search index's stored tsvectors, postgres-search.ts) are not column indexes, as _strata tables are Strata's own.
      return r.rows.map((row) => ({ columns: row.cols as string[], unique: row.u === true })).sort(byColumns);
    },
    async storageIdentity(table) {
      const r = await client.query(`SELECT c.relfilenode::int8 AS f FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'`, [schema, table]);
      if (!r.rows[0]) throw new Error(`test: no table ${table}`);
      return Number(r.rows[0].f);
    },
    async close() {
      await client.end();
    },
  };
}

const byColumns = (a: PhysicalIndex, b: PhysicalIndex) => (a.columns.join(',') < b.columns.join(',') ? -1 : a.columns.join(',') > b.columns.join(',') ? 1 : 0);

/** Everything a failed schema change must leave untouched: SQL tables, columns, indexes, catalog, migration log, rows. */
export async function branchSnapshot(store: BranchStore, inspect: Inspector) {
  const tables = await inspect.tables();
  const physical: Record<string, unknown> = {};
  for (const t of tables) physical[t] = { columns: await inspect.columns(t), indexes: await inspect.indexes(t) };
  const catalog = await store.loadCatalog();
  const rows: Record<string, FlatRecord[]> = {};
  for (const t of catalog.tables) rows[t.name] = await readAll(store, t.name);
  return { tables, physical, catalog, migrations: await store.listMigrations(), rows };
}

/** Resolves when `ms` passed; used only to give a competing operation the chance to run. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise with its resolver, to hold a transaction open until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}
