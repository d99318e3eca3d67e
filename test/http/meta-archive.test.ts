import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { observeArchiveWorkspace, seedArchiveWorkspace } from '../support/archive-seed.js';
import { scopeBit } from '../../src/core/auth/scopes.js';

/**
 * The Metadata API's workspace export and import over real HTTP: an export imported into an
 * empty workspace gives the same records, versions, timestamps, ids, next ids, files, library
 * and search answers; a non-empty workspace and a damaged archive are refused in Xano's
 * envelope with nothing written; export-schema carries no records; import-schema makes a branch.
 */
describeEachEngine('Metadata API: workspace export and import', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let shop: { ws: number; products: number };
  let archive: Buffer;
  let libraryId: number;
  let docs: number;
  const LIBRARY = Buffer.from('library file bytes \u0000\u0001\u0002', 'utf8');
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    shop = await seedArchiveWorkspace(s);
    const form = new FormData();
    form.append('content', new Blob([LIBRARY], { type: 'application/octet-stream' }), 'notes.bin');
    const up = await fetch(`${s.url}/api:meta/workspace/${shop.ws}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    expect(up.status).toBe(200);
    libraryId = (await up.json()).id;
    // A Xano media column pointing at the library file, by id.
    docs = (await api.ok('POST', `/workspace/${shop.ws}/table`, { name: 'docs', schema: [{ name: 'id', type: 'int' }, { name: 'att', type: 'attachment' }] })).id;
    await api.ok('POST', `/workspace/${shop.ws}/table/${docs}/content`, { att: { id: libraryId } });
  }, 60_000);
  afterAll(async () => { await s?.close(); });

  const post = (path: string, body: unknown, token = s.token) => fetch(`${s.url}/api:meta${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const upload = async (path: string, file: Buffer, fields: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)]), 'archive.strata.gz');
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${s.url}/api:meta${path}`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const lines = (bytes: Buffer) => gunzipSync(bytes).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));

  it('exports the workspace as an archive and imports it into an empty workspace: everything the same', async () => {
    const res = await post(`/workspace/${shop.ws}/export`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="shop-.*\.strata\.gz"$/);
    archive = Buffer.from(await res.arrayBuffer());
    const all = lines(archive);
    expect(all[0]).toMatchObject({ t: 'header', format: 'strata-archive', version: 1, engine: engine.name, scope: { kind: 'database', name: 'shop', content: 'full' } });
    expect(all.at(-1)).toMatchObject({ t: 'trailer', counts: { records: 38, blobs: 2 } });

    const copy = (await api.ok('POST', '/workspace', { name: 'shop_copy' })).id as number;
    const imported = await upload(`/workspace/${copy}/import`, archive);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ id: copy, name: 'shop_copy' });

    const expected = await observeArchiveWorkspace(s, shop.ws, shop.products, 'shop');
    const got = await observeArchiveWorkspace(s, copy, shop.products, 'shop_copy');
    expect(got).toEqual(expected);
    // The library: same names and bytes, under the new workspace.
    const library = await api.ok('GET', `/workspace/${copy}/file`);
    expect(library.items.map((f: { name: string; size: number }) => [f.name, f.size])).toEqual([['notes.bin', LIBRARY.length]]);
    const bytes = Buffer.from(await (await fetch(library.items[0].url)).arrayBuffer());
    expect(bytes.equals(LIBRARY)).toBe(true);
    // The media column now names the copy's library file (a new id), not the original's.
    expect(library.items[0].id).not.toBe(libraryId);
    const [doc] = (await api.ok('GET', `/workspace/${copy}/table/${docs}/content`)).items;
    expect(doc.att).toMatchObject({ id: library.items[0].id, name: 'notes.bin', path: library.items[0].path });
    // Both go on independently: the next generated id, and a file changed in the copy leaves the original's.
    expect((await api.ok('POST', `/workspace/${copy}/table/${shop.products}/content`, { name: 'Next', price: 1 })).id).toBe(6);
    expect((await s.request('DELETE', '/db/shop_copy:main/tables/posts/data/p1')).status).toBe(200);
    expect((await s.download('/db/shop:main/tables/posts/data/p1/column/doc/file')).status).toBe(200);

    // Exporting set the last-backup gauge.
    const metrics = await s.request('GET', '/metrics');
    const at = Number(/strata_last_backup_timestamp_seconds (\d+)/.exec(metrics.body)?.[1]);
    expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(120);
  });

  it('refuses a workspace that is not empty, an instance backup, a damaged archive, a password; nothing is written', async () => {
    const res = await upload(`/workspace/${shop.ws}/import`, archive);
    expectXanoError(res, 400, 'file', /workspace \[shop\] is not empty/);

    const empty = (await api.ok('POST', '/workspace', { name: 'shop_empty' })).id as number;
    expectXanoError(await upload(`/workspace/${empty}/import`, archive.subarray(0, Math.floor(archive.length / 2))), 400, 'file', /not a valid Strata archive: it is truncated/);
    expectXanoError(await upload(`/workspace/${empty}/import`, Buffer.from('not gzip')), 400, 'file', /not a valid Strata archive/);
    expectXanoError(await upload(`/workspace/${empty}/import`, archive, { password: 'secret' }), 400, 'password');
    expectXanoError(await upload(`/workspace/${empty}/import`, Buffer.alloc(0), {}), 400, 'file');
    const noFile = await fetch(`${s.url}/api:meta/workspace/${empty}/import`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(noFile.status).toBe(400);
    expect((await api.ok('GET', `/workspace/${empty}/table`)).items).toEqual([]);
    expect((await api.ok('GET', `/workspace/${empty}/file`)).items).toEqual([]);
    // A well-sealed archive whose schema no client could have made: refused before anything is written.
    const reseal = (body: object[]) => {
      const text = body.map((l) => `${JSON.stringify(l)}\n`).join('');
      const trailer = { t: 'trailer', sha256: createHash('sha256').update(text).digest('hex'), lines: body.length, counts: {} };
      return gzipSync(Buffer.from(text + JSON.stringify(trailer) + '\n'));
    };
    const body = lines(archive).slice(0, -1);
    const schema = body.find((l) => l.t === 'schema' && l.tables.length > 0);
    schema.tables[0].name = '_strata_tables';
    expectXanoError(await upload(`/workspace/${empty}/import`, reseal(body)), 400, 'file', /not a valid Strata archive: table \[_strata_tables\]/);
    schema.tables[0].name = 'fine';
    schema.tables[0].columns = [{ name: 'x', type: 'no-such-type' }];
    expectXanoError(await upload(`/workspace/${empty}/import`, reseal(body)), 400, 'file', /unknown type/);
    expect((await api.ok('GET', `/workspace/${empty}/table`)).items).toEqual([]);
    expectXanoError(await s.request('POST', `/api:meta/workspace/${shop.ws}/export`, { password: 'x' }), 400, 'password');
    expectXanoError(await s.request('POST', `/api:meta/workspace/${shop.ws}/export`, { branch: 'nope' }), 404);
  });

  it('export-schema holds no records or files; import-schema makes a new branch with that schema, set live when asked', async () => {
    const res = await post(`/workspace/${shop.ws}/export-schema`, { branch: '' });
    expect(res.status).toBe(200);
    const schemaOnly = Buffer.from(await res.arrayBuffer());
    const kinds = new Set(lines(schemaOnly).map((l) => l.t));
    expect([...kinds].sort()).toEqual(['header', 'migration', 'schema', 'system', 'trailer']);

    const done = await upload(`/workspace/${shop.ws}/import-schema`, schemaOnly, { newbranch: 'restored', setlive: 'false' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toEqual({});
    const tables = await api.ok('GET', `/workspace/${shop.ws}/table?branch=restored`);
    expect(tables.items.map((t: { name: string }) => t.name).sort()).toEqual(['docs', 'posts', 'products', 'users']);
    const content = await api.ok('GET', `/workspace/${shop.ws}/table/${shop.products}/content?branch=restored`);
    expect(content.items).toEqual([]);
    expectXanoError(await upload(`/workspace/${shop.ws}/import-schema`, schemaOnly, { newbranch: 'restored' }), 400, 'label');
  });

  it('are in the Metadata API\'s OpenAPI document, under workspace', async () => {
    const doc = (await s.request('GET', '/apispec:meta?type=json')).body;
    for (const route of ['export', 'export-schema', 'import', 'import-schema']) {
      expect(doc.paths[`/workspace/{workspace_id}/${route}`]?.post?.tags, route).toEqual(['workspace']);
    }
    expect(doc.paths['/workspace/{workspace_id}/import'].post.requestBody.content).toHaveProperty('multipart/form-data');
  });

  it('needs read of database, content and files to export; create and update to import', async () => {
    const dbRead = await s.createToken(scopeBit('database', 'read'));
    expect((await post(`/workspace/${shop.ws}/export`, {}, dbRead)).status).toBe(403);
    expect((await post(`/workspace/${shop.ws}/export-schema`, {}, dbRead)).status).toBe(200);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(archive)]), 'a.strata.gz');
    const res = await fetch(`${s.url}/api:meta/workspace/${shop.ws}/import`, { method: 'POST', headers: { authorization: `Bearer ${dbRead}` }, body: form });
    expect(res.status).toBe(403);
  });
});
