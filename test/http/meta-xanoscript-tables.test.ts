import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * XanoScript table definitions over real HTTP (issue 17): `include_xanoscript=true` on table
 * reads, `text/x-xanoscript` bodies on POST …/table and PUT …/table/{id}, and the exact
 * requests kobylinski/xano-cli sends for `pull` and `push` (src/lib/api/tables.ts: `?branch=` on
 * every call, `&page=1&per_page=1000&include_xanoscript=true` on the list, the script as the
 * raw body with `Content-Type: text/x-xanoscript`, `accept: application/json`; it reads
 * `items[].xanoscript.value`, the created table's `id`, and an error's `message`).
 */
const XS = { 'content-type': 'text/x-xanoscript', accept: 'application/json' };

const BOOKS = `// a comment above the table
table books {
  auth = false
  description = "What we lend"

  schema {
    int id
    timestamp created_at?=now
    text title filters=trim
    text? subtitle?
    int pages?=100 filters=min:1
    enum status?="in" {
      values = ["in", "out"]
    }
    email contact? filters=trim|lower {
      sensitive = true
      visibility = "private"
    }
  }

  index = [
    {type: "primary", field: [{name: "id"}]}
    {type: "btree", field: [{name: "created_at", op: "desc"}]}
    {type: "btree|unique", field: [{name: "title", op: "asc"}]}
  ]

  tags = ["library"]
}
`;

