import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { metaClient } from '../support/xano.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';

/**
 * Changes that drop file values outside record writes — a truncate, a dropped file column or
 * table (both APIs), a deleted branch, database or workspace — delete their blobs once they
 * commit, so `files gc` has nothing left to find; a failed change keeps them; a library file
 * a Xano column references belongs to the library and stays.
 */
const b64 = (text: string) => Buffer.from(text).toString('base64');
const file = (text: string) => ({ name: `${text}.txt`, mediaType: 'text/plain', base64Content: b64(text) });

describeEachEngine('blobs released by truncates, drops and deletes', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let pgClient: pg.Client | undefined;

  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    if (s.config.databaseUrl) {
      pgClient = new pg.Client({ connectionString: s.config.databaseUrl });
      await pgClient.connect();
    }
  });
  afterAll(async () => { await pgClient?.end(); s?.app.server.closeAllConnections(); await s?.close(); });

  const listed = async () => { const keys = new Set<string>(); for await (const b of s.strata.storage.blobs.list()) keys.add(b.key); return keys; };
  /** Runs `write` and answers the blob keys it created (keys never leave the server). */
  async function newBlobs(write: () => Promise<unknown>): Promise<string[]> {
    const before = await listed();
    await write();
    return [...await listed()].filter((k) => !before.has(k));
  }
  /** Straight from the store: the file on disk, or the `strata.blobs` row. */
  async function stored(key: string): Promise<boolean> {
    if (pgClient) return (await pgClient.query('SELECT 1 FROM strata.blobs WHERE "key" = $1', [key])).rowCount === 1;
    return fs.existsSync(path.join(s.config.dataDir, 'blobs', key.slice(0, 2), key));
  }
  async function expectGone(keys: string[]) {
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await stored(key), key).toBe(false);
  }
  async function expectKept(keys: string[]) {
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await stored(key), key).toBe(true);
  }
  async function expectNothingForGc() {
    const gc = await collectGarbage(s.strata, { graceMs: 0, dryRun: true, now: Date.now() + 1000 });
    expect(gc.removed).toEqual([]);
  }
  async function ok(method: string, url: string, body?: unknown, status = 200) {
    const res = await s.request(method, url, body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  }
  async function download(url: string) {
    const { status, bytes } = await s.download(url);
    return { status, text: bytes.toString() };
  }
  async function createDb(name: string) {
    await ok('PUT', `/workspaces/local/dbs/${name}`, { region: 'local' }, 201);
    await ok('PUT', `/db/${name}:main/tables/docs`, { columns: [{ name: 'title', type: 'string' }, { name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }] }, 201);
  }
  /** The blob keys a column of `docs` holds, read from the branch's store. */
  async function keysOf(db: string, column: string): Promise<string[]> {
    const ctx = await s.strata.databases.resolve(db, 'main');
    const t = (await ctx.schema()).tables.get('docs')!;
    const rows = await ctx.store.select({ table: t, joins: [], fields: [{ tableAlias: 't0', column: t.leaf(column)! }] });
    return rows.flatMap((r) => (Array.isArray(r[0]) ? r[0] : r[0] ? [r[0]] : []).map((f: { key: string }) => f.key));
  }
  const insert = (db: string, id: string, branch = 'main') => newBlobs(() => ok('PUT', `/db/${db}:${branch}/tables/docs/data/${id}`, { title: id, doc: file(`${id}-doc`), photos: [file(`${id}-p1`), file(`${id}-p2`)] }, 201));

  it('data API: dropping a file[] column releases its blobs only; dropping the table releases the rest', async () => {
    await createDb('dcol');
    const keys = await insert('dcol', 'r1');
    expect(keys).toHaveLength(3);
    const photoKeys = await keysOf('dcol', 'photos');
    const docKeys = await keysOf('dcol', 'doc');
    expect([...photoKeys, ...docKeys].sort()).toEqual([...keys].sort());
    await ok('DELETE', '/db/dcol:main/tables/docs/columns/photos');
    await expectGone(photoKeys);
    await expectKept(docKeys);
    expect((await download('/db/dcol:main/tables/docs/data/r1/column/doc/file')).text).toBe('r1-doc');
    await expectNothingForGc();
    await ok('DELETE', '/db/dcol:main/tables/docs');
    await expectGone(docKeys);
    await expectNothingForGc();
  });

  it('data API: a failing migration (second edit names no column) keeps the blobs and the file downloads', async () => {
    await createDb('dfail');
    const keys = await insert('dfail', 'r1');
    const res = await s.request('POST', '/db/dfail:main/schema/apply', { edits: { operations: [
      { removeColumn: { table: 'docs', column: 'doc' } }, { removeColumn: { table: 'docs', column: 'nope' } },
    ] } });
    expect(res.status).toBe(404);
    await expectKept(keys);
    expect(await download('/db/dfail:main/tables/docs/data/r1/column/doc/file')).toEqual({ status: 200, text: 'r1-doc' });
    // A schema apply that drops the table releases them.
    await ok('POST', '/db/dfail:main/schema/apply', { edits: { operations: [{ removeTable: { table: 'docs' } }] } });
    await expectGone(keys);
    await expectNothingForGc();
  });

  it('branches never share blobs: a copy with records from a branch with file columns is refused; deleting a branch releases its own blobs only', async () => {
    await createDb('dbr');
    const mainKeys = await insert('dbr', 'm1');
    const refused = await s.request('PUT', '/db/dbr:copy', { copyData: true });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/file columns/);
    await ok('PUT', '/db/dbr:dev', {}, 201);
    const devKeys = await insert('dbr', 'd1', 'dev');
    await ok('DELETE', '/db/dbr:dev');
    await expectGone(devKeys);
    await expectKept(mainKeys);
    expect((await download('/db/dbr:main/tables/docs/data/m1/column/doc/file')).text).toBe('m1-doc');
    await expectNothingForGc();
    // Deleting the database releases every branch's blobs.
    await ok('PUT', '/db/dbr:dev2', {}, 201);
    const dev2Keys = await insert('dbr', 'x1', 'dev2');
    await ok('DELETE', '/workspaces/local/dbs/dbr');
    await expectGone([...mainKeys, ...dev2Keys]);
    await expectNothingForGc();
  });

  it('Metadata API: truncate releases the records\' blobs after it commits, never a library file their Xano columns reference', async () => {
    const ws = (await api.ok('POST', '/workspace', { name: 'mtrunc' })).id;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'docs' })).id;
    await api.ok('POST', `/workspace/${ws}/table/${table}/schema/type/attachment`, { name: 'lib' });
    await ok('POST', '/db/mtrunc:main/tables/docs/columns', { name: 'doc', type: 'file' });
    const form = new FormData();
    form.append('content', new Blob(['library bytes'], { type: 'text/plain' }), 'shared.txt');
    const libraryKeys: string[] = [];
    let upload: any;
    libraryKeys.push(...await newBlobs(async () => {
      const res = await fetch(`${s.url}/api:meta/workspace/${ws}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
      expect(res.status).toBe(200);
      upload = await res.json();
    }));
    const recordKeys = await newBlobs(async () => {
      for (let i = 0; i < 3; i++) await ok('POST', '/db/mtrunc:main/tables/docs/data', { doc: file(`t${i}`) }, 201);
      await api.ok('POST', `/workspace/${ws}/table/${table}/content`, { lib: { id: upload.id } });
    });
    expect(recordKeys).toHaveLength(3);
    await api.ok('DELETE', `/workspace/${ws}/table/${table}/truncate`, { reset: true });
    expect((await api.ok('GET', `/workspace/${ws}/table/${table}/content`)).itemsTotal).toBe(0);
    await expectGone(recordKeys);
    await expectKept(libraryKeys);
    expect(await (await fetch(upload.url)).text()).toBe('library bytes');
    await expectNothingForGc();
    // Deleting the workspace releases its library too.
    await api.ok('DELETE', `/workspace/${ws}`);
    await expectGone(libraryKeys);
    expect((await fetch(upload.url)).status).toBe(404);
    await expectNothingForGc();
  });

  it('Metadata API: schema column delete, PUT schema and table delete release blobs; a failing PUT schema keeps them', async () => {
    const ws = (await api.ok('POST', '/workspace', { name: 'mschema' })).id;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'docs' })).id;
    await api.ok('POST', `/workspace/${ws}/table/${table}/schema/type/text`, { name: 'title' });
    for (const column of [{ name: 'a', type: 'file' }, { name: 'b', type: 'file' }, { name: 'c', type: 'file[]' }]) await ok('POST', '/db/mschema:main/tables/docs/columns', column);
    const add = async (suffix: string) => {
      const created = await newBlobs(() => ok('POST', '/db/mschema:main/tables/docs/data', { title: 'x', a: file(`a${suffix}`), b: file(`b${suffix}`), c: [file(`c${suffix}`)] }, 201));
      expect(created).toHaveLength(3);
      return created;
    };
    const before = new Set(await listed());
    await add('1');
    const [aKeys, bKeys, cKeys] = [await keysOf('mschema', 'a'), await keysOf('mschema', 'b'), await keysOf('mschema', 'c')];
    expect([...aKeys, ...bKeys, ...cKeys].every((k) => !before.has(k))).toBe(true);

    await api.ok('DELETE', `/workspace/${ws}/table/${table}/schema/a`);
    await expectGone(aKeys);
    await expectKept([...bKeys, ...cKeys]);
    await expectNothingForGc();

    // A PUT schema without b and c, but changing title's type, fails inside the migration, after their removal.
    const schema = (await api.ok('GET', `/workspace/${ws}/table/${table}/schema`)) as Array<{ name: string; type: string }>;
    const kept = schema.filter((c) => c.name !== 'b' && c.name !== 'c');
    const failing = await api.call('PUT', `/workspace/${ws}/table/${table}/schema`, { schema: kept.map((c) => (c.name === 'title' ? { ...c, type: 'int' } : c)) });
    expect(failing.status).toBe(400);
    expect(failing.body.message).toMatch(/title/);
    await expectKept([...bKeys, ...cKeys]);
    expect((await download('/db/mschema:main/tables/docs/data/1/column/b/file')).text).toBe('b1');
    await expectNothingForGc();

    await api.ok('PUT', `/workspace/${ws}/table/${table}/schema`, { schema: kept });
    await expectGone([...bKeys, ...cKeys]);
    await expectNothingForGc();

    await ok('POST', '/db/mschema:main/tables/docs/columns', { name: 'd', type: 'file' });
    const dKeys = await newBlobs(() => ok('POST', '/db/mschema:main/tables/docs/data', { d: file('d') }, 201));
    expect(dKeys).toHaveLength(1);
    await api.ok('DELETE', `/workspace/${ws}/table/${table}`);
    await expectGone(dKeys);
    await expectNothingForGc();
  });

  it('Metadata API: deleting a data source releases its blobs', async () => {
    const ws = (await api.ok('POST', '/workspace', { name: 'msource' })).id;
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'docs' });
    await ok('POST', '/db/msource:main/tables/docs/columns', { name: 'doc', type: 'file' });
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'test' });
    const keys = await newBlobs(() => ok('POST', '/db/msource:test/tables/docs/data', { doc: file('in test') }, 201));
    expect(keys).toHaveLength(1);
    await api.ok('DELETE', `/workspace/${ws}/datasource/test`);
    await expectGone(keys);
    await expectNothingForGc();
  });
});
