/**
 * `npm run bench`: Strata's record API against a bare node:http baseline, on this machine.
 *
 *   1. a bare node:http server (fixed record-shaped JSON) → baseline GET;
 *   2. for each engine (SQLite in a fresh temp DATA_DIR; PostgreSQL in a fresh database when
 *      reachable): start Strata (first start prints the owner token), create `bench` and the
 *      table `items` over HTTP, stop it, seed BENCH_ROWS rows through the built core in a
 *      separate process, start Strata again and drive GET by id, insert and PATCH+ifVersion;
 *   3. the baseline again at the end (a drift/noise check).
 * `GET by id` runs with request history on (the default) and, after the other scenarios, once
 * more on a restart with HISTORY_ENABLED=false: the cost of recording, in the same run.
 * `file-upload` / `file-download` are throughput scenarios, not autocannon ones: a 10 MB file
 * PUT to and GET from `…/data/{id}/column/doc/file` one request at a time, next to reading the
 * same file from disk (fs.readFile) in the same run; each loop stops after BENCH_FILE_ROUNDS
 * rounds or BENCH_SECONDS, whichever comes first (at least 2 rounds, after one warm-up round).
 * Every request carries the token (authentication is on). Results: a console table,
 * .bench/results.json and a markdown table (.bench/results.md, also printed).
 *
 * BENCH_TRANSFER_ROWS (unset: off) adds the export/import scenario (bench/transfer.js) at that many rows;
 * BENCH_SCENARIOS=transfer runs it alone.
 * Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_WARMUP (3 s per scenario),
 * BENCH_ROWS (100000), BENCH_ENGINES (sqlite,postgres), BENCH_FILE_ROUNDS (50), BENCH_FILE_MB (10),
 * BENCH_SCENARIOS (health,get,insert,patch,query-indexed,query-scan,search,search-common,sql-get,sql-join,file-upload,file-download;
 * `health` is GET /health: Strata's HTTP stack with no token check and no storage, the framework floor),
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/test; an admin connection used to create
 * and drop the bench database), BENCH_CPU_PROF=1 (run Strata under --cpu-prof, profiles in
 * .bench/profiles/), BENCH_DIST (dist: the built server to measure, e.g. a copy of another
 * commit's dist/ for before/after runs; seeding always uses ./dist).
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BRANCH, COLUMNS, DB, TABLE, WORKSPACE, codeOf, idOf, rowBody } from './data.js';
import { freePort, killAllNow, runChild, startChild, stopAll, waitFor } from './procs.js';
import { benchTransfer, transferMarkdown } from './transfer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outDir = path.join(root, '.bench');

function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return v;
}
const listEnv = (name, fallback) => (process.env[name]?.trim() || fallback).split(',').map((s) => s.trim()).filter(Boolean);

const cfg = {
  seconds: intEnv('BENCH_SECONDS', 10, 1, 600),
  connections: intEnv('BENCH_CONNECTIONS', 32, 1, 1024),
  warmup: intEnv('BENCH_WARMUP', 3, 0, 60),
  rows: intEnv('BENCH_ROWS', 100_000, 1000, 999_999),
  engines: listEnv('BENCH_ENGINES', 'sqlite,postgres'),
  fileRounds: intEnv('BENCH_FILE_ROUNDS', 50, 2, 10_000),
  fileMB: intEnv('BENCH_FILE_MB', 10, 1, 1024),
  scenarios: listEnv('BENCH_SCENARIOS', 'health,get,insert,patch,query-indexed,query-scan,search,search-common,sql-get,sql-join,file-upload,file-download'),
  pgUrl: process.env.BENCH_PG_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test',
  cpuProf: process.env.BENCH_CPU_PROF === '1',
  // The built server to measure: another build (e.g. a copy of dist/ from another commit) for A/B runs.
  dist: path.resolve(root, process.env.BENCH_DIST?.trim() || 'dist'),
  // The export/import scenario (bench/transfer.js) runs only when given a row count.
  transferRows: intEnv('BENCH_TRANSFER_ROWS', 0, 0, 10_000_000),
};

// ---- cleanup: every child, temp dir and PG database is released on exit, error or signal ----

const tempDirs = new Set();
const pgDatabases = new Set();
let cleaning;

async function cleanup() {
  cleaning ??= (async () => {
    await stopAll();
    for (const name of pgDatabases) {
      await dropPgDatabase(name).catch((err) => console.error(`bench: could not drop database ${name}: ${err.message}`));
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, shutting down…`);
    const hard = setTimeout(() => { killAllNow(); process.exit(130); }, 15_000);
    hard.unref();
    cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  killAllNow();
  for (const dir of tempDirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ } }
});

// ---- PostgreSQL: an admin connection creates and drops a database of our own ----

async function withPgAdmin(fn) {
  const client = new pg.Client({ connectionString: cfg.pgUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try { return await fn(client); } finally { await client.end().catch(() => undefined); }
}

async function pgReachable() {
  try {
    await withPgAdmin((c) => c.query('SELECT 1'));
    return true;
  } catch (err) {
    console.log(`bench: PostgreSQL not reachable at ${cfg.pgUrl} (${err.message}); skipping it`);
    return false;
  }
}

function pgUrlFor(database) {
  const url = new URL(cfg.pgUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function createPgDatabase() {
  const name = `strata_bench_${Date.now().toString(36)}_${process.pid}`;
  pgDatabases.add(name);
  await withPgAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return name;
}

async function dropPgDatabase(name) {
  await withPgAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  pgDatabases.delete(name);
}

// ---- servers ----

async function startBare() {
  const port = await freePort();
  const handle = startChild('bare node:http', [path.join(here, 'bare-server.js')], { env: { PORT: String(port) } });
  await waitFor(handle, 'the bare server', async () => /listening \d+/.test(handle.output()));
  return { handle, url: `http://127.0.0.1:${port}` };
}

/** Starts `node dist/main.js` on a free port; resolves once /ready answers (and the token, on first start). */
async function startStrata(engine, storageEnv, { firstStart, logFile }) {
  const port = await freePort();
  const nodeArgs = [];
  if (cfg.cpuProf && !firstStart) {
    const dir = path.join(outDir, 'profiles', engine);
    fs.mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const handle = startChild(`strata (${engine})`, [path.join(cfg.dist, 'main.js')], {
    env: { ...storageEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    logFile,
    nodeArgs,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(handle, 'Strata /ready', async () => (await fetch(`${url}/ready`)).status === 200);
  let token;
  if (firstStart) {
    token = await waitFor(handle, 'the owner token', async () => /^\s+token:\s+(xau_\S+)\s*$/m.exec(handle.output())?.[1], { timeoutMs: 5000 });
  }
  return { handle, url, token };
}

async function api(url, token, method, pathname, body, expect) {
  const res = await fetch(url + pathname, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (expect !== undefined && res.status !== expect) throw new Error(`${method} ${pathname}: expected ${expect}, got ${res.status}: ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

// ---- load ----

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim(),
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
});

/** Response times of one run, in ms with sub-millisecond precision (autocannon's histogram keeps whole ms). */
class Latencies {
  values = new Float64Array(1 << 16);
  n = 0;
  add(ms) {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = ms;
  }
  summary() {
    const sorted = this.values.slice(0, this.n).sort();
    const at = (q) => (this.n === 0 ? NaN : sorted[Math.min(this.n - 1, Math.floor(q * this.n))]);
    const round = (v) => Math.round(v * 100) / 100;
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += sorted[i];
    return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted[this.n - 1] ?? NaN), avg: round(sum / this.n) };
  }
}

function runAutocannon(opts, latencies) {
  return new Promise((resolve, reject) => {
    let guard;
    const instance = autocannon({ timeout: 10, ...opts }, (err, result) => {
      clearTimeout(guard);
      if (err) reject(err); else resolve(result);
    });
    if (latencies) instance.on('response', (_client, _status, _bytes, responseTime) => latencies.add(responseTime));
    // Bounded in time whatever happens: autocannon stops itself after `duration`; this is the backstop.
    guard = setTimeout(() => instance.stop(), (opts.duration + 30) * 1000);
  });
}

/** CPU time a process has used so far, in ms ({user, system}); undefined off Linux. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every mainstream Linux build

/** Warm-up (discarded), then the measured run. Only 2xx responses count towards req/s. */
async function measure(scenario, engine, target, requests, extraHeaders = {}) {
  const base = {
    url: target.url,
    connections: cfg.connections,
    pipelining: 1,
    headers: { ...(target.token ? { authorization: `Bearer ${target.token}` } : {}), ...extraHeaders },
    requests,
  };
  if (cfg.warmup > 0) await runAutocannon({ ...base, duration: cfg.warmup });
  const loadBefore = os.loadavg()[0];
  const latencies = new Latencies();
  const cpuBefore = cpuMs(target.pid);
  const r = await runAutocannon({ ...base, duration: cfg.seconds }, latencies);
  const cpuAfter = cpuMs(target.pid);
  const lat = latencies.summary();
  const responses = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  // Server CPU per response: robust to other load on the machine, unlike req/s.
  const known = cpuBefore !== undefined && cpuAfter !== undefined && responses > 0;
  const perReq = (ms) => Math.round(((ms * 1000) / responses) * 10) / 10;
  const cpuUsed = known ? (cpuAfter.user - cpuBefore.user) + (cpuAfter.system - cpuBefore.system) : undefined;
  const serverCpuUs = known ? perReq(cpuUsed) : undefined;
  const serverSysUs = known ? perReq(cpuAfter.system - cpuBefore.system) : undefined;
  const serverCpuShare = known ? Math.round((cpuUsed / (r.duration * 1000)) * 100) / 100 : undefined;
  const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]));
  const result = {
    scenario, engine,
    rps: Math.round(r['2xx'] / r.duration),
    ...lat,
    ok: r['2xx'], non2xx: r.non2xx, status4xx: r['4xx'], status5xx: r['5xx'], statusCodes: codes,
    errors: r.errors, timeouts: r.timeouts, duration: r.duration,
    serverCpuUs, serverSysUs, serverCpuShare,
    load1: { before: loadBefore, after: os.loadavg()[0] },
  };
  console.log(`  ${scenario.padEnd(18)} ${engine.padEnd(10)} ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  non-2xx ${result.non2xx}${result.errors ? `  errors ${result.errors}` : ''}  server CPU ${serverCpuUs ?? '?'} µs/req (system ${serverSysUs ?? '?'}; ${serverCpuShare ?? '?'} cores)  load1 ${loadBefore.toFixed(2)}`);
  return result;
}

const recordPath = (suffix = '') => `/db/${DB}:${BRANCH}/tables/${TABLE}/data${suffix}`;

function getRequests() {
  return [{
    method: 'GET',
    setupRequest(req) {
      req.path = recordPath(`/${idOf(1 + Math.floor(Math.random() * cfg.rows))}`);
      return req;
    },
  }];
}

function insertRequests() {
  const { code: _unique, ...values } = rowBody(7);
  const body = JSON.stringify({ ...values, name: 'inserted by the benchmark' });
  return [{ method: 'POST', path: recordPath(), body, headers: { 'content-type': 'application/json' } }];
}

/**
 * PATCH with ifVersion. The last 10% of the seeded ids (at least 1000) are a pool: a request
 * takes an id off the queue and the id goes back once its response arrived, so no id is
 * ever in flight twice and the version we send is the one the record has. The version is
 * read from each 2xx response (and from the message of a 422 mismatch, should one occur).
 * State lives here, not in autocannon's per-loop context (which is reset every request).
 */
function patchRequests() {
  const first = Math.max(1, cfg.rows - Math.max(1000, Math.floor(cfg.rows / 10)) + 1);
  const queue = [];
  const versions = new Map();
  for (let i = first; i <= cfg.rows; i++) { queue.push(idOf(i)); versions.set(idOf(i), 0); }
  let head = 0;
  let n = 0;
  const requests = [{
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    setupRequest(req, context) {
      if (head >= 4096 && head * 2 >= queue.length) { queue.splice(0, head); head = 0; } // keep the queue short
      const id = queue[head++];
      if (id === undefined) throw new Error('PATCH id pool exhausted');
      context.id = id;
      req.path = recordPath(`/${id}?ifVersion=${versions.get(id)}`);
      req.body = `{"age":${n++ % 100},"active":${n % 2 === 0}}`;
      return req;
    },
    onResponse(status, body, context) {
      const id = context.id;
      if (!id) return;
      const version = status >= 200 && status < 300
        ? /"version":(\d+)/.exec(body)?.[1]
        : status === 422 ? /record is at (\d+)/.exec(body)?.[1] : undefined;
      if (version !== undefined) versions.set(id, Number(version));
      queue.push(id);
    },
  }];
  return requests;
}

/** POST /query (or /search) with a fresh random body per request; the body builder gets a random row number. */
function queryRequests(bodyFor, endpoint = 'query') {
  return [{
    method: 'POST',
    path: `/db/${DB}:${BRANCH}/tables/${TABLE}/${endpoint}`,
    headers: { 'content-type': 'application/json' },
    setupRequest(req) {
      req.body = JSON.stringify(bodyFor(1 + Math.floor(Math.random() * cfg.rows)));
      return req;
    },
  }];
}

const searchRequests = (bodyFor) => queryRequests(bodyFor, 'search');

/** POST /sql (json answer, as xata.sql and Kysely ask) with a random row's id as the parameter. */
function sqlRequests(statement) {
  return [{
    method: 'POST',
    path: `/db/${DB}:${BRANCH}/sql`,
    headers: { 'content-type': 'application/json' },
    setupRequest(req) {
      req.body = JSON.stringify({ statement, params: [idOf(1 + Math.floor(Math.random() * cfg.rows))] });
      return req;
    },
  }];
}

const SCENARIOS = {
  health: { label: 'GET /health', requests: () => [{ method: 'GET', path: '/health' }] },
  get: { label: 'GET by id', requests: getRequests },
  insert: { label: 'insert (POST)', requests: insertRequests },
  patch: { label: 'PATCH ifVersion', requests: patchRequests },
  // A range filter and sort on an indexed (unique) column: an index range scan, 20 rows.
  'query-indexed': { label: 'query, indexed filter+sort', requests: () => queryRequests((i) => ({ filter: { code: { $ge: codeOf(i) } }, sort: [{ code: 'asc' }], page: { size: 20 } })) },
  // Full-text search for one row's number (a rare word, typo-tolerant: fuzziness 1 expands it to its neighbours).
  search: { label: 'search, rare word', requests: () => searchRequests((i) => ({ query: String(i), page: { size: 20 } })) },
  // A word every row has ("item"): relevance over all 100k matches, exact totalCount, top 20.
  'search-common': { label: 'search, word in every row', requests: () => searchRequests(() => ({ query: 'item', fuzziness: 0, page: { size: 20 } })) },
  // Equality on unindexed columns (1% of rows match), sorted by another: a scan and a top-20 sort.
  'query-scan': { label: 'query, unindexed filter+sort', requests: () => queryRequests((i) => ({ filter: { age: i % 100, active: i % 2 === 0 }, sort: [{ score: 'desc' }], page: { size: 20 } })) },
  // SQL over HTTP, next to GET by id: one row by primary key (parse, check, compile, run, answer).
  'sql-get': { label: 'SQL point read', requests: () => sqlRequests('SELECT * FROM "items" WHERE "id" = $1') },
  // A join of two index lookups: the row by id, joined to the row of its code through the unique index on code.
  'sql-join': { label: 'SQL join', requests: () => sqlRequests('SELECT a."id", a."name", b."code", b."age" FROM "items" a JOIN "items" b ON b."code" = a."code" WHERE a."id" = $1') },
};

// ---- file throughput: one 10 MB file through the binary endpoints, next to a disk read ----

const FILE_SCENARIOS = new Set(['file-upload', 'file-download']);
const FILE_TABLE = 'files';

/**
 * Runs `round` (one transfer of `bytes`) once to warm up, then until BENCH_FILE_ROUNDS rounds
 * or BENCH_SECONDS have passed (at least 2 rounds). MB/s = bytes × rounds ÷ total wall time (MB = 10^6 bytes).
 */
async function throughput(scenario, engine, bytes, round, pid) {
  await round();
  const times = [];
  const cpuBefore = pid ? cpuMs(pid) : undefined;
  const start = performance.now();
  while (times.length < cfg.fileRounds && (times.length < 2 || performance.now() - start < cfg.seconds * 1000)) {
    const t = performance.now();
    await round();
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const cpuAfter = pid ? cpuMs(pid) : undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const round2 = (v) => Math.round(v * 100) / 100;
  const result = {
    scenario, engine, rounds: times.length, bytes,
    mbps: round2((bytes * times.length) / (total / 1000) / 1e6),
    p50: round2(sorted[Math.floor(sorted.length / 2)]), max: round2(sorted[sorted.length - 1]),
    serverCpuMsPerRound: cpuBefore && cpuAfter ? round2(((cpuAfter.user - cpuBefore.user) + (cpuAfter.system - cpuBefore.system)) / times.length) : undefined,
  };
  console.log(`  ${scenario.padEnd(26)} ${engine.padEnd(10)} ${String(result.mbps).padStart(8)} MB/s  p50 ${result.p50} ms  max ${result.max} ms  rounds ${result.rounds}${result.serverCpuMsPerRound === undefined ? '' : `  server CPU ${result.serverCpuMsPerRound} ms/round`}`);
  return result;
}

async function drain(res) {
  let n = 0;
  for await (const chunk of res.body) n += chunk.length;
  return n;
}

/** Disk read, then PUT and GET of the same file through Strata (only the scenarios asked for). */
async function benchFiles(engine, strata, token, tmp) {
  const size = cfg.fileMB * 1_000_000;
  const file = path.join(tmp, 'bench-file.bin');
  fs.writeFileSync(file, randomBytes(size));
  await api(strata.url, token, 'PUT', `/db/${DB}:${BRANCH}/tables/${FILE_TABLE}`, { columns: [{ name: 'doc', type: 'file' }] }, 201);
  const rec = await api(strata.url, token, 'POST', `/db/${DB}:${BRANCH}/tables/${FILE_TABLE}/data`, {}, 201);
  const filePath = `/db/${DB}:${BRANCH}/tables/${FILE_TABLE}/data/${rec.body.id}/column/doc/file`;
  const pid = strata.handle.child.pid;
  const results = [];
  const label = `${cfg.fileMB} MB`;
  results.push(await throughput(`disk read (fs.readFile), ${label}`, engine, size, async () => {
    const buf = await fs.promises.readFile(file);
    if (buf.length !== size) throw new Error('short read');
  }));
  // The upload body is read from disk each round too (a stream), as a client sending a file would.
  const upload = async () => {
    const res = await fetch(strata.url + filePath, {
      method: 'PUT', duplex: 'half', body: fs.createReadStream(file),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size) },
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT file: ${res.status} ${text}`);
  };
  if (cfg.scenarios.includes('file-upload')) results.push(await throughput(`file upload (PUT), ${label}`, engine, size, upload, pid));
  else await upload();
  if (cfg.scenarios.includes('file-download')) {
    results.push(await throughput(`file download (GET), ${label}`, engine, size, async () => {
      const res = await fetch(strata.url + filePath, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) });
      if (res.status !== 200) throw new Error(`GET file: ${res.status} ${await res.text()}`);
      const n = await drain(res);
      if (n !== size) throw new Error(`GET file: ${n} bytes, expected ${size}`);
    }, pid));
  }
  const disk = results[0].mbps;
  for (const r of results) r.vsDisk = r.mbps / disk;
  return results;
}

// ---- one engine ----

async function benchEngine(engine) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `strata-bench-${engine}-`));
  tempDirs.add(tmp);
  const storageEnv = { DATA_DIR: path.join(tmp, 'data') };
  let pgName;
  if (engine === 'postgres') {
    pgName = await createPgDatabase();
    storageEnv.DATABASE_URL = pgUrlFor(pgName);
  }
  const info = { engine, seed: undefined };
  try {
    console.log(`\n[${engine}] first start, schema over HTTP`);
    let strata = await startStrata(engine, storageEnv, { firstStart: true, logFile: path.join(tmp, 'strata-setup.log') });
    const token = strata.token;
    await api(strata.url, token, 'PUT', `/workspaces/${WORKSPACE}/dbs/${DB}`, {}, 201);
    await api(strata.url, token, 'PUT', `/db/${DB}:${BRANCH}/tables/${TABLE}`, { columns: COLUMNS }, 201);
    const noAuth = await fetch(`${strata.url}${recordPath('/r000001')}`);
    if (noAuth.status !== 401) throw new Error(`expected 401 without a token, got ${noAuth.status}`);
    await strata.handle.stop();

    console.log(`[${engine}] seeding ${cfg.rows} rows through the core (transactions of 1000)`);
    const seedOut = await runChild(`seed (${engine})`, [path.join(here, 'seed.js')], {
      env: { ...storageEnv, BENCH_ROWS: String(cfg.rows), BENCH_SEED_BATCH: '1000' },
      timeoutMs: 900_000,
    });
    info.seed = JSON.parse(seedOut.trim().split('\n').pop());
    console.log(`[${engine}] seeded ${info.seed.rows} rows in ${(info.seed.ms / 1000).toFixed(1)} s`);

    strata = await startStrata(engine, storageEnv, { firstStart: false, logFile: path.join(tmp, 'strata.log') });
    const check = await api(strata.url, token, 'GET', recordPath(`/${idOf(cfg.rows)}`), undefined, 200);
    if (check.body.id !== idOf(cfg.rows)) throw new Error(`unexpected record: ${JSON.stringify(check.body)}`);

    const results = [];
    const fileResults = [];
    for (const key of cfg.scenarios) {
      if (FILE_SCENARIOS.has(key)) continue;
      const s = SCENARIOS[key];
      if (!s) throw new Error(`unknown scenario ${key} (known: ${[...Object.keys(SCENARIOS), ...FILE_SCENARIOS].join(', ')})`);
      results.push(await measure(s.label, engine, { url: strata.url, token, pid: strata.handle.child.pid }, s.requests()));
    }
    if (cfg.scenarios.some((k) => FILE_SCENARIOS.has(k))) fileResults.push(...await benchFiles(engine, strata, token, tmp));
    const { code, signal } = await strata.handle.stop();
    if (code !== 0) console.warn(`[${engine}] Strata exited with code ${code} signal ${signal}:\n${strata.handle.output().slice(-2000)}`);

    // The cost of request history: the same GET by id with recording off (a restart on the same data).
    if (cfg.scenarios.includes('get')) {
      console.log(`[${engine}] again with HISTORY_ENABLED=false`);
      const off = await startStrata(engine, { ...storageEnv, HISTORY_ENABLED: 'false' }, { firstStart: false, logFile: path.join(tmp, 'strata-history-off.log') });
      results.push(await measure('GET by id, history off', engine, { url: off.url, token, pid: off.handle.child.pid }, getRequests()));
      await off.handle.stop();
    }
    return { info, results, fileResults };
  } finally {
    await stopAll();
    if (pgName) await dropPgDatabase(pgName);
    fs.rmSync(tmp, { recursive: true, force: true });
    tempDirs.delete(tmp);
  }
}

