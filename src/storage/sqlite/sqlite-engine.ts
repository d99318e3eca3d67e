import fs from 'node:fs';
import path from 'node:path';
import { DiskBlobStore } from '../blobs/disk-blob-store.js';
import { sql, type Kysely } from 'kysely';
import { BranchSql, catalogDdl, CATALOG_TABLES, type BranchSqlOptions } from '../branch-sql.js';
import { KyselySystemStore } from '../system-store.js';
import { MeteredBlobStore } from '../blobs/metered-blob-store.js';
import type { BranchStore, BranchTx, Storage } from '../../core/ports/storage.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { openSqlite, type SqliteHandle } from './sqlite-connection.js';
import { AsyncMutex } from '../async-mutex.js';
import { KyselyHistoryStore } from '../history-store.js';
import { HISTORY_MIGRATIONS, SYSTEM_MIGRATIONS } from '../system-migrations/system-migration-sets.js';
import { migrateSystemTables } from '../system-migrations/run-system-migrations.js';
import type { ExtraMigrations } from '../system-migrations/extra-migrations.js';
import { StorageFullness, type SpacePart } from '../../core/ports/storage-full.js';
import { sqliteSqlRunner } from './sqlite-sql-run.js';
import { sqliteArchiveStore } from './sqlite-snapshot.js';

/**
 * Embedded storage: `strata.db` holds the instance's own tables; each branch is its own
 * file under `branches/`, so branches are isolated and a branch copy is a file copy.
 * Each file has one writer connection (write transactions are serialised with BEGIN
 * IMMEDIATE) and one read-only connection that sees only committed data.
 */
export async function openSqliteStorage(dataDir: string, options: { synchronous?: string; extraMigrations?: ExtraMigrations } = {}): Promise<Storage> {
  const { extraMigrations, ...opts } = options;
  fs.mkdirSync(path.join(dataDir, 'branches'), { recursive: true });
  const fullness = new StorageFullness();
  // The instance's own files report a refused write as branch files do (507, the same episode).
  const meter = (part: SpacePart) => ({ refused: () => fullness.refused(part), wrote: () => fullness.wrote(part) });
  const systemWriter = openSqlite(path.join(dataDir, 'strata.db'), { ...opts, space: meter('system') });
  await migrateSystemTables(systemWriter.kysely, SYSTEM_MIGRATIONS, { engine: 'sqlite', extra: extraMigrations?.system })
    .catch(async (err) => { await systemWriter.kysely.destroy(); throw err; });
  const systemReader = openSqlite(path.join(dataDir, 'strata.db'), { ...opts, readonly: true });
  // data_version changes when another connection or process (the writer, the CLI) commits.
  const systemVersion = () => systemReader.arrays('PRAGMA data_version', [])[0]![0] as number;
  const system = new KyselySystemStore(systemWriter.kysely, systemReader.kysely, systemReader.arrays, { engine: 'sqlite', changeCounter: systemVersion });
  // Request history in a file of its own: its batched inserts never queue behind data writes.
  const historyWriter = openSqlite(path.join(dataDir, 'history.db'), { ...opts, space: meter('history') });
  await migrateSystemTables(historyWriter.kysely, HISTORY_MIGRATIONS, { engine: 'sqlite', extra: extraMigrations?.history })
    .catch(async (err) => { await historyWriter.kysely.destroy(); await systemReader.kysely.destroy(); await systemWriter.kysely.destroy(); throw err; });
  const historyReader = openSqlite(path.join(dataDir, 'history.db'), { ...opts, readonly: true });
  const branches = new Map<number, SqliteBranchStore>();
  const branchFile = (id: number) => path.join(dataDir, 'branches', `branch-${id}.db`);

  // One process owns the files, so invalidation is a local, synchronous call.
  const listeners: Array<(message: string) => void> = [];
  const notify = (message: string) => { for (const listener of listeners) listener(message); };

  const openBranch = (branchId: number): SqliteBranchStore => {
    let store = branches.get(branchId);
    if (!store) {
      if (!fs.existsSync(branchFile(branchId))) throw new Error(`storage of branch ${branchId} is missing`);
      store = new SqliteBranchStore(openSqlite(branchFile(branchId), opts), openSqlite(branchFile(branchId), { ...opts, readonly: true }), () => notify(`branch:${branchId}`), fullness);
      branches.set(branchId, store);
    }
    return store;
  };

  const blobs = new MeteredBlobStore(new DiskBlobStore(path.join(dataDir, 'blobs'), fullness), system);
  const storage: Storage = {
    engine: 'sqlite',
    system,
    history: new KyselyHistoryStore(historyWriter.kysely, historyReader.kysely),
    blobs,
    archive: sqliteArchiveStore(dataDir, systemWriter.kysely, blobs, branchSqlOptions),
    fullness,
    async branch(branchId) {
      return openBranch(branchId);
    },
    async createBranchStorage(branchId, from) {
      const file = branchFile(branchId);
      if (from) {
        await openBranch(from.branchId).copyInto(file);
        const copy = openSqlite(file, opts);
        if (!from.copyData) {
          // Schema only: empty tables that number from 1 again, as fresh tables do.
          const tables = await sql<{ name: string }>`SELECT "name" FROM ${sql.id(CATALOG_TABLES)}`.execute(copy.kysely);
          for (const t of tables.rows) await sql`DELETE FROM ${sql.id(t.name)}`.execute(copy.kysely);
          const counters = await sql`SELECT 1 FROM "sqlite_master" WHERE "name" = 'sqlite_sequence'`.execute(copy.kysely);
          if (counters.rows.length > 0) await sql`DELETE FROM "sqlite_sequence"`.execute(copy.kysely);
        }
        await copy.kysely.destroy();
      } else {
        const handle = openSqlite(file, opts);
        for (const statement of catalogDdl(branchSqlOptions)) await statement.execute(handle.kysely);
        await handle.kysely.destroy();
      }
    },
    async dropBranchStorage(branchId) {
      const store = branches.get(branchId);
      if (store) {
        branches.delete(branchId);
        await store.close();
      }
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(branchFile(branchId) + suffix, { force: true });
    },
    async publishInvalidation(message) {
      notify(message);
    },
    onInvalidation(listener) {
      listeners.push(listener);
    },
    onChanges() {
      // One process writes the files: the core hears of its own commits directly.
    },
    async ping() {
      systemReader.raw.prepare('SELECT 1').all();
    },
    async close() {
      for (const store of branches.values()) await store.close();
      branches.clear();
      await historyReader.kysely.destroy();
      await historyWriter.kysely.destroy();
      await systemReader.kysely.destroy();
      await systemWriter.kysely.destroy();
    },
  };
  return storage;
}

