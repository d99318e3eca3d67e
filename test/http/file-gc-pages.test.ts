import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { metaClient } from '../support/xano.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';
import { newBlobKey } from '../../src/core/ports/blob-store.js';

/**
 * `files gc` with more blobs and rows than one page (a page of 4 here): candidates are taken a
 * page at a time and references read in keyset pages of rows, and still every referenced blob
 * (records on two branches, a library file a Xano column uses) stays and every orphan goes.
 */
const b64 = (text: string) => Buffer.from(text).toString('base64');
const file = (text: string) => ({ name: `${text}.txt`, mediaType: 'text/plain', base64Content: b64(text) });

describeEachEngine('files gc in pages', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(engine); });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  const listed = async () => { const keys: string[] = []; for await (const b of s.strata.storage.blobs.list()) keys.push(b.key); return keys; };
  async function ok(method: string, url: string, body?: unknown, status = 200) {
    const res = await s.request(method, url, body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  }
  const download = async (url: string) => (await s.download(url)).bytes.toString();

  it('keeps every referenced blob and removes every orphan when both span several pages', async () => {
    const api = metaClient(s);
    const ws = (await api.ok('POST', '/workspace', { name: 'paged' })).id;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'docs' })).id;
    await api.ok('POST', `/workspace/${ws}/table/${table}/schema/type/attachment`, { name: 'lib' });
    await ok('POST', '/db/paged:main/tables/docs/columns', { name: 'doc', type: 'file' });
    await ok('POST', '/db/paged:main/tables/docs/columns', { name: 'photos', type: 'file[]' });
    await ok('PUT', '/db/paged:dev', {}, 201);
    const form = new FormData();
    form.append('content', new Blob(['library bytes'], { type: 'text/plain' }), 'lib.txt');
    const upload = await (await fetch(`${s.url}/api:meta/workspace/${ws}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form })).json() as { id: number; url: string };
    await api.ok('POST', `/workspace/${ws}/table/${table}/content`, { lib: { id: upload.id } });
    const ids: number[] = [];
    for (let i = 0; i < 11; i++) {
      const branch = i % 3 === 0 ? 'dev' : 'main';
      const rec = await ok('POST', `/db/paged:${branch}/tables/docs/data`, { doc: file(`doc${i}`), photos: [file(`p${i}`)] }, 201);
      if (branch === 'main') ids.push(rec.id);
    }
    const referenced = await listed();
    expect(referenced).toHaveLength(1 + 11 * 2);

    const orphans: string[] = [];
    for (let i = 0; i < 9; i++) {
      const key = newBlobKey();
      await s.strata.storage.blobs.put(key, (async function* () { yield Buffer.from(`orphan ${i}`); })(), 100);
      orphans.push(key);
    }
    const dry = await collectGarbage(s.strata, { graceMs: 0, dryRun: true, now: Date.now() + 1000, pageSize: 4 });
    expect(dry.removed.sort()).toEqual([...orphans].sort());
    expect(dry).toMatchObject({ scanned: referenced.length + orphans.length, referenced: referenced.length, libraryReferences: 1, missingLibraryFiles: [] });
    expect((await listed()).length).toBe(referenced.length + orphans.length);

    const gc = await collectGarbage(s.strata, { graceMs: 0, now: Date.now() + 1000, pageSize: 4 });
    expect(gc.removed.sort()).toEqual([...orphans].sort());
    expect((await listed()).sort()).toEqual([...referenced].sort());
    for (const id of ids) expect(await download(`/db/paged:main/tables/docs/data/${id}/column/doc/file`), String(id)).toMatch(/^doc\d+$/);
    expect(await (await fetch(upload.url)).text()).toBe('library bytes');
    // Within the grace period nothing is a candidate.
    await s.strata.storage.blobs.put(newBlobKey(), (async function* () { yield Buffer.from('young'); })(), 100);
    expect((await collectGarbage(s.strata, { graceMs: 60_000, pageSize: 4 })).removed).toEqual([]);
  });
});