// ---- report ----

function report(all, baseline, meta, files = []) {
  const rows = all.map((r) => ({ ...r, ratio: baseline ? r.rps / baseline.rps : undefined }));
  const fmt = (r) => [r.scenario, r.engine, String(r.rps), r.p50.toFixed(2), r.p99.toFixed(2), String(r.non2xx),
    r.ratio === undefined ? '–' : `${(r.ratio * 100).toFixed(1)}%`, r.serverCpuUs === undefined ? '–' : String(r.serverCpuUs)];
  const header = ['scenario', 'engine', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'vs bare', 'server CPU µs/req'];
  const cells = [header, ...rows.map(fmt)];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  console.log('\n' + cells.map((c, k) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ') + (k === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n'));

  const md = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${fmt(r).join(' | ')} |`),
  ].join('\n');
  const fileHeader = ['scenario', 'engine', 'MB/s', 'p50 ms', 'max ms', 'rounds', 'vs disk read', 'server CPU ms/round'];
  const fileMd = files.length === 0 ? '' : '\n\n' + [
    `| ${fileHeader.join(' | ')} |`,
    `|${fileHeader.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...files.map((r) => `| ${[r.scenario, r.engine, r.mbps.toFixed(1), r.p50.toFixed(2), r.max.toFixed(2), String(r.rounds), `${(r.vsDisk * 100).toFixed(1)}%`, r.serverCpuMsPerRound === undefined ? '–' : String(r.serverCpuMsPerRound)].join(' | ')} |`),
  ].join('\n');
  const settings = `${meta.connections} connections, ${meta.seconds} s per scenario after ${meta.warmup} s warm-up, ${meta.rows} seeded rows, ${meta.machine.cpus} CPUs, Node ${meta.machine.node}`;
  console.log(`\nMarkdown (${settings}):\n\n${md}${fileMd}\n`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ ...meta, baseline: baseline?.rps, results: rows, files }, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'results.md'), `${settings}\n\n${md}${fileMd}\n`);
  console.log(`bench: results written to ${path.relative(process.cwd(), path.join(outDir, 'results.json'))} and results.md`);
}

