import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { XataProject } from '../support/xata-cli.js';

/**
 * The `xata` CLI (@xata.io/cli 0.15.15, the real binary) against a real Strata on each engine:
 * the control-plane calls it makes (workspace pick, regions, dbs create/rename) and its schema
 * loop (init, pull, push, diff, schema edit --source, branch create, import csv). The CLI exits
 * 0 whatever happens, so every step checks its output and Strata's own state.
 */
/** Each test runs the CLI several times (a second or two each). */
const CLI_TIMEOUT = 120_000;

describeEachEngine('xata CLI 0.15.15 against Strata', (engine) => {
  let s: RunningStrata;
  let project: XataProject;
  let dbUrl: string;

  const history = async (branch: string): Promise<string[]> => {
    const res = await s.request('POST', `/db/shop:${branch}/schema/history`, { page: { size: 200 } });
    expect(res.status).toBe(200);
    return (res.body.logs as Array<{ id: string }>).map((c) => c.id).reverse();
  };
  const ledgerIds = () => project.ledger().map((name) => name.split('_').slice(0, 2).join('_'));
  const tableNames = async (branch: string) =>
    ((await s.request('GET', `/db/shop:${branch}`)).body.schema.tables as Array<{ name: string }>).map((t) => t.name);

  beforeAll(async () => {
    s = await startStrata(engine);
    project = new XataProject(Number(new URL(s.url).port), s.token);
    dbUrl = project.databaseUrl('local', 'shop');
  });

  afterAll(async () => {
    project?.remove();
    await s?.close();
  }, CLI_TIMEOUT);

  it('dbs create picks the one workspace (GET /workspaces), lists regions and creates the database', async () => {
    const run = await project.run(['dbs', 'create', 'shop', '--region', 'local']);
    expect(run.output).toContain('You have a single workspace, using it by default: local');
    expect(run.output).toContain('Database shop successfully created');
    expect((await s.request('GET', '/workspaces/local/dbs/shop')).status).toBe(200);
  }, CLI_TIMEOUT);

  it('init --db writes .xatarc and .env and pulls the branch history into .xata/migrations', async () => {
    expect((await s.request('PUT', '/db/shop:main/tables/teams', { columns: [{ name: 'name', type: 'string' }] })).status).toBe(201);
    const run = await project.run(['init', '--db', dbUrl, '--sdk', '--yes', '--no-delay']);
    expect(run.output).toContain('Project setup with Xata');
    expect(JSON.parse(project.file('.xatarc'))).toEqual({ databaseURL: dbUrl });
    expect(project.file('.env')).toContain(`XATA_API_PROVIDER=${project.provider}`);
    const remote = await history('main');
    expect(remote.length).toBeGreaterThan(0);
    expect(ledgerIds()).toEqual(remote);
    expect((await project.run(['pull', 'main'])).output).toContain('No new migrations to pull from main branch');
  }, CLI_TIMEOUT);

  it('schema edit --source applies the edited schema, keeps every column option, and pulls the new migration', async () => {
    const edited = {
      tables: [
        { name: 'teams', columns: [{ name: 'name', type: 'string' }] },
        {
          name: 'users',
          columns: [
            { name: 'email', type: 'email', unique: true },
            { name: 'bio', type: 'text', description: 'About the user' },
            { name: 'photo', type: 'file', file: { defaultPublicAccess: true } },
            { name: 'attachments', type: 'file[]', 'file[]': { defaultPublicAccess: false } },
            { name: 'team', type: 'link', link: { table: 'teams' } },
          ],
        },
      ],
    };
    const run = await editSchema(edited);
    expect(run.output).toContain('CREATE table');
    expect(run.output).toContain('users');
    const users = (await s.request('GET', '/db/shop:main/tables/users/schema')).body.columns;
    expect(users).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'email', unique: true }),
      expect.objectContaining({ name: 'bio', description: 'About the user' }),
      expect.objectContaining({ name: 'photo', file: { defaultPublicAccess: true } }),
      expect.objectContaining({ name: 'attachments', 'file[]': { defaultPublicAccess: false } }),
    ]));
    // The pull at the end of the command recorded the migration: local and remote agree.
    expect(ledgerIds()).toEqual(await history('main'));
    const newest = project.ledger().at(-1)!;
    const file = JSON.parse(project.file(path.join('.xata', 'migrations', `${newest}.json`)));
    expect(JSON.stringify(file.operations)).toContain('"defaultPublicAccess":true');
  }, CLI_TIMEOUT);

  it('schema edit --source refuses to drop and re-add a column when only its unique flag goes; the data stays', async () => {
    expect((await s.request('POST', '/db/shop:main/tables/users/data', { email: 'ada@example.com' })).status).toBe(201);
    const schema = (await s.request('GET', '/db/shop:main')).body.schema;
    for (const column of schema.tables.find((t: { name: string }) => t.name === 'users').columns) delete column.unique;
    const before = ledgerIds();
    const run = await editSchema({ tables: schema.tables });
    expect(run.output).not.toContain('DROP column');
    expect(run.output).toContain('column [users.email]: changing its unique in place is not supported');
    const rows = await s.request('POST', '/db/shop:main/tables/users/query', {});
    expect(rows.body.records.map((r: { email: string }) => r.email)).toEqual(['ada@example.com']);
    expect(await history('main')).toEqual(before);
  }, CLI_TIMEOUT);

  it('diff compares the local migrations with the branch: nothing when they agree', async () => {
    const run = await project.run(['diff']);
    expect(run.output).toContain('No changes found');
  }, CLI_TIMEOUT);

  it('branch create starts a branch with its source\'s migration ids; push brings it up to date keeping the ids', async () => {
    const created = await project.run(['branch', 'create', 'dev', '--from', 'main']);
    expect(created.output).toContain('Branch dev successfully created');
    expect(await history('dev')).toEqual(await history('main'));
    // main moves on; pull it, then push the new migration to dev.
    expect((await s.request('POST', '/db/shop:main/tables/teams/columns', { name: 'city', type: 'string' })).status).toBe(200);
    expect((await project.run(['pull', 'main'])).output).toContain('Successfully pulled 1 migrations from main branch');
    const diff = await project.run(['diff', 'dev', 'main']);
    expect(diff.output).toContain('teams.city');
    const pushed = await project.run(['push', 'dev', '--yes']);
    expect(pushed.output).toContain('Pushed 1 migrations to dev');
    expect(await history('dev')).toEqual(ledgerIds());
    const columns = (await s.request('GET', '/db/shop:dev/tables/teams/schema')).body.columns.map((c: { name: string }) => c.name);
    expect(columns).toEqual(['name', 'city']);
    // No divergence afterwards, either way.
    expect((await project.run(['pull', 'dev'])).output).toContain('No new migrations to pull from dev branch');
    expect((await project.run(['push', 'dev', '--yes'])).output).toContain('No new migrations to push');
    expect((await project.run(['diff', 'dev', 'main'])).output).toContain('No changes found');
  }, CLI_TIMEOUT);

  it('import csv --create creates the table from the file and inserts its rows', async () => {
    const csv = project.write('people.csv', 'name,age\nAda,36\nGrace,45\n');
    const run = await project.run(['import', 'csv', csv, '--table', 'people', '--create', '--db', dbUrl, '--branch', 'main']);
    expect(run.output).toContain('2 rows');
    expect(await tableNames('main')).toContain('people');
    const rows = await s.request('POST', '/db/shop:main/tables/people/query', { sort: [{ name: 'asc' }] });
    expect(rows.body.records.map((r: { name: string; age: number }) => [r.name, r.age])).toEqual([['Ada', 36], ['Grace', 45]]);
  }, CLI_TIMEOUT);

  it('dbs rename renames the database', async () => {
    expect((await s.request('PUT', '/workspaces/local/dbs/scratch', { region: 'local' })).status).toBe(201);
    const run = await project.run(['dbs', 'rename', 'scratch', 'scratch2', '--force']);
    expect(run.output).toContain('Database local/scratch successfully renamed to local/scratch2');
    expect((await s.request('GET', '/workspaces/local/dbs/scratch2')).status).toBe(200);
    expect((await s.request('GET', '/workspaces/local/dbs/scratch')).status).toBe(404);
  }, CLI_TIMEOUT);

  it('workspace create says what to do instead (Strata serves one workspace)', async () => {
    const run = await project.run(['workspace', 'create', 'other']);
    expect(run.output).toContain('Strata serves one workspace');
    expect(run.output).not.toMatch(/not found|no route/i);
  }, CLI_TIMEOUT);

  /** `xata schema edit --source` with an "editor" that writes `schema` into the file it is given. */
  async function editSchema(schema: unknown) {
    const source = project.write('edited-schema.json', JSON.stringify(schema, null, 2));
    // env-editor must recognise a terminal editor: the script is named vim.
    const bin = path.join(project.dir, 'editor-bin');
    fs.mkdirSync(bin, { recursive: true });
    const editor = path.join(bin, 'vim');
    fs.writeFileSync(editor, `#!/bin/sh\ncp "${source}" "$1"\n`, { mode: 0o755 });
    // NODE_ENV=test lets the CLI ask its confirmation without a TTY; Enter takes the default (yes).
    return project.run(['schema', 'edit', '--source', '--branch', 'main'], { env: { EDITOR: editor, NODE_ENV: 'test' }, stdin: '\r' });
  }
});
