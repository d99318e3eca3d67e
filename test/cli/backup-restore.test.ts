import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { describeEachEngine, type EngineUnderTest } from '../support/engines.js';
import { cli, cliAsync, startServer } from '../support/processes.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * `strata backup` and `strata restore` as real processes next to the real server: a backup
 * taken while writers commit pairs of records in one transaction restores every pair
 * acknowledged before it started, and never half a pair; a restore refuses a non-empty
 * target unless --force, and refuses a damaged archive, writing nothing.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-backup-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describeEachEngine('strata backup and restore', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

  const provision = async () => {
    const p = await engine.provision();
    cleanups.push(p.cleanup);
    return p.config;
  };

  it('takes a consistent backup while the server writes; restores it; refuses a non-empty target without --force and a damaged archive', async () => {
    const config = await provision();
    expect(cli(['account', 'create', '--email', 'ops@example.com', '--password', 'correct-horse'], config).status).toBe(0);
    const token = cli(['token', 'create', '--email', 'ops@example.com', '--name', 'backup'], config).stdout.trim();
    const server = startServer(config);
    cleanups.push(server.stop);
    const { url } = await server.ready;
    const call = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    };
    expect((await call('PUT', '/workspaces/local/dbs/pairs', {})).status).toBe(201);
    // The halves of a pair live in two tables, read one after the other: only one snapshot keeps them matched.
    for (const side of ['lefts', 'rights']) {
      expect((await call('PUT', `/db/pairs:main/tables/${side}`, { columns: [{ name: 'pair', type: 'int' }, { name: 'pad', type: 'text' }] })).status).toBe(201);
    }
    const pad = 'x'.repeat(2000);

    // Four writers, each committing both halves of a pair in one transaction (bounded: 300 pairs each).
    const acked = new Set<number>();
    let stop = false;
    let next = 0;
    const writer = async () => {
      for (let i = 0; i < 600 && !stop; i++) {
        const pair = next++;
        const res = await call('POST', '/db/pairs:main/transaction', { operations: [
          { insert: { table: 'lefts', record: { pair, pad } } }, { insert: { table: 'rights', record: { pair, pad } } },
        ] });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        acked.add(pair);
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    for (let i = 0; i < 400 && acked.size < 400; i++) await new Promise((r) => setTimeout(r, 25));
    const ackedBefore = new Set(acked);
    expect(ackedBefore.size).toBeGreaterThanOrEqual(400);
    const file = path.join(dir, `${engine.name}.strata.gz`);
    const backup = await cliAsync(['backup', '--out', file], config);
    const ackedDuring = acked.size - ackedBefore.size;
    stop = true;
    await Promise.all(writers);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/backup written to .*: 2 tables, \d+ records/);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(ackedDuring, 'the writers kept committing while the backup ran').toBeGreaterThan(0);

    // Restored into an empty instance of the same engine: acknowledged pairs all there, no half pair.
    const target = await provision();
    const restored = cli(['restore', file], target);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/restored the instance .*change streams start again from 0/);
    const strata = await openStrata(target);
    try {
      const ctx = await strata.databases.resolve('pairs', 'main');
      const pairsOf = async (name: string) => {
        const table = (await ctx.schema()).tables.get(name)!;
        const rows = await ctx.store.select({ table, joins: [], fields: [{ tableAlias: 't0', column: table.leaves.find((l) => l.path === 'pair')! }] });
        return new Set((rows as Array<[number]>).map(([pair]) => pair));
      };
      const lefts = await pairsOf('lefts');
      const rights = await pairsOf('rights');
      for (const pair of ackedBefore) expect(lefts.has(pair), `pair ${pair} acknowledged before the backup`).toBe(true);
      expect([...rights].sort((a, b) => a - b), 'no transaction cut in half').toEqual([...lefts].sort((a, b) => a - b));
      // The operator's account and token came along (hashed as stored).
      expect((await strata.storage.system.findAccountByEmail('ops@example.com'))?.isOwner).toBe(true);
    } finally {
      await strata.close();
    }

    // Not empty now: refused without --force, replaced with it.
    const again = cli(['restore', file], target);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/strata: the target instance \(1 databases, 1 accounts\) is not empty/);
    const forced = cli(['restore', file, '--force'], target);
    expect(forced.status, forced.stderr).toBe(0);

    // Damaged archives: refused with a clear error, nothing written.
    const bytes = fs.readFileSync(file);
    const truncated = path.join(dir, `${engine.name}-truncated.strata.gz`);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const empty = await provision();
    const bad = cli(['restore', truncated], empty);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/strata: not a valid Strata archive: it is truncated/);
    const garbage = path.join(dir, `${engine.name}-garbage.strata.gz`);
    fs.writeFileSync(garbage, 'this is not an archive');
    expect(cli(['restore', garbage], empty).stderr).toMatch(/not a valid Strata archive: it is not gzip data/);
    const check = await openStrata(empty);
    try {
      expect(await check.storage.system.listDatabases()).toEqual([]);
      expect(await check.storage.system.countAccounts()).toBe(0);
    } finally {
      await check.close();
    }
    expect(cli(['restore'], empty).status).toBe(2);
  }, 120_000);
});
