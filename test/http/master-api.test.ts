import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * The Master Metadata API's instance calls: from nothing but a token, `GET /instance` gives
 * the `meta_api` base URL to use. This deployment lists itself (its public URL configurable),
 * plus the fleet's other instances from configuration.
 */
describeEachEngine('Master Metadata API: instances', (engine) => {
  let s: RunningStrata;
  let proxied: RunningStrata;
  beforeAll(async () => {
    s = await startStrata(engine, { instanceName: 'alpha' });
    proxied = await startStrata(engine, {
      instanceName: 'beta',
      access: {
        publicUrl: 'https://data.example.com/strata', display: 'Beta (EU)', customDomain: 'data.example.com',
        fleet: [{ name: 'gamma', url: 'https://gamma.example.com', display: 'Gamma', customDomain: null }],
      },
    });
  });
  afterAll(async () => { await s?.close(); await proxied?.close(); });

  it('a third-party tool goes from a token to the Metadata API with two calls', async () => {
    const account = await s.strata.accounts.create({ email: 'tool@test.local', password: 'password-1' });
    const token = (await s.strata.tokens.create(account, { name: 'tool', scopes: 0x2222 })).secret;
    const headers = { authorization: `Bearer ${token}` };
    const list = await fetch(`${s.url}/api:meta/instance`, { headers });
    expect(list.status).toBe(200);
    const instances = await list.json() as Array<Record<string, unknown>>;
    const host = new URL(s.url).host;
    expect(instances).toEqual([{
      name: 'alpha', display: 'alpha', domain: host, xano_domain: host, custom_domain: null, rate_limit: false,
      meta_api: `${s.url}/api:meta`, meta_swagger: `${s.url}/apispec:meta?type=json`,
    }]);
    const one = await (await fetch(`${s.url}/api:meta/instance/alpha`, { headers })).json() as { meta_api: string; meta_swagger: string };
    expect(one).toEqual(instances[0]);
    // The base URL works as it is.
    expect((await fetch(`${one.meta_api}/workspace`, { headers })).status).toBe(200);
    expect((await fetch(one.meta_swagger)).status).toBe(200);
  });

  it('behind a proxy: the configured public URL, display name and domain; the fleet follows', async () => {
    const res = await proxied.request('GET', '/api:meta/instance');
    expect(res.body).toEqual([
      { name: 'beta', display: 'Beta (EU)', domain: 'data.example.com', xano_domain: 'data.example.com', custom_domain: 'data.example.com', rate_limit: false,
        meta_api: 'https://data.example.com/strata/api:meta', meta_swagger: 'https://data.example.com/strata/apispec:meta?type=json' },
      { name: 'gamma', display: 'Gamma', domain: 'gamma.example.com', xano_domain: 'gamma.example.com', custom_domain: null, rate_limit: false,
        meta_api: 'https://gamma.example.com/api:meta', meta_swagger: 'https://gamma.example.com/apispec:meta?type=json' },
    ]);
    expect((await proxied.request('GET', '/api:meta/instance/gamma')).body.name).toBe('gamma');
  });

  it('an unknown instance is 404 and no token is 401, in Xano\'s envelope', async () => {
    expect(await s.request('GET', '/api:meta/instance/nope')).toMatchObject({ status: 404, body: { code: 'ERROR_CODE_NOT_FOUND', message: 'instance [nope] not found' } });
    expect(await s.request('GET', '/api:meta/instance', undefined, { authorization: '' })).toMatchObject({ status: 401, body: { code: 'ERROR_CODE_UNAUTHORIZED' } });
  });

  it('the access endpoints are in the Metadata API\'s OpenAPI document with their requirements', async () => {
    const doc = (await s.request('GET', '/apispec:meta?type=json', undefined, { authorization: '' })).body;
    for (const path of ['/instance', '/instance/{name}', '/token', '/token/{token_id}', '/account', '/account/{account_id}',
      '/workspace/{workspace_id}/member', '/workspace/{workspace_id}/member/{account_id}', '/auth/login', '/auth/logout', '/auth/password']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/token'].post.description).toContain('full access (every scope), or a console session');
    expect(doc.paths['/account'].post.description).toContain('Instance owners only');
    expect(doc.paths['/workspace/{workspace_id}/member'].get.description).toContain('role in the workspace');
    expect(doc.paths['/auth/login'].post.security).toEqual([]);
  });
});
