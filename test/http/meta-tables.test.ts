import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { xanoRecordFormat } from '../../src/http/meta-api/xano-record-format.js';

/** The Metadata API's table endpoints over real HTTP: paging, search, sort, partial updates, and the data API's view of the same tables. */
const XANO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describeEachEngine('Metadata API: tables', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  beforeAll(async () => { s = await startStrata(engine); api = metaClient(s); });
  afterAll(async () => { await s?.close(); });

  const workspace = async (name: string) => (await api.ok('POST', '/workspace', { name })).id as number;

  it('creates a table with integer ids and created_at; the data API sees the same table and records', async () => {
    const ws = await workspace('t_same');
    const table = await api.ok('POST', `/workspace/${ws}/table`, { name: 'products', description: 'What we sell', tag: ['catalog'] });
    expect(table).toEqual({
      id: 1, created_at: expect.stringMatching(XANO_TIME), updated_at: expect.stringMatching(XANO_TIME), name: 'products',
      description: 'What we sell', docs: '', guid: expect.stringMatching(/^[\w-]{27}$/), auth: false, tag: ['catalog'], autocomplete: [],
    });
    expect(await api.ok('GET', `/workspace/${ws}/table/1`)).toEqual(table);

    // The data API: same table under the same database name, created_at a datetime defaulting to now, ids integers.
    const schema = await s.request('GET', '/db/t_same:main/tables/products/schema');
    expect(schema.body).toEqual({ columns: [{ name: 'created_at', type: 'datetime', defaultValue: 'now' }] });
    const first = await s.request('POST', '/db/t_same:main/tables/products/data', {});
    const second = await s.request('POST', '/db/t_same:main/tables/products/data', { created_at: '2024-01-31T12:00:00Z' });
    expect([first.status, first.body.id, second.body.id]).toEqual([201, '1', '2']);
    expect(first.body.created_at).toMatch(ISO);
    expect(second.body.created_at).toBe('2024-01-31T12:00:00.000Z');
    expect((await s.request('GET', '/db/t_same:main/tables/products/data/2')).body.created_at).toBe('2024-01-31T12:00:00.000Z');
    // The same row in the Metadata API's record dialect: a numeric id, created_at as epoch milliseconds.
    const ctx = await s.strata.databases.resolve('t_same', 'main');
    expect(await s.strata.records.get(ctx, 'products', '2', { format: xanoRecordFormat })).toEqual({ id: 2, created_at: Date.parse('2024-01-31T12:00:00Z') });

    // And a table the data API creates is listed here too.
    expect((await s.request('PUT', '/db/t_same:main/tables/from_data', { columns: [{ name: 'title', type: 'string' }] })).status).toBe(201);
    const listed = await api.ok('GET', `/workspace/${ws}/table`);
    expect(listed.items.map((t: { name: string }) => t.name)).toEqual(['from_data', 'products']);
    expect(listed.items[0]).toMatchObject({ id: 2, description: '', tag: [], auth: false });
  });

  it('creates a table with a schema (id first) in one step; a bad index is refused with a clear 400', async () => {
    const ws = await workspace('t_schema');
    const created = await api.ok('POST', `/workspace/${ws}/table`, {
      name: 'people', autocomplete: [{ name: 'name' }],
      schema: [{ name: 'id', type: 'int' }, { name: 'name', type: 'text', required: true }, { name: 'age', type: 'int', filters: { min: 0 } }],
    });
    expect(created.autocomplete).toEqual([{ name: 'name' }]);
    const schema = await api.ok('GET', `/workspace/${ws}/table/${created.id}/schema`);
    expect(schema.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['id:int', 'name:text', 'age:int']);

    // Indexes are built with the table (meta-index.test.ts); one over a column the table lacks creates nothing.
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'indexed', index: [{ type: 'btree', fields: [{ name: 'name' }] }] }), 400, 'index.0.fields.0.name', /not found/);
    expect((await api.ok('POST', `/workspace/${ws}/table`, { name: 'no_index', index: [] })).name).toBe('no_index');
    expect((await api.ok('POST', `/workspace/${ws}/table`, { name: 'null_index', index: null, schema: null })).name).toBe('null_index');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'bad_schema', schema: [{ name: 'id', type: 'int' }, { name: 'x', type: 'nope' }] }), 400, 'schema.1.type');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'bad_id', schema: [{ name: 'x', type: 'text' }, { name: 'id', type: 'int' }] }), 400, 'schema.1');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'twice', schema: [{ name: 'x', type: 'text' }, { name: 'x', type: 'int' }] }), 400, 'schema.1.name');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'bad_auto', autocomplete: [{ name: 'ghost' }] }), 400, 'autocomplete.0.name');
    // Nothing of the refused tables exists.
    const names = (await api.ok('GET', `/workspace/${ws}/table`)).items.map((t: { name: string }) => t.name);
    expect(names).toEqual(['no_index', 'null_index', 'people']);
  });

  it('pages, searches and sorts the table list', async () => {
    const ws = await workspace('t_paging');
    for (const name of ['delta', 'alpha', 'charlie', 'bravo', 'echo']) await api.ok('POST', `/workspace/${ws}/table`, { name });
    const page = (query: string) => api.ok('GET', `/workspace/${ws}/table${query}`);
    const names = (body: { items: Array<{ name: string }> }) => body.items.map((t) => t.name);

    const all = await page('');
    expect({ ...all, items: names(all) }).toEqual({ curPage: 1, nextPage: null, prevPage: null, items: ['alpha', 'bravo', 'charlie', 'delta', 'echo'] });
    const p1 = await page('?per_page=2');
    expect({ ...p1, items: names(p1) }).toEqual({ curPage: 1, nextPage: 2, prevPage: null, items: ['alpha', 'bravo'] });
    const p2 = await page('?per_page=2&page=2');
    expect({ ...p2, items: names(p2) }).toEqual({ curPage: 2, nextPage: 3, prevPage: 1, items: ['charlie', 'delta'] });
    const p3 = await page('?per_page=2&page=3');
    expect({ ...p3, items: names(p3) }).toEqual({ curPage: 3, nextPage: null, prevPage: 2, items: ['echo'] });
    expect(names(await page('?per_page=2&page=9'))).toEqual([]);

    expect(names(await page('?order=desc'))).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);
    expect(names(await page('?sort=created_at'))).toEqual(['delta', 'alpha', 'charlie', 'bravo', 'echo']);
    expect(names(await page('?sort=created_at&order=desc'))).toEqual(['echo', 'bravo', 'charlie', 'alpha', 'delta']);
    expect(names(await page('?search=HAR'))).toEqual(['charlie']);
    expect(names(await page('?search=a&per_page=2'))).toEqual(['alpha', 'bravo']);
    expect(names(await page('?search=zzz'))).toEqual([]);

    // updated_at follows metadata changes.
    await new Promise((r) => setTimeout(r, 1100));
    await api.ok('PUT', `/workspace/${ws}/table/2/meta`, { description: 'touched' });
    expect(names(await page('?sort=updated_at&order=desc'))[0]).toBe('alpha');

    expectXanoError(await api.call('GET', `/workspace/${ws}/table?sort=size`), 400, 'sort');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table?order=up`), 400, 'order');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table?page=0`), 400, 'page');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table?per_page=abc`), 400, 'per_page');
  });

  it('PUT …/meta is partial: only what is sent changes; a name renames the table for the data API too', async () => {
    const ws = await workspace('t_meta');
    const table = await api.ok('POST', `/workspace/${ws}/table`, { name: 'old_name', description: 'd1', docs: 'doc', tag: ['a'], auth: true });
    const id = table.id;
    expect(await api.ok('PUT', `/workspace/${ws}/table/${id}/meta`, { description: 'd2' })).toMatchObject({ name: 'old_name', description: 'd2', docs: 'doc', tag: ['a'], auth: true });
    expect(await api.ok('PUT', `/workspace/${ws}/table/${id}/meta`, { tag: ['b', 'c'], auth: false, name: null })).toMatchObject({ name: 'old_name', description: 'd2', tag: ['b', 'c'], auth: false });
    const renamed = await api.ok('PUT', `/workspace/${ws}/table/${id}/meta`, { name: 'new_name' });
    expect(renamed).toMatchObject({ id, name: 'new_name', description: 'd2', docs: 'doc', tag: ['b', 'c'], guid: table.guid, created_at: table.created_at });
    expect((await s.request('GET', '/db/t_meta:main/tables/new_name/schema')).status).toBe(200);
    expect((await s.request('GET', '/db/t_meta:main/tables/old_name/schema')).status).toBe(404);
    expect(await api.ok('PUT', `/workspace/${ws}/table/${id}/meta`)).toMatchObject({ name: 'new_name', description: 'd2' });

    // A rename that fails changes nothing else either (one transaction).
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'taken' });
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/meta`, { name: 'taken', description: 'lost' }), 400);
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}`)).toMatchObject({ name: 'new_name', description: 'd2' });
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/meta`, { name: 'bad name' }), 400);
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/meta`, { tag: 'x' }), 400, 'tag');
  });

  it('PUT …/autocomplete sets the autocomplete columns (which must exist)', async () => {
    const ws = await workspace('t_auto');
    const { id } = await api.ok('POST', `/workspace/${ws}/table`, { name: 'things', schema: [{ name: 'title', type: 'text' }] });
    expect(await api.ok('PUT', `/workspace/${ws}/table/${id}/autocomplete`, { autocomplete: [{ name: 'title' }, { name: 'id' }] })).toEqual({ id, autocomplete: [{ name: 'title' }, { name: 'id' }] });
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}`)).autocomplete).toEqual([{ name: 'title' }, { name: 'id' }]);
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/autocomplete`, { autocomplete: [{ name: 'ghost' }] }), 400, 'autocomplete.0.name');
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/autocomplete`, {}), 400, 'autocomplete');
  });

  it('deletes a table and its content; a table still referenced cannot go', async () => {
    const ws = await workspace('t_delete');
    const target = await api.ok('POST', `/workspace/${ws}/table`, { name: 'target' });
    const source = await api.ok('POST', `/workspace/${ws}/table`, { name: 'source', schema: [{ name: 'ref', type: 'tableref', tableref_id: target.id }] });
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/table/${target.id}`), 400, undefined, /is linked from column \[source.ref\]/);
    expect(await api.ok('DELETE', `/workspace/${ws}/table/${source.id}`)).toEqual({});
    expect(await api.ok('DELETE', `/workspace/${ws}/table/${target.id}`)).toEqual({});
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/${target.id}`), 404, undefined, `table [${target.id}] not found`);
    expect((await s.request('GET', '/db/t_delete:main/tables/target/schema')).status).toBe(404);
  });

  describe('errors', () => {
    it('unknown workspace or table → 404; bad ids → 400 naming the param; duplicates and bad names → 400', async () => {
      const ws = await workspace('t_errors');
      await api.ok('POST', `/workspace/${ws}/table`, { name: 'exists' });
      expectXanoError(await api.call('GET', '/workspace/999999/table'), 404, undefined, 'workspace [999999] not found');
      expectXanoError(await api.call('POST', '/workspace/999999/table', { name: 'x' }), 404);
      for (const [method, suffix] of [['GET', ''], ['PUT', '/meta'], ['PUT', '/autocomplete'], ['DELETE', ''], ['GET', '/schema']] as const) {
        const body = method === 'PUT' ? (suffix === '/meta' ? {} : { autocomplete: [] }) : undefined;
        expectXanoError(await api.call(method, `/workspace/${ws}/table/999${suffix}`, body), 404, undefined, 'table [999] not found');
      }
      expectXanoError(await api.call('GET', `/workspace/${ws}/table/abc`), 400, 'table_id');
      expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'exists' }), 400, undefined, 'table [exists] already exists');
      expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'bad name' }), 400, 'name');
      expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'xata_reserved' }), 400, 'name');
      expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { description: 'no name' }), 400, 'name', 'Missing param: name');
    });
  });
});
