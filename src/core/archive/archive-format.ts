import type { TableRecord } from '../../kernel/model/table-model.js';
import type { ArchivedRecord, SystemRow, SystemTableName } from '../ports/archive-store.js';
import type { EngineName, MigrationRow } from '../ports/storage.js';

/**
 * The Strata archive (docs/archive-format.md): gzip'd NDJSON, a header first, typed lines,
 * a trailer last with the SHA-256 of every line before it. One format for the CLI's backups
 * and the Metadata API's workspace exports.
 */
export const ARCHIVE_FORMAT = 'strata-archive';
export const ARCHIVE_VERSION = 1;

/** What an archive holds: the whole instance, or one workspace (database), with or without its content. */
export type ArchiveScope =
  /** `withoutAccess`: no accounts, tokens or members (a restore then starts like a fresh install: a new owner at first start). */
  | { kind: 'instance'; withoutAccess?: true }
  | { kind: 'database'; name: string; content: 'full' | 'schema' };

export interface HeaderLine {
  t: 'header'; format: typeof ARCHIVE_FORMAT; version: number; engine: EngineName; createdAt: string; scope: ArchiveScope;
  /** A workspace archive's Xano branches (optional, added within version 1: a reader that does not know it ignores it). */
  xanoBranches?: ArchivedXanoBranches;
}

/**
 * The Xano branches among the branches a workspace archive holds, as the workspace's settings
 * keep them (xano-branches.ts): by label, the Strata branch behind each (by name), its
 * description, colour and creation time; `live`: the label of the live one when the archive holds it;
 * `dataSourceColors`: the colours of v1's data sources it holds, by data source label.
 */
export interface ArchivedXanoBranches {
  live?: string;
  dataSourceColors?: Record<string, string>;
  branches: Record<string, { branch: string; description: string; color: string; createdAt: string }>;
}
/** A row of the instance's tables (accounts, tokens, databases, branches, members, settings, library files). */
export interface SystemLine { t: 'system'; table: SystemTableName; row: SystemRow }
/** A branch's tables (catalog records: columns, options, Xano metadata and indexes) and their next generated ids. */
export interface SchemaLine { t: 'schema'; branch: number; tables: TableRecord[]; nextIds: Record<string, number> }
export interface MigrationLine { t: 'migration'; branch: number; row: MigrationRow }
/** Up to RECORDS_PER_LINE records of one table, in id order. */
export interface RecordsLine { t: 'records'; branch: number; table: string; rows: ArchivedRecord[] }
/** A blob's start; its bytes follow as `blob-part` lines (base64), then `blob-end`. `owner`: the workspace it counts against. */
export interface BlobLine { t: 'blob'; key: string; owner: number | null }
export interface BlobPartLine { t: 'blob-part'; key: string; data: string }
export interface BlobEndLine { t: 'blob-end'; key: string; size: number }
export interface TrailerLine { t: 'trailer'; sha256: string; lines: number; counts: ArchiveCounts }

export interface ArchiveCounts { system: number; tables: number; migrations: number; records: number; blobs: number; blobBytes: number; missingBlobs: number }

export type BodyLine = SystemLine | SchemaLine | MigrationLine | RecordsLine | BlobLine | BlobPartLine | BlobEndLine;
export type ArchiveLine = HeaderLine | BodyLine | TrailerLine;

export const RECORDS_PER_LINE = 500;
/** Raw bytes per blob-part line (base64 makes it a third more). */
export const BLOB_PART_BYTES = 256 * 1024;

export const emptyCounts = (): ArchiveCounts => ({ system: 0, tables: 0, migrations: 0, records: 0, blobs: 0, blobBytes: 0, missingBlobs: 0 });

/**
 * The instance setting that remembers the last backup, so every node's /metrics (and the CLI's
 * backups) agree. Not restored: a restored instance has not been backed up yet.
 */
export const LAST_BACKUP_SETTING = 'archive.lastBackup';
