import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseScopes } from '../../src/core/auth/scopes.js';
import { describeEachEngine } from '../support/engines.js';
import { engineCatalog, type EngineCatalog } from '../support/engine-indexes.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * The Metadata API's indexes over real HTTP, checked against the engine's own catalog
 * (sqlite_master and pragmas, pg_index): btree and unique are real indexes with their
 * columns, order and uniqueness; changes are transactional; renames and column drops follow.
 */
const ID = /^[0-9a-f]{8}$/;
const PRIMARY = { id: 'primary', type: 'primary', fields: [{ name: 'id', op: 'asc' }] };

describeEachEngine('Metadata API: indexes', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  beforeAll(async () => { s = await startStrata(engine); api = metaClient(s); });
  afterAll(async () => { await s?.close(); });

  /** A workspace with one table of the given Xano schema; returns their ids and the live branch's engine catalog. */
  async function setup(name: string, schema: unknown[], index?: unknown[]) {
    const ws = (await api.ok('POST', '/workspace', { name })).id as number;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'people', schema: [{ name: 'id', type: 'int' }, ...schema], ...(index ? { index } : {}) })).id as number;
    const ctx = await s.strata.databases.resolve(name, 'main');
    const catalog = await engineCatalog(s.config, ctx.branch.id);
    closers.push(catalog);
    return { ws, table, base: `/workspace/${ws}/table/${table}/index`, catalog, db: name };
  }
  const closers: EngineCatalog[] = [];
  afterAll(async () => { for (const c of closers) await c.close(); });
  const insert = (db: string, record: unknown) => s.request('POST', `/db/${db}:main/tables/people/data`, record);
  const columnsOf = (ix: { columns: Array<{ name: string; desc: boolean }> }) => ix.columns.map((c) => `${c.name}${c.desc ? ' desc' : ''}`);

  it('builds btree and unique indexes as real engine indexes (composite, with direction); GET lists them after the primary key; DELETE drops them', async () => {
    const { base, catalog } = await setup('ix_basic', [{ name: 'name', type: 'text' }, { name: 'email', type: 'email' }, { name: 'age', type: 'int' }]);
    expect(await api.ok('GET', base)).toEqual([PRIMARY]);

    const btree = await api.ok('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'asc' }, { name: 'age', op: 'desc' }] });
    const unique = await api.ok('POST', `${base}/unique`, { fields: [{ name: 'email', op: 'asc' }] });
    expect([btree, unique]).toEqual([{ id: expect.stringMatching(ID) }, { id: expect.stringMatching(ID) }]);
    expect(await api.ok('GET', base)).toEqual([
      PRIMARY,
      { id: btree.id, type: 'btree', fields: [{ name: 'name', op: 'asc' }, { name: 'age', op: 'desc' }] },
      { id: unique.id, type: 'unique', fields: [{ name: 'email', op: 'asc' }] },
    ]);

    const real = await catalog.indexes('people');
    expect(real.map((ix) => ({ columns: columnsOf(ix), unique: ix.unique }))).toEqual(expect.arrayContaining([
      { columns: ['name', 'age desc'], unique: false },
      { columns: ['email'], unique: true },
    ]));
    expect(real).toHaveLength(2);
    // PostgreSQL: descending fields keep missing values last, the order Strata's sorts use.
    if (engine.name === 'postgres') expect(real.find((ix) => ix.columns.length === 2)!.definition).toContain('age DESC NULLS LAST');

    // The same definition twice is refused; the primary index stays.
    expectXanoError(await api.call('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'asc' }, { name: 'age', op: 'desc' }] }), 400, 'fields', new RegExp(btree.id));
    expectXanoError(await api.call('DELETE', `${base}/primary`), 400, 'index_id');
    expectXanoError(await api.call('DELETE', `${base}/deadbeef`), 404);

    expect(await api.ok('DELETE', `${base}/${btree.id}`)).toEqual({});
    expect((await api.ok('GET', base)).map((ix: { id: string }) => ix.id)).toEqual(['primary', unique.id]);
    expect((await catalog.indexes('people')).map(columnsOf)).toEqual([['email']]);
  });

  it('refuses a unique index over duplicates with a clear 400 and leaves nothing behind; later duplicate writes fail through the data API', async () => {
    const { base, catalog, db } = await setup('ix_unique', [{ name: 'email', type: 'email' }, { name: 'team', type: 'text' }]);
    for (const email of ['a@x.io', 'a@x.io', 'b@x.io']) expect((await insert(db, { email, team: 'red' })).status).toBe(201);

    expectXanoError(await api.call('POST', `${base}/unique`, { fields: [{ name: 'email', op: 'asc' }] }), 400, 'fields', /unique index on \[email\] not created: records of table \[people\] share/);
    expect(await api.ok('GET', base)).toEqual([PRIMARY]);
    expect(await catalog.indexes('people')).toEqual([]);

    // Composite: (email, team) is unique once the duplicate moves team.
    expect((await s.request('PATCH', `/db/${db}:main/tables/people/data/2`, { team: 'blue' })).status).toBe(200);
    const { id } = await api.ok('POST', `${base}/unique`, { fields: [{ name: 'email', op: 'asc' }, { name: 'team', op: 'asc' }] });
    expect((await catalog.indexes('people')).map((ix) => [columnsOf(ix), ix.unique])).toEqual([[['email', 'team'], true]]);

    // Later writes that break it: insert, update, bulk — each a 422 in the data API's envelope, nothing written.
    const dupe = await insert(db, { email: 'a@x.io', team: 'red' });
    expect(dupe.status).toBe(422);
    expect(dupe.body.message).toBe('columns [email, team]: the combination of values is not unique');
    expect((await s.request('PATCH', `/db/${db}:main/tables/people/data/3`, { email: 'a@x.io', team: 'blue' })).status).toBe(422);
    const bulk = await s.request('POST', `/db/${db}:main/tables/people/bulk`, { records: [{ email: 'c@x.io', team: 'red' }, { email: 'b@x.io', team: 'red' }] });
    expect(bulk.status).toBe(400);
    const rows = await s.request('POST', `/db/${db}:main/tables/people/query`, {});
    expect(rows.body.records).toHaveLength(3);
    expect(await api.ok('GET', base)).toEqual([PRIMARY, { id, type: 'unique', fields: [{ name: 'email', op: 'asc' }, { name: 'team', op: 'asc' }] }]);
  });

  it('PUT replaces the whole set in one transaction: kept indexes are not rebuilt, a failure changes nothing', async () => {
    const { base, catalog, db } = await setup('ix_put', [{ name: 'name', type: 'text' }, { name: 'email', type: 'email' }, { name: 'created', type: 'timestamp' }]);
    for (const name of ['x', 'x']) expect((await insert(db, { name, email: `${Math.random()}@x.io` })).status).toBe(201);
    const keep = await api.ok('POST', `${base}/btree`, { fields: [{ name: 'created', op: 'desc' }] });
    const gone = await api.ok('POST', `${base}/unique`, { fields: [{ name: 'email', op: 'asc' }] });
    const before = await catalog.indexes('people');

    // The second index cannot be built (duplicate names): the drop of `gone` is rolled back too.
    const bad = { index: [{ type: 'btree', fields: [{ name: 'created', op: 'desc' }] }, { type: 'unique', fields: [{ name: 'name', op: 'asc' }] }] };
    expectXanoError(await api.call('PUT', base, bad), 400, 'fields', /not created/);
    expect((await api.ok('GET', base)).map((ix: { id: string }) => ix.id)).toEqual(['primary', keep.id, gone.id]);
    expect(await catalog.indexes('people')).toEqual(before);
    expectXanoError(await api.call('PUT', base, { index: [{ type: 'hash', fields: [{ name: 'name' }] }] }), 400, 'index.0.type', /hash.*use one of primary, btree, unique, search, spatial, vector, gin/);
    expectXanoError(await api.call('PUT', base, { index: [{ type: 'btree', fields: [{ name: 'nope' }] }] }), 400, 'index.0.fields.0.name', /not found/);

    // Xano's own example shape: the primary listed, ops optional (asc).
    const after = await api.ok('PUT', base, { index: [PRIMARY, { type: 'btree', fields: [{ name: 'created', op: 'desc' }] }, { type: 'btree', fields: [{ name: 'name' }, { name: 'email' }] }] });
    expect(after).toEqual([PRIMARY, { id: keep.id, type: 'btree', fields: [{ name: 'created', op: 'desc' }] }, { id: expect.stringMatching(ID), type: 'btree', fields: [{ name: 'name', op: 'asc' }, { name: 'email', op: 'asc' }] }]);
    const real = await catalog.indexes('people');
    expect(real.map((ix) => [columnsOf(ix), ix.unique])).toEqual(expect.arrayContaining([[['created desc'], false], [['name', 'email'], false]]));
    expect(real).toHaveLength(2);
    expect(real.map((ix) => ix.name)).toContain(before.find((ix) => ix.columns[0]!.name === 'created')!.name);
    expect(await api.ok('PUT', base, { index: [] })).toEqual([PRIMARY]);
    expect(await catalog.indexes('people')).toEqual([]);
  });

  it('creates a table with indexes in one step; a bad index creates no table', async () => {
    const schema = [{ name: 'name', type: 'text' }, { name: 'email', type: 'email' }];
    const { base, catalog, ws } = await setup('ix_create', schema, [PRIMARY, { type: 'btree', fields: [{ name: 'name', op: 'desc' }] }, { type: 'unique', fields: [{ name: 'email', op: 'asc' }] }]);
    const listed = await api.ok('GET', base);
    expect(listed.map((ix: { type: string }) => ix.type)).toEqual(['primary', 'btree', 'unique']);
    expect((await catalog.indexes('people')).map((ix) => [columnsOf(ix), ix.unique])).toEqual(expect.arrayContaining([[['name desc'], false], [['email'], true]]));

    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'broken', schema: [{ name: 'id', type: 'int' }, ...schema], index: [{ type: 'btree', fields: [{ name: 'name' }] }, { type: 'btree', fields: [{ name: 'missing' }] }] }), 400, 'index.1.fields.0.name');
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'broken', index: [{ type: 'vector', fields: [{ name: 'created_at', op: 'vector_l2_ops' }] }] }), 400, 'index.0.fields.0.name', /not a vector column/);
    expect((await api.ok('GET', `/workspace/${ws}/table`)).items.map((t: { name: string }) => t.name)).toEqual(['people']);
  });

  it('indexes follow column and table renames; dropping a column drops the indexes that use it', async () => {
    const { base, catalog, table, ws, db } = await setup('ix_follow', [{ name: 'name', type: 'text' }, { name: 'age', type: 'int' }, { name: 'city', type: 'text' }]);
    const both = await api.ok('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'asc' }, { name: 'age', op: 'desc' }] });
    const city = await api.ok('POST', `${base}/unique`, { fields: [{ name: 'city', op: 'asc' }] });

    await api.ok('POST', `/workspace/${ws}/table/${table}/schema/rename`, { old_name: 'name', new_name: 'full_name' });
    await api.ok('PUT', `/workspace/${ws}/table/${table}/meta`, { name: 'persons' });
    expect((await api.ok('GET', base))[1]).toEqual({ id: both.id, type: 'btree', fields: [{ name: 'full_name', op: 'asc' }, { name: 'age', op: 'desc' }] });
    expect((await catalog.indexes('persons')).map(columnsOf)).toEqual(expect.arrayContaining([['full_name', 'age desc'], ['city']]));

    // Through the data API as well: its column removal drops the composite index, engine and catalog alike.
    expect((await s.request('DELETE', `/db/${db}:main/tables/persons/columns/age`)).status).toBe(200);
    expect((await api.ok('GET', base)).map((ix: { id: string }) => ix.id)).toEqual(['primary', city.id]);
    expect((await catalog.indexes('persons')).map(columnsOf)).toEqual([['city']]);
    await api.ok('DELETE', `/workspace/${ws}/table/${table}/schema/city`);
    expect(await api.ok('GET', base)).toEqual([PRIMARY]);
    expect(await catalog.indexes('persons')).toEqual([]);
  });

  it('builds search indexes on the engine\'s full-text search, stemmed per lang, kept in step with writes', async () => {
    const { base, catalog, db, ws, table } = await setup('ix_search', [{ name: 'title', type: 'text' }, { name: 'body', type: 'text' }, { name: 'tags', type: 'text', style: 'list' }, { name: 'rank', type: 'int' }]);
    expect((await insert(db, { title: 'Running shoes', body: 'For runners', tags: ['sport'] })).status).toBe(201);
    const body = { name: 'search_label', lang: 'english', fields: [{ name: 'title', priority: 2 }, { name: 'body', priority: 1 }, { name: 'tags', priority: 1 }] };
    const { id } = await api.ok('POST', `${base}/search`, body);
    expect(await api.ok('GET', base)).toEqual([PRIMARY, { id, type: 'search', ...body }]);
    expect((await insert(db, { title: 'A walk', body: 'walking slowly' })).status).toBe(201);

    const objects = await catalog.objects('people', engine.name === 'sqlite' ? `_strata_xi_` : 'xi_');
    const ids = (rows: Array<Record<string, unknown>>) => rows.map((r) => Number(r.id)).sort();
    if (engine.name === 'sqlite') {
      expect(objects.find((o) => o.includes('fts5'))).toMatch(/tokenize='porter unicode61/);
      // Stemmed: `run` finds `Running`/`runners`, `walked` finds `walking`: the record from before the index and the one after.
      const fts = `"_strata_xi_${table}_${id}"`;
      const match = (q: string) => catalog.rows(`SELECT p.id FROM ${fts} JOIN people p ON p.rowid = ${fts}.rowid WHERE ${fts} MATCH ?`, [q]);
      expect(ids(await match('run'))).toEqual([1]);
      expect(ids(await match('walked'))).toEqual([2]);
      expect(ids(await match('sport'))).toEqual([1]);
    } else {
      expect(objects).toHaveLength(1);
      expect(objects[0]).toMatch(/USING gin .*'english'::regconfig.*setweight/);
      expect(objects[0]).toContain("'A'::\"char\"");
      // The index's own expression answers stemmed queries, and the plan reads the GIN index.
      const expression = /USING gin \((.*)\)$/.exec(objects[0]!)![1]!;
      const match = `SELECT id FROM people WHERE ${expression} @@ to_tsquery('english', $1)`;
      expect(ids(await catalog.rows(match, ['run']))).toEqual([1]);
      expect(ids(await catalog.rows(match, ['walked']))).toEqual([2]);
      expect(await catalog.explain(match, ['run'])).toMatch(new RegExp(`Bitmap Index Scan on xi_${table}_${id}`));
    }

    // A lang the engine cannot stem, a column without text.
    const french = await api.call('POST', `${base}/search`, { ...body, lang: 'french' });
    if (engine.name === 'sqlite') expectXanoError(french, 400, 'lang', /^SQLite: no full-text stemmer for \[french\]/);
    else expect(french.status).toBe(200);
    expectXanoError(await api.call('POST', `${base}/search`, { ...body, lang: 'klingon' }), 400, 'lang');
    expectXanoError(await api.call('POST', `${base}/search`, { ...body, fields: [{ name: 'rank', priority: 1 }] }), 400, 'fields.0.name', /holds no text/);

    // Renames: the FTS triggers (SQLite) and the expression (PostgreSQL) follow, the fields too.
    await api.ok('POST', `/workspace/${ws}/table/${table}/schema/rename`, { old_name: 'title', new_name: 'headline' });
    await api.ok('PUT', `/workspace/${ws}/table/${table}/meta`, { name: 'posts' });
    expect((await s.request('POST', `/db/${db}:main/tables/posts/data`, { headline: 'Runs daily' })).status).toBe(201);
    expect((await api.ok('GET', base))[1].fields[0]).toEqual({ name: 'headline', priority: 2 });
    if (engine.name === 'sqlite') {
      const fts = `"_strata_xi_${table}_${id}"`;
      expect(ids(await catalog.rows(`SELECT p.id FROM ${fts} JOIN posts p ON p.rowid = ${fts}.rowid WHERE ${fts} MATCH ?`, ['run']))).toEqual([1, 3]);
    }
    await api.ok('PUT', `/workspace/${ws}/table/${table}/meta`, { name: 'people' });

    // Dropping an indexed column drops the search index; the table stays writable.
    await api.ok('DELETE', `/workspace/${ws}/table/${table}/schema/body`);
    expect((await api.ok('GET', base)).filter((ix: { type: string }) => ix.type === 'search')).toEqual([]);
    expect(await catalog.objects('people', engine.name === 'sqlite' ? `_strata_xi_` : 'xi_')).toEqual([]);
    expect((await insert(db, { headline: 'Still fine' })).status).toBe(201);

    // A search index over the remaining column goes with its table (SQLite keeps FTS tables apart from it).
    await api.ok('POST', `${base}/search`, { name: 'again', lang: 'simple', fields: [{ name: 'headline', priority: 1 }] });
    expect(await catalog.objects('people', engine.name === 'sqlite' ? `_strata_xi_` : 'xi_')).not.toEqual([]);
    await api.ok('DELETE', `/workspace/${ws}/table/${table}`);
    if (engine.name === 'sqlite') expect(await catalog.objects('people', '_strata_xi_')).toEqual([]);
  });

  it('answers spatial and vector indexes with a 400 naming the engine and what it lacks', async () => {
    const { base, catalog } = await setup('ix_geo', [{ name: 'location', type: 'geo_point' }, { name: 'embedding', type: 'vector', vector: { size: 3 } }]);
    const spatial = await api.call('POST', `${base}/spatial`, { fields: [{ name: 'location', op: 'gist_geometry_ops_2d' }] });
    const vector = await api.call('POST', `${base}/vector`, { fields: [{ name: 'embedding', op: 'vector_cosine_ops' }] });
    if (engine.name === 'sqlite') {
      expectXanoError(spatial, 400, 'type', /^SQLite: spatial indexes are not available/);
      expectXanoError(vector, 400, 'type', /^SQLite: vector indexes are not available/);
    } else {
      // This server has neither PostGIS nor pgvector (where it has them, they are built for real).
      expectXanoError(spatial, 400, 'type', /^PostgreSQL: spatial indexes need the postgis extension/);
      expectXanoError(vector, 400, 'type', /^PostgreSQL: vector indexes need the vector extension/);
    }
    expect(await api.ok('GET', base)).toEqual([PRIMARY]);
    expect(await catalog.indexes('people')).toEqual([]);
    expectXanoError(await api.call('POST', `${base}/spatial`, { fields: [{ name: 'embedding', op: 'gist_geometry_ops_2d' }] }), 400, 'fields.0.name', /not a geo column/);
    expectXanoError(await api.call('POST', `${base}/vector`, { fields: [{ name: 'embedding', op: 'vector_dot' }] }), 400, 'fields.0.op');
  });

  it('validates bodies in Xano\'s envelope (never a 500) and needs database scopes', async () => {
    const { base, ws } = await setup('ix_errors', [{ name: 'name', type: 'text' }, { name: 'meta', type: 'object', children: [{ name: 'kind', type: 'text' }] }]);
    expectXanoError(await api.call('POST', `${base}/btree`, { fields: [] }), 400, 'fields');
    expectXanoError(await api.call('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'up' }] }), 400, 'fields.0.op');
    expectXanoError(await api.call('POST', `${base}/btree`, {}), 400, 'fields', 'Missing param: fields');
    expectXanoError(await api.call('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'asc' }, { name: 'name', op: 'desc' }] }), 400, 'fields.1.name', /twice/);
    expectXanoError(await api.call('POST', `${base}/btree`, { fields: [{ name: 'meta', op: 'asc' }] }), 400, 'fields.0.name', /object/);
    expectXanoError(await api.call('POST', `${base}/search`, { name: 's', fields: [{ name: 'name', priority: 1 }] }), 400, 'lang');
    expectXanoError(await api.call('PUT', base, { index: 'btree' }), 400, 'index');
    expectXanoError(await api.call('GET', `/workspace/${ws}/table/999/index`), 404);
    expectXanoError(await api.call('POST', `/workspace/${ws}/table/999/index/btree`, { fields: [{ name: 'name', op: 'asc' }] }), 404);
    // An object's field can be indexed by its path.
    expect((await api.ok('POST', `${base}/btree`, { fields: [{ name: 'meta.kind', op: 'asc' }] })).id).toMatch(ID);

    const readOnly = await s.createToken(parseScopes('database:r'));
    const as = (method: string, path: string, body?: unknown) => api.call(method, path, body, { authorization: `Bearer ${readOnly}` });
    expect((await as('GET', base)).status).toBe(200);
    expectXanoError(await as('POST', `${base}/btree`, { fields: [{ name: 'name', op: 'asc' }] }), 403);
    expectXanoError(await as('PUT', base, { index: [] }), 403);
    expectXanoError(await as('DELETE', `${base}/abc`), 403);
  });

  it('branch copies keep the indexes (a data source of the workspace), and they stay manageable there', async () => {
    const { base, ws, db } = await setup('ix_copy', [{ name: 'email', type: 'email' }]);
    const { id } = await api.ok('POST', `${base}/unique`, { fields: [{ name: 'email', op: 'asc' }] });
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'staging', color: '#ebc346' });
    const staging = await s.strata.databases.resolve(db, 'staging');
    const copy = await engineCatalog(s.config, staging.branch.id);
    closers.push(copy);
    expect((await copy.indexes('people')).map((ix) => [columnsOf(ix), ix.unique])).toEqual([[['email'], true]]);
    const table = (await staging.schema()).tables.get('people')!;
    expect(await s.strata.xanoIndexes.list(staging, table.id)).toEqual([PRIMARY, { id, type: 'unique', fields: [{ name: 'email', op: 'asc' }] }]);
    // Found by id even where the engine renamed it (PostgreSQL's LIKE … INCLUDING ALL).
    await s.strata.xanoIndexes.remove(staging, table.id, id);
    expect(await copy.indexes('people')).toEqual([]);
    expect((await api.ok('GET', base)).map((ix: { id: string }) => ix.id)).toEqual(['primary', id]);
  });

  it('the data API\'s filters use the btree indexes (the engine\'s plan says so)', async () => {
    const { base, catalog, db } = await setup('ix_plan', [{ name: 'email', type: 'email' }, { name: 'score', type: 'int' }]);
    await s.request('POST', `/db/${db}:main/tables/people/bulk`, { records: Array.from({ length: 200 }, (_, i) => ({ email: `u${i}@x.io`, score: i % 17 })) });
    await api.ok('POST', `${base}/btree`, { fields: [{ name: 'email', op: 'asc' }] });
    await api.ok('POST', `${base}/btree`, { fields: [{ name: 'score', op: 'desc' }] });
    const [email, score] = (await catalog.indexes('people')).sort((a, b) => a.columns[0]!.name.localeCompare(b.columns[0]!.name));
    // The WHERE clause storage/filter-sql.ts compiles for {"email": "u7@x.io"} and {"score": {"$ge": 15}}.
    const p = engine.name === 'sqlite' ? ['?', '?'] : ['$1', '$1'];
    const byEmail = await catalog.explain(`SELECT "t0"."id" FROM "people" AS "t0" WHERE ("t0"."email" IS NOT NULL AND "t0"."email" = ${p[0]})`, ['u7@x.io']);
    const byScore = await catalog.explain(`SELECT "t0"."id" FROM "people" AS "t0" WHERE ("t0"."score" IS NOT NULL AND "t0"."score" >= ${p[1]})`, [15]);
    expect(byEmail).toContain(email!.name);
    expect(byScore).toContain(score!.name);
    const query = await s.request('POST', `/db/${db}:main/tables/people/query`, { filter: { email: 'u7@x.io' } });
    expect(query.body.records.map((r: { id: string }) => r.id)).toEqual(['8']);
  });
});
