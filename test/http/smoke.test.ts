import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

describeEachEngine('smoke: create a database, a table and a record over HTTP', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(engine); });
  afterAll(async () => { await s?.close(); });

  it('round-trips a record', async () => {
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    expect((await s.request('PUT', '/db/app:main/tables/users', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    const created = await s.request('POST', '/db/app:main/tables/users/data', { name: 'Alice' });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^rec_[0-9a-v]{20}$/);
    const read = await s.request('GET', `/db/app:main/tables/users/data/${created.body.id}`);
    expect(read.body).toMatchObject({ id: created.body.id, name: 'Alice', xata: { version: 0 } });
  });
});
