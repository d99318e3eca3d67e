import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEachEngine, sqliteEngine, type EngineUnderTest } from '../support/engines.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the real `strata` bin (as `npx strata` does) against the engine's storage. */
function cli(args: string[], config: { dataDir: string; databaseUrl?: string }) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/strata.js'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000,
    env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `node dist/main.js` (what `npm start` runs) and resolves once it serves. */
function startServer(config: { dataDir: string; databaseUrl?: string }) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  });
  let output = '';
  const ready = new Promise<{ url: string; output: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Strata serving on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) { clearTimeout(timer); resolve({ url: match[1]!, output }); }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)); });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { ready, stop };
}

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

  it('creates the owner and a one-time token on the very first start, and only then', async () => {
    const config = await provision();
    const first = startServer(config);
    const { url, output } = await first.ready;
    const token = /token:\s+(xau_\S+)/.exec(output)?.[1];
    const password = /password:\s+(\S+)/.exec(output)?.[1];
    expect(token).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(16);
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