const branchSqlOptions: BranchSqlOptions = { dialect: sqliteDialect, table: (name) => sql.id(name) };

class SqliteBranchStore extends BranchSql implements BranchStore {
  private readonly mutex = new AsyncMutex();

  constructor(readonly writer: SqliteHandle, private readonly reader: SqliteHandle, private readonly onSchemaCommitted: () => void, private readonly fullness: StorageFullness) {
    super(reader.kysely, {
      ...branchSqlOptions,
      arrays: reader.arrays,
      sql: sqliteSqlRunner(reader),
      // A schema change invalidates prepared statements on both connections.
      afterDdl: () => { writer.clearStatements(); reader.clearStatements(); },
    });
  }

  async transaction<T>(fn: (tx: BranchTx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const tx = new BranchSql(this.writer.kysely as Kysely<any>, { ...this.opts, arrays: this.writer.arrays, run: this.writer.run, sql: sqliteSqlRunner(this.writer) });
      this.writer.run('BEGIN IMMEDIATE', []);
      try {
        const result = await fn(tx);
        this.writer.run('COMMIT', []);
        this.fullness.wrote();
        // Before the next writer gets its turn: it must see the new schema, not a cached one.
        if (tx.didChangeSchema) this.onSchemaCommitted();
        return result;
      } catch (err) {
        if (this.writer.raw.inTransaction) this.writer.run('ROLLBACK', []);
        const mapped = sqliteDialect.mapError(err);
        if (mapped?.code === 'STORAGE_FULL') this.fullness.refused();
        throw mapped ?? err;
      }
    });
  }

  /** Our own writes never change the writer's data_version: only another process's commits do. */
  outsideCommits(): number {
    return this.writer.arrays('PRAGMA data_version', [])[0]![0] as number;
  }

  /**
   * Writes a consistent copy of the committed branch to `file`. It takes its turn with the
   * write transactions: VACUUM cannot run inside one (and would copy its uncommitted rows).
   */
  async copyInto(file: string): Promise<void> {
    await this.mutex.run(async () => {
      this.writer.raw.exec(`VACUUM INTO '${file.replaceAll("'", "''")}'`);
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      await this.reader.kysely.destroy();
      await this.writer.kysely.destroy();
    });
  }
}
