import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * Branches as Xano's CLI drives them (xano-inc/cli src/commands/branch/{list,get,create,edit,delete,set_live}/index.ts):
 * `POST …/branch {label, source_branch, description?, color?}`, `PUT …/branch/{label} {label?, description?, color?}`,
 * `DELETE …/branch/{label}`, `POST …/branch/{label}/live` (no body), and `?branch=<label>` on
 * table calls (kobylinski/xano-cli src/lib/api/tables.ts). v1 is branch main with its data
 * sources; another branch is a Strata branch of its own, a copy of its source's schema.
 */
const XANO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/;
const branch = (label: string, extra: Record<string, unknown> = {}) => ({ created_at: expect.stringMatching(XANO_TIME), label, live: false, backup: false, description: '', color: '#ebc346', ...extra });

describeEachEngine('Metadata API: branches', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'branchy' })).id;
    await api.ok('POST', `/workspace/${ws}/table`, { name: 'posts', schema: [{ name: 'title', type: 'text' }] });
  });
  afterAll(async () => { await s?.close(); });

  const tables = async (query: string) => (await api.ok('GET', `/workspace/${ws}/table${query}`)).items.map((t: { name: string }) => t.name);

  it('create, read, edit, set live and delete, as the CLI does; the workspace reports the live branch', async () => {
    const steps: Array<{ name: string; method: string; path: string; body?: unknown; answer: unknown }> = [
      { name: 'list', method: 'GET', path: '/branch', answer: [branch('v1', { live: true })] },
      { name: 'create', method: 'POST', path: '/branch', body: { label: 'dev', source_branch: 'v1', description: 'Work', color: '#ff0000' }, answer: branch('dev', { description: 'Work', color: '#ff0000' }) },
      { name: 'get', method: 'GET', path: '/branch/dev', answer: branch('dev', { description: 'Work', color: '#ff0000' }) },
      { name: 'edit', method: 'PUT', path: '/branch/dev', body: { label: 'development', description: 'Renamed' }, answer: branch('development', { description: 'Renamed', color: '#ff0000' }) },
      { name: 'set live', method: 'POST', path: '/branch/development/live', answer: branch('development', { live: true, description: 'Renamed', color: '#ff0000' }) },
      { name: 'list after', method: 'GET', path: '/branch', answer: [branch('v1'), branch('development', { live: true, description: 'Renamed', color: '#ff0000' })] },
    ];
    for (const step of steps) expect(await api.ok(step.method, `/workspace/${ws}${step.path}`, step.body), step.name).toEqual(step.answer);
    expect(await api.ok('GET', `/workspace/${ws}`)).toMatchObject({ branch: 'development' });
    // The live branch cannot be deleted; v1 never.
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/branch/development`), 400, 'branch_label');
    await api.ok('POST', `/workspace/${ws}/branch/v1/live`);
    expectXanoError(await api.call('DELETE', `/workspace/${ws}/branch/v1`), 400, 'branch_label');
    expect(await api.ok('DELETE', `/workspace/${ws}/branch/development`)).toEqual({});
    expect(await api.ok('GET', `/workspace/${ws}/branch`)).toEqual([branch('v1', { live: true })]);
    expect(await api.ok('GET', `/workspace/${ws}`)).toMatchObject({ branch: 'v1' });
  });

  it('a branch starts with its source\'s schema and no records; ?branch= picks it; it is not a data source', async () => {
    await api.ok('POST', `/workspace/${ws}/branch`, { label: 'feature', source_branch: 'v1' });
    const postsId = (await api.ok('GET', `/workspace/${ws}/table?branch=feature`)).items[0].id;
    await api.ok('POST', `/workspace/${ws}/table?branch=feature`, { name: 'drafts' });
    expect(await tables('?branch=feature')).toEqual(['drafts', 'posts']);
    expect(await tables('?branch=v1')).toEqual(['posts']);
    expect(await tables('?branch=')).toEqual(['posts']); // empty: the live branch
    expect((await api.ok('GET', `/workspace/${ws}/table/${postsId}/content?branch=feature`)).items).toEqual([]);
    expect((await api.ok('GET', `/workspace/${ws}/datasource`)).map((d: { label: string }) => d.label)).toEqual(['live']);
    expectXanoError(await api.call('GET', `/workspace/${ws}/table`, undefined, { 'x-data-source': 'xano~feature' }), 404, 'x-data-source');
    // Setting it live makes it the default for calls without ?branch.
    await api.ok('POST', `/workspace/${ws}/branch/feature/live`);
    expect(await tables('')).toEqual(['drafts', 'posts']);
    await api.ok('POST', `/workspace/${ws}/branch/v1/live`);
    expect(await tables('')).toEqual(['posts']);
  });

  it('refuses what it cannot do, in the envelope', async () => {
    const refused: Array<{ method: string; path: string; body?: unknown; status: number; param?: string }> = [
      { method: 'GET', path: '/branch/ghost', status: 404 },
      { method: 'POST', path: '/branch', body: { label: 'v1' }, status: 400, param: 'label' },
      { method: 'POST', path: '/branch', body: { label: 'bad label' }, status: 400, param: 'label' },
      { method: 'POST', path: '/branch', body: { label: 'x', source_branch: 'ghost' }, status: 404 },
      { method: 'POST', path: '/branch', body: {}, status: 400, param: 'label' },
      { method: 'PUT', path: '/branch/v1', body: { label: 'main' }, status: 400, param: 'branch_label' },
      { method: 'DELETE', path: '/branch/ghost', status: 404 },
      { method: 'POST', path: '/branch/ghost/live', status: 404 },
      { method: 'GET', path: '/table?branch=ghost', status: 404 },
    ];
    for (const r of refused) expectXanoError(await api.call(r.method, `/workspace/${ws}${r.path}`, r.body), r.status, r.param);
    await api.ok('POST', `/workspace/${ws}/branch`, { label: 'solo' });
    await api.ok('POST', `/workspace/${ws}/datasource`, { label: 'test' });
    // Data sources are v1's: another branch has only its own data.
    expectXanoError(await api.call('GET', `/workspace/${ws}/table?branch=solo`, undefined, { 'x-data-source': 'test' }), 400, 'x-data-source');
    expect((await api.call('GET', `/workspace/${ws}/table?branch=v1`, undefined, { 'x-data-source': 'test' })).status).toBe(200);
  });
});
