import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeEachEngine, type EngineUnderTest } from '../support/engines.js';
import { strataCli } from '../support/transfer-cli.js';
import { openStrata } from '../../src/open-strata.js';
import type { Strata } from '../../src/core/strata.js';
import { exportRecordFormat } from '../../src/core/transfer/export-record-format.js';

/**
 * `strata export` / `strata import` as an operator runs them (the built bin, stdout and stderr
 * piped, so not a TTY), on both engines.
 */
const ROWS = 100_000;
const BAD_ROW = 50_001; // the data row with a malformed value (file line BAD_ROW + 1)

const bigSchema = { tables: [{ name: 'items', columns: [{ name: 'n', type: 'int' }, { name: 'name', type: 'string' }, { name: 'score', type: 'float' }, { name: 'active', type: 'bool' }] }] };

function writeBigCsv(file: string, bad?: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'n,name,score,active\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    chunk += `${i === bad ? 'twelve' : i},item ${i},${i / 4},${i % 2 === 0}\n`;
    if (chunk.length > 1 << 16) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function countAndDistinct(strata: Strata, db: string): Promise<{ count: number; distinct: number; max: number }> {
  const ctx = await strata.databases.resolve(db, 'main');
  const { aggs } = await strata.analytics.aggregate(ctx, 'items', { aggs: { count: { count: '*' }, distinct: { uniqueCount: { column: 'n', precisionThreshold: 40000 } }, max: { max: { column: 'n' } } } });
  return { count: Number(aggs.count), distinct: Number(aggs.distinct), max: Number(aggs.max) };
}

describeEachEngine('strata export and import', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });
  const setup = async () => {
    const p = await engine.provision();
    cleanups.push(p.cleanup);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-transfer-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return { config: p.config, dir };
  };

  it('imports 100k rows, reports the malformed one by file, line, column and reason, prints plain progress lines; exports them back', async () => {
    const { config, dir } = await setup();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    writeBigCsv(path.join(data, 'items.csv'), BAD_ROW);
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(bigSchema));
    const errorsFile = path.join(dir, 'errors.csv');
    const run = await strataCli(['import', '--database', 'big', '--schema', path.join(dir, 'schema.json'), '--dir', data, '--errors', errorsFile], config, { timeoutMs: 240_000 });
    expect(run.stderr).toContain(`error: ${path.join(data, 'items.csv')}:${BAD_ROW + 1}: column n: invalid value, expected an integer`);
    expect(run.stdout).toContain(`read ${ROWS}, imported ${ROWS - 1}, failed 1`);
    expect(run.status).toBe(3); // finished, with rows it could not import
    // Not a TTY: plain lines (rate and ETA), then a final one; no bar's control characters.
    expect(run.stderr).toMatch(/^import items\.csv: \d+ rows, \d+%, \d+ rows\/s, ETA (\d+s|\?)$/m);
    expect(run.stderr).toMatch(/^import items\.csv: done, 100000 rows in [\d.]+ s/m);
    expect(run.stderr).not.toContain('\u001b[');
    expect(fs.readFileSync(errorsFile, 'utf8').trim().split('\n')).toEqual(['file,line,column,reason', `${path.join(data, 'items.csv')},${BAD_ROW + 1},n,"invalid value, expected an integer"`]);
    expect(fs.existsSync(path.join(data, 'items.csv.strata-import.json'))).toBe(false); // done: no progress file left

    const strata = await openStrata(config);
    try {
      expect(await countAndDistinct(strata, 'big')).toEqual({ count: ROWS - 1, distinct: ROWS - 1, max: ROWS });
    } finally { await strata.close(); }

    const out = path.join(dir, 'items.ndjson');
    const exported = await strataCli(['export', '--database', 'big', '--table', 'items', '--out', out], config, { timeoutMs: 240_000 });
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`exported ${ROWS - 1} records of items`);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(ROWS - 1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ n: expect.any(Number), name: expect.stringMatching(/^item /), xata: { version: 0 } });
    expect(new Set(lines.map((l) => JSON.parse(l).n)).size).toBe(ROWS - 1);
  }, 600_000);

  it('resumes an import killed mid-way: no duplicates, no gaps', async () => {
    const { config, dir } = await setup();
    const file = path.join(dir, 'items.csv');
    writeBigCsv(file);
    const strata = await openStrata(config);
    try {
      await strata.databases.create('resume');
      await strata.schema.createTable(await strata.databases.resolve('resume', 'main'), 'items', bigSchema.tables[0]!.columns);
    } finally { await strata.close(); }
    const progressFile = `${file}.strata-import.json`;
    const args = ['import', '--database', 'resume', '--table', 'items', '--file', file];
    const killed = await strataCli(args, config, {
      timeoutMs: 240_000,
      onStart: (child) => {
        const poll = setInterval(() => {
          try {
            if (JSON.parse(fs.readFileSync(progressFile, 'utf8')).rowsDone >= 20_000) { clearInterval(poll); child.kill('SIGKILL'); }
          } catch { /* not written yet, or being renamed */ }
        }, 5);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const partial = JSON.parse(fs.readFileSync(progressFile, 'utf8'));
    expect(partial.rowsDone).toBeLessThan(ROWS);

    // Without --resume the interrupted import is not started over by accident.
    const refused = await strataCli(args, config);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('add --resume');

    const resumed = await strataCli([...args, '--resume'], config, { timeoutMs: 240_000 });
    expect(resumed.stderr).toBe(resumed.stderr.replace(/^error:.*$/m, '')); // no row errors: no id was inserted twice
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`read ${ROWS}, imported ${ROWS}, failed 0`);
    const check = await openStrata(config);
    try {
      expect(await countAndDistinct(check, 'resume')).toEqual({ count: ROWS, distinct: ROWS, max: ROWS });
    } finally { await check.close(); }
    expect(fs.existsSync(progressFile)).toBe(false);
  }, 600_000);

  it('round-trips every common column type through CSV, JSON and NDJSON', async () => {
    const { config, dir } = await setup();
    const columns = [
      { name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'mail', type: 'email' },
      { name: 'count', type: 'int' }, { name: 'ratio', type: 'float' }, { name: 'on', type: 'bool' },
      { name: 'at', type: 'datetime' }, { name: 'tags', type: 'multiple' }, { name: 'doc', type: 'json' },
      { name: 'embedding', type: 'vector', vector: { dimension: 3 } },
      { name: 'settings', type: 'object', columns: [{ name: 'theme', type: 'string' }, { name: 'size', type: 'int' }] },
      { name: 'parent', type: 'link', link: { table: 'things' } }, { name: 'team', type: 'link', link: { table: 'teams' } },
    ];
    const records = [
      {
        id: 'a1', title: 'First, "quoted"', body: 'line one\nline two', mail: 'a@example.com', count: -42, ratio: 0.125, on: true,
        at: '2024-02-29T23:59:58.123Z', tags: ['x', 'y, z'], doc: { nested: [1, { deep: null }], s: 'ü' }, embedding: [0.5, -1, 2],
        settings: { theme: 'dark', size: 3 }, parent: null, team: 't1',
      },
      { id: 'a2', title: 'Second', count: 0, ratio: 1e21, on: false, at: '1970-01-01T00:00:00.000Z', tags: [], doc: [1, 2], parent: 'a1', team: 't2' },
      { id: 'a3' }, // nothing but the id: every column null
    ];
    const strata = await openStrata(config);
    let original: Array<Record<string, unknown>>;
    try {
      await strata.databases.create('src');
      const ctx = await strata.databases.resolve('src', 'main');
      await strata.schema.createTable(ctx, 'teams', [{ name: 'name', type: 'string' }]);
      await strata.schema.createTable(ctx, 'things', []);
      await strata.schema.addColumn(ctx, 'things', columns[0]);
      for (const c of columns.slice(1)) await strata.schema.addColumn(ctx, 'things', c);
      await strata.batches.bulkInsert(ctx, 'teams', [{ id: 't1', name: 'Red' }, { id: 't2', name: 'Blue' }], { format: exportRecordFormat });
      for (const r of records) await strata.records.insert(ctx, 'things', r, { format: exportRecordFormat });
      // Versions and timestamps go along: a record updated twice is at version 2, updated later than created.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await strata.records.update(ctx, 'things', 'a2', { count: 1 }, { format: exportRecordFormat });
      await strata.records.update(ctx, 'things', 'a2', { count: 2 }, { format: exportRecordFormat });
      original = (await strata.queries.query(ctx, 'things', { page: { size: 10 } }, exportRecordFormat)).records;
    } finally { await strata.close(); }
    expect(original).toHaveLength(3);

    expect(original[1]!.xata).toMatchObject({ version: 2 });
    expect((original[1]!.xata as { updatedAt: string }).updatedAt).not.toBe((original[1]!.xata as { createdAt: string }).createdAt);
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const out = path.join(dir, format);
      const exported = await strataCli(['export', '--database', 'src', '--dir', out, '--format', format], config);
      expect(exported.stderr).not.toContain('failed');
      expect(exported.status).toBe(0);
      expect(fs.existsSync(path.join(out, `things.${format}`))).toBe(true);
      const imported = await strataCli(['import', '--database', `copy-${format}`, '--schema', path.join(out, 'schema.json'), '--dir', out], config);
      expect(imported.stderr).not.toMatch(/^error:/m);
      expect(imported.status).toBe(0);
      expect(imported.stdout).toContain('read 3, imported 3, failed 0');
      const check = await openStrata(config);
      try {
        const ctx = await check.databases.resolve(`copy-${format}`, 'main');
        const copied = (await check.queries.query(ctx, 'things', { page: { size: 10 } }, exportRecordFormat)).records;
        expect(copied, format).toEqual(original); // xata.version, createdAt and updatedAt included
      } finally { await check.close(); }
    }
  }, 300_000);

  it('maps columns, coerces CSV text per column type and reports bad rows of CSV and NDJSON without failing their batch', async () => {
    const { config, dir } = await setup();
    const strata = await openStrata(config);
    try {
      await strata.databases.create('map');
      await strata.schema.createTable(await strata.databases.resolve('map', 'main'), 'people', [
        { name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'born', type: 'datetime' }, { name: 'ok', type: 'bool', notNull: true, defaultValue: 'false' },
      ]);
    } finally { await strata.close(); }
    const csv = path.join(dir, 'people.csv');
    fs.writeFileSync(csv, 'Full Name,Age,Birth,ok\nAnn,31,2001-02-03 04:05:06+0000,1\nBob,3.5,,\n"Cy",40,not a date,TRUE\nDee,,1700000000000,false\n');
    const run = await strataCli(['import', '--database', 'map', '--table', 'people', '--file', csv, '--map', 'Full Name=name,Age=age', '--map', 'Birth=born'], config);
    expect(run.stdout).toContain('read 4, imported 2, failed 2');
    expect(run.stderr).toContain(`error: ${csv}:3: column age: invalid value, expected an integer`);
    expect(run.stderr).toContain(`error: ${csv}:4: column born: invalid value, expected an RFC 3339 date-time`);

    const unknown = await strataCli(['import', '--database', 'map', '--table', 'people', '--file', csv], config);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('[Full Name], [Age], [Birth] not in table [people]');

    const nd = path.join(dir, 'more.ndjson');
    fs.writeFileSync(nd, '{"name":"Eve","age":5}\n{"name":"Fay",\n\n{"name":"Gus","age":"old"}\n{"name":"Hal","born":1700000000000}\n');
    const run2 = await strataCli(['import', '--database', 'map', '--table', 'people', '--file', nd], config);
    expect(run2.stdout).toContain('read 4, imported 2, failed 2');
    expect(run2.stderr).toMatch(new RegExp(`error: ${nd}:2: invalid JSON`));
    expect(run2.stderr).toContain(`error: ${nd}:4: column age: invalid value, expected an integer`);

    const check = await openStrata(config);
    try {
      const ctx = await check.databases.resolve('map', 'main');
      const rows = (await check.queries.query(ctx, 'people', { sort: { name: 'asc' }, page: { size: 10 } }, exportRecordFormat)).records;
      expect(rows.map((r) => [r.name, r.age ?? null, r.born ?? null, r.ok])).toEqual([
        ['Ann', 31, '2001-02-03T04:05:06.000Z', true], ['Dee', null, '2023-11-14T22:13:20.000Z', false],
        ['Eve', 5, null, false], ['Hal', null, '2023-11-14T22:13:20.000Z', false],
      ]);
    } finally { await check.close(); }
  }, 120_000);
  it('round-trips the bytes of file and file[] columns through CSV, JSON and NDJSON; --no-file-content writes metadata only', async () => {
    const { config, dir } = await setup();
    const photo = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)); // every byte value, not UTF-8
    const small = Buffer.from([0, 255, 10, 13, 44, 34]); // NUL, a newline, a comma and a quote as bytes
    const strata = await openStrata(config);
    let original: Array<Record<string, unknown>>;
    try {
      await strata.databases.create('filesrc');
      const ctx = await strata.databases.resolve('filesrc', 'main');
      await strata.schema.createTable(ctx, 'docs', [{ name: 'title', type: 'string' }, { name: 'photo', type: 'file' }, { name: 'attachments', type: 'file[]' }]);
      await strata.records.insert(ctx, 'docs', {
        id: 'd1', title: 'with files', photo: { name: 'photo.bin', mediaType: 'application/octet-stream', base64Content: photo.toString('base64') },
        attachments: [{ name: 'small.bin', mediaType: 'application/octet-stream', base64Content: small.toString('base64') }, { name: 'empty.txt', mediaType: 'text/plain', base64Content: '' }],
      }, { format: exportRecordFormat });
      await strata.records.insert(ctx, 'docs', { id: 'd2', title: 'none' }, { format: exportRecordFormat });
      original = (await strata.queries.query(ctx, 'docs', { page: { size: 10 } }, exportRecordFormat)).records;
    } finally { await strata.close(); }

    const bytesOf = async (s: Strata, db: string, column: string, fileId?: string) => {
      const ctx = await s.databases.resolve(db, 'main');
      const file = await s.files.find(ctx, { table: 'docs', id: 'd1', column, fileId });
      const chunks: Buffer[] = [];
      if (file.key) for await (const chunk of s.storage.blobs.read(file.key)) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const out = path.join(dir, format);
      const exported = await strataCli(['export', '--database', 'filesrc', '--dir', out, '--format', format], config);
      expect(exported.status).toBe(0);
      expect(fs.readFileSync(path.join(out, `docs.${format}`), 'utf8')).toContain(photo.toString('base64'));
      const imported = await strataCli(['import', '--database', `filecopy-${format}`, '--schema', path.join(out, 'schema.json'), '--dir', out], config);
      expect(imported.stderr).not.toMatch(/^error:/m);
      expect(imported.stdout).toContain('read 2, imported 2, failed 0');
      const check = await openStrata(config);
      try {
        const db = `filecopy-${format}`;
        const copied = (await check.queries.query(await check.databases.resolve(db, 'main'), 'docs', { page: { size: 10 } }, exportRecordFormat)).records;
        expect(copied, format).toEqual(original); // names, media types, sizes, file ids, versions and timestamps
        const ids = (copied[0]!.attachments as Array<{ id: string }>).map((a) => a.id);
        expect((await bytesOf(check, db, 'photo')).equals(photo), format).toBe(true);
        expect((await bytesOf(check, db, 'attachments', ids[0])).equals(small), format).toBe(true);
        expect((await bytesOf(check, db, 'attachments', ids[1])).length, format).toBe(0);
      } finally { await check.close(); }
    }

    const metaOnly = path.join(dir, 'meta.ndjson');
    const run = await strataCli(['export', '--database', 'filesrc', '--table', 'docs', '--out', metaOnly, '--no-file-content'], config);
    expect(run.status).toBe(0);
    const lines = fs.readFileSync(metaOnly, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].photo).toEqual({ ...(original[0]!.photo as object) });
    expect(lines[0].photo).not.toHaveProperty('base64Content');
  }, 300_000);
});
