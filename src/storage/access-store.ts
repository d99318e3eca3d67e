import { StrataError } from '../kernel/errors.js';
import { sql, type Kysely } from 'kysely';
import type { AccountRow, MembershipRow, SessionRow, TokenRow } from '../core/ports/storage.js';

/**
 * Who may do what: workspace memberships, console sessions, and the token and account
 * management that is not on the hot path (the per-request token lookup is in
 * system-store.ts). Both engines, one implementation over Kysely.
 */
export interface AccessTables {
  members: { account_id: string; database_id: number; role: string; permissions: number | null; created_at: string };
  sessions: { id: string; account_id: string; created_at: string; expires_at: string };
}

/**
 * The memberships of the account of the row being selected (`<table>.account_id`), as JSON
 * text `[[database_id, name, role, permissions], …]`, in the same statement as the token
 * lookup so a request still costs one query. Instance owners need none (NULL).
 */
export function membershipsJson(engine: 'sqlite' | 'postgres', from: string) {
  const agg = engine === 'sqlite'
    ? sql`json_group_array(json_array(m.database_id, d.name, m.role, m.permissions))`
    : sql`json_agg(json_build_array(m.database_id, d.name, m.role, m.permissions))::text`;
  return sql<string | null>`CASE WHEN accounts.is_owner = 1 THEN NULL ELSE (SELECT ${agg} FROM members m JOIN databases d ON d.id = m.database_id WHERE m.account_id = ${sql.ref(`${from}.account_id`)}) END`;
}

export function parseMemberships(json: string | null): MembershipRow[] {
  if (!json) return [];
  return (JSON.parse(json) as Array<[number, string, string, number | null]>).map(([id, name, role, permissions]) => ({
    databaseId: Number(id), databaseName: name, role, permissions: permissions === null ? null : Number(permissions),
  }));
}

const FIRST_OWNER_KEY = 'instance:first-owner';

export class KyselyAccessStore {
  constructor(protected readonly writer: Kysely<any>, protected readonly reader: Kysely<any>, protected readonly engine: 'sqlite' | 'postgres') {}

  /**
   * Inserts an account; it is the instance owner when it is the instance's first. The claim
   * is an insert-if-absent of one settings row, guarded by "no account yet", in the account's
   * transaction: of two concurrent first creations (two CLIs, two nodes) only one inserts it.
   */
  async insertAccountClaimingOwner(a: Omit<AccountRow, 'isOwner'>, owner = false): Promise<boolean> {
    return this.writer.transaction().execute(async (trx) => {
      await sql`INSERT INTO "settings" ("key", "value") SELECT ${FIRST_OWNER_KEY}, ${JSON.stringify(a.id)}
        WHERE NOT EXISTS (SELECT 1 FROM "accounts") ON CONFLICT ("key") DO NOTHING`.execute(trx);
      const claim = await trx.selectFrom('settings').select('value').where('key', '=', FIRST_OWNER_KEY).executeTakeFirst();
      const isOwner = owner || claim?.value === JSON.stringify(a.id);
      await trx.insertInto('accounts').values({
        id: a.id, email: a.email, name: a.name, password_hash: a.passwordHash, is_owner: isOwner ? 1 : 0, created_at: a.createdAt,
      }).execute();
      return isOwner;
    });
  }

