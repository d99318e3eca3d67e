import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';

/**
 * The Metadata API's file library over real HTTP on every engine: multipart upload, list
 * with search/access/sort/order/paging, delete and bulk_delete, limits, and that blobs follow
 * the rows (and `files gc` keeps library blobs).
 */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(40)]);

async function blobCount(s: RunningStrata): Promise<number> {
  let n = 0;
  for await (const _ of s.strata.storage.blobs.list()) n++;
  return n;
}

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
    const doc = await upload('hello library', 'notes.txt');
    expect(doc.body).toMatchObject({ name: 'notes.txt', size: 13, type: 'attachment', mime: 'text/plain', access: 'public' });
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
    const priv = await s.request('GET', `${base}?access=private&sort=name&order=asc`);
    expect(priv.body.items.map((f: any) => f.name)).toEqual(['gamma.txt', 'pic.png']);
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
