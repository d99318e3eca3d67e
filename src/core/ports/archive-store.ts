import type { TableModel, TableRecord } from '../../kernel/model/table-model.js';
import type { MigrationRow } from './storage.js';

/**
 * What an archive (core/archive/) needs from an engine: one consistent snapshot to read
 * from while the server goes on writing, and ways to write rows back with their ids,
 * versions and timestamps. Values cross the port as logical values (datetimes as epoch ms,
 * json as values, arrays as arrays), so an archive of one engine restores into the other.
 */

/** The instance's tables an archive carries, in an order that satisfies their references. */
export const ARCHIVED_SYSTEM_TABLES = ['accounts', 'tokens', 'databases', 'branches', 'members', 'settings', 'workspace_files'] as const;
export type SystemTableName = (typeof ARCHIVED_SYSTEM_TABLES)[number];
/** A row of an instance table as stored: column name → text or number (null where empty). */
export type SystemRow = Record<string, string | number | null>;

export interface ArchivedRecord {
  id: string | number;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** Leaf column path → logical value; null columns are left out. */
  values: Record<string, unknown>;
}

export interface BranchSnapshot {
  tables(): Promise<TableRecord[]>;
  migrations(): Promise<MigrationRow[]>;
  /** A page of the table's records in id order, after `after` (from the start when undefined). */
  records(table: TableModel, after: string | number | undefined, limit: number): Promise<ArchivedRecord[]>;
  countRecords(table: TableModel): Promise<number>;
  /** The id an integer-id table hands out next (1 for a fresh table). */
  nextId(table: TableModel): Promise<number>;
}

/**
 * A read-only view of the whole storage as of one moment. PostgreSQL: one REPEATABLE READ
 * READ ONLY transaction holds everything, file chunks included. SQLite: one read transaction
 * per file, all begun when the snapshot opens (each file is consistent in itself; a write
 * that spans files does not exist), blobs read from disk (immutable once written).
 */
export interface StorageSnapshot {
  systemRows(table: SystemTableName, databaseId?: number): Promise<SystemRow[]>;
  branch(branchId: number): Promise<BranchSnapshot>;
  /** The blob's bytes, or undefined when it is gone (released after the snapshot began, SQLite only). */
  blob(key: string): Promise<AsyncIterable<Buffer> | undefined>;
  close(): Promise<void>;
}

export interface ArchiveStore {
  openSnapshot(): Promise<StorageSnapshot>;
  /** Inserts rows as they were archived, ids included, and moves id sequences past them. */
  insertSystemRows(table: SystemTableName, rows: SystemRow[]): Promise<void>;
  /** Deletes every row of the instance's tables (a forced restore; branch storage and blobs are the caller's). */
  clearSystemRows(): Promise<void>;
}

/** The write half a restore uses inside a branch transaction (storage/archive-sql.ts). */
export interface ArchiveWriteTx {
  /** Inserts records with their ids, versions and timestamps (no change log, no triggers of the core). */
  insertArchivedRecords(table: TableModel, rows: ArchivedRecord[]): Promise<void>;
  /** Sets the id an integer-id table hands out next. */
  setNextId(table: TableModel, next: number): Promise<void>;
}
