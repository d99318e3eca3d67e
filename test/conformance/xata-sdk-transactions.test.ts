import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { fetcherError, sdkOptions } from '../support/xata-sdk-client.js';

/**
 * `transactions.run` through the official SDK (@xata.io/client 0.30.1): a get with columns
 * answers exactly those fields (Xata's "the requested fields"; an insert with an id answers
 * `columns: {}`, so `id` and `xata` come only when asked), and a failed transaction reports
 * every failing operation, those refused when checked and those that fail when run, while
 * writing nothing.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }, { name: 'city', type: 'string' }] },
  { name: 'users', columns: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'team', type: 'link', link: { table: 'teams' } }] },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { teams: Inferred['teams'] & XataRecord; users: Inferred['users'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

describeEachEngine('Xata SDK 0.30.1 against Strata: transactions', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/txs', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/txs:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient(sdkOptions(s, 'txs'));
    await xata.db.teams.create('red', { name: 'Red', city: 'Oslo' });
    await xata.db.users.create('ann', { name: 'Ann', age: 30, team: 'red' });
  });
  afterAll(async () => { await s?.close(); });

  it('get with columns answers exactly those fields: id and xata only when asked', async () => {
    const { results } = await xata.transactions.run([
      { get: { table: 'users', id: 'ann', columns: ['name', 'team.name'] } },
      { get: { table: 'users', id: 'ann', columns: ['id', 'age', 'xata.version'] } },
      { get: { table: 'users', id: 'ann', columns: ['*'] } },
      { get: { table: 'users', id: 'ann', columns: ['team.*', 'xata' as 'name'] } },
      { get: { table: 'users', id: 'nobody', columns: ['name'] } },
    ]);
    expect(results).toEqual([
      { operation: 'get', columns: { name: 'Ann', team: { name: 'Red' } } },
      { operation: 'get', columns: { id: 'ann', age: 30, xata: { version: 0 } } },
      { operation: 'get', columns: { name: 'Ann', age: 30, team: { id: 'red' } } },
      { operation: 'get', columns: { team: { id: 'red', name: 'Red', city: 'Oslo' }, xata: { version: 0, createdAt: expect.any(String), updatedAt: expect.any(String) } } },
      { operation: 'get' },
    ]);
    // Without columns a get is the whole record, as before.
    const whole = await xata.transactions.run([{ get: { table: 'users', id: 'ann' } }]);
    expect(whole.results[0]).toEqual({ operation: 'get', columns: { id: 'ann', xata: expect.objectContaining({ version: 0 }), name: 'Ann', age: 30, team: { id: 'red' } } });
  });

  it('a failed transaction reports every failing operation, checked or run, and writes nothing', async () => {
    const error = await fetcherError(xata.transactions.run([
      { insert: { table: 'teams', record: { id: 'blue', name: 'Blue' } } },
      { update: { table: 'users', id: 'nobody', fields: { age: 1 } } },
      { insert: { table: 'users', record: { id: 'ann', name: 'Again' }, createOnly: true } },
      { insert: { table: 'users', record: { nope: 1 } as never } },
      { update: { table: 'users', id: 'ann', fields: { age: 31 } } },
      { delete: { table: 'teams', id: 'green', failIfMissing: true } },
      { insert: { table: 'users', record: { id: 'cat', team: 'nowhere' } } },
    ]), 400);
    expect(error.errors).toEqual([
      { index: 1, message: 'record [nobody] not found' },
      { index: 2, message: 'record with ID [ann] already exists' },
      { index: 3, message: 'column [nope] not found in table [users]' },
      { index: 5, message: 'table [teams]: no rows deleted' },
      { index: 6, message: 'column [team]: record [nowhere] not found in table [teams]' },
    ]);
    expect(await xata.db.teams.read('blue')).toBeNull();
    expect((await xata.db.users.read('ann'))!.age).toBe(30);
    expect(await xata.db.users.read('cat')).toBeNull();
  });

  it('a failing operation leaves no trace for the ones after it: they run against the writes that succeeded', async () => {
    const error = await fetcherError(xata.transactions.run([
      { insert: { table: 'teams', record: { id: 'pink', name: 'Pink' } } },
      { update: { table: 'users', id: 'ann', fields: { age: 40 }, ifVersion: 7 } },
      { update: { table: 'teams', id: 'pink', fields: { city: 'Rome' } } },
      { insert: { table: 'teams', record: { id: 'pink', name: 'Twice' }, createOnly: true } },
    ]), 400);
    expect(error.errors?.map((e) => (e as { index: number }).index)).toEqual([1, 3]);
    expect(await xata.db.teams.read('pink')).toBeNull();
    // And a transaction that fails nowhere commits as before.
    const ok = await xata.transactions.run([{ insert: { table: 'teams', record: { id: 'pink', name: 'Pink' } } }, { update: { table: 'teams', id: 'pink', fields: { city: 'Rome' } } }]);
    expect(ok.results).toEqual([{ operation: 'insert', id: 'pink', rows: 1, columns: {} }, { operation: 'update', id: 'pink', rows: 1, columns: {} }]);
    expect((await xata.db.teams.read('pink'))!.city).toBe('Rome');
  });
});
