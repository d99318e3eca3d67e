import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { sdkOptions } from '../support/xata-sdk-client.js';

/**
 * What the official SDK (@xata.io/client 0.30.1) reads beside the records of a search:
 * vectorSearch's `totalCount` (every match, not the page: the SDK suite's r1–r4 vectors) and
 * the search metadata of table-search records (`xata.table`, `score`, `highlight`).
 */
const tables = [
  { name: 'users', columns: [{ name: 'full_name', type: 'string' }, { name: 'vector', type: 'vector', vector: { dimension: 4 } }] },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { users: Inferred['users'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

// The SDK suite's vectors (test/integration/vectorSearch.test.ts), and a user without one.
const users = [
  { id: 'r1', full_name: 'r1', vector: [0.1, 0.2, 0.3, 0.5] },
  { id: 'r2', full_name: 'r2', vector: [4, 3, 2, 1] },
  { id: 'r3', full_name: 'r3', vector: [0.5, 0.2, 0.3, 0.1] },
  { id: 'r4', full_name: 'r4', vector: [1, 2, 3, 4] },
  { id: 'r5', full_name: 'r5 has no vector' },
];

describeEachEngine('Xata SDK 0.30.1 against Strata: search counts and metadata', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/vs', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/vs:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient(sdkOptions(s, 'vs'));
    await xata.db.users.create(users);
  });
  afterAll(async () => { await s?.close(); });

  it('vectorSearch totalCount counts every record matching the filter that has a vector, whatever the size', async () => {
    const sized = await xata.db.users.vectorSearch('vector', [1, 2, 3, 4], { size: 2 });
    expect(sized.records.map((r) => r.full_name)).toEqual(['r4', 'r1']);
    expect(sized.totalCount).toBe(4);
    const filtered = await xata.db.users.vectorSearch('vector', [1, 2, 3, 4], { filter: { full_name: { $any: ['r3', 'r4'] } }, size: 1 });
    expect(filtered.records.map((r) => r.full_name)).toEqual(['r4']);
    expect(filtered.totalCount).toBe(2);
    const l1 = await xata.db.users.vectorSearch('vector', [1, 2, 3, 4], { filter: { full_name: { $any: ['r3', 'r4'] } }, size: 1, similarityFunction: 'l1' });
    expect(l1.records.map((r) => r.full_name)).toEqual(['r4']);
    expect(l1.totalCount).toBe(2);
    const all = await xata.db.users.vectorSearch('vector', [1, 2, 3, 4], { size: 100 });
    expect(all.records.map((r) => r.full_name)).toEqual(['r4', 'r1', 'r2', 'r3']);
    expect(all.totalCount).toBe(4);
    const none = await xata.db.users.vectorSearch('vector', [1, 2, 3, 4], { filter: { full_name: 'nobody' } });
    expect(none).toEqual({ records: [], totalCount: 0 });
  });

  it('table search records carry xata.table, xata.score and xata.highlight, as branch search records do', async () => {
    const result = await xata.db.users.search('r2', { fuzziness: 0 });
    expect(result.records.map((r) => r.id)).toEqual(['r2']);
    const meta = result.records[0]!.getMetadata();
    expect(meta.table).toBe('users');
    expect(meta.score).toBeGreaterThan(0);
    expect(meta.highlight).toEqual({ full_name: ['<em>r2</em>'] });
    const raw = await s.request('POST', '/db/vs:main/tables/users/search', { query: 'r2', fuzziness: 0 });
    expect(Object.keys(raw.body.records[0].xata).sort()).toEqual(['createdAt', 'highlight', 'score', 'table', 'updatedAt', 'version']);
    const byTable = await xata.search.byTable('r2', { fuzziness: 0 });
    expect(byTable.records.users?.[0]!.getMetadata().table).toBe('users');
  });
});
