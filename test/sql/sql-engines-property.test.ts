import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine, sqliteEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { PEOPLE, statement, TEAMS } from './sql-arbitraries.js';

/**
 * The same random statements of the SQL subset (sql-arbitraries.ts) on SQLite, where they are
 * rewritten from PostgreSQL's tree, and on PostgreSQL, where PostgreSQL itself runs them: the
 * answers (column names and types, rows in order) must be the same. Floats are compared to 12
 * significant digits (PostgreSQL's avg is numeric, SQLite's a double).
 */
describe.skipIf(!inject('postgresAvailable'))('[sqlite+postgres] SQL subset: both engines answer alike', () => {
  let lite: RunningStrata;
  let pg: RunningStrata;

  beforeAll(async () => {
    [lite, pg] = await Promise.all([startStrata(sqliteEngine), startStrata(postgresEngine)]);
    for (const s of [lite, pg]) {
      expect((await s.request('PUT', '/workspaces/local/dbs/prop', {})).status).toBe(201);
      expect((await s.request('PUT', '/db/prop:main/tables/teams', { columns: [{ name: 'name', type: 'string' }, { name: 'size', type: 'int' }] })).status).toBe(201);
      expect((await s.request('PUT', '/db/prop:main/tables/people', {
        columns: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'score', type: 'float' }, { name: 'active', type: 'bool' }, { name: 'team', type: 'link', link: { table: 'teams' } }],
      })).status).toBe(201);
      for (const { id, ...team } of TEAMS) expect((await s.request('PUT', `/db/prop:main/tables/teams/data/${id}`, team)).status).toBe(201);
      for (const { id, ...person } of PEOPLE) expect((await s.request('PUT', `/db/prop:main/tables/people/data/${id}`, person)).status).toBe(201);
      // Some records at version 1, so xata_version varies.
      for (const id of ['p01', 'p05', 'p12']) expect((await s.request('PATCH', `/db/prop:main/tables/people/data/${id}`, { active: true })).status).toBe(200);
    }
  });
  afterAll(async () => { await lite?.close(); await pg?.close(); });

  it('random SELECTs: same columns, same rows, same order', async () => {
    await fc.assert(fc.asyncProperty(statement, async ({ statement: text, params }) => {
      const body = { statement: text, params, responseType: 'array' };
      const [a, b] = await Promise.all([lite.request('POST', '/db/prop:main/sql', body), pg.request('POST', '/db/prop:main/sql', body)]);
      expect({ text, status: a.status, message: a.body.message }).toEqual({ text, status: 200, message: undefined });
      expect({ text, status: b.status, message: b.body.message }).toEqual({ text, status: 200, message: undefined });
      expect({ text, columns: a.body.columns }).toEqual({ text, columns: b.body.columns });
      expect({ text, rows: normalise(a.body.rows) }).toEqual({ text, rows: normalise(b.body.rows) });
    }), { numRuns: 150 });
  });
});

function normalise(rows: unknown[][]): unknown[][] {
  return rows.map((row) => row.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
}
