import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { ArchiveStore, BranchSnapshot, StorageSnapshot } from '../../core/ports/archive-store.js';
import type { BlobStore } from '../../core/ports/blob-store.js';
import { BranchSql, type BranchSqlOptions } from '../branch-sql.js';
import { clearSystemRows, countArchivedRecords, insertSystemRows, readArchivedRecords, readSystemRows } from '../archive-sql.js';
import { openSqlite, type SqliteHandle } from './sqlite-connection.js';

/**
 * Snapshots of a SQLite DATA_DIR: a read-only connection per file, each in a read transaction
 * begun when the snapshot opens (WAL: writers, this process's or the server's, go on; the
 * snapshot keeps seeing the moment it began). Blobs are read from the disk store: a blob
 * never changes once written, it can only be released.
 */
export function sqliteArchiveStore(dataDir: string, writer: Kysely<any>, blobs: BlobStore, branchOptions: BranchSqlOptions): ArchiveStore {
  const branchFile = (id: number) => path.join(dataDir, 'branches', `branch-${id}.db`);
  const begin = (file: string): SqliteHandle => {
    const handle = openSqlite(file, { readonly: true });
    handle.raw.exec('BEGIN');
    // A deferred transaction takes its snapshot at its first read.
    handle.raw.prepare('SELECT COUNT(*) FROM sqlite_master').all();
    return handle;
  };
  return {
    async openSnapshot(): Promise<StorageSnapshot> {
      const system = begin(path.join(dataDir, 'strata.db'));
      const handles: SqliteHandle[] = [system];
      const branches = new Map<number, SqliteHandle>();
      try {
        const ids = system.raw.prepare('SELECT "id" FROM "branches"').all() as Array<{ id: number }>;
        for (const { id } of ids) {
          if (!fs.existsSync(branchFile(id))) continue;
          const handle = begin(branchFile(id));
          handles.push(handle);
          branches.set(id, handle);
        }
      } catch (err) {
        for (const h of handles) h.raw.close();
        throw err;
      }
      return {
        systemRows: (table, databaseId) => readSystemRows(system.kysely, table, databaseId),
        async branch(branchId): Promise<BranchSnapshot> {
          const handle = branches.get(branchId);
          if (!handle) throw new Error(`storage of branch ${branchId} is missing`);
          const reader = new BranchSql(handle.kysely, branchOptions);
          return {
            tables: async () => (await reader.loadCatalog()).tables,
            migrations: () => reader.listMigrations(),
            records: (table, after, limit) => readArchivedRecords(handle.kysely, branchOptions, table, after, limit),
            countRecords: (table) => countArchivedRecords(handle.kysely, branchOptions, table),
            nextId: (table) => branchOptions.dialect.nextIdentity(handle.kysely, branchOptions.table(table.name), table.name),
          };
        },
        async blob(key) {
          return (await blobs.stat(key)) ? blobs.read(key) : undefined;
        },
        async close() {
          for (const h of handles) {
            if (h.raw.inTransaction) h.raw.exec('COMMIT');
            await h.kysely.destroy();
          }
        },
      };
    },
    clearSystemRows: () => clearSystemRows(writer),
    insertSystemRows: (table, rows) => insertSystemRows(writer, 'sqlite', table, rows),
  };
}
