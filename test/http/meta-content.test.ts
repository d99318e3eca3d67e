import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { FULL_ACCESS, scopeBit } from '../../src/core/auth/scopes.js';

/**
 * The Metadata API's content endpoints over real HTTP: records in Xano's dialect, browse
 * paging, single writes, bulk writes (atomic, per-item report), truncate, data sources and
 * the errors, with the data API seeing the same rows.
 */
const SCHEMA = [
  { name: 'id', type: 'int' },
  { name: 'created_at', type: 'timestamp', default: 'now' },
  { name: 'name', type: 'text', required: true, filters: { trim: true } },
  { name: 'price', type: 'int', filters: { min: 0 } },
  { name: 'status', type: 'enum', values: ['draft', 'live'], default: 'draft' },
  { name: 'secret', type: 'password' },
  { name: 'released', type: 'timestamp' },
];

describeEachEngine('Metadata API: content', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  beforeAll(async () => { s = await startStrata(engine); api = metaClient(s); });
  afterAll(async () => { await s?.close(); });

  /** A workspace with a `products` table; returns the content URL. */
  async function productsIn(name: string): Promise<{ ws: number; table: number; url: string }> {
    const ws = (await api.ok('POST', '/workspace', { name })).id as number;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'products', schema: SCHEMA })).id as number;
    return { ws, table, url: `/workspace/${ws}/table/${table}/content` };
  }

  it('creates, reads, partially updates and deletes a record in Xano\'s dialect; the data API sees the same rows', async () => {
    const { url } = await productsIn('c_crud');
    const before = Date.now();
    const created = await api.ok('POST', url, { id: 99, name: '  Lamp ', price: 30, secret: 'hunter22', released: 1_700_000_000_000 });
    expect(created).toEqual({ id: 1, created_at: expect.any(Number), name: 'Lamp', price: 30, status: 'draft', released: 1_700_000_000_000 });
    expect(created.created_at).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(created)).toEqual(['id', 'created_at', 'name', 'price', 'status', 'released']); // schema order, no password
    expect(await api.ok('GET', `${url}/1`)).toEqual(created);

    const updated = await api.ok('PUT', `${url}/1`, { price: 35, released: '2024-01-31T12:00:00Z' });
    expect(updated).toEqual({ ...created, price: 35, released: Date.parse('2024-01-31T12:00:00Z') });
    expect(await api.ok('PUT', `${url}/1`, { status: 'live', released: null })).toEqual({ ...updated, status: 'live', released: null });

    // The data API: the same row under the workspace's name, its own dialect; the password is a hash.
    const viaData = await s.request('GET', '/db/c_crud:main/tables/products/data/1');
    expect(viaData.body).toMatchObject({ id: '1', name: 'Lamp', price: 35, status: 'live', secret: expect.stringMatching(/^scrypt\$/), created_at: new Date(created.created_at).toISOString() });
    // …and a record written there shows up here.
    expect((await s.request('POST', '/db/c_crud:main/tables/products/data', { name: 'Desk', released: '2024-02-01T00:00:00Z' })).status).toBe(201);
    expect(await api.ok('GET', `${url}/2`)).toMatchObject({ id: 2, name: 'Desk', price: null, status: 'draft', released: Date.parse('2024-02-01T00:00:00Z') });

    const removed = await api.call('DELETE', `${url}/1`);
    expect([removed.status, removed.body]).toEqual([200, null]);
    expectXanoError(await api.call('GET', `${url}/1`), 404);
    expect((await s.request('GET', '/db/c_crud:main/tables/products/data/1')).status).toBe(404);
  });

  it('applies the shared write rules and names the bad input', async () => {
    const { url } = await productsIn('c_rules');
    expectXanoError(await api.call('POST', url, { price: 3 }), 400, 'name', /required/);
    expectXanoError(await api.call('POST', url, { name: 'x', price: -1 }), 400, 'price');
    expectXanoError(await api.call('POST', url, { name: 'x', status: 'gone' }), 400, 'status');
    expectXanoError(await api.call('POST', url, { name: 'x', ghost: 1 }), 400, 'ghost');
    expectXanoError(await api.call('POST', url, { name: 'x', released: 'yesterday' }), 400, 'released');
    expectXanoError(await api.call('POST', url, [{ name: 'x' }]), 400);
    await api.ok('POST', url, { name: 'ok' });
    expectXanoError(await api.call('PUT', `${url}/1`, { price: 1.5 }), 400, 'price');
    expectXanoError(await api.call('PUT', `${url}/7`, { price: 1 }), 404);
    expectXanoError(await api.call('PUT', `${url}/abc`, { price: 1 }), 404);
    expectXanoError(await api.call('DELETE', `${url}/7`), 404);
    expect((await api.ok('POST', `${url}/search`, {})).itemsTotal).toBe(1);
  });

  it('browses with page/per_page: paging maths, last page, empty table, bounds', async () => {
    const { url } = await productsIn('c_browse');
    expect(await api.ok('GET', url)).toEqual({ items: [], itemsReceived: 0, curPage: 1, nextPage: null, prevPage: null, offset: 0, perPage: 50, itemsTotal: 0, pageTotal: 0 });
    await api.ok('POST', `${url}/bulk`, { items: Array.from({ length: 7 }, (_, i) => ({ name: `p${i + 1}`, price: i })) });

    const page = async (query: string) => {
      const body = await api.ok('GET', `${url}${query}`);
      return { ...body, items: body.items.map((r: { id: number }) => r.id) };
    };
    expect(await page('')).toEqual({ items: [1, 2, 3, 4, 5, 6, 7], itemsReceived: 7, curPage: 1, nextPage: null, prevPage: null, offset: 0, perPage: 50, itemsTotal: 7, pageTotal: 1 });
    expect(await page('?per_page=3')).toEqual({ items: [1, 2, 3], itemsReceived: 3, curPage: 1, nextPage: 2, prevPage: null, offset: 0, perPage: 3, itemsTotal: 7, pageTotal: 3 });
    expect(await page('?per_page=3&page=2')).toEqual({ items: [4, 5, 6], itemsReceived: 3, curPage: 2, nextPage: 3, prevPage: 1, offset: 3, perPage: 3, itemsTotal: 7, pageTotal: 3 });
    expect(await page('?per_page=3&page=3')).toEqual({ items: [7], itemsReceived: 1, curPage: 3, nextPage: null, prevPage: 2, offset: 6, perPage: 3, itemsTotal: 7, pageTotal: 3 });
    expect(await page('?per_page=3&page=9')).toEqual({ items: [], itemsReceived: 0, curPage: 9, nextPage: null, prevPage: 8, offset: 24, perPage: 3, itemsTotal: 7, pageTotal: 3 });
    expect(await page('?per_page=7')).toMatchObject({ nextPage: null, pageTotal: 1, itemsReceived: 7 });

    expectXanoError(await api.call('GET', `${url}?per_page=0`), 400, 'per_page');
    expectXanoError(await api.call('GET', `${url}?per_page=10001`), 400, 'per_page');
    expectXanoError(await api.call('GET', `${url}?page=0`), 400, 'page');
    expectXanoError(await api.call('GET', `${url}?page=x`), 400, 'page');
  });

  it('bulk creates atomically: a bad item writes nothing and is reported by index; allow_id_field keeps ids', async () => {
    const { url } = await productsIn('c_bulk');
    expect(await api.ok('POST', `${url}/bulk`, { items: [{ name: 'a', id: 50 }, { name: 'b', secret: 'pw123456' }] })).toEqual([1, 2]);

    const bad = await api.call('POST', `${url}/bulk`, { items: [{ name: 'c' }, { name: 'd', price: -5 }, { price: 1 }, 'nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', payload: { param: 'items.1.price' } });
    // Every item is checked before any runs, so all malformed ones are reported together…
    expect(bad.body.payload.errors.map((e: { index: number; param: string }) => [e.index, e.param])).toEqual([[1, 'items.1.price'], [3, 'items.3']]);
    // …and rules that need the transaction (required values, defaults) fail at the first item that breaks them.
    const required = await api.call('POST', `${url}/bulk`, { items: [{ name: 'c' }, { price: 1 }] });
    expect([required.status, required.body.payload.param]).toEqual([400, 'items.1.name']);
    expect((await api.ok('GET', url)).itemsTotal).toBe(2);

    // allow_id_field: the ids given are used; a taken id fails the whole request at run time.
    expect(await api.ok('POST', `${url}/bulk`, { items: [{ id: 10, name: 'ten' }, { name: 'next' }], allow_id_field: true })).toEqual([10, 11]);
    const taken = await api.call('POST', `${url}/bulk`, { items: [{ id: 20, name: 'twenty' }, { id: 10, name: 'again' }], allow_id_field: true });
    expect(taken.status).toBe(400);
    expect(taken.body.payload).toMatchObject({ param: 'items.1', errors: [{ index: 1, message: expect.stringMatching(/already exists/) }] });
    expectXanoError(await api.call('GET', `${url}/20`), 404);
    const badId = await api.call('POST', `${url}/bulk`, { items: [{ id: 'x', name: 'bad id' }], allow_id_field: true });
    expect([badId.status, badId.body.payload.param]).toEqual([400, 'items.0']);
    expect((await api.ok('GET', url)).items.map((r: { id: number }) => r.id)).toEqual([1, 2, 10, 11]);
    expectXanoError(await api.call('POST', `${url}/bulk`, {}), 400, 'items');
    expect(await api.ok('POST', `${url}/bulk`, { items: [] })).toEqual([]);
  });

  it('bulk patches and deletes in one transaction each, reporting ids', async () => {
    const { url } = await productsIn('c_bulk_edit');
    await api.ok('POST', `${url}/bulk`, { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    expect(await api.ok('POST', `${url}/bulk/patch`, { items: [{ row_id: 1, updates: { price: 10 } }, { row_id: '3', updates: { status: 'live' } }] }))
      .toEqual({ success: [1, 3], success_total: 2 });
    expect(await api.ok('GET', `${url}/3`)).toMatchObject({ name: 'c', status: 'live', price: null });

    // One missing row or bad value: nothing changes.
    const missing = await api.call('POST', `${url}/bulk/patch`, { items: [{ row_id: 2, updates: { price: 5 } }, { row_id: 9, updates: { price: 5 } }] });
    expect([missing.status, missing.body.payload.param, missing.body.payload.errors[0].message]).toEqual([400, 'items.1', 'record [9] not found']);
    const badValue = await api.call('POST', `${url}/bulk/patch`, { items: [{ row_id: 2, updates: { price: 5 } }, { row_id: 1, updates: { status: 'nope' } }] });
    expect([badValue.status, badValue.body.payload.param]).toEqual([400, 'items.1.status']);
    expect((await api.ok('GET', `${url}/2`)).price).toBeNull();
    expectXanoError(await api.call('POST', `${url}/bulk/patch`, { items: [{ updates: {} }] }), 400, 'items.0.row_id');

    expect(await api.ok('POST', `${url}/bulk/delete`, { row_ids: [1, 7, '3', 'x'] })).toEqual({ success: [1, 3], success_total: 2, error: [7, 'x'] });
    expect((await api.ok('GET', url)).items.map((r: { id: number }) => r.id)).toEqual([2]);
  });

  it('truncates, keeping the id sequence or resetting it; links to the records become null', async () => {
    const { ws, table, url } = await productsIn('c_truncate');
    const orders = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'orders', schema: [{ name: 'id', type: 'int' }, { name: 'product', type: 'tableref', tableref_id: table }] })).id;
    await api.ok('POST', `${url}/bulk`, { items: [{ name: 'a' }, { name: 'b' }] });
    await api.ok('POST', `/workspace/${ws}/table/${orders}/content`, { product: 2 });

    const truncated = await api.call('DELETE', `/workspace/${ws}/table/${table}/truncate`, { reset: false });
    expect([truncated.status, truncated.body]).toEqual([200, null]);
    expect((await api.ok('GET', url)).itemsTotal).toBe(0);
    expect(await api.ok('GET', `/workspace/${ws}/table/${orders}/content/1`)).toEqual({ id: 1, product: null });
    expect((await api.ok('POST', url, { name: 'c' })).id).toBe(3);

    await api.ok('DELETE', `/workspace/${ws}/table/${table}/truncate`, { reset: true });
    expect((await api.ok('POST', url, { name: 'd' })).id).toBe(1);
    expect((await api.ok('POST', url, { name: 'e' })).id).toBe(2);
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/table/${table}/truncate`, {}), 400, 'reset');
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/table/999/truncate`, { reset: true }), 404);
  });

  it('routes x-data-source to the data source\'s branch; an unknown label is a 404', async () => {
    const { ws, url } = await productsIn('c_sources');
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'test' });
    const test = { 'x-data-source': 'test' };
    const created = await api.call('POST', url, { name: 'only in test' }, test);
    expect([created.status, created.body.id]).toEqual([200, 1]);
    expect((await api.ok('GET', url)).itemsTotal).toBe(0);
    expect((await api.call('GET', url, undefined, { 'x-data-source': 'live' })).body.itemsTotal).toBe(0);
    expect((await api.call('GET', `${url}/1`, undefined, test)).body.name).toBe('only in test');
    expect((await s.request('GET', '/db/c_sources:test/tables/products/data/1')).body.name).toBe('only in test');
    expect((await api.call('POST', `${url}/search`, { search: [{ name: 'only in test' }] }, test)).body.itemsTotal).toBe(1);

    expectXanoError(await api.call('GET', url, undefined, { 'x-data-source': 'nope' }), 404, undefined, 'data source [nope] not found');
    expectXanoError(await api.call('GET', url, undefined, { 'x-data-source': 'main' }), 404);
  });

  it('answers unknown workspaces and tables with 404, and checks scopes and tokens', async () => {
    const { ws, table, url } = await productsIn('c_access');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/999/content`), 404, undefined, 'table [999] not found');
    expectXanoError(await api.call('POST', `/workspace/999/table/${table}/content/search`, {}), 404);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/999/content/bulk`, { items: [{ name: 'x' }] }), 404);

    const noToken = await fetch(`${s.url}/api:meta${url}`);
    expect([noToken.status, (await noToken.json()).code]).toEqual([401, 'ERROR_CODE_UNAUTHORIZED']);

    const bits = (action: 'create' | 'read' | 'update' | 'delete') => FULL_ACCESS & ~scopeBit('content', action);
    const cases: Array<[string, string, unknown, 'create' | 'read' | 'update' | 'delete']> = [
      ['GET', url, undefined, 'read'], ['GET', `${url}/1`, undefined, 'read'], ['POST', `${url}/search`, {}, 'read'],
      ['POST', url, { name: 'x' }, 'create'], ['POST', `${url}/bulk`, { items: [] }, 'create'],
      ['PUT', `${url}/1`, {}, 'update'], ['POST', `${url}/bulk/patch`, { items: [] }, 'update'], ['POST', `${url}/search/patch`, { updates: {} }, 'update'],
      ['DELETE', `${url}/1`, undefined, 'delete'], ['POST', `${url}/bulk/delete`, { row_ids: [] }, 'delete'], ['POST', `${url}/search/delete`, {}, 'delete'],
      ['DELETE', `/workspace/${ws}/table/${table}/truncate`, { reset: false }, 'delete'],
    ];
    for (const [method, path, body, action] of cases) {
      const token = await s.createToken(bits(action));
      const res = await api.call(method, path, body, { authorization: `Bearer ${token}` });
      expect(res.status, `${method} ${path} without content:${action}`).toBe(403);
      expectXanoError(res, 403);
    }
    // Content scopes alone are enough.
    const contentOnly = await s.createToken(['create', 'read', 'update', 'delete'].reduce((b, a) => b | scopeBit('content', a as 'read'), 0));
    expect((await api.call('POST', url, { name: 'ok' }, { authorization: `Bearer ${contentOnly}` })).status).toBe(200);
  });

  it('documents the content endpoints: tag, x-data-source header, examples, scopes', async () => {
    const spec = await (await fetch(`${s.url}/apispec:meta?type=json`)).json();
    const content = '/workspace/{workspace_id}/table/{table_id}/content';
    const search = spec.paths[`${content}/search`].post;
    expect(search.tags).toEqual(['table / content']);
    expect(search.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'x-data-source', in: 'header' })]));
    expect(search.requestBody.content['application/json'].schema.example.search).toEqual(expect.arrayContaining([{ 'price|>': 20 }]));
    expect(search.requestBody.content['application/json'].schema.properties).toHaveProperty('per_page');
    expect(search.description).toContain('`content:read`');
    expect(spec.paths[`${content}/bulk`].post.responses['200'].content['application/json'].schema.example).toEqual([1, 2]);
    expect(spec.paths['/workspace/{workspace_id}/table/{table_id}/truncate'].delete.description).toContain('`content:delete`');
    expect(spec.tags.map((t: { name: string }) => t.name)).toContain('table / content');
  });
});
