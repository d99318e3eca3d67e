import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * `PUT …/table/{t}/schema` as the tools send it: the community CLI's `replaceSchema`
 * (kobylinski/xano-cli src/lib/api/tables.ts) PUTs `{schema}` with descriptors typed in its
 * src/lib/types.ts `XanoTableSchema` — `tableref_id` on `int`, `validators: {trim, lower}`,
 * `values: [{label?, value}]` — the 2026 descriptor (xano-swagger/2026/table.json).
 * Nothing it sends may be silently dropped or reordered.
 */
const column = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name, type, description: '', nullable: true, default: '', required: false, access: 'public', sensitive: false, style: 'single', ...extra,
});
const ID = column('id', 'int', { nullable: false, required: true });

describeEachEngine('Metadata API: PUT …/schema keeps what tools send', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    ws = (await api.ok('POST', '/workspace', { name: 'tools' })).id;
  });
  afterAll(async () => { await s?.close(); });

  const table = async (name: string, schema?: unknown[]) => (await api.ok('POST', `/workspace/${ws}/table`, { name, ...(schema ? { schema } : {}) })).id as number;
  const put = (id: number, schema: unknown[]) => api.ok('PUT', `/workspace/${ws}/table/${id}/schema`, { schema });
  const schemaOf = (id: number) => api.ok('GET', `/workspace/${ws}/table/${id}/schema`);
  const names = (descriptors: Array<{ name: string }>) => descriptors.map((c) => c.name);
  const content = (id: number, body: unknown) => api.call('POST', `/workspace/${ws}/table/${id}/content`, body);

  it('keeps the order it is given, in the answer and every later read, without touching the data', async () => {
    const id = await table('ordered', [{ name: 'a', type: 'text' }, { name: 'b', type: 'int' }, { name: 'c', type: 'bool' }]);
    expect((await content(id, { a: 'x', b: 2, c: true })).status).toBe(200);
    const scenarios: Array<{ sent: string[]; read: string[] }> = [
      { sent: ['c', 'a', 'b', 'd'], read: ['id', 'c', 'a', 'b', 'd'] },
      { sent: ['d', 'b', 'c', 'a'], read: ['id', 'd', 'b', 'c', 'a'] },
    ];
    const types: Record<string, string> = { a: 'text', b: 'int', c: 'bool', d: 'decimal' };
    for (const { sent, read } of scenarios) {
      const answer = await put(id, [ID, ...sent.map((n) => column(n, types[n]!))]);
      expect(names(answer)).toEqual(read);
      expect(names(await schemaOf(id))).toEqual(read);
    }
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}/content/1`)).toMatchObject({ a: 'x', b: 2, c: true });
    // A renamed column keeps its place; a column added later comes last.
    await api.ok('POST', `/workspace/${ws}/table/${id}/schema/rename`, { old_name: 'b', new_name: 'bee' });
    await api.ok('POST', `/workspace/${ws}/table/${id}/schema/type/text`, { name: 'e' });
    expect(names(await schemaOf(id))).toEqual(['id', 'd', 'bee', 'c', 'a', 'e']);
  });

  it('an int with tableref_id is a reference: stored as a link, answered as int + tableref_id', async () => {
    const target = await table('owners', [{ name: 'name', type: 'text' }]);
    expect((await content(target, { name: 'o' })).status).toBe(200);
    const id = await table('owned');
    const answer = await put(id, [ID, column('owner', 'int', { tableref_id: target })]);
    expect(answer[1]).toEqual(column('owner', 'int', { tableref_id: target }));
    expect(await api.ok('GET', `/workspace/${ws}/table/${id}/schema/owner`)).toEqual(column('owner', 'int', { tableref_id: target }));
    const columns = (await s.request('GET', '/db/tools:main/tables/owned/schema')).body.columns;
    expect(columns).toContainEqual({ name: 'owner', type: 'link', link: { table: 'owners' } });
    expect((await content(id, { owner: 1 })).status).toBe(200);
    expectXanoError(await content(id, { owner: 999 }), 400);
    // GET → PUT is an identity: no migration.
    const migrations = async () => (await s.request('GET', '/db/tools:main/migrations')).body.migrations.length as number;
    const before = await migrations();
    await put(id, await schemaOf(id));
    expect(await migrations()).toBe(before);
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: [ID, column('owner', 'int', { tableref_id: 999 })] }), 400, 'schema.1.tableref_id');
  });

  it('validators (trim, lower) are stored, answered and applied on every write path', async () => {
    const id = await table('handles');
    const answer = await put(id, [ID, column('handle', 'text', { validators: { trim: true, lower: true } }), column('mail', 'email', { validators: { trim: true, lower: true } })]);
    expect(answer[1]).toEqual(column('handle', 'text', { validators: { trim: true, lower: true } }));
    expect(answer[2]).toMatchObject({ validators: { trim: true, lower: true } });
    const writes: Array<{ name: string; run: () => Promise<{ handle: string }> }> = [
      { name: 'content POST', run: async () => { const r = await content(id, { handle: '  MiXed ', mail: ' A@B.CO ' }); expect(r.status, JSON.stringify(r.body)).toBe(200); return r.body; } },
      { name: 'content PUT', run: async () => (await api.call('PUT', `/workspace/${ws}/table/${id}/content/1`, { handle: ' UPD ' })).body },
      { name: 'content bulk', run: async () => {
        const ids = (await api.call('POST', `/workspace/${ws}/table/${id}/content/bulk`, { items: [{ handle: ' BULK ' }] })).body;
        return (await api.call('GET', `/workspace/${ws}/table/${id}/content/${ids[0]}`)).body;
      } },
      { name: 'data API insert', run: async () => (await s.request('POST', '/db/tools:main/tables/handles/data?columns=handle', { handle: ' DATA ' })).body },
    ];
    const expected = ['mixed', 'upd', 'bulk', 'data'];
    for (const [i, write] of writes.entries()) expect((await write.run()).handle, write.name).toBe(expected[i]);
    expect((await api.ok('GET', `/workspace/${ws}/table/${id}/content/1`)).mail).toBe('a@b.co');
  });

  it('validators a column cannot apply are refused, naming the field', async () => {
    const id = await table('refusals');
    const refused: Array<{ sent: Record<string, unknown>; param: string }> = [
      { sent: column('n', 'int', { validators: { trim: true } }), param: 'schema.1.validators' },
      { sent: column('t', 'text', { validators: { upper: true } }), param: 'schema.1.validators.upper' },
      { sent: column('t', 'text', { validators: { trim: 'yes' } }), param: 'schema.1.validators.trim' },
    ];
    for (const { sent, param } of refused) expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: [ID, sent] }), 400, param);
    // Off (false or null) is accepted on any column and answered as sent.
    const answer = await put(id, [ID, column('n', 'int', { validators: { trim: false, lower: false } }), column('m', 'int', { validators: null })]);
    expect(answer[1]).toMatchObject({ validators: { trim: false, lower: false } });
    expect(answer[2]).not.toHaveProperty('validators');
  });

  it('enum values given as {value, label} keep their labels; the value is what records hold', async () => {
    const id = await table('stages');
    const values = [{ value: 'todo', label: 'To do' }, { value: 'done', label: 'Done' }, { value: 'later' }];
    const answer = await put(id, [ID, column('stage', 'enum', { values }), column('plain', 'enum', { values: [{ value: 'x' }, { value: 'y' }] })]);
    expect(answer[1]).toEqual(column('stage', 'enum', { values }));
    // Values without any label answer as the strings POST …/type/enum takes.
    expect(answer[2]).toEqual(column('plain', 'enum', { values: ['x', 'y'] }));
    expect((await schemaOf(id))[1]).toEqual(column('stage', 'enum', { values }));
    expect((await content(id, { stage: 'todo' })).status).toBe(200);
    expectXanoError(await content(id, { stage: 'To do' }), 400);
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${id}/schema`, { schema: [ID, column('stage', 'enum', { values: [{ value: 'a', label: 7 }] })] }), 400, 'schema.1.values');
  });
});
