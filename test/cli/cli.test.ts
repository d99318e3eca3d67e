import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEachEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';
import { cli, cliAsync, ROOT, startServer } from '../support/processes.js';
import { openStrata } from '../../src/open-strata.js';

describeEachEngine('CLI and first start', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });
  const provision = async () => { const p = await engine.provision(); cleanups.push(p.cleanup); return p.config; };

  it('creates an account and a token that prints alone on stdout and works against the server', async () => {
    const config = await provision();
    const account = cli(['account', 'create', '--email', 'Ops@Example.com', '--password', 'correct-horse'], config);
    expect(account.status).toBe(0);
    expect(account.stdout).toContain('ops@example.com (instance owner)');
    const token = cli(['token', 'create', '--email', 'ops@example.com', '--name', 'deploy', '--scopes', 'read-only'], config);
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^xau_[A-Za-z0-9_-]{32}\n$/);
    const secret = token.stdout.trim();

    const server = startServer(config);
    cleanups.push(server.stop);
    const { url, output } = await server.ready;
    expect(output).not.toContain('first start'); // an account exists: no second owner
    const list = await fetch(`${url}/workspaces/local/dbs`, { headers: { authorization: `Bearer ${secret}` } });
    expect(list.status).toBe(200);
    const create = await fetch(`${url}/workspaces/local/dbs/app`, { method: 'PUT', headers: { authorization: `Bearer ${secret}` } });
    expect(create.status).toBe(403); // read-only
  });

  it('refuses bad input with exit code 2 and a clear message', async () => {
    const config = await provision();
    expect(cli(['account', 'create', '--email', 'a@b.co'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('--password') });
    expect(cli(['account', 'create', '--email', 'a@b.co', '--password', 'short'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('at least 8') });
    expect(cli(['account', 'create', '--email', 'a@b.co', '--password', 'long-enough'], config).status).toBe(0);
    expect(cli(['account', 'create', '--email', 'a@b.co', '--password', 'long-enough'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('already exists') });
    expect(cli(['token', 'create', '--email', 'nobody@b.co', '--name', 'x'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('no account') });
    expect(cli(['token', 'create', '--email', 'a@b.co', '--name', 'x', '--scopes', 'content:z'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown scope action') });
    expect(cli(['token', 'create', '--email', 'a@b.co', '--name', 'x', '--bogus'], config).status).toBe(2);
    expect(cli(['frobnicate'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('usage') });
  });

  it('two concurrent first account creations make exactly one instance owner', async () => {
    const config = await provision();
    const results = await Promise.all([1, 2, 3, 4].map((i) => cliAsync(['account', 'create', '--email', `first${i}@b.co`, '--password', 'long-enough'], config)));
    expect(results.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    expect(results.filter((r) => r.stdout.includes('(instance owner)'))).toHaveLength(1);
    const list = cli(['account', 'list'], config).stdout.trim().split('\n');
    expect(list).toHaveLength(4);
    expect(list.filter((line) => line.endsWith('\towner'))).toHaveLength(1);
  });

  it('accounts take --role; tokens are listed and revoked; members are listed, added and removed', async () => {
    const config = await provision();
    const strata = await openStrata(config);
    try { await strata.databases.create('app'); } finally { await strata.close(); }
    expect(cli(['account', 'create', '--email', 'boss@b.co', '--password', 'long-enough'], config).stdout).toContain('(instance owner)');
    expect(cli(['account', 'create', '--email', 'ed@b.co', '--password', 'long-enough', '--role', 'editor', '--workspace', 'app'], config).stdout)
      .toMatch(/^created account ed@b\.co, editor of app, id acc_/);
    expect(cli(['account', 'create', '--email', 'co@b.co', '--password', 'long-enough', '--role', 'owner'], config).stdout).toContain('co@b.co (instance owner)');
    const plain = cli(['account', 'create', '--email', 'pat@b.co', '--password', 'long-enough'], config);
    expect(plain.stdout).not.toContain('owner');
    expect(cli(['account', 'create', '--email', 'x@b.co', '--password', 'long-enough', '--role', 'viewer'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('--workspace') });
    expect(cli(['account', 'create', '--email', 'x@b.co', '--password', 'long-enough', '--role', 'boss', '--workspace', 'app'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown role') });

    expect(cli(['member', 'list', '--workspace', 'app'], config).stdout).toMatch(/ed@b\.co\teditor/);
    expect(cli(['member', 'add', '--workspace', 'app', '--email', 'pat@b.co', '--role', 'viewer'], config).stdout).toBe('pat@b.co is viewer of app\n');
    expect(cli(['member', 'add', '--workspace', 'app', '--email', 'pat@b.co', '--role', 'editor', '--permissions', 'content:r'], config).stdout).toContain('permissions content:r');
    expect(cli(['member', 'remove', '--workspace', 'app', '--email', 'ed@b.co'], config).status).toBe(0);
    expect(cli(['member', 'list', '--workspace', 'app'], config).stdout).not.toContain('ed@b.co');
    expect(cli(['member', 'list', '--workspace', 'nope'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('not found') });

    const made = cli(['token', 'create', '--email', 'pat@b.co', '--name', 'ci', '--expires', 'never'], config);
    expect(made.stderr).toContain('never expires');
    const listed = cli(['token', 'list', '--email', 'pat@b.co'], config).stdout;
    const id = /^(tok_\S+)\tci\t/m.exec(listed)?.[1];
    expect(listed).toContain('\tactive\t');
    expect(listed).not.toContain(made.stdout.trim());
    expect(cli(['token', 'revoke', '--email', 'pat@b.co', '--id', id!], config).status).toBe(0);
    expect(cli(['token', 'list', '--email', 'pat@b.co'], config).stdout).toContain('\trevoked\t');
    expect(cli(['token', 'create', '--email', 'pat@b.co', '--name', 'x', '--expires', '10m'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('at least 1 hour') });
    expect(cli(['token', 'create', '--email', 'pat@b.co', '--name', 'd'], config).stderr).toMatch(/expires \d{4}-/);

    expect(cli(['account', 'delete', '--email', 'co@b.co'], config).status).toBe(0);
    expect(cli(['account', 'delete', '--email', 'boss@b.co'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('at least one owner') });
  });

  it('token revoke --all revokes every token of the account; account sign-out also ends its console sessions', async () => {
    const config = await provision();
    expect(cli(['account', 'create', '--email', 'boss@b.co', '--password', 'long-enough'], config).status).toBe(0);
    expect(cli(['account', 'create', '--email', 'pat@b.co', '--password', 'long-enough'], config).status).toBe(0);
    const make = (email: string, name: string) => cli(['token', 'create', '--email', email, '--name', name], config).stdout.trim();
    const pats = [make('pat@b.co', 'a'), make('pat@b.co', 'b')];
    const boss = make('boss@b.co', 'keep');
    let strata = await openStrata(config);
    let session: string;
    try { session = (await strata.sessions.open((await strata.accounts.findByEmail('pat@b.co'))!.id)).secret; } finally { await strata.close(); }
    expect(cli(['token', 'revoke', '--email', 'pat@b.co'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('--id or --all') });
    expect(cli(['token', 'revoke', '--email', 'pat@b.co', '--all', '--id', 'tok_x'], config)).toMatchObject({ status: 2, stderr: expect.stringContaining('--id or --all') });
    expect(cli(['token', 'revoke', '--email', 'pat@b.co', '--all'], config).stdout).toBe('revoked 2 tokens of pat@b.co\n');
    expect(cli(['token', 'list', '--email', 'pat@b.co'], config).stdout).not.toContain('\tactive\t');
    const late = make('pat@b.co', 'c');
    strata = await openStrata(config);
    try {
      for (const secret of pats) expect(await strata.tokens.authenticate(secret)).toBeUndefined();
      expect(await strata.tokens.authenticate(late)).toBeDefined();
      expect(await strata.sessions.authenticate(session)).toBeDefined();
    } finally { await strata.close(); }
    expect(cli(['account', 'sign-out', '--email', 'pat@b.co'], config).stdout).toBe('signed pat@b.co out everywhere: console sessions ended, 1 token revoked\n');
    strata = await openStrata(config);
    try {
      expect(await strata.tokens.authenticate(late)).toBeUndefined();
      expect(await strata.sessions.authenticate(session)).toBeUndefined();
      expect(await strata.tokens.authenticate(boss)).toBeDefined();
    } finally { await strata.close(); }
  });

  it('creates the owner and a one-time token on the very first start, and only then', async () => {
    const config = await provision();
    const first = startServer(config);
    const { url, output } = await first.ready;
    const token = /token:\s+(xau_\S+)/.exec(output)?.[1];
    const password = /password:\s+(\S+)/.exec(output)?.[1];
    expect(token).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(16);
    // The links carry the port the server really listens on (the test starts it with PORT=0).
    expect(output).toContain(`open the console at ${url}/`);
    const response = await fetch(`${url}/workspaces/local/dbs`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    await first.stop();

    const second = startServer(config);
    cleanups.push(second.stop);
    const again = await second.ready;
    expect(again.output).not.toContain('token:');
    const still = await fetch(`${again.url}/workspaces/local/dbs`, { headers: { authorization: `Bearer ${token}` } });
    expect(still.status).toBe(200);
  });
});

describe('configuration', () => {
  it('rejects a bad value at start with a clear message', async () => {
    const { config, cleanup } = await sqliteEngine.provision();
    try {
      const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/main.js')], {
        cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, DATA_DIR: config.dataDir, PORT: 'eighty' },
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('PORT must be an integer');
    } finally {
      await cleanup();
    }
  });
});
