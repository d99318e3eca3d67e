/**
 * What a request at each request limit (src/kernel/request-limits.ts) costs: the core and storage
 * in-process, without HTTP, one request at a time, on a table of ROWS rows. These are the
 * worst cases a single request may ask for; each should cost well under 100–200 ms on SQLite,
 * which runs on the event loop (every other request waits meanwhile).
 *   npx tsc -p tsconfig.build.json && node bench/limits-probe.mjs
 * Env: ROWS (10000), RUNS (5, medians of wall and process CPU time, after one warm-up), ONLY (a
 * regular expression: the scenarios to run), PGURL (PostgreSQL instead
 * of SQLite), PROBE_DIST (dist), LIMIT_SCALE (1: measure at k× the limits, to see the curve;
 * the limits are raised in this process only). Prints one JSON line per scenario.
 */
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';

const dist = path.resolve(process.env.PROBE_DIST ?? 'dist');
const { openStrata } = await import(path.join(dist, 'open-strata.js'));
const { REQUEST_LIMITS: L } = await import(path.join(dist, 'kernel/request-limits.js'));
const { xataRecordFormat: format } = await import(path.join(dist, 'http/data-api/xata-record-format.js'));
const rows = Number(process.env.ROWS ?? 10_000);
const runs = Number(process.env.RUNS ?? 5);
const scale = Number(process.env.LIMIT_SCALE ?? 1);
for (const key of Object.keys(L)) L[key] = Math.round(L[key] * scale);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lprobe-'));
const strata = await openStrata({ dataDir: dir, databaseUrl: process.env.PGURL });
const COLUMNS = [{ name: 'name', type: 'string' }, { name: 'n', type: 'int' }, { name: 'tags', type: 'multiple' }, { name: 'born', type: 'datetime' }];
try {
  await strata.databases.create('probe');
  const ctx = await strata.databases.resolve('probe', 'main');
  await strata.schema.createTable(ctx, 'items', COLUMNS);
  const table = await strata.schema.table(ctx, 'items');
  for (let b = 1; b <= rows; b += 1000) {
    await ctx.store.transaction(async (tx) => {
      for (let i = b; i < b + 1000 && i <= rows; i++) {
        const values = { name: `item number ${i}`, n: i % 1000, tags: [`t${i % 7}`, `u${i % 13}`], born: Date.UTC(2000, 0, 1) + i * 60_000 };
        await tx.insertRecord(table, `r${i}`, new Map(COLUMNS.map((c) => [table.leaf(c.name), values[c.name]])), Date.now());
      }
    });
  }

  const only = process.env.ONLY ? new RegExp(process.env.ONLY) : undefined;
  const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 10) / 10;
  const time = async (name, size, fn) => {
    if (only && !only.test(name)) return;
    await fn(0);
    const wall = [];
    const cpu = [];
    for (let k = 1; k <= runs; k++) {
      const c = process.cpuUsage();
      const t = performance.now();
      await fn(k);
      wall.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    // CPU time is SQLite's work and Strata's (not PostgreSQL's), and robust to other load on the machine.
    console.log(JSON.stringify({ scenario: name, size, engine: process.env.PGURL ? 'postgres' : 'sqlite', rows, medianMs: median(wall), medianCpuMs: median(cpu) }));
  };
  const query = (body) => strata.queries.query(ctx, 'items', { page: { size: 20 }, ...body }, format);
  const list = (n, k) => Array.from({ length: n }, (_, i) => `item number ${i * 7 + k}`);

  // Every condition a pattern no index can serve: each row is matched against each branch.
  await time('filterNodes: $any of $iPattern', L.filterNodes - 1, (k) => query({ filter: { $any: Array.from({ length: L.filterNodes - 1 }, (_, i) => ({ name: { $iPattern: `*${i + k}*x` } })) } }));
  await time('filterNodes: $all of $not $contains', L.filterNodes / 2 - 1, (k) => query({ filter: { $all: Array.from({ length: L.filterNodes / 2 - 1 }, (_, i) => ({ $not: { name: { $contains: `${i + k}x` } } })) } }));
  let deep = { name: { $contains: 'number 1' } };
  for (let i = 0; i < L.filterDepth - 1; i++) deep = i % 2 ? { $not: deep } : { $all: [deep, { n: { $ge: i } }] };
  await time('filterDepth: alternating $not/$all', L.filterDepth, () => query({ filter: deep }));
  await time('listValues: one $any list', L.listValues, (k) => query({ filter: { name: { $any: list(L.listValues, k) } } }));
  await time('listValues: $includesAny', L.listValues, (k) => query({ filter: { tags: { $includesAny: list(L.listValues, k) } } }));
  const lists = L.filterValues / L.listValues;
  await time('filterValues: lists on several columns', L.filterValues, (k) => query({ filter: { $any: Array.from({ length: lists }, (_, j) => (j % 2 ? { name: list(L.listValues, k + j) } : { tags: { $includesAny: list(L.listValues, k + j) } })) } }));
  await time('sortKeys: a sort of every row', L.sortKeys, () => query({ sort: Array.from({ length: L.sortKeys }, (_, i) => ({ [['name', 'n', 'born'][i % 3]]: i % 2 ? 'asc' : 'desc' })) }));
  const summaries = Object.fromEntries(Array.from({ length: L.summaries }, (_, i) => [`s${i}`, { [['count', 'sum', 'min', 'max', 'average'][i % 5]]: i % 5 === 0 ? 'name' : 'n' }]));
  await time('summaries: grouped by n', L.summaries, () => strata.analytics.summarize(ctx, 'items', { columns: ['n'], summaries, page: { size: 1000 } }, format));
  const counts = Object.fromEntries(Array.from({ length: L.aggregations / 4 - 1 }, (_, i) => [`c${i}`, { count: { filter: { n: { $ge: i } } } }]));
  const aggs = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`t${i}`, { topValues: { column: 'n', size: 1000, aggs: counts } }]));
  await time('aggregations: topValues with counts', L.aggregations, () => strata.analytics.aggregate(ctx, 'items', { aggs }));
  const plain = Object.fromEntries(Array.from({ length: L.aggregations }, (_, i) => [`a${i}`, { [['sum', 'min', 'max', 'average', 'uniqueCount'][i % 5]]: { column: 'n' } }]));
  await time('aggregations: metrics', L.aggregations, () => strata.analytics.aggregate(ctx, 'items', { aggs: plain }));

  // A table at the column limit: created (one migration), then a record written and read with every column.
  const wide = Array.from({ length: L.columnsPerTable }, (_, i) => ({ name: `c${i}`, type: i % 2 ? 'int' : 'string' }));
  await time('columnsPerTable: create the table', L.columnsPerTable, async (k) => strata.schema.createTable(ctx, `wide${k}`, wide));
  const record = Object.fromEntries(wide.map((c, i) => [c.name, i % 2 ? i : `v${i}`]));
  await time('columnsPerTable: insert a record', L.columnsPerTable, (k) => strata.records.insert(ctx, 'wide0', { ...record, c0: `k${k}` }, { format }));
  await time('columnsPerTable: query 20 records', L.columnsPerTable, () => strata.queries.query(ctx, 'wide0', { page: { size: 20 } }, format));
} finally {
  await strata.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
