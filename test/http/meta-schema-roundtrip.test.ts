import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * `GET …/schema` then `PUT …/schema` with exactly that answer is an identity: 200, the same
 * schema, no migration, records and file bytes untouched. For tables made by the data API
 * (Xata types read as their nearest Xano types) and by the Metadata API (all 25 Xano types).
 */
const BRANCH = '/db/roundtrip:main';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000003000000020806000000', 'hex');

describeEachEngine('Metadata API: schema GET → PUT round trip', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'roundtrip' })).id;
  });
  afterAll(async () => { s?.app.server.closeAllConnections(); await s?.close(); });

  const tableId = async (name: string) => (await api.ok('GET', `/workspace/${ws}/table?search=${name}`)).items.find((t: { name: string }) => t.name === name).id as number;
  const schemaPath = (id: number) => `/workspace/${ws}/table/${id}/schema`;
  const migrations = async () => (await s.request('GET', `${BRANCH}/migrations`)).body.migrations.length as number;
  const dataSchema = async (name: string) => (await s.request('GET', `${BRANCH}/tables/${name}/schema`)).body;
  // A signed URL carries its expiry (whole seconds from now): two reads a second apart differ there only.
  const records = async (name: string) => JSON.parse(JSON.stringify((await s.request('POST', `${BRANCH}/tables/${name}/query`, { sort: [{ 'xata.createdAt': 'asc' }] })).body.records)
    .replace(/expires=\d+&verify=[^"&]+/g, 'expires=…&verify=…'));

  /** PUTs the GET's answer back and checks nothing changed (schema both ways, migration log, records). */
  async function expectIdentity(table: string): Promise<void> {
    const id = await tableId(table);
    const tableMeta = () => api.ok('GET', `/workspace/${ws}/table/${id}`);
    const before = { meta: await api.ok('GET', schemaPath(id)), data: await dataSchema(table), rows: await records(table), log: await migrations(), table: await tableMeta() };
    const put = await api.call('PUT', schemaPath(id), { schema: before.meta });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(before.meta);
    expect(await api.ok('GET', schemaPath(id))).toEqual(before.meta);
    expect(await dataSchema(table)).toEqual(before.data);
    expect(await migrations()).toBe(before.log);
    expect(await records(table)).toEqual(before.rows);
    expect((await tableMeta()).updated_at).toBe(before.table.updated_at);
  }

  it('a table made by the data API, one column of every Xata type, with records and files', async () => {
    expect((await s.request('PUT', `${BRANCH}/tables/people`, { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    const created = await s.request('PUT', `${BRANCH}/tables/every_xata`, { columns: [
      { name: 's', type: 'string', notNull: true, defaultValue: 'none' }, { name: 'u', type: 'string', unique: true },
      { name: 't', type: 'text' }, { name: 'i', type: 'int', defaultValue: '7' }, { name: 'f', type: 'float' },
      { name: 'b', type: 'bool', defaultValue: 'false' }, { name: 'd', type: 'datetime' }, { name: 'e', type: 'email' },
      { name: 'who', type: 'link', link: { table: 'people' } }, { name: 'm', type: 'multiple' }, { name: 'j', type: 'json' },
      { name: 'v', type: 'vector', vector: { dimension: 3 } }, { name: 'doc', type: 'file' }, { name: 'pics', type: 'file[]' },
      { name: 'o', type: 'object', columns: [{ name: 'x', type: 'int' }, { name: 'y', type: 'string' }] },
    ] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const person = await s.request('POST', `${BRANCH}/tables/people/data`, { name: 'Ada' });
    const full = await s.request('POST', `${BRANCH}/tables/every_xata/data`, {
      s: 'one', u: 'u1', t: 'long text', i: 1, f: 1.5, b: true, d: '2024-01-31T12:00:00Z', e: 'a@b.co', who: person.body.id,
      m: ['a', 'b'], j: { k: [1] }, v: [0.1, 0.2, 0.3], o: { x: 1, y: 'y' },
      doc: { name: 'hello.txt', mediaType: 'text/plain', base64Content: Buffer.from('hello').toString('base64') },
      pics: [{ name: 'p.png', mediaType: 'image/png', base64Content: PNG.toString('base64') }],
    });
    expect(full.status, JSON.stringify(full.body)).toBe(201);
    expect((await s.request('POST', `${BRANCH}/tables/every_xata/data`, {})).status).toBe(201);

    const schema = await api.ok('GET', schemaPath(await tableId('every_xata')));
    expect(schema.map((c: { name: string; type: string; style: string }) => `${c.name}:${c.type}${c.style === 'list' ? '[]' : ''}`)).toEqual([
      'id:text', 's:text', 'u:text', 't:text', 'i:int', 'f:decimal', 'b:bool', 'd:timestamp', 'e:email', 'who:tablerefuuid',
      'm:text[]', 'j:json', 'v:vector', 'doc:attachment', 'pics:attachment[]', 'o:object',
    ]);
    await expectIdentity('every_xata');

    const record = `${BRANCH}/tables/every_xata/data/${full.body.id}`;
    expect(await s.download(`${record}/column/doc/file`)).toMatchObject({ status: 200, bytes: Buffer.from('hello') });
    expect(await s.download(`${record}/column/pics/file/${full.body.pics[0].id}`)).toMatchObject({ status: 200, bytes: PNG });
    // The physical constraints the Xano descriptor cannot show are kept too.
    expect((await s.request('POST', `${BRANCH}/tables/every_xata/data`, { u: 'u1' })).status).toBe(422);
  });

  it('a table made by the Metadata API with all 25 Xano types (and lists) round-trips', async () => {
    const target = await api.ok('POST', `/workspace/${ws}/table`, { name: 'targets' });
    const uuidTarget = await tableId('people');
    const col = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });
    const schema = [
      col('c_text', 'text', { filters: { trim: true, max: 5 }, format: 'markdown', description: 'short', default: 'x' }),
      col('c_int', 'int', { filters: { min: 0 }, default: 3, nullable: false, required: true }),
      col('c_decimal', 'decimal', { default: 1.5 }), col('c_bool', 'bool', { default: true }),
      col('c_timestamp', 'timestamp', { default: 'now' }), col('c_date', 'date'), col('c_email', 'email', { access: 'private' }),
      col('c_password', 'password', { filters: { min: 8 }, sensitive: true }), col('c_enum', 'enum', { values: ['a', 'b'], default: 'a' }),
      col('c_json', 'json'), col('c_object', 'object', { children: [col('label', 'text'), col('kind', 'enum', { values: ['x'] })] }),
      col('c_uuid', 'uuid'), col('c_vector', 'vector', { vector: { size: 2 }, filters: { min: -1, max: 1 } }),
      col('c_image', 'image'), col('c_video', 'video'), col('c_audio', 'audio'), col('c_attachment', 'attachment'),
      col('c_ref', 'tableref', { tableref_id: target.id }), col('c_refuuid', 'tablerefuuid', { tableref_id: uuidTarget }),
      col('c_point', 'geo_point'), col('c_multipoint', 'geo_multipoint'), col('c_line', 'geo_linestring'),
      col('c_multiline', 'geo_multilinestring'), col('c_polygon', 'geo_polygon'), col('c_multipolygon', 'geo_multipolygon'),
      col('l_text', 'text', { style: 'list' }), col('l_enum', 'enum', { style: 'list', values: ['p', 'q'] }), col('l_int', 'int', { style: 'list' }),
      col('l_object', 'object', { style: 'list', children: [col('n', 'int'), col('tags', 'text', { style: 'list' })] }),
      col('l_ref', 'tableref', { style: 'list', tableref_id: target.id }), col('l_attachment', 'attachment', { style: 'list' }),
    ];
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'every_xano', schema });
    const types = new Set((await api.ok('GET', schemaPath(await tableId('every_xano')))).map((c: { type: string }) => c.type));
    expect(types.size).toBe(25);
    const ref = await s.request('POST', `${BRANCH}/tables/targets/data`, {});
    const row = await s.request('POST', `${BRANCH}/tables/every_xano/data`, {
      c_text: 'ab', c_int: 1, c_password: 'Secret-pass1', c_enum: 'b', c_object: { label: 'l', kind: 'x' }, c_vector: [0.5, -0.5],
      c_image: { path: '/x/i.png', name: 'i.png', size: 3, type: 'image', mime: 'image/png' }, c_ref: Number(ref.body.id),
      c_point: { type: 'Point', coordinates: [1, 2] }, l_text: ['a'], l_int: [1, 2], l_object: [{ n: 1, tags: ['t'] }], l_ref: [Number(ref.body.id)],
    });
    expect(row.status, JSON.stringify(row.body)).toBe(201);
    await expectIdentity('every_xano');
  });

  it('a PUT that changes a data API column\'s options keeps its Xata type; a real type change is still refused', async () => {
    const id = await tableId('every_xata');
    const schema = await api.ok('GET', schemaPath(id)) as Array<Record<string, unknown>>;
    const edited = schema.map((c) => (c.name === 's' || c.name === 'u' ? { ...c, description: 'edited' } : c));
    expect(await api.ok('PUT', schemaPath(id), { schema: edited })).toEqual(edited);
    const columns = (await dataSchema('every_xata')).columns as Array<{ name: string; type: string; notNull?: boolean; unique?: boolean }>;
    expect(columns.find((c) => c.name === 's')).toMatchObject({ type: 'string', notNull: true });
    expect(columns.find((c) => c.name === 'u')).toMatchObject({ type: 'string', unique: true });
    await expectIdentity('every_xata');
    // Back to the options it had: still a string, still NOT NULL and unique.
    expect(await api.ok('PUT', schemaPath(id), { schema })).toEqual(schema);
    expect(await dataSchema('every_xata')).toMatchObject({ columns: expect.arrayContaining([
      expect.objectContaining({ name: 's', type: 'string', notNull: true }), expect.objectContaining({ name: 'u', type: 'string', unique: true }),
    ]) });

    // An object's field too: its Xata type stays.
    const child = schema.map((c) => (c.name === 'o' ? { ...c, children: (c.children as Array<Record<string, unknown>>).map((f) => (f.name === 'y' ? { ...f, description: 'why' } : f)) } : c));
    expect(await api.ok('PUT', schemaPath(id), { schema: child })).toEqual(child);
    expect((await s.request('GET', `${BRANCH}/tables/every_xata/columns/o`)).body.columns).toEqual([{ name: 'x', type: 'int' }, { name: 'y', type: 'string' }]);

    const retyped = schema.map((c) => (c.name === 'pics' ? { ...c, type: 'image' } : c));
    expectXanoError(await api.call('PUT', schemaPath(id), { schema: retyped }), 400, undefined, /pics/);
    const fileOptions = schema.map((c) => (c.name === 'pics' ? { ...c, description: 'photos' } : c));
    expectXanoError(await api.call('PUT', schemaPath(id), { schema: fileOptions }), 400, undefined, /pics/);
  });
});