describeEachEngine('Metadata API: XanoScript tables', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  beforeAll(async () => { s = await startStrata(engine); api = metaClient(s); });
  afterAll(async () => { await s?.close(); });

  const workspace = async (name: string) => (await api.ok('POST', '/workspace', { name })).id as number;
  const script = (ws: number, id: number) => api.ok('GET', `/workspace/${ws}/table/${id}?include_xanoscript=true`).then((t) => t.xanoscript);

  it('creates a table from XanoScript and reads it back, the same definition, as the JSON endpoints describe it', async () => {
    const ws = await workspace('xs_create');
    const created = await s.request('POST', `/api:meta/workspace/${ws}/table?include_xanoscript=true`, BOOKS, XS);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'books', description: 'What we lend', auth: false, tag: ['library'], xanoscript: { status: 'ok' } });
    const id = created.body.id as number;

    const schema = await api.ok('GET', `/workspace/${ws}/table/${id}/schema`);
    expect(schema.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['id:int', 'created_at:timestamp', 'title:text', 'subtitle:text', 'pages:int', 'status:enum', 'contact:email']);
    expect(schema.find((c: { name: string }) => c.name === 'title')).toMatchObject({ required: true, nullable: false, validators: { trim: true } });
    expect(schema.find((c: { name: string }) => c.name === 'subtitle')).toMatchObject({ required: false, nullable: true });
    expect(schema.find((c: { name: string }) => c.name === 'pages')).toMatchObject({ default: '100', filters: { min: 1 } });
    expect(schema.find((c: { name: string }) => c.name === 'status')).toMatchObject({ default: 'in', values: ['in', 'out'] });
    expect(schema.find((c: { name: string }) => c.name === 'contact')).toMatchObject({ sensitive: true, access: 'private', validators: { trim: true, lower: true } });
    const indexes = await api.ok('GET', `/workspace/${ws}/table/${id}/index`);
    expect(indexes.map((i: { type: string }) => i.type)).toEqual(['primary', 'btree', 'unique']);

    // Read back: the same script modulo formatting (the comment goes, the guid comes).
    const read = await script(ws, id);
    expect(read.status).toBe('ok');
    const guid = (await api.ok('GET', `/workspace/${ws}/table/${id}`)).guid as string;
    const expected = BOOKS.replace('// a comment above the table\n', '').replace('  tags = ["library"]', `  guid = "${guid}"\n  tags = ["library"]`);
    expect(read.value).toBe(expected);
    expect(created.body.xanoscript.value).toBe(expected);
    // Without the flag there is no xanoscript field.
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}`)).not.toHaveProperty('xanoscript');
    const list = await api.ok('GET', `/workspace/${ws}/table?include_xanoscript=true`);
    expect(list.items[0].xanoscript).toEqual({ status: 'ok', value: expected });
  });

  it('updates a table from a changed script: a column added in place, the order kept, indexes and metadata replaced', async () => {
    const ws = await workspace('xs_update');
    const id = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'people', schema: [{ name: 'id', type: 'int' }, { name: 'name', type: 'text' }, { name: 'age', type: 'int' }] })).id as number;
    await s.request('POST', `/db/xs_update:main/tables/people/data`, { name: 'Ada', age: 36 });
    const before = (await script(ws, id)).value as string;
    const changed = before
      .replace('    text? name?\n', '    text? name?\n    text? nickname? filters=trim\n')
      .replace('  auth = false\n', '  auth = false\n  description = "Who is who"\n')
      .replace('  index = [\n', '  index = [\n    {type: "btree", field: [{name: "age", op: "desc"}]}\n');
    expect(changed.match(/nickname|Who is who|"age", op: "desc"/g)).toHaveLength(3);
    const put = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}?include_xanoscript=true`, changed, XS);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ id, name: 'people', description: 'Who is who' });
    expect(put.body.xanoscript.value).not.toBe(changed); // the primary index is listed first
    const schema = await api.ok('GET', `/workspace/${ws}/table/${id}/schema`);
    expect(schema.map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'nickname', 'age']);
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}/index`)).map((i: { type: string }) => i.type)).toEqual(['primary', 'btree']);
    // The record survived (columns altered in place, nothing recreated).
    expect((await s.request('GET', '/db/xs_update:main/tables/people/data/1')).body).toMatchObject({ name: 'Ada', age: 36 });
    // PUT of what GET answers changes nothing (updated_at included).
    const table = await api.ok('GET', `/workspace/${ws}/table/${id}?include_xanoscript=true`);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // updated_at has second resolution: a write now would show
    const again = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}?include_xanoscript=true`, table.xanoscript.value, XS);
    expect(again.status).toBe(200);
    expect(again.body.updated_at).toBe(table.updated_at);
    expect(again.body.xanoscript.value).toBe(table.xanoscript.value);
    // One transaction: a new column with an index over it works; a bad index refuses the whole PUT (the new column included).
    const withIndex = table.xanoscript.value.replace('    int? age?\n', '    int? age?\n    text? email?\n').replace('  index = [\n', '  index = [\n    {type: "btree|unique", field: [{name: "email", op: "asc"}]}\n');
    expect(withIndex.match(/email/g)).toHaveLength(2);
    const refused = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}`, withIndex.replace('name: "email", op', 'name: "ghost", op'), XS);
    expectXanoError(refused, 400, 'index.0.fields.0.name', /ghost/);
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}/schema`)).map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'nickname', 'age']);
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}`)).updated_at).toBe(table.updated_at);
    const indexed = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}?include_xanoscript=true`, withIndex, XS);
    expect(indexed.status, JSON.stringify(indexed.body)).toBe(200);
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}/index`)).map((i: { type: string }) => i.type)).toEqual(['primary', 'unique', 'btree']);
    // A rename through the script.
    const renamed = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}`, indexed.body.xanoscript.value.replace('table people {', 'table persons {'), XS);
    expect(renamed.body).toMatchObject({ id, name: 'persons' });
  });

  it('references tables by name (table = "…"), both ways', async () => {
    const ws = await workspace('xs_refs');
    const authors = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'authors' })).id as number;
    const res = await s.request('POST', `/api:meta/workspace/${ws}/table`, 'table posts {\n  schema {\n    int id\n    int author_id? {\n      table = "authors"\n    }\n  }\n}\n', XS);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const column = await api.ok('GET', `/workspace/${ws}/table/${res.body.id}/schema/author_id`);
    expect(column).toMatchObject({ type: 'int', tableref_id: authors });
    expect((await script(ws, res.body.id)).value).toContain('    int author_id? {\n      table = "authors"\n    }\n');
    expectXanoError(await s.request('POST', `/api:meta/workspace/${ws}/table`, 'table bad {\n  schema {\n    int id\n    int ghost_id {\n      table = "ghosts"\n    }\n  }\n}\n', XS), 400, 'body', 'XanoScript line 4, column 5: field [ghost_id]: table [ghosts] not found');
  });

  it('answers script mistakes as input errors naming the line and column, and creates nothing', async () => {
    const ws = await workspace('xs_errors');
    const post = (body: string) => s.request('POST', `/api:meta/workspace/${ws}/table`, body, XS);
    expectXanoError(await post('table t {\n  schema {\n    int id\n    text name filters=\n  }\n}'), 400, 'body', /^XanoScript line 5, column 3: expected a filter name/);
    expectXanoError(await post('table t {\n  schema {\n    int id\n    text "name\n  }\n}'), 400, 'body', 'XanoScript line 4, column 10: unterminated string');
    expectXanoError(await post('function f {\n}'), 400, 'body', /^XanoScript line 1, column 1: expected "table"/);
    expectXanoError(await post('table t {\n  auth = maybe\n}'), 400, 'body', 'XanoScript line 2, column 10: auth must be true or false');
    // A mistake the core finds (an unknown type) names the field's line too.
    expectXanoError(await post('table t {\n  schema {\n    int id\n    strange thing\n  }\n}'), 400, 'schema.1.type', /^XanoScript line 4, column 5: column \[thing\]: unknown type \[strange\]/);
    expectXanoError(await post('table t {\n  schema {\n    int id\n    text name\n  }\n  index = [{type: "btree", field: [{name: "nope"}]}]\n}'), 400, 'index.0.fields.0.name', /not found/);
    expect((await api.ok('GET', `/workspace/${ws}/table`)).items).toEqual([]);
    // A JSON body still works, and a wrong JSON body is still refused in the envelope.
    expectXanoError(await s.request('POST', `/api:meta/workspace/${ws}/table`, { description: 'no name' }), 400, 'name');
    expect((await api.ok('POST', `/workspace/${ws}/table`, { name: 'json_made' })).name).toBe('json_made');
    // PUT on a table that does not exist: 404, before the script is read.
    expectXanoError(await s.request('PUT', `/api:meta/workspace/${ws}/table/999`, 'table x {}', XS), 404);
  });

  it('replays xano-cli pull and push exactly', async () => {
    const ws = await workspace('xs_cli');
    // push of a new file: POST …/table?branch= with the script, reads data.id.
    const created = await s.request('POST', `/api:meta/workspace/${ws}/table?branch=`, BOOKS, XS);
    expect(created.status).toBe(200);
    const id = created.body.id as number;
    // pull (sync): GET …/table?branch=&page=1&per_page=1000&include_xanoscript=true, reads items[].xanoscript.value.
    const listed = await s.request('GET', `/api:meta/workspace/${ws}/table?branch=&page=1&per_page=1000&include_xanoscript=true`, undefined, { accept: 'application/json' });
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((t: { id: number }) => t.id === id);
    expect(item.xanoscript.status).toBe('ok');
    // pull of one file: GET …/table/{id}?branch=&include_xanoscript=true.
    const one = await s.request('GET', `/api:meta/workspace/${ws}/table/${id}?branch=&include_xanoscript=true`, undefined, { accept: 'application/json' });
    expect(one.body.xanoscript.value).toBe(item.xanoscript.value);
    // push of an edited file: PUT …/table/{id}?branch= with the script.
    const edited = (item.xanoscript.value as string).replace('    text title filters=trim\n', '    text title filters=trim\n    text isbn?\n');
    expect(edited).toContain('isbn');
    const pushed = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}?branch=`, edited, XS);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const after = await s.request('GET', `/api:meta/workspace/${ws}/table/${id}?branch=&include_xanoscript=true`);
    expect(after.body.xanoscript.value).toBe(edited);
    // A push the server refuses: the CLI shows `message`.
    const refused = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}?branch=`, edited.replace('text isbn?', 'text isbn? filters=bogus'), XS);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/unknown filter \[bogus\]/);
  });

  it('a push keeps the enum labels the JSON endpoints set (XanoScript lists values only), for values still listed', async () => {
    const ws = await workspace('xs_labels');
    const id = (await s.request('POST', `/api:meta/workspace/${ws}/table`, BOOKS, XS)).body.id as number;
    const schema = (await api.ok('GET', `/workspace/${ws}/table/${id}/schema`)) as Array<Record<string, unknown>>;
    const labelled = schema.map((c) => (c.name === 'status' ? { ...c, values: [{ value: 'in', label: 'On the shelf' }, { value: 'out', label: 'Lent out' }] } : c));
    await api.ok('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: labelled });
    const pulled = (await script(ws, id)).value as string;
    const pushed = pulled.replace('values = ["in", "out"]', 'values = ["in", "out", "lost"]');
    expect(pushed).not.toBe(pulled);
    expect((await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}`, pushed, XS)).status).toBe(200);
    const status = ((await api.ok('GET', `/workspace/${ws}/table/${id}/schema`)) as Array<Record<string, unknown>>).find((c) => c.name === 'status');
    expect(status?.values).toEqual([{ value: 'in', label: 'On the shelf' }, { value: 'out', label: 'Lent out' }, { value: 'lost' }]);
  });

  it('PUT …/table/{id} also takes the JSON definition; any charset parameter and an empty script are handled; the data API does not take XanoScript', async () => {
    const ws = await workspace('xs_json');
    const id = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'items', schema: [{ name: 'id', type: 'int' }, { name: 'label', type: 'text' }] })).id as number;
    const put = await api.ok('PUT', `/workspace/${ws}/table/${id}`, {
      description: 'Things', tag: ['x'], schema: [{ name: 'id', type: 'int' }, { name: 'label', type: 'text' }, { name: 'qty', type: 'int', default: 1 }],
      index: [{ type: 'btree', fields: [{ name: 'qty', op: 'desc' }] }],
    });
    expect(put).toMatchObject({ id, name: 'items', description: 'Things', tag: ['x'] });
    expect(put).not.toHaveProperty('xanoscript');
    expect((await script(ws, id)).value).toContain('    int? qty?=1\n');
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}`, { schema: [{ name: 'id', type: 'int' }, { name: 'label', type: 'bogus' }] }), 400, 'schema.1.type');

    const charset = await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}`, (await script(ws, id)).value, { ...XS, 'content-type': 'text/x-xanoscript; charset=utf-8' });
    expect(charset.status, JSON.stringify(charset.body)).toBe(200);
    expectXanoError(await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}`, '', XS), 400, 'body', /^XanoScript line 1, column 1: expected "table"/);
    expectXanoError(await s.request('PUT', `/api:meta/workspace/${ws}/table/${id}/schema`, 'table items {}', XS), 400);
    // Outside /api:meta the content type is unknown: the data API answers 415 in its own envelope.
    const data = await s.request('POST', '/db/xs_json:main/tables/items/data', 'table items {}', XS);
    expect(data.status).toBe(415);
    expect(data.body).toMatchObject({ message: expect.any(String) });
    expect(data.body).not.toHaveProperty('code');
  });

  it('a script larger than BODY_LIMIT is refused as an input error, nothing created', async () => {
    const small = await startStrata(engine, { bodyLimit: 2048 });
    try {
      const id = (await small.request('POST', '/api:meta/workspace', { name: 'xs_limit' })).body.id as number;
      const fields = Array.from({ length: 200 }, (_, i) => `    text column_${i}?`).join('\n');
      const big = `table huge {\n  schema {\n    int id\n${fields}\n  }\n}\n`;
      expect(big.length).toBeGreaterThan(2048);
      expectXanoError(await small.request('POST', `/api:meta/workspace/${id}/table`, big, XS), 400, 'body', 'request body is too large');
      expect((await small.request('GET', `/api:meta/workspace/${id}/table`)).body.items).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('GET → PUT of the script is an identity for every Xano type and for a table the data API made (no migration, updated_at kept)', async () => {
    const ws = await workspace('xs_identity');
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'targets' });
    const all = `table every_type {
  auth = true
  schema {
    int id
    text c_text?="x" filters=trim|max:5 {
      description = "short"
      format = "markdown"
    }
    int c_int=3 filters=min:0
    decimal? c_decimal?=1.5
    bool? c_bool?=true
    timestamp? c_timestamp?=now
    date? c_date?
    email? c_email? {
      visibility = "internal"
    }
    password? c_password? filters=min:8 {
      sensitive = true
    }
    enum? c_enum?="a" {
      values = ["a", "b"]
    }
    json? c_json?
    object? c_object? {
      schema {
        text? label?
        enum? kind? {
          values = ["x"]
        }
      }
    }
    uuid? c_uuid?
    vector? c_vector? filters=min:-1|max:1 {
      size = 2
    }
    image? c_image?
    video? c_video?
    audio? c_audio?
    attachment? c_attachment?
    int? c_ref? {
      table = "targets"
    }
    geo_point? c_point?
    geo_multipoint? c_multipoint?
    geo_linestring? c_line?
    geo_multilinestring? c_multiline?
    geo_polygon? c_polygon?
    geo_multipolygon? c_multipolygon?
    text[]? l_text?
    int[]? l_int?
    object[]? l_object? {
      schema {
        int? n?
        text[]? tags?
      }
    }
  }
}
`;
    const created = await s.request('POST', `/api:meta/workspace/${ws}/table`, all, XS);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // The data API makes one too: string/int/bool/datetime/multiple/json/link/file columns and text ids.
    expect((await s.request('PUT', '/db/xs_identity:main/tables/from_data', {
      columns: [{ name: 'title', type: 'string' }, { name: 'n', type: 'int', notNull: true, defaultValue: '0' }, { name: 'ok', type: 'bool' }, { name: 'at', type: 'datetime' },
        { name: 'tags', type: 'multiple' }, { name: 'meta', type: 'json' }, { name: 'owner', type: 'link', link: { table: 'targets' } }, { name: 'doc', type: 'file' }],
    })).status).toBe(201);
    // And the JSON endpoints, with the spellings XanoScript has one word for (filters.trim, a tableref).
    const targets = (await api.ok('GET', `/workspace/${ws}/table?search=targets`)).items[0].id as number;
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'json_made', schema: [
      { name: 'id', type: 'int' }, { name: 'label', type: 'text', filters: { trim: true, max: 5 } }, { name: 'mail', type: 'email', validators: { lower: true } },
      { name: 'ref', type: 'tableref', tableref_id: targets }, { name: 'group', type: 'object', children: [{ name: 'inner', type: 'text', filters: { lower: true } }] },
    ] });
    const tables = (await api.ok('GET', `/workspace/${ws}/table?include_xanoscript=true`)).items as Array<{ id: number; name: string; updated_at: string; xanoscript: { value: string } }>;
    const migrations = async () => (await s.request('GET', '/db/xs_identity:main/migrations')).body.migrations.length as number;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // updated_at has second resolution
    for (const name of ['every_type', 'from_data', 'json_made']) {
      const table = tables.find((t) => t.name === name)!;
      const schema = await api.ok('GET', `/workspace/${ws}/table/${table.id}/schema`);
      const log = await migrations();
      const put = await s.request('PUT', `/api:meta/workspace/${ws}/table/${table.id}?include_xanoscript=true`, table.xanoscript.value, XS);
      expect(put.status, `${name}: ${JSON.stringify(put.body)}`).toBe(200);
      expect(put.body.xanoscript.value).toBe(table.xanoscript.value);
      expect(put.body.updated_at, name).toBe(table.updated_at);
      expect(await migrations()).toBe(log);
      expect(await api.ok('GET', `/workspace/${ws}/table/${table.id}/schema`)).toEqual(schema);
    }
    const fromData = tables.find((t) => t.name === 'from_data')!.xanoscript.value;
    expect(fromData).toContain('    text id\n');
    expect(fromData).toContain('    int n=0\n');
  });
});
