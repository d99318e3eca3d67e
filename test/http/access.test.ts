import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { FULL_ACCESS, scopeBit, SCOPE_ACTIONS, SCOPE_OBJECTS, type Scope } from '../../src/core/auth/scopes.js';
import { routeTable, type RouteEntry } from '../../src/http/route-table.js';

/**
 * The scope matrix, derived from the routes' own declarations (collected as the server
 * registers them): no token / a bad token → 401, a token missing one declared scope → 403,
 * a token with exactly the declared scopes or with every scope → neither.
 */
const REQUEST_ID = /^req_[0-9a-v]{20}$/;
/** A sample value for every path parameter the routes use; an unknown parameter fails the test. */
const SAMPLE_PARAMS: Record<string, string> = {
  ws: 'local', db: 'acc', dbBranch: 'acc:main', branchName: 'main', table: 't', id: 'r1', column: 'c', fileId: 'f1', accessId: '00000000000000000000000000',
  // The Metadata API's: workspace 1 is the database `acc` created below.
  workspace_id: '1', table_id: '1', label: 'test', schema_name: 'c', index_id: 'abc', content_id: '1', file_id: '1',
  // The function-builder routes Strata answers without a builder.
  branch_label: 'ghost', apigroup_id: '1', api_id: '1', function_id: '1', task_id: '1', trigger_id: '1', multidoc_id: '1',
  // Access management and the Master Metadata API.
  account_id: 'acc_none', token_id: 'tok_none', name: 'local',
};
/** Routes that need a valid token but no scope (who am I, my tokens, the instances; accounts for instance owners). */
const TOKEN_ONLY = new Set(['/auth/me', '/token', '/instance', '/instance/:name', '/account', '/account/:account_id']
  .flatMap((path) => [`GET /api::meta${path}`, `HEAD /api::meta${path}`]));
/** Routes that revoke every credential of the caller's account (sign out everywhere): called with accounts of their own. */
const SIGNS_OUT = new Set(['POST /api::meta/auth/logout_all']);
/** The Metadata API speaks Xano's envelope: `{code, message, payload}`. */
const isMeta = (route: RouteEntry) => route.url.startsWith('/api::meta/');
const XANO_CODES: Record<number, string> = { 401: 'ERROR_CODE_UNAUTHORIZED', 403: 'ERROR_CODE_ACCESS_DENIED' };

interface RawResponse { status: number; body: any; headers: Headers }

const scopeName = (scope: Scope) => `${scope.object}:${scope.action}`;
const label = (route: RouteEntry) => `${route.method} ${route.url}`;

function concretePath(url: string): string {
  // '::' is find-my-way's literal colon (`/api::meta`), not a parameter.
  return url.replace(/::|:(\w+)/g, (match: string, name: string | undefined) => {
    if (match === '::') return ':';
    const value = SAMPLE_PARAMS[name!];
    if (value === undefined) throw new Error(`no sample value for path parameter :${name} (route ${url}); add one to SAMPLE_PARAMS`);
    return value;
  });
}

