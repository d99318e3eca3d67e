import { sql, type Kysely } from 'kysely';
import type { AccountRow, BranchRow, DatabaseRow, MembershipRow, SystemStore, TokenRow, WorkspaceFileQuery, WorkspaceFileRow } from '../core/ports/storage.js';
import type { ArrayQuery } from './array-query.js';
import { KyselyAccessStore, membershipsJson, parseMemberships, type AccessTables } from './access-store.js';

/**
 * The instance's own tables (accounts, tokens, databases, branches, settings), one
 * implementation over Kysely for both engines. `reader` serves lookups outside writes
 * (on SQLite a separate read-only connection, so a long write never blocks them).
 */
export interface SystemTables extends AccessTables {
  accounts: { id: string; email: string; name: string; password_hash: string; is_owner: number; created_at: string };
  tokens: {
    id: string; account_id: string; name: string; hash: string; scopes: number; created_at: string;
    last_used_at: string | null; expires_at: string | null; revoked_at: string | null;
  };
  databases: { id: number; name: string; region: string; created_at: string; settings: string };
  branches: { id: number; database_id: number; name: string; created_at: string; parent: string | null; metadata: string };
  settings: { key: string; value: string };
  blob_usage: { blob_key: string; database_id: number; size: number };
  workspace_files: {
    id: number; database_id: number; created_at: string; name: string; size: number; type: string; mime: string;
    access: string; blob_key: string; path: string;
  };
}

const toAccount = (r: SystemTables['accounts']): AccountRow => ({
  id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash, isOwner: Number(r.is_owner) === 1, createdAt: r.created_at,
});
const toWorkspaceFile = (r: SystemTables['workspace_files']): WorkspaceFileRow => ({
  id: Number(r.id), databaseId: Number(r.database_id), createdAt: r.created_at, name: r.name, size: Number(r.size),
  type: r.type as WorkspaceFileRow['type'], mime: r.mime, access: r.access as WorkspaceFileRow['access'], blobKey: r.blob_key, path: r.path,
});
const toDatabase = (r: SystemTables['databases']): DatabaseRow => ({
  id: Number(r.id), name: r.name, region: r.region, createdAt: r.created_at, settings: JSON.parse(r.settings),
});
const toBranch = (r: SystemTables['branches']): BranchRow => ({
  id: Number(r.id), databaseId: Number(r.database_id), name: r.name, createdAt: r.created_at, parent: r.parent, metadata: JSON.parse(r.metadata),
});

type FoundToken = TokenRow & { account: AccountRow; memberships: MembershipRow[] };

export class KyselySystemStore extends KyselyAccessStore implements SystemStore {
  declare protected readonly writer: Kysely<SystemTables>;
  declare protected readonly reader: Kysely<SystemTables>;
  private readonly tokenLookupSql: string;
  private readonly arrays: ArrayQuery;
  private readonly changeCounter: (() => number) | undefined;

  /** Token lookups memoised while `changeCounter` stays the same (see the constructor). */
  private readonly tokenMemo = new Map<string, { counter: number; row: FoundToken }>();

  /**
   * `changeCounter`, when given, must change whenever anything commits to these tables, from
   * any connection or process (SQLite's `PRAGMA data_version`). Token lookups are then served
   * from memory until it changes, so a revocation still counts from the very next request.
   */
  constructor(
    writer: Kysely<SystemTables>, reader: Kysely<SystemTables>, arrays: ArrayQuery,
    options: { engine: 'sqlite' | 'postgres'; changeCounter?: () => number },
  ) {
    super(writer, reader, options.engine);
    this.arrays = arrays;
    this.changeCounter = options.changeCounter;
    // Compiled once: the token lookup runs on every request.
    this.tokenLookupSql = reader.selectFrom('tokens').innerJoin('accounts', 'accounts.id', 'tokens.account_id')
      .select(['tokens.id', 'tokens.account_id', 'tokens.name', 'tokens.hash', 'tokens.scopes', 'tokens.created_at',
        'tokens.last_used_at', 'tokens.expires_at', 'tokens.revoked_at',
        'accounts.email as a_email', 'accounts.name as a_name', 'accounts.password_hash as a_password_hash',
        'accounts.is_owner as a_is_owner', 'accounts.created_at as a_created_at'])
      .select(membershipsJson(options.engine, 'tokens').as('a_memberships'))
      .where('tokens.hash', '=', '?').compile().sql;
  }

