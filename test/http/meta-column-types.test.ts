import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { xanoRecordFormat } from '../../src/http/meta-api/xano-record-format.js';

/**
 * Every Xano column type (and list styles), created through the Metadata API and written
 * through the data API: the physical column the data API sees, valid values stored (and
 * normalised), invalid ones refused with 400. The rules live in the core, so either API's
 * writes obey them.
 */
interface Case {
  /** Column name (unique per case). */
  name: string;
  type: string;
  options?: Record<string, unknown>;
  /** The data API's column type. */
  physical: string;
  /** [input, what the data API returns] pairs; `expect.*` matchers allowed. */
  valid: Array<[unknown, unknown]>;
  invalid: unknown[];
}

const file = (extra: Record<string, unknown>) => ({ path: '/media/x/file', name: 'file', size: 10, ...extra });
const json = (value: unknown) => JSON.stringify(value);

const CASES: Case[] = [
  { name: 'c_text', type: 'text', options: { filters: { trim: true, lower: true, max: 5 } }, physical: 'text', valid: [['  AbC ', 'abc']], invalid: ['much too long', 5, ['a']] },
  { name: 'c_text_chars', type: 'text', options: { filters: { digitOk: false, ok: '-', startsWith: 'x' } }, physical: 'text', valid: [['x-ab', 'x-ab']], invalid: ['x1', 'x a', 'ab'] },
  { name: 'c_text_pattern', type: 'text', options: { filters: { pattern: '^[a-z]+$', min: 2 } }, physical: 'text', valid: [['abc', 'abc']], invalid: ['Abc', 'a'] },
  { name: 'c_int', type: 'int', options: { filters: { min: 0, max: 10 } }, physical: 'int', valid: [[3, 3], [10, 10]], invalid: [-1, 11, 1.5, 'x'] },
  { name: 'c_decimal', type: 'decimal', options: { filters: { min: 0 } }, physical: 'float', valid: [[1.5, 1.5]], invalid: [-0.1, 'x'] },
  { name: 'c_bool', type: 'bool', physical: 'bool', valid: [[true, true]], invalid: ['yes', 1] },
  { name: 'c_timestamp', type: 'timestamp', physical: 'datetime', valid: [['2024-01-31T12:00:00Z', '2024-01-31T12:00:00.000Z']], invalid: ['yesterday', '2024-02-30T00:00:00Z'] },
  { name: 'c_date', type: 'date', physical: 'string', valid: [['2024-02-29', '2024-02-29']], invalid: ['2023-02-29', '2024-1-1', '2024-01-01T00:00:00Z'] },
  { name: 'c_email', type: 'email', physical: 'email', valid: [['a@b.co', 'a@b.co']], invalid: ['nope', 'a@b'] },
  { name: 'c_password', type: 'password', options: { filters: { min: 8, minDigit: 1, minSymbol: 1, minUpperAlpha: 1 } }, physical: 'string', valid: [['Abcdefg1!', expect.stringMatching(/^scrypt\$/)]], invalid: ['Short1!', 'Abcdefgh!', 'abcdefg1!', 12345678] },
  { name: 'c_enum', type: 'enum', options: { values: ['draft', 'live'] }, physical: 'string', valid: [['live', 'live']], invalid: ['dead', 'Live', 1] },
  { name: 'c_json', type: 'json', physical: 'json', valid: [[{ a: [1, 2] }, json({ a: [1, 2] })], ['[1,2]', json([1, 2])]], invalid: ['{not json'] },
  {
    name: 'c_object', type: 'object', physical: 'object',
    options: { children: [{ name: 'label', type: 'text', filters: { trim: true } }, { name: 'score', type: 'int', filters: { max: 10 } }, { name: 'kind', type: 'enum', values: ['a', 'b'] }] },
    valid: [[{ label: ' x ', score: 3, kind: 'a' }, { label: 'x', score: 3, kind: 'a' }]], invalid: [{ score: 11 }, { label: 5 }, { kind: 'c' }, { other: 1 }, 'flat'],
  },
  { name: 'c_uuid', type: 'uuid', physical: 'string', valid: [['123E4567-E89B-12D3-A456-426614174000', '123e4567-e89b-12d3-a456-426614174000']], invalid: ['not-a-uuid', '123e4567e89b12d3a456426614174000'] },
  { name: 'c_vector', type: 'vector', options: { vector: { size: 3 }, filters: { min: -1, max: 1 } }, physical: 'vector', valid: [[[0.1, 0.2, -0.3], [0.1, 0.2, -0.3]]], invalid: [[1, 0], [0, 0, 2], 'x'] },
  { name: 'c_image', type: 'image', physical: 'json', valid: [[file({ type: 'image', mime: 'image/png' }), json(file({ type: 'image', mime: 'image/png' }))]], invalid: [{ name: 'no path' }, file({ mime: 'audio/mpeg' }), file({ type: 'video' }), 'a.png'] },
  { name: 'c_video', type: 'video', physical: 'json', valid: [[file({ mime: 'video/mp4' }), json(file({ mime: 'video/mp4' }))]], invalid: [file({ mime: 'image/png' })] },
  { name: 'c_audio', type: 'audio', physical: 'json', valid: [[file({ type: 'audio', mime: 'audio/mpeg' }), json(file({ type: 'audio', mime: 'audio/mpeg' }))]], invalid: [file({ type: 'image' })] },
  { name: 'c_attachment', type: 'attachment', physical: 'json', valid: [[file({ mime: 'application/pdf', access: 'private', meta: { pages: 2 } }), expect.any(String)]], invalid: [file({ size: -1 }), file({ access: 'secret' }), file({ color: 'red' }), []] },
  { name: 'c_point', type: 'geo_point', physical: 'json', valid: [[{ type: 'Point', coordinates: [13.4, 52.5] }, json({ type: 'Point', coordinates: [13.4, 52.5] })]], invalid: [{ type: 'Point', coordinates: [200, 0] }, { type: 'Point', coordinates: [0] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, [13.4, 52.5]] },
  { name: 'c_multipoint', type: 'geo_multipoint', physical: 'json', valid: [[{ type: 'MultiPoint', coordinates: [[0, 0], [1, 1]] }, expect.any(String)]], invalid: [{ type: 'MultiPoint', coordinates: [0, 0] }] },
  { name: 'c_line', type: 'geo_linestring', physical: 'json', valid: [[{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, expect.any(String)]], invalid: [{ type: 'LineString', coordinates: [[0, 0]] }] },
  { name: 'c_multiline', type: 'geo_multilinestring', physical: 'json', valid: [[{ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }, expect.any(String)]], invalid: [{ type: 'MultiLineString', coordinates: [[[0, 0]]] }] },
  { name: 'c_polygon', type: 'geo_polygon', physical: 'json', valid: [[{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, expect.any(String)]], invalid: [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, { type: 'Polygon', coordinates: [] }] },
  { name: 'c_multipolygon', type: 'geo_multipolygon', physical: 'json', valid: [[{ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }, expect.any(String)]], invalid: [{ type: 'MultiPolygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }] },
  // Lists: string-like types are `multiple` columns, the others json arrays; each element obeys the type's rules.
  { name: 'l_text', type: 'text', options: { style: 'list', filters: { upper: true } }, physical: 'multiple', valid: [[['a', 'b'], ['A', 'B']]], invalid: [['a', 1], 'a'] },
  { name: 'l_enum', type: 'enum', options: { style: 'list', values: ['x', 'y'] }, physical: 'multiple', valid: [[['x', 'y', 'x'], ['x', 'y', 'x']]], invalid: [['z']] },
  { name: 'l_int', type: 'int', options: { style: 'list', filters: { min: 1 } }, physical: 'json', valid: [[[1, 2], json([1, 2])]], invalid: [[1, 'x'], [0], 5] },
  { name: 'l_timestamp', type: 'timestamp', options: { style: 'list' }, physical: 'json', valid: [[['2024-01-31T12:00:00Z', 1700000000000], json([1706702400000, 1700000000000])]], invalid: [['soon']] },
  { name: 'l_object', type: 'object', options: { style: 'list', children: [{ name: 'n', type: 'int' }, { name: 'tags', type: 'text', style: 'list' }] }, physical: 'json', valid: [[[{ n: 1, tags: ['a'] }, { n: 2 }], json([{ n: 1, tags: ['a'] }, { n: 2 }])]], invalid: [[{ m: 1 }], [{ n: 'x' }], [{ tags: 'a' }]] },
  { name: 'l_point', type: 'geo_point', options: { style: 'list' }, physical: 'json', valid: [[[{ type: 'Point', coordinates: [1, 2] }], expect.any(String)]], invalid: [[{ type: 'Point', coordinates: [1, 200] }]] },
];

describeEachEngine('Metadata API: the 25 column types, written through the data API', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let tableId: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'types' })).id;
    tableId = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'values' })).id;
  });
  afterAll(async () => { await s?.close(); });

  const insert = (record: Record<string, unknown>) => s.request('POST', '/db/types:main/tables/values/data', record);

  it('covers every Xano type', () => {
    const types = new Set(CASES.map((c) => c.type));
    expect([...types].sort()).toEqual(['attachment', 'audio', 'bool', 'date', 'decimal', 'email', 'enum', 'geo_linestring', 'geo_multilinestring', 'geo_multipoint', 'geo_multipolygon', 'geo_point', 'geo_polygon',
      'image', 'int', 'json', 'object', 'password', 'text', 'timestamp', 'uuid', 'vector', 'video'].sort());
  });

  for (const c of CASES) {
    it(`${c.type}${c.options?.style === 'list' ? ' list' : ''} (${c.name}): stored as ${c.physical}; valid values kept, invalid ones refused`, async () => {
      expect(await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/${c.type}`, { name: c.name, ...c.options })).toEqual({ name: c.name });
      const described = await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/${c.name}`);
      expect(described).toMatchObject({ name: c.name, type: c.type, style: c.options?.style ?? 'single', nullable: true, required: false, access: 'public', sensitive: false });
      const dataColumn = (await s.request('GET', `/db/types:main/tables/values/columns/${c.name}`)).body;
      expect(dataColumn.type).toBe(c.physical);
      expect(dataColumn.xano).toBeUndefined();

      for (const [input, output] of c.valid) {
        const res = await insert({ [c.name]: input });
        expect(res.status, `${c.name} ← ${JSON.stringify(input)}: ${JSON.stringify(res.body)}`).toBe(201);
        // json travels as JSON text; PostgreSQL's jsonb does not keep key order, so compare parsed.
        if (c.physical === 'json' && typeof output === 'string') expect(JSON.parse(res.body[c.name])).toEqual(JSON.parse(output));
        else expect(res.body[c.name]).toEqual(output);
      }
      for (const input of c.invalid) {
        const res = await insert({ [c.name]: input });
        expect(res.status, `${c.name} ← ${JSON.stringify(input)} should be refused: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.message).toMatch(new RegExp(`column \\[${c.name}`));
      }
    });
  }

  it('text options come back in the descriptor: filters, format, enum values, vector size', async () => {
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_text`)).toMatchObject({ filters: { trim: true, lower: true, max: 5 } });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_enum`)).toMatchObject({ values: ['draft', 'live'] });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_vector`)).toMatchObject({ vector: { size: 3 }, filters: { min: -1, max: 1 } });
    const object = await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_object`);
    expect(object.children.map((child: { name: string; type: string }) => `${child.name}:${child.type}`)).toEqual(['label:text', 'score:int', 'kind:enum']);
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_object.kind`)).toMatchObject({ type: 'enum', values: ['a', 'b'] });
    const list = await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/l_object`);
    expect(list.children).toEqual([expect.objectContaining({ name: 'n', type: 'int' }), expect.objectContaining({ name: 'tags', type: 'text', style: 'list' })]);
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/text`, { name: 'c_md', format: 'markdown', description: 'Body text', access: 'private', sensitive: true });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/c_md`)).toMatchObject({ format: 'markdown', description: 'Body text', access: 'private', sensitive: true });
  });

  it('passwords are stored hashed, never in clear, whichever API reads them; updates hash again', async () => {
    const created = await insert({ c_password: 'Secret-pass1' });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('Secret-pass1');
    const read = await s.request('GET', `/db/types:main/tables/values/data/${created.body.id}`);
    expect(read.body.c_password).toMatch(/^scrypt\$16384\$8\$1\$/);
    const updated = await s.request('PATCH', `/db/types:main/tables/values/data/${created.body.id}`, { c_password: 'Other-pass2' });
    expect(updated.body.c_password).toMatch(/^scrypt\$/);
    expect(updated.body.c_password).not.toBe(read.body.c_password);
    // The Metadata API's record dialect leaves password columns out altogether.
    const ctx = await s.strata.databases.resolve('types', 'main');
    const xano = await s.strata.records.get(ctx, 'values', String(created.body.id), { format: xanoRecordFormat });
    expect(xano.id).toBe(Number(created.body.id));
    expect(JSON.parse(JSON.stringify(xano))).not.toHaveProperty('c_password'); // undefined: not serialised
  });

  it('defaults are checked against the type\'s rules and applied on insert', async () => {
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/enum`, { name: 'd_enum', values: ['a', 'b'], default: 'b' });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/int`, { name: 'd_int', default: 7, filters: { max: 10 } });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/bool`, { name: 'd_bool', default: true });
    const res = await insert({});
    expect(res.body).toMatchObject({ d_enum: 'b', d_int: 7, d_bool: true });
    expect((await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/d_int`)).default).toBe('7');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/enum`, { name: 'd_bad', values: ['a'], default: 'z' }), 400);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/int`, { name: 'd_bad', default: 11, filters: { max: 10 } }), 400);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/json`, { name: 'd_bad', default: '{}' }), 400, 'default');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/text`, { name: 'd_bad', style: 'list', default: 'x' }), 400, 'default');
  });

  it('nullable: false refuses an explicit null; required: true needs a value on insert (or the default)', async () => {
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/text`, { name: 'n_text', nullable: false });
    const nulled = await insert({ n_text: null });
    expect(nulled.status).toBe(400);
    expect(nulled.body.message).toBe('column [n_text]: value is required (the column is not nullable)');
    expect((await insert({ n_text: 'ok' })).status).toBe(201);

    const other = await api.ok('POST', `/workspace/${ws}`.replace(`/${ws}`, `/${ws}/table`), { name: 'required_things' });
    await api.ok('POST', `/workspace/${ws}/table/${other.id}/schema/type/int`, { name: 'qty', required: true });
    const missing = await s.request('POST', '/db/types:main/tables/required_things/data', {});
    expect({ status: missing.status, message: missing.body.message }).toEqual({ status: 400, message: 'column [qty]: value is required (the column is required)' });
    expect((await s.request('POST', '/db/types:main/tables/required_things/data', { qty: 1 })).status).toBe(201);
    await api.ok('POST', `/workspace/${ws}/table/${other.id}/schema/type/int`, { name: 'qty2', required: true, default: 4 });
    expect((await s.request('POST', '/db/types:main/tables/required_things/data', { qty: 2 })).body.qty2).toBe(4);
  });

  it('tableref links to an integer-id table, tablerefuuid to a text-id table; targets must exist', async () => {
    const target = await api.ok('POST', `/workspace/${ws}/table`, { name: 'int_target' });
    expect((await s.request('POST', '/db/types:main/tables/int_target/data', {})).body.id).toBe('1');
    expect((await s.request('PUT', '/db/types:main/tables/str_target', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/types:main/tables/str_target/data/rec_one', {})).status).toBe(201);
    const strTarget = (await api.ok('GET', `/workspace/${ws}/table?search=str_target`)).items[0];

    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/tableref`, { name: 'r_int', tableref_id: target.id });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/tablerefuuid`, { name: 'r_str', tableref_id: strTarget.id });
    await api.ok('POST', `/workspace/${ws}/table/${tableId}/schema/type/tableref`, { name: 'r_list', tableref_id: target.id, style: 'list' });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/r_int`)).toMatchObject({ type: 'tableref', tableref_id: target.id });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/r_str`)).toMatchObject({ type: 'tablerefuuid', tableref_id: strTarget.id });
    expect(await api.ok('GET', `/workspace/${ws}/table/${tableId}/schema/r_list`)).toMatchObject({ type: 'tableref', style: 'list', tableref_id: target.id });
    const columns = (await s.request('GET', '/db/types:main/tables/values/columns')).body.columns;
    expect(columns.find((c: { name: string }) => c.name === 'r_int')).toEqual({ name: 'r_int', type: 'link', link: { table: 'int_target' } });
    expect(columns.find((c: { name: string }) => c.name === 'r_list')).toEqual({ name: 'r_list', type: 'json' });

    const ok = await insert({ r_int: 1, r_str: 'rec_one', r_list: [1, 2] });
    expect({ status: ok.status, r_int: ok.body.r_int, r_str: ok.body.r_str, r_list: ok.body.r_list }).toEqual({ status: 201, r_int: { id: '1' }, r_str: { id: 'rec_one' }, r_list: '[1,2]' });
    for (const bad of [{ r_int: 99 }, { r_int: 'abc' }, { r_str: 'ghost' }, { r_list: [0] }, { r_list: ['x'] }]) {
      expect((await insert(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    // The wrong kind of target, or none.
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/tableref`, { name: 'r_bad', tableref_id: strTarget.id }), 400, 'tableref_id');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/tablerefuuid`, { name: 'r_bad', tableref_id: target.id }), 400, 'tableref_id');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/tableref`, { name: 'r_bad', tableref_id: 999 }), 400, 'tableref_id');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/tableref`, { name: 'r_bad' }), 400, 'tableref_id');
  });

  it('refuses bad column definitions with the param named', async () => {
    const add = (type: string, body: unknown) => api.call('POST', `/workspace/${ws}/table/${tableId}/schema/type/${type}`, body);
    expectXanoError(await add('text', {}), 400, 'name', 'Missing param: name');
    expectXanoError(await add('text', { name: 'bad name' }), 400, 'name');
    expectXanoError(await add('text', { name: 'c_text' }), 400, undefined, 'column [c_text] already exists in table [values]');
    expectXanoError(await add('text', { name: 'x_style', style: 'many' }), 400, 'style');
    expectXanoError(await add('text', { name: 'x_access', access: 'secret' }), 400, 'access');
    expectXanoError(await add('text', { name: 'x_filter', filters: { shout: true } }), 400, 'filters.shout');
    expectXanoError(await add('text', { name: 'x_pattern', filters: { pattern: '(' } }), 400, 'filters.pattern');
    expectXanoError(await add('enum', { name: 'x_enum' }), 400, 'values');
    expectXanoError(await add('enum', { name: 'x_enum', values: ['a', 'a'] }), 400, 'values');
    expectXanoError(await add('object', { name: 'x_object', children: [] }), 400, 'children');
    expectXanoError(await add('object', { name: 'x_object', children: [{ name: 'a', type: 'nope' }] }), 400);
    expectXanoError(await add('vector', { name: 'x_vector', vector: { size: 1 } }), 400, 'vector.size');
    expectXanoError(await add('password', { name: 'x_password', style: 'list' }), 400, 'style');
    expectXanoError(await add('nope', { name: 'x' }), 404);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/999/schema/type/text`, { name: 'x' }), 404, undefined, 'table [999] not found');
  });
});
