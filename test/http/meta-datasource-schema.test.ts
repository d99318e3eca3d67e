import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * The Metadata API's table, schema and index endpoints on a data source other than live:
 * the `x-data-source` header picks the branch, so a branch's tables and columns change on
 * their own, and live (and the data API's branch main) never sees it.
 */
describeEachEngine('Metadata API: tables, schema and indexes per data source', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  const test = { 'x-data-source': 'test' };
  /** A call on the `test` data source that must answer 200; returns the body. */
  const onTest = async (method: string, path: string, body?: unknown) => {
    const res = await api.call(method, `/workspace/${ws}${path}`, body, test);
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };
  const dataTables = async (branch: string) =>
    ((await s.request('GET', `/db/sources:${branch}`)).body.schema.tables as Array<{ name: string }>).map((t) => t.name).sort();

  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'sources' })).id;
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'shared', schema: [{ name: 'id', type: 'int' }, { name: 'title', type: 'text' }] });
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'test' });
  });
  afterAll(async () => { await s?.close(); });

  it('lists, creates, renames and deletes tables on the data source the header names', async () => {
    const created = await onTest('POST', '/table', { name: 'drafts', schema: [{ name: 'id', type: 'int' }, { name: 'body', type: 'text' }] });
    expect((await onTest('GET', '/table')).items.map((t: { name: string }) => t.name)).toEqual(['drafts', 'shared']);
    expect((await api.ok('GET', `/workspace/${ws}/table`)).items.map((t: { name: string }) => t.name)).toEqual(['shared']);
    expect((await api.call('GET', `/workspace/${ws}/table`, undefined, { 'x-data-source': 'live' })).body.items).toHaveLength(1);
    expect(await dataTables('test')).toEqual(['drafts', 'shared']);
    expect(await dataTables('main')).toEqual(['shared']);

    expect((await onTest('GET', `/table/${created.id}`)).name).toBe('drafts');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/${created.id}`), 404);
    expect((await onTest('PUT', `/table/${created.id}/meta`, { name: 'notes' })).name).toBe('notes');
    expect(await dataTables('test')).toEqual(['notes', 'shared']);
    await onTest('DELETE', `/table/${created.id}`);
    expect(await dataTables('test')).toEqual(['shared']);
  });

  it('adds, renames and drops columns, and builds indexes, on the branch only', async () => {
    const shared = (await onTest('GET', '/table')).items.find((t: { name: string }) => t.name === 'shared').id as number;
    await onTest('POST', `/table/${shared}/schema/type/int`, { name: 'stock', filters: { min: 0 } });
    await onTest('POST', `/table/${shared}/schema/type/enum`, { name: 'state', values: ['new', 'old'] });
    await onTest('POST', `/table/${shared}/schema/rename`, { old_name: 'title', new_name: 'headline' });
    const names = (cols: Array<{ name: string }>) => cols.map((c) => c.name);
    expect(names(await onTest('GET', `/table/${shared}/schema`))).toEqual(['id', 'headline', 'stock', 'state']);
    expect(names(await api.ok('GET', `/workspace/${ws}/table/${shared}/schema`))).toEqual(['id', 'title']);
    expect((await onTest('GET', `/table/${shared}/schema/state`)).values).toEqual(['new', 'old']);
    await onTest('DELETE', `/table/${shared}/schema/stock`);
    expect(names(await onTest('GET', `/table/${shared}/schema`))).toEqual(['id', 'headline', 'state']);

    const index = await onTest('POST', `/table/${shared}/index/btree`, { fields: [{ name: 'headline', op: 'asc' }] });
    const listed = await onTest('GET', `/table/${shared}/index`);
    expect(listed.map((i: { type: string }) => i.type)).toContain('btree');
    expect((await api.ok('GET', `/workspace/${ws}/table/${shared}/index`)).map((i: { type: string }) => i.type)).not.toContain('btree');
    await onTest('DELETE', `/table/${shared}/index/${index.id}`);
    expect((await onTest('GET', `/table/${shared}/index`)).map((i: { type: string }) => i.type)).not.toContain('btree');
  });

  it('answers an unknown data source (or `main`, which is named `live` here) with a 404', async () => {
    for (const [method, path, body] of [
      ['GET', '/table', undefined], ['POST', '/table', { name: 'x' }], ['GET', '/table/1/schema', undefined],
      ['POST', '/table/1/schema/type/text', { name: 'x' }], ['GET', '/table/1/index', undefined],
    ] as const) {
      for (const label of ['nope', 'main']) {
        expectXanoError(await api.call(method, `/workspace/${ws}${path}`, body, { 'x-data-source': label }), 404, undefined, `data source [${label}] not found`);
      }
    }
    expect(await dataTables('main')).toEqual(['shared']);
  });
});
