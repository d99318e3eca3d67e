import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * `PUT /workspace/{id}` as Xano's CLI `workspace edit` sends it (xano-inc/cli
 * src/commands/workspace/edit/index.ts): only the flags given — `name`, `description`,
 * `swagger`, `documentation: {require_token}` — and it prints `swagger` and
 * `documentation.require_token` from the answer. The full workspace object carries both
 * (xano-swagger/2026/workspace.json, the workspace `import` answer).
 */
describeEachEngine('Metadata API: workspace settings tools edit', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'edited', description: 'd' })).id;
  });
  afterAll(async () => { await s?.close(); });

  it('stores swagger and documentation.require_token, answers them on PUT and every later read', async () => {
    const steps: Array<{ sent: Record<string, unknown>; swagger: boolean; requireToken: boolean }> = [
      { sent: { swagger: false }, swagger: false, requireToken: false },
      { sent: { documentation: { require_token: true } }, swagger: false, requireToken: true },
      { sent: { name: 'edited2' }, swagger: false, requireToken: true },
      { sent: { swagger: true, documentation: { require_token: false } }, swagger: true, requireToken: false },
    ];
    for (const { sent, swagger, requireToken } of steps) {
      const shape = { id: ws, description: 'd', branch: 'v1', swagger, documentation: { require_token: requireToken } };
      expect(await api.ok('PUT', `/workspace/${ws}`, sent), JSON.stringify(sent)).toMatchObject(shape);
      expect(await api.ok('GET', `/workspace/${ws}`)).toMatchObject(shape);
      expect((await api.ok('GET', '/workspace')).find((w: { id: number }) => w.id === ws)).toMatchObject(shape);
    }
  });

  it('refuses what it cannot keep, in the envelope, and changes nothing', async () => {
    const before = await api.ok('GET', `/workspace/${ws}`);
    const refused: Array<{ sent: Record<string, unknown>; param: string }> = [
      { sent: { swagger: 'yes' }, param: 'swagger' },
      { sent: { documentation: { require_token: 'no' } }, param: 'documentation.require_token' },
      { sent: { documentation: { token: 'abc' } }, param: 'documentation' },
    ];
    for (const { sent, param } of refused) expectXanoError(await api.call('PUT', `/workspace/${ws}`, sent), 400, param);
    expect(await api.ok('GET', `/workspace/${ws}`)).toEqual(before);
  });
});
