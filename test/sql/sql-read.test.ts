import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * POST /db/{db}:{branch}/sql reads over real HTTP on both engines: joins, aggregates, grouping,
 * ordering, limits, subqueries and CTEs, in both answer shapes, with the same answers.
 */
describeEachEngine('SQL over HTTP: reads', (engine) => {
  let s: RunningStrata;
  const sql = (statement: string, params?: unknown[], responseType?: 'json' | 'array') =>
    s.request('POST', '/db/sqlr:main/sql', { statement, ...(params ? { params } : {}), ...(responseType ? { responseType } : {}) });

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/sqlr', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/sqlr:main/tables/teams', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/sqlr:main/tables/people', {
      columns: [
        { name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'score', type: 'float' }, { name: 'active', type: 'bool' },
        { name: 'joined', type: 'datetime' }, { name: 'tags', type: 'multiple' }, { name: 'team', type: 'link', link: { table: 'teams' } },
        { name: 'meta', type: 'json' }, { name: 'bio', type: 'text' },
      ],
    })).status).toBe(201);
    for (const [id, name] of [['red', 'Red'], ['blue', 'Blue'], ['green', 'Green']]) {
      expect((await s.request('PUT', `/db/sqlr:main/tables/teams/data/${id}`, { name })).status).toBe(201);
    }
    for (let i = 0; i < 10; i++) {
      const res = await s.request('PUT', `/db/sqlr:main/tables/people/data/p${i}`, {
        name: `Person ${i}`, age: 20 + (i % 4), score: i / 2, active: i % 2 === 0, joined: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
        tags: i % 3 === 0 ? ['a', 'b'] : [], team: i % 3 === 0 ? 'red' : i % 3 === 1 ? 'blue' : null, meta: { n: i }, bio: i === 9 ? null : `bio ${i}`,
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => { await s?.close(); });

  it('answers records with Xata-compatible columns for a plain SELECT', async () => {
    const res = await sql('SELECT "id", "name", "age", "active", "joined", "tags", "meta" FROM "people" WHERE "id" = $1', ['p3']);
    expect(res.status).toBe(200);
    expect(res.body.records).toEqual([{ id: 'p3', name: 'Person 3', age: 23, active: false, joined: '2020-01-04T00:00:00.000Z', tags: ['a', 'b'], meta: { n: 3 } }]);
    expect(res.body.columns).toEqual([
      { name: 'id', type: 'text' }, { name: 'name', type: 'text' }, { name: 'age', type: 'int8' }, { name: 'active', type: 'bool' },
      { name: 'joined', type: 'timestamptz' }, { name: 'tags', type: '_text' }, { name: 'meta', type: 'jsonb' },
    ]);
    expect(res.body.total).toBe(1);
  });

  it('expands * to the table as clients know it (no engine-internal columns)', async () => {
    const res = await sql('SELECT * FROM people WHERE id = $1', ['p0']);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.records[0])).toEqual(['id', 'xata_version', 'xata_createdat', 'xata_updatedat', 'name', 'age', 'score', 'active', 'joined', 'tags', 'team', 'meta', 'bio']);
    expect(res.body.records[0].xata_version).toBe(0);
    expect(res.body.records[0].xata_createdat).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('joins, groups, orders and limits, in array form by position', async () => {
    const res = await sql(`SELECT t.name AS team, count(*)::int AS n, max(p.age) AS oldest
      FROM people p JOIN teams t ON t.id = p.team GROUP BY t.name HAVING count(*) > $1 ORDER BY n DESC, team LIMIT 5`, ['1'], 'array');
    expect(res.status).toBe(200);
    expect(res.body.columns).toEqual([{ name: 'team', type: 'text' }, { name: 'n', type: 'int4' }, { name: 'oldest', type: 'int8' }]);
    expect(res.body.rows).toEqual([['Red', 4, 23], ['Blue', 3, 23]]);
  });

  it('LEFT JOIN keeps rows without a match; NULLs sort last ascending as in PostgreSQL', async () => {
    const res = await sql('SELECT p.id, t.name FROM people p LEFT JOIN teams t ON t.id = p.team WHERE p.age = 22 ORDER BY t.name, p.id', [], 'array');
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([['p6', 'Red'], ['p2', null]]);
  });

  it('subqueries, IN, EXISTS, CTEs, UNION and CASE', async () => {
    const cte = await sql(`WITH young AS (SELECT id, age FROM people WHERE age < 22)
      SELECT count(*) AS n, sum(age) AS total, avg(age) AS mean FROM young`, [], 'array');
    expect(cte.status).toBe(200);
    expect(cte.body.rows).toEqual([[6, 123, 20.5]]);
    const sub = await sql(`SELECT id FROM people WHERE team IN (SELECT id FROM teams WHERE name ILIKE $1)
      AND EXISTS (SELECT 1 FROM teams t2 WHERE t2.id = people.team) ORDER BY id`, ['r%'], 'array');
    expect(sub.body.rows).toEqual([['p0'], ['p3'], ['p6'], ['p9']]);
    const scalar = await sql('SELECT (SELECT count(*) FROM teams) AS teams, CASE WHEN 1 > 2 THEN $1 ELSE $2 END AS pick', ['a', 'b']);
    expect(scalar.body.records).toEqual([{ teams: 3, pick: 'b' }]);
    const union = await sql('SELECT name FROM teams WHERE id = $1 UNION ALL SELECT name FROM people WHERE id = $2 ORDER BY name', ['red', 'p1'], 'array');
    expect(union.body.rows).toEqual([['Person 1'], ['Red']]);
  });

  it('LIKE is case-sensitive and ILIKE is not, as in PostgreSQL; casts and text functions', async () => {
    const like = await sql("SELECT count(*) AS n FROM people WHERE name LIKE 'person%'");
    expect(like.body.records).toEqual([{ n: 0 }]);
    const ilike = await sql("SELECT count(*) AS n FROM people WHERE name ILIKE 'person%'");
    expect(ilike.body.records).toEqual([{ n: 10 }]);
    const fns = await sql("SELECT upper(name) AS u, length(name) AS l, $1::int + 1 AS next, coalesce(bio, 'none') AS b FROM people WHERE id = 'p9'", ['41']);
    expect(fns.body.records).toEqual([{ u: 'PERSON 9', l: 8, next: 42, b: 'none' }]);
  });

  it('cuts big answers at the row limit with a warning', async () => {
    const res = await sql('SELECT a.id, b.id, c.id AS third FROM people a, people b, people c, teams', [], 'array');
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(1000);
    expect(res.body.warning).toMatch(/cut to its first 1000 rows/);
  });

  it('a repeated statement follows schema changes (parsed, compiled and prepared once per schema)', async () => {
    await s.request('PUT', '/db/sqlr:main/tables/notes', { columns: [{ name: 'body', type: 'string' }] });
    await s.request('PUT', '/db/sqlr:main/tables/notes/data/n1', { body: 'one' });
    const star = 'SELECT * FROM notes WHERE id = $1';
    const named = 'SELECT id, body FROM notes WHERE id = $1';
    for (let i = 0; i < 2; i++) expect((await sql(star, ['n1'])).body.records[0]).not.toHaveProperty('stars');
    expect((await sql(named, ['n1'])).body.records).toEqual([{ id: 'n1', body: 'one' }]);
    expect((await s.request('POST', '/db/sqlr:main/tables/notes/columns', { name: 'stars', type: 'int' })).status).toBe(200);
    expect((await sql(star, ['n1'])).body.records[0]).toHaveProperty('stars', null);
    expect((await s.request('DELETE', '/db/sqlr:main/tables/notes/columns/body')).status).toBe(200);
    const gone = await sql(named, ['n1']);
    expect(gone.status).toBe(400);
    expect(gone.body.message).toMatch(/body/);
    expect(Object.keys((await sql(star, ['n1'])).body.records[0])).not.toContain('body');
  });
});
