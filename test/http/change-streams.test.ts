import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { openSse, type SseStream } from '../support/sse.js';
import { DEFAULT_OPS } from '../../src/config-ops.js';
import { scopeBit } from '../../src/core/auth/scopes.js';

/** Live change streams over real HTTP (SSE): every write path, order, resume, access, slow readers. */
describeEachEngine('change streams', (engine) => {
  let s: RunningStrata;
  const streams: SseStream[] = [];
  const open = async (path: string, headers: Record<string, string> = {}, token?: string) => {
    const stream = await openSse(s.url + path, token ?? s.token, headers);
    streams.push(stream);
    return stream;
  };
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { ...DEFAULT_OPS, changes: { retain: 50, heartbeatMs: 60_000 } } });
    expect((await s.request('PUT', '/workspaces/local/dbs/live', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/live:main/tables/posts', { columns: [{ name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'at', type: 'datetime' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/live:main/tables/tags', { columns: [{ name: 'label', type: 'string' }] })).status).toBe(201);
  });
  afterAll(async () => { for (const st of streams) st.close(); await s?.close(); });

  it('streams inserts, updates and deletes from every write path, in commit order, per table and per branch', async () => {
    const posts = await open('/db/live:main/tables/posts/changes');
    const branch = await open('/db/live:main/changes');
    const created = await s.request('POST', '/db/live:main/tables/posts/data', { title: 'one', at: '2024-05-01T10:00:00Z' });
    await s.request('POST', '/db/live:main/tables/tags/data', { label: 'news' });
    await s.request('PATCH', `/db/live:main/tables/posts/data/${created.body.id}`, { title: 'one, edited' });
    const bulk = await s.request('POST', '/db/live:main/tables/posts/bulk', { records: [{ title: 'b1' }, { title: 'b2' }] });
    expect(bulk.status).toBe(200);
    const tx = await s.request('POST', '/db/live:main/transaction', { operations: [
      { insert: { table: 'posts', record: { id: 'p_tx', title: 'in a transaction' } } },
      { update: { table: 'posts', id: 'p_tx', fields: { title: 'updated in it' } } },
      { delete: { table: 'posts', id: created.body.id } },
    ] });
    expect(tx.status).toBe(200);
    const events = await posts.waitFor(7);
    expect(events.map((e) => [e.event, e.data.record?.title ?? null])).toEqual([
      ['insert', 'one'], ['update', 'one, edited'], ['insert', 'b1'], ['insert', 'b2'],
      ['insert', 'in a transaction'], ['update', 'updated in it'], ['delete', null],
    ]);
    expect(events[0]!.data).toEqual({
      seq: expect.any(Number), op: 'insert', table: 'posts', id: created.body.id, version: 0, at: expect.stringMatching(/Z$/),
      record: { id: created.body.id, title: 'one', at: '2024-05-01T10:00:00.000Z', xata: expect.objectContaining({ version: 0 }) },
    });
    expect(events[1]!.data).toMatchObject({ op: 'update', version: 1 });
    expect(events[6]!.data).toMatchObject({ op: 'delete', id: created.body.id, version: null, record: null });
    // Ids are the branch's sequence numbers: increasing, one per change, the tags insert in between.
    const all = await branch.waitFor(8);
    const seqs = all.map((e) => Number(e.id));
    expect(seqs).toEqual(Array.from({ length: 8 }, (_, i) => seqs[0]! + i));
    expect(all[1]!.data).toMatchObject({ table: 'tags', op: 'insert', record: { label: 'news' } });
    expect(events.map((e) => Number(e.id))).toEqual(seqs.filter((_, i) => i !== 1));
    // The Metadata API's stream of the same table (by its id) sees the next write too.
    const ws = (await s.strata.databases.get('live')).id;
    const meta = await open(`/api:meta/workspace/${ws}/table/1/changes`);
    await s.request('PUT', '/db/live:main/tables/posts/data/p_meta', { title: 'via PUT' });
    expect((await meta.waitFor(1))[0]!.data).toMatchObject({ op: 'insert', id: 'p_meta', record: { title: 'via PUT' } });
  });

  it('the Metadata API\'s content writes (single, bulk, search/patch) reach the same streams', async () => {
    const ws = (await s.request('POST', '/api:meta/workspace', { name: 'metalive' })).body.id;
    const table = (await s.request('POST', `/api:meta/workspace/${ws}/table`, { name: 'notes', schema: [{ name: 'text', type: 'text' }] })).body.id;
    const stream = await open('/db/metalive:main/tables/notes/changes');
    const base = `/api:meta/workspace/${ws}/table/${table}`;
    expect((await s.request('POST', `${base}/content`, { text: 'one' })).status).toBe(200);
    expect((await s.request('POST', `${base}/content/bulk`, { items: [{ text: 'two' }, { text: 'three' }] })).status).toBe(200);
    expect((await s.request('POST', `${base}/content/search/patch`, { search: { 'text|=': 'two' }, updates: { text: 'TWO' } })).status).toBe(200);
    const events = await stream.waitFor(4);
    expect(events.map((e) => [e.data.op, e.data.record?.text])).toEqual([['insert', 'one'], ['insert', 'two'], ['insert', 'three'], ['update', 'TWO']]);
  });

  it('emits nothing for a rolled-back transaction, and resumes after a reconnect with Last-Event-ID', async () => {
    const first = await open('/db/live:main/tables/tags/changes');
    await s.request('POST', '/db/live:main/tables/tags/data', { id: 't1', label: 'a' });
    const [seen] = await first.waitFor(1);
    const failed = await s.request('POST', '/db/live:main/transaction', { operations: [
      { insert: { table: 'tags', record: { id: 'ghost', label: 'never' } } },
      { update: { table: 'tags', id: 'no-such-tag', fields: { label: 'x' } } },
    ] });
    expect(failed.status).toBe(400);
    first.close();
    for (const label of ['b', 'c', 'd']) await s.request('POST', '/db/live:main/tables/tags/data', { label });
    const resumed = await open('/db/live:main/tables/tags/changes', { 'last-event-id': seen!.id! });
    const missed = await resumed.waitFor(3);
    expect(missed.map((e) => e.data.record.label)).toEqual(['b', 'c', 'd']);
    expect(Number(missed[0]!.id)).toBe(Number(seen!.id) + 1); // the rolled-back insert took no number
    await s.request('POST', '/db/live:main/tables/tags/data', { label: 'e' });
    expect((await resumed.waitFor(4))[3]!.data.record.label).toBe('e');
    // A resume point older than the window (retain 50) says so, then continues from what is kept.
    for (let i = 0; i < 12; i++) await s.request('POST', '/db/live:main/tables/tags/bulk', { records: Array.from({ length: 10 }, (_, k) => ({ label: `g${i}-${k}` })) });
    const old = await open('/db/live:main/tables/tags/changes', { 'last-event-id': '0' });
    await old.waitFor(2);
    expect(old.events[0]!.event).toBe('gap');
    expect(old.events[0]!.data.after).toBe(0);
  });

  it('refuses a token without content:read, an unknown table and a bad Last-Event-ID', async () => {
    const noRead = await s.createToken(scopeBit('content', 'create'));
    expect((await fetch(`${s.url}/db/live:main/changes`, { headers: { authorization: `Bearer ${noRead}` } })).status).toBe(403);
    expect((await fetch(`${s.url}/db/live:main/changes`)).status).toBe(401);
    expect((await s.request('GET', '/db/live:main/tables/nope/changes')).status).toBe(404);
    expect((await s.request('GET', '/db/live:main/changes', undefined, { 'last-event-id': 'abc' })).status).toBe(400);
  });

  it('a console session (cookie, no token) opens a stream, as the browser\'s EventSource does', async () => {
    const login = await s.request('POST', '/api:meta/auth/login', { email: 'owner@test.local', password: 'owner-password' }, { authorization: '' });
    const cookie = /strata_session=[^;]*/.exec(login.headers.getSetCookie().join('\n'))![0];
    const stream = await open('/db/live:main/tables/tags/changes', { cookie }, '');
    expect(stream.status).toBe(200);
    await s.request('POST', '/db/live:main/tables/tags/data', { label: 'seen by the console' });
    expect((await stream.waitFor(1))[0]!.data).toMatchObject({ op: 'insert', record: { label: 'seen by the console' } });
  });
});

