import { afterEach, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeEachEngine, type EngineUnderTest } from '../support/engines.js';
import { cli, startServer } from '../support/processes.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * A real crash in the middle of a file upload: the real server (`node dist/main.js`) is
 * SIGKILLed while a large body streams into the binary file endpoint, leaving what a killed
 * writer leaves (a `.partial` file on disk; a `blobs` row and its chunk rows in PostgreSQL).
 * The real `strata files gc` then removes it, and the record still serves the file it had.
 */
const CHUNK = 256 * 1024;

describeEachEngine('a crash during an upload, then files gc', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

  it('leaves an orphan that gc removes; no partial blob remains and the record\'s file is intact', async () => {
    const p = await engine.provision();
    cleanups.push(p.cleanup);
    const config = p.config;
    expect(cli(['account', 'create', '--email', 'ops@example.com', '--password', 'correct-horse'], config).status).toBe(0);
    const token = cli(['token', 'create', '--email', 'ops@example.com', '--name', 'crash'], config).stdout.trim();
    const auth = { authorization: `Bearer ${token}` };

    const server = startServer(config);
    cleanups.push(server.kill);
    const { url } = await server.ready;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(url + path, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect((await call('PUT', '/workspaces/local/dbs/crash', { region: 'local' })).status).toBe(201);
    expect((await call('PUT', '/db/crash:main/tables/docs', { columns: [{ name: 'doc', type: 'file' }] })).status).toBe(201);
    const original = randomBytes(3000);
    const created = await call('PUT', '/db/crash:main/tables/docs/data/d1', { doc: { name: 'v1.bin', mediaType: 'application/octet-stream', base64Content: original.toString('base64') } });
    expect(created.status).toBe(201);

    // An observer of the same storage (as the CLI is): which blobs exist, how many bytes a blob has on the server.
    const observer = await openStrata(config);
    const pgClient = config.databaseUrl ? new pg.Client({ connectionString: config.databaseUrl }) : undefined;
    await pgClient?.connect();
    const blobs = async () => { const out = new Map<string, number>(); for await (const b of observer.storage.blobs.list()) out.set(b.key, b.size); return out; };
    const writtenBytes = async (key: string, sizes: Map<string, number>) => pgClient
      ? Number((await pgClient.query('SELECT coalesce(sum(length("data")), 0) AS n FROM strata.blob_chunks WHERE "key" = $1', [key])).rows[0].n)
      : sizes.get(key) ?? 0;
    const before = await blobs();
    expect(before.size).toBe(1);

    // A body that sends 8 MiB and then stalls, as a slow client would, until the server dies.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 8 * 1024 * 1024) return new Promise<void>(() => undefined);
        controller.enqueue(new Uint8Array(randomBytes(CHUNK)));
        sent += CHUNK;
      },
    }, { highWaterMark: 0 });
    const upload = fetch(`${url}/db/crash:main/tables/docs/data/d1/column/doc/file`, {
      method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body, duplex: 'half',
    } as RequestInit).then((res) => res.status, (err: Error) => err);

    // Wait (bounded) until the server has written at least 2 MiB of the new blob, then kill it.
    let partialKey: string | undefined;
    for (let i = 0; i < 400 && !partialKey; i++) {
      const now = await blobs();
      for (const key of now.keys()) {
        if (!before.has(key) && (await writtenBytes(key, now)) >= 2 * 1024 * 1024) partialKey = key;
      }
      if (!partialKey) await new Promise((r) => setTimeout(r, 50));
    }
    expect(partialKey, 'the upload never reached the blob store').toBeDefined();
    await server.kill();
    expect(await upload).toBeInstanceOf(Error); // the client saw the connection die

    // What the killed writer left: an unreferenced, incomplete blob.
    const leftover = await blobs();
    expect(leftover.has(partialKey!)).toBe(true);
    if (engine.name === 'sqlite') expect(partialKey).toMatch(/\.partial$/);
    else expect(await writtenBytes(partialKey!, leftover)).toBeGreaterThanOrEqual(2 * 1024 * 1024);

    const gc = cli(['files', 'gc', '--grace-minutes', '0'], config);
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stdout).toContain('removed 1');
    expect(gc.stdout).toContain(partialKey!);

    // Nothing orphaned or partial is left; the one blob left is the record's, and it is whole.
    const after = await blobs();
    expect([...after.keys()]).toEqual([...before.keys()]);
    if (pgClient) expect(Number((await pgClient.query('SELECT count(*) AS n FROM strata.blob_chunks WHERE "key" = $1', [partialKey])).rows[0].n)).toBe(0);
    const ctx = await observer.databases.resolve('crash', 'main');
    const file = await observer.files.find(ctx, { table: 'docs', id: 'd1', column: 'doc' });
    expect(after.has(file.key!)).toBe(true);
    await pgClient?.end();
    await observer.close();

    // A restarted server serves the record's file, byte for byte.
    const again = startServer(config);
    cleanups.push(again.kill);
    const restarted = await again.ready;
    const got = await fetch(`${restarted.url}/db/crash:main/tables/docs/data/d1/column/doc/file`, { headers: auth });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(original)).toBe(true);
  });
});
