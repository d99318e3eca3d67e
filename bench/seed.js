/**
 * Seeds the benchmark table through the built core, not over HTTP: opens the same storage
 * the server uses (DATA_DIR or DATABASE_URL) and inserts BENCH_ROWS rows in transactions
 * of BENCH_SEED_BATCH rows via store.transaction(tx => tx.insertRecord(…)). Runs as its own
 * process while no Strata server is running. Prints one JSON line: {rows, ms}.
 */
import path from 'node:path';
import { BRANCH, COLUMNS, DB, TABLE, idOf, rowValues } from './data.js';
import { openStrata } from '../dist/open-strata.js';

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const batch = Number(process.env.BENCH_SEED_BATCH ?? 1000);
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');

const started = performance.now();
const strata = await openStrata({ dataDir, databaseUrl });
try {
  const ctx = await strata.databases.resolve(DB, BRANCH);
  const { table } = await strata.records.table(ctx, TABLE);
  const leaves = COLUMNS.map((c) => {
    const leaf = table.leaf(c.name);
    if (!leaf) throw new Error(`column ${c.name} missing from table ${TABLE}`);
    return leaf;
  });
  for (let first = 1; first <= rows; first += batch) {
    const last = Math.min(rows, first + batch - 1);
    await ctx.store.transaction(async (tx) => {
      const now = Date.now();
      for (let i = first; i <= last; i++) {
        const v = rowValues(i);
        const values = new Map(leaves.map((leaf) => [leaf, v[leaf.path]]));
        await tx.insertRecord(table, idOf(i), values, now);
      }
    });
  }
  const count = await ctx.store.countRows(table);
  if (count !== rows) throw new Error(`expected ${rows} rows after seeding, found ${count}`);
  console.log(JSON.stringify({ rows: count, ms: Math.round(performance.now() - started) }));
} finally {
  await strata.close();
}