describeEachEngine('change streams: slow subscribers', (engine) => {
  let s: RunningStrata;
  const streams: SseStream[] = [];
  const open = async (path: string) => {
    const stream = await openSse(s.url + path, s.token);
    streams.push(stream);
    return stream;
  };
  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/live', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/live:main/tables/posts', { columns: [{ name: 'title', type: 'string' }, { name: 'body', type: 'text' }] })).status).toBe(201);
  });
  afterAll(async () => { for (const st of streams) st.close(); await s?.close(); });

  it('a subscriber that stops reading neither blocks writers nor loses events', async () => {
    const slow = await open('/db/live:main/tables/posts/changes');
    const fast = await open('/db/live:main/tables/posts/changes');
    slow.pause();
    const body = 'x'.repeat(16_000); // 16 MB in all: more than the socket buffers hold
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const r = await s.request('POST', '/db/live:main/tables/posts/bulk', { records: Array.from({ length: 50 }, (_, k) => ({ title: `s${i * 50 + k}`, body })) });
      expect(r.status).toBe(200);
    }
    const writing = Date.now() - started;
    await fast.waitFor(1000, 30_000); // the fast reader has everything while the slow one is paused
    expect(slow.events.length).toBeLessThan(1000);
    slow.resume();
    const all = await slow.waitFor(1000, 30_000);
    expect(all.map((e) => e.data.record.title)).toEqual(Array.from({ length: 1000 }, (_, i) => `s${i}`));
    const seqs = all.map((e) => Number(e.id));
    expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1)).toBe(true);
    expect(writing).toBeLessThan(60_000);
    // It did fall behind (its connection's buffer filled) and caught up from the log.
    expect(s.strata.changes.stats.fellBehind).toBeGreaterThan(0);
  });
});
