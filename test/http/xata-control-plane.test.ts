import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/** Xata's control-plane calls and the schema-loop endpoints, over HTTP (the CLI drives them in test/conformance/xata-cli.test.ts). */
describeEachEngine('Xata control plane and schema loop over HTTP', (engine) => {
  let s: RunningStrata;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it('answers the control-plane reads: workspaces, the workspace, regions; PATCH settings merges like PUT', async () => {
    const list = await s.request('GET', '/workspaces');
    expect(list.body).toEqual({ workspaces: [{ id: 'local', unique_id: 'local', name: 'local', slug: 'local', role: 'owner', plan: 'free', memberCount: 1 }] });
    expect((await s.request('GET', '/workspaces/local')).body).toMatchObject({ id: 'local', name: 'local', plan: 'free' });
    expect((await s.request('GET', '/workspaces/other')).status).toBe(404);
    expect((await s.request('GET', '/workspaces/local/regions')).body.regions).toContainEqual({ id: 'local', name: 'local' });
    expect((await s.request('PUT', '/workspaces/local/settings', { a: 1 })).status).toBe(200);
    const patched = await s.request('PATCH', '/workspaces/local/settings', { postgresEnabled: true });
    expect(patched.status).toBe(200);
    expect((await s.request('GET', '/workspaces/local/settings')).body).toMatchObject({ a: 1, postgresEnabled: true });
  });

  it('renames a database (POST …/dbs/{db}/rename {newName})', async () => {
    expect((await s.request('PUT', '/workspaces/local/dbs/old', {})).status).toBe(201);
    const renamed = await s.request('POST', '/workspaces/local/dbs/old/rename', { newName: 'new' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'new', region: 'local' });
    expect((await s.request('GET', '/workspaces/local/dbs/old')).status).toBe(404);
  });

  it('calls a self-hosted instance cannot honour answer 400 in Xata\'s envelope, saying what to do instead', async () => {
    for (const [method, path, hint] of [
      ['POST', '/workspaces', 'PUT /workspaces/{ws}/dbs/{db}'], ['DELETE', '/workspaces/local', 'DELETE /workspaces/{ws}/dbs/{db}'],
      ['POST', '/user/keys/ci', 'POST /api:meta/token'], ['DELETE', '/user/keys/ci', 'strata token revoke'], ['GET', '/user', '/api:meta/auth/me'],
    ] as const) {
      const res = await s.request(method, path, method === 'POST' ? { name: 'x' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(['id', 'message']);
      expect(res.body.message).toContain(hint);
    }
    expect((await s.request('POST', '/workspaces', { name: 'x' })).body.message).toContain('Strata serves one workspace');
  });

  it('schema history: newest first, paged with a cursor, `since` keeps the later migrations, stable checksums', async () => {
    for (const name of ['h1', 'h2', 'h3']) expect((await s.request('PUT', `/db/app:main/tables/${name}`, {})).status).toBe(201);
    const all = await s.request('POST', '/db/app:main/schema/history', {});
    expect(all.status).toBe(200);
    const ids = all.body.logs.map((c: { id: string }) => c.id);
    expect(all.body.logs.map((c: { operations: unknown[] }) => c.operations[0])).toEqual([{ addTable: { table: 'h3' } }, { addTable: { table: 'h2' } }, { addTable: { table: 'h1' } }]);
    expect(all.body.logs[0]).toMatchObject({ parentID: ids[1], checksum: expect.stringMatching(/^1:[0-9a-f]{64}$/) });
    const first = await s.request('POST', '/db/app:main/schema/history', { page: { size: 2 } });
    expect(first.body.meta).toEqual({ cursor: ids[1], more: true });
    const next = await s.request('POST', '/db/app:main/schema/history', { page: { size: 2, after: first.body.meta.cursor } });
    expect(next.body).toMatchObject({ meta: { cursor: ids[2], more: false }, logs: [{ id: ids[2] }] });
    const since = await s.request('POST', '/db/app:main/schema/history', { since: ids[2] });
    expect(since.body.logs.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect((await s.request('POST', '/db/app:main/schema/history', {})).body.logs[0].checksum).toBe(all.body.logs[0].checksum);
    expect((await s.request('POST', '/db/app:main/schema/history', { since: 'mig_nope' })).status).toBe(404);
  });

  it('schema push keeps the pushed ids, skips those the branch has, and refuses a migration that does not continue the branch (409)', async () => {
    expect((await s.request('PUT', '/db/app:pushed', { from: 'main' })).status).toBe(201);
    const head = (await s.request('POST', '/db/app:pushed/schema/history', {})).body.logs[0].id;
    const migrations = [
      { id: head, parentID: 'whatever', checksum: '1:x', operations: [] },
      { id: 'mig_pushed_one', parentID: head, checksum: '1:y', operations: [{ addTable: { table: 'p1' } }] },
      { id: 'mig_pushed_two', parentID: 'mig_pushed_one', checksum: '1:z', operations: [{ addColumn: { table: 'p1', column: { name: 'n', type: 'int' } } }] },
    ];
    const pushed = await s.request('POST', '/db/app:pushed/schema/push', { migrations });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ migrationID: 'mig_pushed_two', parentMigrationID: head, status: 'completed' });
    const logs = (await s.request('POST', '/db/app:pushed/schema/history', {})).body.logs;
    expect(logs.slice(0, 3).map((c: { id: string }) => c.id)).toEqual(['mig_pushed_two', 'mig_pushed_one', head]);
    // Pushing the same again changes nothing.
    expect((await s.request('POST', '/db/app:pushed/schema/push', { migrations })).status).toBe(200);
    const stale = await s.request('POST', '/db/app:pushed/schema/push', { migrations: [{ id: 'mig_x', parentID: head, checksum: '1:', operations: [{ addTable: { table: 'p2' } }] }] });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('pull');
    expect((await s.request('GET', '/db/app:pushed/tables/p2/schema')).status).toBe(404);
    expect((await s.request('POST', '/db/app:pushed/schema/push', { migrations: [{ id: 'bad id!', operations: [] }] })).status).toBe(400);
  });

  it('compare never drops and re-adds a kept column: catalog-only changes are in-place edits, a flag change is refused', async () => {
    const columns = [{ name: 'email', type: 'email', unique: true }, { name: 'photo', type: 'file', file: { defaultPublicAccess: false } }];
    expect((await s.request('PUT', '/db/app:main/tables/people', { columns })).status).toBe(201);
    const tables = (await s.request('GET', '/db/app:main')).body.schema.tables;
    const withPeople = (people: unknown[]) => ({ schema: { tables: tables.map((t: { name: string }) => (t.name === 'people' ? { name: 'people', columns: people } : t)) } });

    const unique = await s.request('POST', '/db/app:main/schema/compare', withPeople([{ name: 'email', type: 'email' }, columns[1]]));
    expect(unique.status).toBe(400);
    expect(unique.body.message).toContain('column [people.email]: changing its unique in place is not supported');

    const publicAccess = await s.request('POST', '/db/app:main/schema/compare', withPeople([columns[0], { name: 'photo', type: 'file', file: { defaultPublicAccess: true } }]));
    expect(publicAccess.status).toBe(200);
    expect(publicAccess.body.edits.operations).toEqual([{ alterColumn: { table: 'people', column: 'photo', definition: { name: 'photo', type: 'file', file: { defaultPublicAccess: true } } } }]);
    expect((await s.request('POST', '/db/app:main/schema/apply', { edits: publicAccess.body.edits })).status).toBe(200);
    expect((await s.request('GET', '/db/app:main/tables/people/schema')).body.columns[1]).toEqual({ name: 'photo', type: 'file', file: { defaultPublicAccess: true } });
  });

  it('compare replays schemaOperations (xata diff); compare/{branch} compares two branches', async () => {
    const ops = (await s.request('POST', '/db/app:main/schema/history', { page: { size: 200 } })).body.logs.reverse().flatMap((c: { operations: unknown[] }) => c.operations);
    const same = await s.request('POST', '/db/app:main/schema/compare', { schema: { tables: [] }, schemaOperations: ops });
    expect(same.status).toBe(200);
    expect(same.body.edits.operations).toEqual([]);
    const fewer = await s.request('POST', '/db/app:main/schema/compare', { schema: { tables: [] }, schemaOperations: ops.slice(0, -1) });
    expect(fewer.body.edits.operations.length).toBeGreaterThan(0);
    expect((await s.request('POST', '/db/app:main/schema/compare', { schema: { tables: [] }, schemaOperations: [{ removeTable: { table: 'ghost' } }] })).status).toBe(404);

    const branches = await s.request('POST', '/db/app:main/schema/compare/pushed', {});
    expect(branches.status).toBe(200);
    expect(branches.body.edits.operations).toEqual(expect.arrayContaining([{ addTable: { table: 'p1' } }, { removeTable: { table: 'people' } }]));
    expect((await s.request('POST', '/db/app:main/schema/compare/ghost', {})).status).toBe(404);
  });

  it('schema preview shows the result without applying it; schema update checks parentID', async () => {
    const preview = await s.request('POST', '/db/app:main/schema/preview', { edits: { operations: [{ addTable: { table: 'preview_only' } }] } });
    expect(preview.status).toBe(200);
    expect(preview.body.updated.tables.map((t: { name: string }) => t.name)).toContain('preview_only');
    expect(preview.body.original.tables.map((t: { name: string }) => t.name)).not.toContain('preview_only');
    expect((await s.request('GET', '/db/app:main/tables/preview_only/schema')).status).toBe(404);

    const head = (await s.request('GET', '/db/app:main')).body.lastMigrationID;
    expect((await s.request('POST', '/db/app:main/schema/update', { parentID: 'mig_old', operations: [{ addTable: { table: 'u1' } }] })).status).toBe(409);
    const updated = await s.request('POST', '/db/app:main/schema/update', { parentID: head, operations: [{ addTable: { table: 'u1' } }] });
    expect(updated.status).toBe(200);
    expect(updated.body.parentMigrationID).toBe(head);
  });
});
