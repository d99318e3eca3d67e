import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { BranchSchema, TableModel, TableRecord } from '../../kernel/model/table-model.js';
import type { SelectPlan } from '../../kernel/plans/select-plan.js';
import type { GroupPlan, NearestPlan, NearestResult } from '../../kernel/plans/group-plan.js';
import type { SearchHits, SearchPlan, TermToExpand } from '../../kernel/plans/search-plan.js';
import type { TableIndex } from '../../kernel/model/table-index.js';
import type { HistoryStore } from './history-store.js';
import type { ChangeInput, ChangeRow } from './change-log.js';
import type { BlobStore } from './blob-store.js';
import type { StorageFullness } from './storage-full.js';
import type { RateCounters } from './rate-counters.js';
import type { ArchiveStore, ArchiveWriteTx } from './archive-store.js';

/** A record insertRecords writes: its id, values, and optionally its own version and timestamps (epoch ms). */
export interface NewRecordRow {
  id: string | number;
  values: Map<LeafColumn, unknown>;
  version?: number;
  createdAt?: number;
  updatedAt?: number;
}
export type RecordStamps = Pick<NewRecordRow, 'version' | 'createdAt' | 'updatedAt'>;

/**
 * The one storage interface. Core services call these; each engine (sqlite/, postgres/)
 * implements them. Nothing here knows about HTTP or tokens.
 */
export type EngineName = 'sqlite' | 'postgres';

export interface AccountRow { id: string; email: string; name: string; passwordHash: string; isOwner: boolean; createdAt: string }
export interface TokenRow {
  id: string; accountId: string; name: string; hash: string; scopes: number;
  createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null;
}
/** A workspace membership: `role` is one of core/auth/roles.ts; `permissions` a custom mask replacing the role's. */
export interface MembershipRow { databaseId: number; databaseName: string; role: string; permissions: number | null }
/** A console session: `id` is the SHA-256 of the cookie's secret. */
export interface SessionRow { id: string; accountId: string; createdAt: string; expiresAt: string }
export interface DatabaseRow { id: number; name: string; region: string; createdAt: string; settings: Record<string, unknown> }
/** A file in a workspace's file library (the Metadata API's `/workspace/{id}/file`). */
export interface WorkspaceFileRow {
  id: number; databaseId: number; createdAt: string; name: string; size: number;
  type: 'image' | 'video' | 'audio' | 'attachment'; mime: string; access: 'public' | 'private'; blobKey: string; path: string;
}
export interface WorkspaceFileQuery {
  search?: string; access?: 'public' | 'private'; sort: 'created_at' | 'name' | 'size' | 'mime'; order: 'asc' | 'desc'; limit: number; offset: number;
}
export interface BranchRow {
  id: number; databaseId: number; name: string; createdAt: string;
  parent: string | null; metadata: Record<string, unknown>;
}

/** Accounts, tokens, memberships and sessions beyond the hot path (storage/access-store.ts). */
export interface AccessStore {
  /** Inserts an account; answers whether it is an instance owner (asked for, or the instance's first, race-free). */
  insertAccountClaimingOwner(row: Omit<AccountRow, 'isOwner'>, owner?: boolean): Promise<boolean>;
  listAccounts(): Promise<AccountRow[]>;
  updateAccount(id: string, patch: { name?: string; passwordHash?: string; isOwner?: boolean }): Promise<void>;
  deleteAccount(id: string): Promise<void>;
  countOwners(): Promise<number>;
  /**
   * First-run setup, in one transaction: clears the pending marker (settings `key`, holding the
   * account's id), sets the account's email, name and password, and ends its sessions but
   * `keepSession`. False (and nothing changed) when the marker does not name this account.
   */
  completeAccountSetup(accountId: string, key: string, patch: { email: string; name: string; passwordHash: string }, keepSession: string | undefined, now: string): Promise<boolean>;

  listTokens(accountId: string): Promise<TokenRow[]>;
  /** Inserts the token unless the account has `max` active tokens already (atomic); answers whether it did. */
  insertTokenWithin(row: TokenRow, max: number, now: string): Promise<boolean>;
  revokeToken(accountId: string, tokenId: string, at: string): Promise<boolean>;
  /** Revokes every active token of the account; answers how many. */
  revokeTokens(accountId: string, at: string): Promise<number>;

