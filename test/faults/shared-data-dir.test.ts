import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { ROOT, startServer } from '../support/processes.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Two processes on one SQLite DATA_DIR: a second server is refused at start (a `kill -9`ed
 * one does not block its restart), and schema changes another process makes (here: this test
 * process writing the files directly, as the CLI may) are seen by the running server.
 */
describe('[sqlite] one DATA_DIR, several processes', () => {
  let provisioned: Awaited<ReturnType<typeof sqliteEngine.provision>>;
  let other: RunningStrata | undefined;
  beforeAll(async () => {
    expect(spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' }).status).toBe(0);
    provisioned = await sqliteEngine.provision();
  }, 120_000);
  afterAll(async () => { await other?.close(); await provisioned?.cleanup(); });

  it('refuses a second server, sees schema changes made by another process, and restarts after kill -9', async () => {
    const first = startServer(provisioned.config);
    const { url, output } = await first.ready;
    const token = /token:\s+(xau_\S+)/.exec(output)![1]!;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => undefined) as any };
    };
    try {
      const second = startServer(provisioned.config);
      try {
        await expect(second.ready).rejects.toThrow(/another Strata server is running on .*server\.lock/s);
      } finally {
        await second.kill();
      }

      expect((await call('PUT', '/workspaces/local/dbs/shared', {})).status).toBe(201);
      expect((await call('PUT', '/db/shared:main/tables/t', { columns: [{ name: 'a', type: 'string' }] })).status).toBe(201);
      expect((await call('POST', '/db/shared:main/tables/t/data', { a: 'cached' })).status).toBe(201);
      // Another process changes the schema of the same files.
      other = await startStrata(sqliteEngine, { provisioned: { config: provisioned.config, cleanup: async () => undefined } });
      // Its default account is not an owner here (the server's first start made one): act as another owner.
      const operator = await other.strata.accounts.create({ email: 'operator@test.local', password: 'operator-password', owner: true });
      const asOperator = { authorization: `Bearer ${(await other.strata.tokens.create(operator, { name: 'op', expiresAt: null })).secret}` };
      const added = await other.request('POST', '/db/shared:main/tables/t/columns', { name: 'b', type: 'int' }, asOperator);
      expect(added.status).toBe(200);
      expect((await other.request('PUT', '/db/shared:main/tables/u', { columns: [{ name: 'c', type: 'string' }] }, asOperator)).status).toBe(201);
      const withB = await call('POST', '/db/shared:main/tables/t/data', { a: 'seen', b: 2 });
      expect(withB).toMatchObject({ status: 201 });
      expect((await call('POST', '/db/shared:main/tables/u/data', { c: 'new table' })).status).toBe(201);
      expect((await call('GET', `/db/shared:main/tables/t/data/${withB.body.id}`)).body).toMatchObject({ a: 'seen', b: 2 });
      await other.close();
      other = undefined;
    } finally {
      await first.kill();
    }
    // The killed server's lock went with it.
    const restarted = startServer(provisioned.config);
    try {
      const { url: again } = await restarted.ready;
      expect((await fetch(`${again}/health`)).status).toBe(200);
    } finally {
      await restarted.stop();
    }
  });
});
