import pg from 'pg';
import { asUnavailable } from './postgres-failures.js';

/**
 * Every connection Strata opens to PostgreSQL, made so that no database failure can end the
 * process or hang a request: each client has an 'error' listener (pg emits 'error' on a client
 * whose connection dies, and the pool only listens on idle ones), connecting, waiting for a
 * pooled connection and each statement are bounded in time, and connection failures leave as
 * UNAVAILABLE StrataErrors (postgres-failures.ts).
 */
export interface PgTimeouts {
  /** Establishing one connection (TCP, startup, authentication). */
  connectMs: number;
  /** One statement: the server cancels it (statement_timeout), the client gives up on a silent server soon after. */
  queryMs: number;
  /** Waiting for a connection of the pool (all in use, or none can be made). */
  acquireMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = { connectMs: 5_000, queryMs: 30_000, acquireMs: 10_000 };

/** The client-side limit lags the server's, so a live server's cancel (which keeps the connection) comes first. */
const CLIENT_GRACE_MS = 1_000;

export function clientConfig(connectionString: string, t: PgTimeouts, extra: pg.ClientConfig = {}): pg.ClientConfig {
  return {
    connectionString, connectionTimeoutMillis: t.connectMs, keepAlive: true,
    statement_timeout: t.queryMs, query_timeout: t.queryMs + CLIENT_GRACE_MS, ...extra,
  };
}

/** A one-off connection (bootstrap): bounded, listened to, ended by the caller. */
export async function connectClient(connectionString: string, t: PgTimeouts): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(connectionString, t));
  client.on('error', () => { /* the pending query rejects with it */ });
  try {
    await client.connect();
  } catch (err) {
    throw asUnavailable(err);
  }
  return client;
}

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * The pool: connect timeout per new connection, acquire timeout per checkout (pg-pool's
 * connectionTimeoutMillis bounds both the wait and the new connection it may open), and on
 * every connection it makes an 'error' listener and mapped errors.
 */
export function createPool(connectionString: string, t: PgTimeouts, options: pg.PoolConfig): pg.Pool {
  const connect = clientConfig(connectionString, t);
  class BoundedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) { super({ ...config, connectionTimeoutMillis: connect.connectionTimeoutMillis }); }
  }
  const pool = new pg.Pool({ ...connect, ...options, connectionTimeoutMillis: t.acquireMs, Client: BoundedClient });
  pool.on('error', () => { /* an idle client died; the pool replaces it */ });
  pool.on('connect', (client) => {
    client.on('error', () => { /* a checked-out client died: its query rejects, and the pool drops it on release */ });
    guardQueries(client);
  });
  // Checkouts, for Kysely (promise) and pool.query (callback).
  const checkout = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => Promise<pg.PoolClient> | void;
  pool.connect = ((cb?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => {
    if (cb) return checkout((err, client, done) => cb(err && (asUnavailable(err) as Error), client, done));
    return (checkout() as Promise<pg.PoolClient>).catch((err: unknown) => { throw asUnavailable(err); });
  }) as typeof pool.connect;
  // pool.query also rejects with a client's 'error' event directly (promise form only here).
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const result = query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => { throw asUnavailable(err); }) : result;
  }) as typeof pool.query;
  return pool;
}

/**
 * A client's queries reject with mapped errors. A query that timed out on the client side left
 * its statement in flight on a silent server: the connection is closed so that it never serves
 * another query (the pool drops it when it comes back).
 */
function guardQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const failed = (err: unknown) => {
    if ((err as Error | undefined)?.message === 'Query read timeout') (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    return asUnavailable(err);
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = ((err: Error | null, result?: unknown) => (last as QueryCallback)(err && (failed(err) as Error), result));
      return query(...args);
    }
    const result = query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => { throw failed(err); }) : result;
  };
}
