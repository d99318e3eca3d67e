import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { observeArchiveWorkspace, seedArchiveWorkspace } from '../support/archive-seed.js';
import { openStrata } from '../../src/open-strata.js';
import type { Strata } from '../../src/core/strata.js';

/**
 * An instance archived on SQLite, restored into PostgreSQL, archived there and restored into
 * SQLite again: records, versions, timestamps, ids (string and integer, and the next
 * generated one), file bytes, indexes, migrations and search answers are the same each time.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-archive-'));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { while (cleanups.length) await cleanups.pop()!().catch(() => undefined); fs.rmSync(dir, { recursive: true, force: true }); });

async function backupTo(strata: Strata, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const closed = new Promise<void>((resolve) => out.on('close', () => resolve()));
  await strata.archives.backup({ kind: 'instance' }, out);
  await closed;
}

/** A fresh instance of `engine`, restored from `file`, then served. */
async function restoredServer(engine: EngineUnderTest, file: string): Promise<RunningStrata> {
  const provisioned = await engine.provision();
  cleanups.push(provisioned.cleanup);
  const target = await openStrata(provisioned.config);
  try {
    await target.archives.restore(() => fs.createReadStream(file));
  } finally {
    await target.close();
  }
  const server = await startStrata(engine, { provisioned: { config: provisioned.config, cleanup: async () => undefined } });
  cleanups.push(() => server.close());
  return server;
}

describe.skipIf(!inject('postgresAvailable'))('archives across engines', () => {
  it('SQLite → PostgreSQL → SQLite gives the same records, versions, timestamps, ids, next ids, files and search answers', async () => {
    const source = await startStrata(sqliteEngine);
    cleanups.push(() => source.close());
    const { ws, products } = await seedArchiveWorkspace(source);
    const expected = await observeArchiveWorkspace(source, ws, products);
    expect(expected.posts).toHaveLength(32);
    expect(expected.file.sha).toBe(true);
    expect(expected.search.total).toBeGreaterThan(5);

    await backupTo(source.strata, path.join(dir, 'a.strata.gz'));
    const onPostgres = await restoredServer(postgresEngine, path.join(dir, 'a.strata.gz'));
    expect(await observeArchiveWorkspace(onPostgres, ws, products)).toEqual(expected);

    await backupTo(onPostgres.strata, path.join(dir, 'b.strata.gz'));
    const backOnSqlite = await restoredServer(sqliteEngine, path.join(dir, 'b.strata.gz'));
    expect(await observeArchiveWorkspace(backOnSqlite, ws, products)).toEqual(expected);

    // The next generated id continues where the source's would have (records 3 and 5 were deleted).
    for (const s of [source, onPostgres, backOnSqlite]) {
      const res = await s.request('POST', `/api:meta/workspace/${ws}/table/${products}/content`, { name: 'Next', price: 1 });
      expect(res.body.id).toBe(6);
      const str = await s.request('POST', '/db/shop:main/tables/users/data', { name: `new-${s.url}` });
      expect(str.status).toBe(201);
    }
  }, 120_000);
});

describe('a damaged archive', () => {
  it.each([['truncated'], ['altered']])('is refused (%s) with a clear error and nothing written', async (damage) => {
    const source = await startStrata(sqliteEngine);
    cleanups.push(() => source.close());
    await seedArchiveWorkspace(source);
    const good = path.join(dir, `good-${damage}.strata.gz`);
    await backupTo(source.strata, good);
    const bytes = fs.readFileSync(good);
    let bad: Buffer;
    if (damage === 'truncated') bad = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    else {
      // Same gzip framing, one changed character inside a record line.
      const { gunzipSync, gzipSync } = await import('node:zlib');
      const text = gunzipSync(bytes).toString('utf8').replace('Lamp review', 'Lamp reviev');
      bad = gzipSync(Buffer.from(text));
    }
    const file = path.join(dir, `bad-${damage}.strata.gz`);
    fs.writeFileSync(file, bad);
    const provisioned = await sqliteEngine.provision();
    cleanups.push(provisioned.cleanup);
    const target = await openStrata(provisioned.config);
    try {
      await expect(target.archives.restore(() => fs.createReadStream(file))).rejects.toThrow(damage === 'truncated' ? /not a valid Strata archive: it is truncated/ : /checksum does not match/);
      expect(await target.storage.system.listDatabases()).toEqual([]);
      expect(await target.storage.system.countAccounts()).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe('an instance backup without access', () => {
  it('holds no accounts, tokens or members; restored, the data is whole and the instance has no account until its first start', async () => {
    const source = await startStrata(sqliteEngine);
    cleanups.push(() => source.close());
    const { ws, products } = await seedArchiveWorkspace(source);
    const expected = await observeArchiveWorkspace(source, ws, products);
    const file = path.join(dir, 'without-access.strata.gz');
    const out = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => out.on('close', () => resolve()));
    await source.strata.archives.backup({ kind: 'instance', withoutAccess: true }, out);
    await closed;
    const { gunzipSync } = await import('node:zlib');
    const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; table?: string });
    const systemTables = new Set(lines.filter((l) => l.t === 'system').map((l) => l.table));
    expect(systemTables.has('databases')).toBe(true);
    for (const table of ['accounts', 'tokens', 'members']) expect(systemTables.has(table), table).toBe(false);

    const provisioned = await sqliteEngine.provision();
    cleanups.push(provisioned.cleanup);
    const target = await openStrata(provisioned.config);
    try {
      await target.archives.restore(() => fs.createReadStream(file));
      expect(await target.storage.system.countAccounts()).toBe(0);
    } finally {
      await target.close();
    }
    // The test server makes its own owner and token at start, as a fresh install does.
    const restored = await startStrata(sqliteEngine, { provisioned: { config: provisioned.config, cleanup: async () => undefined } });
    cleanups.push(() => restored.close());
    expect(await observeArchiveWorkspace(restored, ws, products)).toEqual(expected);
  });
});

describe.skipIf(!inject('postgresAvailable'))('a backup whose reader goes away', () => {
  it('stops, and closes its snapshot (a REPEATABLE READ transaction on PostgreSQL)', async () => {
    const source = await startStrata(postgresEngine);
    cleanups.push(() => source.close());
    await seedArchiveWorkspace(source);
    // A destination that takes a few bytes and never reads more, then goes away.
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough({ highWaterMark: 16 });
    const backup = source.strata.archives.backup({ kind: 'instance' }, out);
    await new Promise((resolve) => setTimeout(resolve, 200));
    out.destroy();
    await expect(backup).rejects.toThrow(/destination closed before it was complete/);
    // Nothing holds a transaction open afterwards: the next backup runs whole.
    const again = fs.createWriteStream(path.join(dir, 'after-gone.strata.gz'));
    const closed = new Promise<void>((resolve) => again.on('close', () => resolve()));
    await source.strata.archives.backup({ kind: 'instance' }, again);
    await closed;
    expect(fs.statSync(path.join(dir, 'after-gone.strata.gz')).size).toBeGreaterThan(0);
  });
});
