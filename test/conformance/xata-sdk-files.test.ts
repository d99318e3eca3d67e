import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { buildClient, XataFile, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Files through the official Xata SDK (@xata.io/client 0.30.1) against a real Strata on each
 * engine: inline base64 in create, `files.upload` / `download` / `delete` for a `file` column
 * and a `file[]` item, the record's public `url` and `signedUrl` fetched without a token, file
 * fields by name in `columns` (`photos.base64Content`, …), appending to a `file[]` with
 * `files.upload` and no file id, and upload URLs (`doc.uploadUrl`), as the SDK's own
 * integration tests (test/integration/files.test.ts) use them.
 */
const tables = [
  {
    name: 'docs',
    columns: [{ name: 'title', type: 'string' }, { name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }],
  },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { docs: Inferred['docs'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

// A PNG header (signature, IHDR 3×2) and random bytes: passes the server's media type check.
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(200)]);

// The SDK declares its own `Buffer` type (without the ArrayBuffer generic of @types/node 20).
const pngFile = (options: Parameters<typeof XataFile.fromBuffer>[1]) => XataFile.fromBuffer(PNG as unknown as Parameters<typeof XataFile.fromBuffer>[0], options);

async function fetchBytes(url: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

describeEachEngine('Xata SDK 0.30.1 against Strata: files', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/sdkf', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/sdkf:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient({
      apiKey: s.token, branch: 'main', databaseURL: 'https://ws-abc.us-east-1.xata.sh/db/sdkf',
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('create with a base64 file column answers the file; its signed URL serves the bytes, a tampered one is 403', async () => {
    const rec = await xata.db.docs.create({ title: 'a', doc: XataFile.fromString('hello sdk', { mediaType: 'text/plain', name: 'a.txt' }) });
    expect(rec.doc).toBeInstanceOf(XataFile);
    expect(rec.doc).toMatchObject({ name: 'a.txt', mediaType: 'text/plain', size: 9, enablePublicUrl: false });
    expect(rec.doc!.signedUrl).toMatch(/\/file\/[0-9a-v]+\?expires=\d+&verify=/);
    const signed = await fetchBytes(rec.doc!.signedUrl!);
    expect(signed.status).toBe(200);
    expect(signed.bytes.toString()).toBe('hello sdk');
    const url = new URL(rec.doc!.signedUrl!);
    const verify = url.searchParams.get('verify')!;
    url.searchParams.set('verify', (verify[0] === 'A' ? 'B' : 'A') + verify.slice(1));
    expect((await fetchBytes(url.toString())).status).toBe(403);
    // Private: the bare URL (no signature) is refused.
    expect((await fetchBytes(`${url.origin}${url.pathname}`)).status).toBe(403);
    const read = await xata.db.docs.read(rec.id);
    expect(read?.doc?.name).toBe('a.txt');
  });

  it('a public file in create answers a url that serves the bytes without a token', async () => {
    const rec = await xata.db.docs.create({ photos: [pngFile({ mediaType: 'image/png', name: 'p.png', enablePublicUrl: true })] });
    const photo = rec.photos![0]!;
    expect(photo).toMatchObject({ name: 'p.png', mediaType: 'image/png', size: PNG.length, enablePublicUrl: true });
    expect(photo.url).toMatch(/\/file\/[0-9a-v]+$/);
    const pub = await fetchBytes(photo.url!);
    expect(pub.status).toBe(200);
    expect(pub.bytes.equals(PNG)).toBe(true);
    // Queries and searches answer the same URLs (getMany, getFirst, search).
    const listed = await xata.db.docs.filter({ id: rec.id }).getFirst();
    expect(listed!.photos![0]!.url).toBe(photo.url);
    expect((await fetchBytes(listed!.photos![0]!.signedUrl!)).bytes.equals(PNG)).toBe(true);
    await xata.db.docs.create({ title: 'findable', doc: XataFile.fromString('x', { mediaType: 'text/plain', name: 'x.txt' }) });
    const found = await xata.db.docs.search('findable', { fuzziness: 0 });
    expect(found.records).toHaveLength(1);
    expect((await fetchBytes(found.records[0]!.doc!.signedUrl!)).bytes.toString()).toBe('x');
  });

  it('files.upload to a file column and a file[] item, download compares bytes, delete removes them', async () => {
    const rec = await xata.db.docs.create({ title: 'upload' });
    const up = await xata.files.upload({ table: 'docs', column: 'doc', record: rec.id }, new Blob(['uploaded bytes'], { type: 'text/plain' }));
    expect(up).toMatchObject({ mediaType: 'text/plain', size: 14, version: 1 });
    const item = await xata.files.upload({ table: 'docs', column: 'photos', record: rec.id, fileId: 'f_1' }, pngFile({ mediaType: 'image/png' }));
    expect(item).toMatchObject({ id: 'f_1', mediaType: 'image/png', size: PNG.length, version: 1 });

    const doc = await xata.files.download({ table: 'docs', column: 'doc', record: rec.id });
    expect(doc).toBeInstanceOf(Blob);
    expect(Buffer.from(await doc.arrayBuffer()).toString()).toBe('uploaded bytes');
    const photo = await xata.files.download({ table: 'docs', column: 'photos', record: rec.id, fileId: 'f_1' });
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);

    // A second upload replaces the content and bumps the version.
    const again = await xata.files.upload({ table: 'docs', column: 'doc', record: rec.id }, 'replaced');
    expect(again).toMatchObject({ mediaType: 'text/plain', size: 8, version: 2 });
    const read = await xata.db.docs.read(rec.id);
    expect(read?.doc?.size).toBe(8);
    expect(read?.photos?.map((p) => p.id)).toEqual(['f_1']);
    expect(Buffer.from(await (await fetch(read!.doc!.signedUrl!)).arrayBuffer()).toString()).toBe('replaced');

    const deleted = await xata.files.delete({ table: 'docs', column: 'doc', record: rec.id });
    expect(deleted).toMatchObject({ mediaType: 'text/plain', size: 8 });
    await xata.files.delete({ table: 'docs', column: 'photos', record: rec.id, fileId: 'f_1' });
    const after = await xata.db.docs.read(rec.id);
    expect(after?.doc ?? null).toBeNull();
    expect(after?.photos ?? []).toEqual([]);
    await expect(xata.files.download({ table: 'docs', column: 'doc', record: rec.id })).rejects.toMatchObject({ status: 404 });
  });

  it('create with columns [col.*, col.base64Content] answers the content (file and file[])', async () => {
    const hello = new Blob(['hello'], { type: 'text/plain' });
    const rec = await xata.db.docs.create(
      { title: 'b64', photos: [await XataFile.fromBlob(hello, { name: 'hello.txt' })], doc: await XataFile.fromBlob(hello, { name: 'hello.txt' }) },
      ['photos.*', 'photos.base64Content', 'doc.*', 'doc.base64Content'],
    );
    expect(rec.photos?.[0]?.id).toBeDefined();
    expect(rec.photos?.[0]).toMatchObject({ name: 'hello.txt', mediaType: 'text/plain', uploadUrlTimeout: 86400 });
    expect(rec.photos?.[0]?.toString()).toBe('hello');
    expect(rec.photos?.[0]?.toBlob()).toBeInstanceOf(Blob);
    expect(rec.doc?.size).toBeGreaterThan(0);
    expect(rec.doc?.toString()).toBe('hello');
    // The same selection on read, query and a field on its own.
    const read = await xata.db.docs.read(rec.id, ['doc.base64Content', 'photos.name']);
    expect(read?.doc?.base64Content).toBe(Buffer.from('hello').toString('base64'));
    expect(read?.doc?.name).toBeUndefined();
    expect(read?.photos?.[0]?.name).toBe('hello.txt');
    expect(read?.photos?.[0]?.base64Content).toBeUndefined();
    const listed = await xata.db.docs.filter({ id: rec.id }).select(['photos.*', 'photos.base64Content']).getFirst();
    expect(listed?.photos?.[0]?.toString()).toBe('hello');
  });

  it('files.upload to a file[] column without a file id appends a file; a Blob without a type is accepted', async () => {
    const rec = await xata.db.docs.create({ title: 'append' });
    const json = new Blob([JSON.stringify({ hello: 'world' })], { type: 'application/json' });
    const first = await xata.files.upload({ table: 'docs', column: 'photos', record: rec.id }, json, { mediaType: 'text/plain' });
    expect(first.id).toBeDefined();
    expect(first.mediaType).toBe('text/plain');
    const second = await xata.files.upload({ table: 'docs', column: 'photos', record: rec.id }, new Blob(['a,b'], { type: 'text/csv' }));
    expect(second.mediaType).toBe('text/csv');
    // The SDK sends `Content-Type: ''` for a Blob without a type: the type is read from the bytes.
    const untyped = await xata.files.upload({ table: 'docs', column: 'photos', record: rec.id }, new Blob([PNG as unknown as BlobPart]));
    expect(untyped.mediaType).toBe('image/png');
    const read = await xata.db.docs.read(rec.id, ['photos.*', 'photos.base64Content']);
    expect(read?.photos?.map((p) => p.id)).toEqual([first.id, second.id, untyped.id]);
    expect(await read?.photos?.[0]?.toBlob().text()).toBe('{"hello":"world"}');
    expect(read?.photos?.[1]?.toString()).toBe('a,b');
  });

  it('upload URLs: create asks for them in columns, a plain fetch PUT stores the bytes (201), a read returns them', async () => {
    const rec = await xata.db.docs.create(
      { title: 'upload url', doc: { name: 'pic.png', base64Content: '' }, photos: [{ name: 'hello.csv', mediaType: 'text/csv', base64Content: '' }] },
      ['*', 'doc.uploadUrl', 'photos.uploadUrl'],
    );
    expect(rec.doc?.uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/file\/[0-9a-v]+\?expires=\d+&verify=/);
    expect(rec.photos?.[0]?.uploadUrl).toBeTruthy();
    const photoPut = await fetch(rec.doc!.uploadUrl!, { method: 'PUT', body: new Blob([PNG as unknown as BlobPart], { type: 'image/png' }) });
    expect(photoPut.status).toBe(201);
    await photoPut.arrayBuffer();
    const csvPut = await fetch(rec.photos![0]!.uploadUrl!, { method: 'PUT', body: new Blob(['hello,world'], { type: 'text/csv' }) });
    expect(csvPut.status).toBe(201);
    expect(await csvPut.json()).toMatchObject({ id: rec.photos![0]!.id, name: 'hello.csv', mediaType: 'text/csv', size: 11 });
    const read = await xata.db.docs.read(rec.id, ['doc.*', 'doc.base64Content', 'photos.*', 'photos.base64Content']);
    expect(read?.doc).toMatchObject({ name: 'pic.png', mediaType: 'image/png', size: PNG.length });
    expect(Buffer.from(read!.doc!.toBase64(), 'base64').equals(PNG)).toBe(true);
    expect(read?.photos?.[0]).toMatchObject({ mediaType: 'text/csv' });
    expect(read?.photos?.[0]?.toString()).toBe('hello,world');
  });
});
