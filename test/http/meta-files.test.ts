import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describeEachEngine } from '../support/engines.js';
import { blobCount, startStrata, type RunningStrata } from '../support/strata-server.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';

/**
 * The Metadata API's file library over real HTTP on every engine: multipart upload, list
 * with search/access/sort/order/paging, delete and bulk_delete, limits, and that blobs follow
 * the rows (and `files gc` keeps library blobs).
 */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(40)]);

describeEachEngine('Metadata API file library', (engine) => {
  let s: RunningStrata;
  let base: string;
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { fileMaxBytes: 1024 * 1024 } });
    const ws = await s.request('POST', '/api:meta/workspace', { name: 'library' });
    expect(ws.status, JSON.stringify(ws.body)).toBe(200);
    base = `/api:meta/workspace/${ws.body.id}/file`;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  async function upload(content: Blob | string | undefined, name: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    if (content !== undefined) form.append('content', typeof content === 'string' ? new Blob([content], { type: 'text/plain' }) : content, name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(s.url + base, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    return { status: res.status, body: await res.json() as any };
  }

  it('uploads files as multipart and answers Xano\'s file object; the blob holds the bytes', async () => {
    const before = await blobCount(s);
    const img = await upload(new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'dir/../pic.png', { type: 'image', access: 'private' });
    expect(img.status, JSON.stringify(img.body)).toBe(200);
    expect(img.body).toEqual({
      id: expect.any(Number), created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000$/), name: 'pic.png', size: PNG.length,
      type: 'image', mime: 'image/png', access: 'private', path: expect.stringMatching(/^\/vault\/[\w-]+\/pic\.png$/),
      url: expect.stringMatching(/\/file\/[0-9a-v]+\?expires=\d+&verify=/),
    });
    // Private unless `access` says public (Xano's default is public: Strata does not publish by default).
    const doc = await upload('hello library', 'notes.txt');
    expect(doc.body).toMatchObject({ name: 'notes.txt', size: 13, type: 'attachment', mime: 'text/plain', access: 'private', url: expect.stringMatching(/\?expires=\d+&verify=/) });
    expect((await fetch(doc.body.url.replace(/\?.*$/, ''))).status).toBe(403);
    // No declared type: sniffed from the bytes.
    const sniffed = await upload(new Blob([new Uint8Array(PNG)]), 'raw.bin', { type: 'image' });
    expect(sniffed.body).toMatchObject({ mime: 'image/png', type: 'image' });
    expect(await blobCount(s)).toBe(before + 3);
    const row = (await s.strata.fileLibrary.list((await s.strata.workspaces.get(Number(base.split('/')[3]))).database.id, { sort: 'name', order: 'asc', limit: 10, offset: 0 })).find((r) => r.id === doc.body.id)!;
    let text = '';
    for await (const chunk of s.strata.storage.blobs.read(row.blobKey)) text += chunk.toString();
    expect(text).toBe('hello library');
  });

  it('refuses bad input with Xano errors and leaves no blob behind', async () => {
    const before = await blobCount(s);
    const missing = await upload(undefined, '', { type: 'image' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', payload: { param: 'content' } });
    expect((await upload('x', 'a.txt', { type: 'document' })).body.payload).toMatchObject({ param: 'type' });
    expect((await upload('x', 'a.txt', { access: 'secret' })).body.payload).toMatchObject({ param: 'access' });
    // Declared image/png, but not a PNG; and type image with text content.
    expect((await upload(new Blob(['not a png'], { type: 'image/png' }), 'x.png')).status).toBe(400);
    expect((await upload('plain text', 'a.txt', { type: 'image' })).body.payload).toMatchObject({ param: 'type' });
    const big = await upload(new Blob([new Uint8Array(randomBytes(1024 * 1024 + 1))]), 'big.bin');
    // The Metadata API answers every 4xx outside Xano's codes (413 here) as an input error.
    expect(big.status, JSON.stringify(big.body)).toBe(400);
    expect(big.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringMatching(/larger than the limit/), payload: { param: 'content' } });
    const json = await s.request('POST', base, { content: 'x' });
    expect(json.status).toBe(400);
    expect(await blobCount(s)).toBe(before);
  });

  /** A multipart body by hand: parts in the given order, files with a filename. */
  const BOUNDARY = 'strata-test-boundary';
  function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>): Buffer {
    const pieces: Buffer[] = [];
    for (const p of parts) {
      const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
      pieces.push(Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: ${disposition}\r\n${p.type ? `content-type: ${p.type}\r\n` : ''}\r\n`), Buffer.from(p.value), Buffer.from('\r\n'));
    }
    pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
    return Buffer.concat(pieces);
  }
  async function post(body: Buffer) {
    const res = await fetch(s.url + base, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: new Uint8Array(body) });
    return { status: res.status, body: await res.json() as any };
  }
  const pngPart = { name: 'content', value: PNG, filename: 'late.png', type: 'image/png' };

  it('takes the small fields before or after the file part', async () => {
    const after = await post(multipart([pngPart, { name: 'type', value: 'image' }, { name: 'access', value: 'private' }]));
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body).toMatchObject({ name: 'late.png', type: 'image', access: 'private', mime: 'image/png', size: PNG.length });
    const before = await post(multipart([{ name: 'access', value: 'public' }, { name: 'type', value: 'image' }, { ...pngPart, filename: 'early.png' }]));
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({ name: 'early.png', type: 'image', access: 'public' });
    // An empty field means the default, as an empty select would send it: private.
    const blank = await post(multipart([{ name: 'access', value: '' }, { ...pngPart, filename: 'blank.png' }]));
    expect(blank.body).toMatchObject({ name: 'blank.png', access: 'private' });
    // A file right at the limit, its type given after it, streamed in one go.
    const full = randomBytes(1024 * 1024);
    const max = await post(multipart([{ name: 'content', value: full, filename: 'max.bin' }, { name: 'type', value: 'attachment' }]));
    expect(max.status, JSON.stringify(max.body)).toBe(200);
    const row = await s.strata.storage.system.findWorkspaceFile((await s.strata.workspaces.get(Number(base.split('/')[3]))).database.id, { id: max.body.id });
    const chunks: Buffer[] = [];
    for await (const chunk of s.strata.storage.blobs.read(row!.blobKey)) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(full)).toBe(true);
    for (const id of [after.body.id, before.body.id, max.body.id]) expect((await s.request('DELETE', `${base}/${id}`)).status).toBe(200);
  });

  it('refuses a second file, unknown or misplaced parts by name, and a type the stored bytes contradict; no blob stays', async () => {
    const before = await blobCount(s);
    const refusals: Array<[Buffer, string, RegExp]> = [
      [multipart([pngPart, { ...pngPart, filename: 'again.png' }]), 'content', /second content part/],
      [multipart([{ name: 'avatar', value: PNG, filename: 'a.png' }, pngPart]), 'avatar', /unknown part \[avatar\]/],
      [multipart([pngPart, { name: 'folder', value: 'x' }]), 'folder', /unknown part \[folder\]/],
      [multipart([{ name: 'content', value: 'just text' }]), 'content', /file part/],
      [multipart([{ name: 'type', value: 'image', filename: 'type.txt' }, pngPart]), 'type', /text field/],
      [multipart([pngPart, { name: 'type', value: 'image' }, { name: 'type', value: 'video' }]), 'type', /twice/],
      [multipart([pngPart, { name: 'access', value: 'secret' }]), 'access', /public or private/],
      [multipart([{ name: 'type', value: 'x'.repeat(2000) }, pngPart]), 'type', /too long/],
      // The type after the bytes: the check runs on what was stored, then the blob goes.
      [multipart([{ ...pngPart, value: 'plain text', type: 'text/plain' }, { name: 'type', value: 'image' }]), 'type', /must be image/],
      [multipart([{ name: 'access', value: 'public' }]), 'content', /content is required/],
    ];
    for (const [body, param, message] of refusals) {
      const res = await post(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toEqual({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringMatching(message), payload: { param } });
    }
    const cut = await post(Buffer.concat([multipart([pngPart]).subarray(0, 120)]));
    expect(cut.status).toBe(400);
    expect(cut.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringMatching(/multipart|form/) });
    expect(await blobCount(s)).toBe(before);
  });

  it('reads no upload without a token, and no other route parses multipart bodies', async () => {
    const before = await blobCount(s);
    const form = new FormData();
    form.append('content', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'x.png');
    const anonymous = await fetch(s.url + base, { method: 'POST', body: form });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'ERROR_CODE_UNAUTHORIZED' });
    expect(await blobCount(s)).toBe(before);
    // The multipart parser is the upload route's own: elsewhere a form body is still an unsupported media type.
    const elsewhere = new FormData();
    elsewhere.append('name', 'from a form');
    const workspace = await fetch(s.url + '/api:meta/workspace', { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: elsewhere });
    expect(workspace.status).toBe(400);
    expect(await workspace.json()).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringMatching(/Unsupported Media Type/i), payload: { param: 'body' } });
    const list = await s.request('GET', '/api:meta/workspace');
    expect(list.body.map((w: { name: string }) => w.name)).not.toContain('from a form');
  });

  it('streams the file part into the blob store as it arrives, and refuses it past FILE_MAX_BYTES while the client is still sending; nothing stays', async () => {
    const before = await blobCount(s);
    const head = Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="content"; filename="huge.bin"\r\n\r\n`);
    // Chunked, so no Content-Length tells the size: the bytes themselves must. The body never ends:
    // had the server waited for all of it, no answer would come and the test would time out.
    const req = http.request(s.url + base, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
    let answered = false;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => { resolve({ status: res.statusCode!, text }); req.destroy(); });
      });
      req.on('error', (err) => { if (!answered) reject(err); });
    });
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const pump = (upTo: number) => new Promise<void>((resolve) => {
      const go = () => {
        while (sent < upTo && !answered) {
          sent += chunk.length;
          if (!req.write(chunk)) { req.once('drain', go); return; }
        }
        resolve();
      };
      go();
    });
    req.write(head);
    await pump(256 * 1024);
    // The first bytes are in the blob store (an upload in progress) before the body is half sent.
    for (let i = 0; i < 250 && (await blobCount(s)) === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await blobCount(s), 'a blob in progress while the body is still coming').toBe(before + 1);
    await pump(1024 * 1024 + 4 * chunk.length);
    const { status, text } = await answer;
    expect(status, text).toBe(400); // 413, which Xano's envelope answers as an input error
    expect(JSON.parse(text)).toEqual({ code: 'ERROR_CODE_INPUT_ERROR', message: expect.stringMatching(/larger than the limit of 1048576 bytes/), payload: { param: 'content' } });
    expect(await blobCount(s)).toBe(before);
    const gc = await collectGarbage(s.strata, { graceMs: 0, dryRun: true, now: Date.now() + 1000 });
    expect(gc.removed).toEqual([]);
  });

  it('lists with search, access, sort, order and paging', async () => {
    for (const [name, size] of [['alpha.txt', 3], ['Beta_1.txt', 1], ['gamma.txt', 2], ['beta%.txt', 4]] as const) {
      expect((await upload('x'.repeat(size), name, { access: name.startsWith('gamma') ? 'private' : 'public' })).status).toBe(200);
    }
    const all = await s.request('GET', `${base}?per_page=100`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ curPage: 1, nextPage: null, prevPage: null });
    // Newest first by default.
    expect(all.body.items.slice(0, 2).map((f: any) => f.name)).toEqual(['beta%.txt', 'gamma.txt']);
    const search = await s.request('GET', `${base}?search=BETA&sort=name&order=asc`);
    expect(search.body.items.map((f: any) => f.name)).toEqual(['Beta_1.txt', 'beta%.txt']);
    // LIKE's wildcards are literal.
    expect((await s.request('GET', `${base}?search=%25`)).body.items.map((f: any) => f.name)).toEqual(['beta%.txt']);
    expect((await s.request('GET', `${base}?search=a_1`)).body.items.map((f: any) => f.name)).toEqual(['Beta_1.txt']);
    // Other tests' uploads are in the list too: only this test's names are looked at.
    const mine = (res: { body: any }) => res.body.items.map((f: any) => f.name).filter((n: string) => ['alpha.txt', 'Beta_1.txt', 'gamma.txt', 'beta%.txt'].includes(n));
    expect(mine(await s.request('GET', `${base}?access=private&sort=name&order=asc&per_page=100`))).toEqual(['gamma.txt']);
    expect(mine(await s.request('GET', `${base}?access=public&sort=name&order=asc&per_page=100`))).toEqual(['Beta_1.txt', 'alpha.txt', 'beta%.txt']);
    const bySize = await s.request('GET', `${base}?sort=size&order=asc&search=.txt`);
    expect(bySize.body.items.map((f: any) => f.size)).toEqual([1, 2, 3, 4, 13]);
    const page2 = await s.request('GET', `${base}?sort=name&order=asc&per_page=2&page=2`);
    expect(page2.body).toMatchObject({ curPage: 2, nextPage: 3, prevPage: 1 });
    const names = all.body.items.map((f: any) => f.name).sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
    expect(page2.body.items.map((f: any) => f.name)).toEqual(names.slice(2, 4));
    expect((await s.request('GET', `${base}?sort=colour`)).status).toBe(400);
  });

  it('deletes one file and many; blobs go with the rows; gc keeps library blobs', async () => {
    const list = (await s.request('GET', `${base}?per_page=100`)).body.items as Array<{ id: number; name: string }>;
    const before = await blobCount(s);
    const one = list[0]!;
    expect((await s.request('DELETE', `${base}/${one.id}`)).status).toBe(200);
    expect((await s.request('DELETE', `${base}/${one.id}`)).status).toBe(404);
    expect(await blobCount(s)).toBe(before - 1);
    const ids = list.slice(1, 3).map((f) => f.id);
    const bulk = await s.request('DELETE', `${base}/bulk_delete`, { ids: [...ids, 999_999] });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    expect(await blobCount(s)).toBe(before - 3);
    const left = (await s.request('GET', `${base}?per_page=100`)).body.items.map((f: any) => f.id);
    expect(left).toEqual(list.slice(3).map((f) => f.id));
    // Another workspace cannot delete these.
    const other = (await s.request('POST', '/api:meta/workspace', { name: 'other' })).body.id;
    await s.request('DELETE', `/api:meta/workspace/${other}/file/bulk_delete`, { ids: left });
    expect((await s.request('GET', `${base}?per_page=100`)).body.items).toHaveLength(left.length);
    const gc = await collectGarbage(s.strata, { graceMs: 0, now: Date.now() + 1000 });
    expect(gc.removed).toEqual([]);
    expect(await blobCount(s)).toBe(before - 3);
  });
});
