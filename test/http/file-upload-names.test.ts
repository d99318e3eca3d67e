import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { blobCount, startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * The binary PUT names the file in the same write when the request carries a
 * `Content-Disposition` filename (a Strata extension): plain, RFC 5987 `filename*`, sanitised
 * like every file name; a malformed header is a 400 that writes nothing; no header keeps the
 * name, as Xata's SDK expects.
 */
const DATA = '/db/named:main/tables/docs/data';

describeEachEngine('binary uploads named by Content-Disposition', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/named', { region: 'local' })).status).toBe(201);
    const res = await s.request('PUT', '/db/named:main/tables/docs', { columns: [{ name: 'doc', type: 'file' }, { name: 'photos', type: 'file[]' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  async function put(path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(s.url + path, { method: 'PUT', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/plain', ...headers }, body });
    return { status: res.status, body: await res.json() as any };
  }
  const version = async (id: string) => (await s.request('GET', `${DATA}/${id}`)).body.xata.version as number;

  it('names a file column\'s file in the same write: one write, one version', async () => {
    const rec = (await s.request('POST', DATA, {})).body.id as string;
    const v0 = await version(rec);
    const up = await put(`${DATA}/${rec}/column/doc/file`, 'quarterly numbers', { 'content-disposition': 'attachment; filename="report Q1.txt"' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ name: 'report Q1.txt', mediaType: 'text/plain', size: 17, version: 1 });
    expect(await version(rec)).toBe(v0 + 1);
    expect((await s.request('GET', `${DATA}/${rec}`)).body.doc.name).toBe('report Q1.txt');
    // New content without the header keeps the name (Xata's SDK sends none); a header without a filename too.
    expect((await put(`${DATA}/${rec}/column/doc/file`, 'v2')).body).toMatchObject({ name: 'report Q1.txt', version: 2 });
    expect((await put(`${DATA}/${rec}/column/doc/file`, 'v3', { 'content-disposition': 'attachment' })).body).toMatchObject({ name: 'report Q1.txt', version: 3 });
    const get = await fetch(`${s.url}${DATA}/${rec}/column/doc/file`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(get.headers.get('content-disposition')).toBe('inline; filename="report Q1.txt"; filename*=UTF-8\'\'report%20Q1.txt');
    await get.arrayBuffer();
  });

  it('reads RFC 5987 filename* (it wins over the ASCII fallback) on file[] items, and a raw UTF-8 name', async () => {
    const rec = (await s.request('POST', DATA, {})).body.id as string;
    const v0 = await version(rec);
    const name = 'café résumé 📄.txt';
    const up = await put(`${DATA}/${rec}/column/photos/file/item1`, 'cv', {
      'content-disposition': `attachment; filename="cafe resume.txt"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ id: 'item1', name, version: 1 });
    expect(await version(rec)).toBe(v0 + 1);
    // Case-insensitive names and charset, a language tag, ISO-8859-1.
    const latin = await put(`${DATA}/${rec}/column/photos/file/item2`, 'x', { 'content-disposition': "Attachment; FILENAME*=iso-8859-1'fr'na%EFve.txt" });
    expect(latin.body).toMatchObject({ id: 'item2', name: 'naïve.txt' });
    // What curl sends for -H 'Content-Disposition: attachment; filename="über.txt"': the UTF-8 bytes as they are.
    const raw = await put(`${DATA}/${rec}/column/photos/file/item3`, 'x', { 'content-disposition': `attachment; filename="${Buffer.from('über.txt').toString('latin1')}"` });
    expect(raw.body).toMatchObject({ id: 'item3', name: 'über.txt' });
    const items = (await s.request('GET', `${DATA}/${rec}`)).body.photos.map((f: { id: string; name: string }) => [f.id, f.name]);
    expect(items).toEqual([['item1', name], ['item2', 'naïve.txt'], ['item3', 'über.txt']]);
  });

  it('sanitises the name like every file name', async () => {
    const rec = (await s.request('POST', DATA, {})).body.id as string;
    const quoted = await put(`${DATA}/${rec}/column/doc/file`, 'x', { 'content-disposition': 'attachment; filename="../../etc/pa\\"ss\\\\wd.txt"' });
    expect(quoted.body.name).toBe('wd.txt'); // a backslash is a path separator too
    const encoded = await put(`${DATA}/${rec}/column/doc/file`, 'x', { 'content-disposition': "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpa%0D%0Ass%22wd" });
    expect(encoded.body.name).toBe('passwd');
  });

  it('refuses a malformed header with a 400 in the data API\'s envelope, before anything is written', async () => {
    const rec = (await s.request('POST', DATA, {})).body.id as string;
    expect((await put(`${DATA}/${rec}/column/doc/file`, 'kept', { 'content-disposition': 'attachment; filename="kept.txt"' })).status).toBe(201);
    const v0 = await version(rec);
    const blobs = await blobCount(s);
    const bad = [
      'attachment; filename="unterminated',
      '; filename="no-type.txt"',
      'attachment; filename',
      'attachment filename="x.txt"',
      'attachment; filename="a.txt"; filename="b.txt"',
      "attachment; filename*=UTF-8''%FF%FE.txt",
      "attachment; filename*=UTF-8'bad value.txt",
      "attachment; filename*=koi8-r''x.txt",
      'attachment; filename="a.txt", attachment; filename="b.txt"',
    ];
    for (const header of bad) {
      const res = await put(`${DATA}/${rec}/column/doc/file`, 'new bytes', { 'content-disposition': header });
      expect(res.status, header).toBe(400);
      expect(res.body, header).toEqual({ id: expect.any(String), message: expect.stringMatching(/^invalid Content-Disposition header: /) });
    }
    // A name that sanitising empties names no file.
    const empty = await put(`${DATA}/${rec}/column/doc/file`, 'new bytes', { 'content-disposition': 'attachment; filename=".."' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/column \[doc\]: the file name \[\.\.\] is empty/);
    expect(await blobCount(s)).toBe(blobs);
    expect(await version(rec)).toBe(v0);
    const file = await fetch(`${s.url}${DATA}/${rec}/column/doc/file`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(await file.text()).toBe('kept');
  });
});
