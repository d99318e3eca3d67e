import { createHash } from 'node:crypto';
import pg from 'pg';
import { createBlobTables, PostgresBlobStore } from '../blobs/postgres-blob-store.js';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { BranchSql, catalogDdl, CATALOG_TABLES, MIGRATIONS_TABLE, type BranchSqlOptions } from '../branch-sql.js';
import { createSystemTables, KyselySystemStore } from '../system-store.js';
import { MeteredBlobStore } from '../blobs/metered-blob-store.js';
import type { BranchStore, BranchTx, Storage } from '../storage.js';
import { postgresDialect } from './postgres-dialect.js';
import type { ArrayQuery } from '../array-query.js';
import { createHistoryTables, KyselyHistoryStore } from '../history-store.js';

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

export async function openPostgresStorage(connectionString: string, opts: { poolSize?: number } = {}): Promise<Storage> {
  const bootstrap = new pg.Client({ connectionString });
  await bootstrap.connect();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${SYSTEM_SCHEMA}"`);
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({ connectionString, max: opts.poolSize ?? 10, options: `-c search_path=${SYSTEM_SCHEMA}` });
  pool.on('error', () => { /* an idle client died; the pool replaces it */ });
  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  // Concurrent first starts of several nodes: serialise table creation with an advisory lock.
  await kysely.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(727274)`.execute(conn);
    try { await createSystemTables(conn, 'postgres'); await createHistoryTables(conn, 'postgres'); await createBlobTables(pool); } finally { await sql`SELECT pg_advisory_unlock(727274)`.execute(conn); }
  });
  const named = namedArrayQuery(pool);
  const arrays = named.query;
  const system = new KyselySystemStore(kysely, kysely, arrays, { engine: 'postgres' });
  const branches = new Map<number, PostgresBranchStore>();
  const listeners: Array<(message: string) => void> = [];
  const changeListeners: Array<(branchId: number, seq: number) => void> = [];
  const listener = await startListener(connectionString, (message) => {
    const branchId = /^branch:(\d+)$/.exec(message)?.[1];
    if (branchId) branches.delete(Number(branchId));
    if (branchId || message === 'all') named.schemaChanged(); // another node's change (ours is handled at commit)
    for (const l of listeners) l(message);
  }, (payload) => {
    const m = /^(\d+):(\d+)$/.exec(payload);
    if (m) for (const l of changeListeners) l(Number(m[1]), Number(m[2]));
  });

  const storage: Storage = {
    engine: 'postgres',
    system,
    history: new KyselyHistoryStore(kysely, kysely),
    blobs: new MeteredBlobStore(new PostgresBlobStore(pool), system),
    async branch(branchId) {
      let store = branches.get(branchId);
      if (!store) {
        store = new PostgresBranchStore(kysely, branchId, named);
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
      await sql`SELECT 1`.execute(kysely);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
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
  constructor(private readonly kysely: Kysely<any>, private readonly branchId: number, private readonly named: NamedArrayQuery) {
    // Reads outside transactions take the direct path; a transaction's reads use its connection.
    super(kysely, { ...optionsFor(branchId), arrays: named.query });
  }

  async transaction<T>(fn: (tx: BranchTx) => Promise<T>): Promise<T> {
    // Constraint violations leave as StrataErrors (422 unique, …); the transaction is rolled back.
    try {
      let schemaChanged = false;
      const result = await this.kysely.transaction().execute(async (trx) => {
        const tx = new BranchSql(trx, { ...this.opts, arrays: undefined });
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

/** A dedicated LISTEN connection that reconnects after failures. */
async function startListener(connectionString: string, onMessage: (payload: string) => void, onChanges: (payload: string) => void) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString });
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) onMessage(n.payload);
      else if (n.channel === CHANGES_CHANNEL && n.payload) onChanges(n.payload);
    });
    c.on('error', () => {
      if (stopped) return;
      client = undefined;
      onMessage('all'); // anything may have changed while we were away
      retry = setTimeout(() => { connect().catch(() => undefined); }, 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    await c.query(`LISTEN ${CHANGES_CHANNEL}`);
    client = c;
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
