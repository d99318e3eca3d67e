import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { scopeBit } from '../../src/core/auth/scopes.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * The many-record API over real HTTP, on every engine: POST /tables/{t}/bulk and
 * POST /db/{db}:{branch}/transaction — result shapes, atomicity (verified by reading back),
 * per-item errors, limits, version and createOnly conflicts, links within one request, races.
 */

type Res = Awaited<ReturnType<RunningStrata['request']>>;

const BRANCH = '/db/app:main';
const TX = `${BRANCH}/transaction`;
const GENERATED_ID = /^rec_[0-9a-v]{20}$/;
const META = { version: 0, createdAt: expect.any(String), updatedAt: expect.any(String) };

let tableCounter = 0;
/** A table name no other test uses. */
const uniqueTable = (prefix: string) => `${prefix}_${++tableCounter}`;

/** A failed transaction: 400 `{id, errors: [{index, message}]}`. */
function expectTxFailure(res: Res, errors: Array<{ index: number; message: string | RegExp }>): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toEqual({
    id: res.headers.get('x-request-id'),
    errors: errors.map((e) => ({ index: e.index, message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) })),
  });
}

/** A failed bulk insert: 400 `{id, errors: [{message, status}]}`. */
function expectBulkFailure(res: Res, errors: Array<{ message: string | RegExp; status: number }>): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toEqual({
    id: res.headers.get('x-request-id'),
    errors: errors.map((e) => ({ status: e.status, message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) })),
  });
}

