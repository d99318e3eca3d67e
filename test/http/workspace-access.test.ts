import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { routeTable, type RouteEntry } from '../../src/http/route-table.js';
import { workspaceParamOf, type RouteAccess } from '../../src/http/route-access.js';
import type { Scope } from '../../src/core/auth/scopes.js';

/**
 * Roles over the route table: for every route that acts in a workspace, a member of workspace
 * A asking about workspace B gets the same 404 a missing workspace gets (data API included);
 * a viewer of A can read A but every write answers 403; lists show only member workspaces.
 */
type Guarded = RouteEntry & { access: Extract<RouteAccess, { scopes: Scope[] }> };
const label = (r: RouteEntry) => `${r.method} ${r.url}`;
const isMeta = (r: RouteEntry) => r.url.startsWith('/api::meta/');

describeEachEngine('workspace roles and isolation', (engine) => {
  let s: RunningStrata;
  let workspaceRoutes: Guarded[];
  const ids: Record<string, number> = {};
  const tokens: Record<string, string> = {};
  const accountIds: Record<string, string> = {};

  /** A route's path with its workspace parameter pointing at `ws` (and sample values elsewhere). */
  function pathFor(route: RouteEntry, ws: string): string {
    const samples: Record<string, string> = {
      ws: 'local', db: ws, dbBranch: `${ws}:main`, workspace_id: String(ids[ws] ?? 999_999), table: 't', id: 'r1', column: 'c',
      table_id: '1', label: 'test', schema_name: 'c', account_id: accountIds.viewer ?? 'acc_none', token_id: 'tok_none', name: 'local',
    };
    return route.url.replace(/::|:(\w+)/g, (m: string, name: string | undefined) => (m === '::' ? ':' : samples[name!]!));
  }
  const call = (route: RouteEntry, ws: string, who: string) =>
    s.request(route.method, pathFor(route, ws), ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined, { authorization: `Bearer ${tokens[who]}` });
  const as = (who: string, method: string, path: string, body?: unknown) => s.request(method, path, body, { authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    s = await startStrata(engine);
    for (const ws of ['wsa', 'wsb']) {
      expect((await s.request('POST', '/api:meta/workspace', { name: ws })).status).toBe(200);
      expect((await s.request('PUT', `/db/${ws}:main/tables/t`, { columns: [{ name: 'c', type: 'string' }] })).status).toBe(201);
      expect((await s.request('PUT', `/db/${ws}:main/tables/t/data/r1`, { c: 'x' })).status).toBe(201);
    }
    for (const w of (await s.request('GET', '/api:meta/workspace')).body) ids[w.name] = w.id;
    for (const who of ['admin', 'editor', 'viewer', 'outsider']) {
      const account = await s.strata.accounts.create({ email: `${who}@test.local`, password: 'password-1' });
      accountIds[who] = account.id;
      tokens[who] = (await s.strata.tokens.create(account, { name: who })).secret;
      if (who !== 'outsider') expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${account.id}`, { role: who })).status).toBe(200);
    }
    tokens.owner = s.token;
    workspaceRoutes = routeTable(s.app).filter((r): r is Guarded => !!r.access && 'scopes' in r.access
      && !r.access.instanceOwner && (r.access.workspace === undefined ? workspaceParamOf(r.url) : r.access.workspace) !== null);
  });
  afterAll(async () => { await s?.close(); });

  it('covers the data API and the Metadata API', () => {
    const labels = workspaceRoutes.map(label);
    for (const expected of ['GET /db/:dbBranch/tables/:table/data/:id', 'GET /dbs/:db', 'GET /workspaces/:ws/dbs/:db', 'DELETE /db/:dbBranch',
      'GET /api::meta/workspace/:workspace_id', 'PUT /api::meta/workspace/:workspace_id/table/:table_id/schema', 'GET /api::meta/workspace/:workspace_id/member']) {
      expect(labels, expected).toContain(expected);
    }
  });

  it('a member of A asking about B gets 404, exactly as for a workspace that does not exist, on every route', async () => {
    const problems: string[] = [];
    for (const route of workspaceRoutes) {
      for (const [ws, who] of [['wsb', 'editor'], ['wsb', 'viewer'], ['wsb', 'admin'], ['wsa', 'outsider'], ['ghost', 'editor']] as const) {
        const res = await call(route, ws, who);
        const ref = route.url.includes(':workspace_id') ? String(ids[ws] ?? 999_999) : ws;
        const message = route.url.includes(':workspace_id') ? `workspace [${ref}] not found` : `database [${ref}] not found`;
        const expected = route.method === 'HEAD' ? undefined
          : isMeta(route) ? { code: 'ERROR_CODE_NOT_FOUND', message, payload: null } : { id: res.headers.get('x-request-id'), message };
        if (res.status !== 404 || JSON.stringify(res.body) !== JSON.stringify(expected)) {
          problems.push(`${who} → ${ws}: ${label(route)}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the owner gets the same 404 for a workspace that does not exist (the answer tells nothing)', async () => {
    for (const [method, path, message] of [
      ['GET', '/db/ghost:main/tables/t/data/r1', 'database [ghost] not found'], ['GET', '/dbs/ghost', 'database [ghost] not found'],
      ['GET', '/workspaces/local/dbs/ghost', 'database [ghost] not found'], ['GET', '/api:meta/workspace/999999/table', 'workspace [999999] not found'],
    ] as const) {
      const res = await s.request(method, path);
      expect({ status: res.status, message: res.body.message }, path).toEqual({ status: 404, message });
    }
  });

  it('a viewer reads everything in A and every write answers 403 in the API\'s own envelope', async () => {
    const problems: string[] = [];
    for (const route of workspaceRoutes) {
      const writes = route.access.scopes.some((scope) => scope.action !== 'read');
      const res = await call(route, 'wsa', 'viewer');
      if (writes) {
        const scope = route.access.scopes.find((sc) => sc.action !== 'read')!;
        const message = `your role in this workspace (viewer) does not allow ${route.access.scopes.length === 16 ? 'content:create' : `${scope.object}:${scope.action}`}`;
        const expected = isMeta(route) ? { code: 'ERROR_CODE_ACCESS_DENIED', message, payload: null } : { id: res.headers.get('x-request-id'), message };
        if (res.status !== 403 || JSON.stringify(res.body) !== JSON.stringify(expected)) problems.push(`write ${label(route)}: ${res.status} ${JSON.stringify(res.body)}`);
      } else if ([401, 403].includes(res.status) || res.status >= 500 || /(database|workspace) \[/.test(res.body?.message ?? '')) {
        problems.push(`read ${label(route)}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('an editor changes records but not the schema; token scopes still apply on top of the role', async () => {
    expect((await as('editor', 'PATCH', '/db/wsa:main/tables/t/data/r1', { c: 'y' })).status).toBe(200);
    expect((await as('editor', 'POST', '/db/wsa:main/tables/t/columns', { name: 'd', type: 'int' }))).toMatchObject({ status: 403, body: { message: 'your role in this workspace (editor) does not allow database:create' } });
    const account = await s.strata.accounts.findByEmail('editor@test.local');
    const readOnly = (await s.strata.tokens.create(account!, { name: 'ro', scopes: 0x2222 })).secret;
    const res = await s.request('PATCH', '/db/wsa:main/tables/t/data/r1', { c: 'z' }, { authorization: `Bearer ${readOnly}` });
    expect(res).toMatchObject({ status: 403, body: { message: 'this token lacks the content:update scope' } });
    // Transactions check each operation against the token AND the role.
    const tx = await as('viewer', 'POST', '/db/wsa:main/transaction', { operations: [{ update: { table: 't', id: 'r1', fields: { c: 'v' } } }] });
    expect(tx.status).toBe(403);
  });

  it('lists show only the workspaces an account belongs to; an instance owner sees all', async () => {
    const names = async (who: string) => ({
      data: (await as(who, 'GET', '/workspaces/local/dbs')).body.databases.map((d: { name: string }) => d.name).sort(),
      meta: (await as(who, 'GET', '/api:meta/workspace')).body.map((w: { name: string }) => w.name).sort(),
    });
    expect(await names('editor')).toEqual({ data: ['wsa'], meta: ['wsa'] });
    expect(await names('outsider')).toEqual({ data: [], meta: [] });
    expect(await names('owner')).toEqual({ data: ['wsa', 'wsb'], meta: ['wsa', 'wsb'] });
  });

  it('only instance owners create workspaces, change instance settings and manage accounts', async () => {
    for (const [method, path, body] of [
      ['PUT', '/workspaces/local/dbs/newdb', {}], ['POST', '/api:meta/workspace', { name: 'newws' }],
      ['PUT', '/workspaces/local/settings', { x: 1 }], ['GET', '/api:meta/account', undefined], ['POST', '/api:meta/account', { email: 'x@y.z', password: 'password-1' }],
    ] as const) {
      const res = await as('admin', method, path, body);
      expect({ status: res.status, message: res.body.message }, `${method} ${path}`).toEqual({ status: 403, message: 'only instance owners may do this' });
    }
  });

  it('role changes count from the next request: promote, demote, remove', async () => {
    const patch = () => as('viewer', 'PATCH', '/db/wsa:main/tables/t/data/r1', { c: 'w' });
    expect((await patch()).status).toBe(403);
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${accountIds.viewer}`, { role: 'editor' })).status).toBe(200);
    expect((await patch()).status).toBe(200);
    // A custom permission set replaces the role's: records readable, nothing else.
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${accountIds.viewer}`, { role: 'editor', permissions: 'content:r' })).body.permissions).toBe('content:r');
    expect((await as('viewer', 'GET', '/db/wsa:main/tables/t/data/r1')).status).toBe(200);
    expect((await as('viewer', 'GET', '/db/wsa:main/tables/t/schema')).body.message).toBe('your role in this workspace (custom) does not allow database:read');
    expect((await s.request('DELETE', `/api:meta/workspace/${ids.wsa}/member/${accountIds.viewer}`)).status).toBe(200);
    expect((await as('viewer', 'GET', '/db/wsa:main/tables/t/data/r1'))).toMatchObject({ status: 404, body: { message: 'database [wsa] not found' } });
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${accountIds.viewer}`, { role: 'viewer' })).status).toBe(200);
  });

  it('admins manage members but not owners; editors and viewers manage nobody', async () => {
    const target = await s.strata.accounts.create({ email: 'new@test.local', password: 'password-1' });
    const put = (who: string, role: string) => as(who, 'PUT', `/api:meta/workspace/${ids.wsa}/member/${target.id}`, { role });
    expect((await put('admin', 'viewer')).body).toMatchObject({ account_id: target.id, email: 'new@test.local', role: 'viewer', permissions: null, role_permissions: 'content:r,database:r,files:r,history:r' });
    // A custom set, and `permissions: null` to go back to the role's.
    const member = `/api:meta/workspace/${ids.wsa}/member/${target.id}`;
    expect((await s.request('PUT', member, { role: 'viewer', permissions: 'content:ru' })).body).toMatchObject({ permissions: 'content:ru', role_permissions: 'content:r,database:r,files:r,history:r' });
    expect((await s.request('PUT', member, { role: 'viewer', permissions: null })).body).toMatchObject({ permissions: null, role: 'viewer' });
    expect(await put('admin', 'owner')).toMatchObject({ status: 403, body: { code: 'ERROR_CODE_ACCESS_DENIED' } });
    expect((await put('editor', 'viewer')).status).toBe(403);
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${target.id}`, { role: 'owner' })).status).toBe(200);
    expect((await as('admin', 'DELETE', `/api:meta/workspace/${ids.wsa}/member/${target.id}`)).status).toBe(403);
    const members = (await as('viewer', 'GET', `/api:meta/workspace/${ids.wsa}/member`)).body.map((m: { email: string; role: string }) => `${m.email}:${m.role}`);
    expect(members).toEqual(expect.arrayContaining(['admin@test.local:admin', 'editor@test.local:editor', 'new@test.local:owner']));
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${target.id}`, { role: 'boss' })).status).toBe(400);
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/acc_nobody`, { role: 'viewer' })).status).toBe(404);
    // A member may be named by email (how the console adds one), any case; unknown emails are 404.
    expect((await as('admin', 'PUT', `/api:meta/workspace/${ids.wsa}/member/${encodeURIComponent('New@Test.local')}`, { role: 'editor' })).status).toBe(403);
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/${encodeURIComponent('New@Test.local')}`, { role: 'editor' })).body)
      .toMatchObject({ account_id: target.id, email: 'new@test.local', role: 'editor' });
    expect((await s.request('PUT', `/api:meta/workspace/${ids.wsa}/member/nobody%40test.local`, { role: 'viewer' })).status).toBe(404);
  });

  it('/auth/me lists the account\'s memberships', async () => {
    const me = (await as('editor', 'GET', '/api:meta/auth/me')).body;
    expect(me.extras).toMatchObject({ owner: false, memberships: [{ workspace_id: ids.wsa, workspace: 'wsa', role: 'editor' }] });
  });
});
