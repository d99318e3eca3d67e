/**
 * The export/import scenario (BENCH_TRANSFER_ROWS, off by default): BENCH_TRANSFER_ROWS rows
 * written to a CSV, imported with `strata import` (a Xata-style schema file and the directory),
 * exported again as CSV and NDJSON with `strata export`, and the NDJSON imported into a second
 * database; each run is the real bin as a child process. Reported per run: rows per second (wall
 * clock) and the child's peak RSS (VmHWM from /proc, polled every 20 ms; it only grows, so the
 * last reading is the peak), which should not grow with the row count.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SCHEMA = { tables: [{ name: 'items', columns: [
  { name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'score', type: 'float' },
  { name: 'active', type: 'bool' }, { name: 'born', type: 'datetime' }, { name: 'tags', type: 'multiple' },
] }] };

function writeCsv(file, rows) {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'name,age,score,active,born,tags\n');
  let chunk = '';
  const base = Date.UTC(2020, 0, 1);
  for (let i = 1; i <= rows; i++) {
    chunk += `item ${i},${i % 100},${(i % 1000) / 8},${i % 2 === 0},${new Date(base + i * 1000).toISOString()},"a,b${i % 10}"\n`;
    if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

function peakRss(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

/** One CLI run: wall seconds, peak RSS bytes, exit status, output. */
function runCli(root, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(root, 'bin/strata.js'), ...args], { cwd: root, env: { ...process.env, ...env } });
    let out = '', err = '', peak = 0;
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    const poll = setInterval(() => { peak = Math.max(peak, peakRss(child.pid)); }, 20);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (status !== 0) reject(new Error(`strata ${args.join(' ')} exited ${status}:\n${err.slice(-2000)}`));
      else resolve({ seconds, peak, out });
    });
  });
}

export async function benchTransfer({ root, engine, rows, storageEnv, tmp }) {
  const data = path.join(tmp, 'transfer');
  fs.mkdirSync(data, { recursive: true });
  const schemaFile = path.join(tmp, 'transfer-schema.json');
  fs.writeFileSync(schemaFile, JSON.stringify(SCHEMA));
  const csv = path.join(data, 'items.csv');
  console.log(`  transfer: writing ${rows} rows to ${path.relative(root, csv)}`);
  writeCsv(csv, rows);
  const mb = fs.statSync(csv).size / 1e6;
  const results = [];
  const step = async (label, args, fileMb) => {
    const r = await runCli(root, args, storageEnv);
    const row = { scenario: label, engine, rows, seconds: r.seconds, rowsPerSecond: rows / r.seconds, peakRssMB: r.peak / 2 ** 20, fileMB: fileMb };
    console.log(`  ${label}: ${rows} rows in ${r.seconds.toFixed(1)} s = ${Math.round(row.rowsPerSecond)} rows/s, peak RSS ${row.peakRssMB.toFixed(0)} MiB`);
    results.push(row);
  };
  await step('import csv', ['import', '--database', 'transfer', '--schema', schemaFile, '--dir', data], mb);
  const outCsv = path.join(tmp, 'out.csv');
  const outNd = path.join(tmp, 'out.ndjson');
  await step('export csv', ['export', '--database', 'transfer', '--table', 'items', '--out', outCsv], undefined);
  await step('export ndjson', ['export', '--database', 'transfer', '--table', 'items', '--out', outNd], undefined);
  results.at(-2).fileMB = fs.statSync(outCsv).size / 1e6;
  results.at(-1).fileMB = fs.statSync(outNd).size / 1e6;
  const nd = path.join(tmp, 'transfer2');
  fs.mkdirSync(nd, { recursive: true });
  fs.renameSync(outNd, path.join(nd, 'items.ndjson'));
  await step('import ndjson', ['import', '--database', 'transfer2', '--schema', schemaFile, '--dir', nd], fs.statSync(path.join(nd, 'items.ndjson')).size / 1e6);
  for (const f of [csv, outCsv]) fs.rmSync(f, { force: true });
  return results;
}

export function transferMarkdown(results) {
  const lines = ['| run | engine | rows | seconds | rows/s | peak RSS MiB | file MB |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of results) lines.push(`| ${r.scenario} | ${r.engine} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerSecond)} | ${r.peakRssMB.toFixed(0)} | ${r.fileMB === undefined ? '' : r.fileMB.toFixed(0)} |`);
  return lines.join('\n');
}
