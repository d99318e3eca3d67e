import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { blobCount, startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * STRATA_WORKSPACE_QUOTA_BYTES: the bytes of a workspace's files (library files and record
 * files, every data source) are bounded. An upload past the quota is refused in each face's
 * envelope (413 in the data API, an input error on `content` in the Metadata API) and leaves no
 * blob; deleting files frees their room; other workspaces have their own quota.
 */
const QUOTA = 1000;

describeEachEngine('workspace storage quota', (engine) => {
  let s: RunningStrata;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { workspaceQuotaBytes: QUOTA } });
    for (const name of ['qa', 'qb']) {
      ids[name] = (await s.request('POST', '/api:meta/workspace', { name })).body.id;
      expect((await s.request('PUT', `/db/${name}:main/tables/docs`, { columns: [{ name: 'doc', type: 'file' }] })).status).toBe(201);
    }
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  async function upload(ws: string, size: number) {
    const form = new FormData();
    form.append('content', new Blob(['x'.repeat(size)], { type: 'text/plain' }), `f${size}.txt`);
    const res = await fetch(`${s.url}/api:meta/workspace/${ids[ws]}/file`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    return { status: res.status, body: await res.json() as any };
  }
  const putBinary = async (ws: string, id: string, size: number) => {
    const res = await fetch(`${s.url}/db/${ws}:main/tables/docs/data/${id}/column/doc/file`, {
      method: 'PUT', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/plain' }, body: 'y'.repeat(size),
    });
    return { status: res.status, body: await res.json() as any };
  };
  const inline = (size: number) => ({ doc: { name: 'r.txt', mediaType: 'text/plain', base64Content: Buffer.from('z'.repeat(size)).toString('base64') } });

  it('counts library and record files per workspace, refuses what goes past it, and frees the room of deleted files', async () => {
    const lib = await upload('qa', 600);
    expect(lib.status, JSON.stringify(lib.body)).toBe(200);
    expect((await s.request('PUT', '/db/qa:main/tables/docs/data/r1', inline(300))).status).toBe(201);
    const blobs = await blobCount(s);

    // 900 of 1000 used: a 200-byte library upload, binary upload or inline file is refused, and leaves nothing.
    const over = await upload('qa', 200);
    expect(over).toEqual({ status: 400, body: { code: 'ERROR_CODE_INPUT_ERROR', message: `workspace qa is over its storage quota of ${QUOTA} bytes (900 used)`, payload: { param: 'content' } } });
    const binary = await putBinary('qa', 'r1', 200);
    expect(binary).toMatchObject({ status: 413, body: { message: `workspace qa is over its storage quota of ${QUOTA} bytes (900 used)` } });
    expect((await s.request('PUT', '/db/qa:main/tables/docs/data/r3', inline(200))).status).toBe(413);
    expect(await blobCount(s)).toBe(blobs);
    // What fits still goes in: r1's 300 bytes become 100 (the old blob counts until the write commits).
    expect((await putBinary('qa', 'r1', 100)).status).toBe(200);
    expect((await upload('qa', 301)).status).toBe(400);
    // The other workspace has its own room.
    expect((await upload('qb', 900)).status).toBe(200);

    // Deleting frees room: a library file, a record (its file goes once the delete commits).
    expect((await s.request('DELETE', `/api:meta/workspace/${ids.qa}/file/${lib.body.id}`)).status).toBe(200);
    expect((await upload('qa', 600)).status).toBe(200);
    expect((await s.request('DELETE', '/db/qa:main/tables/docs/data/r1')).status).toBe(200);
    expect((await upload('qa', 400)).status).toBe(200);
    expect((await upload('qa', 1)).status).toBe(400);
    // Deleting the workspace forgets its bytes with its blobs.
    expect((await s.request('DELETE', `/api:meta/workspace/${ids.qa}`)).status).toBe(200);
    expect(await s.strata.storage.system.blobUsage(ids.qa!)).toBe(0);
  });
});
