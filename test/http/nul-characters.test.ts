import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * PostgreSQL stores no NUL character in text, so Strata accepts none anywhere — path, query
 * or JSON body — on either engine: a 400 in the API's own envelope, before any lookup
 * (the fuzzer found 500s from token, login, member, account and history lookups).
 */
describeEachEngine('NUL characters in requests', (engine) => {
  let s: RunningStrata;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    ws = (await s.request('POST', '/api:meta/workspace', { name: 'w' })).body.id;
  });
  afterAll(async () => { await s?.close(); });

  it('refuses NUL in paths, query strings and JSON bodies with a 400', async () => {
    const cases: Array<[string, string, unknown?]> = [
      ['DELETE', '/api:meta/token/tok_x%00'],
      ['POST', '/api:meta/auth/login', { email: 'a\u0000@x', password: 'p' }],
      ['PUT', `/api:meta/workspace/${ws}/member/acc_%00`, { role: 'viewer' }],
      ['PUT', `/api:meta/workspace/${ws}/member/a%00%40x`, { role: 'viewer' }],
      ['POST', '/api:meta/token', { name: 'a\u0000' }],
      ['GET', '/api:meta/account/acc_%00'],
      ['GET', '/dbs/w%00'],
      ['GET', `/api:meta/workspace/${ws}/request_history?path=%00`],
      ['GET', `/api:meta/workspace/${ws}/request_history?token_id=%00`],
      ['GET', `/api:meta/workspace/${ws}/file?search=%00`],
    ];
    for (const [method, path, body] of cases) {
      const answer = await s.request(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(answer.body)}`).toBe(400);
      expect(JSON.stringify(answer.body)).toMatch(/NUL/);
    }
    expect((await s.request('GET', '/health')).status).toBe(200);
  });

  it('keeps a backslash-escaped "\\u0000" text, which is no NUL', async () => {
    const answer = await s.request('POST', '/api:meta/token', '{"name":"literal \\\\u0000 text","expires_in":"1h"}');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.name).toBe('literal \\u0000 text');
  });
});
