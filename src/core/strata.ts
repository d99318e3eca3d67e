import type { Storage } from '../storage/storage.js';
import { openStorage } from '../storage/open-storage.js';
import { AccountService } from './auth/accounts.js';
import { TokenService } from './auth/tokens.js';
import { SessionService } from './auth/sessions.js';
import { MemberService } from './auth/members.js';
import { DatabaseService } from './databases.js';
import { InstanceSettings } from './instance-settings.js';
import { RecordService } from './records/record-service.js';
import { QueryService } from './query/query-service.js';
import { BatchService } from './records/batch-service.js';
import { AnalyticsService } from './analytics/analytics-service.js';
import { SchemaService } from './schema/schema-service.js';
import { WorkspaceService } from './workspaces.js';
import { XanoTableService } from './schema/xano-tables.js';
import { XanoSchemaService } from './schema/xano-schema.js';
import { SearchService } from './search/search-service.js';

/** The core: every service, built over one storage. HTTP faces and the CLI call only this. */
export class Strata {
  readonly accounts: AccountService;
  readonly tokens: TokenService;
  /** Console sessions (cookie login) and workspace memberships (roles). */
  readonly sessions: SessionService;
  readonly members: MemberService;
  readonly databases: DatabaseService;
  readonly schema: SchemaService;
  readonly records: RecordService;
  readonly queries: QueryService;
  /** Bulk inserts and transactions: many records, one transaction. */
  readonly batches: BatchService;
  readonly analytics: AnalyticsService;
  readonly search: SearchService;
  readonly settings: InstanceSettings;
  /** The Metadata API's views: workspaces (databases), tables by id, Xano-typed columns. */
  readonly workspaces: WorkspaceService;
  readonly xanoTables: XanoTableService;
  readonly xanoSchema: XanoSchemaService;

  constructor(readonly storage: Storage) {
    this.accounts = new AccountService(storage.system);
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
    this.xanoTables = new XanoTableService(this.databases);
    this.xanoSchema = new XanoSchemaService(this.databases, this.xanoTables);
  }

  static async open(config: { dataDir: string; databaseUrl?: string; sqliteSynchronous?: string; pgPoolSize?: number }): Promise<Strata> {
    return new Strata(await openStorage(config));
  }

  /** Whether storage answers (readiness). */
  ping(): Promise<void> {
    return this.storage.ping();
  }

  close(): Promise<void> {
    return this.storage.close();
  }
}
