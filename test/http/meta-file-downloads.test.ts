import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Downloading library files (the Metadata API's `/workspace/{id}/file`): every file object
 * carries `url`; public files are served at a stable URL, private ones only with a valid,
 * unexpired signature; both with the headers of GET /file/… (type, length, ETag, ranges,
 * disposition).
 */
const BYTES = randomBytes(5000);

describeEachEngine('Metadata API library file downloads', (engine) => {
  let s: RunningStrata;
  let base: string;
  beforeAll(async () => {
    s = await startStrata(engine);
    const ws = await s.request('POST', '/api:meta/workspace', { name: 'downloads' });
    expect(ws.status, JSON.stringify(ws.body)).toBe(200);
    base = `/api:meta/workspace/${ws.body.id}/file`;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  async function upload(content: Blob, name: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append('content', content, name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(s.url + base, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    return { status: res.status, body: await res.json() as any };
  }
  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  it('a public file is served at its stable url without a token, with type, length, ETag, ranges and disposition', async () => {
    const up = await upload(new Blob([new Uint8Array(BYTES)], { type: 'application/octet-stream' }), 'report "q1".bin', { access: 'public' });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/file\/[0-9a-v]+$/);
    const listed = await s.request('GET', `${base}?search=report`);
    expect(listed.body.items[0].url).toBe(up.body.url); // stable: the same URL every time
    const got = await get(up.body.url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(BYTES)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-length')).toBe(String(BYTES.length));
    // application/octet-stream is not a passive type: downloaded, never shown inline.
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="report q1.bin"; filename*=UTF-8\'\'report%20q1.bin');
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get(up.body.url, { 'if-none-match': etag })).status).toBe(304);
    const part = await get(up.body.url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${BYTES.length}`);
    expect(part.bytes.equals(BYTES.subarray(100, 200))).toBe(true);
    expect((await get(up.body.url, { range: `bytes=${BYTES.length}-` })).status).toBe(416);
  });

  it('a private file needs its signature: tampered, expired or missing → 403; the signed url serves the bytes', async () => {
    const up = await upload(new Blob(['private text'], { type: 'text/plain' }), 'secret.txt', { access: 'private' });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const url = new URL(up.body.url);
    expect(url.searchParams.get('expires')).toMatch(/^\d+$/);
    const listed = await s.request('GET', `${base}?access=private`);
    expect(listed.body.items.map((f: { id: number }) => f.id)).toContain(up.body.id);
    expect(listed.body.items[0].url).toMatch(/\?expires=\d+&verify=/);
    const ok = await get(up.body.url);
    expect(ok.status).toBe(200);
    expect(ok.bytes.toString()).toBe('private text');
    expect(ok.headers.get('content-type')).toBe('text/plain');
    const bare = `${url.origin}${url.pathname}`;
    expect((await get(bare)).status).toBe(403);
    const tampered = new URL(url);
    // Change the first character to one it is not (replacing it with a fixed 'A' was no change 1 time in 64).
    const signature = url.searchParams.get('verify')!;
    tampered.searchParams.set('verify', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    expect((await get(tampered.href)).status).toBe(403);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1000));
    expect((await get(later.href)).status).toBe(403);
    const accessId = url.pathname.split('/').pop()!;
    const expired = (await s.strata.fileUrls.signer()).sign(accessId, 10, Date.now() - 60_000);
    expect((await get(`${bare}?${expired}`)).status).toBe(403);
    // Another file's signature does not open this one; an altered access id is refused.
    const other = new URL((await upload(new Blob(['x']), 'other.txt', { access: 'private' })).body.url);
    expect((await get(`${bare}${other.search}`)).status).toBe(403);
    expect((await get(`${url.origin}/file/${accessId.slice(0, -1)}${accessId.endsWith('0') ? '1' : '0'}${url.search}`)).status).toBe(403);
  });

  it('HTML and SVG are downloaded (attachment), never shown inline in this origin', async () => {
    const up = await upload(new Blob(['<script>alert(1)</script>'], { type: 'text/html' }), 'page.html');
    const got = await get(up.body.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a deleted file (or a file of a deleted workspace) is gone from its url: 404', async () => {
    const up = await upload(new Blob(['bye']), 'bye.txt');
    expect((await get(up.body.url)).status).toBe(200);
    expect((await s.request('DELETE', `${base}/${up.body.id}`)).status).toBe(200);
    expect((await get(up.body.url)).status).toBe(404);
    const ws = await s.request('POST', '/api:meta/workspace', { name: 'short-lived' });
    const form = new FormData();
    form.append('content', new Blob(['x']), 'x.txt');
    const res = await fetch(`${s.url}/api:meta/workspace/${ws.body.id}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    const file = await res.json() as { url: string };
    expect((await get(file.url)).status).toBe(200);
    expect((await s.request('DELETE', `/api:meta/workspace/${ws.body.id}`)).status).toBe(200);
    expect((await get(file.url)).status).toBe(404);
  });
});
