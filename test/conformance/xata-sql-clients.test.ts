import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions } from '@xata.io/client';
import { Kysely } from 'kysely';
import { XataDialect } from '@xata.io/kysely';
import { drizzle } from '@xata.io/drizzle';
import { pgTable, text, bigint } from 'drizzle-orm/pg-core';
import { count, eq, gt, sql as dsql } from 'drizzle-orm';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { openSse, type SseStream } from '../support/sse.js';
import { DEFAULT_OPS } from '../../src/config-ops.js';

/**
 * SQL over HTTP through the real clients, on both engines: the SDK's `xata.sql` (tagged
 * template and object form, both response types), `@xata.io/kysely` 0.2.1 (Kysely 0.28) and
 * `@xata.io/drizzle` 0.0.24 (drizzle-orm 0.33) selecting, joining, grouping, inserting,
 * updating and deleting. What SQL wrote is then read through the record API, search and the
 * change stream: SQL writes are record writes.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }] },
  { name: 'people', columns: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'team', type: 'link', link: { table: 'teams' } }] },
] as const;

class XataClient extends buildClient() {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables as any); }
}

const people = pgTable('people', { id: text('id').primaryKey(), name: text('name'), age: bigint('age', { mode: 'number' }), team: text('team') });
const teams = pgTable('teams', { id: text('id').primaryKey(), name: text('name') });

describeEachEngine('SQL over HTTP through xata.sql, Kysely and Drizzle', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;
  let stream: SseStream;

  beforeAll(async () => {
    s = await startStrata(engine, { ops: { ...DEFAULT_OPS, changes: { retain: 100, heartbeatMs: 60_000 } } });
    expect((await s.request('PUT', '/workspaces/local/dbs/sqlc', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/sqlc:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient({
      apiKey: s.token, branch: 'main', databaseURL: 'https://ws-abc.us-east-1.xata.sh/db/sqlc',
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
    for (const [id, name] of [['red', 'Red'], ['blue', 'Blue']]) expect((await s.request('PUT', `/db/sqlc:main/tables/teams/data/${id}`, { name })).status).toBe(201);
    for (const [id, name, age, team] of [['ann', 'Ann', 31, 'red'], ['bob', 'Bob', 25, 'blue'], ['cid', 'Cid', 40, 'red']] as const) {
      expect((await s.request('PUT', `/db/sqlc:main/tables/people/data/${id}`, { name, age, team })).status).toBe(201);
    }
    stream = await openSse(`${s.url}/db/sqlc:main/tables/people/changes`, s.token);
  });
  afterAll(async () => { stream?.close(); await s?.close(); });

  it('xata.sql: tagged template and object form, json and array answers', async () => {
    const minAge = 30;
    const tagged = await xata.sql<{ name: string; age: number }>`SELECT "name", "age" FROM "people" WHERE "age" > ${minAge} ORDER BY "name"`;
    expect(tagged.records).toEqual([{ name: 'Ann', age: 31 }, { name: 'Cid', age: 40 }]);
    expect(tagged.columns).toEqual([{ name: 'name', type: 'text' }, { name: 'age', type: 'int8' }]);
    const array = await xata.sql({ statement: 'SELECT t.name, count(*) AS n FROM people p JOIN teams t ON t.id = p.team GROUP BY t.name ORDER BY t.name', responseType: 'array' });
    expect(array.rows).toEqual([['Blue', 1], ['Red', 2]]);
    const object = await xata.sql({ statement: 'SELECT id FROM people WHERE name = $1', params: ['Bob'] });
    expect(object.records).toEqual([{ id: 'bob' }]);
    await expect(xata.sql({ statement: 'DROP TABLE people' })).rejects.toThrow(/DROP is not allowed: schema changes go through the schema API/);
  });

  it('Kysely: select with join and group by, insert, update and delete with RETURNING', async () => {
    // The adapters' types name the CommonJS copies of kysely/drizzle-orm, the test imports the ESM ones: cast at the seam.
    const db = new Kysely<any>({ dialect: new XataDialect({ xata }) as any });
    const grouped = await db.selectFrom('people').innerJoin('teams', 'teams.id', 'people.team')
      .select(['teams.name', db.fn.countAll<number>().as('n'), db.fn.max('people.age').as('oldest')])
      .groupBy('teams.name').orderBy('teams.name').execute();
    expect(grouped).toEqual([{ name: 'Blue', n: 1, oldest: 25 }, { name: 'Red', n: 2, oldest: 40 }]);
    const inserted = await db.insertInto('people').values({ id: 'kim', name: 'Kim', age: 200, team: 'blue' }).returningAll().executeTakeFirstOrThrow();
    expect(inserted).toMatchObject({ id: 'kim', name: 'Kim', age: 200, team: 'blue', xata_version: 0 });
    const updated = await db.updateTable('people').set({ age: 201 }).where('id', '=', 'kim').returning(['id', 'age', 'xata_version']).execute();
    expect(updated).toEqual([{ id: 'kim', age: 201, xata_version: 1 }]);
    const record = await s.request('GET', '/db/sqlc:main/tables/people/data/kim');
    expect(record.body).toMatchObject({ id: 'kim', name: 'Kim', age: 201, team: { id: 'blue' }, xata: { version: 1 } });
    const generated = await db.insertInto('people').values({ name: 'Lee', age: 22 }).returning('id').executeTakeFirstOrThrow();
    expect(generated.id).toMatch(/^rec_[0-9a-v]{20}$/);
    const deleted = await db.deleteFrom('people').where('id', '=', generated.id).returning(['name']).execute();
    expect(deleted).toEqual([{ name: 'Lee' }]);
    expect((await s.request('GET', `/db/sqlc:main/tables/people/data/${generated.id}`)).status).toBe(404);
    // Search sees the SQL insert: its index is kept in step by the record write path.
    const found = await s.request('POST', '/db/sqlc:main/tables/people/search', { query: 'Kim' });
    expect(found.status).toBe(200);
    expect(found.body.records.map((r: { id: string }) => r.id)).toEqual(['kim']);
    // The change stream got one event per row, in order.
    const events = await stream.waitFor(4);
    expect(events.map((e) => [e.event, e.data.id === 'kim' ? 'kim' : 'generated', e.data.version])).toEqual([
      ['insert', 'kim', 0], ['update', 'kim', 1], ['insert', 'generated', 0], ['delete', 'generated', null],
    ]);
  });

  it('Drizzle: select (array answers by position), join, group by, insert, update, delete', async () => {
    const db: any = drizzle(xata as any);
    const rows = await db.select({ name: people.name, age: people.age }).from(people).where(gt(people.age, 30)).orderBy(people.name);
    expect(rows).toEqual([{ name: 'Ann', age: 31 }, { name: 'Cid', age: 40 }, { name: 'Kim', age: 201 }]);
    const joined = await db.select({ team: teams.name, n: count() }).from(people).innerJoin(teams, eq(teams.id, people.team)).groupBy(teams.name).orderBy(teams.name);
    expect(joined).toEqual([{ team: 'Blue', n: 2 }, { team: 'Red', n: 2 }]);
    const inserted = await db.insert(people).values({ id: 'dee', name: 'Dee', age: 50 }).returning();
    expect(inserted).toEqual([{ id: 'dee', name: 'Dee', age: 50, team: null }]);
    const updated = await db.update(people).set({ age: dsql`${people.age} + 1` as any }).where(eq(people.id, 'dee')).returning({ age: people.age });
    expect(updated).toEqual([{ age: 51 }]);
    const record = await s.request('GET', '/db/sqlc:main/tables/people/data/dee');
    expect(record.body).toMatchObject({ id: 'dee', age: 51, xata: { version: 1 } });
    const deleted = await db.delete(people).where(eq(people.id, 'dee')).returning({ id: people.id });
    expect(deleted).toEqual([{ id: 'dee' }]);
    expect((await s.request('GET', '/db/sqlc:main/tables/people/data/dee')).status).toBe(404);
  });
});
