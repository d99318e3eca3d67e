import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { blobCount, startStrata, type RunningStrata } from '../support/strata-server.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';
import { newBlobKey } from '../../src/core/ports/blob-store.js';

/**
 * Files over real HTTP on every engine: inline base64 in record writes, the binary endpoints,
 * public and signed URLs, limits, and that no blob outlives what points to it.
 */
const BRANCH = '/db/files:main';
const DATA = `${BRANCH}/tables/docs/data`;
// A 1×1 PNG's header: signature, IHDR with width 3, height 2.
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(40)]);

/** A status, the body read to the end (an unread body would hold the connection open). */
async function statusOf(url: string | URL): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

async function raw(s: RunningStrata, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(s.url + path, { method, headers: { authorization: `Bearer ${s.token}`, ...headers }, body: typeof body === "string" || body === undefined ? body : new Uint8Array(body) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describeEachEngine('files', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { fileMaxBytes: 8 * 1024 * 1024 } });
    expect((await s.request('PUT', '/workspaces/local/dbs/files', { region: 'local' })).status).toBe(201);
    const res = await s.request('PUT', `${BRANCH}/tables/docs`, { columns: [
      { name: 'title', type: 'string' }, { name: 'n', type: 'int' }, { name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' },
    ] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
  // Undici keeps the parallel uploads' sockets alive; close them so the server can stop.
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('stores inline base64 (text and binary) and answers the file shape; the bytes read back equal', async () => {
    const res = await s.request('POST', DATA, {
      title: 'a', doc: { name: 'hello.txt', mediaType: 'text/plain', base64Content: Buffer.from('hello').toString('base64') },
      photos: [{ name: 'p.png', mediaType: 'image/png', base64Content: PNG.toString('base64'), enablePublicUrl: true }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.doc).toEqual({ name: 'hello.txt', mediaType: 'text/plain', size: 5, version: 1, enablePublicUrl: false, signedUrlTimeout: 60, uploadUrlTimeout: 86400, url: '', signedUrl: expect.stringMatching(/\/file\/[0-9a-v]+\?expires=\d+&verify=/), attributes: {} });
    expect(res.body.doc).not.toHaveProperty('key');
    const photo = res.body.photos[0];
    expect(photo).toMatchObject({ id: expect.any(String), name: 'p.png', mediaType: 'image/png', size: PNG.length, attributes: { width: 3, height: 2 }, enablePublicUrl: true });
    expect(photo.url).toMatch(/\/file\/[0-9a-v]+$/);
    const text = await raw(s, 'GET', `${DATA}/${res.body.id}/column/doc/file`);
    expect(text.status).toBe(200);
    expect(text.bytes.toString()).toBe('hello');
    expect(text.headers.get('content-type')).toBe('text/plain');
    expect(text.headers.get('content-disposition')).toBe('inline; filename="hello.txt"; filename*=UTF-8\'\'hello.txt');
    const bin = await raw(s, 'GET', `${DATA}/${res.body.id}/column/photos/file/${photo.id}`);
    expect(bin.bytes.equals(PNG)).toBe(true);
    // The public URL needs no token; the signed URL of a private file neither.
    expect((await statusOf(photo.url))).toBe(200);
    const signed = await fetch(res.body.doc.signedUrl);
    expect(Buffer.from(await signed.arrayBuffer()).toString()).toBe('hello');
  });

  it('streams a binary PUT larger than the inline limit; GET supports ranges and ETags; replace and delete release blobs', async () => {
    const rec = await s.request('POST', DATA, { title: 'big' });
    const big = randomBytes(6 * 1024 * 1024 + 123);
    const before = await blobCount(s);
    const put = await raw(s, 'PUT', `${DATA}/${rec.body.id}/column/doc/file/`, big, { 'content-type': 'application/octet-stream' });
    expect(put.status, put.bytes.toString()).toBe(201);
    expect(JSON.parse(put.bytes.toString())).toMatchObject({ size: big.length, version: 1, mediaType: 'application/octet-stream' });
    const got = await raw(s, 'GET', `${DATA}/${rec.body.id}/column/doc/file`);
    expect(got.bytes.equals(big)).toBe(true);
    expect(got.headers.get('content-length')).toBe(String(big.length));
    const part = await raw(s, 'GET', `${DATA}/${rec.body.id}/column/doc/file`, undefined, { range: 'bytes=1048570-1048585' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(big.subarray(1048570, 1048586))).toBe(true);
    expect((await raw(s, 'GET', `${DATA}/${rec.body.id}/column/doc/file`, undefined, { range: `bytes=${big.length}-` })).status).toBe(416);
    expect((await raw(s, 'GET', `${DATA}/${rec.body.id}/column/doc/file`, undefined, { 'if-none-match': got.headers.get('etag')! })).status).toBe(304);
    const again = await raw(s, 'PUT', `${DATA}/${rec.body.id}/column/doc/file`, 'small', { 'content-type': 'text/plain' });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.bytes.toString())).toMatchObject({ size: 5, version: 2 });
    expect(await blobCount(s)).toBe(before + 1);
    const del = await raw(s, 'DELETE', `${DATA}/${rec.body.id}/column/doc/file`);
    expect(del.status).toBe(200);
    expect(await blobCount(s)).toBe(before);
    expect((await raw(s, 'GET', `${DATA}/${rec.body.id}/column/doc/file`)).status).toBe(404);
  });

  it('refuses tampered and expired URLs and private files without a signature', async () => {
    const res = await s.request('POST', DATA, { doc: { name: 'secret.txt', mediaType: 'text/plain', base64Content: Buffer.from('s3cr3t').toString('base64') } });
    const signed = new URL(res.body.doc.signedUrl);
    const accessId = signed.pathname.split('/').pop()!;
    expect((await statusOf(`${s.url}/file/${accessId}`))).toBe(403);
    expect((await statusOf(`${s.url}/file/${accessId}?expires=${signed.searchParams.get('expires')}&verify=AAAAAAAAAAAAAAAAAAAAAA`))).toBe(403);
    expect(await statusOf(`${s.url}/file/${accessId}?expires=${Number(signed.searchParams.get("expires")) + 1}&verify=${signed.searchParams.get("verify")}`)).toBe(403);
    const flipped = accessId.slice(0, -3) + (accessId.at(-3) === '0' ? '1' : '0') + accessId.slice(-2);
    expect((await statusOf(`${s.url}/file/${flipped}`))).toBe(403);
    const expired = (await s.strata.fileUrls.signer()).sign(accessId, 10, Date.now() - 60_000);
    expect((await statusOf(`${s.url}/file/${accessId}?${expired}`))).toBe(403);
    expect((await statusOf(signed))).toBe(200);
    // Deleting the record releases the blob, and its URL stops working.
    const count = await blobCount(s);
    expect((await s.request('DELETE', `${DATA}/${res.body.id}`)).status).toBe(200);
    expect(await blobCount(s)).toBe(count - 1);
    expect((await statusOf(signed))).toBe(404);
  });

  it('enforces size limits and media types, and a failed write leaves no blob behind', async () => {
    const rec = await s.request('POST', DATA, { title: 'limits' });
    const count = await blobCount(s);
    expect((await raw(s, 'PUT', `${DATA}/${rec.body.id}/column/doc/file`, randomBytes(8 * 1024 * 1024 + 1))).status).toBe(413);
    const bad = await raw(s, 'PUT', `${DATA}/${rec.body.id}/column/doc/file`, 'not a png', { 'content-type': 'image/png' });
    expect(bad.status).toBe(400);
    const failed = await s.request('POST', DATA, { n: 'x', doc: { name: 'a', base64Content: Buffer.from('abc').toString('base64') } });
    expect(failed.status).toBe(400);
    // The value is valid, the write fails later (an existing id): the blob written for it goes.
    const dup = await s.request('POST', DATA, { id: rec.body.id, doc: { name: 'a', base64Content: Buffer.from('abc').toString('base64') } });
    expect(dup.status).toBe(422);
    expect(await blobCount(s)).toBe(count);
    const evil = await s.request('POST', DATA, { doc: { name: '../../etc/pa\r\nss"wd', base64Content: '' } });
    expect(evil.body.doc.name).toBe('passwd');
  });

  it('a branch copy with records is refused while the source has file columns (blobs would be shared); a schema copy works', async () => {
    const db = DATA.split('/')[2]!.split(':')[0]!;
    const copy = await s.request('PUT', `/db/${db}:withdata`, { from: 'main', copyData: true });
    expect(copy.status, JSON.stringify(copy.body)).toBe(422);
    expect(copy.body.message).toMatch(/file columns .*copyData/);
    expect((await s.request('GET', `/db/${db}:withdata`)).status).toBe(404);
    expect((await s.request('PUT', `/db/${db}:schemaonly`, { from: 'main' })).status).toBe(201);
  });

  it('concurrent uploads to one record all land; gc removes only orphans (a crash between blob and commit)', async () => {
    const rec = await s.request('POST', DATA, { title: 'many' });
    const bodies = Array.from({ length: 8 }, () => randomBytes(50_000));
    const results = await Promise.all(bodies.map((b, i) => raw(s, 'PUT', `${DATA}/${rec.body.id}/column/photos/file/f${i}`, b)));
    expect(results.map((r) => r.status)).toEqual(bodies.map(() => 201));
    const record = await s.request('GET', `${DATA}/${rec.body.id}`);
    expect(record.body.photos.map((p: any) => p.id).sort()).toEqual(bodies.map((_, i) => `f${i}`).sort());
    for (const [i, b] of bodies.entries()) expect((await raw(s, 'GET', `${DATA}/${rec.body.id}/column/photos/file/f${i}`)).bytes.equals(b)).toBe(true);
    // A blob written by an upload whose transaction never committed.
    const orphan = newBlobKey();
    async function* body() { yield Buffer.from('orphan'); }
    await s.strata.storage.blobs.put(orphan, body(), 100);
    const count = await blobCount(s);
    const young = await collectGarbage(s.strata, { graceMs: 60_000 });
    expect(young.removed).toEqual([]);
    const result = await collectGarbage(s.strata, { graceMs: 0, now: Date.now() + 1000 });
    expect(result.removed).toEqual([orphan]);
    expect(await blobCount(s)).toBe(count - 1);
    for (const [i, b] of bodies.entries()) expect((await raw(s, 'GET', `${DATA}/${rec.body.id}/column/photos/file/f${i}`)).bytes.equals(b)).toBe(true);
  });
});
