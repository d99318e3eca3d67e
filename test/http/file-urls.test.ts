import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * File URLs in every answer that shows a file: branch-wide search, bulk inserts and
 * transactions with columns, expanded links (one level and two), reverse links, vector
 * search. Each URL is fetched: a public one serves the bytes, a signed one too.
 */
const BRANCH = '/db/urls:main';
const data = (table: string) => `${BRANCH}/tables/${table}/data`;

interface FileOut { url: string; signedUrl: string; id?: string }

async function bytesAt(url: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

describeEachEngine('file URLs in every answer', (engine) => {
  let s: RunningStrata;
  const PUBLIC = randomBytes(300);
  const PRIVATE = Buffer.from('private words');
  const inputFiles = () => ({
    cover: { name: 'cover.bin', mediaType: 'application/octet-stream', base64Content: PUBLIC.toString('base64'), enablePublicUrl: true },
    attachments: [{ name: 'secret.txt', mediaType: 'text/plain', base64Content: PRIVATE.toString('base64') }],
  });

  /** Both files of a `docs` record answer: the public one's url and signedUrl serve it, the private one's signedUrl only. */
  async function expectWorkingUrls(record: { cover: FileOut; attachments: FileOut[] }): Promise<void> {
    expect(record.cover.url, JSON.stringify(record)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/file\/[0-9a-v]+$/);
    const pub = await bytesAt(record.cover.url);
    expect(pub.status).toBe(200);
    expect(pub.bytes.equals(PUBLIC)).toBe(true);
    const pubSigned = await bytesAt(record.cover.signedUrl);
    expect(pubSigned.status).toBe(200);
    expect(pubSigned.bytes.equals(PUBLIC)).toBe(true);
    const secret = record.attachments[0]!;
    expect(secret.url).toBe('');
    const signed = await bytesAt(secret.signedUrl);
    expect(signed.status).toBe(200);
    expect(signed.bytes.equals(PRIVATE)).toBe(true);
    // Without its signature the private file stays closed.
    expect((await bytesAt(secret.signedUrl.split('?')[0]!)).status).toBe(403);
  }

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/urls', { region: 'local' })).status).toBe(201);
    const docs = await s.request('PUT', `${BRANCH}/tables/docs`, { columns: [
      { name: 'title', type: 'string' }, { name: 'cover', type: 'file' }, { name: 'attachments', type: 'file[]' }, { name: 'vec', type: 'vector', vector: { dimension: 2 } },
    ] });
    expect(docs.status, JSON.stringify(docs.body)).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/notes`, { columns: [{ name: 'text', type: 'string' }, { name: 'doc', type: 'link', link: { table: 'docs' } }] })).status).toBe(201);
    expect((await s.request('PUT', `${BRANCH}/tables/pins`, { columns: [{ name: 'note', type: 'link', link: { table: 'notes' } }] })).status).toBe(201);
    const doc = await s.request('PUT', `${data('docs')}/d1`, { title: 'quarterly report', vec: [1, 0], ...inputFiles() });
    expect(doc.status, JSON.stringify(doc.body)).toBe(201);
    expect((await s.request('PUT', `${data('notes')}/n1`, { text: 'see the report', doc: 'd1' })).status).toBe(201);
    expect((await s.request('PUT', `${data('pins')}/p1`, { note: 'n1' })).status).toBe(201);
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  it('branch-wide search (POST /db/{b}/search) answers working URLs', async () => {
    const res = await s.request('POST', `${BRANCH}/search`, { query: 'quarterly', fuzziness: 0 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const hit = res.body.records.find((r: { id: string }) => r.id === 'd1');
    expect(hit).toBeDefined();
    await expectWorkingUrls(hit);
  });

  it('bulk insert with columns answers working URLs', async () => {
    const res = await s.request('POST', `${BRANCH}/tables/docs/bulk?columns=title,cover,attachments`, { records: [{ id: 'b1', title: 'bulk', ...inputFiles() }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectWorkingUrls(res.body.records[0]);
  });

  it('transaction results (insert with columns, get) answer working URLs', async () => {
    const res = await s.request('POST', `${BRANCH}/transaction`, { operations: [
      { insert: { table: 'docs', record: { id: 't1', title: 'tx', ...inputFiles() }, columns: ['cover', 'attachments'] } },
      { get: { table: 'docs', id: 'd1', columns: ['cover', 'attachments'] } },
    ] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectWorkingUrls(res.body.results[0].columns);
    await expectWorkingUrls(res.body.results[1].columns);
  });

  it('expanded links (GET, query, two levels deep) and reverse links answer working URLs of the linked record', async () => {
    const one = await s.request('GET', `${data('notes')}/n1?columns=text,doc.*`);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    await expectWorkingUrls(one.body.doc);
    const query = await s.request('POST', `${BRANCH}/tables/notes/query`, { columns: ['doc.cover', 'doc.attachments'] });
    await expectWorkingUrls(query.body.records[0].doc);
    const deep = await s.request('GET', `${data('pins')}/p1?columns=note.doc.*`);
    expect(deep.status, JSON.stringify(deep.body)).toBe(200);
    await expectWorkingUrls(deep.body.note.doc);
    const reverse = await s.request('POST', `${BRANCH}/tables/docs/query`, {
      filter: { id: 'd1' }, columns: ['title', { name: '<-notes.doc', as: 'notes', columns: ['text', 'doc.cover', 'doc.attachments'] }],
    });
    expect(reverse.status, JSON.stringify(reverse.body)).toBe(200);
    await expectWorkingUrls(reverse.body.records[0].notes.records[0].doc);
  });

  it('vector search answers working URLs', async () => {
    const res = await s.request('POST', `${BRANCH}/tables/docs/vectorSearch`, { queryVector: [1, 0], column: 'vec', size: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectWorkingUrls(res.body.records[0]);
  });

  it('a deleted record\'s answer carries no URLs (nothing is left to serve)', async () => {
    expect((await s.request('PUT', `${data('docs')}/gone`, { title: 'gone', ...inputFiles() })).status).toBe(201);
    const res = await s.request('DELETE', `${data('docs')}/gone?columns=cover`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cover).toMatchObject({ url: '', signedUrl: '' });
  });
});