  membershipsOf(accountId: string): Promise<MembershipRow[]>;
  listMembers(databaseId: number): Promise<Array<{ account: Omit<AccountRow, 'passwordHash'>; role: string; permissions: number | null; createdAt: string }>>;
  putMember(accountId: string, databaseId: number, role: string, permissions: number | null, at: string): Promise<void>;
  deleteMember(accountId: string, databaseId: number): Promise<boolean>;

  insertSession(row: SessionRow): Promise<void>;
  findSession(id: string): Promise<(SessionRow & { account: AccountRow; memberships: MembershipRow[] }) | undefined>;
  deleteSession(id: string): Promise<void>;
  deleteSessions(accountId: string, keep: string | undefined, now: string): Promise<void>;
}

export interface SystemStore extends AccessStore {
  countAccounts(): Promise<number>;
  insertAccount(row: AccountRow): Promise<void>;
  findAccountByEmail(email: string): Promise<AccountRow | undefined>;
  findAccountById(id: string): Promise<AccountRow | undefined>;

  insertToken(row: TokenRow): Promise<void>;
  /**
   * The hot path of every request: one indexed lookup (the account's memberships come in the
   * same statement). Memoised only where a change from anywhere is detectable (SQLite's
   * data_version), so revocations and role changes count from the next request.
   */
  findTokenByHash(hash: string): Promise<(TokenRow & { account: AccountRow; memberships: MembershipRow[] }) | undefined>;
  touchToken(id: string, at: string): Promise<void>;

  listDatabases(): Promise<Array<DatabaseRow & { branchCount: number }>>;
  findDatabase(name: string): Promise<DatabaseRow | undefined>;
  /** Inserts the database and its first branch in one transaction; returns their ids. */
  insertDatabase(row: Omit<DatabaseRow, 'id'>, firstBranch: Omit<BranchRow, 'id' | 'databaseId'>): Promise<{ databaseId: number; branchId: number }>;
  deleteDatabase(id: number): Promise<void>;
  updateDatabaseSettings(id: number, settings: Record<string, unknown>): Promise<void>;
  /** Renames a database; its branches' storage is keyed by id, so nothing else moves. */
  renameDatabase(id: number, name: string): Promise<void>;

  listBranches(databaseId: number): Promise<BranchRow[]>;
  findBranch(databaseId: number, name: string): Promise<BranchRow | undefined>;
  insertBranch(row: Omit<BranchRow, 'id'>): Promise<number>;
  deleteBranch(id: number): Promise<void>;

  insertWorkspaceFile(row: Omit<WorkspaceFileRow, 'id'>): Promise<WorkspaceFileRow>;
  listWorkspaceFiles(databaseId: number, query: WorkspaceFileQuery): Promise<WorkspaceFileRow[]>;
  /** One file of the workspace, by id or by path; undefined when the workspace has none such. */
  findWorkspaceFile(databaseId: number, ref: { id: number } | { path: string }): Promise<WorkspaceFileRow | undefined>;
  /** Deletes these files of the workspace; answers the rows deleted (their blobs are the caller's to release). */
  deleteWorkspaceFiles(databaseId: number, ids: number[]): Promise<WorkspaceFileRow[]>;
  /** Library files' blob keys: of one workspace (`databaseId`), and/or only those among `among` (gc's page of candidates). */
  workspaceFileBlobKeys(filter?: { databaseId?: number; among?: string[] }): Promise<string[]>;

  /** The workspace quota's ledger: bytes of blobs written for a workspace (library and record files), by blob key. */
  noteBlobUsage(key: string, databaseId: number, size: number): Promise<void>;
  forgetBlobUsage(keys: string[]): Promise<void>;
  /** The bytes of the workspace's blobs: one indexed SUM. */
  blobUsage(databaseId: number): Promise<number>;

  getSetting(key: string): Promise<unknown>;
  putSetting(key: string, value: unknown): Promise<void>;
  /** The setting's value, storing `initial` first if it has none (atomic across nodes). */
  settingOrInit(key: string, initial: unknown): Promise<unknown>;
}

/** A raw row from a SelectPlan: values keyed by field index, already decoded to logical values. */
export type PlanRow = unknown[];

export interface MigrationRow { id: string; parentId: string; createdAt: string; operations: unknown[] }

/** A value to write: a plain value, or an atomic numeric update applied in SQL. */
export type WriteValue =
  | { kind: 'set'; value: unknown }
  | { kind: 'op'; op: '+' | '-' | '*' | '/'; operand: number };

