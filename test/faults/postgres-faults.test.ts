import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { ADMIN_URL } from '../support/postgres.js';

/**
 * PostgreSQL failing under Strata, bounded in time: sessions terminated under write load, the
 * server unreachable (refused, cut) and silent (stalled) through a TCP proxy the test controls.
 * Node B reaches the database through the proxy, with small timeouts; node A directly. Nothing
 * may end the process, no request may answer 500 or hang, every acknowledged write must be
 * there afterwards, and B must hear A's schema changes again once the database is back.
 */
const TIMEOUTS = { connectMs: 800, queryMs: 1200, acquireMs: 1200 };
/** The longest a request may take while the database is away: acquire or query timeout, plus slack. */
const BOUND_MS = TIMEOUTS.queryMs + 1000 + TIMEOUTS.acquireMs + 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it is true, at most `ms`. */
async function eventually(ms: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await sleep(100);
  }
}

describe.skipIf(!inject('postgresAvailable'))('[postgres] faults', () => {
  let a: RunningStrata;
  let b: RunningStrata;
  let proxy: TcpProxy;
  let dbName: string;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  let nextColumn = 0;

  beforeAll(async () => {
    const provisioned = await postgresEngine.provision();
    const direct = new URL(provisioned.config.databaseUrl!);
    dbName = direct.pathname.slice(1);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    a = await startStrata(postgresEngine, { provisioned });
    b = await startStrata(postgresEngine, {
      provisioned: { config: { ...provisioned.config, databaseUrl: proxy.url(provisioned.config.databaseUrl!) }, cleanup: async () => undefined },
      pgTimeouts: TIMEOUTS,
    });
    await admin.connect();
    expect((await a.request('PUT', '/workspaces/local/dbs/f', {})).status).toBe(201);
    expect((await a.request('PUT', '/db/f:main/tables/items', { columns: [{ name: 'n', type: 'int' }, { name: 'client', type: 'int' }] })).status).toBe(201);
    expect((await b.request('GET', '/db/f:main/tables/items/schema')).status).toBe(200); // B caches the schema
  });
  afterAll(async () => {
    proxy?.restore();
    await b?.close();
    await a?.close();
    await proxy?.close();
    await admin.end().catch(() => undefined);
  });

  const terminateSessions = () => admin.query(
    'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);

  /** A column added on A is known on B (a write with it succeeds) within `ms`. */
  async function columnAddedOnAKnownOnB(ms: number): Promise<void> {
    const name = `c${nextColumn++}`;
    const added = await a.request('POST', '/db/f:main/tables/items/columns', { name, type: 'int' });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    await eventually(ms, async () => (await b.request('POST', '/db/f:main/tables/items/data', { [name]: 1 })).status === 201);
  }

  it('survives its sessions being terminated under write load: 503s (never 500), recovery, nothing acknowledged lost', async () => {
    const acked = new Map<string, { n: number; client: number }>();
    const counters = new Map<number, number>();
    const statuses = new Map<number, number>();
    let stop = false;
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    for (const client of [0, 1, 2, 3]) expect((await b.request('PUT', `/db/f:main/tables/items/data/counter${client}`, { n: 0, client })).status).toBe(201);
    const writers = [0, 1, 2, 3].map(async (client) => {
      for (let n = 1; !stop; n++) {
        const id = `w${client}-${n}`;
        const put = await b.request('PUT', `/db/f:main/tables/items/data/${id}`, { n, client });
        count(put.status);
        if (put.status === 201) acked.set(id, { n, client });
        const patch = await b.request('PATCH', `/db/f:main/tables/items/data/counter${client}`, { n });
        count(patch.status);
        if (patch.status === 200) counters.set(client, n);
        if (put.status === 503) expect(put.headers.get('retry-after')).toBe('2');
      }
    });
    let terminated = 0;
    for (let round = 0; round < 5; round++) {
      await sleep(400);
      terminated += Number((await terminateSessions()).rows[0].n);
    }
    await sleep(800); // recovery: writes succeed again after the last termination
    const okBefore = acked.size;
    await sleep(700);
    stop = true;
    await Promise.all(writers);
    expect(terminated).toBeGreaterThan(0);
    expect(statuses.get(503) ?? 0, 'writes in flight when their session was terminated').toBeGreaterThan(0);
    expect([...statuses.keys()].sort(), JSON.stringify([...statuses])).toSatisfy((keys: number[]) => keys.every((s) => s === 200 || s === 201 || s === 503));
    expect(acked.size).toBeGreaterThan(okBefore);
    // Every acknowledged write is there, as acknowledged (read directly, not through the node that wrote).
    for (const [id, value] of acked) {
      const got = await a.request('GET', `/db/f:main/tables/items/data/${id}`);
      expect([got.status, got.body?.n, got.body?.client], id).toEqual([200, value.n, value.client]);
    }
    for (const [client, n] of counters) {
      const got = await a.request('GET', `/db/f:main/tables/items/data/counter${client}`);
      expect(got.body.n).toBeGreaterThanOrEqual(n);
    }
  });

  it('hears other nodes again after its LISTEN connection was refused for longer than a second, or killed over and over', async () => {
    proxy.refuse();
    await sleep(2500);
    proxy.restore();
    await columnAddedOnAKnownOnB(8000);
    // Killed again and again for two seconds (its backoff keeps trying).
    for (let i = 0; i < 10; i++) { await terminateSessions(); await sleep(200); }
    await columnAddedOnAKnownOnB(8000);
  });

  it('reports its LISTEN connection in /metrics and /ready: down while it cannot be made again, up with one more reconnect once it is', async () => {
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await b.request('GET', '/metrics')).body)?.[1]);
    const ready = async () => (await b.request('GET', '/ready')).body;
    await eventually(5000, async () => (await metric('strata_storage_listener_up')) === 1);
    expect(await ready()).toEqual({ status: 'ready', storage: 'postgres', listener: 'up' });
    const reconnects = await metric('strata_storage_listener_reconnects_total');
    // Only the listener's session goes, and it cannot come back: the pool's open connections still serve.
    for (let i = 0; i < 3; i++) expect((await b.request('GET', '/db/f:main/tables/items/data/counter0')).status).toBe(200);
    proxy.refuseNew();
    try {
      const killed = await admin.query(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'strata-listener' AND client_port = ANY($2)",
        [dbName, proxy.upstreamPorts()]); // B's sessions (A connects directly)
      expect(Number(killed.rows[0].n)).toBe(1);
      await eventually(5000, async () => (await metric('strata_storage_listener_up')) === 0);
      expect(await ready()).toEqual({ status: 'ready', storage: 'postgres', listener: 'down' });
    } finally {
      proxy.restore();
    }
    await eventually(8000, async () => (await metric('strata_storage_listener_up')) === 1);
    expect(await metric('strata_storage_listener_reconnects_total')).toBe(reconnects + 1);
    expect(await ready()).toMatchObject({ listener: 'up' });
    await columnAddedOnAKnownOnB(8000);
  });

  it('answers 503 with retry-after in both faces, and /ready 503 at once, while the database refuses; 200 again once it is back', async () => {
    proxy.refuse();
    const started = Date.now();
    const get = await b.request('GET', '/db/f:main/tables/items/data/counter0');
    expect([get.status, get.headers.get('retry-after'), get.body]).toEqual([503, '2', { id: expect.any(String), message: expect.stringMatching(/^storage is unavailable: /) }]);
    const put = await b.request('PUT', '/db/f:main/tables/items/data/refused', { n: 1 });
    expect(put.status).toBe(503);
    const meta = await b.request('GET', '/api:meta/workspace');
    expect([meta.status, meta.headers.get('retry-after'), meta.body]).toEqual([503, '2', { code: 'ERROR_FATAL', message: expect.stringMatching(/^storage is unavailable: /), payload: null }]);
    const ready = await fetch(`${b.url}/ready`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'unavailable', storage: 'postgres', listener: expect.stringMatching(/^(up|down)$/) }]);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    proxy.restore();
    await eventually(5000, async () => (await fetch(`${b.url}/ready`)).status === 200);
    expect((await b.request('GET', '/db/f:main/tables/items/data/counter0')).status).toBe(200);
  });

  it('answers 503 within its timeouts while the database is silent (a stall), and recovers when it speaks again', async () => {
    proxy.stall();
    try {
      for (const [method, path, body] of [['GET', '/db/f:main/tables/items/data/counter1'], ['PUT', '/db/f:main/tables/items/data/stalled', { n: 1 }]] as const) {
        const started = Date.now();
        const res = await b.request(method, path, body);
        expect([res.status, res.headers.get('retry-after'), res.body.message], `${method} ${path}`).toEqual([503, '2', expect.stringMatching(/^storage is unavailable: /)]);
        expect(Date.now() - started).toBeLessThan(BOUND_MS);
      }
      const started = Date.now();
      expect((await fetch(`${b.url}/ready`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(TIMEOUTS.connectMs + 1000);
    } finally {
      proxy.restore();
    }
    await eventually(5000, async () => (await b.request('GET', '/db/f:main/tables/items/data/counter1')).status === 200);
    expect((await fetch(`${b.url}/ready`)).status).toBe(200);
    await columnAddedOnAKnownOnB(8000);
  });
});
