import { sql, type Kysely, type Transaction } from 'kysely';
import type { ArchiveStore, BranchSnapshot, StorageSnapshot } from '../../core/ports/archive-store.js';
import { BranchSql, type BranchSqlOptions } from '../branch-sql.js';
import { clearSystemRows, countArchivedRecords, insertSystemRows, readArchivedRecords, readSystemRows } from '../archive-sql.js';

/**
 * Snapshots of a PostgreSQL instance: one REPEATABLE READ READ ONLY transaction, held open
 * until the snapshot closes, serves every read, file chunks included, so the archive is the
 * database as of one moment while every node goes on writing.
 */
export function postgresArchiveStore(kysely: Kysely<any>, branchOptions: (branchId: number) => BranchSqlOptions): ArchiveStore {
  return {
    async openSnapshot(): Promise<StorageSnapshot> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      let opened!: (trx: Transaction<any>) => void;
      let failed!: (err: unknown) => void;
      const ready = new Promise<Transaction<any>>((resolve, reject) => { opened = resolve; failed = reject; });
      const done = kysely.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        await sql`SET TRANSACTION READ ONLY`.execute(trx);
        await sql`SELECT 1`.execute(trx); // the snapshot is taken at the first statement
        opened(trx);
        await released;
      });
      done.catch(failed);
      const trx = await ready;
      return {
        systemRows: (table, databaseId) => readSystemRows(trx, table, databaseId),
        async branch(branchId): Promise<BranchSnapshot> {
          const opts = branchOptions(branchId);
          const reader = new BranchSql(trx, opts);
          return {
            tables: async () => (await reader.loadCatalog()).tables,
            migrations: () => reader.listMigrations(),
            records: (table, after, limit) => readArchivedRecords(trx, opts, table, after, limit),
            countRecords: (table) => countArchivedRecords(trx, opts, table),
            nextId: (table) => opts.dialect.nextIdentity(trx, opts.table(table.name), table.name),
          };
        },
        async blob(key) {
          const found = await sql<{ chunks: number }>`SELECT (SELECT COUNT(*)::int FROM "blob_chunks" c WHERE c."key" = b."key") AS "chunks"
            FROM "blobs" b WHERE b."key" = ${key} AND b."complete"`.execute(trx);
          if (found.rows.length === 0) return undefined;
          const chunks = found.rows[0]!.chunks;
          return (async function* () {
            for (let seq = 0; seq < chunks; seq++) {
              const r = await sql<{ data: Buffer }>`SELECT "data" FROM "blob_chunks" WHERE "key" = ${key} AND "seq" = ${seq}`.execute(trx);
              const data = r.rows[0]?.data;
              if (!data) throw new Error(`blob ${key}: chunk ${seq} is missing`);
              yield data;
            }
          })();
        },
        async close() {
          release();
          await done;
        },
      };
    },
    clearSystemRows: () => clearSystemRows(kysely),
    insertSystemRows: (table, rows) => insertSystemRows(kysely, 'postgres', table, rows),
  };
}
