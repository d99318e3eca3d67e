import { afterEach, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import type { RunningStrata } from '../support/strata-server.js';
import { startFreshStrata } from '../support/fresh-strata.js';

/**
 * First-run setup: the owner that first start generated is told to finish setup
 * (`/auth/me` → `extras.setup_required`) and does it once with `POST /auth/setup`
 * (name, email, password), which ends its other sessions; nobody else may.
 */
describeEachEngine('first-run setup', (engine) => {
  const servers: RunningStrata[] = [];
  afterEach(async () => { while (servers.length) await servers.pop()!.close(); });
  const anon = { authorization: '' };
  const fresh = async () => { const f = await startFreshStrata(engine); servers.push(f.server); return f; };

  async function login(s: RunningStrata, email: string, password: string) {
    const res = await s.request('POST', '/api:meta/auth/login', { email, password }, anon);
    const session = /strata_session=([^;]*)/.exec(res.headers.getSetCookie().join('\n'))?.[1];
    return { status: res.status, headers: { ...anon, cookie: `strata_session=${session}`, 'x-csrf-token': res.body?.csrf_token as string } };
  }

  it('the generated owner must finish setup; setup changes name, email and password once, ending other sessions', async () => {
    const { server: s, first } = await fresh();
    const a = await login(s, first.email, first.password);
    const b = await login(s, first.email, first.password);
    expect(a.status).toBe(200);
    expect((await s.request('GET', '/api:meta/auth/me', undefined, a.headers)).body).toMatchObject({ email: 'owner@strata.local', extras: { owner: true, setup_required: true } });
    // The printed token is the same account: it sees the flag too.
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { authorization: `Bearer ${first.token}` })).body.extras.setup_required).toBe(true);

    const done = await s.request('POST', '/api:meta/auth/setup', { name: 'Ada', email: ' Ada@Example.com ', password: 'correct-horse' }, a.headers);
    expect(done).toMatchObject({ status: 200, body: { email: 'ada@example.com', name: 'Ada', owner: true } });
    const me = (await s.request('GET', '/api:meta/auth/me', undefined, a.headers)).body;
    expect(me).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    expect(me.extras.setup_required).toBeUndefined();
    // The other session ended; the old password no longer opens one; the new one does.
    expect((await s.request('GET', '/api:meta/auth/me', undefined, b.headers)).status).toBe(401);
    expect((await login(s, first.email, first.password)).status).toBe(401);
    expect((await login(s, 'ada@example.com', first.password)).status).toBe(401);
    expect((await login(s, 'ada@example.com', 'correct-horse')).status).toBe(200);

    // Only once.
    const again = await s.request('POST', '/api:meta/auth/setup', { name: 'Eve', email: 'eve@example.com', password: 'correct-horse' }, a.headers);
    expect(again).toMatchObject({ status: 403, body: { code: 'ERROR_CODE_ACCESS_DENIED', message: 'this account has no setup to finish' } });
    expect((await s.request('GET', '/api:meta/auth/me', undefined, a.headers)).body.email).toBe('ada@example.com');
  });

  it('bad input is a 400 naming the input, and changes nothing', async () => {
    const { server: s, first } = await fresh();
    const token = { authorization: `Bearer ${first.token}` };
    const setup = (body: unknown) => s.request('POST', '/api:meta/auth/setup', body, token);
    expect(await setup({ name: 'Ada', email: 'not-an-email', password: 'correct-horse' })).toMatchObject({ status: 400, body: { code: 'ERROR_CODE_INPUT_ERROR', payload: { param: 'email' } } });
    expect(await setup({ name: 'Ada', email: 'ada@example.com', password: 'short' })).toMatchObject({ status: 400, body: { message: 'password must be at least 8 characters', payload: { param: 'password' } } });
    expect(await setup({ name: '   ', email: 'ada@example.com', password: 'correct-horse' })).toMatchObject({ status: 400, body: { payload: { param: 'name' } } });
    expect((await setup({ email: 'ada@example.com', password: 'correct-horse' })).status).toBe(400);
    expect((await setup('not json')).status).toBe(400);
    // Another account's email is taken.
    expect(await setup({ name: 'Ada', email: 'owner@test.local', password: 'correct-horse' })).toMatchObject({ status: 400, body: { message: 'an account with email [owner@test.local] already exists', payload: { param: 'email' } } });
    const me = (await s.request('GET', '/api:meta/auth/me', undefined, token)).body;
    expect(me).toMatchObject({ email: 'owner@strata.local', extras: { setup_required: true } });
    expect((await login(s, first.email, first.password)).status).toBe(200);
    // Keeping the generated email is allowed.
    expect((await setup({ name: 'Owner', email: 'owner@strata.local', password: 'correct-horse' })).status).toBe(200);
  });

  it('other accounts have no setup: their /auth/me has no flag and /auth/setup is 403; no credentials is 401', async () => {
    const { server: s } = await fresh();
    // owner@test.local (the test server's account, made after the generated owner) and its token.
    const other = { authorization: `Bearer ${s.token}` };
    expect((await s.request('GET', '/api:meta/auth/me', undefined, other)).body.extras.setup_required).toBeUndefined();
    const refused = await s.request('POST', '/api:meta/auth/setup', { name: 'Eve', email: 'eve@example.com', password: 'correct-horse' }, other);
    expect(refused).toMatchObject({ status: 403, body: { code: 'ERROR_CODE_ACCESS_DENIED' } });
    const session = await login(s, 'owner@test.local', 'owner-password');
    expect((await s.request('POST', '/api:meta/auth/setup', { name: 'Eve', email: 'eve@example.com', password: 'correct-horse' }, session.headers)).status).toBe(403);
    expect((await s.request('POST', '/api:meta/auth/setup', { name: 'Eve', email: 'eve@example.com', password: 'correct-horse' }, anon)).status).toBe(401);
  });

  it('a token of the pending owner without full access cannot finish setup', async () => {
    const { server: s, first } = await fresh();
    const created = await s.request('POST', '/api:meta/token', { name: 'ro', scopes: 'read-only' }, { authorization: `Bearer ${first.token}` });
    expect(created.status).toBe(200);
    const res = await s.request('POST', '/api:meta/auth/setup', { name: 'Ada', email: 'ada@example.com', password: 'correct-horse' }, { authorization: `Bearer ${created.body.token}` });
    expect(res.status).toBe(403);
    expect((await s.request('GET', '/api:meta/auth/me', undefined, { authorization: `Bearer ${first.token}` })).body.extras.setup_required).toBe(true);
  });

  it('is in the Metadata API\'s OpenAPI document', async () => {
    const { server: s } = await fresh();
    const doc = (await s.request('GET', '/apispec:meta?type=json', undefined, anon)).body;
    expect(doc.paths['/auth/setup'].post.summary).toContain('first-run setup');
  });
});
