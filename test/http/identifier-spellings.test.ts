import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * An identifier has one spelling. A member of workspaces named like another workspace's id
 * (`0x5`, `5e0`, `05`) must never reach that workspace through them, nor through `+5`, ` 5`
 * or `5.0`: each answers 400 or 404 and the victim is untouched. Table ids alike. Attempts
 * are filed in request history of the workspace they aimed at.
 */
describeEachEngine('identifier spellings', (engine) => {
  let s: RunningStrata;
  let victim: number;
  let victimTable: number;
  let attacker: string;
  const spellings = (id: number) => [...new Set([`0x${id.toString(16)}`, `${id}e0`, `0${id}`, `00${id}`, `+${id}`, `%20${id}`, `${id}%20`, `${id}.0`, `0o${id.toString(8)}`, `0b${id.toString(2)}`])];
  const as = (token: string, method: string, path: string, body?: unknown) => s.request(method, path, body, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    s = await startStrata(engine);
    const made = await s.request('POST', '/api:meta/workspace', { name: 'victim' });
    expect(made.status).toBe(200);
    victim = made.body.id;
    const table = await s.request('POST', `/api:meta/workspace/${victim}/table`, { name: 'secrets' });
    expect(table.status).toBe(200);
    victimTable = table.body.id;
    expect((await s.request('POST', `/api:meta/workspace/${victim}/table/${victimTable}/content`, {})).status).toBe(200);
    const account = await s.strata.accounts.create({ email: 'attacker@test.local', password: 'password-1' });
    attacker = (await s.strata.tokens.create(account, { name: 'attacker' })).secret;
    // Every spelling that is a valid workspace name becomes a workspace the attacker administers.
    for (const name of spellings(victim).filter((n) => /^[a-zA-Z0-9_~-]+$/.test(n))) {
      const ws = await s.request('POST', '/api:meta/workspace', { name });
      expect(ws.status, name).toBe(200);
      expect((await s.request('PUT', `/api:meta/workspace/${ws.body.id}/member/${account.id}`, { role: 'admin' })).status).toBe(200);
      expect((await s.request('POST', `/api:meta/workspace/${ws.body.id}/table`, { name: 'mine' })).status).toBe(200);
    }
  });
  afterAll(async () => { await s?.close(); });

  it('never reaches another workspace through another spelling of its id', async () => {
    for (const spelling of spellings(victim)) {
      for (const [method, path, body] of [
        ['GET', `/api:meta/workspace/${spelling}`],
        ['GET', `/api:meta/workspace/${spelling}/table`],
        ['GET', `/api:meta/workspace/${spelling}/table/${victimTable}/content`],
        ['POST', `/api:meta/workspace/${spelling}/table/${victimTable}/content`, {}],
        ['PUT', `/api:meta/workspace/${spelling}`, { name: 'renamed' }],
        ['GET', `/api:meta/workspace/${spelling}/request_history`],
        ['DELETE', `/api:meta/workspace/${spelling}`],
      ] as const) {
        const answer = await as(attacker, method, path, body);
        expect([400, 404], `${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`).toContain(answer.status);
      }
    }
    const after = await s.request('GET', `/api:meta/workspace/${victim}`);
    expect(after.body.name).toBe('victim');
    const records = await s.request('GET', `/api:meta/workspace/${victim}/table/${victimTable}/content`);
    expect(records.body.items).toHaveLength(1);
  });

  it('refuses other spellings of ids even for the owner, with a 400 naming the parameter', async () => {
    for (const spelling of spellings(victim)) {
      const answer = await s.request('GET', `/api:meta/workspace/${spelling}`);
      expect([400, 404], spelling).toContain(answer.status);
      if (answer.status === 400) expect(answer.body.payload?.param, spelling).toBe('workspace_id');
    }
    for (const spelling of spellings(victimTable)) {
      const answer = await s.request('GET', `/api:meta/workspace/${victim}/table/${spelling}`);
      expect(answer.status, spelling).toBe(400);
      expect(answer.body.payload?.param, spelling).toBe('table_id');
    }
    expect((await s.request('GET', `/api:meta/workspace/${victim}/table/${victimTable}`)).status).toBe(200);
  });

  it('files the attempts in the history of the workspace they aimed at', async () => {
    await as(attacker, 'GET', `/api:meta/workspace/0x${victim.toString(16)}/table`);
    await as(attacker, 'GET', `/api:meta/workspace/${victim}/table`);
    await s.strata.history.recorder.flush();
    const history = await s.request('GET', `/api:meta/workspace/${victim}/request_history?per_page=100`);
    expect(history.status).toBe(200);
    const uris = history.body.items.map((e: { uri: string }) => e.uri);
    expect(uris).toContain(`${s.url}/api:meta/workspace/0x${victim.toString(16)}/table`);
    expect(uris).toContain(`${s.url}/api:meta/workspace/${victim}/table`);
  });

  it('answers malformed escapes in names with a 4xx and stays up', async () => {
    for (const path of ['/db/%E0%A4%A:main/tables/t/data/x', '/db/victim:%E0%A4%A/tables', `/api:meta/workspace/%E0%A4%A/table`, '/dbs/%E0%A4%A']) {
      const answer = await s.request('GET', path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
    await s.strata.history.recorder.flush();
    expect((await s.request('GET', '/health')).status).toBe(200);
  });
});
