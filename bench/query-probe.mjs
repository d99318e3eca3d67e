/**
 * In-process CPU cost of one `POST …/query` (the query service, storage and record format,
 * without HTTP) for the `query-indexed` scenario's body: a range filter and sort on the
 * unique `code` column, 20 rows, a fresh value per query. Robust to other load on the
 * machine (process CPU time, one query at a time), so two builds can be compared in turn:
 *   PROBE_DIST=.bench/dist-before node bench/query-probe.mjs   (default ./dist)
 * Env: ROWS (20000), QUERIES (5000, after 500 warm-up), PGURL (PostgreSQL instead of SQLite:
 * only Strata's CPU is counted, not the server's). Prints one JSON line.
 */
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { BRANCH, COLUMNS, DB, TABLE, codeOf, idOf, rowValues } from './data.js';

const dist = path.resolve(process.env.PROBE_DIST ?? 'dist');
const { openStrata } = await import(path.join(dist, 'open-strata.js'));
const { xataRecordFormat: format } = await import(path.join(dist, 'http/data-api/xata-record-format.js'));
const rows = Number(process.env.ROWS ?? 20_000);
const queries = Number(process.env.QUERIES ?? 5000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qprobe-'));
const strata = await openStrata({ dataDir: dir, databaseUrl: process.env.PGURL });
try {
  await strata.databases.create(DB);
  const ctx = await strata.databases.resolve(DB, BRANCH);
  await strata.schema.createTable(ctx, TABLE, COLUMNS);
  const table = await strata.schema.table(ctx, TABLE);
  for (let b = 1; b <= rows; b += 1000) {
    await ctx.store.transaction(async (tx) => {
      for (let i = b; i < b + 1000 && i <= rows; i++) {
        const v = rowValues(i);
        await tx.insertRecord(table, idOf(i), new Map(COLUMNS.map((c) => [table.leaf(c.name), v[c.name]])), Date.now());
      }
    });
  }
  const body = (i) => ({ filter: { code: { $ge: codeOf(i) } }, sort: [{ code: 'asc' }], page: { size: 20 } });
  const run = async (n) => {
    for (let k = 0; k < n; k++) {
      const r = await strata.queries.query(ctx, TABLE, body(1 + Math.floor(Math.random() * (rows - 20))), format);
      if (r.records.length !== 20) throw new Error(`expected 20 records, got ${r.records.length}`);
    }
  };
  await run(500);
  const cpu = process.cpuUsage();
  const t = performance.now();
  await run(queries);
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ dist: path.relative(process.cwd(), dist), engine: process.env.PGURL ? 'postgres' : 'sqlite', queries, cpuUsPerQuery: Math.round(((used.user + used.system) / queries) * 10) / 10, wallUsPerQuery: Math.round(((performance.now() - t) * 1000) / queries) }));
} finally {
  await strata.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
