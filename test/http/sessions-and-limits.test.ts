import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import type { AccessOptions } from '../../src/http/access-options.js';
import { scopeBit } from '../../src/core/auth/scopes.js';

/**
 * Console sessions (login → httpOnly SameSite cookie, CSRF on state changes, logout,
 * password change) and the abuse limits (failed authentications per address, requests per
 * token), each answered in the API's own error envelope with retry headers.
 */
describeEachEngine('console sessions and rate limits', (engine) => {
  const servers: RunningStrata[] = [];
  afterEach(async () => { while (servers.length) await servers.pop()!.close(); });
  const start = async (access: Partial<AccessOptions> = {}) => { const s = await startStrata(engine, { access }); servers.push(s); return s; };
  const anon = { authorization: '' };

  async function login(s: RunningStrata, password = 'owner-password') {
    const res = await s.request('POST', '/api:meta/auth/login', { email: 'Owner@Test.local', password }, anon);
    const cookies = res.headers.getSetCookie();
    const session = /strata_session=([^;]*)/.exec(cookies.join('\n'))?.[1];
    return { res, cookies, cookie: `strata_session=${session}`, csrf: res.body?.csrf_token as string };
  }

  it('login sets an httpOnly, SameSite=Strict session cookie; the session reads, and writes only with the CSRF token', async () => {
    const s = await start();
    const { res, cookies, cookie, csrf } = await login(s);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ account: { email: 'owner@test.local', owner: true }, csrf_token: expect.any(String), expires_at: expect.any(String) });
    const sessionCookie = cookies.find((c) => c.startsWith('strata_session='))!;
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; SameSite=Strict/);
    expect(sessionCookie).toMatch(/; Path=\//);
    expect(sessionCookie).toMatch(/; Max-Age=43\d\d\d/);
    expect(cookies.find((c) => c.startsWith('strata_csrf='))).not.toMatch(/HttpOnly/);

    expect((await s.request('GET', '/api:meta/auth/me', undefined, { ...anon, cookie })).body).toMatchObject({ email: 'owner@test.local', extras: { session: true } });
    expect((await s.request('GET', '/workspaces/local/dbs', undefined, { ...anon, cookie })).status).toBe(200);
    const noCsrf = await s.request('POST', '/api:meta/workspace', { name: 'fromconsole' }, { ...anon, cookie });
    expect(noCsrf).toMatchObject({ status: 403, body: { code: 'ERROR_CODE_ACCESS_DENIED', message: 'a console session needs the x-csrf-token header for this request' } });
    expect((await s.request('PUT', '/workspaces/local/dbs/x', {}, { ...anon, cookie, 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await s.request('POST', '/api:meta/workspace', { name: 'fromconsole' }, { ...anon, cookie, 'x-csrf-token': csrf })).status).toBe(200);
    // A bearer token wins over a cookie (and needs no CSRF token).
    expect((await s.request('POST', '/api:meta/workspace', { name: 'fromtoken' }, { cookie })).status).toBe(200);
  });

  it('a wrong password or unknown email is 401; logout ends the session', async () => {
    const s = await start();
    expect((await login(s, 'wrong-password')).res).toMatchObject({ status: 401, body: { code: 'ERROR_CODE_UNAUTHORIZED', message: 'invalid email or password' } });
    const unknown = await s.request('POST', '/api:meta/auth/login', { email: 'nobody@test.local', password: 'owner-password' }, anon);
    expect(unknown.body.message).toBe('invalid email or password');
    const { cookie } = await login(s);
    const out = await s.request('POST', '/api:meta/auth/logout', undefined, { ...anon, cookie });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join('\n')).toMatch(/strata_session=; .*Max-Age=0/);
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { ...anon, cookie })).status).toBe(401);
  });

  it('a password change needs the current password and ends the account\'s other sessions', async () => {
    const s = await start();
    const a = await login(s);
    const b = await login(s);
    const change = (body: unknown) => s.request('PUT', '/api:meta/auth/password', body, { ...anon, cookie: a.cookie, 'x-csrf-token': a.csrf });
    expect((await change({ current_password: 'nope-nope', new_password: 'brand-new-pass' })).status).toBe(403);
    expect((await change({ current_password: 'owner-password', new_password: 'short' })).status).toBe(400);
    expect((await change({ current_password: 'owner-password', new_password: 'brand-new-pass' })).status).toBe(200);
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { ...anon, cookie: a.cookie })).status).toBe(200);
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { ...anon, cookie: b.cookie })).status).toBe(401);
    expect((await login(s)).res.status).toBe(401);
    expect((await login(s, 'brand-new-pass')).res.status).toBe(200);
  });

  it('a password change keeps the account\'s tokens unless revoke_tokens is true', async () => {
    const s = await start();
    const token = await s.strata.tokens.create(await s.strata.accounts.get((await s.request('GET', '/api:meta/auth/me')).body.id), { name: 'kept' });
    const me = (secret: string) => s.request('GET', '/api:meta/auth/me', undefined, { authorization: `Bearer ${secret}` });
    const a = await login(s);
    const change = (body: unknown) => s.request('PUT', '/api:meta/auth/password', body, { ...anon, cookie: a.cookie, 'x-csrf-token': a.csrf });
    expect((await change({ current_password: 'owner-password', new_password: 'second-pass' })).body).toEqual({ tokens_revoked: 0 });
    expect((await me(token.secret)).status).toBe(200);
    expect((await change({ current_password: 'second-pass', new_password: 'third-pass', revoke_tokens: 'yes' })).status).toBe(400);
    expect((await change({ current_password: 'second-pass', new_password: 'third-pass', revoke_tokens: true })).body).toEqual({ tokens_revoked: 2 });
    expect((await me(token.secret)).status).toBe(401);
    expect((await me(s.token)).status).toBe(401);
    // The session that made the change stays.
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { ...anon, cookie: a.cookie })).status).toBe(200);
  });

  it('sign out everywhere (POST /auth/logout_all) ends every session of the account and revokes all its tokens, no one else\'s', async () => {
    const s = await start();
    const user = await s.strata.accounts.create({ email: 'user@test.local', password: 'user-password' });
    const tokens = [await s.strata.tokens.create(user, { name: 'a' }), await s.strata.tokens.create(user, { name: 'b', scopes: scopeBit('content', 'read') })];
    const other = await s.strata.tokens.create(await s.strata.accounts.create({ email: 'other@test.local', password: 'other-password' }), { name: 'o' });
    const me = (headers: Record<string, string>) => s.request('GET', '/api:meta/auth/me', undefined, headers);
    const signIn = async () => {
      const res = await s.request('POST', '/api:meta/auth/login', { email: 'user@test.local', password: 'user-password' }, anon);
      return { cookie: `strata_session=${/strata_session=([^;]*)/.exec(res.headers.getSetCookie().join('\n'))![1]}`, csrf: res.body.csrf_token as string };
    };
    const a = await signIn();
    const b = await signIn();
    // A narrow token cannot sign its account out; a session needs its CSRF token.
    expect((await s.request('POST', '/api:meta/auth/logout_all', undefined, { authorization: `Bearer ${tokens[1]!.secret}` })).status).toBe(403);
    expect((await s.request('POST', '/api:meta/auth/logout_all', undefined, { ...anon, cookie: a.cookie })).status).toBe(403);
    const out = await s.request('POST', '/api:meta/auth/logout_all', undefined, { ...anon, cookie: a.cookie, 'x-csrf-token': a.csrf });
    expect(out).toMatchObject({ status: 200, body: { tokens_revoked: 2 } });
    expect(out.headers.getSetCookie().join('\n')).toMatch(/strata_session=; .*Max-Age=0/);
    for (const session of [a, b]) expect((await me({ ...anon, cookie: session.cookie })).status).toBe(401);
    for (const t of tokens) expect((await me({ authorization: `Bearer ${t.secret}` })).status).toBe(401);
    expect((await me({ authorization: `Bearer ${other.secret}` })).status).toBe(200);
    expect((await me({})).status).toBe(200);
    // With a full-access token: that token is revoked too; the data API refuses it at once.
    const full = await s.strata.tokens.create(user, { name: 'c' });
    expect((await s.request('POST', '/api:meta/auth/logout_all', undefined, { authorization: `Bearer ${full.secret}` })).body).toEqual({ tokens_revoked: 1 });
    expect((await s.request('GET', '/workspaces/local/dbs', undefined, { authorization: `Bearer ${full.secret}` })).status).toBe(401);
  });

  it('failed authentications are limited per address: 429 with retry headers, in each API\'s envelope, even for a good token', async () => {
    const s = await start({ authFailures: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await s.request('GET', '/workspaces/local/dbs', undefined, { authorization: 'Bearer xau_wrong' })).status).toBe(401);
    const data = await s.request('GET', '/workspaces/local/dbs', undefined, { authorization: 'Bearer xau_wrong' });
    expect(data.status).toBe(429);
    expect(data.body).toEqual({ id: data.headers.get('x-request-id'), message: expect.stringMatching(/^too many failed authentication attempts from this address; retry in \d+ s$/) });
    expect(Number(data.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(data.headers.get('x-ratelimit-reset'))).toBeGreaterThan(50);
    const meta = await s.request('GET', '/api:meta/auth/me');
    expect(meta.status).toBe(429);
    expect(meta.body).toMatchObject({ code: 'ERROR_CODE_TOO_MANY_REQUESTS', payload: null });
    expect(meta.headers.get('retry-after')).not.toBeNull();
    const loginTry = await s.request('POST', '/api:meta/auth/login', { email: 'owner@test.local', password: 'owner-password' }, anon);
    expect(loginTry.status).toBe(429);
    // Public routes are not authentication attempts.
    expect((await s.request('GET', '/health', undefined, anon)).status).toBe(200);
  });

  it('failed logins count against the same limit', async () => {
    const s = await start({ authFailures: { limit: 2, windowMs: 60_000 } });
    expect((await login(s, 'wrong-1')).res.status).toBe(401);
    expect((await login(s, 'wrong-2')).res.status).toBe(401);
    expect((await login(s)).res.status).toBe(429);
  });

  it('per-token request limits, counted per token', async () => {
    const s = await start({ tokenRequests: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await s.request('GET', '/workspaces/local/dbs')).status).toBe(200);
    const limited = await s.request('GET', '/workspaces/local/dbs');
    expect(limited).toMatchObject({ status: 429, body: { message: expect.stringMatching(/^this token has made too many requests; retry in \d+ s$/) } });
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    const other = await s.createToken(0xffff);
    expect((await s.request('GET', '/workspaces/local/dbs', undefined, { authorization: `Bearer ${other}` })).status).toBe(200);
    // The Master API reports that requests are rate limited.
    expect((await s.request('GET', '/api:meta/instance', undefined, { authorization: `Bearer ${other}` })).body[0].rate_limit).toBe(true);
  });
});