/**
 * A SELECT of the SQL subset to run on the branch (storage/sql/ compiles it per engine):
 * the statement's tree as core/sql checked it, its parameters, and its bounds.
 */
export interface SqlRun {
  select: Record<string, unknown>;
  params: readonly unknown[];
  schema: BranchSchema;
  /** Rows answered at most (one more is read to tell that the answer was cut). */
  maxRows: number;
  timeoutMs: number;
}
export interface SqlRows { columns: Array<{ name: string; type: string }>; rows: unknown[][]; truncated: boolean }

export interface BranchReader {
  /**
   * Runs a SELECT of the SQL subset with only this branch's tables in reach (PostgreSQL: a role
   * with SELECT on them alone, the branch's search_path, read-only outside write transactions).
   */
  runSql(run: SqlRun): Promise<SqlRows>;
  /** The branch's tables and last migration (its id and time); `forUpdate` locks the catalog until commit (schema changes). */
  loadCatalog(forUpdate?: boolean): Promise<{ tables: TableRecord[]; lastMigrationId: string; lastMigrationAt: string }>;
  /** Runs a plan; `cacheKey` names its shape so the compiled SQL is reused with new parameters. */
  select(plan: SelectPlan, cacheKey?: string): Promise<PlanRow[]>;
  /** Version of a record, or undefined when it does not exist (locks it for update on PostgreSQL). */
  recordVersion(table: TableModel, id: string | number): Promise<number | undefined>;
  /** Which of these ids exist in the table (locks them against deletion until commit on PostgreSQL). */
  existingIds(table: TableModel, ids: Array<string | number>): Promise<Set<string>>;
  countRows(table: TableModel): Promise<number>;
  listMigrations(): Promise<MigrationRow[]>;
  /** Runs a grouped plan (summaries, aggregations): one row per group, its keys then its measures. */
  group(plan: GroupPlan): Promise<PlanRow[]>;
  /** The rows nearest to a vector, best first, and how many matched (exact: scores every row matching the filter). */
  nearest(plan: NearestPlan): Promise<NearestResult>;

  // full-text search (search-index-sql.ts, search-sql.ts)
  /** Whether the table's search index exists and covers its current searchable columns. */
  searchIndexReady(table: TableModel): Promise<boolean>;
  /** For each term, the index terms within its edits (of a prefix of them, for prefix terms), nearest first. */
  searchTermVariants(table: TableModel, terms: TermToExpand[]): Promise<string[][]>;
  /** Runs a search: a page of hits, best first, and the number of matches. */
  search(plan: SearchPlan): Promise<SearchHits>;

  // change log (change-log-sql.ts)
  /** Committed changes of the branch after `afterSeq`, in order. */
  readChanges(branchId: number, afterSeq: number, limit: number): Promise<ChangeRow[]>;
  /** The last sequence number handed out (0 when none). */
  changeHead(branchId: number): Promise<number>;
}

export interface BranchTx extends BranchReader, ArchiveWriteTx {
  // catalog and DDL (one transaction: a failed change leaves the table as it was)
  createTable(table: TableRecord, linkTargets: Map<string, TableModel>): Promise<void>;
  renameTable(table: TableModel, newName: string): Promise<void>;
  dropTable(table: TableModel): Promise<void>;
  addColumn(table: TableModel, leaf: LeafColumn, linkTarget: TableModel | undefined, fill: unknown): Promise<void>;
  renameColumn(table: TableModel, from: string, to: string): Promise<void>;
  dropColumn(table: TableModel, leaf: LeafColumn): Promise<void>;
  saveTableRecord(table: TableRecord): Promise<void>;
  deleteTableRecord(tableId: number): Promise<void>;
  nextTableId(): Promise<number>;
  insertMigration(row: MigrationRow): Promise<void>;
  /** Marks the branch schema as changed: caches on every node are dropped when this commits. */
  markSchemaChanged(): void;
  /**
   * Builds or updates the table's search index to cover its searchable columns. Schema changes
   * do this themselves (saveTableRecord); this is for tables without one yet.
   */
  syncSearchIndex(table: TableModel): Promise<void>;
  /**
   * Builds one of the Metadata API's indexes as a real engine index (index-sql.ts): a unique
   * index over duplicates, or a kind the engine lacks, fails with a 4xx StrataError.
   */
  createIndex(table: TableModel, index: TableIndex): Promise<void>;
  dropIndex(table: TableModel, index: TableIndex): Promise<void>;

