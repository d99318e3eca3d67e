import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, PAGINATION_MAX_OFFSET, PAGINATION_MAX_SIZE, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { fetcherError, sdkOptions } from '../support/xata-sdk-client.js';

/**
 * The errors whose words are Xata's (src/core/xata-messages.ts), through the official SDK
 * (@xata.io/client 0.30.1): the texts its own integration tests match exactly, and the ones
 * its records and transactions report. Asserted as whole strings.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }] },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { teams: Inferred['teams'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

describeEachEngine('Xata SDK 0.30.1 against Strata: Xata-worded errors', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/words', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/words:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient(sdkOptions(s, 'words'));
    await xata.db.teams.create('red', { name: 'Red' });
  });
  afterAll(async () => { await s?.close(); });

  it('a page above 1000 records: "page size exceeds max limit of 1000" (the SDK suite\'s "Pagination size limit")', async () => {
    const error = await fetcherError(xata.db.teams.getPaginated({ pagination: { size: PAGINATION_MAX_SIZE + 1 } }), 400);
    expect(error.message).toBe('page size exceeds max limit of 1000');
    expect((await xata.db.teams.getPaginated({ pagination: { size: PAGINATION_MAX_SIZE } })).records).toHaveLength(1);
  });

  it('an offset above 49000: "page offset must not exceed 49000" (the SDK suite\'s "Pagination offset limit")', async () => {
    const error = await fetcherError(xata.db.teams.getPaginated({ pagination: { offset: PAGINATION_MAX_OFFSET + 1 } }), 400);
    expect(error.message).toBe('page offset must not exceed 49000');
    expect((await xata.db.teams.getPaginated({ pagination: { offset: PAGINATION_MAX_OFFSET } })).records).toEqual([]);
  });

  it('search pages past their bounds are worded the same way', async () => {
    expect((await fetcherError(xata.db.teams.search('red', { page: { size: 201 } }), 400)).message).toBe('page size exceeds max limit of 200');
    expect((await fetcherError(xata.db.teams.search('red', { page: { offset: 801 } }), 400)).message).toBe('page offset must not exceed 800');
  });

  it('a transaction delete with failIfMissing of a missing record: "table [teams]: no rows deleted"', async () => {
    const error = await fetcherError(xata.transactions.run([{ delete: { table: 'teams', id: 'nobody', failIfMissing: true } }]), 400);
    expect(error.errors).toEqual([{ index: 0, message: 'table [teams]: no rows deleted' }]);
    // Without failIfMissing a missing record is 0 rows, not an error.
    expect(await xata.transactions.run([{ delete: { table: 'teams', id: 'nobody' } }])).toEqual({ results: [{ operation: 'delete', rows: 0 }] });
  });

  it('records: an id taken, a column or table that does not exist, a bad key', async () => {
    expect((await fetcherError(xata.db.teams.create('red', { name: 'Again' }), 422)).message).toBe('record with ID [red] already exists');
    expect((await fetcherError(xata.db.teams.filter({ nope: 1 } as never).getMany(), 400)).message).toBe('column [nope] not found in table [teams]');
    expect((await fetcherError(xata.db.teams.read('red', ['nope' as 'name']), 400)).message).toBe('column [nope] not found in table [teams]');
    const missingTable = await fetcherError(xata.transactions.run([{ insert: { table: 'ghosts' as 'teams', record: {} } }]), 400);
    expect(missingTable.errors).toEqual([{ index: 0, message: 'table [ghosts] not found' }]);
    const update = await fetcherError(xata.transactions.run([{ update: { table: 'teams', id: 'nobody', fields: { name: 'x' } } }]), 400);
    expect(update.errors).toEqual([{ index: 0, message: 'record [nobody] not found' }]);
    const badKey = new XataClient({ ...sdkOptions(s, 'words'), apiKey: 'xau_not_a_key' });
    expect((await fetcherError(badKey.db.teams.read('red'), 401)).message).toBe('invalid API key');
  });
});