describeEachEngine('access control over the route table', (engine) => {
  let s: RunningStrata;
  let routes: readonly RouteEntry[];
  let guarded: Array<RouteEntry & { scopes: Scope[] }>;
  /** For each of the 16 scope bits, a token holding every scope except that one. */
  const allBut = new Map<number, string>();
  let expired: string;
  /** Every token this suite created (the owner's `s.token` aside). */
  const created: string[] = [];
  const createToken = async (scopes: number, opts?: { expiresAt?: Date }) => {
    const secret = await s.createToken(scopes, opts);
    created.push(secret);
    return secret;
  };

  /** fetch with exactly the given headers (no default Authorization). */
  async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawResponse> {
    const response = await fetch(s.url + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    // A change stream (SSE) never ends by itself: its status and headers are the answer.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, body: undefined, headers: response.headers };
    }
    const text = await response.text();
    let parsed: unknown = text === '' ? undefined : text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Calls a route with a sample path and (for methods with a body) an empty JSON object. */
  const callRoute = (route: RouteEntry, headers: Record<string, string>) =>
    raw(route.method, concretePath(route.url), headers, ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined);

  /** The error envelope check; HEAD responses carry no body, only the status and the request id. */
  function envelopeProblem(route: RouteEntry, res: RawResponse, status: number, message: string): string | undefined {
    const requestId = res.headers.get('x-request-id');
    if (res.status !== status) return `${label(route)}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`;
    if (!requestId || !REQUEST_ID.test(requestId)) return `${label(route)}: bad x-request-id ${requestId}`;
    if (route.method === 'HEAD') return res.body === undefined ? undefined : `${label(route)}: HEAD with a body`;
    const expected = JSON.stringify(isMeta(route) ? { code: XANO_CODES[status], message, payload: null } : { id: requestId, message });
    return JSON.stringify(res.body) === expected ? undefined : `${label(route)}: body ${JSON.stringify(res.body)}, expected ${expected}`;
  }

  beforeAll(async () => {
    s = await startStrata(engine);
    routes = routeTable(s.app);
    guarded = routes.flatMap((r) => (r.access && 'scopes' in r.access ? [{ ...r, scopes: r.access.scopes }] : []));
    for (const object of SCOPE_OBJECTS) {
      for (const action of SCOPE_ACTIONS) {
        const bit = scopeBit(object, action);
        allBut.set(bit, await createToken(FULL_ACCESS & ~bit));
      }
    }
    expired = await createToken(FULL_ACCESS, { expiresAt: new Date(Date.now() - 60_000) });
    // Something for the routes to find (not required for the auth checks, which come first).
    expect((await s.request('PUT', '/workspaces/local/dbs/acc', { region: 'local' })).status).toBe(201);
    expect((await s.request('PUT', '/db/acc:main/tables/t', { columns: [{ name: 'c', type: 'string' }] })).status).toBe(201);
    expect((await s.request('PUT', '/db/acc:main/tables/t/data/r1', { c: 'x' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it('collects every route with its declared access; only /health, /ready, /file/{accessId} (GET, and PUT to upload URLs), login and logout are public', () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) expect(route.access, label(route)).toBeDefined();
    const publicRoutes = routes.filter((r) => r.access && 'public' in r.access).map(label).sort();
    // GET /file/{accessId}: the URL (public, or signed) is the credential; PUT: an upload URL (signed for uploading) is.
    expect(publicRoutes).toEqual(['GET /file/:accessId', 'GET /health', 'GET /ready', 'HEAD /file/:accessId', 'HEAD /health', 'HEAD /ready', 'POST /api::meta/auth/login', 'POST /api::meta/auth/logout', 'PUT /file/:accessId']);
    expect(guarded.length).toBe(routes.length - publicRoutes.length);
    for (const route of guarded) {
      expect(route.scopes.length > 0 || TOKEN_ONLY.has(label(route)), `${label(route)} declares no scope`).toBe(true);
      for (const scope of route.scopes) {
        expect(SCOPE_OBJECTS, label(route)).toContain(scope.object);
        expect(SCOPE_ACTIONS, label(route)).toContain(scope.action);
      }
      // Declarations agree with the method: reads need only read scopes, deletes need a delete scope.
      const actions = route.scopes.map((scope) => scope.action);
      if (route.method === 'GET' || route.method === 'HEAD') expect(actions.every((a) => a === 'read'), label(route)).toBe(true);
      if (route.method === 'DELETE') expect(actions, label(route)).toContain('delete');
    }
    // Every path parameter has a sample value.
    for (const route of routes) expect(() => concretePath(route.url)).not.toThrow();
    // The schema endpoints this suite family exercises are all in the table.
    const labels = new Set(routes.map(label));
    for (const expected of ['GET /workspaces/:ws/dbs', 'PUT /db/:dbBranch', 'POST /db/:dbBranch/schema/apply', 'DELETE /db/:dbBranch/tables/:table/columns/:column',
      'GET /api::meta/workspace', 'PUT /api::meta/workspace/:workspace_id/table/:table_id/schema', 'POST /api::meta/workspace/:workspace_id/table/:table_id/schema/type/geo_polygon']) {
      expect(labels.has(expected), expected).toBe(true);
    }
  });

  it('no Authorization header → 401 {id, message: "invalid API key"} on every guarded route', async () => {
    const problems: string[] = [];
    for (const route of guarded) {
      const problem = envelopeProblem(route, await callRoute(route, {}), 401, 'invalid API key');
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
  });

  it('malformed, unknown and expired tokens → 401 on every guarded route', async () => {
    const variants: Record<string, string> = {
      'empty header': '',
      'scheme only': 'Bearer',
      'scheme and blank': 'Bearer    ',
      'no scheme': s.token,
      'other scheme': `Basic ${Buffer.from('owner@test.local:owner-password').toString('base64')}`,
      'token scheme': `Token ${s.token}`,
      'not an xau_ key': 'Bearer not-a-key',
      'unknown key': `Bearer xau_${randomBytes(24).toString('base64url')}`,
      'truncated key': `Bearer ${s.token.slice(0, -1)}`,
      'key with a suffix': `Bearer ${s.token}x`,
      'over-long key': `Bearer ${s.token}${'a'.repeat(200)}`,
      'the hash instead of the key': `Bearer ${createHash('sha256').update(s.token).digest('hex')}`,
      expired: `Bearer ${expired}`,
    };
    const problems: string[] = [];
    for (const route of guarded) {
      for (const [name, header] of Object.entries(variants)) {
        const problem = envelopeProblem(route, await callRoute(route, { authorization: header }), 401, 'invalid API key');
        if (problem) problems.push(`[${name}] ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a token lacking one declared scope (holding all others) → 403 naming that scope', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of guarded) {
      for (const scope of route.scopes) {
        const token = allBut.get(scopeBit(scope.object, scope.action))!;
        const problem = envelopeProblem(route, await callRoute(route, { authorization: `Bearer ${token}` }), 403, `this token lacks the ${scopeName(scope)} scope`);
        if (problem) problems.push(problem);
        checked++;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(guarded.length);
  });

  it('a token with exactly the declared scopes, and a full token, never get 401 or 403 (nor a 5xx)', async () => {
    const problems: string[] = [];
    // Read-only routes first, so destructive ones (DELETE database…) run last.
    const ordered = [...guarded].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    let loners = 0;
    /** A token of an account of its own, for a route that would revoke the suite's tokens. */
    const lonerToken = async (scopes: number) => {
      const account = await s.strata.accounts.create({ email: `loner${++loners}@test.local`, password: 'loner-password' });
      const { secret } = await s.strata.tokens.create(account, { name: 'loner', scopes });
      created.push(secret);
      return secret;
    };
    for (const route of ordered) {
      const bits = route.scopes.reduce((mask, scope) => mask | scopeBit(scope.object, scope.action), 0);
      const signsOut = SIGNS_OUT.has(label(route));
      const exact = signsOut ? await lonerToken(bits) : await createToken(bits);
      const full = signsOut ? await lonerToken(FULL_ACCESS) : s.token;
      for (const [name, token] of [['exact scopes', exact], ['full', full]] as const) {
        const res = await callRoute(route, { authorization: `Bearer ${token}` });
        if (res.status === 401 || res.status === 403 || res.status >= 500) problems.push(`[${name}] ${label(route)}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the Bearer scheme is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await raw('GET', '/workspaces/local/dbs', { authorization: `${scheme} ${s.token}` });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('/health and /ready need no token (and ignore a bad one)', async () => {
    for (const headers of [{}, { authorization: 'Bearer xau_nonsense' }] as Array<Record<string, string>>) {
      const health = await raw('GET', '/health', headers);
      expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { status: 'ok' } });
      const ready = await raw('GET', '/ready', headers);
      expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready', storage: engine.name, ...(engine.name === 'postgres' ? { listener: 'up' } : {}) } });
      expect((await raw('HEAD', '/health', headers)).status).toBe(200);
    }
  });

  it('tokens are stored hashed: no secret appears in the tokens table', async () => {
    await createToken(scopeBit('content', 'read'));
    // The system store's own connection (a Kysely over the engine's system tables).
    const db = (s.strata.storage.system as unknown as { reader: Kysely<any> }).reader;
    expect(db, 'the system store exposes no reader connection').toBeDefined();
    const rows = (await db.selectFrom('tokens').selectAll().execute()) as Array<Record<string, unknown>>;
    expect(rows.length).toBe(created.length + 1); // and the owner's
    const dump = JSON.stringify(rows);
    for (const secret of [s.token, ...created]) {
      expect(secret).toMatch(/^xau_[A-Za-z0-9_-]{32}$/);
      expect(dump.includes(secret.slice(4)), 'secret stored in clear').toBe(false);
      const hash = createHash('sha256').update(secret).digest('hex');
      expect(rows.filter((r) => r.hash === hash)).toHaveLength(1);
    }
    for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('every error body carries id = x-request-id, each request its own id', async () => {
    const cases: Array<[string, string, Record<string, string>, unknown, number]> = [
      ['GET', '/workspaces/local/dbs', {}, undefined, 401],
      ['GET', '/workspaces/local/dbs', { authorization: `Bearer ${allBut.get(scopeBit('database', 'read'))}` }, undefined, 403],
      ['GET', '/db/ghost:main', { authorization: `Bearer ${s.token}` }, undefined, 404],
      ['PUT', '/db/bad%20name:main/tables/t', { authorization: `Bearer ${s.token}` }, {}, 400],
      ['PUT', '/workspaces/local/dbs/dup', { authorization: `Bearer ${s.token}` }, {}, 201],
      ['PUT', '/workspaces/local/dbs/dup', { authorization: `Bearer ${s.token}` }, {}, 422],
      ['DELETE', '/db/dup:main', { authorization: `Bearer ${s.token}` }, undefined, 409],
      ['PATCH', '/dbs/dup/settings', { authorization: `Bearer ${s.token}` }, { searchEnabled: 'no' }, 400],
      ['PATCH', '/dbs/dup/settings', { authorization: `Bearer ${s.token}` }, '{"searchEnabled": tru', 400],
      ['PATCH', '/dbs/dup/settings', { authorization: `Bearer ${s.token}`, 'content-type': 'application/xml' }, '<searchEnabled/>', 415],
      ['GET', '/no/such/route', {}, undefined, 404],
    ];
    const ids = new Set<string>();
    for (const [method, path, headers, body, status] of cases) {
      const res = await raw(method, path, headers, body);
      const requestId = res.headers.get('x-request-id');
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(requestId).toMatch(REQUEST_ID);
      ids.add(requestId!);
      if (status >= 400) {
        expect(res.body, `${method} ${path}`).toEqual({ id: requestId, message: expect.any(String) });
        expect(res.body.message.length).toBeGreaterThan(0);
      }
    }
    expect(ids.size).toBe(cases.length);
  });

  it('an unknown route → 404 in the same envelope, with or without a token', async () => {
    for (const headers of [{}, { authorization: `Bearer ${s.token}` }, { authorization: 'Bearer junk' }] as Array<Record<string, string>>) {
      for (const [method, path, message] of [
        ['GET', '/nope', 'no route for GET /nope'],
        ['GET', '/nope?x=1', 'no route for GET /nope'],
        ['POST', '/health', 'no route for POST /health'],
        ['POST', '/db/acc:main/unknown', 'no route for POST /db/acc:main/unknown'],
        ['PUT', '/db/acc:main/tables/a/b', 'no route for PUT /db/acc:main/tables/a/b'],
      ] as const) {
        const res = await raw(method, path, headers);
        expect({ status: res.status, body: res.body }, `${method} ${path}`).toEqual({ status: 404, body: { id: res.headers.get('x-request-id'), message } });
        expect(res.body.id).toMatch(REQUEST_ID);
      }
    }
  });
});