  async countAccounts(): Promise<number> {
    const r = await this.reader.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
  async insertAccount(a: AccountRow): Promise<void> {
    await this.writer.insertInto('accounts').values({
      id: a.id, email: a.email, name: a.name, password_hash: a.passwordHash, is_owner: a.isOwner ? 1 : 0, created_at: a.createdAt,
    }).execute();
  }
  async findAccountByEmail(email: string): Promise<AccountRow | undefined> {
    const r = await this.reader.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
    return r && toAccount(r);
  }
  async findAccountById(id: string): Promise<AccountRow | undefined> {
    const r = await this.reader.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toAccount(r);
  }

  async insertToken(t: TokenRow): Promise<void> {
    await this.writer.insertInto('tokens').values({
      id: t.id, account_id: t.accountId, name: t.name, hash: t.hash, scopes: t.scopes, created_at: t.createdAt,
      last_used_at: t.lastUsedAt, expires_at: t.expiresAt, revoked_at: t.revokedAt,
    }).execute();
  }
  async findTokenByHash(hash: string): Promise<FoundToken | undefined> {
    const counter = this.changeCounter?.();
    if (counter !== undefined) {
      const memo = this.tokenMemo.get(hash);
      if (memo && memo.counter === counter) return memo.row;
    }
    const row = (await this.arrays(this.tokenLookupSql, [hash]))[0] as any[] | undefined;
    if (!row) return undefined;
    // Positions follow the select list in the constructor; one literal per object, no copies.
    const found = {
      id: row[0], accountId: row[1], name: row[2], hash: row[3], scopes: Number(row[4]), createdAt: row[5],
      lastUsedAt: row[6], expiresAt: row[7], revokedAt: row[8],
      account: {
        id: row[1], email: row[9], name: row[10], passwordHash: row[11], isOwner: Number(row[12]) === 1, createdAt: row[13],
      },
      memberships: parseMemberships(row[14]),
    };
    if (counter !== undefined) {
      // Only tokens that exist are remembered (unknown secrets cannot grow the map), and at most 10k.
      if (this.tokenMemo.size >= 10_000) this.tokenMemo.clear();
      this.tokenMemo.set(hash, { counter, row: found });
    }
    return found;
  }
  async touchToken(id: string, at: string): Promise<void> {
    await this.writer.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async listDatabases(): Promise<Array<DatabaseRow & { branchCount: number }>> {
    const rows = await this.reader.selectFrom('databases')
      .select(['id', 'name', 'region', 'created_at', 'settings'])
      .select((eb) => eb.selectFrom('branches').whereRef('branches.database_id', '=', 'databases.id').select(eb.fn.countAll<number>().as('n')).as('branch_count'))
      .orderBy('id').execute();
    return rows.map((r) => ({ ...toDatabase(r), branchCount: Number(r.branch_count ?? 0) }));
  }
  async findDatabase(name: string): Promise<DatabaseRow | undefined> {
    const r = await this.reader.selectFrom('databases').selectAll().where('name', '=', name).executeTakeFirst();
    return r && toDatabase(r);
  }
  async insertDatabase(d: Omit<DatabaseRow, 'id'>, b: Omit<BranchRow, 'id' | 'databaseId'>): Promise<{ databaseId: number; branchId: number }> {
    return this.writer.transaction().execute(async (trx) => {
      const db = await trx.insertInto('databases').values({ name: d.name, region: d.region, created_at: d.createdAt, settings: JSON.stringify(d.settings) } as any)
        .returning('id').executeTakeFirstOrThrow();
      const br = await trx.insertInto('branches').values({
        database_id: Number(db.id), name: b.name, created_at: b.createdAt, parent: b.parent, metadata: JSON.stringify(b.metadata),
      } as any).returning('id').executeTakeFirstOrThrow();
      return { databaseId: Number(db.id), branchId: Number(br.id) };
    });
  }
  async deleteDatabase(id: number): Promise<void> {
    await this.writer.transaction().execute(async (trx) => {
      await trx.deleteFrom('branches').where('database_id', '=', id).execute();
      // The library's blobs are deleted by the caller once this commits (DatabaseService.remove).
      await trx.deleteFrom('workspace_files').where('database_id', '=', id).execute();
      await trx.deleteFrom('databases').where('id', '=', id).execute();
    });
  }
  async updateDatabaseSettings(id: number, settings: Record<string, unknown>): Promise<void> {
    await this.writer.updateTable('databases').set({ settings: JSON.stringify(settings) }).where('id', '=', id).execute();
  }

  async renameDatabase(id: number, name: string): Promise<void> {
    await this.writer.updateTable('databases').set({ name }).where('id', '=', id).execute();
  }

  async listBranches(databaseId: number): Promise<BranchRow[]> {
    const rows = await this.reader.selectFrom('branches').selectAll().where('database_id', '=', databaseId).orderBy('id').execute();
    return rows.map(toBranch);
  }
  async findBranch(databaseId: number, name: string): Promise<BranchRow | undefined> {
    const r = await this.reader.selectFrom('branches').selectAll().where('database_id', '=', databaseId).where('name', '=', name).executeTakeFirst();
    return r && toBranch(r);
  }
  async insertBranch(b: Omit<BranchRow, 'id'>): Promise<number> {
    const r = await this.writer.insertInto('branches').values({
      database_id: b.databaseId, name: b.name, created_at: b.createdAt, parent: b.parent, metadata: JSON.stringify(b.metadata),
    } as any).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  }
  async deleteBranch(id: number): Promise<void> {
    await this.writer.deleteFrom('branches').where('id', '=', id).execute();
  }

  async insertWorkspaceFile(f: Omit<WorkspaceFileRow, 'id'>): Promise<WorkspaceFileRow> {
    const r = await this.writer.insertInto('workspace_files').values({
      database_id: f.databaseId, created_at: f.createdAt, name: f.name, size: f.size, type: f.type, mime: f.mime,
      access: f.access, blob_key: f.blobKey, path: f.path,
    } as any).returning('id').executeTakeFirstOrThrow();
    return { ...f, id: Number(r.id) };
  }
  async listWorkspaceFiles(databaseId: number, q: WorkspaceFileQuery): Promise<WorkspaceFileRow[]> {
    let query = this.reader.selectFrom('workspace_files').selectAll().where('database_id', '=', databaseId);
    if (q.access) query = query.where('access', '=', q.access);
    if (q.search) {
      // Case-insensitive substring of the name, with LIKE's wildcards taken literally.
      const pattern = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      query = query.where(sql<boolean>`lower("name") LIKE ${pattern} ESCAPE '\\'`);
    }
    const rows = await query.orderBy(q.sort, q.order).orderBy('id', q.order).limit(q.limit).offset(q.offset).execute();
    return rows.map(toWorkspaceFile);
  }
  async findWorkspaceFile(databaseId: number, ref: { id: number } | { path: string }): Promise<WorkspaceFileRow | undefined> {
    const query = this.reader.selectFrom('workspace_files').selectAll().where('database_id', '=', databaseId);
    const row = await ('id' in ref ? query.where('id', '=', ref.id) : query.where('path', '=', ref.path)).executeTakeFirst();
    return row && toWorkspaceFile(row);
  }
  async deleteWorkspaceFiles(databaseId: number, ids: number[]): Promise<WorkspaceFileRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.writer.deleteFrom('workspace_files').where('database_id', '=', databaseId).where('id', 'in', ids).returningAll().execute();
    return rows.map(toWorkspaceFile);
  }
  async workspaceFileBlobKeys(filter: { databaseId?: number; among?: string[] } = {}): Promise<string[]> {
    if (filter.among?.length === 0) return [];
    let query = this.reader.selectFrom('workspace_files').select('blob_key');
    if (filter.databaseId !== undefined) query = query.where('database_id', '=', filter.databaseId);
    if (filter.among) query = query.where('blob_key', 'in', filter.among);
    const rows = await query.execute();
    return rows.map((r) => r.blob_key);
  }

  async noteBlobUsage(key: string, databaseId: number, size: number): Promise<void> {
    await this.writer.insertInto('blob_usage').values({ blob_key: key, database_id: databaseId, size }).execute();
  }
  async forgetBlobUsage(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) await this.writer.deleteFrom('blob_usage').where('blob_key', 'in', keys.slice(i, i + 1000)).execute();
  }
  async blobUsage(databaseId: number): Promise<number> {
    const r = await this.reader.selectFrom('blob_usage').select((eb) => eb.fn.sum<number>('size').as('n')).where('database_id', '=', databaseId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async getSetting(key: string): Promise<unknown> {
    const r = await this.reader.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r ? JSON.parse(r.value) : undefined;
  }
  async settingOrInit(key: string, initial: unknown): Promise<unknown> {
    // Insert-if-absent, then read: nodes racing to initialise a setting all see the one that won.
    await this.writer.insertInto('settings').values({ key, value: JSON.stringify(initial) })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    const r = await this.writer.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return JSON.parse(r.value);
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    // One atomic upsert: a delete-then-insert lets two concurrent puts of a key collide.
    const json = JSON.stringify(value);
    await this.writer.insertInto('settings').values({ key, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json })).execute();
  }
}
