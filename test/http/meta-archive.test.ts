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
    expectXanoError(await upload(`/workspace/${shop.ws}/import-schema`, schemaOnly, { newbranch: 'restored' }), 400, 'newbranch');
  });

  // What the tools send to export (xano-inc/cli src/lib/api-client.ts requestRaw: POST, JSON content type,
  // no body; calycode/xano-tools metaApiRequestBlob: JSON `{branch: label}`) and the Swagger's other
  // documented body (multipart/form-data), plus a plain form: the same fields, an archive each time.
  const branchesOf = (bytes: Buffer) => lines(bytes).filter((l) => l.t === 'system' && l.table === 'branches').map((l) => l.row.name as string).sort();
  const raw = async (path: string, init: RequestInit) => {
    const res = await fetch(`${s.url}/api:meta${path}`, { method: 'POST', ...init, headers: { authorization: `Bearer ${s.token}`, ...(init.headers as Record<string, string>) } });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, bytes, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined };
  };
  let br: number;
  it('export and export-schema take no body, a JSON body, a multipart form or a urlencoded form, with the same fields', async () => {
    br = (await api.ok('POST', '/workspace', { name: 'brws' })).id as number;
    await api.ok('POST', `/workspace/${br}/table`, { name: 'things', schema: [{ name: 'id', type: 'int' }, { name: 'title', type: 'text' }] });
    await api.ok('POST', `/workspace/${br}/branch`, { label: 'dev', description: 'Development', color: '#123456' });
    await api.ok('POST', `/workspace/${br}/table?branch=dev`, { name: 'devonly', schema: [{ name: 'id', type: 'int' }] });
    for (const route of ['export', 'export-schema']) {
      // xano-inc/cli: exactly its headers, no body.
      const cli = await raw(`/workspace/${br}/${route}`, { headers: { accept: '*/*', 'Content-Type': 'application/json' } });
      expect(cli.status, cli.bytes.toString()).toBe(200);
      expect(branchesOf(cli.bytes)).toEqual(['main']);
      // calycode/xano-tools: its JSON body with the branch label.
      const caly = await raw(`/workspace/${br}/${route}`, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ branch: 'dev' }) });
      expect(caly.status).toBe(200);
      expect(branchesOf(caly.bytes)).toEqual(['xano~dev']);
      const form = new FormData();
      form.append('branch', 'dev');
      form.append('password', '');
      const multi = await raw(`/workspace/${br}/${route}`, { body: form });
      expect(multi.status, multi.bytes.toString()).toBe(200);
      expect(multi.headers.get('content-type')).toBe('application/gzip');
      expect(branchesOf(multi.bytes)).toEqual(['xano~dev']);
      const url = await raw(`/workspace/${br}/${route}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'branch=dev&password=' });
      expect(url.status, url.bytes.toString()).toBe(200);
      expect(branchesOf(url.bytes)).toEqual(['xano~dev']);
      const none = await raw(`/workspace/${br}/${route}`, {});
      expect(none.status).toBe(200);
      expect(branchesOf(none.bytes)).toEqual(['main']);
      // The same refusals whatever the body type.
      const secret = new FormData();
      secret.append('password', 'x');
      expectXanoError(await raw(`/workspace/${br}/${route}`, { body: secret }), 400, 'password');
      expectXanoError(await raw(`/workspace/${br}/${route}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=x' }), 400, 'password');
      const missing = new FormData();
      missing.append('branch', 'nope');
      expectXanoError(await raw(`/workspace/${br}/${route}`, { body: missing }), 404);
      const withFile = new FormData();
      withFile.append('branch', new Blob(['v1']), 'branch.txt');
      expectXanoError(await raw(`/workspace/${br}/${route}`, { body: withFile }), 400, 'branch');
    }
  });

  it('an empty or absent branch exports the live branch (v1: main and its data sources; another: its own branch)', async () => {
    await api.ok('POST', `/workspace/${br}/datasource`, { label: 'test', color: '#ff0000' });
    expect(branchesOf((await raw(`/workspace/${br}/export`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ branch: '' }) })).bytes)).toEqual(['main', 'test']);
    expect(branchesOf((await raw(`/workspace/${br}/export`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ branch: 'v1' }) })).bytes)).toEqual(['main', 'test']);
    await api.ok('POST', `/workspace/${br}/branch/dev/live`);
    const live = await raw(`/workspace/${br}/export`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ branch: '' }) });
    expect(branchesOf(live.bytes)).toEqual(['xano~dev']);
    expect(live.headers.get('content-disposition')).toMatch(/^attachment; filename="brws-dev-.*\.strata\.gz"$/);
    const schema = await raw(`/workspace/${br}/export-schema`, {});
    expect(branchesOf(schema.bytes)).toEqual(['xano~dev']);
    expect(schema.headers.get('content-disposition')).toMatch(/^attachment; filename="brws-dev-schema-.*\.strata\.gz"$/);
  });

  it('import restores the Xano branches of the archive: labels, descriptions, colours, which is live', async () => {
    // dev is live (previous test): the export holds it, and says so.
    const archived = (await raw(`/workspace/${br}/export`, { headers: { 'content-type': 'application/json' }, body: '{}' })).bytes;
    const header = lines(archived)[0];
    expect(header.version).toBe(1);
    const copy = (await api.ok('POST', '/workspace', { name: 'brws_copy' })).id as number;
    // calycode/xano-tools restore-backup: `file` with its file name and an empty `password`.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(archived)]), 'backup-2026-01-01T00-00-00-000Z.tar.gz');
    form.append('password', '');
    const res = await raw(`/workspace/${copy}/import`, { body: form });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['branch', 'description', 'documentation', 'id', 'name', 'swagger']);
    // Swagger: the workspace with its live branch as an object.
    expect(res.body).toMatchObject({ id: copy, name: 'brws_copy', swagger: true, documentation: { require_token: false } });
    expect(res.body.branch).toEqual({
      id: expect.any(Number), created_at: expect.any(String), updated_at: expect.any(String),
      label: 'dev', description: 'Development', color: '#123456', backup: false, workspace: { id: copy },
    });
    const strip = (b: Record<string, unknown>) => ({ label: b.label, live: b.live, description: b.description, color: b.color });
    const source = (await api.ok('GET', `/workspace/${br}/branch`)).map(strip);
    expect(source).toEqual([
      { label: 'v1', live: false, description: '', color: '#ebc346' },
      { label: 'dev', live: true, description: 'Development', color: '#123456' },
    ]);
    expect((await api.ok('GET', `/workspace/${copy}/branch`)).map(strip)).toEqual(source);
    const tables = await api.ok('GET', `/workspace/${copy}/table?branch=dev`);
    expect(tables.items.map((t: { name: string }) => t.name).sort()).toEqual(['devonly', 'things']);
  });

  it('import-schema makes a new branch newbranch from the archive\'s live branch; setlive makes it live', async () => {
    // The archive's branch is dev (live when exported): its tables, not v1's.
    const archived = (await raw(`/workspace/${br}/export-schema`, {})).bytes;
    await api.ok('POST', `/workspace/${br}/branch/v1/live`);
    const made = await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'staged', setlive: 'true' });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body).toEqual({});
    const list = await api.ok('GET', `/workspace/${br}/branch`);
    expect(list.map((b: { label: string; live: boolean }) => [b.label, b.live])).toEqual([['v1', false], ['dev', false], ['staged', true]]);
    const tables = await api.ok('GET', `/workspace/${br}/table?branch=staged`);
    expect(tables.items.map((t: { name: string }) => t.name).sort()).toEqual(['devonly', 'things']);
    const quiet = await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'quiet' });
    expect(quiet.status).toBe(200);
    expect((await api.ok('GET', `/workspace/${br}/branch`)).find((b: { label: string }) => b.label === 'quiet').live).toBe(false);
    expectXanoError(await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'dev' }), 400, 'newbranch');
    expectXanoError(await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'v1' }), 400, 'newbranch');
    expectXanoError(await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'bad label!' }), 400, 'newbranch');
    expectXanoError(await upload(`/workspace/${br}/import-schema`, archived, { newbranch: 'x', setlive: 'yes' }), 400, 'setlive');
    expectXanoError(await upload(`/workspace/${br}/import-schema`, archived, {}), 400, 'newbranch');
    expect((await api.ok('GET', `/workspace/${br}/branch`)).map((b: { label: string }) => b.label)).toEqual(['v1', 'dev', 'staged', 'quiet']);
  });

  it('an export of v1 brings its data sources and their colours; an archive without Xano branches still imports; a malformed one is refused', async () => {
    // v1 live: main and the data source test, whose colour was set.
    await api.ok('POST', `/workspace/${br}/branch/v1/live`);
    await api.ok('PUT', `/workspace/${br}/datasource/test`, { color: '#00ff00' });
    const archived = (await raw(`/workspace/${br}/export`, {})).bytes;
    expect(branchesOf(archived)).toEqual(['main', 'test']);
    expect(lines(archived)[0].xanoBranches).toEqual({ live: 'v1', branches: {}, dataSourceColors: { test: '#00ff00' } });
    const copy = (await api.ok('POST', '/workspace', { name: 'brws_v1' })).id as number;
    expect((await upload(`/workspace/${copy}/import`, archived)).status).toBe(200);
    const colours = (list: Array<{ label: string; color: string }>) => list.map((d) => [d.label, d.color]);
    expect(colours(await api.ok('GET', `/workspace/${copy}/datasource`))).toEqual(colours(await api.ok('GET', `/workspace/${br}/datasource`)));
    expect((await api.ok('GET', `/workspace/${copy}/branch`)).map((b: { label: string; live: boolean }) => [b.label, b.live])).toEqual([['v1', true]]);

    // A version-1 archive written before the header carried Xano branches: its branches come back by name.
    const reseal = (body: object[]) => {
      const text = body.map((l) => `${JSON.stringify(l)}\n`).join('');
      const trailer = { t: 'trailer', sha256: createHash('sha256').update(text).digest('hex'), lines: body.length, counts: {} };
      return gzipSync(Buffer.from(text + JSON.stringify(trailer) + '\n'));
    };
    const body = lines(archived).slice(0, -1);
    const { xanoBranches, ...older } = body[0];
    expect(xanoBranches).toBeDefined();
    const old = (await api.ok('POST', '/workspace', { name: 'brws_old' })).id as number;
    expect((await upload(`/workspace/${old}/import`, reseal([older, ...body.slice(1)]))).status).toBe(200);
    expect((await api.ok('GET', `/workspace/${old}/datasource`)).map((d: { label: string }) => d.label)).toEqual(['live', 'test']);
    // Anyone with import rights can write an archive: its Xano branches are checked before anything is written.
    const bad = (await api.ok('POST', '/workspace', { name: 'brws_bad' })).id as number;
    for (const value of [[], { branches: { 'bad label!': { branch: 'main', description: '', color: '', createdAt: '' } } }, { branches: { ok: { branch: 7 } } }, { branches: { v1: { branch: 'main', description: '', color: '', createdAt: '' } } }, { live: 1, branches: {} }, { branches: {}, dataSourceColors: { test: {} } }]) {
      expectXanoError(await upload(`/workspace/${bad}/import`, reseal([{ ...older, xanoBranches: value }, ...body.slice(1)])), 400, 'file', /xanoBranches are malformed/);
    }
    expect((await api.ok('GET', `/workspace/${bad}/table`)).items).toEqual([]);

    // import-schema reads the archive's live Xano branch, not its first: here the second, with no tables.
    const second = body.find((l) => l.t === 'system' && l.table === 'branches' && l.row.name === 'test').row.id;
    const livesSecond = [
      { ...older, xanoBranches: { live: 'other', branches: { other: { branch: 'test', description: '', color: '#000000', createdAt: '2026-01-01T00:00:00.000Z' } } } },
      ...body.slice(1).map((l) => (l.t === 'schema' && l.branch === second ? { ...l, tables: [], nextIds: {} } : l)),
    ];
    expect((await upload(`/workspace/${br}/import-schema`, reseal(livesSecond), { newbranch: 'fromlive' })).status).toBe(200);
    expect((await api.ok('GET', `/workspace/${br}/table?branch=fromlive`)).items).toEqual([]);
  });

  it('are in the Metadata API\'s OpenAPI document, under workspace', async () => {
    const doc = (await s.request('GET', '/apispec:meta?type=json')).body;
    for (const route of ['export', 'export-schema', 'import', 'import-schema']) {
      expect(doc.paths[`/workspace/{workspace_id}/${route}`]?.post?.tags, route).toEqual(['workspace']);
    }
    expect(doc.paths['/workspace/{workspace_id}/import'].post.requestBody.content).toHaveProperty('multipart/form-data');
    for (const route of ['export', 'export-schema']) {
      const op = doc.paths[`/workspace/{workspace_id}/${route}`].post;
      expect(Object.keys(op.requestBody.content).sort(), route).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
      expect(Object.keys(op.responses['200'].content), route).toEqual(['application/gzip']);
    }
  });

  it('needs read of database, content and files to export; create and update to import', async () => {
    const dbRead = await s.createToken(scopeBit('database', 'read'));
    expect((await post(`/workspace/${shop.ws}/export`, {}, dbRead)).status).toBe(403);
    const schemaOnly = await post(`/workspace/${shop.ws}/export-schema`, {}, dbRead);
    expect(schemaOnly.status).toBe(200);
    expect(lines(Buffer.from(await schemaOnly.arrayBuffer())).at(-1)).toMatchObject({ t: 'trailer' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(archive)]), 'a.strata.gz');
    const res = await fetch(`${s.url}/api:meta/workspace/${shop.ws}/import`, { method: 'POST', headers: { authorization: `Bearer ${dbRead}` }, body: form });
    expect(res.status).toBe(403);
  });
});
