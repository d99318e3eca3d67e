import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { sdkOptions } from '../support/xata-sdk-client.js';

/**
 * A link named in `columns` through the official SDK (@xata.io/client 0.30.1): at the first
 * level (`team`) and at the end of a path (`owner.team`) it is the linked record with its own
 * columns, its links as `{id}` (Xata: "if the column name of a link is specified, we include
 * all of its sub-keys"; the SDK reads such a link with columns `*`). The same in a record GET,
 * a query, a search's records and a transaction's get.
 */
const tables = [
  { name: 'orgs', columns: [{ name: 'label', type: 'string' }] },
  { name: 'teams', columns: [{ name: 'name', type: 'string' }, { name: 'org', type: 'link', link: { table: 'orgs' } }] },
  {
    name: 'users',
    columns: [
      { name: 'name', type: 'string' }, { name: 'team', type: 'link', link: { table: 'teams' } }, { name: 'owner', type: 'link', link: { table: 'users' } },
    ],
  },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { orgs: Inferred['orgs'] & XataRecord; teams: Inferred['teams'] & XataRecord; users: Inferred['users'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

const meta = (version = 0) => ({ version, createdAt: expect.any(String), updatedAt: expect.any(String) });
// The team record as a named link gives it: its columns, its own link as {id}.
const redTeam = { id: 'red', xata: meta(), name: 'Red', org: { id: 'acme' } };

describeEachEngine('Xata SDK 0.30.1 against Strata: links named in columns', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;
  const path = '/db/links:main/tables/users';
  const data = `${path}/data`;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/links', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/links:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient(sdkOptions(s, 'links'));
    await xata.db.orgs.create('acme', { label: 'Acme' });
    await xata.db.teams.create('red', { name: 'Red', org: 'acme' });
    await xata.db.users.create('boss', { name: 'Boss', team: 'red' });
    await xata.db.users.create('ann', { name: 'Ann', owner: 'boss' });
  });
  afterAll(async () => { await s?.close(); });

  it('record GET: `team` and `owner.team` are team records; under `*` links stay {id}', async () => {
    expect((await s.request('GET', `${data}/boss?columns=team`)).body).toEqual({ id: 'boss', xata: meta(), team: redTeam });
    expect((await s.request('GET', `${data}/ann?columns=owner.team`)).body).toEqual({ id: 'ann', xata: meta(), owner: { id: 'boss', xata: meta(), team: redTeam } });
    expect((await s.request('GET', `${data}/ann?columns=owner.team.name,owner.name`)).body)
      .toEqual({ id: 'ann', xata: meta(), owner: { id: 'boss', xata: meta(), name: 'Boss', team: { id: 'red', xata: meta(), name: 'Red' } } });
    expect((await s.request('GET', `${data}/ann?columns=*`)).body).toEqual({ id: 'ann', xata: meta(), name: 'Ann', owner: { id: 'boss' } });
    expect((await s.request('GET', `${data}/ann?columns=owner`)).body)
      .toEqual({ id: 'ann', xata: meta(), owner: { id: 'boss', xata: meta(), name: 'Boss', team: { id: 'red' } } });
  });

  it('the SDK reads a named link as the whole linked record (read, select, getFirst)', async () => {
    const boss = await xata.db.users.read('boss', ['team']);
    expect(boss!.team!.name).toBe('Red');
    expect(boss!.team!.org!.id).toBe('acme');
    const ann = await xata.db.users.filter({ id: 'ann' }).select(['owner.team']).getFirst();
    expect(ann!.owner!.team!.name).toBe('Red');
    expect((ann!.owner!.team as unknown as XataRecord).getMetadata().version).toBe(0);
  });

  it('query: the same records as a record GET', async () => {
    const res = await s.request('POST', `${path}/query`, { filter: { id: 'ann' }, columns: ['owner.team'] });
    expect(res.body.records).toEqual([{ id: 'ann', xata: meta(), owner: { id: 'boss', xata: meta(), team: redTeam } }]);
  });

  it('search: records come with `*` (links {id}); a search by the SDK keeps them live records', async () => {
    const found = await xata.db.users.search('Ann', { fuzziness: 0 });
    expect(found.records.map((r) => [r.id, r.owner?.id])).toEqual([['ann', 'boss']]);
  });

  it('transaction get: a named link is the linked record (without its xata, as exactly the fields asked)', async () => {
    const result = await xata.transactions.run([{ get: { table: 'users', id: 'ann', columns: ['owner.team'] } }, { get: { table: 'users', id: 'boss', columns: ['team'] } }]);
    expect(result.results).toEqual([
      { operation: 'get', columns: { owner: { team: { id: 'red', name: 'Red', org: { id: 'acme' } } } } },
      { operation: 'get', columns: { team: { id: 'red', name: 'Red', org: { id: 'acme' } } } },
    ]);
  });
});
