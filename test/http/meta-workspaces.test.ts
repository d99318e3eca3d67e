import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { FULL_ACCESS, scopeBit } from '../../src/core/auth/scopes.js';

/** The Metadata API's auth, workspace, branch and data source endpoints, and its error envelope, over real HTTP. */
const DOCS = { swagger: true, documentation: { require_token: false } };
const XANO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/;

describeEachEngine('Metadata API: auth, workspaces, data sources, errors', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  beforeAll(async () => { s = await startStrata(engine); api = metaClient(s); });
  afterAll(async () => { await s?.close(); });

  const createWorkspace = (name: string, description?: string) => api.ok('POST', '/workspace', { name, ...(description ? { description } : {}) });

  describe('GET /auth/me', () => {
    it('identifies the token\'s account, for a token with any scopes (even none)', async () => {
      const me = await api.ok('GET', '/auth/me');
      expect(me).toEqual({ id: expect.stringMatching(/^acc_/), name: 'Owner', email: 'owner@test.local', extras: {
        instance: { id: 'local', name: 'local', display: 'local', domain: expect.stringMatching(/^127\.0\.0\.1:\d+$/), meta_api: `${s.url}/api:meta`, membership: { role: 'admin', workspace: { id: [] } } },
        token: { id: expect.stringMatching(/^tok_/), name: 'test' }, owner: true, memberships: [],
      } });
      const noScopes = await s.createToken(0);
      const res = await api.call('GET', '/auth/me', undefined, { authorization: `Bearer ${noScopes}` });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe('owner@test.local');
      expect(res.body.extras.token.id).not.toBe(me.extras.token.id);
    });

    it('401 ERROR_CODE_UNAUTHORIZED without a token or with a bad one', async () => {
      expectXanoError(await api.call('GET', '/auth/me', undefined, { authorization: '' }), 401, undefined, 'invalid API key');
      expectXanoError(await api.call('GET', '/auth/me', undefined, { authorization: 'Bearer xau_nope' }), 401, undefined, 'invalid API key');
    });
  });

  describe('workspaces', () => {
    it('creates, lists, reads, renames, describes and deletes a workspace; it is the data API\'s database', async () => {
      const created = await createWorkspace('ws_life', 'first');
      expect(created).toEqual({ id: expect.any(Number), name: 'ws_life', description: 'first', branch: 'v1', ...DOCS });
      const id = created.id as number;
      expect(await api.ok('GET', `/workspace/${id}`)).toEqual(created);
      expect((await api.ok('GET', '/workspace')).filter((w: { id: number }) => w.id === id)).toEqual([created]);
      // The same database, seen by the data API.
      expect((await s.request('GET', '/workspaces/local/dbs/ws_life')).status).toBe(200);

      // Partial update: a description alone keeps the name.
      expect(await api.ok('PUT', `/workspace/${id}`, { description: 'second' })).toEqual({ ...created, description: 'second' });
      expect(await api.ok('PUT', `/workspace/${id}`, { name: 'ws_renamed' })).toEqual({ id, name: 'ws_renamed', description: 'second', branch: 'v1', ...DOCS });
      expect((await s.request('GET', '/workspaces/local/dbs/ws_life')).status).toBe(404);
      expect((await s.request('GET', '/workspaces/local/dbs/ws_renamed')).status).toBe(200);
      expect(await api.ok('GET', `/workspace/${id}`)).toMatchObject({ name: 'ws_renamed', description: 'second' });

      expect(await api.ok('DELETE', `/workspace/${id}`)).toEqual({});
      expectXanoError(await api.call('GET', `/workspace/${id}`), 404, undefined, `workspace [${id}] not found`);
      expect((await s.request('GET', '/workspaces/local/dbs/ws_renamed')).status).toBe(404);
    });

    it('ids are the databases\' ids; a database made by the data API is a workspace too', async () => {
      expect((await s.request('PUT', '/workspaces/local/dbs/from_data', {})).status).toBe(201);
      const listed = (await api.ok('GET', '/workspace')).find((w: { name: string }) => w.name === 'from_data');
      expect(listed).toEqual({ id: expect.any(Number), name: 'from_data', description: '', branch: 'v1', ...DOCS });
      expect(await api.ok('GET', `/workspace/${listed.id}`)).toEqual(listed);
    });

    it('refuses bad names, duplicates and bad ids in the envelope', async () => {
      await createWorkspace('ws_dup');
      expectXanoError(await api.call('POST', '/workspace', { name: 'ws_dup' }), 400, '', 'database [ws_dup] already exists');
      expectXanoError(await api.call('POST', '/workspace', { name: 'bad name' }), 400);
      expectXanoError(await api.call('POST', '/workspace', {}), 400, 'name', 'Missing param: name');
      expectXanoError(await api.call('POST', '/workspace', { name: { first: 'x' } }), 400, 'name');
      expectXanoError(await api.call('GET', '/workspace/abc'), 400, 'workspace_id');
      expectXanoError(await api.call('GET', '/workspace/0'), 400, 'workspace_id');
      expectXanoError(await api.call('GET', '/workspace/999999'), 404, undefined, 'workspace [999999] not found');
      expectXanoError(await api.call('PUT', '/workspace/999999', { description: 'x' }), 404);
      expectXanoError(await api.call('DELETE', '/workspace/999999'), 404);
    });

    it('GET /workspace/{id}/branch: one live branch, v1 (until others are made: meta-branches.test.ts)', async () => {
      const { id } = await createWorkspace('ws_branch');
      expect(await api.ok('GET', `/workspace/${id}/branch`)).toEqual([{ created_at: expect.stringMatching(XANO_TIME), label: 'v1', live: true, backup: false, description: '', color: '#ebc346' }]);
      expectXanoError(await api.call('GET', '/workspace/999999/branch'), 404);
    });
  });

  describe('data sources (branches: live = main)', () => {
    it('lists live; creates, recolours and deletes a data source, which is the branch of that name', async () => {
      const { id } = await createWorkspace('ws_ds');
      expect(await api.ok('GET', `/workspace/${id}/datasource`)).toEqual([{ label: 'live', color: '#008000' }]);
      expect(await api.ok('POST', `/workspace/${id}/datasource`, { label: 'test' })).toEqual({ label: 'test', color: '#ebc346' });
      expect(await api.ok('POST', `/workspace/${id}/datasource`, { label: 'staging', color: '#123456' })).toEqual({ label: 'staging', color: '#123456' });
      const branches = (await s.request('GET', '/dbs/ws_ds')).body.branches.map((b: { name: string }) => b.name);
      expect(branches).toEqual(['main', 'test', 'staging']);
      expect(await api.ok('PUT', `/workspace/${id}/datasource/test`, { color: '#ff0000' })).toEqual({ label: 'test', color: '#ff0000' });
      expect(await api.ok('PUT', `/workspace/${id}/datasource/live`, { color: '#00ff00' })).toEqual({ label: 'live', color: '#00ff00' });
      expect(await api.ok('GET', `/workspace/${id}/datasource`)).toEqual([
        { label: 'live', color: '#00ff00' }, { label: 'test', color: '#ff0000' }, { label: 'staging', color: '#123456' },
      ]);
      expect(await api.ok('DELETE', `/workspace/${id}/datasource/test`)).toEqual({});
      expect(await api.ok('GET', `/workspace/${id}/datasource`)).toEqual([{ label: 'live', color: '#00ff00' }, { label: 'staging', color: '#123456' }]);
      expect((await s.request('GET', '/db/ws_ds:test')).status).toBe(404);
    });

    it('a new data source has live\'s tables and none of its records', async () => {
      const { id } = await createWorkspace('ws_ds_copy');
      const table = await api.ok('POST', `/workspace/${id}/table`, { name: 'things' });
      expect((await s.request('POST', '/db/ws_ds_copy:main/tables/things/data', {})).status).toBe(201);
      await api.ok('POST', `/workspace/${id}/datasource`, { label: 'test' });
      const copy = await s.request('POST', '/db/ws_ds_copy:test/tables/things/query', {});
      expect({ status: copy.status, records: copy.body.records }).toEqual({ status: 200, records: [] });
      expect(table.id).toBe(1);
    });

    it('errors: duplicate, reserved and bad labels, live cannot go, unknown ones are 404', async () => {
      const { id } = await createWorkspace('ws_ds_err');
      expectXanoError(await api.call('POST', `/workspace/${id}/datasource`, { label: 'live' }), 400);
      expectXanoError(await api.call('POST', `/workspace/${id}/datasource`, { label: 'main' }), 400, 'label');
      expectXanoError(await api.call('POST', `/workspace/${id}/datasource`, { label: 'no good' }), 400);
      expectXanoError(await api.call('POST', `/workspace/${id}/datasource`, {}), 400, 'label', 'Missing param: label');
      expectXanoError(await api.call('DELETE', `/workspace/${id}/datasource/live`), 400, 'label');
      expectXanoError(await api.call('DELETE', `/workspace/${id}/datasource/ghost`), 404);
      expectXanoError(await api.call('PUT', `/workspace/${id}/datasource/ghost`, { color: '#fff' }), 404);
      expectXanoError(await api.call('GET', '/workspace/999999/datasource'), 404);
    });
  });

  describe('the envelope', () => {
    it('403 ERROR_CODE_ACCESS_DENIED naming the missing scope', async () => {
      const { id } = await createWorkspace('ws_scope');
      const readOnly = await s.createToken(scopeBit('database', 'read'));
      const headers = { authorization: `Bearer ${readOnly}` };
      expect((await api.call('GET', `/workspace/${id}`, undefined, headers)).status).toBe(200);
      expectXanoError(await api.call('DELETE', `/workspace/${id}`, undefined, headers), 403, undefined, 'this token lacks the database:delete scope');
      const noRead = await s.createToken(FULL_ACCESS & ~scopeBit('database', 'read'));
      expectXanoError(await api.call('GET', '/workspace', undefined, { authorization: `Bearer ${noRead}` }), 403, undefined, 'this token lacks the database:read scope');
    });

    it('unknown routes, malformed JSON and unsupported bodies come out in Xano\'s envelope; the data API keeps {id, message}', async () => {
      expectXanoError(await api.call('GET', '/nope'), 404, undefined, 'no route for GET /api:meta/nope');
      expectXanoError(await api.call('DELETE', '/workspace'), 404);
      expectXanoError(await api.call('POST', '/workspace', '{"name": '), 400, 'body');
      expectXanoError(await api.call('POST', '/workspace', '<name/>', { 'content-type': 'application/xml' }), 400, 'body');
      const data = await s.request('PATCH', '/dbs/nope/settings', { searchEnabled: 'no' });
      expect(data.body).toEqual({ id: data.headers.get('x-request-id'), message: expect.any(String) });
    });

    it('a body larger than the limit is an input error; an unexpected failure is ERROR_FATAL without details', async () => {
      const small = await startStrata(engine, { bodyLimit: 1024 });
      try {
        const res = await small.request('POST', '/api:meta/workspace', { name: 'x', description: 'y'.repeat(2000) });
        expectXanoError(res, 400, 'body', 'request body is too large');
        // A failure inside the core that is no StrataError.
        small.strata.workspaces.list = async () => { throw new Error('disk on fire at /src/core/x.ts:1'); };
        const fatal = await small.request('GET', '/api:meta/workspace');
        expect({ status: fatal.status, body: fatal.body }).toEqual({ status: 500, body: { code: 'ERROR_FATAL', message: 'internal error', payload: null } });
        expect(JSON.stringify(fatal.body)).not.toMatch(/fire|\.ts|\.js/);
      } finally {
        await small.close();
      }
    });
  });
});
