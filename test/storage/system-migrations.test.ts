import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sql, type Migration } from 'kysely';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { describeEachEngine, postgresEngine, type EngineUnderTest } from '../support/engines.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-engine.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-engine.js';
import type { ExtraMigrations } from '../../src/storage/system-migrations/extra-migrations.js';
import type { Storage } from '../../src/core/ports/storage.js';
import { previousReleaseStart } from './previous-release-schema.js';
import { ROOT } from '../support/processes.js';

/**
 * Strata's own tables are migrated at start (storage/system-migrations): a fresh install gets
 * exactly the previous release's tables, an install that release made is recorded at
 * migration 1 (baseline) and then migrated on, a failed migration leaves nothing behind.
 */
type Config = { dataDir: string; databaseUrl?: string };

const start = (config: Config, extraMigrations?: ExtraMigrations): Promise<Storage> => (config.databaseUrl
  ? openPostgresStorage(config.databaseUrl, { poolSize: 2, extraMigrations })
  : openSqliteStorage(config.dataDir, { extraMigrations }));

/** Rows of a query on the instance's tables: SQLite `strata.db` / `history.db`, PostgreSQL's `strata` schema. */
async function rows(config: Config, file: 'strata.db' | 'history.db', text: string): Promise<any[]> {
  if (!config.databaseUrl) {
    const db = new Database(path.join(config.dataDir, file), { readonly: true });
    try { return db.prepare(text).all(); } finally { db.close(); }
  }
  const client = new pg.Client({ connectionString: config.databaseUrl, options: '-c search_path=strata' });
  await client.connect();
  try { return (await client.query(text)).rows; } finally { await client.end(); }
}

const applied = async (config: Config, file: 'strata.db' | 'history.db', table: string) =>
  (await rows(config, file, `SELECT "name" FROM "${table}" ORDER BY "name"`)).map((r) => r.name);

const hasColumn = async (config: Config, table: string, column: string, file: 'strata.db' | 'history.db' = 'strata.db') => (config.databaseUrl
  ? (await rows(config, file, `SELECT 1 FROM information_schema.columns WHERE table_schema = 'strata' AND table_name = '${table}' AND column_name = '${column}'`)).length > 0
  : (await rows(config, file, `SELECT 1 FROM pragma_table_info('${table}') WHERE name = '${column}'`)).length > 0);