async function main() {
  if (!fs.existsSync(path.join(cfg.dist, 'main.js'))) throw new Error(`${path.join(cfg.dist, 'main.js')} is missing: run \`npm run build\` (npm run bench does)`);
  const meta = {
    startedAt: new Date().toISOString(), machine: machine(),
    connections: cfg.connections, seconds: cfg.seconds, warmup: cfg.warmup, rows: cfg.rows, auth: 'on (Bearer token on every request)',
  };
  console.log(`bench: ${meta.machine.cpus} CPUs (${meta.machine.cpuModel}), Node ${meta.machine.node}; ${cfg.connections} connections, ${cfg.seconds} s per scenario (+${cfg.warmup} s warm-up)`);
  const engines = [];
  for (const e of cfg.engines) {
    if (e !== 'sqlite' && e !== 'postgres') throw new Error(`unknown engine ${e}`);
    if (e === 'postgres' && !(await pgReachable())) continue;
    engines.push(e);
  }

  if (cfg.transferRows > 0) {
    const transfer = [];
    for (const engine of engines) {
      console.log(`\n[${engine}] export/import of ${cfg.transferRows} rows`);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `strata-bench-transfer-${engine}-`));
      tempDirs.add(tmp);
      const storageEnv = { DATA_DIR: path.join(tmp, 'data') };
      const pgName = engine === 'postgres' ? await createPgDatabase() : undefined;
      if (pgName) storageEnv.DATABASE_URL = pgUrlFor(pgName);
      try {
        transfer.push(...await benchTransfer({ root, engine, rows: cfg.transferRows, storageEnv, tmp }));
      } finally {
        if (pgName) await dropPgDatabase(pgName);
        fs.rmSync(tmp, { recursive: true, force: true });
        tempDirs.delete(tmp);
      }
    }
    const md = transferMarkdown(transfer);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'transfer.json'), JSON.stringify({ ...meta, transfer }, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, 'transfer.md'), md + '\n');
    console.log(`\n${md}\n`);
    if (cfg.scenarios.length === 1 && cfg.scenarios[0] === 'transfer') return; // BENCH_SCENARIOS=transfer: this alone
  }

  const all = [];
  console.log('\n[bare] node:http baseline');
  const bare = await startBare();
  const baseline = await measure('bare GET', 'node:http', { url: bare.url, pid: bare.handle.child.pid }, [{ method: 'GET', path: recordPath('/r000042') }]);
  all.push(baseline);
  await bare.handle.stop();

  meta.engines = {};
  const files = [];
  for (const engine of engines) {
    const { info, results, fileResults } = await benchEngine(engine);
    meta.engines[engine] = info;
    all.push(...results);
    files.push(...fileResults);
  }

  console.log('\n[bare] node:http baseline again (drift check; ratios use the first one)');
  const bare2 = await startBare();
  all.push(await measure('bare GET (end)', 'node:http', { url: bare2.url, pid: bare2.handle.child.pid }, [{ method: 'GET', path: recordPath('/r000042') }]));
  await bare2.handle.stop();

  meta.finishedAt = new Date().toISOString();
  report(all, baseline, meta, files);
}

try {
  await main();
  await cleanup();
} catch (err) {
  console.error(`\nbench: failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
  await cleanup();
  process.exitCode = 1;
}