  // records
  insertRecord(table: TableModel, id: string | null, values: Map<LeafColumn, unknown>, now: number): Promise<string | number>;
  /**
   * Inserts many new records under known ids in few statements (multi-row INSERTs), for
   * imports and restores; rows are grouped by the columns they set. Same encoding and rules as
   * insertRecord. A row's version and timestamps default to 0 and `now` (a migrated record keeps its own).
   */
  insertRecords(table: TableModel, rows: NewRecordRow[], now: number): Promise<void>;
  /**
   * Updates a record; `replace` nulls every column not given. Returns the number of rows changed.
   * Version checks (`ifVersion`) are the core's: it reads `recordVersion` in the same transaction.
   */
  updateRecord(table: TableModel, id: string | number, values: Map<LeafColumn, WriteValue>, now: number, opts: { replace?: boolean }): Promise<number>;
  deleteRecord(table: TableModel, id: string | number): Promise<number>;
  /** Deletes every record of the table; `resetIds` restarts an integer id sequence at 1. Returns the number deleted. */
  truncateRecords(table: TableModel, opts: { resetIds: boolean }): Promise<number>;
  /** Sets link columns pointing at deleted ids (or, after a truncate, at any id) to null (links behave like ON DELETE SET NULL). */
  clearLinksTo(table: TableModel, column: LeafColumn, ids: Array<string | number> | 'all'): Promise<void>;
  /** Creates the change log's tables if the branch has none yet. */
  ensureChangeLog(): Promise<void>;
  /** Appends this transaction's changes to the log (and tells other nodes on commit); answers the last sequence number. */
  appendChanges(branchId: number, rows: ChangeInput[], retain: number): Promise<number>;
  /**
   * Runs fn inside a savepoint: should it fail, its own writes are undone and the transaction
   * goes on (PostgreSQL can run statements again after an error). Savepoints do not nest here.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
}

export interface BranchStore extends BranchReader {
  /** Runs fn in one write transaction. On SQLite writes are serialised; on PostgreSQL they run in parallel. */
  transaction<T>(fn: (tx: BranchTx) => Promise<T>): Promise<T>;
  /**
   * A number that changes whenever another process commits to this branch (SQLite: the writer
   * connection's `PRAGMA data_version`), so caches notice changes nobody announced. Absent where
   * every writer announces its schema changes (PostgreSQL: NOTIFY).
   */
  outsideCommits?(): number;
}

export interface Storage {
  readonly engine: EngineName;
  readonly system: SystemStore;
  /** Request history (history-store.ts): apart from the data, so recording never waits for a data writer. */
  readonly history: HistoryStore;
  /** File contents (blobs/): on disk under DATA_DIR with SQLite, in PostgreSQL itself with PostgreSQL (shared by every node). */
  readonly blobs: BlobStore;
  /** Consistent snapshots for backups, and the row writes of a restore (archive-store.ts). */
  readonly archive: ArchiveStore;
  /** Rate-limit counters every node shares (PostgreSQL); absent when one process owns the storage (SQLite), which counts in memory. */
  readonly rateCounters?: RateCounters;
  branch(branchId: number): Promise<BranchStore>;
  /** Creates the branch's storage, empty or as a copy (schema, and data when asked) of another branch. */
  createBranchStorage(branchId: number, from?: { branchId: number; copyData: boolean }): Promise<void>;
  dropBranchStorage(branchId: number): Promise<void>;
  /** Tells other nodes that a branch's schema or the branch list changed (a no-op on SQLite). */
  publishInvalidation(message: string): Promise<void>;
  onInvalidation(listener: (message: string) => void): void;
  /** Another node (or this one) committed changes to a branch's log, up to `seq` (PostgreSQL; SQLite never calls). */
  onChanges(listener: (branchId: number, seq: number) => void): void;
  ping(): Promise<void>;
  /** Whether the last write was refused for want of space (SQLite: the disk or a file's size limit), for /ready and /metrics. */
  readonly fullness?: StorageFullness;
  /** The connection pool's state, for metrics (PostgreSQL; SQLite has no pool). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /** The LISTEN connection that hears other nodes (PostgreSQL): up or not, and how often it was made again. */
  listenerStats?(): { connected: boolean; reconnects: number };
  close(): Promise<void>;
}
