import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * Every database, branch, table, column and migration endpoint over real HTTP, with its
 * error cases. Each test works in a database of its own, so tests do not depend on each other.
 */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const MIGRATION_ID = /^mig_[0-9a-v]{20}$/;
const TABLE_NAME_RULE = 'use letters, digits, _ - ~ (1–63 characters)';

/** A record without its `xata` metadata. */
function fields(record: Record<string, unknown>): Record<string, unknown> {
  const { xata: _xata, ...rest } = record;
  return rest;
}

describeEachEngine('schema, branch and database endpoints', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startStrata(engine); });
  afterAll(async () => { await s?.close(); });

  const call = (method: string, path: string, body?: unknown) => s.request(method, path, body);
  /** A call that must succeed with `status`; returns the body. */
  const ok = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await call(method, path, body);
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  const createDb = (name: string) => ok('PUT', `/workspaces/local/dbs/${name}`, { region: 'local' }, 201);
  const createTable = (branch: string, table: string, columns: unknown[] = []) => ok('PUT', `/db/${branch}/tables/${table}`, { columns }, 201);
  const branchDetails = (branch: string) => ok('GET', `/db/${branch}`);
  const migrations = async (branch: string) => (await ok('GET', `/db/${branch}/migrations`)).migrations as Array<Record<string, any>>;
  const tableNames = async (branch: string) => (await branchDetails(branch)).schema.tables.map((t: { name: string }) => t.name);
  const putRecord = (branch: string, table: string, id: string, record: Record<string, unknown>) => ok('PUT', `/db/${branch}/tables/${table}/data/${id}`, record, 201);
  const getRecord = (branch: string, table: string, id: string, columns?: string) =>
    call('GET', `/db/${branch}/tables/${table}/data/${id}${columns ? `?columns=${encodeURIComponent(columns)}` : ''}`);
  const recordFields = async (branch: string, table: string, id: string, columns?: string) => {
    const res = await getRecord(branch, table, id, columns);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return fields(res.body);
  };
  const migrationResult = (parent: string) => ({ migrationID: expect.stringMatching(MIGRATION_ID), parentMigrationID: parent, status: 'completed' });
  const lastMigration = async (branch: string) => (await branchDetails(branch)).lastMigrationID as string;

  describe('workspace databases: /workspaces/{ws}/dbs[/{db}]', () => {
    it('creates (201), lists, reads, refuses a duplicate (422) and deletes a database', async () => {
      const before = await ok('GET', '/workspaces/local/dbs');
      expect(before.databases.some((d: { name: string }) => d.name === 'wsdb')).toBe(false);

      const created = await call('PUT', '/workspaces/local/dbs/wsdb', { region: 'eu-west-1' });
      expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { databaseName: 'wsdb', branchName: 'main', status: 'completed' } });

      const listed = (await ok('GET', '/workspaces/local/dbs')).databases.filter((d: { name: string }) => d.name === 'wsdb');
      expect(listed).toEqual([{ name: 'wsdb', region: 'eu-west-1', createdAt: expect.stringMatching(ISO), numberOfBranches: 1 }]);
      expect(await ok('GET', '/workspaces/local/dbs/wsdb')).toEqual({ name: 'wsdb', region: 'eu-west-1', createdAt: listed[0].createdAt });

      expectError(await call('PUT', '/workspaces/local/dbs/wsdb', { region: 'us-east-1' }), 422, 'database [wsdb] already exists');
      expect((await ok('GET', '/workspaces/local/dbs/wsdb')).region).toBe('eu-west-1');

      await ok('PUT', '/db/wsdb:dev', undefined, 201);
      const withBranch = (await ok('GET', '/workspaces/local/dbs')).databases.find((d: { name: string }) => d.name === 'wsdb');
      expect(withBranch.numberOfBranches).toBe(2);

      expect(await ok('DELETE', '/workspaces/local/dbs/wsdb')).toEqual({ status: 'completed' });
      expectError(await call('GET', '/workspaces/local/dbs/wsdb'), 404, 'database [wsdb] not found');
      expectError(await call('DELETE', '/workspaces/local/dbs/wsdb'), 404, 'database [wsdb] not found');
      expectError(await call('GET', '/db/wsdb:main'), 404, 'database [wsdb] not found');
      expectError(await call('GET', '/db/wsdb:dev'), 404, 'database [wsdb] not found');
      expectError(await call('GET', '/dbs/wsdb'), 404, 'database [wsdb] not found');
      expect((await ok('GET', '/workspaces/local/dbs')).databases.some((d: { name: string }) => d.name === 'wsdb')).toBe(false);
    });

    it('creates with no body (region "local")', async () => {
      expect(await ok('PUT', '/workspaces/local/dbs/nobody', undefined, 201)).toEqual({ databaseName: 'nobody', branchName: 'main', status: 'completed' });
      expect(await ok('GET', '/workspaces/local/dbs/nobody')).toEqual({ name: 'nobody', region: 'local', createdAt: expect.stringMatching(ISO) });
    });

    it('a database deleted and created again starts empty', async () => {
      await createDb('again');
      await createTable('again:main', 'items', [{ name: 'label', type: 'string' }]);
      await putRecord('again:main', 'items', 'i1', { label: 'old' });
      await ok('PUT', '/db/again:dev', undefined, 201);
      await ok('DELETE', '/workspaces/local/dbs/again');

      await createDb('again');
      const details = await branchDetails('again:main');
      expect(details.schema).toEqual({ tables: [], tablesOrder: [] });
      expect(details.version).toBe(0);
      expect(await migrations('again:main')).toEqual([]);
      expect((await ok('GET', '/dbs/again')).branches.map((b: { name: string }) => b.name)).toEqual(['main']);
      expectError(await call('GET', '/db/again:dev'), 404, 'branch [again:dev] not found');
      expectError(await getRecord('again:main', 'items', 'i1'), 404, 'table [items] not found');
    });

    it('an unknown workspace is 404 on every workspace route, and nothing is created', async () => {
      expectError(await call('PUT', '/workspaces/elsewhere/dbs/ghostdb', { region: 'local' }), 404, 'workspace [elsewhere] not found');
      expectError(await call('GET', '/workspaces/elsewhere/dbs'), 404, 'workspace [elsewhere] not found');
      expectError(await call('GET', '/workspaces/elsewhere/dbs/ghostdb'), 404, 'workspace [elsewhere] not found');
      expectError(await call('DELETE', '/workspaces/elsewhere/dbs/ghostdb'), 404, 'workspace [elsewhere] not found');
      expectError(await call('GET', '/workspaces/elsewhere/settings'), 404, 'workspace [elsewhere] not found');
      expectError(await call('PUT', '/workspaces/elsewhere/settings', { a: 1 }), 404, 'workspace [elsewhere] not found');
      expectError(await call('GET', '/workspaces/local/dbs/ghostdb'), 404, 'database [ghostdb] not found');
      expectError(await call('DELETE', '/workspaces/local/dbs/ghostdb'), 404, 'database [ghostdb] not found');
    });

    it('refuses invalid database names with 400', async () => {
      const rule = 'use letters, digits, _ - ~ (1–255 characters)';
      expectError(await call('PUT', '/workspaces/local/dbs/bad%20name', {}), 400, `invalid database name [bad name]: ${rule}`);
      expectError(await call('PUT', '/workspaces/local/dbs/a%3Ab', {}), 400, `invalid database name [a:b]: ${rule}`);
      expectError(await call('PUT', '/workspaces/local/dbs/a.b', {}), 400, `invalid database name [a.b]: ${rule}`);
      expect((await ok('GET', '/workspaces/local/dbs')).databases.map((d: { name: string }) => d.name)).not.toContain('a:b');
    });

    it('workspace settings: GET, PUT merges, non-object body → 400', async () => {
      expect(await ok('GET', '/workspaces/local/settings')).toEqual({});
      expect(await ok('PUT', '/workspaces/local/settings', { theme: 'dark' })).toEqual({ theme: 'dark' });
      expect(await ok('PUT', '/workspaces/local/settings', { lang: 'en' })).toEqual({ theme: 'dark', lang: 'en' });
      expect(await ok('GET', '/workspaces/local/settings')).toEqual({ theme: 'dark', lang: 'en' });
      expectError(await call('PUT', '/workspaces/local/settings', [1, 2]), 400, /^invalid request: /);
      expect(await ok('GET', '/workspaces/local/settings')).toEqual({ theme: 'dark', lang: 'en' });
    });
  });

  describe('/dbs/{db} and /dbs/{db}/settings', () => {
    it('lists the branches of a database', async () => {
      await createDb('brl');
      expect(await ok('GET', '/dbs/brl')).toEqual({ databaseName: 'brl', branches: [{ name: 'main', createdAt: expect.stringMatching(ISO) }] });
      await ok('PUT', '/db/brl:dev', undefined, 201);
      const listed = await ok('GET', '/dbs/brl');
      expect(listed.branches.map((b: { name: string }) => b.name).sort()).toEqual(['dev', 'main']);
      expect(listed.branches.every((b: { createdAt: string }) => ISO.test(b.createdAt))).toBe(true);
      expectError(await call('GET', '/dbs/nodb'), 404, 'database [nodb] not found');
    });

    it('reads and updates the database settings', async () => {
      await createDb('sett');
      expect(await ok('GET', '/dbs/sett/settings')).toEqual({ searchEnabled: true });
      expect(await ok('PATCH', '/dbs/sett/settings', { searchEnabled: false })).toEqual({ searchEnabled: false });
      expect(await ok('GET', '/dbs/sett/settings')).toEqual({ searchEnabled: false });
      expect(await ok('PATCH', '/dbs/sett/settings')).toEqual({ searchEnabled: false }); // no body: nothing to change
      expectError(await call('PATCH', '/dbs/sett/settings', { searchEnabled: 'maybe' }), 400, /^invalid request: /);
      expect(await ok('GET', '/dbs/sett/settings')).toEqual({ searchEnabled: false });
      expectError(await call('GET', '/dbs/nodb/settings'), 404, 'database [nodb] not found');
      expectError(await call('PATCH', '/dbs/nodb/settings', { searchEnabled: true }), 404, 'database [nodb] not found');
    });
  });

  describe('branches: GET|PUT|DELETE /db/{db}:{branch}', () => {
    const usersColumns = [
      { name: 'name', type: 'string', notNull: true, defaultValue: 'anon' },
      { name: 'email', type: 'email', unique: true },
      { name: 'bio', type: 'text' },
      { name: 'age', type: 'int' },
      { name: 'score', type: 'float' },
      { name: 'active', type: 'bool' },
      { name: 'born', type: 'datetime' },
      { name: 'tags', type: 'multiple' },
      { name: 'meta', type: 'json' },
      { name: 'address', type: 'object', columns: [{ name: 'street', type: 'string' }, { name: 'city', type: 'string' }] },
      { name: 'embedding', type: 'vector', vector: { dimension: 3 } },
    ];
    const postsColumns = [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }];

    it('GET returns branch details with schema.tables and column types', async () => {
      await createDb('typ');
      await createTable('typ:main', 'users', usersColumns);
      await createTable('typ:main', 'posts', postsColumns);
      const history = await migrations('typ:main');
      expect(history).toHaveLength(2);
      const details = await branchDetails('typ:main');
      expect(details).toEqual({
        databaseName: 'typ',
        branchName: 'main',
        createdAt: expect.stringMatching(ISO),
        id: expect.any(String),
        version: 2,
        lastMigrationID: history[1]!.id,
        metadata: {},
        schema: {
          tables: [
            { name: 'users', columns: usersColumns, revLinks: [{ table: 'posts', column: 'author' }] },
            { name: 'posts', columns: postsColumns, revLinks: [] },
          ],
          tablesOrder: ['users', 'posts'],
        },
      });
      // `{db}` alone means `{db}:main`.
      expect(await branchDetails('typ')).toEqual(details);
    });

    it('GET of an unknown database or branch → 404; invalid names → 400', async () => {
      await createDb('gbr');
      expectError(await call('GET', '/db/gbr:nope'), 404, 'branch [gbr:nope] not found');
      expectError(await call('GET', '/db/nodb:main'), 404, 'database [nodb] not found');
      expectError(await call('GET', '/db/gbr:bad%20name'), 400, 'invalid branch name [bad name]: use letters, digits, _ - ~ (1–255 characters)');
      expectError(await call('GET', '/db/gbr:'), 400, 'invalid branch name []: use letters, digits, _ - ~ (1–255 characters)');
    });

    it('PUT creates a branch from main with its schema but not its records; the branches are isolated', async () => {
      await createDb('br');
      await createTable('br:main', 'users', [{ name: 'name', type: 'string' }]);
      await putRecord('br:main', 'users', 'u1', { name: 'Ann' });
      const main = await branchDetails('br:main');

      const created = await call('PUT', '/db/br:dev');
      expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { databaseName: 'br', branchName: 'dev', status: 'completed' } });
      const dev = await branchDetails('br:dev');
      expect(dev).toMatchObject({ databaseName: 'br', branchName: 'dev', startedFrom: { branchName: 'main' }, lastMigrationID: main.lastMigrationID, version: main.version });
      expect(dev.schema).toEqual(main.schema);
      expect(dev.id).not.toBe(main.id);
      expect(await migrations('br:dev')).toEqual(await migrations('br:main'));
      expectError(await getRecord('br:dev', 'users', 'u1'), 404, 'record [u1] not found');
      expect(await recordFields('br:main', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann' });

      // A write on one branch is invisible on the other, both ways.
      await putRecord('br:dev', 'users', 'u2', { name: 'Dev only' });
      expect((await getRecord('br:main', 'users', 'u2')).status).toBe(404);
      await putRecord('br:main', 'users', 'u3', { name: 'Main only' });
      expect((await getRecord('br:dev', 'users', 'u3')).status).toBe(404);
      // So is a schema change.
      await ok('POST', '/db/br:dev/tables/users/columns', { name: 'age', type: 'int' });
      expect(await ok('GET', '/db/br:main/tables/users/schema')).toEqual({ columns: [{ name: 'name', type: 'string' }] });
      expect(await ok('GET', '/db/br:dev/tables/users/schema')).toEqual({ columns: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] });
      await createTable('br:main', 'only_main');
      expect(await tableNames('br:dev')).toEqual(['users']);
      expect(await tableNames('br:main')).toEqual(['users', 'only_main']);
    });

    it('PUT creates from another branch given as `from` in the body or the query, with metadata', async () => {
      await createDb('brf');
      await createTable('brf:main', 'base');
      await ok('PUT', '/db/brf:dev', undefined, 201);
      await createTable('brf:dev', 'dev_table', [{ name: 'x', type: 'int' }]);
      await putRecord('brf:dev', 'dev_table', 'd1', { x: 1 });

      await ok('PUT', '/db/brf:feature', { from: 'dev', metadata: { stage: 'test' } }, 201);
      const feature = await branchDetails('brf:feature');
      expect(feature).toMatchObject({ branchName: 'feature', startedFrom: { branchName: 'dev' }, metadata: { stage: 'test' } });
      expect(feature.schema).toEqual((await branchDetails('brf:dev')).schema);
      expectError(await getRecord('brf:feature', 'dev_table', 'd1'), 404, 'record [d1] not found');

      await ok('PUT', '/db/brf:feature2?from=dev', undefined, 201);
      expect(await tableNames('brf:feature2')).toEqual(['base', 'dev_table']);
      expect((await branchDetails('brf:feature2')).startedFrom).toMatchObject({ branchName: 'dev' });
    });

    it('PUT with copyData: true copies the records too, and the copies stay independent', async () => {
      await createDb('cp');
      await createTable('cp:main', 'users', [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }]);
      await createTable('cp:main', 'posts', [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }]);
      await putRecord('cp:main', 'users', 'u1', { name: 'Ann', age: 30 });
      await putRecord('cp:main', 'users', 'u2', { name: 'Bob', age: 40 });
      await putRecord('cp:main', 'posts', 'p1', { title: 'Hello', author: 'u1' });

      await ok('PUT', '/db/cp:copy', { copyData: true }, 201);
      expect(await recordFields('cp:copy', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann', age: 30 });
      expect(await recordFields('cp:copy', 'users', 'u2')).toEqual({ id: 'u2', name: 'Bob', age: 40 });
      const post = await recordFields('cp:copy', 'posts', 'p1', 'title,author.name');
      expect({ ...post, author: fields(post.author as Record<string, unknown>) }).toEqual({ id: 'p1', title: 'Hello', author: { id: 'u1', name: 'Ann' } });
      expect((await getRecord('cp:copy', 'users', 'u1')).body.xata).toEqual((await getRecord('cp:main', 'users', 'u1')).body.xata);

      await ok('PATCH', '/db/cp:copy/tables/users/data/u1', { name: 'Ann (copy)' });
      expect(await recordFields('cp:main', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann', age: 30 });
      expect(await recordFields('cp:copy', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann (copy)', age: 30 });
      await ok('DELETE', '/db/cp:main/tables/users/data/u2');
      expect((await getRecord('cp:main', 'users', 'u2')).status).toBe(404);
      expect(await recordFields('cp:copy', 'users', 'u2')).toEqual({ id: 'u2', name: 'Bob', age: 40 });
      const inserted = await ok('POST', '/db/cp:copy/tables/users/data', { name: 'Cy' }, 201);
      expect((await getRecord('cp:main', 'users', inserted.id)).status).toBe(404);

      // copyData: false is the default behaviour (schema only).
      await ok('PUT', '/db/cp:schemaonly', { copyData: false }, 201);
      expect((await getRecord('cp:schemaonly', 'users', 'u1')).status).toBe(404);
      expect(await tableNames('cp:schemaonly')).toEqual(['users', 'posts']);
    });

    it('PUT refuses a duplicate (422), an unknown source (404), an unknown database (404) and bad names (400)', async () => {
      await createDb('bre');
      await ok('PUT', '/db/bre:dev', undefined, 201);
      expectError(await call('PUT', '/db/bre:dev'), 422, 'branch [dev] already exists in database [bre]');
      expectError(await call('PUT', '/db/bre:main'), 422, 'branch [main] already exists in database [bre]');
      expectError(await call('PUT', '/db/bre:x', { from: 'ghost' }), 404, 'branch [ghost] not found in database [bre]');
      expectError(await call('GET', '/db/bre:x'), 404, 'branch [bre:x] not found');
      expectError(await call('PUT', '/db/nodb:dev'), 404, 'database [nodb] not found');
      expectError(await call('PUT', '/db/bre:bad%20name'), 400, 'invalid branch name [bad name]: use letters, digits, _ - ~ (1–255 characters)');
      expectError(await call('PUT', '/db/bre:y', { copyData: 'yes please' }), 400, /^invalid request: /);
      expect((await ok('GET', '/dbs/bre')).branches.map((b: { name: string }) => b.name).sort()).toEqual(['dev', 'main']);
    });

    it('DELETE removes a branch and its data; deleting main → 409', async () => {
      await createDb('dlb');
      await ok('PUT', '/db/dlb:dev', undefined, 201);
      await createTable('dlb:dev', 'only_dev', [{ name: 'x', type: 'int' }]);
      await putRecord('dlb:dev', 'only_dev', 'r1', { x: 1 });

      expect(await ok('DELETE', '/db/dlb:dev')).toEqual({ status: 'completed' });
      expectError(await call('GET', '/db/dlb:dev'), 404, 'branch [dlb:dev] not found');
      expectError(await getRecord('dlb:dev', 'only_dev', 'r1'), 404, 'branch [dlb:dev] not found');
      expect((await ok('GET', '/dbs/dlb')).branches.map((b: { name: string }) => b.name)).toEqual(['main']);
      expectError(await call('DELETE', '/db/dlb:dev'), 404, 'branch [dlb:dev] not found');

      expectError(await call('DELETE', '/db/dlb:main'), 409, 'the main branch cannot be deleted; delete the database instead');
      expect((await branchDetails('dlb:main')).branchName).toBe('main');
      expectError(await call('DELETE', '/db/nodb:dev'), 404, 'database [nodb] not found');

      // A new branch of the same name starts from main, with nothing of the old one.
      await ok('PUT', '/db/dlb:dev', undefined, 201);
      expect(await tableNames('dlb:dev')).toEqual([]);
    });
  });

  describe('tables: PUT|PATCH|DELETE /db/{b}/tables/{t}', () => {
    it('creates a table (201) and refuses an existing one (422)', async () => {
      await createDb('tb');
      const created = await call('PUT', '/db/tb:main/tables/items');
      expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { branchName: 'tb:main', tableName: 'items', status: 'completed' } });
      expect(await ok('GET', '/db/tb:main/tables/items/schema')).toEqual({ columns: [] });
      expectError(await call('PUT', '/db/tb:main/tables/items'), 422, 'table [items] already exists');
      expectError(await call('PUT', '/db/tb:main/tables/items', { columns: [{ name: 'x', type: 'int' }] }), 422, 'table [items] already exists');
      expect(await ok('GET', '/db/tb:main/tables/items/schema')).toEqual({ columns: [] });

      await createTable('tb:main', 'with_cols', [{ name: 'n', type: 'int' }, { name: 'label', type: 'string', unique: true }]);
      expect(await ok('GET', '/db/tb:main/tables/with_cols/schema')).toEqual({ columns: [{ name: 'n', type: 'int' }, { name: 'label', type: 'string', unique: true }] });
      // `link` and `vector` on a column of another type are ignored (they would otherwise make a
      // string column look like a link, and keep its "target" from being deleted).
      await createTable('tb:main', 'loose', [{ name: 's', type: 'string', link: { table: 'items' }, vector: { dimension: 3 } }]);
      expect(await ok('GET', '/db/tb:main/tables/loose/schema')).toEqual({ columns: [{ name: 's', type: 'string' }] });
      expect((await branchDetails('tb:main')).schema.tables.find((t: { name: string }) => t.name === 'items').revLinks).toEqual([]);
      await ok('DELETE', '/db/tb:main/tables/loose');
      // A table may link to itself from its creation on.
      await createTable('tb:main', 'tree', [{ name: 'parent', type: 'link', link: { table: 'tree' } }]);
      expect(await tableNames('tb:main')).toEqual(['items', 'with_cols', 'tree']);

      expectError(await call('PUT', '/db/tb:nope/tables/t'), 404, 'branch [tb:nope] not found');
      expectError(await call('PUT', '/db/nodb:main/tables/t'), 404, 'database [nodb] not found');
      expectError(await call('PUT', '/db/tb:main/tables/t2', { columns: 'x' }), 400, 'columns must be an array');
    });

    it('refuses bad table names with 400 and creates nothing', async () => {
      await createDb('tn');
      const history = await migrations('tn:main');
      expectError(await call('PUT', '/db/tn:main/tables/bad%20name'), 400, `invalid table name [bad name]: ${TABLE_NAME_RULE}`);
      expectError(await call('PUT', '/db/tn:main/tables/a%2Fb'), 400, `invalid table name [a/b]: ${TABLE_NAME_RULE}`);
      expectError(await call('PUT', '/db/tn:main/tables/a.b'), 400, `invalid table name [a.b]: ${TABLE_NAME_RULE}`);
      const long = 't'.repeat(64);
      expectError(await call('PUT', `/db/tn:main/tables/${long}`), 400, `invalid table name [${long}]: ${TABLE_NAME_RULE}`);
      expectError(await call('PUT', `/db/tn:main/tables/${'t'.repeat(300)}`), 400, /^invalid request: /);
      const reserved = 'names starting with "xata" or "_strata" are reserved';
      expectError(await call('PUT', '/db/tn:main/tables/xataitems'), 400, `invalid table name [xataitems]: ${reserved}`);
      expectError(await call('PUT', '/db/tn:main/tables/xata'), 400, `invalid table name [xata]: ${reserved}`);
      expectError(await call('PUT', '/db/tn:main/tables/_strata_tables'), 400, `invalid table name [_strata_tables]: ${reserved}`);
      expectError(await call('PUT', '/db/tn:main/tables/_strata_migrations'), 400, `invalid table name [_strata_migrations]: ${reserved}`);
      expect(await tableNames('tn:main')).toEqual([]);
      expect(await migrations('tn:main')).toEqual(history);

      await createTable('tn:main', 't'.repeat(63));
      await createTable('tn:main', 'a-b_c~d');
      expect(await tableNames('tn:main')).toEqual(['t'.repeat(63), 'a-b_c~d']);
    });

    it('refuses bad column definitions with 400, and the table is not created (one transaction)', async () => {
      await createDb('tc');
      await createTable('tc:main', 'existing', [{ name: 'x', type: 'string' }]);
      const history = await migrations('tc:main');
      const reservedColumn = '"id" and names starting with "xata" are reserved';
      const cases: Array<[unknown[], number, string]> = [
        [[{ name: 'id', type: 'string' }], 400, `invalid column name [id]: ${reservedColumn}`],
        [[{ name: 'xata_version', type: 'int' }], 400, `invalid column name [xata_version]: ${reservedColumn}`],
        [[{ name: 'a b', type: 'string' }], 400, 'invalid column name [a b]: use letters, digits, _ - ~'],
        [[{ name: 'ok', type: 'string' }, { name: 'n', type: 'varchar' }], 400, 'column [n]: unknown type [varchar]'],
        [[{ name: 'n' }], 400, 'column [n]: unknown type [undefined]'],
        [[{ name: 'owner', type: 'link', link: { table: 'ghost' } }], 400, 'column [owner]: linked table [ghost] does not exist'],
        [[{ name: 'owner', type: 'link' }], 400, 'column [owner]: a link column needs link.table'],
        [[{ name: 'emb', type: 'vector' }], 400, 'column [emb]: a vector column needs vector.dimension between 2 and 10000'],
        [[{ name: 'emb', type: 'vector', vector: { dimension: 1 } }], 400, 'column [emb]: a vector column needs vector.dimension between 2 and 10000'],
        [[{ name: 'emb', type: 'vector', vector: { dimension: 10001 } }], 400, 'column [emb]: a vector column needs vector.dimension between 2 and 10000'],
        [[{ name: 'n', type: 'int', defaultValue: 'abc' }], 400, 'column [n]: invalid defaultValue [abc] for type int'],
        [[{ name: 'o', type: 'object', columns: [] }], 400, 'column [o]: an object column needs nested columns'],
        [[{ name: 'o', type: 'object', columns: [{ name: 'id', type: 'string' }] }], 400, `invalid column name [id]: ${reservedColumn}`],
        [[{ name: 'c'.repeat(64), type: 'string' }], 400, `column [${'c'.repeat(64)}]: the full column path is limited to 63 characters`],
        [[{ name: 'tags', type: 'multiple', unique: true }], 400, 'column [tags]: multiple columns cannot be unique'],
        [['not an object'], 400, 'a column must be an object with name and type'],
        [[{ name: 'a', type: 'string' }, { name: 'a', type: 'int' }], 422, 'column [a] already exists in table [fresh]'],
      ];
      for (const [columns, status, message] of cases) {
        expectError(await call('PUT', '/db/tc:main/tables/fresh', { columns }), status, message);
        expectError(await call('GET', '/db/tc:main/tables/fresh/schema'), 404, 'table [fresh] not found');
      }
      expect(await tableNames('tc:main')).toEqual(['existing']);
      expect(await migrations('tc:main')).toEqual(history);
      // The name is still free afterwards.
      await createTable('tc:main', 'fresh', [{ name: 'a', type: 'string' }]);
    });

    it('renames a table: the data stays and links from other tables follow the rename', async () => {
      await createDb('rn');
      await createTable('rn:main', 'users', [{ name: 'name', type: 'string' }]);
      await createTable('rn:main', 'posts', [
        { name: 'title', type: 'string' },
        { name: 'author', type: 'link', link: { table: 'users' } },
        { name: 'meta', type: 'object', columns: [{ name: 'editor', type: 'link', link: { table: 'users' } }] },
      ]);
      await createTable('rn:main', 'tree', [{ name: 'label', type: 'string' }, { name: 'parent', type: 'link', link: { table: 'tree' } }]);
      await putRecord('rn:main', 'users', 'u1', { name: 'Ann' });
      await putRecord('rn:main', 'posts', 'p1', { title: 'Hello', author: 'u1', meta: { editor: 'u1' } });
      await putRecord('rn:main', 'tree', 'root', { label: 'root' });
      await putRecord('rn:main', 'tree', 'leaf', { label: 'leaf', parent: 'root' });

      const parent = await lastMigration('rn:main');
      expect(await ok('PATCH', '/db/rn:main/tables/users', { name: 'people' })).toEqual(migrationResult(parent));
      expectError(await call('GET', '/db/rn:main/tables/users/schema'), 404, 'table [users] not found');
      expectError(await getRecord('rn:main', 'users', 'u1'), 404, 'table [users] not found');
      expect(await recordFields('rn:main', 'people', 'u1')).toEqual({ id: 'u1', name: 'Ann' });
      expect(await ok('GET', '/db/rn:main/tables/posts/schema')).toEqual({
        columns: [
          { name: 'title', type: 'string' },
          { name: 'author', type: 'link', link: { table: 'people' } },
          { name: 'meta', type: 'object', columns: [{ name: 'editor', type: 'link', link: { table: 'people' } }] },
        ],
      });
      const post = await recordFields('rn:main', 'posts', 'p1', 'title,author.name,meta.editor.name');
      expect({
        ...post,
        author: fields(post.author as Record<string, unknown>),
        meta: { editor: fields((post.meta as { editor: Record<string, unknown> }).editor) },
      }).toEqual({ id: 'p1', title: 'Hello', author: { id: 'u1', name: 'Ann' }, meta: { editor: { id: 'u1', name: 'Ann' } } });
      const details = await branchDetails('rn:main');
      expect(details.schema.tablesOrder).toEqual(['people', 'posts', 'tree']);
      expect(details.schema.tables[0].revLinks).toEqual([{ table: 'posts', column: 'author' }, { table: 'posts', column: 'meta.editor' }]);
      // Links to the renamed table still validate against it.
      await putRecord('rn:main', 'posts', 'p2', { title: 'Again', author: 'u1' });
      expectError(await call('PUT', '/db/rn:main/tables/posts/data/p3', { author: 'nobody' }), 400, /nobody/);

      // A self-link follows its own table's rename.
      await ok('PATCH', '/db/rn:main/tables/tree', { name: 'forest' });
      expect(await ok('GET', '/db/rn:main/tables/forest/schema')).toEqual({
        columns: [{ name: 'label', type: 'string' }, { name: 'parent', type: 'link', link: { table: 'forest' } }],
      });
      const leaf = await recordFields('rn:main', 'forest', 'leaf', 'label,parent.label');
      expect({ ...leaf, parent: fields(leaf.parent as Record<string, unknown>) }).toEqual({ id: 'leaf', label: 'leaf', parent: { id: 'root', label: 'root' } });

      const history = await migrations('rn:main');
      expectError(await call('PATCH', '/db/rn:main/tables/people', { name: 'posts' }), 422, 'table [posts] already exists');
      expectError(await call('PATCH', '/db/rn:main/tables/ghost', { name: 'x' }), 404, 'table [ghost] not found');
      expectError(await call('PATCH', '/db/rn:main/tables/people', { name: 'bad name' }), 400, `invalid table name [bad name]: ${TABLE_NAME_RULE}`);
      expectError(await call('PATCH', '/db/rn:main/tables/people', { name: 'xata_people' }), 400, /^invalid table name \[xata_people\]/);
      expectError(await call('PATCH', '/db/rn:main/tables/people', {}), 400, /^invalid request: /);
      expect(await migrations('rn:main')).toEqual(history);
      expect(await tableNames('rn:main')).toEqual(['people', 'posts', 'forest']);
    });

    it('names that differ only in letter case clash (422) on every engine; a change of case is a valid rename', async () => {
      await createDb('cs');
      await createTable('cs:main', 'users', [{ name: 'name', type: 'string' }, { name: 'other', type: 'string' }]);
      await createTable('cs:main', 'posts', [{ name: 'author', type: 'link', link: { table: 'users' } }]);
      await putRecord('cs:main', 'users', 'u1', { name: 'Ann', other: 'o' });
      await putRecord('cs:main', 'posts', 'p1', { author: 'u1' });
      const history = await migrations('cs:main');
      const rule = 'names must differ in more than letter case';

      expectError(await call('PUT', '/db/cs:main/tables/Users'), 422, `table [Users] clashes with table [users]: ${rule}`);
      expectError(await call('PATCH', '/db/cs:main/tables/posts', { name: 'USERS' }), 422, `table [USERS] clashes with table [users]: ${rule}`);
      expectError(await call('POST', '/db/cs:main/tables/users/columns', { name: 'Name', type: 'int' }), 422, `column [Name] clashes with column [name] in table [users]: ${rule}`);
      expectError(await call('PATCH', '/db/cs:main/tables/users/columns/other', { name: 'NAME' }), 422, `column [NAME] clashes with column [name] in table [users]: ${rule}`);
      expectError(await call('PUT', '/db/cs:main/tables/t2', { columns: [{ name: 'a', type: 'int' }, { name: 'A', type: 'int' }] }), 422, `column [A] clashes with column [a] in table [t2]: ${rule}`);
      expectError(await call('PUT', '/db/cs:main/tables/t3', { columns: [{ name: 'o', type: 'object', columns: [{ name: 'x', type: 'int' }, { name: 'X', type: 'int' }] }] }), 400, 'column [o.X] is defined twice');
      expect(await migrations('cs:main')).toEqual(history);
      expect(await tableNames('cs:main')).toEqual(['users', 'posts']);

      // Changing only the case of a table or column name is a rename like any other.
      await ok('PATCH', '/db/cs:main/tables/users', { name: 'Users' });
      await ok('PATCH', '/db/cs:main/tables/Users/columns/name', { name: 'Name' });
      expect(await tableNames('cs:main')).toEqual(['Users', 'posts']);
      expect(await recordFields('cs:main', 'Users', 'u1')).toEqual({ id: 'u1', Name: 'Ann', other: 'o' });
      expect(await ok('GET', '/db/cs:main/tables/posts/schema')).toEqual({ columns: [{ name: 'author', type: 'link', link: { table: 'Users' } }] });
      const post = await recordFields('cs:main', 'posts', 'p1', 'author.Name');
      expect({ ...post, author: fields(post.author as Record<string, unknown>) }).toEqual({ id: 'p1', author: { id: 'u1', Name: 'Ann' } });
      expectError(await call('GET', '/db/cs:main/tables/users/schema'), 404, 'table [users] not found');
    });

    it('deletes a table and its data; a table other tables link to → 422', async () => {
      await createDb('dl');
      await createTable('dl:main', 'users', [{ name: 'name', type: 'string' }]);
      await createTable('dl:main', 'posts', [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }]);
      await createTable('dl:main', 'docs', [{ name: 'meta', type: 'object', columns: [{ name: 'owner', type: 'link', link: { table: 'users' } }] }]);
      await createTable('dl:main', 'tree', [{ name: 'parent', type: 'link', link: { table: 'tree' } }]);
      await putRecord('dl:main', 'users', 'u1', { name: 'Ann' });
      await putRecord('dl:main', 'posts', 'p1', { title: 'Hello', author: 'u1' });

      const history = await migrations('dl:main');
      expectError(await call('DELETE', '/db/dl:main/tables/users'), 422, 'table [users] is linked from column [posts.author]; remove that column first');
      expect(await recordFields('dl:main', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann' });
      expect(await migrations('dl:main')).toEqual(history);

      const parent = await lastMigration('dl:main');
      expect(await ok('DELETE', '/db/dl:main/tables/posts')).toEqual(migrationResult(parent));
      expectError(await call('GET', '/db/dl:main/tables/posts/schema'), 404, 'table [posts] not found');
      expectError(await getRecord('dl:main', 'posts', 'p1'), 404, 'table [posts] not found');
      expectError(await call('DELETE', '/db/dl:main/tables/posts'), 404, 'table [posts] not found');
      // Still linked from inside an object column.
      expectError(await call('DELETE', '/db/dl:main/tables/users'), 422, 'table [users] is linked from column [docs.meta.owner]; remove that column first');
      await ok('DELETE', '/db/dl:main/tables/docs');
      await ok('DELETE', '/db/dl:main/tables/users');
      // A link to itself does not keep a table.
      await ok('DELETE', '/db/dl:main/tables/tree');
      expect(await tableNames('dl:main')).toEqual([]);

      // A table created again under the same name is new and empty.
      await createTable('dl:main', 'users', [{ name: 'name', type: 'string' }]);
      expectError(await getRecord('dl:main', 'users', 'u1'), 404, 'record [u1] not found');
      expectError(await call('DELETE', '/db/dl:nope/tables/users'), 404, 'branch [dl:nope] not found');
    });
  });

  describe('table schema: GET|PUT /db/{b}/tables/{t}/schema', () => {
    it('PUT replaces the columns: adds and removes, keeps the data of kept columns; same schema → 204', async () => {
      await createDb('ts');
      const original = [{ name: 'a', type: 'string' }, { name: 'b', type: 'int' }, { name: 'c', type: 'bool' }];
      await createTable('ts:main', 'items', original);
      await putRecord('ts:main', 'items', 'i1', { a: 'x', b: 1, c: true });
      expect(await ok('GET', '/db/ts:main/tables/items/schema')).toEqual({ columns: original });

      const history = await migrations('ts:main');
      const same = await call('PUT', '/db/ts:main/tables/items/schema', { columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'int', notNull: false }, { name: 'c', type: 'bool' }] });
      expect({ status: same.status, body: same.body }).toEqual({ status: 204, body: undefined });
      expect(await migrations('ts:main')).toEqual(history);

      const parent = await lastMigration('ts:main');
      expect(await ok('PUT', '/db/ts:main/tables/items/schema', { columns: [{ name: 'a', type: 'string' }, { name: 'c', type: 'bool' }, { name: 'd', type: 'float' }] }))
        .toEqual(migrationResult(parent));
      expect(await ok('GET', '/db/ts:main/tables/items/schema')).toEqual({ columns: [{ name: 'a', type: 'string' }, { name: 'c', type: 'bool' }, { name: 'd', type: 'float' }] });
      expect(await recordFields('ts:main', 'items', 'i1')).toEqual({ id: 'i1', a: 'x', c: true });
      const after = await migrations('ts:main');
      expect(after).toHaveLength(history.length + 1);
      expect(after.at(-1)!.operations).toEqual([
        { removeColumn: { table: 'items', column: 'b' } },
        { addColumn: { table: 'items', column: { name: 'd', type: 'float' } } },
      ]);
    });

    it('PUT refuses to change a kept column (400), bad columns (400), unknown tables (404); nothing changes', async () => {
      await createDb('tse');
      const columns = [{ name: 'a', type: 'string' }, { name: 'b', type: 'int' }];
      await createTable('tse:main', 'items', columns);
      await putRecord('tse:main', 'items', 'i1', { a: 'x', b: 1 });
      const history = await migrations('tse:main');

      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'a', type: 'text' }, { name: 'b', type: 'int' }, { name: 'new', type: 'int' }] }),
        400, "column [a]: changing a column's definition is not supported; remove it and add it again");
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'a', type: 'string', unique: true }, { name: 'b', type: 'int' }] }),
        400, "column [a]: changing a column's definition is not supported; remove it and add it again");
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'id', type: 'string' }] }), 400, /^invalid column name \[id\]/);
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'a', type: 'string' }, { name: 'a', type: 'string' }] }), 400, 'column [a] is listed twice');
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'l', type: 'link', link: { table: 'ghost' } }] }), 400, 'column [l]: linked table [ghost] does not exist');
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [...columns, { name: 'req', type: 'string', notNull: true }] }),
        400, 'column [req]: a notNull column added to a table with records needs a defaultValue');
      // The notNull add is the last op after a removal: the removal is rolled back with it.
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', { columns: [{ name: 'a', type: 'string' }, { name: 'req', type: 'string', notNull: true }] }),
        400, 'column [req]: a notNull column added to a table with records needs a defaultValue');
      expectError(await call('PUT', '/db/tse:main/tables/items/schema', {}), 400, /^invalid request: /);
      expectError(await call('PUT', '/db/tse:main/tables/ghost/schema', { columns }), 404, 'table [ghost] not found');

      expect(await ok('GET', '/db/tse:main/tables/items/schema')).toEqual({ columns });
      expect(await recordFields('tse:main', 'items', 'i1')).toEqual({ id: 'i1', a: 'x', b: 1 });
      expect(await migrations('tse:main')).toEqual(history);
      expectError(await call('GET', '/db/tse:main/tables/ghost/schema'), 404, 'table [ghost] not found');
    });
  });

  describe('columns: /db/{b}/tables/{t}/columns[/{col}]', () => {
    it('lists columns with object columns flattened to dotted names; GET one column', async () => {
      await createDb('cl');
      const columns = [
        { name: 'name', type: 'string', notNull: true, defaultValue: 'anon' },
        { name: 'address', type: 'object', columns: [
          { name: 'street', type: 'string' },
          { name: 'geo', type: 'object', columns: [{ name: 'lat', type: 'float' }, { name: 'lng', type: 'float' }] },
        ] },
        { name: 'friend', type: 'link', link: { table: 'people' } },
        { name: 'emb', type: 'vector', vector: { dimension: 2 } },
        { name: 'code', type: 'string', unique: true },
      ];
      await createTable('cl:main', 'people', columns);
      expect(await ok('GET', '/db/cl:main/tables/people/columns')).toEqual({
        columns: [
          { name: 'name', type: 'string', notNull: true, defaultValue: 'anon' },
          { name: 'address.street', type: 'string' },
          { name: 'address.geo.lat', type: 'float' },
          { name: 'address.geo.lng', type: 'float' },
          { name: 'friend', type: 'link', link: { table: 'people' } },
          { name: 'emb', type: 'vector', vector: { dimension: 2 } },
          { name: 'code', type: 'string', unique: true },
        ],
      });
      expect(await ok('GET', '/db/cl:main/tables/people/columns/name')).toEqual(columns[0]);
      expect(await ok('GET', '/db/cl:main/tables/people/columns/address')).toEqual(columns[1]);
      expect(await ok('GET', '/db/cl:main/tables/people/columns/address.geo')).toEqual({ name: 'geo', type: 'object', columns: [{ name: 'lat', type: 'float' }, { name: 'lng', type: 'float' }] });
      expect(await ok('GET', '/db/cl:main/tables/people/columns/address.geo.lng')).toEqual({ name: 'lng', type: 'float' });
      expectError(await call('GET', '/db/cl:main/tables/people/columns/nope'), 404, 'column [nope] not found in table [people]');
      expectError(await call('GET', '/db/cl:main/tables/people/columns/address.nope'), 404, 'column [address.nope] not found in table [people]');
      expectError(await call('GET', '/db/cl:main/tables/ghost/columns'), 404, 'table [ghost] not found');
      expectError(await call('GET', '/db/cl:main/tables/ghost/columns/name'), 404, 'table [ghost] not found');
    });

    it('POST adds a column (also a child of an object column); errors change nothing', async () => {
      await createDb('ca');
      await createTable('ca:main', 'people', [{ name: 'name', type: 'string' }, { name: 'address', type: 'object', columns: [{ name: 'city', type: 'string' }] }]);
      await putRecord('ca:main', 'people', 'p1', { name: 'Ann', address: { city: 'Paris' } });

      let parent = await lastMigration('ca:main');
      expect(await ok('POST', '/db/ca:main/tables/people/columns', { name: 'age', type: 'int' })).toEqual(migrationResult(parent));
      parent = await lastMigration('ca:main');
      expect(await ok('POST', '/db/ca:main/tables/people/columns', { name: 'address.zip', type: 'string', defaultValue: '00000' })).toEqual(migrationResult(parent));
      await ok('POST', '/db/ca:main/tables/people/columns', { name: 'best', type: 'link', link: { table: 'people' } });
      expect(await ok('GET', '/db/ca:main/tables/people/columns/address')).toEqual({
        name: 'address', type: 'object', columns: [{ name: 'city', type: 'string' }, { name: 'zip', type: 'string', defaultValue: '00000' }],
      });
      expect(await recordFields('ca:main', 'people', 'p1')).toEqual({ id: 'p1', name: 'Ann', address: { city: 'Paris', zip: '00000' } });
      await ok('PATCH', '/db/ca:main/tables/people/data/p1', { age: 31, best: 'p1' });
      expect(await recordFields('ca:main', 'people', 'p1')).toEqual({ id: 'p1', name: 'Ann', age: 31, address: { city: 'Paris', zip: '00000' }, best: { id: 'p1' } });

      const schema = await ok('GET', '/db/ca:main/tables/people/schema');
      const history = await migrations('ca:main');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'age', type: 'int' }), 422, 'column [age] already exists in table [people]');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'address', type: 'string' }), 422, 'column [address] already exists in table [people]');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'address.city', type: 'string' }), 422, 'column [address.city] already exists in table [people]');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'name.x', type: 'string' }), 400, 'column [name.x]: [name] is not an object column of table [people]');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'id', type: 'string' }), 400, 'invalid column name [id]: "id" and names starting with "xata" are reserved');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'bad name', type: 'string' }), 400, 'invalid column name [bad name]: use letters, digits, _ - ~');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'x', type: 'varchar' }), 400, 'column [x]: unknown type [varchar]');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'x', type: 'link', link: { table: 'ghost' } }), 400, 'column [x]: linked table [ghost] does not exist');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'x', type: 'vector' }), 400, 'column [x]: a vector column needs vector.dimension between 2 and 10000');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'x', type: 'file', defaultValue: 'a' }), 400, 'column [x]: file columns take no defaultValue');
      expectError(await call('POST', '/db/ca:main/tables/people/columns', { name: 'x', type: 'bool', defaultValue: 'yes' }), 400, 'column [x]: invalid defaultValue [yes] for type bool');
      expectError(await call('POST', '/db/ca:main/tables/ghost/columns', { name: 'x', type: 'int' }), 404, 'table [ghost] not found');
      expect(await ok('GET', '/db/ca:main/tables/people/schema')).toEqual(schema);
      expect(await migrations('ca:main')).toEqual(history);
    });

    it('a notNull column without defaultValue on a non-empty table → 400 and the table is unchanged', async () => {
      await createDb('nn');
      await createTable('nn:main', 't', [{ name: 'name', type: 'string' }]);
      await putRecord('nn:main', 't', 'r1', { name: 'Ann' });
      const schema = await branchDetails('nn:main');
      const history = await migrations('nn:main');

      expectError(await call('POST', '/db/nn:main/tables/t/columns', { name: 'req', type: 'string', notNull: true }),
        400, 'column [req]: a notNull column added to a table with records needs a defaultValue');
      expectError(await call('POST', '/db/nn:main/tables/t/columns', { name: 'obj', type: 'object', columns: [{ name: 'opt', type: 'int' }, { name: 'req', type: 'int', notNull: true }] }),
        400, 'column [obj.req]: a notNull column added to a table with records needs a defaultValue');
      expect(await branchDetails('nn:main')).toEqual(schema);
      expect(await migrations('nn:main')).toEqual(history);
      expect(await recordFields('nn:main', 't', 'r1')).toEqual({ id: 'r1', name: 'Ann' });
      // The table still takes writes (no half-added column is left behind).
      await putRecord('nn:main', 't', 'r2', { name: 'Bob' });
      expect(await recordFields('nn:main', 't', 'r2')).toEqual({ id: 'r2', name: 'Bob' });

      // With a defaultValue the existing records get it.
      await ok('POST', '/db/nn:main/tables/t/columns', { name: 'req', type: 'string', notNull: true, defaultValue: 'filled' });
      await ok('POST', '/db/nn:main/tables/t/columns', { name: 'n', type: 'int', notNull: true, defaultValue: '7' });
      expect(await recordFields('nn:main', 't', 'r1')).toEqual({ id: 'r1', name: 'Ann', req: 'filled', n: 7 });
      expect(await recordFields('nn:main', 't', 'r2')).toEqual({ id: 'r2', name: 'Bob', req: 'filled', n: 7 });
      // On an empty table no defaultValue is needed.
      await createTable('nn:main', 'empty', [{ name: 'x', type: 'string' }]);
      await ok('POST', '/db/nn:main/tables/empty/columns', { name: 'req', type: 'int', notNull: true });
      expect(await ok('GET', '/db/nn:main/tables/empty/columns/req')).toEqual({ name: 'req', type: 'int', notNull: true });
    });

    it('PATCH renames a column keeping its data: a plain column, an object column and a dotted child', async () => {
      await createDb('rc');
      await createTable('rc:main', 't', [
        { name: 'name', type: 'string' },
        { name: 'address', type: 'object', columns: [{ name: 'city', type: 'string' }, { name: 'zip', type: 'string' }] },
        { name: 'code', type: 'int', unique: true },
      ]);
      await putRecord('rc:main', 't', 'r1', { name: 'Ann', address: { city: 'Paris', zip: '75001' }, code: 1 });

      const parent = await lastMigration('rc:main');
      expect(await ok('PATCH', '/db/rc:main/tables/t/columns/name', { name: 'fullName' })).toEqual(migrationResult(parent));
      expect(await recordFields('rc:main', 't', 'r1')).toEqual({ id: 'r1', fullName: 'Ann', address: { city: 'Paris', zip: '75001' }, code: 1 });
      expectError(await call('GET', '/db/rc:main/tables/t/columns/name'), 404, 'column [name] not found in table [t]');

      await ok('PATCH', '/db/rc:main/tables/t/columns/address', { name: 'location' });
      expect(await recordFields('rc:main', 't', 'r1')).toEqual({ id: 'r1', fullName: 'Ann', location: { city: 'Paris', zip: '75001' }, code: 1 });

      await ok('PATCH', '/db/rc:main/tables/t/columns/location.city', { name: 'town' });
      await ok('PATCH', '/db/rc:main/tables/t/columns/location.zip', { name: 'location.postcode' });
      expect(await recordFields('rc:main', 't', 'r1')).toEqual({ id: 'r1', fullName: 'Ann', location: { town: 'Paris', postcode: '75001' }, code: 1 });
      expect((await ok('GET', '/db/rc:main/tables/t/columns')).columns.map((c: { name: string }) => c.name)).toEqual(['fullName', 'location.town', 'location.postcode', 'code']);

      // A renamed unique column stays unique.
      await ok('PATCH', '/db/rc:main/tables/t/columns/code', { name: 'ref' });
      expect(await ok('GET', '/db/rc:main/tables/t/columns/ref')).toEqual({ name: 'ref', type: 'int', unique: true });
      expectError(await call('PUT', '/db/rc:main/tables/t/data/r2', { ref: 1 }), 422, 'column [ref]: value is not unique');

      const history = await migrations('rc:main');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/fullName', { name: 'location' }), 422, 'column [location] already exists in table [t]');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/location.town', { name: 'postcode' }), 422, 'column [location.postcode] already exists in table [t]');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/location.town', { name: 'other.town' }), 400, 'column [location.town]: a rename cannot move a column to another object');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/fullName', { name: 'id' }), 400, 'invalid column name [id]: "id" and names starting with "xata" are reserved');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/fullName', { name: 'a b' }), 400, 'invalid column name [a b]: use letters, digits, _ - ~');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/ghost', { name: 'x' }), 404, 'column [ghost] not found in table [t]');
      expectError(await call('PATCH', '/db/rc:main/tables/ghost/columns/x', { name: 'y' }), 404, 'table [ghost] not found');
      expectError(await call('PATCH', '/db/rc:main/tables/t/columns/fullName', {}), 400, /^invalid request: /);
      expect(await migrations('rc:main')).toEqual(history);
      expect(await recordFields('rc:main', 't', 'r1')).toEqual({ id: 'r1', fullName: 'Ann', location: { town: 'Paris', postcode: '75001' }, ref: 1 });
    });

    it('DELETE removes a column (plain, indexed, link, object, dotted child) and its data', async () => {
      await createDb('dc');
      await createTable('dc:main', 't', [
        { name: 'name', type: 'string' },
        { name: 'code', type: 'int', unique: true },
        { name: 'self', type: 'link', link: { table: 't' } },
        { name: 'address', type: 'object', columns: [{ name: 'city', type: 'string' }, { name: 'zip', type: 'string' }] },
        { name: 'keep', type: 'bool' },
      ]);
      await putRecord('dc:main', 't', 'r1', { name: 'Ann', code: 1, address: { city: 'Paris', zip: '75001' }, keep: true });
      await ok('PATCH', '/db/dc:main/tables/t/data/r1', { self: 'r1' });
      expect(await recordFields('dc:main', 't', 'r1')).toEqual({ id: 'r1', name: 'Ann', code: 1, self: { id: 'r1' }, address: { city: 'Paris', zip: '75001' }, keep: true });

      const parent = await lastMigration('dc:main');
      expect(await ok('DELETE', '/db/dc:main/tables/t/columns/name')).toEqual(migrationResult(parent));
      expectError(await call('GET', '/db/dc:main/tables/t/columns/name'), 404, 'column [name] not found in table [t]');
      expectError(await call('DELETE', '/db/dc:main/tables/t/columns/name'), 404, 'column [name] not found in table [t]');
      await ok('DELETE', '/db/dc:main/tables/t/columns/code');
      await ok('DELETE', '/db/dc:main/tables/t/columns/self');
      await ok('DELETE', '/db/dc:main/tables/t/columns/address.zip');
      expect(await recordFields('dc:main', 't', 'r1')).toEqual({ id: 'r1', address: { city: 'Paris' }, keep: true });
      // Removing the last child of an object removes the object (an object column needs columns).
      await ok('DELETE', '/db/dc:main/tables/t/columns/address.city');
      expect(await ok('GET', '/db/dc:main/tables/t/columns')).toEqual({ columns: [{ name: 'keep', type: 'bool' }] });
      expectError(await call('GET', '/db/dc:main/tables/t/columns/address'), 404, 'column [address] not found in table [t]');
      expect(await ok('GET', '/db/dc:main/tables/t/schema')).toEqual({ columns: [{ name: 'keep', type: 'bool' }] });
      // A whole object column goes with its children.
      await ok('POST', '/db/dc:main/tables/t/columns', { name: 'box', type: 'object', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }] });
      await ok('PATCH', '/db/dc:main/tables/t/data/r1', { box: { a: 1, b: 2 } });
      await ok('DELETE', '/db/dc:main/tables/t/columns/box');
      expect(await ok('GET', '/db/dc:main/tables/t/columns')).toEqual({ columns: [{ name: 'keep', type: 'bool' }] });
      expect(await recordFields('dc:main', 't', 'r1')).toEqual({ id: 'r1', keep: true });
      // A dropped name can be added again, empty.
      await ok('POST', '/db/dc:main/tables/t/columns', { name: 'code', type: 'int', unique: true });
      expect(await recordFields('dc:main', 't', 'r1')).toEqual({ id: 'r1', keep: true });
      expectError(await call('DELETE', '/db/dc:main/tables/ghost/columns/keep'), 404, 'table [ghost] not found');
    });
  });

  describe('schema/compare, schema/apply and migrations', () => {
    it('compare turns a user schema into edits; apply reaches it; compare again is empty', async () => {
      await createDb('cmp');
      await createTable('cmp:main', 'users', [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }]);
      await createTable('cmp:main', 'posts', [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }]);
      await createTable('cmp:main', 'legacy', [{ name: 'x', type: 'string' }]);
      await putRecord('cmp:main', 'users', 'u1', { name: 'Ann', age: 30 });
      const source = (await branchDetails('cmp:main')).schema.tables.map((t: { name: string; columns: unknown }) => ({ name: t.name, columns: t.columns }));

      const target = {
        tables: [
          { name: 'users', columns: [{ name: 'name', type: 'string' }, { name: 'email', type: 'email', unique: true }] },
          { name: 'posts', columns: [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }] },
          { name: 'tags', columns: [{ name: 'label', type: 'string', notNull: true, defaultValue: 'none' }, { name: 'post', type: 'link', link: { table: 'posts' } }] },
        ],
      };
      // A kept column whose type changes is never dropped and re-added (its data would go): refused.
      const retyped = { tables: target.tables.map((t) => (t.name === 'posts' ? { ...t, columns: [{ name: 'title', type: 'text' }, t.columns[1]!] } : t)) };
      expectError(await call('POST', '/db/cmp:main/schema/compare', { schema: retyped }), 400,
        'column [posts.title]: changing its type in place is not supported, and removing and adding it again would lose its data; keep its current definition, or remove the column in one edit and add the new one in another if its data may go');
      const compared = await ok('POST', '/db/cmp:main/schema/compare', { schema: target });
      const operations = [
        { addTable: { table: 'tags' } },
        { removeColumn: { table: 'users', column: 'age' } },
        { addColumn: { table: 'users', column: { name: 'email', type: 'email', unique: true } } },
        { addColumn: { table: 'tags', column: { name: 'label', type: 'string', notNull: true, defaultValue: 'none' } } },
        { addColumn: { table: 'tags', column: { name: 'post', type: 'link', link: { table: 'posts' } } } },
        { removeTable: { table: 'legacy' } },
      ];
      expect(compared).toEqual({ source: { tables: source }, target, edits: { operations } });
      // compare changes nothing.
      expect((await branchDetails('cmp:main')).schema.tables.map((t: { name: string }) => t.name)).toEqual(['users', 'posts', 'legacy']);

      const parent = await lastMigration('cmp:main');
      expect(await ok('POST', '/db/cmp:main/schema/apply', { edits: compared.edits })).toEqual(migrationResult(parent));
      const after = (await branchDetails('cmp:main')).schema;
      // The same tables and columns (a re-added column comes last: column order is not part of the comparison).
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      const sorted = (tables: Array<{ name: string; columns: Array<{ name: string }> }>) => tables.map((t) => ({ name: t.name, columns: [...t.columns].sort(byName) }));
      expect(sorted(after.tables)).toEqual(sorted(target.tables));
      expect(after.tablesOrder).toEqual(['users', 'posts', 'tags']);
      expect(await recordFields('cmp:main', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann' });
      expect((await migrations('cmp:main')).at(-1)!.operations).toEqual(operations);

      expect((await ok('POST', '/db/cmp:main/schema/compare', { schema: target })).edits).toEqual({ operations: [] });
      // An empty target schema removes every table, links first.
      const toEmpty = await ok('POST', '/db/cmp:main/schema/compare', { schema: { tables: [] } });
      expect(toEmpty.edits.operations).toEqual([{ removeTable: { table: 'tags' } }, { removeTable: { table: 'posts' } }, { removeTable: { table: 'users' } }]);
      await ok('POST', '/db/cmp:main/schema/apply', { edits: toEmpty.edits });
      expect(await tableNames('cmp:main')).toEqual([]);
    });

    it("compare with the branch's own schema finds no edits", async () => {
      await createDb('cmps');
      await createTable('cmps:main', 'users', [
        { name: 'name', type: 'string', notNull: true, defaultValue: 'x' },
        { name: 'email', type: 'email', unique: true },
        { name: 'address', type: 'object', columns: [{ name: 'city', type: 'string' }, { name: 'geo', type: 'object', columns: [{ name: 'lat', type: 'float' }] }] },
        { name: 'emb', type: 'vector', vector: { dimension: 4 } },
        { name: 'best', type: 'link', link: { table: 'users' } },
        { name: 'born', type: 'datetime', defaultValue: 'now' },
        { name: 'tags', type: 'multiple' },
      ]);
      await createTable('cmps:main', 'posts', [{ name: 'author', type: 'link', link: { table: 'users' } }, { name: 'meta', type: 'json' }]);
      const schema = (await branchDetails('cmps:main')).schema;
      expect((await ok('POST', '/db/cmps:main/schema/compare', { schema })).edits).toEqual({ operations: [] });
    });

    it('compare removes tables that link to each other in an order apply accepts (also a cycle)', async () => {
      await createDb('cyc');
      await createTable('cyc:main', 'a');
      await createTable('cyc:main', 'b', [{ name: 'toA', type: 'link', link: { table: 'a' } }]);
      await ok('POST', '/db/cyc:main/tables/a/columns', { name: 'meta', type: 'object', columns: [{ name: 'toB', type: 'link', link: { table: 'b' } }] });
      await createTable('cyc:main', 'keep', [{ name: 'x', type: 'int' }]);
      expectError(await call('DELETE', '/db/cyc:main/tables/a'), 422, 'table [a] is linked from column [b.toA]; remove that column first');

      const target = { tables: [{ name: 'keep', columns: [{ name: 'x', type: 'int' }] }] };
      const compared = await ok('POST', '/db/cyc:main/schema/compare', { schema: target });
      expect(compared.edits.operations).toEqual([
        { removeColumn: { table: 'a', column: 'meta.toB' } },
        { removeColumn: { table: 'b', column: 'toA' } },
        { removeTable: { table: 'a' } },
        { removeTable: { table: 'b' } },
      ]);
      await ok('POST', '/db/cyc:main/schema/apply', { edits: compared.edits });
      expect(await tableNames('cyc:main')).toEqual(['keep']);
    });

    it('compare and apply reject bad input', async () => {
      await createDb('cmpe');
      await createTable('cmpe:main', 'users', [{ name: 'name', type: 'string' }]);
      const history = await migrations('cmpe:main');
      const compare = (schema: unknown) => call('POST', '/db/cmpe:main/schema/compare', { schema });
      expectError(await compare({ tables: 'x' }), 400, 'schema.tables must be an array');
      expectError(await compare(null), 400, 'schema.tables must be an array');
      expectError(await compare({ tables: [{ columns: [] }] }), 400, 'every table needs a name');
      expectError(await compare({ tables: [{ name: 'xata_t', columns: [] }] }), 400, /^invalid table name \[xata_t\]/);
      expectError(await compare({ tables: [{ name: 'a' }, { name: 'a' }] }), 400, 'table [a] is listed twice');
      expectError(await compare({ tables: [{ name: 'a', columns: [{ name: 'x', type: 'varchar' }] }] }), 400, 'column [x]: unknown type [varchar]');
      expectError(await compare({ tables: [{ name: 'a', columns: [{ name: 'l', type: 'link', link: { table: 'users' } }] }] }), 400, 'column [l]: linked table [users] does not exist');
      expectError(await call('POST', '/db/cmpe:main/schema/compare', {}), 400, /^invalid request: /);
      expectError(await call('POST', '/db/cmpe:nope/schema/compare', { schema: { tables: [] } }), 404, 'branch [cmpe:nope] not found');

      const apply = (operations: unknown[]) => call('POST', '/db/cmpe:main/schema/apply', { edits: { operations } });
      expectError(await apply([]), 400, 'a migration needs at least one operation');
      expectError(await apply([{ frobnicate: { table: 'users' } }]), 400, 'unknown migration operation [frobnicate]');
      expectError(await apply([null]), 400, /operation/);
      expectError(await apply(['addTable']), 400, /operation/);
      expectError(await apply([{ removeTable: { table: 'ghost' } }]), 404, 'table [ghost] not found');
      expectError(await apply([{ addTable: { table: 'users' } }]), 422, 'table [users] already exists');
      expectError(await apply([{ addColumn: { table: 'users', column: null } }]), 400, 'a column must be an object with name and type');
      expectError(await call('POST', '/db/cmpe:main/schema/apply', { operations: [] }), 400, /^invalid request: /);
      expect(await migrations('cmpe:main')).toEqual(history);
      expect(await tableNames('cmpe:main')).toEqual(['users']);
    });

    it('a multi-operation apply whose last operation fails leaves no trace', async () => {
      await createDb('rb');
      await createTable('rb:main', 'users', [{ name: 'name', type: 'string' }, { name: 'nick', type: 'string', unique: true }]);
      await createTable('rb:main', 'keep', [{ name: 'x', type: 'int' }]);
      await putRecord('rb:main', 'users', 'u1', { name: 'Ann', nick: 'a' });
      const before = await branchDetails('rb:main');
      const history = await migrations('rb:main');

      const earlier = [
        { addTable: { table: 'audit' } },
        { addColumn: { table: 'audit', column: { name: 'what', type: 'string' } } },
        { addColumn: { table: 'users', column: { name: 'age', type: 'int', defaultValue: '5' } } },
        { removeColumn: { table: 'users', column: 'nick' } },
        { renameColumn: { table: 'users', oldName: 'name', newName: 'fullName' } },
        { renameTable: { oldName: 'users', newName: 'members' } },
        { removeTable: { table: 'keep' } },
      ];
      const failing: Array<[unknown, number, string]> = [
        [{ addColumn: { table: 'members', column: { name: 'required', type: 'string', notNull: true } } }, 400, 'column [required]: a notNull column added to a table with records needs a defaultValue'],
        [{ addColumn: { table: 'members', column: { name: 'l', type: 'link', link: { table: 'ghost' } } } }, 400, 'column [l]: linked table [ghost] does not exist'],
        [{ addColumn: { table: 'members', column: { name: 'v', type: 'vector' } } }, 400, 'column [v]: a vector column needs vector.dimension between 2 and 10000'],
        [{ addColumn: { table: 'members', column: { name: 'k', type: 'varchar' } } }, 400, 'column [k]: unknown type [varchar]'],
        [{ addColumn: { table: 'members', column: { name: 'id', type: 'string' } } }, 400, 'invalid column name [id]: "id" and names starting with "xata" are reserved'],
        [{ addTable: { table: 'bad name' } }, 400, `invalid table name [bad name]: ${TABLE_NAME_RULE}`],
        [{ removeTable: { table: 'users' } }, 404, 'table [users] not found'],
        [{ addTable: { table: 'audit' } }, 422, 'table [audit] already exists'],
      ];
      for (const [last, status, message] of failing) {
        expectError(await call('POST', '/db/rb:main/schema/apply', { edits: { operations: [...earlier, last] } }), status, message);
        expect(await branchDetails('rb:main')).toEqual(before);
        expect(await migrations('rb:main')).toEqual(history);
        expect(await recordFields('rb:main', 'users', 'u1')).toEqual({ id: 'u1', name: 'Ann', nick: 'a' });
        expectError(await call('GET', '/db/rb:main/tables/audit/schema'), 404, 'table [audit] not found');
        expectError(await call('GET', '/db/rb:main/tables/members/schema'), 404, 'table [members] not found');
      }
      // The tables still work, the unique index survived, and the same edits succeed without the failing one.
      await putRecord('rb:main', 'users', 'u2', { name: 'Bob', nick: 'b' });
      expectError(await call('PUT', '/db/rb:main/tables/users/data/u3', { name: 'Cy', nick: 'a' }), 422, 'column [nick]: value is not unique');
      await ok('POST', '/db/rb:main/schema/apply', { edits: { operations: earlier } });
      expect(await tableNames('rb:main')).toEqual(['members', 'audit']);
      expect(await recordFields('rb:main', 'members', 'u1')).toEqual({ id: 'u1', fullName: 'Ann', age: 5 });
    });

    it('GET /migrations lists every change, chained by parentID', async () => {
      await createDb('mg');
      expect(await migrations('mg:main')).toEqual([]);
      const expected = [
        [{ addTable: { table: 'a' } }, { addColumn: { table: 'a', column: { name: 'x', type: 'string' } } }],
        [{ addColumn: { table: 'a', column: { name: 'y', type: 'int' } } }],
        [{ renameColumn: { table: 'a', oldName: 'y', newName: 'z' } }],
        [{ renameTable: { oldName: 'a', newName: 'b' } }],
        [{ removeColumn: { table: 'b', column: 'z' } }],
        [{ addColumn: { table: 'b', column: { name: 'w', type: 'bool' } } }],
        [{ addTable: { table: 'c' } }, { removeTable: { table: 'b' } }],
        [{ removeTable: { table: 'c' } }],
      ];
      await createTable('mg:main', 'a', [{ name: 'x', type: 'string' }]);
      await ok('POST', '/db/mg:main/tables/a/columns', { name: 'y', type: 'int' });
      await ok('PATCH', '/db/mg:main/tables/a/columns/y', { name: 'z' });
      await ok('PATCH', '/db/mg:main/tables/a', { name: 'b' });
      await ok('DELETE', '/db/mg:main/tables/b/columns/z');
      await ok('PUT', '/db/mg:main/tables/b/schema', { columns: [{ name: 'x', type: 'string' }, { name: 'w', type: 'bool' }] });
      await ok('POST', '/db/mg:main/schema/apply', { edits: { operations: expected[6] } });
      await ok('DELETE', '/db/mg:main/tables/c');

      const list = await migrations('mg:main');
      expect(list.map((m) => m.operations)).toEqual(expected);
      list.forEach((m, i) => {
        expect(m).toEqual({
          id: expect.stringMatching(MIGRATION_ID), parentID: i === 0 ? '' : list[i - 1]!.id, createdAt: expect.stringMatching(ISO),
          status: 'completed', localChanges: false, operations: expected[i],
        });
      });
      expect(new Set(list.map((m) => m.id)).size).toBe(list.length);
      const details = await branchDetails('mg:main');
      expect({ version: details.version, lastMigrationID: details.lastMigrationID }).toEqual({ version: expected.length, lastMigrationID: list.at(-1)!.id });
      expectError(await call('GET', '/db/mg:nope/migrations'), 404, 'branch [mg:nope] not found');
    });
  });
});
