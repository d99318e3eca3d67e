import { createHash } from 'node:crypto';
import pg from 'pg';
import { PostgresBlobStore } from '../blobs/postgres-blob-store.js';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { BranchSql, catalogDdl, CATALOG_TABLES, MIGRATIONS_TABLE, type BranchSqlOptions } from '../branch-sql.js';
import { KyselySystemStore } from '../system-store.js';
import { MeteredBlobStore } from '../blobs/metered-blob-store.js';
import type { BranchStore, BranchTx, Storage } from '../../core/ports/storage.js';
import { postgresDialect } from './postgres-dialect.js';
import type { ArrayQuery } from '../array-query.js';
import { connectClient, createPool, DEFAULT_PG_TIMEOUTS, type PgTimeouts } from './postgres-connections.js';
import { startListener } from './postgres-listener.js';
import { StrataError } from '../../kernel/errors.js';
import { KyselyHistoryStore } from '../history-store.js';
import { PostgresRateCounters } from './postgres-rate-counters.js';
import { HISTORY_MIGRATIONS, SYSTEM_MIGRATIONS } from '../system-migrations/system-migration-sets.js';
import { migrateSystemTables } from '../system-migrations/run-system-migrations.js';
import type { ExtraMigrations } from '../system-migrations/extra-migrations.js';
import { PostgresSqlAccess } from './postgres-sql-run.js';
import { postgresArchiveStore } from './postgres-snapshot.js';

/**
 * PostgreSQL storage: the instance's tables live in the `strata` schema, each branch in
 * its own schema `strata_branch_<id>`. Several Strata nodes can share one database: they
 * learn about schema and branch changes from each other over LISTEN/NOTIFY.
 */
const SYSTEM_SCHEMA = 'strata';
const CHANNEL = 'strata_invalidate';
/** Change log growth, `branchId:lastSeq` (sent by postgres-dialect's notifyChanges). */
const CHANGES_CHANNEL = 'strata_changes';
const branchSchema = (id: number) => `strata_branch_${id}`;

