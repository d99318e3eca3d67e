/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=1): self time per function and per
 * package/file, and inclusive time of selected functions. Usage:
 *   node bench/profile-summary.js .bench/profiles/sqlite/CPU.….cpuprofile [top=40]
 */
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) { console.error('usage: node bench/profile-summary.js <file.cpuprofile> [top]'); process.exit(2); }
const top = Number(topArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// self time per node from samples × timeDeltas
const self = new Map();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (cf) => {
  const url = cf.url || '';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/')) return 'strata:' + url.slice(url.indexOf('/dist/') + 6);
  if (url.startsWith('node:')) return url;
  return url || `(${cf.functionName || 'native'})`;
};
const label = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)}:${cf.lineNumber + 1}`;

const byFn = new Map();
const byFile = new Map();
for (const [id, t] of self) {
  const cf = nodes.get(id).callFrame;
  byFn.set(label(cf), (byFn.get(label(cf)) ?? 0) + t);
  byFile.set(where(cf), (byFile.get(where(cf)) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${k}`);
};
console.log(`total sampled ${(total / 1e6).toFixed(2)} s`);
print('self time by package / file', byFile, top);
print('self time by function', byFn, top);

// inclusive time: a sample counts for every distinct function on its stack
const inclusive = new Map();
for (const [id, t] of self) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(nodes.get(cur).callFrame);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + t);
  }
}
print('inclusive time by function', inclusive, top);
