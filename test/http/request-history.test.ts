import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { DEFAULT_OPS } from '../../src/config-ops.js';
import { FULL_ACCESS, scopeBit } from '../../src/core/auth/scopes.js';

/** Request history over real HTTP: what is recorded, what never is, searching, retention, overload. */
const XANO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/;
const PASSWORD = 'correct-horse-battery-staple-9';
const FILE_BASE64 = Buffer.from('%PDF-1.7 '.repeat(80)).toString('base64');

describeEachEngine('request history', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let tokenId: string;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'hist' })).id;
    tokenId = (await s.strata.tokens.authenticate(s.token))!.token!.id;
    expect((await s.request('PUT', '/db/hist:main/tables/users', { columns: [
      { name: 'name', type: 'string' }, { name: 'password', type: 'string' }, { name: 'avatar', type: 'json' }, { name: 'note', type: 'text' },
    ] })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  const history = async (query = '') => {
    await s.strata.history.recorder.flush();
    return api.ok('GET', `/workspace/${ws}/request_history${query}`);
  };
  const search = async (body: unknown) => {
    await s.strata.history.recorder.flush();
    return api.ok('POST', `/workspace/${ws}/request_history/search`, body);
  };

  it('records a success, a client error and a server error with their details', async () => {
    const created = await s.request('POST', '/db/hist:main/tables/users/data?columns=name', { name: 'Ada' });
    expect(created.status).toBe(201);
    expect((await s.request('GET', '/db/hist:main/tables/users/data/rec_missing')).status).toBe(404);
    const original = s.strata.records.get;
    s.strata.records.get = async () => { throw new Error('disk on fire'); };
    try {
      expect((await s.request('GET', `/db/hist:main/tables/users/data/${created.body.id}`)).status).toBe(500);
    } finally {
      s.strata.records.get = original;
    }
    const page = await history('?per_page=3&include_output=true');
    expect(page).toMatchObject({ curPage: 1, prevPage: null, nextPage: expect.any(Number) });
    const [server, client, success] = page.items;
    expect(success).toEqual({
      id: expect.any(Number), created_at: expect.stringMatching(XANO_TIME), duration: expect.any(Number), status: 201, verb: 'POST',
      uri: `${s.url}/db/hist:main/tables/users/data?columns=name`, input: { columns: 'name', name: 'Ada' },
      request_headers: expect.arrayContaining(['authorization: [redacted]', 'content-type: application/json']),
      response_headers: expect.arrayContaining(['content-type: application/json; charset=utf-8', expect.stringMatching(/^x-request-id: req_/)]),
      workspace_id: ws, branch_id: (await s.strata.xanoBranches.list(ws))[0]!.branchId, api_id: 0, query_id: 0, branch: 'v1', datasource: 'live',
      input_size: JSON.stringify({ columns: 'name', name: 'Ada' }).length, output_size: expect.any(Number),
      token_id: tokenId, client_ip: '127.0.0.1', response_size: expect.any(Number),
      output: { id: created.body.id, name: 'Ada', xata: expect.any(Object) },
    });
    expect(success.duration).toBeGreaterThan(0);
    expect(success.duration).toBeLessThan(30);
    expect(success.response_size).toBe(JSON.stringify(created.body).length);
    expect(success.output_size).toBe(success.response_size);
    expect(client).toMatchObject({ status: 404, verb: 'GET', uri: `${s.url}/db/hist:main/tables/users/data/rec_missing`, output: { message: expect.stringContaining('not found') } });
    expect(server).toMatchObject({ status: 500, verb: 'GET', token_id: tokenId });
    // Output only when asked for.
    expect((await history('?per_page=1')).items[0]).not.toHaveProperty('output');
  });

  it('never stores a token, a password or a file\'s base64, in input, headers or output', async () => {
    const other = await s.createToken(FULL_ACCESS);
    const body = { name: 'Grace', password: PASSWORD, note: `my token is ${other}`, avatar: { name: 'cv.pdf', base64Content: FILE_BASE64 } };
    const r = await s.request('POST', '/db/hist:main/tables/users/data', body, { authorization: `Bearer ${other}`, cookie: `session=${other}` });
    expect(r.status).toBe(201);
    await s.request('PATCH', `/db/hist:main/tables/users/data/${r.body.id}`, { note: other, avatar: { raw: FILE_BASE64 } }, { authorization: `Bearer ${other}` });
    await s.request('POST', '/db/hist:main/tables/users/data', { name: 'x', password: PASSWORD, bogus: 1 }); // a 400 echoes nothing secret either
    await s.request('GET', `/db/hist:main/tables/users/data/${r.body.id}`, undefined, { authorization: `Bearer ${other}` }); // the output holds the base64
    await s.request('GET', '/db/hist:main/tables/users/data/x', undefined, { authorization: `Bearer ${other}x` }); // a bad token: 401
    await s.strata.history.recorder.flush();
    const stored = JSON.stringify(await s.strata.storage.history.search({ workspaceId: ws, where: [], sort: [], offset: 0, limit: 1000, includeOutput: true }));
    expect(stored).toContain('Grace'); // the entries are there…
    expect(stored).toContain('[redacted');
    for (const secret of [other, other.slice(4), s.token, PASSWORD, FILE_BASE64, FILE_BASE64.slice(0, 64)]) expect(stored).not.toContain(secret);
    const entry = (await search({ search: [{ 'verb': 'POST' }, { 'status': 201 }], per_page: 1 })).items[0];
    expect(entry.input).toMatchObject({ name: 'Grace', password: '[redacted]', note: 'my token is [redacted]', avatar: { name: 'cv.pdf', base64Content: '[redacted]' } });
  });

  it('filters by time, status, verb, path, duration and token, sorts, and pages', async () => {
    const reader = await s.createToken(scopeBit('content', 'read') | scopeBit('history', 'read'));
    const readerId = (await s.strata.tokens.authenticate(reader))!.token!.id;
    const since = Date.now();
    for (let i = 0; i < 3; i++) await s.request('GET', `/db/hist:main/tables/users/data/nope${i}`, undefined, { authorization: `Bearer ${reader}` });
    await s.request('GET', '/db/hist:main/tables/users/schema');
    const byToken = await history(`?token_id=${readerId}`);
    expect(byToken.items.map((e: any) => e.uri)).toEqual(['nope2', 'nope1', 'nope0'].map((id) => `${s.url}/db/hist:main/tables/users/data/${id}`));
    expect((await history(`?token_id=${readerId}&order=asc&per_page=2`)).items.map((e: any) => e.uri.slice(-5))).toEqual(['nope0', 'nope1']);
    const second = await history(`?token_id=${readerId}&order=asc&per_page=2&page=2`);
    expect([second.curPage, second.prevPage, second.nextPage, second.items.length]).toEqual([2, 1, null, 1]);
    expect((await history(`?from=${since}&status=404`)).items).toHaveLength(3);
    expect((await history(`?from=${since}&path=/schema&verb=get`)).items.map((e: any) => e.status)).toEqual([200]);
    expect((await history(`?to=${since - 60_000}`)).items).toEqual([]);
    expect((await history(`?from=${since}&min_duration=3600`)).items).toEqual([]);
    expect((await history(`?from=${since}&max_duration=3600&status_min=200&status_max=299`)).items.map((e: any) => e.uri)).toEqual([`${s.url}/db/hist:main/tables/users/schema`]);

    const found = await search({ search: [{ 'created_at|>=': since }, { 'status|in': [404, 500] }, { 'uri|like': 'nope' }], sort: { created_at: 'asc' } });
    expect(found.items.map((e: any) => e.uri.slice(-5))).toEqual(['nope0', 'nope1', 'nope2']);
    expect((await search({ search: { 'token_id': readerId, 'duration|<': 3600, 'status|!=': 404 } })).items).toEqual([]);
    expect((await search({ search: [{ 'created_at|>=': new Date(since).toISOString() }], sort: [{ status: 'asc' }, { id: 'desc' }] })).items[0].status).toBe(200);

    expectXanoError(await api.call('POST', `/workspace/${ws}/request_history/search`, { search: [{ 'secret|=': 1 }] }), 400, 'search.secret|=');
    expectXanoError(await api.call('POST', `/workspace/${ws}/request_history/search`, { search: [{ 'status|>|or': 1 }] }), 400);
    expectXanoError(await api.call('GET', '/workspace/999999/request_history'), 404);
    // The Request History Read scope: a content-only token is refused; a history reader is served.
    const contentOnly = await s.createToken(scopeBit('content', 'read'));
    expectXanoError(await api.call('GET', `/workspace/${ws}/request_history`, undefined, { authorization: `Bearer ${contentOnly}` }), 403);
    expect((await api.call('GET', `/workspace/${ws}/request_history`, undefined, { authorization: `Bearer ${reader}` })).status).toBe(200);
  });

  it('applies retention by age and by count per workspace', async () => {
    const other = (await api.ok('POST', '/workspace', { name: 'hist_retention' })).id;
    const now = Date.now();
    const row = (workspaceId: number, createdAt: number) => ({
      workspaceId, createdAt, durationMs: 1, status: 200, verb: 'GET', uri: '/x', branch: 'main', tokenId: null, clientIp: null,
      input: null, requestHeaders: '[]', responseHeaders: '[]', responseSize: 0, output: null,
    });
    await s.strata.storage.history.insert([
      ...Array.from({ length: 5 }, (_, i) => row(other, now - 10 * 86_400_000 + i)), // ten days old
      ...Array.from({ length: 30 }, (_, i) => row(other, now - 1000 + i)),
    ]);
    const config = s.strata.history.recorder.config;
    const saved = { ...config };
    try {
      Object.assign(config, { retentionHours: 24 * 7, maxEntriesPerWorkspace: 20 });
      const before = (await s.strata.history.search({ workspaceId: ws, where: [], sort: [], offset: 0, limit: 10_000, includeOutput: false })).length;
      expect(await s.strata.history.prune(now)).toBe(15);
      const left = await s.strata.history.search({ workspaceId: other, where: [], sort: [{ field: 'created_at', desc: false }], offset: 0, limit: 100, includeOutput: false });
      expect(left.map((e) => e.createdAt)).toEqual(Array.from({ length: 20 }, (_, i) => now - 1000 + 10 + i)); // the newest 20
      // The other workspace was under both limits: untouched.
      expect((await s.strata.history.search({ workspaceId: ws, where: [], sort: [], offset: 0, limit: 10_000, includeOutput: false })).length).toBe(before);
    } finally {
      Object.assign(config, saved);
    }
  });
});

describeEachEngine('request history under overload', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => {
    // A queue of 5 and no flush until asked: the sixth request onwards finds it full.
    s = await startStrata(engine, { ops: { ...DEFAULT_OPS, history: { ...DEFAULT_OPS.history, queueSize: 5 } }, historyTiming: { flushIntervalMs: 3_600_000, batchSize: 1000 } });
  });
  afterAll(async () => { await s?.close(); });

  it('drops and counts entries beyond the queue instead of failing or slowing requests', async () => {
    expect((await s.request('PUT', '/workspaces/local/dbs/busy', {})).status).toBe(201);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => s.request('GET', '/db/busy:main')));
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    const stats = s.strata.history.recorder.stats;
    expect(stats.queued).toBe(5);
    expect(stats.dropped).toBe(36); // 41 requests, 5 kept
    await s.strata.history.recorder.flush();
    expect(stats).toMatchObject({ queued: 0, written: 5, failed: 0 });
    const id = (await s.strata.databases.get('busy')).id;
    expect(await s.strata.history.search({ workspaceId: id, where: [], sort: [], offset: 0, limit: 100, includeOutput: false })).toHaveLength(5);
  });
});
