import type { Storage } from './ports/storage.js';
import { FileService } from './files/file-service.js';
import { FileUrls } from './files/file-urls.js';
import { AccountService } from './auth/accounts.js';
import { AccountSetup } from './auth/account-setup.js';
import { TokenService } from './auth/tokens.js';
import { SessionService } from './auth/sessions.js';
import { MemberService } from './auth/members.js';
import { DatabaseService } from './databases.js';
import { InstanceSettings } from './instance-settings.js';
import { RecordService } from './records/record-service.js';
import { SqlService } from './sql/sql-service.js';
import { QueryService } from './query/query-service.js';
import { BatchService } from './records/batch-service.js';
import { AnalyticsService } from './analytics/analytics-service.js';
import { SchemaService } from './schema/schema-service.js';
import { WorkspaceService } from './workspaces.js';
import { XanoBranchService } from './xano-branches.js';
import { XanoTableService } from './schema/xano-tables.js';
import { XanoSchemaService } from './schema/xano-schema.js';
import { XanoIndexService } from './schema/xano-indexes.js';
import { SearchService } from './search/search-service.js';
import { XanoContentService } from './records/xano-content.js';
import { XanoBulkService } from './records/xano-bulk.js';
import { HistoryService } from './history/history-service.js';
import { branchSecrets } from './history/secret-columns.js';
import { ChangeHub } from './changes/change-hub.js';
import { libraryUsage } from './files/library-usage.js';
import { FileLibrary } from './files/file-library.js';
import { WorkspaceQuota } from './files/workspace-quota.js';
import { DEFAULT_OPS, type OpsConfig } from '../config-ops.js';
import type { RecorderTiming } from './history/history-recorder.js';
import { ArchiveService } from './archive/archive-service.js';

/** The core: every service, built over one storage. HTTP faces and the CLI call only this. */
export class Strata {
  readonly accounts: AccountService;
  /** First-run setup of the owner that first start generated. */
  readonly accountSetup: AccountSetup;
  readonly tokens: TokenService;
  /** Console sessions (cookie login) and workspace memberships (roles). */
  readonly sessions: SessionService;
  readonly members: MemberService;
  readonly databases: DatabaseService;
  readonly schema: SchemaService;
  readonly records: RecordService;
  /** SQL over HTTP: statements of the PostgreSQL subset, reads on the engine, writes through the record rules. */
  readonly sql = new SqlService();
  readonly queries: QueryService;
  /** Bulk inserts and transactions: many records, one transaction. */
  readonly batches: BatchService;
  readonly analytics: AnalyticsService;
  readonly search: SearchService;
  readonly settings: InstanceSettings;
  /** The Metadata API's views: workspaces (databases), tables by id, Xano-typed columns. */
  readonly workspaces: WorkspaceService;
  /** Xano's branches: v1 (main and its data sources) and the Strata branches made as Xano branches. */
  readonly xanoBranches: XanoBranchService;
  readonly xanoTables: XanoTableService;
  readonly xanoSchema: XanoSchemaService;
  readonly xanoIndexes: XanoIndexService;
  /** The Metadata API's records: reads and single writes; writes of many records. */
  readonly xanoContent = new XanoContentService();
  readonly xanoBulk = new XanoBulkService();
  /** Request history of both APIs (recorded by the HTTP layer, batched into storage). */
  readonly history: HistoryService;
  /** Live change streams: the write path feeds them, the HTTP layer subscribes. */
  readonly changes: ChangeHub;
  readonly ops: OpsConfig;
  /** One file of a record, streamed in or out; and the access ids and signatures of file URLs. */
  readonly files = new FileService();
  readonly fileUrls: FileUrls;
  /** Each workspace's file library (the Metadata API's `/workspace/{id}/file`). */
  readonly fileLibrary: FileLibrary;
  /** Backups, restores, workspace exports and imports (core/archive/). */
  readonly archives: ArchiveService = new ArchiveService(this);

  constructor(readonly storage: Storage, ops: Partial<OpsConfig> = {}, historyTiming?: Partial<RecorderTiming>) {
    this.ops = { ...DEFAULT_OPS, ...ops };
    this.accounts = new AccountService(storage.system);
    this.accountSetup = new AccountSetup(storage.system);
    this.tokens = new TokenService(storage.system);
    this.sessions = new SessionService(storage.system);
    this.members = new MemberService(storage.system);
    this.databases = new DatabaseService(storage);
    this.schema = new SchemaService(this.databases);
    this.records = new RecordService();
    this.queries = new QueryService(storage.system);
    this.batches = new BatchService();
    this.analytics = new AnalyticsService();
    this.search = new SearchService();
    this.settings = new InstanceSettings(storage.system);
    this.workspaces = new WorkspaceService(this.databases, this.settings);
    this.xanoBranches = new XanoBranchService(this.databases, this.workspaces, this.settings);
    this.xanoTables = new XanoTableService(this.databases);
    this.xanoSchema = new XanoSchemaService(this.databases, this.xanoTables);
    this.xanoIndexes = new XanoIndexService(this.databases, this.xanoTables);
    this.fileUrls = new FileUrls(storage.system);
    this.history = new HistoryService(storage, branchSecrets(this.databases), this.ops.history, historyTiming);
    this.changes = new ChangeHub(storage, this.ops.changes.retain);
    this.databases.changeSink = this.changes;
    const quota = new WorkspaceQuota(storage.system, this.ops.workspaceQuotaBytes);
    this.databases.files = { blobs: storage.blobs, maxBytes: this.ops.fileMaxBytes, quota, library: { find: (db, ref) => storage.system.findWorkspaceFile(db, ref) } };
    this.fileLibrary = new FileLibrary(storage.system, storage.blobs, this.ops.fileMaxBytes, quota, (db, ids, limit) => libraryUsage(this.databases, storage.system, db, ids, limit));
  }

  /** Whether storage answers (readiness). */
  ping(): Promise<void> {
    return this.storage.ping();
  }

  /** Writes the history still queued, then closes storage. */
  async close(): Promise<void> {
    await this.changes.close();
    await this.history.close().catch(() => undefined);
    await this.storage.close();
  }
}