// int8 as a JS number: ids and counters stay within Number.MAX_SAFE_INTEGER (the core checks).
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPostgresStorage(connectionString: string, opts: { poolSize?: number; timeouts?: Partial<PgTimeouts>; extraMigrations?: ExtraMigrations } = {}): Promise<Storage> {
  const timeouts = { ...DEFAULT_PG_TIMEOUTS, ...opts.timeouts };
  const bootstrap = await connectClient(connectionString, timeouts);
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${SYSTEM_SCHEMA}"`);
  } finally {
    await bootstrap.end().catch(() => undefined);
  }
  const pool = createPool(connectionString, timeouts, { max: opts.poolSize ?? 10, options: `-c search_path=${SYSTEM_SCHEMA}` });
  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  // Nodes starting at once: the advisory lock lets one migrate the instance's tables; the others then find them done.
  await kysely.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(727274)`.execute(conn);
    try {
      const migrate = { engine: 'postgres', schema: SYSTEM_SCHEMA } as const;
      await migrateSystemTables(conn, SYSTEM_MIGRATIONS, { ...migrate, extra: opts.extraMigrations?.system });
      await migrateSystemTables(conn, HISTORY_MIGRATIONS, { ...migrate, extra: opts.extraMigrations?.history });
    } finally { await sql`SELECT pg_advisory_unlock(727274)`.execute(conn); }
  }).catch(async (err) => { await kysely.destroy().catch(() => undefined); throw err; });
  const named = namedArrayQuery(pool);
  const arrays = named.query;
  const system = new KyselySystemStore(kysely, kysely, arrays, { engine: 'postgres' });
  const branches = new Map<number, PostgresBranchStore>();
  const listeners: Array<(message: string) => void> = [];
  const changeListeners: Array<(branchId: number, seq: number) => void> = [];
  const invalidated = (message: string) => {
    const branchId = /^branch:(\d+)$/.exec(message)?.[1];
    if (branchId) branches.delete(Number(branchId));
    if (message === 'all') branches.clear();
    if (branchId || message === 'all') named.schemaChanged(); // another node's change (ours is handled at commit)
    for (const l of listeners) l(message);
  };
  const listener = await startListener(connectionString, timeouts, {
    channels: [CHANNEL, CHANGES_CHANNEL],
    onNotification(channel, payload) {
      if (channel === CHANNEL) return invalidated(payload);
      const m = /^(\d+):(\d+)$/.exec(payload);
      if (m) for (const l of changeListeners) l(Number(m[1]), Number(m[2]));
    },
    // Notifications sent while it was away are lost: every cached schema goes, and (through
    // 'all') every change-log reader reads what it missed.
    onResync: () => invalidated('all'),
  });

  const storage: Storage = {
    engine: 'postgres',
    system,
    history: new KyselyHistoryStore(kysely, kysely),
    blobs: new MeteredBlobStore(new PostgresBlobStore(pool), system),
    rateCounters: new PostgresRateCounters(pool),
    archive: postgresArchiveStore(kysely, optionsFor),
    async branch(branchId) {
      let store = branches.get(branchId);
      if (!store) {
        store = new PostgresBranchStore(kysely, branchId, named, pool);
        branches.set(branchId, store);
      }
      return store;
    },
    async createBranchStorage(branchId, from) {
      const target = branchSchema(branchId);
      // A copy is one snapshot of the source (REPEATABLE READ: every table as of the same
      // moment). It first waits for schema changes in flight on the source and holds new
      // ones off (SHARE conflicts with their EXCLUSIVE catalog lock), so the catalog it
      // copies matches the tables; record writes go on meanwhile.
      await kysely.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        if (from) await sql`LOCK TABLE ${sql.id(branchSchema(from.branchId), CATALOG_TABLES)} IN SHARE MODE`.execute(trx);
        await sql`CREATE SCHEMA ${sql.id(target)}`.execute(trx);
        for (const statement of catalogDdl(optionsFor(branchId))) await statement.execute(trx);
        if (!from) return;
        const source = branchSchema(from.branchId);
        const tables = await sql<{ name: string }>`SELECT "name" FROM ${sql.id(source, CATALOG_TABLES)}`.execute(trx);
        for (const { name } of tables.rows) {
          await sql`CREATE TABLE ${sql.id(target, name)} (LIKE ${sql.id(source, name)} INCLUDING ALL)`.execute(trx);
          if (from.copyData) {
            // Generated columns (search's stored tsvectors) take no values: they are computed again.
            const stored = await sql<{ name: string }>`SELECT "attname" AS "name" FROM pg_attribute
              WHERE "attrelid" = ${`"${source}"."${name.replaceAll('"', '""')}"`}::regclass AND "attnum" > 0 AND NOT "attisdropped" AND "attgenerated" = ''
              ORDER BY "attnum"`.execute(trx);
            const columns = sql.join(stored.rows.map((c) => sql.id(c.name)));
            await sql`INSERT INTO ${sql.id(target, name)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM ${sql.id(source, name)}`.execute(trx);
            const identity = await sql<{ seq: string | null }>`SELECT pg_get_serial_sequence(${`"${target}"."${name.replaceAll('"', '""')}"`}, 'id') AS "seq"`.execute(trx);
            const seq = identity.rows[0]?.seq;
            if (seq) await sql`SELECT setval(${seq}, COALESCE((SELECT MAX("id") FROM ${sql.id(target, name)}), 0) + 1, false)`.execute(trx);
          }
        }
        await sql`INSERT INTO ${sql.id(target, CATALOG_TABLES)} SELECT * FROM ${sql.id(source, CATALOG_TABLES)}`.execute(trx);
        await sql`INSERT INTO ${sql.id(target, MIGRATIONS_TABLE)} SELECT * FROM ${sql.id(source, MIGRATIONS_TABLE)}`.execute(trx);
      });
    },
    async dropBranchStorage(branchId) {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(branchSchema(branchId))} CASCADE`.execute(kysely);
      await new PostgresSqlAccess(pool, branchSchema(branchId)).dropRole();
      branches.delete(branchId);
      await storage.publishInvalidation(`branch:${branchId}`);
    },
    async publishInvalidation(message) {
      await sql`SELECT pg_notify(${CHANNEL}, ${message})`.execute(kysely);
    },
    onInvalidation(l) {
      listeners.push(l);
    },
    onChanges(l) {
      changeListeners.push(l);
    },
    async ping() {
      // Bounded for readiness probes: a stalled server would otherwise hold it for the query timeout.
      await withinMs(timeouts.connectMs, sql`SELECT 1`.execute(kysely), 'storage is unavailable: the database did not answer in time');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    listenerStats: () => ({ connected: listener.connected, reconnects: listener.reconnects }),
    async close() {
      await listener.stop();
      await kysely.destroy();
    },
  };
  return storage;
}

