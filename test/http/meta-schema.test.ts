import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/** A table's schema through the Metadata API: read, replace (one transaction), rename, delete; the data API sees every change. */
const column = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name, type, description: '', nullable: true, default: '', required: false, access: 'public', sensitive: false, style: 'single', ...extra,
});
const ID = column('id', 'int', { nullable: false, required: true });

describeEachEngine('Metadata API: table schema', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'schemas' })).id;
  });
  afterAll(async () => { await s?.close(); });

  const table = async (name: string, schema?: unknown[]) => (await api.ok('POST', `/workspace/${ws}/table`, { name, ...(schema ? { schema } : {}) })).id as number;
  const schemaOf = (id: number) => api.ok('GET', `/workspace/${ws}/table/${id}/schema`);
  const dataColumns = async (name: string) => (await s.request('GET', `/db/schemas:main/tables/${name}/schema`)).body.columns;
  const migrations = async () => (await s.request('GET', '/db/schemas:main/migrations')).body.migrations.length as number;

  it('GET …/schema lists id first, then the columns as Xano descriptors; GET …/schema/{name} one of them', async () => {
    const id = await table('read_me');
    expect(await schemaOf(id)).toEqual([ID, column('created_at', 'timestamp', { default: 'now' })]);
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}/schema/created_at`)).toEqual(column('created_at', 'timestamp', { default: 'now' }));
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}/schema/id`)).toEqual(ID);
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/${id}/schema/ghost`), 404, undefined, 'column [ghost] not found in table [read_me]');
  });

  it('a table made by the data API reads as its nearest Xano types', async () => {
    const res = await s.request('PUT', '/db/schemas:main/tables/made_by_data', { columns: [
      { name: 'title', type: 'string', notNull: true, defaultValue: 'untitled' }, { name: 'tags', type: 'multiple' }, { name: 'price', type: 'float' },
      { name: 'at', type: 'datetime' }, { name: 'meta', type: 'object', columns: [{ name: 'a', type: 'int' }] }, { name: 'emb', type: 'vector', vector: { dimension: 2 } },
    ] });
    expect(res.status).toBe(201);
    const listed = (await api.ok('GET', `/workspace/${ws}/table?search=made_by_data`)).items[0];
    expect(await schemaOf(listed.id)).toEqual([
      column('id', 'text', { nullable: false, required: true }),
      column('title', 'text', { nullable: false, required: true, default: 'untitled' }),
      column('tags', 'text', { style: 'list' }),
      column('price', 'decimal'),
      column('at', 'timestamp'),
      column('meta', 'object', { children: [column('a', 'int')] }),
      column('emb', 'vector', { vector: { size: 2 } }),
    ]);
  });

  it('POST …/schema/rename renames a column (data kept); DELETE …/schema/{name} removes one', async () => {
    const id = await table('renames', [{ name: 'title', type: 'text' }, { name: 'body', type: 'text' }]);
    expect((await s.request('POST', '/db/schemas:main/tables/renames/data', { title: 'kept', body: 'b' })).status).toBe(201);
    expect(await api.ok('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'title', new_name: 'name' })).toEqual({});
    expect((await schemaOf(id)).map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'body']);
    expect((await s.request('GET', '/db/schemas:main/tables/renames/data/1')).body).toMatchObject({ name: 'kept', body: 'b' });
    expect(await api.ok('DELETE', `/workspace/${ws}/table/${id}/schema/body`)).toEqual({});
    expect((await dataColumns('renames')).map((c: { name: string }) => c.name)).toEqual(['name']);

    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'ghost', new_name: 'x' }), 404, undefined, /column \[ghost\] not found/);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'id', new_name: 'x' }), 400, 'old_name');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'name', new_name: 'id' }), 400, 'new_name');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'name', new_name: 'bad name' }), 400);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'name' }), 400, 'new_name', 'Missing param: new_name');
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/table/${id}/schema/id`), 400, 'schema_name');
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/table/${id}/schema/ghost`), 404);
  });

  it('PUT …/schema replaces the whole schema: adds, removes, updates options in place (data kept); the data API follows', async () => {
    const id = await table('replace_me', [{ name: 'title', type: 'text' }, { name: 'old', type: 'int' }, { name: 'status', type: 'enum', values: ['a', 'b'] }]);
    expect((await s.request('POST', '/db/schemas:main/tables/replace_me/data', { title: '  Kept  ', old: 1, status: 'b' })).status).toBe(201);
    const before = await migrations();
    const result = await api.ok('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: [
      ID,
      column('title', 'text', { description: 'The title', filters: { trim: true }, required: true }),
      column('status', 'enum', { values: [{ value: 'a' }, { value: 'b' }, { value: 'c' }], default: 'c' }),
      column('score', 'decimal', { filters: { min: 0 } }),
    ] });
    expect(result.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['id:int', 'title:text', 'status:enum', 'score:decimal']);
    expect(result[2]).toMatchObject({ values: ['a', 'b', 'c'], default: 'c' });
    expect(await migrations()).toBe(before + 1); // ONE migration
    expect(await dataColumns('replace_me')).toEqual([
      { name: 'title', type: 'text' }, { name: 'status', type: 'string', defaultValue: 'c' }, { name: 'score', type: 'float' },
    ]);
    // Existing data kept; the new rules apply to new writes.
    expect((await s.request('GET', '/db/schemas:main/tables/replace_me/data/1')).body).toMatchObject({ title: '  Kept  ', status: 'b' });
    const written = await s.request('POST', '/db/schemas:main/tables/replace_me/data', { title: ' new ', score: 1 });
    expect(written.body).toMatchObject({ title: 'new', status: 'c', score: 1 });
    expect((await s.request('POST', '/db/schemas:main/tables/replace_me/data', { score: 1 })).status).toBe(400); // title required now
    expect((await s.request('POST', '/db/schemas:main/tables/replace_me/data', { title: 'x', score: -1 })).status).toBe(400);
    // The same schema again changes nothing but updated_at.
    await api.ok('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: result });
    expect(await migrations()).toBe(before + 1);
    expect(await schemaOf(id)).toEqual(result);
  });

  it('PUT …/schema is atomic: a bad column in the middle leaves nothing changed', async () => {
    const id = await table('atomic', [{ name: 'keep', type: 'text' }, { name: 'drop_me', type: 'int' }]);
    expect((await s.request('POST', '/db/schemas:main/tables/atomic/data', { keep: 'x', drop_me: 5 })).status).toBe(201);
    const schemaBefore = await schemaOf(id);
    const tableBefore = await api.ok('GET', `/workspace/${ws}/table/${id}`);
    const migrationsBefore = await migrations();
    const attempts: Array<[unknown[], string | undefined]> = [
      // An unknown type in the middle (caught while reading the descriptors).
      [[ID, column('keep', 'text'), column('added', 'int'), column('broken', 'nope'), column('later', 'bool')], 'schema.3.type'],
      // A type change in the middle (caught inside the migration, after the first edits ran).
      [[ID, column('added', 'int'), column('keep', 'int'), column('later', 'bool')], 'keep'],
      // A reference to a table that does not exist.
      [[ID, column('keep', 'text'), column('added', 'int'), column('ref', 'tableref', { tableref_id: 999 })], 'schema.3.tableref_id'],
      // An enum default outside its values (checked by the core when the column is added).
      [[ID, column('keep', 'text'), column('added', 'int'), column('e', 'enum', { values: ['a'], default: 'z' })], 'e'],
    ];
    for (const [schema, param] of attempts) {
      expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, { schema }), 400, param);
      expect(await schemaOf(id)).toEqual(schemaBefore);
      expect(await api.ok('GET', `/workspace/${ws}/table/${id}`)).toEqual(tableBefore);
      expect(await migrations()).toBe(migrationsBefore);
      expect((await s.request('GET', '/db/schemas:main/tables/atomic/data/1')).body).toMatchObject({ keep: 'x', drop_me: 5 });
    }
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, {}), 400, 'schema', 'Missing param: schema');
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: [column('x', 'text'), ID] }), 400, 'schema.1');
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/999/schema`, { schema: [] }), 404);
  });

  it('schema changes bump the table\'s updated_at; the data API\'s schema edits are seen here', async () => {
    const id = await table('bumps');
    const before = await api.ok('GET', `/workspace/${ws}/table/${id}`);
    await new Promise((r) => setTimeout(r, 1100));
    await api.ok('POST', `/workspace/${ws}/table/${id}/schema/type/text`, { name: 'note' });
    const after = await api.ok('GET', `/workspace/${ws}/table/${id}`);
    expect(after.updated_at > before.updated_at).toBe(true);
    expect(after.created_at).toBe(before.created_at);
    expect((await s.request('POST', '/db/schemas:main/tables/bumps/columns', { name: 'from_data', type: 'bool' })).status).toBe(200);
    expect((await schemaOf(id)).map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['id:int', 'created_at:timestamp', 'note:text', 'from_data:bool']);
    // Table metadata survives the data API's edits (a rename included).
    await api.ok('PUT', `/workspace/${ws}/table/${id}/meta`, { description: 'kept' });
    expect((await s.request('PATCH', '/db/schemas:main/tables/bumps', { name: 'bumped' })).status).toBe(200);
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}`)).toMatchObject({ name: 'bumped', description: 'kept' });
  });

  it('the data API cannot smuggle in broken Xano metadata, and never shows it', async () => {
    const bad = [
      { name: 'x', type: 'string', xano: { type: 'int', style: 'single' } },
      { name: 'x', type: 'string', xano: { type: 'enum', style: 'single' } },
      { name: 'x', type: 'text', xano: { type: 'text', style: 'single', filters: { pattern: '(' } } },
      { name: 'x', type: 'string', xano: 'enum' },
    ];
    for (const column of bad) {
      const res = await s.request('PUT', '/db/schemas:main/tables/smuggled', { columns: [column] });
      expect(res.status, JSON.stringify(column)).toBe(400);
    }
    const id = await table('hidden', [{ name: 'stage', type: 'enum', values: ['a'] }]);
    const branch = (await s.request('GET', '/db/schemas:main')).body;
    const hidden = branch.schema.tables.find((t: { name: string }) => t.name === 'hidden');
    expect(hidden.columns).toEqual([{ name: 'stage', type: 'string' }]);
    expect((await s.request('GET', '/db/schemas:main/tables/hidden/columns/stage')).body).toEqual({ name: 'stage', type: 'string' });
    // A data API PUT …/schema that keeps the column keeps its Xano type too.
    expect((await s.request('PUT', '/db/schemas:main/tables/hidden/schema', { columns: [{ name: 'stage', type: 'string' }, { name: 'more', type: 'int' }] })).status).toBe(200);
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}/schema/stage`)).toMatchObject({ type: 'enum', values: ['a'] });
  });
});