describeEachEngine('bulk insert and transactions', (engine) => {
  let s: RunningStrata;
  /** Per test: fresh `teams` and `people` tables (people.team → teams, people.boss → people). */
  let teams: string;
  let people: string;
  const data = (table: string) => `${BRANCH}/tables/${table}/data`;
  const read = async (table: string, id: string) => (await s.request('GET', `${data(table)}/${id}`)).body;
  const exists = async (table: string, id: string) => (await s.request('GET', `${data(table)}/${id}`)).status === 200;
  const tx = (operations: unknown[]) => s.request('POST', TX, { operations });

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  async function freshTables(): Promise<void> {
    teams = uniqueTable('teams');
    people = uniqueTable('people');
    expect((await s.request('PUT', `${BRANCH}/tables/${teams}`, { columns: [{ name: 'name', type: 'string' }, { name: 'city', type: 'string' }] })).status).toBe(201);
    const columns = [
      { name: 'name', type: 'string', notNull: true, defaultValue: 'anonymous' },
      { name: 'age', type: 'int' },
      { name: 'email', type: 'email', unique: true },
      { name: 'team', type: 'link', link: { table: teams } },
    ];
    expect((await s.request('PUT', `${BRANCH}/tables/${people}`, { columns })).status).toBe(201);
    expect((await s.request('POST', `${BRANCH}/tables/${people}/columns`, { name: 'boss', type: 'link', link: { table: people } })).status).toBe(200);
  }

  // ---- bulk ----------------------------------------------------------------------------

  it('bulk without columns answers {recordIDs} in order; the records are written as POST /data writes them', async () => {
    await freshTables();
    const res = await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records: [{ name: 'Ann', age: 30 }, { id: 'bob', name: 'Bob' }, {}] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ recordIDs: [expect.stringMatching(GENERATED_ID), 'bob', expect.stringMatching(GENERATED_ID)] });
    const [ann, , third] = res.body.recordIDs as string[];
    expect(new Set(res.body.recordIDs).size).toBe(3);
    expect(await read(people, ann!)).toEqual({ id: ann, name: 'Ann', age: 30, xata: META });
    expect(await read(people, 'bob')).toEqual({ id: 'bob', name: 'Bob', xata: META });
    expect(await read(people, third!)).toEqual({ id: third, name: 'anonymous', xata: META }); // defaultValue applied
  });

  it('bulk with columns answers {records} in the Xata record format, projected', async () => {
    await freshTables();
    await s.request('PUT', `${data(teams)}/red`, { name: 'Red', city: 'Oslo' });
    const projected = await s.request('POST', `${BRANCH}/tables/${people}/bulk?columns=name,team.city`, { records: [{ id: 'p1', name: 'One', age: 1, team: 'red' }, { id: 'p2', name: 'Two' }] });
    expect(projected.status, JSON.stringify(projected.body)).toBe(200);
    expect(projected.body).toEqual({
      records: [
        { id: 'p1', xata: META, name: 'One', team: { id: 'red', xata: META, city: 'Oslo' } },
        { id: 'p2', xata: META, name: 'Two' },
      ],
    });
    const all = await s.request('POST', `${BRANCH}/tables/${people}/bulk?columns=*`, { records: [{ id: 'p3', name: 'Three', age: 3, team: 'red' }] });
    expect(all.body).toEqual({ records: [{ id: 'p3', xata: META, name: 'Three', age: 3, team: { id: 'red' } }] });
    expect(all.body.records[0]).toEqual(await read(people, 'p3'));
  });

  it('bulk: every bad record is reported (BulkError) and nothing is written', async () => {
    await freshTables();
    const res = await s.request('POST', `${BRANCH}/tables/${people}/bulk`, {
      records: [{ id: 'ok1', name: 'Fine' }, { id: 'bad1', age: 'old' }, { id: 'ok2' }, { id: 'bad3', nope: 1 }, 7, { id: 'bad5', age: { $increment: 1 } }],
    });
    expectBulkFailure(res, [
      { message: /^record 1: column \[age\]: /, status: 400 },
      { message: `record 3: column [nope] not found in table [${people}]`, status: 400 },
      { message: 'record 4: a record must be a JSON object', status: 400 },
      { message: /^record 5: column \[age\]: \$increment is only allowed when updating a record$/, status: 400 },
    ]);
    for (const id of ['ok1', 'bad1', 'ok2', 'bad3', 'bad5']) expect(await exists(people, id), id).toBe(false);
  });

  it('bulk: a record that fails while writing rolls back those before it (existing id 422, duplicate in the batch, unique, missing link)', async () => {
    await freshTables();
    await s.request('PUT', `${data(people)}/taken`, { name: 'Taken' });
    const cases: Array<[unknown[], number, string, number]> = [
      [[{ id: 'n1' }, { id: 'n2' }, { id: 'taken', name: 'Again' }], 2, 'record with ID [taken] already exists', 422],
      [[{ id: 'n1' }, { id: 'n1' }], 1, 'record with ID [n1] already exists', 422],
      [[{ id: 'n1', email: 'a@x.io' }, { id: 'n2', email: 'a@x.io' }], 1, 'column [email]: value is not unique', 422],
      [[{ id: 'n1' }, { id: 'n2', team: 'ghost' }], 1, `column [team]: record [ghost] not found in table [${teams}]`, 400],
    ];
    for (const [records, index, message, status] of cases) {
      expectBulkFailure(await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records }), [{ message: `record ${index}: ${message}`, status }]);
      expect(await exists(people, 'n1')).toBe(false);
      expect(await exists(people, 'n2')).toBe(false);
    }
    expect(await read(people, 'taken')).toMatchObject({ name: 'Taken', xata: { version: 0 } });
  });

  it('bulk: a record may link to one inserted before it in the same request, or to itself', async () => {
    await freshTables();
    const res = await s.request('POST', `${BRANCH}/tables/${people}/bulk?columns=boss.name`, { records: [{ id: 'ceo', name: 'Ceo', boss: 'ceo' }, { id: 'dev', name: 'Dev', boss: 'ceo' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.records).toEqual([
      { id: 'ceo', xata: META, boss: { id: 'ceo', xata: META, name: 'Ceo' } },
      { id: 'dev', xata: META, boss: { id: 'ceo', xata: META, name: 'Ceo' } },
    ]);
  });

  it('bulk limits: 1000 records pass, 1001 and 0 are 400', async () => {
    await freshTables();
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, age: i }));
    expectError(await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records: many(1001) }), 400, 'too many records: 1001 given, at most 1000 are allowed');
    expect(await exists(people, 'm0')).toBe(false);
    expectError(await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records: [] }), 400, 'records: at least one record is required');
    const ok = await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records: many(1000) });
    expect(ok.status).toBe(200);
    expect(ok.body.recordIDs).toEqual(many(1000).map((r) => r.id));
    expect(await read(people, 'm999')).toMatchObject({ age: 999 });
  });

  it('bulk: unknown table or database is 404, bad bodies are 400 {id, message}', async () => {
    await freshTables();
    expectError(await s.request('POST', `${BRANCH}/tables/nope/bulk`, { records: [{}] }), 404, 'table [nope] not found');
    expectError(await s.request('POST', '/db/ghost:main/tables/x/bulk', { records: [{}] }), 404, /database \[ghost\]/);
    const url = `${BRANCH}/tables/${people}/bulk`;
    for (const body of [undefined, '{"records": [', '[]', '{}', '{"records": {}}', '{"records": "x"}', 'null']) {
      expectError(await s.request('POST', url, body), 400);
    }
    expectError(await s.request('POST', `${url}?columns=nope`, { records: [{ id: 'c1' }] }), 400, `column [nope] not found in table [${people}]`);
    expect(await exists(people, 'c1')).toBe(false);
  });

  // ---- transactions --------------------------------------------------------------------

  it('the SDK\'s sequence: insert, update (ifVersion), get, delete of one id in one transaction', async () => {
    await freshTables();
    const res = await tx([
      { insert: { table: people, record: { id: 'tx1', name: 'Tx' }, createOnly: true } },
      { update: { table: people, id: 'tx1', fields: { age: 5 }, ifVersion: 0, upsert: false } },
      { get: { table: people, id: 'tx1', columns: ['name', 'age'] } },
      { delete: { table: people, id: 'tx1', failIfMissing: true } },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      results: [
        { operation: 'insert', id: 'tx1', rows: 1 },
        { operation: 'update', id: 'tx1', rows: 1, columns: {} },
        // A get answers exactly the fields asked: no id or xata unless named.
        { operation: 'get', columns: { name: 'Tx', age: 5 } },
        { operation: 'delete', rows: 1 },
      ],
    });
    expect(await exists(people, 'tx1')).toBe(false);
  });

  it('result shapes of every operation, with and without columns', async () => {
    await freshTables();
    await s.request('PUT', `${data(people)}/old`, { name: 'Old', age: 70 });
    const res = await tx([
      { insert: { table: people, record: { name: 'Generated' } } },
      { insert: { table: people, record: { id: 'i1', name: 'Explicit' } } },
      { insert: { table: people, record: { id: 'i2', name: 'Only' }, createOnly: true } },
      { insert: { table: people, record: { id: 'i3', name: 'Cols', age: 3 }, columns: ['age'] } },
      { update: { table: people, id: 'i1', fields: { age: 1 } } },
      { update: { table: people, id: 'i1', fields: { age: { $increment: 10 } }, columns: ['age'] } },
      { get: { table: people, id: 'i1' } },
      { get: { table: people, id: 'missing' } },
      { delete: { table: people, id: 'missing' } },
      { delete: { table: people, id: 'old', columns: ['name'] } },
      { delete: { table: people, id: 'i2' } },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const generated = res.body.results[0].id as string;
    expect(generated).toMatch(GENERATED_ID);
    expect(res.body.results).toEqual([
      { operation: 'insert', id: generated, rows: 1 },
      { operation: 'insert', id: 'i1', rows: 1, columns: {} },
      { operation: 'insert', id: 'i2', rows: 1 },
      { operation: 'insert', id: 'i3', rows: 1, columns: { id: 'i3', xata: META, age: 3 } },
      { operation: 'update', id: 'i1', rows: 1, columns: {} },
      { operation: 'update', id: 'i1', rows: 1, columns: { id: 'i1', xata: { ...META, version: 2 }, age: 11 } },
      { operation: 'get', columns: { id: 'i1', xata: { ...META, version: 2 }, name: 'Explicit', age: 11 } },
      { operation: 'get' },
      { operation: 'delete', rows: 0 },
      { operation: 'delete', rows: 1, columns: { id: 'old', xata: META, name: 'Old' } },
      { operation: 'delete', rows: 1 },
    ]);
    expect(await read(people, generated)).toEqual({ id: generated, name: 'Generated', xata: META });
    expect(await read(people, 'i1')).toEqual({ id: 'i1', name: 'Explicit', age: 11, xata: { ...META, version: 2 } });
    expect(await read(people, 'i3')).toEqual({ id: 'i3', name: 'Cols', age: 3, xata: META });
    expect(await exists(people, 'old')).toBe(false);
    expect(await exists(people, 'i2')).toBe(false);
  });

  it('insert with an existing id replaces it unless createOnly; ifVersion guards the replace', async () => {
    await freshTables();
    await s.request('PUT', `${data(people)}/r1`, { name: 'First', age: 1, email: 'r1@x.io' });
    const replaced = await tx([{ insert: { table: people, record: { id: 'r1', name: 'Second' }, createOnly: false, ifVersion: 0 } }]);
    expect(replaced.body).toEqual({ results: [{ operation: 'insert', id: 'r1', rows: 1, columns: {} }] });
    // A replace nulls what it does not name (the notNull name falls back to its default).
    expect(await read(people, 'r1')).toEqual({ id: 'r1', name: 'Second', xata: { ...META, version: 1 } });

    expectTxFailure(await tx([{ insert: { table: people, record: { id: 'r1', name: 'Stale' }, ifVersion: 0 } }]),
      [{ index: 0, message: 'record [r1]: version mismatch, expected 0 but the record is at 1' }]);
    expectTxFailure(await tx([{ insert: { table: people, record: { id: 'r1', name: 'Dup' }, createOnly: true } }]),
      [{ index: 0, message: 'record with ID [r1] already exists' }]);
    expect(await read(people, 'r1')).toEqual({ id: 'r1', name: 'Second', xata: { ...META, version: 1 } });
  });

  it('update: missing record fails unless upsert; upsert creates then merges; ifVersion mismatch fails', async () => {
    await freshTables();
    expectTxFailure(await tx([{ update: { table: people, id: 'u1', fields: { age: 1 } } }]), [{ index: 0, message: 'record [u1] not found' }]);
    expectTxFailure(await tx([{ update: { table: people, id: 'u1', fields: { age: 1 }, upsert: false } }]), [{ index: 0, message: 'record [u1] not found' }]);
    expect(await exists(people, 'u1')).toBe(false);

    const created = await tx([
      { update: { table: people, id: 'u1', fields: { name: 'Up', age: { $increment: 2 } }, upsert: true } },
      { update: { table: people, id: 'u1', fields: { age: { $increment: 3 } }, upsert: true, ifVersion: 0 } },
    ]);
    expect(created.body).toEqual({ results: [{ operation: 'update', id: 'u1', rows: 1, columns: {} }, { operation: 'update', id: 'u1', rows: 1, columns: {} }] });
    expect(await read(people, 'u1')).toEqual({ id: 'u1', name: 'Up', age: 5, xata: { ...META, version: 1 } });

    expectTxFailure(await tx([{ update: { table: people, id: 'u1', fields: { age: 0 }, ifVersion: 0 } }]),
      [{ index: 0, message: 'record [u1]: version mismatch, expected 0 but the record is at 1' }]);
    expect(await read(people, 'u1')).toMatchObject({ age: 5, xata: { version: 1 } });
  });

  it('atomicity: a failure at index 3 leaves nothing of operations 0–2 (inserts, updates, deletes)', async () => {
    await freshTables();
    await s.request('PUT', `${data(people)}/keep`, { name: 'Keep', age: 1 });
    await s.request('PUT', `${data(people)}/stay`, { name: 'Stay' });
    await s.request('PUT', `${data(teams)}/t0`, { name: 'Team' });
    const before = { keep: await read(people, 'keep'), stay: await read(people, 'stay') };
    const res = await tx([
      { insert: { table: teams, record: { id: 'new-team', name: 'New' } } },
      { update: { table: people, id: 'keep', fields: { age: 99, team: 'new-team' } } },
      { delete: { table: people, id: 'stay' } },
      { insert: { table: people, record: { id: 'keep', name: 'Clash' }, createOnly: true } },
      { insert: { table: people, record: { id: 'never', name: 'Never' } } },
    ]);
    expectTxFailure(res, [{ index: 3, message: 'record with ID [keep] already exists' }]);
    expect(await exists(teams, 'new-team')).toBe(false);
    expect(await read(people, 'keep')).toEqual(before.keep);
    expect(await read(people, 'stay')).toEqual(before.stay);
    expect(await exists(people, 'never')).toBe(false);
  });

  it('every invalid operation is reported with its index, and nothing runs', async () => {
    await freshTables();
    const res = await tx([
      { insert: { table: people, record: { id: 'valid', name: 'Valid' } } },
      { insert: { table: 'nope', record: {} } },
      { update: { table: people, id: 'x', fields: { nope: 1 } } },
      { delete: { table: people } },
      { get: { table: people, id: 'has space' } },
      { upsert: { table: people } },
      { insert: { table: people, record: { age: 'x' } }, update: {} },
      { insert: { table: people, record: { age: { $increment: 1 } } } },
      { update: { table: people, id: 'x', fields: {}, ifVersion: -1 } },
      { get: { table: people, id: 'x', columns: ['nope'] } },
      { insert: { table: people, record: {}, createonly: true } },
      { update: { table: people, id: 'x', fields: { id: 'y' } } },
      'insert',
    ]);
    expectTxFailure(res, [
      { index: 1, message: 'table [nope] not found' },
      { index: 2, message: `column [nope] not found in table [${people}]` },
      { index: 3, message: 'delete: id is required (a non-empty string)' },
      { index: 4, message: /^invalid record id \[has space\]/ },
      { index: 5, message: 'an operation is an object with exactly one of insert, update, delete, get' },
      { index: 6, message: 'an operation is an object with exactly one of insert, update, delete, get' },
      { index: 7, message: 'column [age]: $increment is only allowed when updating a record' },
      { index: 8, message: 'update: ifVersion must be a non-negative integer' },
      { index: 9, message: `column [nope] not found in table [${people}]` },
      { index: 10, message: 'insert: unknown field [createonly]' },
      { index: 11, message: 'the id in the body [y] does not match the id in the path [x]' },
      { index: 12, message: 'an operation is an object with exactly one of insert, update, delete, get' },
    ]);
    expect(await exists(people, 'valid')).toBe(false);
  });

  it('operations span tables and link to records inserted earlier in the same transaction', async () => {
    await freshTables();
    const res = await tx([
      { insert: { table: teams, record: { id: 'blue', name: 'Blue', city: 'Lima' } } },
      { insert: { table: people, record: { id: 'ann', name: 'Ann', team: 'blue' } } },
      { insert: { table: people, record: { id: 'ben', name: 'Ben', boss: 'ann', team: 'blue' }, columns: ['team.city', 'boss.name'] } },
      { get: { table: people, id: 'ann', columns: ['team.*'] } },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results[2]).toEqual({
      operation: 'insert', id: 'ben', rows: 1,
      columns: { id: 'ben', xata: META, team: { id: 'blue', xata: META, city: 'Lima' }, boss: { id: 'ann', xata: META, name: 'Ann' } },
    });
    expect(res.body.results[3]).toEqual({ operation: 'get', columns: { team: { id: 'blue', name: 'Blue', city: 'Lima' } } });
    expect(await read(people, 'ben')).toEqual({ id: 'ben', name: 'Ben', boss: { id: 'ann' }, team: { id: 'blue' }, xata: META });

    // A link to a record that does not exist (yet) fails; deleting a target nulls the links to it.
    expectTxFailure(await tx([
      { insert: { table: people, record: { id: 'cat', team: 'later' } } },
      { insert: { table: teams, record: { id: 'later' } } },
    ]), [{ index: 0, message: `column [team]: record [later] not found in table [${teams}]` }]);
    const removed = await tx([{ delete: { table: teams, id: 'blue' } }, { get: { table: people, id: 'ben', columns: ['team', 'boss'] } }]);
    expect(removed.body.results).toEqual([{ operation: 'delete', rows: 1 }, { operation: 'get', columns: { boss: { id: 'ann', name: 'Ann' } } }]);
    expect(await read(people, 'ann')).toEqual({ id: 'ann', name: 'Ann', xata: { ...META, version: 0 } });
  });

  it('delete with failIfMissing fails the transaction when the record does not exist', async () => {
    await freshTables();
    expectTxFailure(await tx([
      { insert: { table: people, record: { id: 'd1' } } },
      { delete: { table: people, id: 'd0', failIfMissing: true } },
    ]), [{ index: 1, message: `table [${people}]: no rows deleted` }]);
    expect(await exists(people, 'd1')).toBe(false);
  });

  it('a unique or notNull violation at run time is reported against its operation', async () => {
    await freshTables();
    await s.request('PUT', `${data(people)}/a`, { email: 'a@x.io' });
    expectTxFailure(await tx([
      { insert: { table: people, record: { id: 'b' } } },
      { update: { table: people, id: 'b', fields: { email: 'a@x.io' } } },
    ]), [{ index: 1, message: 'column [email]: value is not unique' }]);
    expectTxFailure(await tx([{ update: { table: people, id: 'a', fields: { name: null } } }]), [{ index: 0, message: 'column [name]: value is required (the column is notNull)' }]);
    expect(await exists(people, 'b')).toBe(false);
  });

  it('transaction limits: 1001 operations are 400, no operations is an empty result', async () => {
    await freshTables();
    const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ insert: { table: people, record: { id: `l${i}` } } }));
    expectError(await tx(ops(1001)), 400, 'too many operations: 1001 given, at most 1000 are allowed');
    expect(await exists(people, 'l0')).toBe(false);
    expect((await tx([])).body).toEqual({ results: [] });
    const full = await tx(ops(1000));
    expect(full.status).toBe(200);
    expect(full.body.results).toHaveLength(1000);
    expect(full.body.results[999]).toEqual({ operation: 'insert', id: 'l999', rows: 1, columns: {} });
  });

  it('transaction: unknown database is 404, bad bodies are 400 {id, message}', async () => {
    expectError(await s.request('POST', '/db/ghost:main/transaction', { operations: [] }), 404, /database \[ghost\]/);
    expectError(await s.request('POST', '/db/app:ghost/transaction', { operations: [] }), 404, 'branch [app:ghost] not found');
    for (const body of [undefined, '{"operations": [', '[]', '{}', '{"operations": {}}', '{"operations": "x"}', 'null', '"text"']) {
      expectError(await s.request('POST', TX, body), 400);
    }
  });

  it('scopes: bulk needs content:create only; a transaction needs content:read and, per operation, its endpoint\'s scope', async () => {
    await freshTables();
    const token = async (...actions: Array<'create' | 'read' | 'update' | 'delete'>) =>
      ({ authorization: `Bearer ${await s.createToken(actions.reduce((bits, a) => bits | scopeBit('content', a), 0))}` });
    const asCreator = await token('create');
    const bulk = await s.request('POST', `${BRANCH}/tables/${people}/bulk`, { records: [{ id: 's1' }] }, asCreator);
    expect(bulk.body).toEqual({ recordIDs: ['s1'] });
    expectError(await s.request('POST', TX, { operations: [] }, asCreator), 403, 'this token lacks the content:read scope');
    // create + read: inserts and gets run (as the SDK's create([...]) needs); an update or delete is refused up front, nothing written.
    const creatorReader = await token('create', 'read');
    const ok = await s.request('POST', TX, { operations: [{ insert: { table: people, record: { id: 's2' } } }, { get: { table: people, id: 's2', columns: ['id'] } }] }, creatorReader);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const refused = await s.request('POST', TX, { operations: [{ insert: { table: people, record: { id: 's3' } } }, { delete: { table: people, id: 's1' } }] }, creatorReader);
    expectError(refused, 403, 'operation 1 (delete) needs the content:delete scope, which this token lacks');
    expect((await s.request('GET', `${BRANCH}/tables/${people}/data/s3`)).status).toBe(404);
    const updater = await token('read', 'update');
    expectError(await s.request('POST', TX, { operations: [{ update: { table: people, id: 's1', fields: { age: 1 }, upsert: true } }] }, updater), 403, 'operation 0 (update) needs the content:create scope, which this token lacks');
    const updated = await s.request('POST', TX, { operations: [{ update: { table: people, id: 's1', fields: { age: 1 } } }] }, updater);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expectError(await s.request('POST', TX, { operations: [{ get: { table: people, id: 's1' } }, { insert: { table: people, record: {} } }] }, await token('read', 'update', 'delete')), 403, /operation 1 \(insert\) needs the content:create scope/);
  });

  it('concurrent transactions racing to create the same id: one wins, the others fail at that index', async () => {
    await freshTables();
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => tx([
      { insert: { table: teams, record: { id: `side-${i}` } } },
      { insert: { table: people, record: { id: 'race', age: i }, createOnly: true } },
    ])));
    const won = attempts.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of attempts.filter((r) => r.status !== 200)) expectTxFailure(lost, [{ index: 1, message: 'record with ID [race] already exists' }]);
    const winner = attempts.indexOf(won[0]!);
    expect(await read(people, 'race')).toMatchObject({ age: winner });
    for (let i = 0; i < 6; i++) expect(await exists(teams, `side-${i}`)).toBe(i === winner);
  });

  it('concurrent upserts of a new id with $increment all succeed and add up', async () => {
    await freshTables();
    const results = await Promise.all(Array.from({ length: 10 }, () => tx([
      { update: { table: people, id: 'counter', fields: { age: { $increment: 1 } }, upsert: true } },
    ])));
    for (const res of results) expect(res.body).toEqual({ results: [{ operation: 'update', id: 'counter', rows: 1, columns: {} }] });
    expect(await read(people, 'counter')).toMatchObject({ age: 10, xata: { version: 9 } });
  });
});
