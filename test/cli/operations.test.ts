import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { openSse } from '../support/sse.js';
import { scopeBit } from '../../src/core/auth/scopes.js';
import { openStrata } from '../../src/open-strata.js';

/** Operations: /metrics, configuration checks, and graceful shutdown of the real server (npm start). */
const ROOT = path.resolve(import.meta.dirname, '../..');

describeEachEngine('metrics', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(engine); });
  afterAll(async () => { await s?.close(); });

  it('serves Prometheus text with requests by route and status, latency, history and stream gauges, to history readers only', async () => {
    expect((await s.request('PUT', '/workspaces/local/dbs/m', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/m:main/tables/t', { columns: [{ name: 'c', type: 'string' }] })).status).toBe(201);
    await s.request('PUT', '/db/m:main/tables/t/data/r1', { c: 'x' });
    for (let i = 0; i < 3; i++) await s.request('GET', '/db/m:main/tables/t/data/r1');
    await s.request('GET', '/db/m:main/tables/t/data/nope');
    const reader = await s.createToken(scopeBit('history', 'read'));
    const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${reader}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('strata_http_requests_total{route="/db/:dbBranch/tables/:table/data/:id",method="GET",status="200"} 3');
    expect(text).toContain('strata_http_requests_total{route="/db/:dbBranch/tables/:table/data/:id",method="GET",status="404"} 1');
    expect(text).toMatch(/strata_http_request_duration_seconds_bucket\{route="\/db\/:dbBranch\/tables\/:table\/data\/:id",method="GET",le="\+Inf"\} 4/);
    expect(text).toMatch(/^strata_history_queue_depth \d+$/m);
    expect(text).toMatch(/^strata_history_dropped_total 0$/m);
    expect(text).toMatch(/^strata_change_subscribers 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    if (engine.name === 'postgres') expect(text).toMatch(/^strata_storage_pool_connections \d+$/m);
    // Every sample line parses as `name{labels} number`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_][a-z0-9_]*(\{[^}]*\})? -?[\d.e+-]+$/);
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${await s.createToken(scopeBit('content', 'read'))}` } })).status).toBe(403);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
  });

  it('is for instance owners only: history:read of an account that is no owner is 403, even an admin of a workspace', async () => {
    expect((await s.request('POST', '/api:meta/workspace', { name: 'metricsws' })).status).toBe(200);
    const ws = (await s.request('GET', '/api:meta/workspace')).body.find((w: { name: string }) => w.name === 'metricsws');
    const scrape = (token: string) => fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    for (const who of ['loner', 'wsadmin']) {
      const account = await s.strata.accounts.create({ email: `${who}@test.local`, password: 'password-1' });
      if (who === 'wsadmin') expect((await s.request('PUT', `/api:meta/workspace/${ws.id}/member/${account.id}`, { role: 'admin' })).status).toBe(200);
      const res = await scrape((await s.strata.tokens.create(account, { name: who, scopes: scopeBit('history', 'read') })).secret);
      expect(res.status, who).toBe(403);
      expect(await res.json()).toMatchObject({ message: 'only instance owners may do this' });
    }
    expect((await scrape(await s.createToken(scopeBit('history', 'read')))).status).toBe(200);
  });
});

describe('configuration of operations', () => {
  it.each([
    ['HISTORY_ENABLED', 'maybe', 'HISTORY_ENABLED must be true or false'],
    ['HISTORY_RETENTION_HOURS', '0', 'HISTORY_RETENTION_HOURS must be an integer between 1 and'],
    ['HISTORY_QUEUE_SIZE', 'lots', 'HISTORY_QUEUE_SIZE must be an integer'],
    ['CHANGES_RETAIN', '5', 'CHANGES_RETAIN must be an integer between 100 and'],
    ['SHUTDOWN_TIMEOUT_SECONDS', '-1', 'SHUTDOWN_TIMEOUT_SECONDS must be an integer'],
    ['STRATA_MAX_CONNECTIONS_PER_ADDRESS', '-5', 'STRATA_MAX_CONNECTIONS_PER_ADDRESS must be an integer between 0 and 1000000'],
    ['STRATA_WORKSPACE_QUOTA_BYTES', '1.5', 'STRATA_WORKSPACE_QUOTA_BYTES must be an integer between 0 and'],
    ['STRATA_ALLOWED_HOSTS', 'https://strata.example.com', 'STRATA_ALLOWED_HOSTS must list host names or host:port, comma-separated; got "https://strata.example.com"'],
  ])('refuses %s=%s at start with a clear message', async (name, value, message) => {
    const { config, cleanup } = await sqliteEngine.provision();
    try {
      const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/main.js')], {
        cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, DATA_DIR: config.dataDir, PORT: '0', [name]: value },
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`strata: configuration error: ${message}`);
    } finally {
      await cleanup();
    }
  });
});

describeEachEngine('graceful shutdown', (engine: EngineUnderTest) => {
  it('on SIGTERM ends change streams, finishes, writes queued history and exits 0 within the bound', async () => {
    const { config, cleanup } = await engine.provision();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_SECONDS: '10' },
    });
    let output = '';
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/Strata serving on/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /Strata serving on (http:\/\/[\d.]+:\d+)/.exec(output)![1]!;
      const token = /token:\s+(xau_\S+)/.exec(output)![1]!;
      const call = (method: string, p: string, body?: unknown) => fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await call('PUT', '/workspaces/local/dbs/down', {})).status).toBe(201);
      expect((await call('PUT', '/db/down:main/tables/t', { columns: [{ name: 'c', type: 'string' }] })).status).toBe(201);
      const stream = await openSse(`${url}/db/down:main/changes`, token);
      const writes = await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', '/db/down:main/tables/t/data', { c: `v${i}` })));
      expect(writes.every((r) => r.status === 201)).toBe(true);
      await stream.waitFor(20);
      const started = Date.now();
      child.kill('SIGTERM');
      // An open stream would hold server.close() until the timeout (exit 1): exit 0 means it was ended.
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(output).toMatch(/"msg":"shut down"/);
      // Every JSON log line carries its level and time; request lines their request id.
      for (const line of output.split('\n').filter((l) => l.startsWith('{'))) expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), time: expect.any(Number) });
      // The history queued at SIGTERM was written: all 22 requests to the workspace are there.
      const strata = await openStrata(config);
      try {
        const ws = (await strata.databases.get('down')).id;
        const entries = await strata.history.search({ workspaceId: ws, where: [], sort: [], offset: 0, limit: 100, includeOutput: false });
        expect(entries.filter((e) => e.verb === 'POST' && e.status === 201)).toHaveLength(20);
      } finally {
        await strata.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await cleanup();
    }
  });
});
