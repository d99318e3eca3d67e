import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine } from '../support/engines.js';
import { startServer } from '../support/processes.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * Two Strata server processes sharing one PostgreSQL database: a revocation or a role change
 * made through one node counts on the other from its very next request (nothing is cached
 * across requests on PostgreSQL: the token lookup brings the memberships in the same query).
 */
describe.skipIf(!inject('postgresAvailable'))('[postgres] access across nodes', () => {
  let cleanup: () => Promise<void>;
  const stops: Array<() => Promise<void>> = [];
  let a: string, b: string;
  let owner: string, member: string, memberId: string, workspaceId: number;

  const call = async (base: string, token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => undefined) as any };
  };

  beforeAll(async () => {
    const provisioned = await postgresEngine.provision();
    cleanup = provisioned.cleanup;
    const strata = await openStrata(provisioned.config);
    try {
      const ownerAccount = await strata.accounts.create({ email: 'owner@test.local', password: 'password-1' });
      owner = (await strata.tokens.create(ownerAccount, { name: 'owner' })).secret;
      const memberAccount = await strata.accounts.create({ email: 'member@test.local', password: 'password-1' });
      memberId = memberAccount.id;
      member = (await strata.tokens.create(memberAccount, { name: 'member' })).secret;
      const { database } = await strata.databases.create('shared');
      workspaceId = database.id;
      await strata.members.set((await strata.tokens.authenticate(owner))!.access, database, memberId, 'viewer');
    } finally {
      await strata.close();
    }
    const nodes = [startServer(provisioned.config), startServer(provisioned.config)];
    stops.push(...nodes.map((n) => n.stop));
    [a, b] = (await Promise.all(nodes.map((n) => n.ready))).map((r) => r.url) as [string, string];
    expect((await call(a, owner, 'PUT', '/db/shared:main/tables/t', { columns: [{ name: 'c', type: 'string' }] })).status).toBe(201);
  });
  afterAll(async () => { for (const stop of stops) await stop(); await cleanup?.(); });

  it('a token revoked through one node is refused by the other on the next request', async () => {
    const made = (await call(a, member, 'POST', '/api:meta/token', { name: 'doomed' })).body;
    for (const node of [a, b, b]) expect((await call(node, made.token, 'GET', '/api:meta/auth/me')).status).toBe(200);
    expect((await call(a, member, 'DELETE', `/api:meta/token/${made.id}`)).status).toBe(200);
    expect((await call(b, made.token, 'GET', '/api:meta/auth/me')).status).toBe(401);
    expect((await call(a, made.token, 'GET', '/api:meta/auth/me')).status).toBe(401);
  });

  it('a role change through one node counts on the other on the next request', async () => {
    const write = () => call(b, member, 'POST', '/db/shared:main/tables/t/data', { c: 'x' });
    expect((await write()).status).toBe(403);
    expect((await call(a, owner, 'PUT', `/api:meta/workspace/${workspaceId}/member/${memberId}`, { role: 'editor' })).status).toBe(200);
    expect((await write()).status).toBe(201);
    expect((await call(a, owner, 'DELETE', `/api:meta/workspace/${workspaceId}/member/${memberId}`)).status).toBe(200);
    expect((await write())).toMatchObject({ status: 404, body: { message: 'database [shared] not found' } });
    expect((await call(b, member, 'GET', '/workspaces/local/dbs')).body).toEqual({ databases: [] });
  });
});
