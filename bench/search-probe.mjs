import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { xataRecordFormat as format } from '../dist/http/data-api/xata-record-format.js';
import { openStrata } from '../dist/open-strata.js';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sprof-'));
const strata = await openStrata({ dataDir: dir, databaseUrl: process.env.PGURL });
await strata.databases.create('bench');
const ctx = await strata.databases.resolve('bench', 'main');
await strata.schema.createTable(ctx, 'items', [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }]);
const { table } = await strata.records.table(ctx, 'items');
const N = Number(process.env.ROWS ?? 100000);
let t = performance.now();
for (let b = 0; b < N; b += 1000) await ctx.store.transaction(async (tx) => { for (let i = b + 1; i <= b + 1000; i++) await tx.insertRecord(table, `r${i}`, new Map([[table.leaf('name'), `item number ${i}`], [table.leaf('age'), i % 100]]), Date.now()); });
console.log('seed ms', (performance.now() - t).toFixed(0));
for (const body of [{ query: '4242', page: { size: 20 } }, { query: '4242', page: { size: 20 } }, { query: 'item', fuzziness: 0, page: { size: 20 } }, { query: 'item', fuzziness: 0, page: { size: 20 } }, { query: 'numbr', page: { size: 20 } }]) {
  t = performance.now();
  const cpu = process.cpuUsage();
  const r = await strata.search.searchTable(ctx, 'items', body, format);
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify(body), 'ms', (performance.now() - t).toFixed(1), 'cpu ms', ((used.user + used.system) / 1000).toFixed(1), 'total', r.totalCount, r.records.length);
}
await strata.close(); fs.rmSync(dir, { recursive: true });