const hasTable = async (config: Config, table: string, file: 'strata.db' | 'history.db' = 'strata.db') => (config.databaseUrl
  ? (await rows(config, file, `SELECT 1 FROM pg_tables WHERE schemaname = 'strata' AND tablename = '${table}'`)).length > 0
  : (await rows(config, file, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${table}'`)).length > 0);

/** Everything the engine knows of the tables (Kysely's own bookkeeping tables left out), normalised for comparison. */
async function describeSchema(config: Config): Promise<unknown> {
  if (!config.databaseUrl) {
    const master = `SELECT "type", "name", "tbl_name", "sql" FROM "sqlite_master" WHERE "tbl_name" NOT LIKE 'kysely%' ORDER BY "name"`;
    const norm = (list: any[]) => list.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ') }));
    return { system: norm(await rows(config, 'strata.db', master)), history: norm(await rows(config, 'history.db', master)) };
  }
  const q = (text: string) => rows(config, 'strata.db', text);
  return {
    columns: await q(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity, identity_generation
      FROM information_schema.columns WHERE table_schema = 'strata' AND table_name NOT LIKE 'kysely%' ORDER BY table_name, ordinal_position`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'strata' AND tablename NOT LIKE 'kysely%' ORDER BY indexname`),
    constraints: await q(`SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = 'strata'::regnamespace AND conrelid::regclass::text NOT LIKE 'kysely%' ORDER BY conname`),
    storage: await q(`SELECT c.relname, a.attname, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = 'strata'::regnamespace AND c.relkind = 'r' AND c.relname NOT LIKE 'kysely%' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`),
  };
}

/** A later release's migration: a column on accounts (and one on request_history). */
const addNote: Migration = { up: (db) => sql`ALTER TABLE "accounts" ADD COLUMN "note" text NOT NULL DEFAULT 'none'`.execute(db).then(() => undefined) };
const addTag: Migration = { up: (db) => sql`ALTER TABLE "request_history" ADD COLUMN "tag" text`.execute(db).then(() => undefined) };

const seed = async (system: any, history: any) => {
  await system.insertInto('accounts').values({ id: 'acc_old', email: 'old@example.com', name: 'Old', password_hash: 'scrypt$x$y', is_owner: 1, created_at: '2026-01-01T00:00:00.000Z' }).execute();
  await system.insertInto('databases').values({ name: 'shop', region: 'local', created_at: '2026-01-01T00:00:00.000Z', settings: '{}' }).execute();
  await system.insertInto('workspace_files').values({ database_id: 1, created_at: '2026-01-01T00:00:00.000Z', name: 'a.png', size: 42, type: 'image', mime: 'image/png', access: 'public', blob_key: 'lib/1', path: '/a.png' }).execute();
  await history.insertInto('request_history').values({ workspace_id: 1, created_at: 1, duration_ms: 1.5, status: 200, verb: 'GET', uri: '/x', request_headers: '{}', response_headers: '{}', response_size: 2 }).execute();
};

describeEachEngine('storage: system table migrations', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });
  const provision = async () => {
    const p = await engine.provision();
    cleanups.push(p.cleanup);
    return p.config;
  };
  const opened = async (storage: Storage) => { cleanups.push(() => storage.close()); return storage; };

  it('fresh install: migrated to the latest migration, tables identical to the previous release\'s', async () => {
    const fresh = await provision();
    await opened(await start(fresh));
    expect(await applied(fresh, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema']);
    expect(await applied(fresh, 'history.db', 'kysely_history_migration')).toEqual(['0001-initial-schema']);
    const previous = await provision();
    await previousReleaseStart(previous);
    expect(await describeSchema(fresh)).toEqual(await describeSchema(previous));
  });

  it('an install the previous release made: baseline recorded, rows kept, a later migration applied', async () => {
    const config = await provision();
    await previousReleaseStart(config, seed);
    const storage = await opened(await start(config, { system: { '0002-test-account-note': addNote }, history: { '0002-test-history-tag': addTag } }));
    expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema', '0002-test-account-note']);
    expect(await applied(config, 'history.db', 'kysely_history_migration')).toEqual(['0001-initial-schema', '0002-test-history-tag']);
    expect(await storage.system.findAccountByEmail('old@example.com')).toMatchObject({ id: 'acc_old', isOwner: true });
    expect(await rows(config, 'strata.db', `SELECT "note" FROM "accounts"`)).toEqual([{ note: 'none' }]);
    expect((await storage.system.listDatabases()).map((d) => d.name)).toEqual(['shop']);
    // The previous release's start filled the quota's ledger from the library: the baseline does too.
    expect(await rows(config, 'strata.db', `SELECT "blob_key", "size" FROM "blob_usage"`)).toEqual([{ blob_key: 'lib/1', size: 42 }]);
    expect(await storage.history.search({ workspaceId: 1, where: [], sort: [], limit: 10, offset: 0, includeOutput: false }))
      .toMatchObject([{ uri: '/x', status: 200 }]);
    expect(await hasColumn(config, 'request_history', 'tag', 'history.db')).toBe(true);
    await storage.close();
    cleanups.pop();
    // A second start finds nothing to do.
    await opened(await start(config, { system: { '0002-test-account-note': addNote }, history: { '0002-test-history-tag': addTag } }));
    expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema', '0002-test-account-note']);
  });

  it('a failing migration is rolled back and the start fails with a clear message', async () => {
    const config = await provision();
    await previousReleaseStart(config, seed);
    const failing: Migration = {
      async up(db) {
        await sql`ALTER TABLE "accounts" ADD COLUMN "half" text`.execute(db);
        throw new Error('boom in the middle');
      },
    };
    await expect(start(config, { system: { '0002-test-account-note': addNote, '0003-test-fails': failing } }))
      .rejects.toThrow(/could not be migrated: migration 0003-test-fails failed \(boom in the middle\); nothing of this start's migrations was applied/);
    expect(await hasColumn(config, 'accounts', 'half')).toBe(false);
    expect(await hasColumn(config, 'accounts', 'note')).toBe(false);
    // Nothing recorded, so the next start is still a baseline.
    await opened(await start(config));
    expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema']);
    expect(await rows(config, 'strata.db', `SELECT "id" FROM "accounts"`)).toEqual([{ id: 'acc_old' }]);
  });

  it('a failing migration on a fresh install leaves no tables behind, and the next start creates them', async () => {
    const config = await provision();
    const failing: Migration = { up: async () => { throw new Error('nope'); } };
    await expect(start(config, { system: { '0002-test-fails': failing } })).rejects.toThrow(/migration 0002-test-fails failed \(nope\)/);
    expect(await hasTable(config, 'accounts')).toBe(false);
    await opened(await start(config));
    expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema']);
    expect(await hasTable(config, 'accounts')).toBe(true);
  });
});

describe.skipIf(!inject('postgresAvailable'))('[postgres] storage: system table migrations, nodes starting at once', () => {
  it('two nodes starting concurrently on one database migrate once', async () => {
    const { config, cleanup } = await postgresEngine.provision();
    const storages: Storage[] = [];
    try {
      await previousReleaseStart(config, seed);
      let runs = 0;
      // Slow enough that the second node's start overlaps the first's migration.
      const slowNote: Migration = {
        async up(db) {
          runs++;
          await sql`SELECT pg_sleep(0.5)`.execute(db);
          await sql`ALTER TABLE "accounts" ADD COLUMN "note" text`.execute(db);
        },
      };
      const extra = { system: { '0002-test-slow-note': slowNote } };
      storages.push(...await Promise.all([start(config, extra), start(config, extra)]));
      expect(runs).toBe(1);
      expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema', '0002-test-slow-note']);
      expect(await storages[1]!.system.findAccountByEmail('old@example.com')).toMatchObject({ id: 'acc_old' });
    } finally {
      for (const s of storages) await s.close();
      await cleanup();
    }
  });

  it('two processes starting at once on one database (the built code): one migrates, the other finds it done', async () => {
    const { config, cleanup } = await postgresEngine.provision();
    try {
      await previousReleaseStart(config, seed);
      const node = () => promisify(execFile)(process.execPath, [path.join(ROOT, 'test/support/start-postgres-node.mjs')],
        { env: { ...process.env, DATABASE_URL: config.databaseUrl }, timeout: 30_000 });
      const outputs = await Promise.all([node(), node()]);
      expect(outputs.map((o) => o.stdout.trim())).toEqual(['started', 'started']);
      expect(await applied(config, 'strata.db', 'kysely_migration')).toEqual(['0001-initial-schema', '0002-test-slow-note']);
      expect(await rows(config, 'strata.db', `SELECT "key" FROM "settings" WHERE "key" LIKE 'test-migration-ran-%'`)).toHaveLength(1);
      expect(await hasColumn(config, 'accounts', 'note')).toBe(true);
    } finally {
      await cleanup();
    }
  });
});
