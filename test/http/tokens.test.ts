import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * The token lifecycle over the Metadata API: name, scopes (full by default, a read-only
 * preset), expiry (7 days by default, 1 hour to never), last use, revocation, the 10-token
 * limit, a secret shown once and unrecoverable from storage, and never logged.
 */
describeEachEngine('token lifecycle', (engine) => {
  let s: RunningStrata;
  let logs = '';
  let user: { id: string; token: string };
  const as = (token: string, method: string, path: string, body?: unknown) => s.request(method, path, body, { authorization: `Bearer ${token}` });
  const systemDb = () => (s.strata.storage.system as unknown as { writer: Kysely<any> }).writer;

  beforeAll(async () => {
    const stream = new Writable({ write(chunk, _enc, done) { logs += chunk; done(); } });
    s = await startStrata(engine, { logLevel: 'trace', logStream: stream });
    const account = await s.strata.accounts.create({ email: 'user@test.local', password: 'password-1' });
    user = { id: account.id, token: (await s.strata.tokens.create(account, { name: 'first' })).secret };
  });
  afterAll(async () => { await s?.close(); });

  it('creates a full-access token expiring in 7 days by default; the secret is answered once', async () => {
    const before = Date.now();
    const res = await as(user.token, 'POST', '/api:meta/token', { name: 'ci' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'ci', scopes: 'content:crud,database:crud,files:crud,history:crud', active: true, last_used_at: null, revoked_at: null });
    expect(res.body.token).toMatch(/^xau_[A-Za-z0-9_-]{32}$/);
    const expires = Date.parse(res.body.expires_at.replace(' ', 'T').replace('+0000', 'Z'));
    expect(expires - before).toBeGreaterThan(7 * 86_400_000 - 5_000);
    expect(expires - before).toBeLessThan(7 * 86_400_000 + 5_000);
    const list = (await as(user.token, 'GET', '/api:meta/token')).body;
    expect(list.map((t: { name: string }) => t.name)).toEqual(['first', 'ci']);
    expect(JSON.stringify(list)).not.toContain(res.body.token);
    for (const t of list) expect(Object.keys(t).sort()).toEqual(['active', 'created_at', 'expires_at', 'id', 'last_used_at', 'name', 'revoked_at', 'scopes']);
  });

  it('the read-only preset reads and cannot write; custom scopes; expiry from 1 hour to never', async () => {
    const ro = (await as(user.token, 'POST', '/api:meta/token', { name: 'dashboard', scopes: 'read-only', expires_in: '30d' })).body;
    expect(ro.scopes).toBe('content:r,database:r,files:r,history:r');
    expect((await as(ro.token, 'GET', '/api:meta/auth/me')).status).toBe(200);
    expect((await as(ro.token, 'POST', '/api:meta/token', { name: 'escalate' }))).toMatchObject({ status: 403, body: { code: 'ERROR_CODE_ACCESS_DENIED' } });
    expect((await as(user.token, 'POST', '/api:meta/token', { name: 'n', expires_in: 'never', scopes: 'content:cr' })).body).toMatchObject({ expires_at: null, scopes: 'content:cr' });
    expect((await as(user.token, 'POST', '/api:meta/token', { name: 'h', expires_in: 3600 })).status).toBe(200);
    for (const [expires_in, param] of [['30m', 'expires_in'], [60, 'expires_in'], ['soon', 'expires_in']] as const) {
      const res = await as(user.token, 'POST', '/api:meta/token', { name: 'bad', expires_in });
      expect({ status: res.status, code: res.body.code, param: res.body.payload?.param }, String(expires_in)).toEqual({ status: 400, code: 'ERROR_CODE_INPUT_ERROR', param });
    }
    expect((await as(user.token, 'POST', '/api:meta/token', { name: 'bad', scopes: 'content:x' })).body.payload).toEqual({ param: 'scopes' });
  });

  it('at most 10 active tokens per account, with a clear error at the 11th; revoking one frees a place', async () => {
    const account = await s.strata.accounts.create({ email: 'many@test.local', password: 'password-1' });
    const first = (await s.strata.tokens.create(account, { name: 't0' }));
    // An expired token does not count.
    await s.strata.tokens.create(account, { name: 'old', expiresAt: new Date(Date.now() - 1000) });
    for (let i = 1; i < 10; i++) expect((await as(first.secret, 'POST', '/api:meta/token', { name: `t${i}` })).status).toBe(200);
    const eleventh = await as(first.secret, 'POST', '/api:meta/token', { name: 't10' });
    expect(eleventh.status).toBe(400);
    expect(eleventh.body).toMatchObject({ code: 'ERROR_CODE_INPUT_ERROR', message: 'an account may have at most 10 active tokens: revoke one first' });
    const victim = (await as(first.secret, 'GET', '/api:meta/token')).body.find((t: { name: string }) => t.name === 't9');
    expect((await as(first.secret, 'DELETE', `/api:meta/token/${victim.id}`)).status).toBe(200);
    expect((await as(first.secret, 'POST', '/api:meta/token', { name: 't10' })).status).toBe(200);
    // Ten concurrent creations against nine free places... none free: all refused or one each, never over 10.
    await Promise.all(Array.from({ length: 5 }, (_, i) => as(first.secret, 'POST', '/api:meta/token', { name: `race${i}` })));
    const active = (await as(first.secret, 'GET', '/api:meta/token')).body.filter((t: { active: boolean }) => t.active);
    expect(active).toHaveLength(10);
  });

  it('revocation counts from the next request; another account\'s token cannot be revoked', async () => {
    const made = (await as(user.token, 'POST', '/api:meta/token', { name: 'doomed' })).body;
    expect((await as(made.token, 'GET', '/workspaces/local/dbs')).status).toBe(200);
    const other = await s.strata.accounts.create({ email: 'other@test.local', password: 'password-1' });
    const otherToken = (await s.strata.tokens.create(other, { name: 'x' })).secret;
    expect((await as(otherToken, 'DELETE', `/api:meta/token/${made.id}`))).toMatchObject({ status: 404, body: { code: 'ERROR_CODE_NOT_FOUND' } });
    expect((await as(made.token, 'DELETE', `/api:meta/token/${made.id}`)).status).toBe(200);
    expect((await as(made.token, 'GET', '/workspaces/local/dbs'))).toMatchObject({ status: 401, body: { message: 'invalid API key' } });
    expect((await as(user.token, 'DELETE', `/api:meta/token/${made.id}`)).status).toBe(404); // already revoked
    const listed = (await as(user.token, 'GET', '/api:meta/token')).body.find((t: { id: string }) => t.id === made.id);
    expect(listed).toMatchObject({ active: false, revoked_at: expect.stringMatching(/\+0000$/) });
  });

  it('an expired token is refused; last use is recorded', async () => {
    const made = (await as(user.token, 'POST', '/api:meta/token', { name: 'short', expires_in: '1h' })).body;
    expect((await as(made.token, 'GET', '/api:meta/auth/me')).status).toBe(200);
    // Last use is written off the request's path: poll briefly for it.
    let listed: { last_used_at: string | null } | undefined;
    for (let i = 0; i < 50 && !listed?.last_used_at; i++) {
      if (i) await new Promise((r) => setTimeout(r, 20));
      listed = (await as(user.token, 'GET', '/api:meta/token')).body.find((t: { id: string }) => t.id === made.id);
    }
    expect(listed!.last_used_at).toMatch(/\+0000$/);
    await systemDb().updateTable('tokens').set({ expires_at: new Date(Date.now() - 1).toISOString() }).where('id', '=', made.id).execute();
    expect((await as(made.token, 'GET', '/api:meta/auth/me')).status).toBe(401);
  });

  it('no secret is recoverable from storage: tokens and sessions keep SHA-256 hashes only', async () => {
    const secrets = [user.token];
    for (let i = 0; i < 3; i++) secrets.push((await as(user.token, 'POST', '/api:meta/token', { name: `stored${i}` })).body.token);
    const login = await s.request('POST', '/api:meta/auth/login', { email: 'user@test.local', password: 'password-1' }, { authorization: '' });
    const session = /strata_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(session).toBeDefined();
    const dump = JSON.stringify({
      tokens: await systemDb().selectFrom('tokens').selectAll().execute(),
      sessions: await systemDb().selectFrom('sessions').selectAll().execute(),
      accounts: await systemDb().selectFrom('accounts').selectAll().execute(),
      settings: await systemDb().selectFrom('settings').selectAll().execute(),
    });
    for (const secret of [...secrets, session!]) {
      expect(dump.includes(secret.slice(4)), 'secret stored in clear').toBe(false);
      expect(dump).toContain(createHash('sha256').update(secret).digest('hex'));
    }
    expect(dump).not.toContain('password-1');
  });

  it('tokens never appear in logs or error bodies', async () => {
    const made = (await as(user.token, 'POST', '/api:meta/token', { name: 'logged' })).body.token as string;
    await as(made, 'GET', '/db/nope:main/tables/t/data/x');
    await as(`${made}x`, 'GET', '/workspaces/local/dbs');
    await as(made, 'POST', '/api:meta/workspace', { name: 1 });
    const bad = await as(`${made}x`, 'GET', '/api:meta/auth/me');
    expect(JSON.stringify(bad.body)).not.toContain(made.slice(4));
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [user.token, made]) expect(logs.includes(secret.slice(4)), 'a token in the logs').toBe(false);
  });
});
