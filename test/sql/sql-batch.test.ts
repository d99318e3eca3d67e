import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * POST /db/{db}:{branch}/sql/batch: statements run in order in one transaction, later ones
 * seeing earlier writes; one failure undoes them all and names the statement. Through the
 * SDK's `xata.sql.batch` (params sent as JSON values, not text) and plain HTTP.
 */
class XataClient extends buildClient() {}

describeEachEngine('SQL over HTTP: batches', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;
  const batch = (statements: unknown[], responseType?: 'json' | 'array') =>
    s.request('POST', '/db/sqlb:main/sql/batch', { statements, ...(responseType ? { responseType } : {}) });

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/sqlb', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/sqlb:main/tables/teams', { columns: [{ name: 'name', type: 'string' }, { name: 'size', type: 'int' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/sqlb:main/tables/members', { columns: [{ name: 'team', type: 'link', link: { table: 'teams' } }] })).status).toBe(201);
    xata = new XataClient({
      apiKey: s.token, branch: 'main', databaseURL: 'https://ws-abc.us-east-1.xata.sh/db/sqlb',
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
  });
  afterAll(async () => { await s?.close(); });

  it('answers one result per statement, as the SDK integration test expects', async () => {
    const { results } = await xata.sql.batch({
      statements: [
        { statement: 'INSERT INTO teams (name, size) VALUES ($1, $2) RETURNING *', params: ['Team ships 3', 3] },
        { statement: 'INSERT INTO teams (name, size) VALUES ($1, $2) RETURNING *', params: ['Team ships 4', 4] },
      ],
    });
    expect(results).toHaveLength(2);
    expect(results[0]!.records[0].name).toBe('Team ships 3');
    expect(results[1]!.records[0]).toMatchObject({ name: 'Team ships 4', size: 4, xata_version: 0 });
  });

  it('later statements see earlier writes; array answers', async () => {
    const res = await batch([
      { statement: "INSERT INTO teams (id, name, size) VALUES ('t1', 'One', 1)" },
      { statement: "UPDATE teams SET size = size + 10 WHERE id = 't1' RETURNING size" },
      { statement: "SELECT name, size, xata_version FROM teams WHERE id = $1", params: ['t1'] },
    ], 'array');
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { rows: unknown[] }) => r.rows)).toEqual([[], [[11]], [['One', 11, 1]]]);
  });

  it('reads in a batch answer as reads outside one: output aliases in ORDER BY, duplicate column names', async () => {
    const res = await batch([
      { statement: 'SELECT name, size AS s FROM teams ORDER BY s DESC LIMIT 1' },
      { statement: "SELECT a.id, b.id FROM teams a JOIN teams b ON b.id = a.id WHERE a.id = 't1'" },
    ], 'array');
    expect(res.status).toBe(200);
    expect(res.body.results[0].rows).toEqual([['One', 11]]);
    expect(res.body.results[1]).toMatchObject({ rows: [['t1', 't1']], columns: [{ name: 'id', type: 'text' }, { name: 'id', type: 'text' }] });
  });

  it('is all or nothing: a failing statement undoes the ones before it and is named', async () => {
    const res = await batch([
      { statement: "INSERT INTO teams (id, name) VALUES ('t2', 'Two')" },
      { statement: "UPDATE teams SET name = 'renamed' WHERE id = 't1'" },
      { statement: "INSERT INTO members (team) VALUES ('no-such-team')" },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^statement 2: column \[team\]: record \[no-such-team\] not found in table \[teams\]/);
    expect((await s.request('GET', '/db/sqlb:main/tables/teams/data/t2')).status).toBe(404);
    expect((await s.request('GET', '/db/sqlb:main/tables/teams/data/t1')).body.name).toBe('One');
  });

  it('checks every statement before running any', async () => {
    const res = await batch([
      { statement: "INSERT INTO teams (id, name) VALUES ('t3', 'Three')" },
      { statement: 'DROP TABLE teams' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^statement 1: invalid SQL: DROP is not allowed/);
    expect((await s.request('GET', '/db/sqlb:main/tables/teams/data/t3')).status).toBe(404);
  });

  it('an empty batch answers no results', async () => {
    const res = await batch([]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ results: [] });
  });
});
