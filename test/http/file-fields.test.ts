import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { scopeBit } from '../../src/core/auth/scopes.js';
import { FILE_FIELDS } from '../../src/core/files/file-fields.js';

/**
 * File fields by name in `columns` (`doc.name`, `photos.base64Content`, `doc.uploadUrl`, …) in
 * every answer that takes `columns` — record reads and writes, query, bulk, transactions,
 * expanded links — and upload URLs: PUT without a token while the signature is valid, 403
 * once it is altered or expired or when it is a download signature.
 */
const BRANCH = '/db/ff:main';
const DATA = `${BRANCH}/tables/docs/data`;
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), Buffer.alloc(40, 7)]);
const b64 = (text: string) => Buffer.from(text).toString('base64');
const DEFAULTS = ['name', 'mediaType', 'enablePublicUrl', 'signedUrlTimeout', 'uploadUrlTimeout', 'size', 'version', 'url', 'signedUrl', 'attributes'];

describeEachEngine('file fields in columns, upload URLs', (engine) => {
  let s: RunningStrata;
  let id: string;
  let photoId: string;
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { fileMaxBytes: 64 * 1024 } });
    expect((await s.request('PUT', '/workspaces/local/dbs/ff', {})).status).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/docs`, { columns: [{ name: 'title', type: 'string' }, { name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }] })).status).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/notes`, { columns: [{ name: 'ref', type: 'link', link: { table: 'docs' } }] })).status).toBe(201);
    const rec = await s.request('POST', DATA, {
      title: 't', doc: { name: 'a.txt', mediaType: 'text/plain', base64Content: b64('hello'), enablePublicUrl: true },
      photos: [{ name: 'p.png', mediaType: 'image/png', base64Content: PNG.toString('base64') }],
    });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    id = rec.body.id;
    photoId = rec.body.photos[0].id;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('each file field is selectable on its own, for a file and a file[] column', async () => {
    for (const field of FILE_FIELDS) {
      const res = await s.request('GET', `${DATA}/${id}?columns=doc.${field},photos.${field}`);
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(200);
      // A single file has no id; every other field is there, alone.
      expect(Object.keys(res.body.doc), field).toEqual(field === 'id' ? [] : [field]);
      expect(Object.keys(res.body.photos[0]), field).toEqual([field]);
      expect(res.body).not.toHaveProperty('title');
    }
    const some = (await s.request('GET', `${DATA}/${id}?columns=doc.base64Content,doc.size,photos.id,photos.base64Content`)).body;
    expect(some.doc).toEqual({ size: 5, base64Content: b64('hello') });
    expect(some.photos).toEqual([{ id: photoId, base64Content: PNG.toString('base64') }]);
  });

  it('`col` and `col.*` are the defaults (no content, no upload URL); named fields add to them', async () => {
    for (const columns of ['doc,photos', 'doc.*,photos.*', '*']) {
      const res = (await s.request('GET', `${DATA}/${id}?columns=${columns}`)).body;
      expect(Object.keys(res.doc).sort()).toEqual([...DEFAULTS].sort());
      expect(Object.keys(res.photos[0]).sort()).toEqual(['id', ...DEFAULTS].sort());
    }
    const more = (await s.request('GET', `${DATA}/${id}?columns=*,doc.base64Content,photos.uploadUrl`)).body;
    expect(more.title).toBe('t');
    expect(Object.keys(more.doc).sort()).toEqual([...DEFAULTS, 'base64Content'].sort());
    expect(more.photos[0].uploadUrl).toMatch(/\/file\/[0-9a-v]+\?expires=\d+&verify=/);
    expect(more.photos[0]).not.toHaveProperty('base64Content');
  });

  it('an unknown file field is a 400 naming it', async () => {
    for (const bad of ['doc.storageKey', 'photos.bogus', 'doc.name.x']) {
      const res = await s.request('GET', `${DATA}/${id}?columns=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body).toEqual({ id: expect.stringMatching(/^req_/), message: expect.stringContaining('not a file field') });
    }
    const query = await s.request('POST', `${BRANCH}/tables/docs/query`, { columns: ['photos.nope'] });
    expect(query.status).toBe(400);
  });

  it('record writes, query, bulk, transactions and expanded links take file fields', async () => {
    const created = await s.request('POST', `${DATA}?columns=doc.base64Content,doc.name`, { doc: { name: 'c.txt', base64Content: b64('created') } });
    expect(created.status).toBe(201);
    expect(created.body.doc).toEqual({ name: 'c.txt', base64Content: b64('created') });
    const patched = await s.request('PATCH', `${DATA}/${created.body.id}?columns=doc.base64Content`, { doc: { name: 'c.txt', base64Content: b64('patched') } });
    expect(patched.body.doc).toEqual({ base64Content: b64('patched') });
    const query = await s.request('POST', `${BRANCH}/tables/docs/query`, { filter: { id }, columns: ['photos.name', 'photos.base64Content'] });
    expect(query.body.records[0].photos).toEqual([{ name: 'p.png', base64Content: PNG.toString('base64') }]);
    const bulk = await s.request('POST', `${BRANCH}/tables/docs/bulk?columns=doc.base64Content`, { records: [{ doc: { name: 'b.txt', base64Content: b64('bulk') } }] });
    expect(bulk.body.records[0].doc).toEqual({ base64Content: b64('bulk') });
    const tx = await s.request('POST', `${BRANCH}/transaction`, { operations: [
      { insert: { table: 'docs', record: { id: 'tx1', doc: { name: 'x.txt', base64Content: b64('in tx') } }, columns: ['doc.base64Content'] } },
      { get: { table: 'docs', id: 'tx1', columns: ['doc.name', 'doc.base64Content'] } },
    ] });
    expect(tx.status, JSON.stringify(tx.body)).toBe(200);
    expect(tx.body.results[0].columns.doc).toEqual({ base64Content: b64('in tx') });
    expect(tx.body.results[1].columns.doc).toEqual({ name: 'x.txt', base64Content: b64('in tx') });
    const note = await s.request('POST', `${BRANCH}/tables/notes/data?columns=ref.doc.base64Content,ref.doc.name`, { ref: id });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body.ref.doc).toEqual({ name: 'a.txt', base64Content: b64('hello') });
  });

  it('an upload URL takes the bytes by PUT without a token (201), valid uploadUrlTimeout seconds', async () => {
    const rec = await s.request('POST', `${DATA}?columns=doc.uploadUrl,doc.uploadUrlTimeout,photos.uploadUrl,photos.id`, {
      doc: { name: 'pic.png', base64Content: '', uploadUrlTimeout: 120 }, photos: [{ name: 'a.csv', mediaType: 'text/csv' }],
    });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    expect(rec.body.doc.uploadUrlTimeout).toBe(120);
    const expires = Number(new URL(rec.body.doc.uploadUrl).searchParams.get('expires'));
    expect(Math.abs(expires - (Date.now() / 1000 + 120))).toBeLessThan(30);
    const put = await fetch(rec.body.doc.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(PNG) });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ name: 'pic.png', mediaType: 'image/png', size: PNG.length, attributes: { width: 3, height: 2 } });
    const csv = await fetch(rec.body.photos[0].uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    expect(csv.status).toBe(201);
    expect(await csv.json()).toMatchObject({ id: rec.body.photos[0].id, mediaType: 'text/csv', size: 3 });
    const read = (await s.request('GET', `${DATA}/${rec.body.id}?columns=doc.base64Content,doc.mediaType,photos.base64Content`)).body;
    expect(read.doc).toEqual({ mediaType: 'image/png', base64Content: PNG.toString('base64') });
    expect(read.photos[0].base64Content).toBe(b64('a,b'));
    // The bytes are checked as on the binary endpoint: a PNG that is not one is refused.
    const bad = await fetch(rec.body.doc.uploadUrl, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: 'not a png' });
    expect(bad.status).toBe(400);
    await bad.arrayBuffer();
  });

  it('an altered, expired or download signature is 403; a deleted file 404; a body past FILE_MAX_BYTES 413', async () => {
    const rec = await s.request('POST', `${DATA}?columns=doc.uploadUrl,doc.signedUrl`, { doc: { name: 'z.txt', base64Content: b64('zzz') } });
    const upload = new URL(rec.body.doc.uploadUrl);
    const accessId = upload.pathname.split('/').pop()!;
    const put = async (url: string | URL, body: string | Uint8Array<ArrayBuffer> = 'new') => {
      const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    const verify = upload.searchParams.get('verify')!;
    const altered = new URL(upload);
    altered.searchParams.set('verify', (verify[0] === 'A' ? 'B' : 'A') + verify.slice(1));
    const refused = await put(altered);
    expect(refused).toEqual({ status: 403, body: { id: expect.stringMatching(/^req_/), message: expect.stringContaining('upload URL') } });
    expect((await put(`${upload.origin}${upload.pathname}?expires=${Number(upload.searchParams.get('expires')) + 1}&verify=${verify}`)).status).toBe(403);
    expect((await put(`${upload.origin}${upload.pathname}`)).status).toBe(403);
    const signer = await s.strata.fileUrls.signer();
    const expired = signer.sign(accessId, 10, Date.now() - 60_000, 'upload');
    expect((await put(`${upload.origin}${upload.pathname}?${expired}`)).status).toBe(403);
    // A download signature does not upload, an upload signature does not download.
    expect((await put(rec.body.doc.signedUrl)).status).toBe(403);
    const get = await fetch(upload);
    expect(get.status).toBe(403);
    await get.arrayBuffer();
    // Nothing changed through the refused requests.
    expect((await s.request('GET', `${DATA}/${rec.body.id}?columns=doc.base64Content`)).body.doc.base64Content).toBe(b64('zzz'));
    expect((await put(upload, new Uint8Array(64 * 1024 + 1))).status).toBe(413);
    expect((await s.request('DELETE', `${DATA}/${rec.body.id}/column/doc/file`)).status).toBe(200);
    expect((await put(upload)).status).toBe(404);
  });

  it('uploadUrl is given only to credentials that may upload (files:create and files:update)', async () => {
    const readOnly = await s.createToken(scopeBit('content', 'read') | scopeBit('files', 'read'));
    const get = (columns: string) => fetch(`${s.url}${DATA}/${id}?columns=${columns}`, { headers: { authorization: `Bearer ${readOnly}` } });
    const refused = await get('doc.uploadUrl');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: expect.stringContaining('files:update') });
    const fine = await get('doc.*,doc.base64Content');
    expect(fine.status).toBe(200);
    expect((await fine.json() as { doc: { base64Content: string } }).doc.base64Content).toBe(b64('hello'));
  });
});
