import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { collectGarbage } from '../../src/core/files/file-gc.js';

/**
 * Xano's image, video, audio and attachment columns holding files of the workspace's library,
 * through the Metadata API's content routes: references are checked (this workspace, a
 * matching type), stored as the library's metadata, read back with a working `url`; a file in
 * use cannot be deleted, and `files gc` counts the references.
 */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]), randomBytes(40)]);

describeEachEngine('Metadata API: library files in image/video/audio/attachment columns', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let otherWs: number;
  let content: string;
  let image: any;
  let privateDoc: any;
  let foreign: any;

  async function upload(workspace: number, blob: Blob, name: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append('content', blob, name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${s.url}/api:meta/workspace/${workspace}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  }
  async function fetchBytes(url: string) {
    const res = await fetch(url);
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'media' })).id;
    otherWs = (await api.ok('POST', '/workspace', { name: 'elsewhere' })).id;
    const tableId = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'posts' })).id;
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/text`, { name: 'title' });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/image`, { name: 'cover' });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/attachment`, { name: 'files', style: 'list' });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/video`, { name: 'clip' });
    content = `/workspace/${ws}/table/${tableId}/content`;
    image = await upload(ws, new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'cover.png', { type: 'image', access: 'public' });
    privateDoc = await upload(ws, new Blob(['the minutes'], { type: 'text/plain' }), 'minutes.txt', { access: 'private' });
    foreign = await upload(otherWs, new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'theirs.png', { type: 'image' });
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('stores a library file given as the upload answer, {id} or {path}; reads answer the library metadata with a working url', async () => {
    const created = await api.ok('POST', content, { title: 'a', cover: image, files: [{ id: privateDoc.id }, { path: image.path, meta: { caption: 'again' } }] });
    expect(created.cover).toEqual({ id: image.id, path: image.path, name: 'cover.png', size: PNG.length, type: 'image', mime: 'image/png', access: 'public', url: image.url });
    expect(created.files[0]).toMatchObject({ id: privateDoc.id, name: 'minutes.txt', mime: 'text/plain', access: 'private', url: expect.stringMatching(/\?expires=\d+&verify=/) });
    expect(created.files[1]).toMatchObject({ id: image.id, meta: { caption: 'again' } });
    const read = await api.ok('GET', `${content}/${created.id}`);
    const cover = await fetchBytes(read.cover.url);
    expect(cover.status).toBe(200);
    expect(cover.bytes.equals(PNG)).toBe(true);
    const minutes = await fetchBytes(read.files[0].url);
    expect(minutes.status).toBe(200);
    expect(minutes.bytes.toString()).toBe('the minutes');
    const page = await api.ok('GET', content);
    expect(page.items.find((r: { id: number }) => r.id === created.id).cover.url).toBe(image.url);
    // Whatever else the client claims about the file is replaced by the library's own metadata.
    const updated = await api.ok('PUT', `${content}/${created.id}`, { cover: { ...image, name: 'renamed.png', size: 1 } });
    expect(updated.cover).toMatchObject({ name: 'cover.png', size: PNG.length });
  });

  it('refuses a file of another workspace, an unknown id or path, and a type the column does not take', async () => {
    expectXanoError(await api.call('POST', content, { cover: { id: foreign.id } }), 400, 'cover');
    expectXanoError(await api.call('POST', content, { cover: foreign }), 400, 'cover');
    expectXanoError(await api.call('POST', content, { cover: { id: 999_999 } }), 400, 'cover');
    expectXanoError(await api.call('POST', content, { cover: { path: '/vault/nothing/here.png' } }), 400, 'cover');
    // An id and a path that name different files.
    expectXanoError(await api.call('POST', content, { cover: { id: image.id, path: privateDoc.path } }), 400, 'cover');
    const wrongType = await api.call('POST', content, { cover: { id: privateDoc.id } });
    expectXanoError(wrongType, 400, 'cover');
    expect(wrongType.body.message).toMatch(/text\/plain, not an image/);
    expectXanoError(await api.call('POST', content, { clip: { id: image.id } }), 400, 'clip');
    expectXanoError(await api.call('POST', content, { files: [{ id: privateDoc.id }, { id: 999_999 }] }), 400, 'files.1');
  });

  it('a file in use cannot be deleted (409 naming the records, as Xano input errors); once unused it can', async () => {
    const doc = await upload(ws, new Blob(['in use']), 'in-use.txt');
    const rec = await api.ok('POST', content, { title: 'uses it', files: [{ id: doc.id }] });
    const refused = await api.call('DELETE', `/workspace/${ws}/file/${doc.id}`);
    expectXanoError(refused, 400, 'file_id');
    expect(refused.body.message).toContain(`posts/${rec.id}.files`);
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/file/bulk_delete`, { ids: [doc.id] }), 400, 'file_id');
    expect((await fetchBytes(doc.url)).status).toBe(200);
    await api.ok('PUT', `${content}/${rec.id}`, { files: [] });
    expect((await api.call('DELETE', `/workspace/${ws}/file/${doc.id}`)).status).toBe(200);
    expect((await fetchBytes(doc.url)).status).toBe(404);
  });

  it('files gc counts record references to library files and reports references to files that are gone', async () => {
    const before = await collectGarbage(s.strata, { graceMs: 0, dryRun: true });
    expect(before.libraryReferences).toBeGreaterThanOrEqual(3);
    expect(before.missingLibraryFiles).toEqual([]);
    // A library row removed behind the API's back (as a crash or a racing delete could): reported, not hidden.
    const doc = await upload(ws, new Blob(['soon gone']), 'gone.txt');
    const rec = await api.ok('POST', content, { files: [{ id: doc.id }] });
    const db = (await s.strata.workspaces.get(ws)).database.id;
    await s.strata.storage.system.deleteWorkspaceFiles(db, [doc.id]);
    const after = await collectGarbage(s.strata, { graceMs: 0 });
    expect(after.missingLibraryFiles).toEqual([{ db: 'media', branch: 'main', table: 'posts', record: String(rec.id), fileId: doc.id }]);
    // The library blobs still referenced survive gc.
    expect((await fetchBytes(image.url)).status).toBe(200);
  });
});
