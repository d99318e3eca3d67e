import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { engineCatalog, type EngineCatalog } from '../support/engine-indexes.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * The requests third-party Xano tools send, replayed byte for byte (method, path, query,
 * headers, body) from their sources, against a real Strata on both engines:
 *  - Xano's CLI (@xano/cli, xano-inc/cli): src/lib/api-client.ts sends `accept` and
 *    `Content-Type: application/json` on every call; `history request list` GETs
 *    `request_history?page&per_page`, `history request search` POSTs flat
 *    `{method, status, path, start_date, end_date}`; `profile me` GETs /auth/me and prints
 *    extras.instance.{id, name, display}.
 *  - The community CLI (@deligopl/xano-cli, kobylinski/xano-cli): src/lib/api/workspace.ts
 *    browses `request_history?branch=<profile branch, v1>&per_page&api_id&query_id&include_output`
 *    and searches with the same query string and a body `{filter: {"created_at|>|": ts, status}, sort}`;
 *    src/commands/history/index.ts prints `new URL(item.uri).pathname`, item.branch, input_size, output_size.
 *  - The S-2025 body (the Python MCP server's `xano_search_request_history`: `{page, per_page,
 *    search: [], sort, branch_id, api_id, query_id}`) and S-2026's example body.
 */
const PUBLIC = 'https://data.example.com/strata';
type Headers = Record<string, string>;

describeEachEngine('Metadata API: third-party Xano tools', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let v1Id: number;
  let devId: number;
  let since: number;
  let notes: number;
  const closers: EngineCatalog[] = [];
  const xanoCli = (): Headers => ({ accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` });
  const kobCli = (body: boolean): Headers => ({ accept: 'application/json', Authorization: `Bearer ${s.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) });
  /** One request exactly as a tool sends it (no header the test client would add). */
  const replay = async (method: string, path: string, headers: Headers, body?: unknown) => {
    const res = await fetch(`${s.url}/api:meta${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    s = await startStrata(engine, { instanceName: 'tools-eu', access: { publicUrl: PUBLIC, display: 'Tools (EU)' } });
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'toolsws' })).id;
    notes = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'notes', schema: [{ name: 'id', type: 'int' }, { name: 'title', type: 'text' }] })).id;
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'test' });
    await api.ok('POST', `/workspace/${ws}/branch`, { label: 'dev' });
    const branches = await s.strata.xanoBranches.list(ws);
    v1Id = branches.find((b) => b.label === 'v1')!.branchId;
    devId = branches.find((b) => b.label === 'dev')!.branchId;
    since = Date.now();
    // Traffic on each place: v1 live (Xano's CLI table list), v1's data source `test`, branch dev.
    expect((await replay('GET', `/workspace/${ws}/table?page=1&per_page=50&search=&sort=name&order=asc&include_xanoscript=false`, xanoCli())).status).toBe(200);
    expect((await replay('GET', `/workspace/${ws}/table/${notes}/content?page=1&per_page=50`, { ...kobCli(false), 'x-data-source': 'test' })).status).toBe(200);
    expect((await replay('GET', `/workspace/${ws}/table?branch=dev&page=1&per_page=50`, kobCli(false))).status).toBe(200);
    expect((await replay('GET', `/workspace/${ws}/table/999`, xanoCli())).status).toBe(404);
    await s.strata.history.recorder.flush();
  });
  afterAll(async () => {
    for (const c of closers) await c.close();
    await s?.close();
  });

  interface Entry { uri: string; branch: string; branch_id: number; datasource: string; status: number; verb: string; request_headers: string[] }
  const since$ = () => ({ 'created_at|>=': since });

  it('request history: each tool\'s request answers the documented item, filtered by the Xano branch label or id', async () => {
    const scenarios: Array<{ name: string; method: string; path: string; headers: Headers; body?: unknown; expect: (items: Entry[]) => void }> = [
      {
        name: 'kobylinski browse, branch=v1 (the label GET /workspace reports)', method: 'GET',
        path: `/workspace/${ws}/request_history?branch=v1&per_page=50&include_output=true`, headers: kobCli(false),
        expect: (items) => {
          const mine = items.filter((e) => e.verb === 'GET' && e.uri.includes('/table'));
          expect(mine.map((e) => [new URL(e.uri).pathname, e.branch, e.branch_id, e.datasource, e.status])).toEqual([
            [`/strata/api:meta/workspace/${ws}/table/999`, 'v1', v1Id, 'live', 404],
            [`/strata/api:meta/workspace/${ws}/table/${notes}/content`, 'v1', v1Id, 'test', 200],
            [`/strata/api:meta/workspace/${ws}/table`, 'v1', v1Id, 'live', 200],
          ]);
        },
      },
      {
        name: 'kobylinski browse, branch=dev', method: 'GET', path: `/workspace/${ws}/request_history?branch=dev&per_page=50`, headers: kobCli(false),
        expect: (items) => expect(items.map((e) => [e.uri, e.branch, e.branch_id, e.datasource])).toEqual([
          [`${PUBLIC}/api:meta/workspace/${ws}/table?branch=dev&page=1&per_page=50`, 'dev', devId, 'live'],
        ]),
      },
      {
        name: 'kobylinski browse of one endpoint (query_id): Strata has none', method: 'GET',
        path: `/workspace/${ws}/request_history?branch=v1&per_page=50&query_id=12&include_output=true`, headers: kobCli(false),
        expect: (items) => expect(items).toEqual([]),
      },
      {
        name: 'Xano CLI history request list (every branch)', method: 'GET', path: `/workspace/${ws}/request_history?page=1&per_page=50`, headers: xanoCli(),
        expect: (items) => expect(new Set(items.filter((e) => e.verb === 'GET').map((e) => e.branch))).toEqual(new Set(['v1', 'dev'])),
      },
      {
        name: 'Xano CLI history request search (flat filters)', method: 'POST', path: `/workspace/${ws}/request_history/search`, headers: xanoCli(),
        body: { method: 'get', status: 404, path: '/table/999', start_date: new Date(since - 86_400_000).toISOString().slice(0, 10) },
        expect: (items) => expect(items.map((e) => [e.verb, e.status, new URL(e.uri).pathname])).toEqual([['GET', 404, `/strata/api:meta/workspace/${ws}/table/999`]]),
      },
      {
        name: 'kobylinski search: query string + {filter, sort}', method: 'POST', path: `/workspace/${ws}/request_history/search?branch=v1&per_page=50`, headers: kobCli(true),
        body: { filter: { 'created_at|>|': since - 1, status: 200 }, sort: { created_at: 'asc' } },
        expect: (items) => expect(items.map((e) => [new URL(e.uri).pathname, e.datasource])).toEqual([
          [`/strata/api:meta/workspace/${ws}/table`, 'live'], [`/strata/api:meta/workspace/${ws}/table/${notes}/content`, 'test'],
        ]),
      },
      {
        name: 'S-2025 search body with branch_id (dev)', method: 'POST', path: `/workspace/${ws}/request_history/search`, headers: xanoCli(),
        body: { page: 1, per_page: 50, search: [since$()], sort: { created_at: 'desc' }, branch_id: devId },
        expect: (items) => expect(items.map((e) => e.branch)).toEqual(['dev']),
      },
      {
        name: 'S-2025 search body with an unknown branch_id', method: 'POST', path: `/workspace/${ws}/request_history/search`, headers: xanoCli(),
        body: { page: 1, per_page: 50, search: [], branch_id: 987654 }, expect: (items) => expect(items).toEqual([]),
      },
      {
        name: 'S-2026 example body (nulls)', method: 'POST', path: `/workspace/${ws}/request_history/search`, headers: xanoCli(),
        body: { page: 1, per_page: 50, branch: null, apigroup_id: null, query_id: null, sort: { created_at: 'desc' }, search: [since$()] },
        expect: (items) => expect(items.filter((e) => e.uri.includes('/table'))).toHaveLength(4),
      },
    ];
    for (const sc of scenarios) {
      const res = await replay(sc.method, sc.path, sc.headers, sc.body);
      expect({ name: sc.name, status: res.status }).toEqual({ name: sc.name, status: 200 });
      expect(res.body).toMatchObject({ curPage: 1, prevPage: null });
      for (const item of res.body.items) {
        expect(item, sc.name).toMatchObject({
          id: expect.any(Number), created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/), duration: expect.any(Number),
          status: expect.any(Number), verb: expect.any(String), uri: expect.stringMatching(/^https:\/\/data\.example\.com\/strata\//), input: expect.any(Object),
          request_headers: expect.any(Array), response_headers: expect.any(Array), workspace_id: ws, branch_id: expect.any(Number), api_id: 0, query_id: 0,
          input_size: expect.any(Number), output_size: expect.any(Number),
        });
        expect(() => new URL(item.uri)).not.toThrow();
      }
      sc.expect(res.body.items);
    }
  });

  it('request history records only the headers the client sent (no x-data-source it did not send)', async () => {
    const page = await api.ok('POST', `/workspace/${ws}/request_history/search`, { search: [since$(), { 'uri|like': '/table' }], sort: { created_at: 'asc' } });
    const [list, content] = page.items as Entry[];
    expect(list!.request_headers.filter((h) => h.startsWith('x-data-source'))).toEqual([]);
    expect(list!.request_headers).toEqual(expect.arrayContaining(['accept: application/json', 'content-type: application/json', 'authorization: [redacted]']));
    expect(content!.request_headers).toContain('x-data-source: test');
  });

  it('request history refuses bad filters in the envelope', async () => {
    expectXanoError(await api.call('POST', `/workspace/${ws}/request_history/search`, { start_date: 'someday' }), 400, 'start_date');
    expectXanoError(await api.call('POST', `/workspace/${ws}/request_history/search`, { filter: { 'nope|=': 1 } }), 400, 'search.nope|=');
    expectXanoError(await api.call('GET', `/workspace/${ws}/request_history?query_id=-1`), 400, 'query_id');
    expectXanoError(await api.call('GET', '/workspace/987654/request_history?branch=v1'), 404);
  });

  it('/auth/me carries the instance Xano\'s CLI prints (`xano profile me`)', async () => {
    const me = await replay('GET', '/auth/me', { accept: 'application/json', Authorization: `Bearer ${s.token}` });
    expect(me.status).toBe(200);
    const [instance] = (await api.ok('GET', '/instance')) as Array<{ name: string; display: string; meta_api: string }>;
    expect(me.body.extras.instance).toEqual({
      id: 'tools-eu', name: 'tools-eu', display: 'Tools (EU)', domain: 'data.example.com', meta_api: `${PUBLIC}/api:meta`,
      membership: { role: 'admin', workspace: { id: expect.any(Array) } },
    });
    expect([instance!.name, instance!.display, instance!.meta_api]).toEqual(['tools-eu', 'Tools (EU)', me.body.extras.instance.meta_api]);
  });

  it('index type gin: a real GIN index on PostgreSQL (json, text list), refused on SQLite naming the types it builds', async () => {
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'docs', schema: [
      { name: 'id', type: 'int' }, { name: 'meta', type: 'json' }, { name: 'tags', type: 'text', style: 'list' }, { name: 'title', type: 'text' },
    ] })).id as number;
    const base = `/workspace/${ws}/table/${table}/index`;
    const gin = [{ type: 'gin', fields: [{ name: 'meta', op: 'jsonb_path_ops' }] }, { type: 'gin', fields: [{ name: 'tags' }] }];
    // Refused everywhere: a column with nothing to invert, an operator class that does not fit.
    expectXanoError(await api.call('PUT', base, { index: [{ type: 'gin', fields: [{ name: 'title' }] }] }), 400, 'index.0.fields.0.name', /gin index covers a json column or a list column/);
    expectXanoError(await api.call('PUT', base, { index: [{ type: 'gin', fields: [{ name: 'tags', op: 'jsonb_ops' }] }] }), 400, 'index.0.fields.0.op', /array_ops/);
    const put = await api.call('PUT', base, { index: gin });
    const ctx = await s.strata.databases.resolve('toolsws', 'main');
    const catalog = await engineCatalog(s.config, ctx.branch.id);
    closers.push(catalog);
    if (engine.name === 'sqlite') {
      expectXanoError(put, 400, 'type', /^SQLite: gin indexes are not available .*btree, unique and search/);
      expect(await api.ok('GET', base)).toEqual([{ id: 'primary', type: 'primary', fields: [{ name: 'id', op: 'asc' }] }]);
      expect(await catalog.indexes('docs')).toEqual([]);
      return;
    }
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.slice(1)).toEqual([
      { id: expect.any(String), type: 'gin', fields: [{ name: 'meta', op: 'jsonb_path_ops' }] },
      { id: expect.any(String), type: 'gin', fields: [{ name: 'tags', op: 'array_ops' }] },
    ]);
    const real = (await catalog.indexes('docs')).map((ix) => ix.definition);
    expect(real).toEqual(expect.arrayContaining([expect.stringMatching(/USING gin \(meta jsonb_path_ops\)/), expect.stringMatching(/USING gin \(tags\)/)]));
    // The index serves the engine's containment operator.
    await api.ok('POST', `/workspace/${ws}/table/${table}/content`, { meta: { kind: 'a' }, tags: ['x', 'y'], title: 't' });
    expect(await api.ok('GET', base)).toEqual(put.body);
  });
});
