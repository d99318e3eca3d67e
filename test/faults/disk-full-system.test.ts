import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * A full disk under SQLite's instance files, not only under a branch's: the system store
 * (`strata.db`: accounts, tokens, databases…) and the request history (`history.db`). A refused
 * write is 507 "storage is full" in each face (never a 500), starts the same episode as a branch
 * file's (/ready 503, /metrics, one log line) and ends with the next write that succeeds.
 */
describe('[sqlite] disk full under the system store and the request history', () => {
  let s: RunningStrata | undefined;
  afterEach(async () => { await s?.close(); s = undefined; });

  async function start() {
    let logs = '';
    s = await startStrata(sqliteEngine, { logLevel: 'info', logStream: new Writable({ write(chunk, _enc, done) { logs += chunk; done(); } }) });
    return { s, logged: () => logs.split('\n').filter((l) => l.includes('storage is full')).length };
  }
  /** Caps a writer connection's file at its current size (the pragma is per connection: the server's own). */
  async function cap(writer: Kysely<any>): Promise<() => Promise<void>> {
    const pages = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(writer)).rows[0]!.page_count;
    await sql.raw(`PRAGMA max_page_count = ${pages}`).execute(writer);
    return async () => { await sql.raw('PRAGMA max_page_count = 1073741823').execute(writer); };
  }
  const expectEpisode = async (server: RunningStrata, full: boolean) => {
    expect((await server.request('GET', '/ready')).status).toBe(full ? 503 : 200);
    expect((await server.request('GET', '/metrics')).body).toMatch(new RegExp(`^strata_storage_full ${full ? 1 : 0}$`, 'm'));
  };

  it('a system-store write that finds no space is 507 in both faces, one episode, and recovers', async () => {
    const { s, logged } = await start();
    const uncap = await cap((s.strata.storage.system as unknown as { writer: Kysely<any> }).writer);
    const account = (i: number) => s.request('POST', '/api:meta/account', { email: `${'a'.repeat(300)}${i}@test.local`, password: 'password-1', name: 'n'.repeat(255) });
    let refused: Awaited<ReturnType<typeof account>> | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await account(i);
      if (res.status !== 200) refused = res;
    }
    expect(refused).toMatchObject({ status: 507, body: { code: 'ERROR_FATAL', message: expect.stringContaining('storage is full'), payload: null } });
    for (let i = 0; i < 2; i++) expect((await account(500)).status).toBe(507);
    // Reads go on; the operator sees one episode.
    expect((await s.request('GET', '/api:meta/account')).status).toBe(200);
    await expectEpisode(s, true);
    expect(logged()).toBe(1);
    // The data API's system writes (a database's row) are refused alike once their table's page is full too
    // (each database created meanwhile is a write that found space: it ends the episode, the next refusal starts one).
    const database = (i: number) => s.request('PUT', `/workspaces/local/dbs/${'d'.repeat(240)}${i}`, {});
    let data: Awaited<ReturnType<typeof database>> | undefined;
    for (let i = 0; i < 100 && !data; i++) {
      const res = await database(i);
      if (res.status !== 201) data = res;
    }
    expect(data).toMatchObject({ status: 507, body: { id: expect.stringMatching(/^req_/), message: expect.stringContaining('storage is full') } });
    await expectEpisode(s, true);

    await uncap();
    expect((await account(1000)).status).toBe(200);
    await expectEpisode(s, false);
    expect((await database(1000)).status).toBe(201);
  });

  it('a request-history batch that finds no space starts the episode (entries counted as failed) and the next batch ends it', async () => {
    const { s, logged } = await start();
    expect((await s.request('PUT', '/workspaces/local/dbs/hist', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/hist:main/tables/notes', { columns: [{ name: 'body', type: 'text' }] })).status).toBe(201);
    await s.strata.history.recorder.flush();
    const uncap = await cap((s.strata.storage.history as unknown as { writer: Kysely<any> }).writer);
    const failedBefore = s.strata.history.recorder.stats.failed;
    // Entries are small (inputs are truncated): enough of them fill the file's last free page.
    for (let i = 0; i < 300 && s.strata.history.recorder.stats.failed === failedBefore; i++) {
      expect((await s.request('POST', '/db/hist:main/tables/notes/data', { body: 'h'.repeat(50_000) })).status).toBe(201);
      await s.strata.history.recorder.flush();
    }
    expect(s.strata.history.recorder.stats.failed).toBeGreaterThan(failedBefore);
    // Data writes to the branch file go on (it has space) and do not end the history file's episode.
    expect((await s.request('POST', '/db/hist:main/tables/notes/data', { body: 'short' })).status).toBe(201);
    await expectEpisode(s, true);
    expect(logged()).toBe(1);

    await uncap();
    expect((await s.request('POST', '/db/hist:main/tables/notes/data', { body: 'after' })).status).toBe(201);
    await s.strata.history.recorder.flush();
    await expectEpisode(s, false);
  });
});
