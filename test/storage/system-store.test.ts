import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { openEngine, uniqueName, type OpenedStorage } from './fixtures.js';
import type { AccountRow, SystemStore, TokenRow } from '../../src/core/ports/storage.js';
import { StrataError } from '../../src/kernel/errors.js';
import { sqliteDialect } from '../../src/storage/sqlite/sqlite-dialect.js';
import { postgresDialect } from '../../src/storage/postgres/postgres-dialect.js';

const account = (over: Partial<AccountRow> = {}): AccountRow => ({
  id: uniqueName('acc'), email: `${uniqueName('u')}@example.com`, name: 'Ada Lovelace',
  passwordHash: 'scrypt$abc$def', isOwner: false, createdAt: '2024-01-02T03:04:05.678Z', ...over,
});
const token = (accountId: string, over: Partial<TokenRow> = {}): TokenRow => ({
  id: uniqueName('tok'), accountId, name: 'ci token', hash: uniqueName('hash'), scopes: 0b1011,
  createdAt: '2024-01-02T03:04:05.678Z', lastUsedAt: null, expiresAt: null, revokedAt: null, ...over,
});

describeEachEngine('storage: system store', (engine) => {
  let opened: OpenedStorage;
  let system: SystemStore;
  const mapError = (err: unknown) => (engine.name === 'sqlite' ? sqliteDialect : postgresDialect).mapError(err);

  beforeAll(async () => {
    opened = await openEngine(engine);
    system = opened.storage.system;
  });
  afterAll(async () => { await opened?.close(); });

  it('reports its engine and answers ping', async () => {
    expect(opened.storage.engine).toBe(engine.name);
    await expect(opened.storage.ping()).resolves.toBeUndefined();
  });

  describe('accounts', () => {
    it('inserts, counts and finds accounts by email and id, fields round-tripping', async () => {
      const before = await system.countAccounts();
      const owner = account({ isOwner: true, name: 'Ünïcode 👩‍💻 "quoted"' });
      const member = account();
      await system.insertAccount(owner);
      await system.insertAccount(member);
      expect(await system.countAccounts()).toBe(before + 2);
      expect(await system.findAccountByEmail(owner.email)).toEqual(owner);
      expect(await system.findAccountById(member.id)).toEqual(member);
      expect((await system.findAccountById(member.id))!.isOwner).toBe(false);
      expect(await system.findAccountByEmail('nobody@example.com')).toBeUndefined();
      expect(await system.findAccountById('acc_missing')).toBeUndefined();
    });

    it('refuses a second account with the same email, as a CONSTRAINT_VIOLATION, and keeps the first', async () => {
      const first = account();
      await system.insertAccount(first);
      const count = await system.countAccounts();
      const err = await system.insertAccount(account({ email: first.email, name: 'impostor' })).then(() => undefined, (e: unknown) => e);
      expect(err).toBeDefined();
      const mapped = mapError(err);
      expect(mapped).toBeInstanceOf(StrataError);
      expect(mapped!.code).toBe('CONSTRAINT_VIOLATION');
      expect(mapped!.message).toContain('email');
      expect(await system.countAccounts()).toBe(count);
      expect((await system.findAccountByEmail(first.email))!.name).toBe(first.name);
    });

    it('refuses a duplicate account id', async () => {
      const first = account();
      await system.insertAccount(first);
      await expect(system.insertAccount(account({ id: first.id }))).rejects.toThrow();
    });
  });

  describe('tokens', () => {
    it('finds a token by hash with its account joined; revoked and expiry fields round-trip', async () => {
      const owner = account({ isOwner: true });
      await system.insertAccount(owner);
      const live = token(owner.id, { expiresAt: '2030-12-31T23:59:59.999Z' });
      const revoked = token(owner.id, { revokedAt: '2024-06-01T00:00:00.000Z', lastUsedAt: '2024-05-31T12:00:00.000Z', scopes: 0 });
      await system.insertToken(live);
      await system.insertToken(revoked);

      const found = await system.findTokenByHash(live.hash);
      expect(found).toEqual({ ...live, account: owner, memberships: [] });
      const foundRevoked = await system.findTokenByHash(revoked.hash);
      expect(foundRevoked).toEqual({ ...revoked, account: owner, memberships: [] });
      expect(foundRevoked!.revokedAt).toBe('2024-06-01T00:00:00.000Z');
      expect(found!.revokedAt).toBeNull();
      expect(found!.lastUsedAt).toBeNull();
      expect(found!.account.isOwner).toBe(true);
      expect(await system.findTokenByHash('no-such-hash')).toBeUndefined();
    });

    it('touchToken records the last use', async () => {
      const owner = account();
      await system.insertAccount(owner);
      const t = token(owner.id);
      await system.insertToken(t);
      await system.touchToken(t.id, '2025-01-01T00:00:00.000Z');
      expect((await system.findTokenByHash(t.hash))!.lastUsedAt).toBe('2025-01-01T00:00:00.000Z');
      await system.touchToken(t.id, '2025-01-02T00:00:00.000Z');
      expect((await system.findTokenByHash(t.hash))!.lastUsedAt).toBe('2025-01-02T00:00:00.000Z');
    });

    it('refuses a duplicate hash and a token of an unknown account', async () => {
      const owner = account();
      await system.insertAccount(owner);
      const t = token(owner.id);
      await system.insertToken(t);
      const dup = await system.insertToken(token(owner.id, { hash: t.hash })).then(() => undefined, (e: unknown) => e);
      expect(mapError(dup)?.code).toBe('CONSTRAINT_VIOLATION');
      await expect(system.insertToken(token('acc_does_not_exist'))).rejects.toThrow();
      expect(await system.findTokenByHash(t.hash)).toMatchObject({ id: t.id });
    });
  });

  describe('databases and branches', () => {
    it('inserts a database and its first branch together', async () => {
      const name = uniqueName('db');
      const ids = await system.insertDatabase(
        { name, region: 'eu-west-1', createdAt: '2024-01-01T00:00:00.000Z', settings: { a: 1, nested: { b: [true, null, 'x'] } } },
        { name: 'main', createdAt: '2024-01-01T00:00:00.000Z', parent: null, metadata: { repository: 'r', stage: 'dev' } },
      );
      expect(Number.isInteger(ids.databaseId)).toBe(true);
      expect(Number.isInteger(ids.branchId)).toBe(true);
      expect(await system.findDatabase(name)).toEqual({
        id: ids.databaseId, name, region: 'eu-west-1', createdAt: '2024-01-01T00:00:00.000Z', settings: { a: 1, nested: { b: [true, null, 'x'] } },
      });
      expect(await system.listBranches(ids.databaseId)).toEqual([{
        id: ids.branchId, databaseId: ids.databaseId, name: 'main', createdAt: '2024-01-01T00:00:00.000Z', parent: null, metadata: { repository: 'r', stage: 'dev' },
      }]);
      const listed = (await system.listDatabases()).find((d) => d.id === ids.databaseId);
      expect(listed).toMatchObject({ name, branchCount: 1 });
      expect(await system.findDatabase(uniqueName('missing'))).toBeUndefined();
    });

    it('rolls the database back when its first branch cannot be inserted', async () => {
      const name = uniqueName('db');
      const before = await system.listDatabases();
      await expect(system.insertDatabase(
        { name, region: 'local', createdAt: '2024-01-01T00:00:00.000Z', settings: {} },
        { name: null as unknown as string, createdAt: '2024-01-01T00:00:00.000Z', parent: null, metadata: {} },
      )).rejects.toThrow();
      expect(await system.findDatabase(name)).toBeUndefined();
      expect(await system.listDatabases()).toEqual(before);
    });

    it('refuses a duplicate database name and leaves no stray branch', async () => {
      const name = uniqueName('db');
      const first = await system.insertDatabase({ name, region: 'local', createdAt: 'c', settings: {} }, { name: 'main', createdAt: 'c', parent: null, metadata: {} });
      const err = await system.insertDatabase({ name, region: 'local', createdAt: 'c', settings: {} }, { name: 'main', createdAt: 'c', parent: null, metadata: {} })
        .then(() => undefined, (e: unknown) => e);
      expect(mapError(err)?.code).toBe('CONSTRAINT_VIOLATION');
      expect((await system.listDatabases()).filter((d) => d.name === name)).toEqual([expect.objectContaining({ id: first.databaseId, branchCount: 1 })]);
    });

    it('lists, finds and deletes branches; names are unique per database', async () => {
      const a = await system.insertDatabase({ name: uniqueName('db'), region: 'local', createdAt: 'c', settings: {} }, { name: 'main', createdAt: 'c', parent: null, metadata: {} });
      const b = await system.insertDatabase({ name: uniqueName('db'), region: 'local', createdAt: 'c', settings: {} }, { name: 'main', createdAt: 'c', parent: null, metadata: {} });
      const dev = await system.insertBranch({ databaseId: a.databaseId, name: 'dev', createdAt: 'c2', parent: 'main', metadata: { k: 'v' } });
      const feature = await system.insertBranch({ databaseId: a.databaseId, name: 'feature-x', createdAt: 'c3', parent: 'dev', metadata: {} });
      expect(dev).toBeGreaterThan(a.branchId);
      expect(feature).toBeGreaterThan(dev);

      expect((await system.listBranches(a.databaseId)).map((br) => br.name)).toEqual(['main', 'dev', 'feature-x']);
      expect((await system.listBranches(b.databaseId)).map((br) => br.name)).toEqual(['main']);
      expect(await system.findBranch(a.databaseId, 'dev')).toEqual({ id: dev, databaseId: a.databaseId, name: 'dev', createdAt: 'c2', parent: 'main', metadata: { k: 'v' } });
      expect(await system.findBranch(b.databaseId, 'dev')).toBeUndefined();
      expect((await system.listDatabases()).find((d) => d.id === a.databaseId)!.branchCount).toBe(3);

      const dup = await system.insertBranch({ databaseId: a.databaseId, name: 'dev', createdAt: 'c', parent: null, metadata: {} }).then(() => undefined, (e: unknown) => e);
      expect(mapError(dup)?.code).toBe('CONSTRAINT_VIOLATION');
      // the same name in another database is fine
      await expect(system.insertBranch({ databaseId: b.databaseId, name: 'dev', createdAt: 'c', parent: null, metadata: {} })).resolves.toBeGreaterThan(0);

      await system.deleteBranch(dev);
      expect(await system.findBranch(a.databaseId, 'dev')).toBeUndefined();
      expect((await system.listBranches(a.databaseId)).map((br) => br.name)).toEqual(['main', 'feature-x']);
      expect((await system.findBranch(b.databaseId, 'dev'))).toBeDefined();
    });

    it('updates settings and deletes a database with its branches', async () => {
      const name = uniqueName('db');
      const ids = await system.insertDatabase({ name, region: 'local', createdAt: 'c', settings: { old: true } }, { name: 'main', createdAt: 'c', parent: null, metadata: {} });
      await system.insertBranch({ databaseId: ids.databaseId, name: 'dev', createdAt: 'c', parent: 'main', metadata: {} });
      await system.updateDatabaseSettings(ids.databaseId, { theme: 'dark', limits: [1, 2, 3] });
      expect((await system.findDatabase(name))!.settings).toEqual({ theme: 'dark', limits: [1, 2, 3] });
      await system.deleteDatabase(ids.databaseId);
      expect(await system.findDatabase(name)).toBeUndefined();
      expect(await system.listBranches(ids.databaseId)).toEqual([]);
      expect((await system.listDatabases()).some((d) => d.id === ids.databaseId)).toBe(false);
    });
  });

  describe('settings', () => {
    it('puts and gets JSON values; missing keys are undefined; a put overwrites', async () => {
      expect(await system.getSetting(uniqueName('missing'))).toBeUndefined();
      const values: unknown[] = [{ a: { b: [1, 'two', null] } }, 'text', 42.5, true, false, [1, 2], null, 0, ''];
      for (const [i, value] of values.entries()) {
        await system.putSetting(`k${i}`, value);
      }
      for (const [i, value] of values.entries()) expect(await system.getSetting(`k${i}`)).toEqual(value);
      await system.putSetting('k0', { replaced: true });
      expect(await system.getSetting('k0')).toEqual({ replaced: true });
    });

    it('concurrent puts of one key all succeed and one of them wins', async () => {
      const key = uniqueName('race');
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => system.putSetting(key, { i })));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const final = (await system.getSetting(key)) as { i: number };
      expect(final.i).toBeGreaterThanOrEqual(0);
      expect(final.i).toBeLessThan(20);
    });
  });
});
