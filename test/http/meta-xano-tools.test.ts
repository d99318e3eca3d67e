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

  it('the landed issue-17 items, replayed as the tools send them (exact headers, query and body)', async () => {
    const k = kobCli(true);
    const x = xanoCli();
    const col = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, description: '', nullable: true, default: '', required: false, access: 'public', sensitive: false, style: 'single', ...extra });
    const t = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'landed' })).id as number;
    const schema = [col('id', 'int', { nullable: false, required: true }), col('zeta', 'text', { validators: { trim: true, lower: true } }),
      col('owner', 'int', { tableref_id: notes }), col('stage', 'enum', { values: [{ value: 'todo', label: 'To do' }, { value: 'done' }] }), col('alpha', 'bool')];
    const steps: Array<{ name: string; method: string; path: string; headers: Headers; body?: unknown; status?: number; check?: (body: any) => void }> = [
      // kobylinski/xano-cli src/lib/api/tables.ts replaceSchema / getSchema (`?branch=<profile branch>`).
      { name: 'kob PUT schema', method: 'PUT', path: `/workspace/${ws}/table/${t}/schema?branch=v1`, headers: k, body: { schema },
        check: (b) => expect(b).toEqual(schema) },
      { name: 'kob GET schema: order, reference, validators, enum labels', method: 'GET', path: `/workspace/${ws}/table/${t}/schema?branch=v1`, headers: kobCli(false),
        check: (b) => expect(b).toEqual(schema) },
      { name: 'kob content create: validators applied', method: 'POST', path: `/workspace/${ws}/table/${t}/content?branch=v1`, headers: k, body: { zeta: '  MiXed ', owner: null, stage: 'todo' },
        check: (b) => expect(b.zeta).toBe('mixed') },
      { name: 'kob content create: an enum label is no value', method: 'POST', path: `/workspace/${ws}/table/${t}/content?branch=v1`, headers: k, body: { stage: 'To do' }, status: 400 },
      // kobylinski/xano-cli src/lib/api/tables.ts addIndex: POST …/index with {fields, type}.
      { name: 'kob addIndex (POST …/index)', method: 'POST', path: `/workspace/${ws}/table/${t}/index?branch=v1`, headers: k, body: { fields: [{ name: 'zeta', op: 'asc' }], type: 'btree' },
        check: (b) => expect(b).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}$/) }) },
      { name: 'kob addIndex of the primary key', method: 'POST', path: `/workspace/${ws}/table/${t}/index?branch=v1`, headers: k, body: { fields: [{ name: 'id' }], type: 'primary' }, status: 400 },
      // xano-inc/cli src/commands/workspace/edit: PUT /workspace/{id} with the flags given.
      { name: 'Xano CLI workspace edit', method: 'PUT', path: `/workspace/${ws}`, headers: x, body: { swagger: false, documentation: { require_token: true } },
        check: (b) => expect(b).toMatchObject({ swagger: false, documentation: { require_token: true }, branch: 'v1' }) },
      { name: 'Xano CLI workspace edit, a value it cannot keep', method: 'PUT', path: `/workspace/${ws}`, headers: x, body: { swagger: 'yes' }, status: 400 },
      // xano-inc/cli src/commands/branch/*: create (label, source_branch, description, color), get, edit, set_live, delete.
      { name: 'Xano CLI branch create', method: 'POST', path: `/workspace/${ws}/branch`, headers: x, body: { label: 'feature', source_branch: 'v1', description: 'd', color: '#ebc346' },
        check: (b) => expect(b).toMatchObject({ label: 'feature', live: false, backup: false, description: 'd', color: '#ebc346' }) },
      { name: 'Xano CLI branch get', method: 'GET', path: `/workspace/${ws}/branch/feature`, headers: x, check: (b) => expect(b.label).toBe('feature') },
      { name: 'Xano CLI branch edit', method: 'PUT', path: `/workspace/${ws}/branch/feature`, headers: x, body: { label: 'feature2', description: 'e' },
        check: (b) => expect(b).toMatchObject({ label: 'feature2', description: 'e' }) },
      { name: 'Xano CLI branch set_live (no body)', method: 'POST', path: `/workspace/${ws}/branch/feature2/live`, headers: { accept: 'application/json', Authorization: `Bearer ${s.token}` },
        check: (b) => expect(b).toMatchObject({ label: 'feature2', live: true }) },
      { name: 'Xano CLI branch delete of the live branch', method: 'DELETE', path: `/workspace/${ws}/branch/feature2`, headers: x, status: 400 },
      { name: 'Xano CLI branch set_live v1', method: 'POST', path: `/workspace/${ws}/branch/v1/live`, headers: { accept: 'application/json', Authorization: `Bearer ${s.token}` } },
      // api-client.ts deleteBranch: DELETE with Content-Type: application/json and no body.
      { name: 'Xano CLI branch delete (Content-Type, no body)', method: 'DELETE', path: `/workspace/${ws}/branch/feature2`, headers: x, check: (b) => expect(b).toEqual({}) },
      // Builder lists: kobylinski's `?branch=&page=1&per_page=100&include_xanoscript=true`, Xano CLI's apigroup list query.
      { name: 'kob function list', method: 'GET', path: `/workspace/${ws}/function?branch=&page=1&per_page=100&include_xanoscript=true`, headers: kobCli(false),
        check: (b) => expect(b).toEqual({ curPage: 1, nextPage: null, prevPage: null, items: [] }) },
      { name: 'Xano CLI apigroup list', method: 'GET', path: `/workspace/${ws}/apigroup?page=1&per_page=50&search=&sort=created_at&order=desc&branch=&include_xanoscript=false`, headers: x,
        check: (b) => expect(b).toEqual({ curPage: 1, nextPage: null, prevPage: null, items: [] }) },
      { name: 'Xano CLI apigroup create', method: 'POST', path: `/workspace/${ws}/apigroup?branch=&include_xanoscript=false`, headers: x, body: { name: 'g' }, status: 400 },
    ];
    for (const step of steps) {
      const res = await replay(step.method, step.path, step.headers, step.body);
      expect({ step: step.name, status: res.status, body: (step.status ?? 200) === 200 ? undefined : res.body?.code },
        JSON.stringify(res.body)).toEqual({ step: step.name, status: step.status ?? 200, body: (step.status ?? 200) === 200 ? undefined : 'ERROR_CODE_INPUT_ERROR' });
      step.check?.(res.body);
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