function optionsFor(branchId: number): BranchSqlOptions {
  const schema = branchSchema(branchId);
  return {
    dialect: postgresDialect,
    table: (name) => sql.id(schema, name),
  };
}

class PostgresBranchStore extends BranchSql implements BranchStore {
  private readonly access: PostgresSqlAccess;

  constructor(private readonly kysely: Kysely<any>, private readonly branchId: number, private readonly named: NamedArrayQuery, pool: pg.Pool) {
    const access = new PostgresSqlAccess(pool, branchSchema(branchId));
    // Reads outside transactions take the direct path; a transaction's reads use its connection.
    super(kysely, { ...optionsFor(branchId), arrays: named.query, sql: (run) => access.read(run) });
    this.access = access;
  }

  async transaction<T>(fn: (tx: BranchTx) => Promise<T>): Promise<T> {
    // Constraint violations leave as StrataErrors (422 unique, …); the transaction is rolled back.
    try {
      let schemaChanged = false;
      const result = await this.kysely.transaction().execute(async (trx) => {
        const tx = new BranchSql(trx, { ...this.opts, arrays: undefined, sql: (run) => this.access.readIn(trx, run) });
        const result = await fn(tx);
        // Delivered to every node (this one included) when the transaction commits.
        schemaChanged = tx.didChangeSchema;
        if (schemaChanged) await sql`SELECT pg_notify(${CHANNEL}, ${`branch:${this.branchId}`})`.execute(trx);
        return result;
      });
      // Before the caller sees the commit, so its next read prepares against the new schema.
      if (schemaChanged) this.named.schemaChanged();
      return result;
    } catch (err) {
      throw postgresDialect.mapError(err) ?? err;
    }
  }
}

/**
 * Hot reads as named prepared statements (parsed and planned once per connection) with rows
 * as arrays. A statement's name is its SQL text's hash and a schema generation: a schema
 * change can leave the text as it was (a column dropped and added again with another type)
 * while the prepared statement's parameter and result types are stale, so every schema change
 * (this node's at commit, others' when notified) starts new names. Statements prepared under
 * old names stay on their connections until the pool closes them; schema changes are rare.
 */
interface NamedArrayQuery {
  query: ArrayQuery;
  schemaChanged(): void;
}

function namedArrayQuery(pool: pg.Pool): NamedArrayQuery {
  const names = new Map<string, string>();
  let generation = 0;
  return {
    async query(text, params) {
      let name = names.get(text);
      if (!name) {
        name = `strata_${generation.toString(36)}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
        if (names.size > 2000) names.clear();
        names.set(text, name);
      }
      const result = await pool.query({ name, text, values: params as unknown[], rowMode: 'array' });
      return result.rows as unknown[][];
    },
    schemaChanged() {
      generation++;
      names.clear();
    },
  };
}

/** The promise, or an UNAVAILABLE error once `ms` have passed (the promise's own outcome is then ignored). */
function withinMs<T>(ms: number, promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new StrataError('UNAVAILABLE', message)), ms); });
  promise.catch(() => undefined);
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
