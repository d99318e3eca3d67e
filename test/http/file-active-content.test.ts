import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * A file is never a page of Strata's origin. Whatever its declared type (text/xsl, HTML,
 * SVG, XHTML: all run script in Chromium), every download path — the data API's
 * authenticated GET, the signed and public `/file/{accessId}` URLs of record files and of
 * library files — sends it as `attachment`, under `Content-Security-Policy: sandbox` and
 * `nosniff`. Only passive types (raster images, PDF, plain text, audio, video) stay inline,
 * and they carry the same two headers.
 */
const BRANCH = '/db/activefiles:main';
const DATA = `${BRANCH}/tables/docs/data`;
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(40)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
// The reported attack: XHTML behind an XSL type, its script reading this origin's cookies.
const XSL = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>fetch("/api:meta/auth/me")</script></html>';
const ACTIVE = ['text/xsl', 'text/html', 'image/svg+xml', 'application/xhtml+xml', 'application/octet-stream', 'application/json'];
const PASSIVE: Array<[string, Buffer]> = [['image/png', PNG], ['application/pdf', PDF], ['text/plain', Buffer.from('just text')], ['audio/mpeg', randomBytes(64)]];

async function fetchFile(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function expectHardened(got: { status: number; headers: Headers }, disposition: 'inline' | 'attachment', where: string): void {
  expect(got.status, where).toBe(200);
  expect(got.headers.get('content-disposition'), where).toMatch(new RegExp(`^${disposition}(;|$)`));
  expect(got.headers.get('content-security-policy'), where).toBe('sandbox');
  expect(got.headers.get('x-content-type-options'), where).toBe('nosniff');
}

describeEachEngine('active file content is never served inline', (engine) => {
  let s: RunningStrata;
  let library: string;
  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/activefiles', { region: 'local' })).status).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/docs`, { columns: [{ name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }] })).status).toBe(201);
    const ws = await s.request('POST', '/api:meta/workspace', { name: 'activelibrary' });
    expect(ws.status, JSON.stringify(ws.body)).toBe(200);
    library = `/api:meta/workspace/${ws.body.id}/file`;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  /** Every way to fetch a record file: the data API with a token, the signed URL, the public URL. */
  async function recordPaths(mediaType: string, bytes: Buffer): Promise<Array<[string, string, Record<string, string>]>> {
    const inline = await s.request('POST', DATA, { photos: [{ name: 'f', mediaType, base64Content: bytes.toString('base64'), enablePublicUrl: true }] });
    expect(inline.status, JSON.stringify(inline.body)).toBe(201);
    const photo = inline.body.photos[0];
    const put = await fetch(`${s.url}${DATA}/${inline.body.id}/column/doc/file`, {
      method: 'PUT', headers: { authorization: `Bearer ${s.token}`, 'content-type': mediaType }, body: new Uint8Array(bytes),
    });
    const uploaded = await put.json() as { signedUrl: string };
    expect(put.status, JSON.stringify(uploaded)).toBe(201);
    const auth = { authorization: `Bearer ${s.token}` };
    return [
      ['data API GET (binary PUT)', `${s.url}${DATA}/${inline.body.id}/column/doc/file`, auth],
      ['data API GET (base64Content)', `${s.url}${DATA}/${inline.body.id}/column/photos/file/${photo.id}`, auth],
      ['signed URL (binary PUT)', uploaded.signedUrl, {}],
      ['signed URL (base64Content)', photo.signedUrl, {}],
      ['public URL (base64Content)', photo.url, {}],
    ];
  }

  /** A library file's URL, public and private (signed). */
  async function libraryPaths(mediaType: string, bytes: Buffer): Promise<Array<[string, string, Record<string, string>]>> {
    const paths: Array<[string, string, Record<string, string>]> = [];
    for (const access of ['public', 'private']) {
      const form = new FormData();
      form.append('content', new Blob([new Uint8Array(bytes)], { type: mediaType }), 'f');
      form.append('access', access);
      const res = await fetch(s.url + library, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
      const body = await res.json() as { url: string; mime: string };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.mime).toBe(mediaType);
      paths.push([`library (${access})`, body.url, {}]);
    }
    return paths;
  }

  it.each(ACTIVE)('%s is sent as an attachment, sandboxed, on every download path', async (mediaType) => {
    for (const [where, url, headers] of [...await recordPaths(mediaType, Buffer.from(XSL)), ...await libraryPaths(mediaType, Buffer.from(XSL))]) {
      const got = await fetchFile(url, headers);
      expectHardened(got, 'attachment', `${mediaType} via ${where}`);
      expect(got.bytes.toString(), where).toBe(XSL);
      // A conditional or partial GET carries the same headers.
      const part = await fetchFile(url, { ...headers, range: 'bytes=0-9' });
      expect(part.status, where).toBe(206);
      expect(part.headers.get('content-security-policy'), where).toBe('sandbox');
      expect(part.headers.get('content-disposition'), where).toMatch(/^attachment/);
    }
  });

  it.each(PASSIVE)('%s stays inline, with the same sandbox and nosniff', async (mediaType, bytes) => {
    for (const [where, url, headers] of [...await recordPaths(mediaType, bytes), ...await libraryPaths(mediaType, bytes)]) {
      const got = await fetchFile(url, headers);
      expectHardened(got, 'inline', `${mediaType} via ${where}`);
      expect(got.headers.get('content-type'), where).toBe(mediaType);
      expect(got.bytes.equals(bytes), where).toBe(true);
    }
  });

  it('an empty file and a 304 carry the headers too', async () => {
    const rec = await s.request('POST', DATA, { doc: { name: 'e.html', mediaType: 'text/html', base64Content: '' } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const empty = await fetchFile(`${s.url}${DATA}/${rec.body.id}/column/doc/file`, { authorization: `Bearer ${s.token}` });
    expectHardened(empty, 'attachment', 'empty file');
    const [, url, headers] = (await recordPaths('text/html', Buffer.from(XSL)))[0]!;
    const first = await fetchFile(url, headers);
    const again = await fetchFile(url, { ...headers, 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.headers.get('content-security-policy')).toBe('sandbox');
    expect(again.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