  async listAccounts(): Promise<AccountRow[]> {
    const rows = await this.reader.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r: any) => ({ id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash, isOwner: Number(r.is_owner) === 1, createdAt: r.created_at }));
  }
  async updateAccount(id: string, patch: { name?: string; passwordHash?: string; isOwner?: boolean }): Promise<void> {
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    if (patch.isOwner !== undefined) set.is_owner = patch.isOwner ? 1 : 0;
    if (Object.keys(set).length) await this.writer.updateTable('accounts').set(set).where('id', '=', id).execute();
  }
  /** Deletes an account with its tokens, sessions and memberships (explicitly: SQLite's foreign keys are off). */
  async deleteAccount(id: string): Promise<void> {
    await this.writer.transaction().execute(async (trx) => {
      for (const table of ['tokens', 'sessions', 'members']) await trx.deleteFrom(table).where('account_id', '=', id).execute();
      await trx.deleteFrom('accounts').where('id', '=', id).execute();
    });
  }
  async completeAccountSetup(accountId: string, key: string, patch: { email: string; name: string; passwordHash: string }, keepSession: string | undefined, now: string): Promise<boolean> {
    return this.writer.transaction().execute(async (trx) => {
      // Deleting the marker first claims the setup: of two concurrent completions only one deletes it.
      const claimed = await trx.deleteFrom('settings').where('key', '=', key).where('value', '=', JSON.stringify(accountId)).executeTakeFirst();
      if (Number(claimed.numDeletedRows) === 0) return false;
      try {
        await trx.updateTable('accounts').set({ email: patch.email, name: patch.name, password_hash: patch.passwordHash }).where('id', '=', accountId).execute();
      } catch (err) {
        // Another account took the email between the caller's check and this write.
        const code = (err as { code?: string }).code;
        if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StrataError('ALREADY_EXISTS', `an account with email [${patch.email}] already exists`, { param: 'email' });
        throw err;
      }
      await trx.deleteFrom('sessions').where((eb) => eb.or([
        eb.and([eb('account_id', '=', accountId), ...(keepSession ? [eb('id', '!=', keepSession)] : [])]),
        eb('expires_at', '<=', now),
      ])).execute();
      return true;
    });
  }
  async countOwners(): Promise<number> {
    const r = await this.reader.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('is_owner', '=', 1).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async listTokens(accountId: string): Promise<TokenRow[]> {
    const rows = await this.reader.selectFrom('tokens').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r: any) => ({
      id: r.id, accountId: r.account_id, name: r.name, hash: r.hash, scopes: Number(r.scopes), createdAt: r.created_at,
      lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
    }));
  }
  /**
   * Inserts a token unless the account already has `max` active ones (not revoked, not expired
   * at `now`). Count and insert are one transaction, serialised per account (the account row
   * is locked on PostgreSQL; SQLite has one writer), so concurrent creations cannot pass the limit.
   */
  async insertTokenWithin(t: TokenRow, max: number, now: string): Promise<boolean> {
    return this.writer.transaction().execute(async (trx) => {
      if (this.engine === 'postgres') await sql`SELECT 1 FROM "accounts" WHERE "id" = ${t.accountId} FOR UPDATE`.execute(trx);
      const r = await trx.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', t.accountId).where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).executeTakeFirst();
      if (Number(r?.n ?? 0) >= max) return false;
      await trx.insertInto('tokens').values({
        id: t.id, account_id: t.accountId, name: t.name, hash: t.hash, scopes: t.scopes, created_at: t.createdAt,
        last_used_at: t.lastUsedAt, expires_at: t.expiresAt, revoked_at: t.revokedAt,
      }).execute();
      return true;
    });
  }
  /** Revokes one of the account's tokens; false when it has no such active token. */
  async revokeToken(accountId: string, tokenId: string, at: string): Promise<boolean> {
    const r = await this.writer.updateTable('tokens').set({ revoked_at: at })
      .where('id', '=', tokenId).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeTokens(accountId: string, at: string): Promise<number> {
    const r = await this.writer.updateTable('tokens').set({ revoked_at: at })
      .where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async membershipsOf(accountId: string): Promise<MembershipRow[]> {
    const rows = await this.reader.selectFrom('members').innerJoin('databases', 'databases.id', 'members.database_id')
      .select(['members.database_id', 'databases.name', 'members.role', 'members.permissions'])
      .where('members.account_id', '=', accountId).orderBy('members.database_id').execute();
    return rows.map((r: any) => ({ databaseId: Number(r.database_id), databaseName: r.name, role: r.role, permissions: r.permissions === null ? null : Number(r.permissions) }));
  }
  async listMembers(databaseId: number): Promise<Array<{ account: Omit<AccountRow, 'passwordHash'>; role: string; permissions: number | null; createdAt: string }>> {
    const rows = await this.reader.selectFrom('members').innerJoin('accounts', 'accounts.id', 'members.account_id')
      .select(['accounts.id', 'accounts.email', 'accounts.name', 'accounts.is_owner', 'accounts.created_at as account_created_at',
        'members.role', 'members.permissions', 'members.created_at'])
      .where('members.database_id', '=', databaseId).orderBy('members.created_at').orderBy('accounts.id').execute();
    return rows.map((r: any) => ({
      account: { id: r.id, email: r.email, name: r.name, isOwner: Number(r.is_owner) === 1, createdAt: r.account_created_at },
      role: r.role, permissions: r.permissions === null ? null : Number(r.permissions), createdAt: r.created_at,
    }));
  }
  /** Adds a member or changes its role (one upsert). */
  async putMember(accountId: string, databaseId: number, role: string, permissions: number | null, at: string): Promise<void> {
    await this.writer.insertInto('members').values({ account_id: accountId, database_id: databaseId, role, permissions, created_at: at })
      .onConflict((oc) => oc.columns(['account_id', 'database_id']).doUpdateSet({ role, permissions })).execute();
  }
  async deleteMember(accountId: string, databaseId: number): Promise<boolean> {
    const r = await this.writer.deleteFrom('members').where('account_id', '=', accountId).where('database_id', '=', databaseId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async insertSession(s: SessionRow): Promise<void> {
    await this.writer.insertInto('sessions').values({ id: s.id, account_id: s.accountId, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
  }
  async findSession(id: string): Promise<(SessionRow & { account: AccountRow; memberships: MembershipRow[] }) | undefined> {
    const r: any = await this.reader.selectFrom('sessions').innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['sessions.id', 'sessions.account_id', 'sessions.created_at', 'sessions.expires_at',
        'accounts.email', 'accounts.name', 'accounts.password_hash', 'accounts.is_owner', 'accounts.created_at as account_created_at'])
      .select(membershipsJson(this.engine, 'sessions').as('memberships'))
      .where('sessions.id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id, accountId: r.account_id, createdAt: r.created_at, expiresAt: r.expires_at, memberships: parseMemberships(r.memberships),
      account: { id: r.account_id, email: r.email, name: r.name, passwordHash: r.password_hash, isOwner: Number(r.is_owner) === 1, createdAt: r.account_created_at },
    };
  }
  async deleteSession(id: string): Promise<void> {
    await this.writer.deleteFrom('sessions').where('id', '=', id).execute();
  }
  /** Ends an account's sessions (all but `keep`), and everyone's expired ones. */
  async deleteSessions(accountId: string, keep: string | undefined, now: string): Promise<void> {
    await this.writer.deleteFrom('sessions').where((eb) => eb.or([
      eb.and([eb('account_id', '=', accountId), ...(keep ? [eb('id', '!=', keep)] : [])]),
      eb('expires_at', '<=', now),
    ])).execute();
  }
}
