import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresEngine } from '../support/engines.js';
import { startServer } from '../support/processes.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * Two Strata server processes sharing one PostgreSQL database count rate limits once: failed
 * authentications alternated between the nodes hit the limit at the same count as on one node,
 * and so do a token's requests. When the counters cannot be read or written, authentication
 * fails closed (503 with retry-after), never a silent pass nor a 500.
 */
describe.skipIf(!inject('postgresAvailable'))('[postgres] rate limits across nodes', () => {
  const FAILURES = 4, TOKEN_REQUESTS = 6;
  let cleanup: () => Promise<void>;
  let databaseUrl: string;
  const stops: Array<() => Promise<void>> = [];
  let nodes: string[];
  let good: string, limited: string;

  const call = async (base: string, headers: Record<string, string>, method = 'GET', path = '/api:meta/auth/me', body?: unknown) => {
    const res = await fetch(base + path, {
      method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, headers: res.headers, body: await res.json().catch(() => undefined) as any };
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** Each node sees the caller at its own address: the test sets X-Forwarded-For (the nodes trust the proxy). */
  const from = (ip: string, headers: Record<string, string> = {}) => ({ ...headers, 'x-forwarded-for': ip });

  beforeAll(async () => {
    const provisioned = await postgresEngine.provision();
    cleanup = provisioned.cleanup;
    databaseUrl = provisioned.config.databaseUrl!;
    const strata = await openStrata(provisioned.config);
    try {
      const account = await strata.accounts.create({ email: 'owner@test.local', password: 'password-1' });
      good = (await strata.tokens.create(account, { name: 'good' })).secret;
      limited = (await strata.tokens.create(account, { name: 'limited' })).secret;
    } finally {
      await strata.close();
    }
    const env = {
      STRATA_AUTH_FAILURE_LIMIT: String(FAILURES), STRATA_AUTH_FAILURE_WINDOW: '600',
      STRATA_TOKEN_RATE_LIMIT: String(TOKEN_REQUESTS), STRATA_TOKEN_RATE_WINDOW: '600', STRATA_TRUST_PROXY: 'true',
    };
    const started = [startServer(provisioned.config, env), startServer(provisioned.config, env)];
    stops.push(...started.map((n) => n.stop));
    nodes = (await Promise.all(started.map((n) => n.ready))).map((r) => r.url);
  });
  afterAll(async () => { for (const stop of stops) await stop(); await cleanup?.(); });

  it('failed authentications alternated between nodes are refused at the same count as on one node, good tokens included', async () => {
    for (let i = 0; i < FAILURES; i++) {
      expect((await call(nodes[i % 2]!, from('203.0.113.1', bearer('xau_wrong')))).status).toBe(401);
    }
    for (const node of nodes) {
      const refused = await call(node, from('203.0.113.1', bearer(good)));
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'ERROR_CODE_TOO_MANY_REQUESTS' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    }
    // Another address is not affected.
    expect((await call(nodes[1]!, from('203.0.113.2', bearer(good)))).status).toBe(200);
  });

  it('failed logins on either node count against the same limit', async () => {
    const login = (node: string, password: string) => call(node, from('203.0.113.3'), 'POST', '/api:meta/auth/login', { email: 'owner@test.local', password });
    for (let i = 0; i < FAILURES; i++) expect((await login(nodes[i % 2]!, `wrong-${i}`)).status).toBe(401);
    expect((await login(nodes[0]!, 'password-1')).status).toBe(429);
    expect((await login(nodes[1]!, 'password-1')).status).toBe(429);
  });

  it('a token\'s requests are counted once across nodes', async () => {
    for (let i = 0; i < TOKEN_REQUESTS; i++) expect((await call(nodes[i % 2]!, from('203.0.113.4', bearer(limited)))).status).toBe(200);
    for (const node of nodes) {
      const refused = await call(node, from('203.0.113.4', bearer(limited)));
      expect(refused).toMatchObject({ status: 429, body: { message: expect.stringMatching(/^this token has made too many requests/) } });
      expect(refused.headers.get('x-ratelimit-limit')).toBe(String(TOKEN_REQUESTS));
    }
  });

  it('counters that cannot be kept fail closed: 503 with retry-after for every authentication, never a pass or a 500', async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query('DROP TABLE strata.rate_counters');
    } finally {
      await admin.end();
    }
    for (const node of nodes) {
      for (const headers of [bearer('xau_wrong'), bearer(good)]) {
        const refused = await call(node, from('203.0.113.5', headers));
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).not.toBeNull();
        expect(refused.body).toMatchObject({ message: expect.stringMatching(/rate limit/) });
      }
      const login = await call(node, from('203.0.113.5'), 'POST', '/api:meta/auth/login', { email: 'owner@test.local', password: 'password-1' });
      expect(login.status).toBe(503);
    }
  });
});
