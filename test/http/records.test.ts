import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { isDeepStrictEqual } from 'node:util';
import { scopeBit } from '../../src/core/auth/scopes.js';
import { WRITE_STATEMENTS_KEPT, keptWriteStatements } from '../../src/storage/branch-sql.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * The single-record API over real HTTP, on every engine:
 * POST /data, GET|PUT|PATCH|POST|DELETE /data/{id}, every column type, projections,
 * numeric operators and every error the contract names.
 */


const DB = 'app';
const BRANCH = `/db/${DB}:main`;
const GENERATED_ID = /^rec_[0-9a-v]{20}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let tableCounter = 0;
/** A table name no other test uses. */
const uniqueTable = (prefix: string) => `${prefix}_${++tableCounter}`;

async function startWithDatabase(engine: Parameters<typeof startStrata>[0], options?: Parameters<typeof startStrata>[1]): Promise<RunningStrata> {
  const s = await startStrata(engine, options);
  const db = await s.request('PUT', `/workspaces/local/dbs/${DB}`, { region: 'local' });
  expect(db.status).toBe(201);
  return s;
}

/** Creates a table in app:main and returns its `/data` path. */
async function createTable(s: RunningStrata, name: string, columns: unknown[]): Promise<string> {
  const res = await s.request('PUT', `${BRANCH}/tables/${name}`, { columns });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return `${BRANCH}/tables/${name}/data`;
}

function expectMeta(record: any, version: number): void {
  expect(record.xata).toEqual({ version, createdAt: expect.stringMatching(RFC3339), updatedAt: expect.stringMatching(RFC3339) });
  expect(Number.isNaN(Date.parse(record.xata.createdAt))).toBe(false);
}

/**
 * Matches a json column as the Xata API returns it: JSON text (the SDK JSON.parse()s it)
 * holding this value. Key order is not compared (PostgreSQL's jsonb reorders keys).
 */
const jsonText = (value: unknown) => ({
  asymmetricMatch: (actual: unknown) => typeof actual === 'string' && isDeepStrictEqual(JSON.parse(actual), value),
  toString: () => 'jsonText',
  toAsymmetricMatcher: () => `jsonText(${JSON.stringify(value)})`,
});

/** Record keys other than id/xata. */
const userKeys = (record: Record<string, unknown>) => Object.keys(record).filter((k) => k !== 'id' && k !== 'xata').sort();

describeEachEngine('records: single-record lifecycle', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startWithDatabase(engine); });
  afterAll(async () => { await s?.close(); });

  const people = [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'email', type: 'email' }];

  it('POST /data creates a record with a generated id, version 0 and RFC 3339 timestamps', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const before = Date.now();
    const created = await s.request('POST', data, { name: 'Alice', age: 30 });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toMatch(/^req_/);
    expect(created.body.id).toMatch(GENERATED_ID);
    expect(userKeys(created.body)).toEqual(['age', 'name']);
    expect(created.body).toMatchObject({ name: 'Alice', age: 30 });
    expectMeta(created.body, 0);
    expect(created.body.xata.createdAt).toBe(created.body.xata.updatedAt);
    expect(Date.parse(created.body.xata.createdAt)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(created.body.xata.createdAt)).toBeLessThanOrEqual(Date.now() + 5);

    const read = await s.request('GET', `${data}/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const second = await s.request('POST', data, { name: 'Bob' });
    expect(second.status).toBe(201);
    expect(second.body.id).toMatch(GENERATED_ID);
    expect(second.body.id).not.toBe(created.body.id);
  });

  it('POST /data honours an id in the body and answers 422 when it already exists', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('POST', data, { id: 'alice', name: 'Alice' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'alice', name: 'Alice', xata: { version: 0 } });

    const again = await s.request('POST', data, { id: 'alice', name: 'Other' });
    expectError(again, 422, 'record with ID [alice] already exists');
    const read = await s.request('GET', `${data}/alice`);
    expect(read.body).toEqual(created.body);

    expectError(await s.request('POST', data, { id: 'has space', name: 'x' }), 400, /invalid record id/);
    expectError(await s.request('POST', data, { id: 'x'.repeat(256), name: 'x' }), 400, /invalid record id/);
    const withNullId = await s.request('POST', data, { id: null, name: 'Generated' });
    expect(withNullId.status).toBe(201);
    expect(withNullId.body.id).toMatch(GENERATED_ID);
  });

  it('GET of a missing record is 404', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    expectError(await s.request('GET', `${data}/nope`), 404, 'record [nope] not found');
  });

  it('PUT creates (201), then replaces (200): unspecified columns become null, version +1, createdAt kept', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('PUT', `${data}/bob`, { name: 'Bob', age: 40, email: 'bob@example.com' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'bob', name: 'Bob', age: 40, email: 'bob@example.com', xata: expect.anything() });
    expectMeta(created.body, 0);

    await new Promise((r) => setTimeout(r, 5));
    const replaced = await s.request('PUT', `${data}/bob`, { name: 'Robert' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id: 'bob', name: 'Robert', xata: expect.anything() });
    expectMeta(replaced.body, 1);
    expect(replaced.body.xata.createdAt).toBe(created.body.xata.createdAt);
    expect(Date.parse(replaced.body.xata.updatedAt)).toBeGreaterThan(Date.parse(created.body.xata.updatedAt));

    const read = await s.request('GET', `${data}/bob`);
    expect(read.body).toEqual(replaced.body);

    const createOnlyFalse = await s.request('PUT', `${data}/bob?createOnly=false`, { age: 1 });
    expect(createOnlyFalse.status).toBe(200);
    expect(createOnlyFalse.body).toEqual({ id: 'bob', age: 1, xata: expect.objectContaining({ version: 2 }) });
  });

  it('PUT ?createOnly=true creates a new record but refuses to replace one (422, unchanged)', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('PUT', `${data}/carol?createOnly=true`, { name: 'Carol' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'carol', name: 'Carol', xata: { version: 0 } });
    const conflict = await s.request('PUT', `${data}/carol?createOnly=true`, { name: 'Carol again' });
    expectError(conflict, 422, 'record with ID [carol] already exists');
    expect((await s.request('GET', `${data}/carol`)).body).toEqual(created.body);
  });

  it('PUT ?ifVersion: mismatch is 422 and changes nothing, a match replaces', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('PUT', `${data}/dave`, { name: 'Dave', age: 1 });
    expectError(await s.request('PUT', `${data}/dave?ifVersion=3`, { name: 'Nope' }), 422, /version mismatch/);
    expect((await s.request('GET', `${data}/dave`)).body).toEqual(created.body);
    const ok = await s.request('PUT', `${data}/dave?ifVersion=0`, { name: 'David' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: 'dave', name: 'David', xata: expect.objectContaining({ version: 1 }) });
    expectError(await s.request('PUT', `${data}/dave?ifVersion=0`, { name: 'Stale' }), 422, /version mismatch/);
  });

  it('PUT with a body id different from the path id is 400', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    expectError(await s.request('PUT', `${data}/erin`, { id: 'other', name: 'Erin' }), 400, /does not match/);
    expectError(await s.request('GET', `${data}/erin`), 404);
    const same = await s.request('PUT', `${data}/erin`, { id: 'erin', name: 'Erin' });
    expect(same.status).toBe(201);
    expect(same.body.id).toBe('erin');
  });

  it('PATCH updates given columns only (200, version +1); missing record is 404', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    expectError(await s.request('PATCH', `${data}/ghost`, { name: 'x' }), 404, 'record [ghost] not found');
    expectError(await s.request('GET', `${data}/ghost`), 404);

    const created = await s.request('POST', data, { id: 'frank', name: 'Frank', age: 50, email: 'f@x.io' });
    const patched = await s.request('PATCH', `${data}/frank`, { age: 51 });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: 'frank', name: 'Frank', age: 51, email: 'f@x.io', xata: expect.anything() });
    expectMeta(patched.body, 1);
    expect(patched.body.xata.createdAt).toBe(created.body.xata.createdAt);

    const cleared = await s.request('PATCH', `${data}/frank`, { email: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ id: 'frank', name: 'Frank', age: 51, xata: expect.objectContaining({ version: 2 }) });

    expectError(await s.request('PATCH', `${data}/frank`, { id: 'other', age: 1 }), 400, /does not match/);
    expect((await s.request('GET', `${data}/frank`)).body).toEqual(cleared.body);
  });

  it('PATCH ?ifVersion: mismatch is 422 (unchanged), match is 200', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    await s.request('POST', data, { id: 'gina', name: 'Gina', age: 20 });
    await s.request('PATCH', `${data}/gina`, { age: 21 });
    const before = (await s.request('GET', `${data}/gina`)).body;
    expect(before.xata.version).toBe(1);
    expectError(await s.request('PATCH', `${data}/gina?ifVersion=0`, { age: 99 }), 422, /version mismatch/);
    expect((await s.request('GET', `${data}/gina`)).body).toEqual(before);
    const ok = await s.request('PATCH', `${data}/gina?ifVersion=1`, { age: 22 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: 'gina', age: 22, name: 'Gina', xata: { version: 2 } });
    expectError(await s.request('PATCH', `${data}/ghost?ifVersion=0`, { age: 1 }), 404);
  });

  it('POST /data/{id} upserts: 201 on create, 200 merging on update, ifVersion guards it', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('POST', `${data}/hank`, { name: 'Hank', age: 60 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'hank', name: 'Hank', age: 60, xata: expect.anything() });
    expectMeta(created.body, 0);

    const updated = await s.request('POST', `${data}/hank`, { age: 61 });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id: 'hank', name: 'Hank', age: 61, xata: expect.anything() });
    expectMeta(updated.body, 1);
    expect(updated.body.xata.createdAt).toBe(created.body.xata.createdAt);

    expectError(await s.request('POST', `${data}/hank?ifVersion=0`, { age: 1 }), 422, /version mismatch/);
    expect((await s.request('GET', `${data}/hank`)).body).toEqual(updated.body);
    const guarded = await s.request('POST', `${data}/hank?ifVersion=1`, { age: 62 });
    expect(guarded.status).toBe(200);
    expect(guarded.body.xata.version).toBe(2);
  });

  it('DELETE returns the deleted record (projected by columns), then GET and DELETE are 404', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const created = await s.request('POST', data, { id: 'ivy', name: 'Ivy', age: 33 });
    const deleted = await s.request('DELETE', `${data}/ivy?columns=name`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: 'ivy', name: 'Ivy', xata: created.body.xata });
    expectError(await s.request('GET', `${data}/ivy`), 404, 'record [ivy] not found');
    expectError(await s.request('DELETE', `${data}/ivy`), 404, 'record [ivy] not found');

    await s.request('POST', data, { id: 'jay', name: 'Jay', age: 1 });
    const full = await s.request('DELETE', `${data}/jay`, undefined, { 'content-type': 'application/json' });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ id: 'jay', name: 'Jay', age: 1, xata: { version: 0 } });
  });

  it('xata.version is 0 on create and +1 on every write (PATCH, PUT, upsert); updatedAt moves, createdAt does not', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const steps: Array<[string, string, unknown]> = [
      ['POST', data, { id: 'v', name: 'a' }],
      ['PATCH', `${data}/v`, { name: 'b' }],
      ['PUT', `${data}/v`, { name: 'c' }],
      ['POST', `${data}/v`, { name: 'd' }],
      ['PATCH', `${data}/v`, {}],
      ['PATCH', `${data}/v`, { age: { $increment: 1 } }],
    ];
    let createdAt: string | undefined;
    for (const [i, [method, path, body]] of steps.entries()) {
      const res = await s.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(i === 0 ? 201 : 200);
      expectMeta(res.body, i);
      createdAt ??= res.body.xata.createdAt;
      expect(res.body.xata.createdAt).toBe(createdAt);
      expect(Date.parse(res.body.xata.updatedAt)).toBeGreaterThanOrEqual(Date.parse(createdAt!));
    }
    expect((await s.request('GET', `${data}/v`)).body).toMatchObject({ name: 'd', age: 1, xata: { version: steps.length - 1 } });
  });

  it.each([
    ['POST /data with the same body id', 'POST', '', { id: 'race', name: 'x' }, 422],
    ['PUT ?createOnly=true', 'PUT', '/race?createOnly=true', { name: 'x' }, 422],
    ['PUT (create or replace)', 'PUT', '/race', { name: 'x' }, 200],
    ['POST /data/{id} (upsert)', 'POST', '/race', { name: 'x' }, 200],
  ] as const)('10 concurrent %s on a new id: exactly one 201, the others 422 or 200', async (_name, method, suffix, body, others) => {
    const data = await createTable(s, uniqueTable('race'), people);
    const results = await Promise.all(Array.from({ length: 10 }, () => s.request(method, data + suffix, body)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201), JSON.stringify(results.map((r) => r.body))).toHaveLength(1);
    expect(statuses.filter((x) => x === others)).toHaveLength(9);
    for (const loser of results.filter((r) => r.status === 422)) expectError(loser, 422, 'record with ID [race] already exists');
    const final = await s.request('GET', `${data}/race`);
    expect(final.body).toMatchObject({ name: 'x', xata: { version: others === 200 ? 9 : 0 } });
  });

  it('the columns query parameter projects the record returned by every write', async () => {
    const data = await createTable(s, uniqueTable('people'), people);
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', `${data}?columns=name`, { id: 'p', name: 'P', age: 1, email: 'p@x.io' }, 201],
      ['PATCH', `${data}/p?columns=name`, { age: 2 }, 200],
      ['PUT', `${data}/p?columns=name`, { name: 'P', age: 3 }, 200],
      ['POST', `${data}/p?columns=name`, { age: 4 }, 200],
      ['DELETE', `${data}/p?columns=name`, undefined, 200],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await s.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(Object.keys(res.body).sort(), `${method} ${path}`).toEqual(['id', 'name', 'xata']);
    }
  });
});

describeEachEngine('records: numeric operators', (engine) => {
  let s: RunningStrata;
  let data: string;
  beforeAll(async () => {
    s = await startWithDatabase(engine);
    data = await createTable(s, 'counters', [{ name: 'n', type: 'int' }, { name: 'f', type: 'float' }, { name: 'label', type: 'string' }]);
  });
  afterAll(async () => { await s?.close(); });

  let idCounter = 0;
  const fresh = async (values: Record<string, unknown>) => {
    const id = `c${++idCounter}`;
    const res = await s.request('POST', data, { id, ...values });
    expect(res.status).toBe(201);
    return `${data}/${id}`;
  };

  const cases: Array<[column: 'n' | 'f', op: string, start: number, operand: number, expected: number]> = [
    ['n', '$increment', 5, 3, 8],
    ['n', '$increment', 5, -7, -2],
    ['n', '$decrement', 5, 3, 2],
    ['n', '$multiply', 5, 3, 15],
    ['n', '$multiply', -4, -2, 8],
    ['n', '$divide', 15, 3, 5],
    ['f', '$increment', 1.5, 0.25, 1.75],
    ['f', '$decrement', 1.5, 0.25, 1.25],
    ['f', '$multiply', 1.5, 2, 3],
    ['f', '$divide', 3, 4, 0.75],
    ['f', '$divide', 1, 0.5, 2],
  ];
  it.each(cases)('PATCH %s %s: %d by %d → %d', async (column, op, start, operand, expected) => {
    const path = await fresh({ [column]: start, label: 'keep' });
    const res = await s.request('PATCH', path, { [column]: { [op]: operand } });
    expect(res.status).toBe(200);
    expect(res.body[column]).toBe(expected);
    expect(res.body.label).toBe('keep');
    expect(res.body.xata.version).toBe(1);
    expect((await s.request('GET', path)).body[column]).toBe(expected);
  });

  it.each([['$increment', 1], ['$decrement', -1], ['$multiply', 0], ['$divide', 0]] as const)(
    'PATCH %s on a null column starts from 0', async (op, expected) => {
      const path = await fresh({ label: 'x' });
      const res = await s.request('PATCH', path, { n: { [op]: 1 }, f: { [op]: 1 } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ n: expected, f: expected });
    });

  it('integer $divide keeps the column an integer (truncates)', async () => {
    const path = await fresh({ n: 7 });
    const res = await s.request('PATCH', path, { n: { $divide: 2 } });
    expect(res.status).toBe(200);
    expect(res.body.n).toBe(3);
    const negative = await fresh({ n: -7 });
    expect((await s.request('PATCH', negative, { n: { $divide: 2 } })).body.n).toBe(-3);
  });

  it('POST /data/{id} with an operator on a new record starts from 0 (201), then applies it (200)', async () => {
    const path = `${data}/upserted_op`;
    const created = await s.request('POST', path, { n: { $increment: 4 }, f: { $decrement: 1.5 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ n: 4, f: -1.5, xata: { version: 0 } });
    const updated = await s.request('POST', path, { n: { $increment: 4 }, f: { $multiply: 2 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ n: 8, f: -3, xata: { version: 1 } });
  });

  it('20 concurrent PATCH $increment by 1 end at exactly +20 (atomic), version +20', async () => {
    const path = await fresh({ n: 100, f: 0.5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => s.request('PATCH', path, { n: { $increment: 1 }, f: { $increment: 1 } })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const versions = results.map((r) => r.body.xata.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const final = await s.request('GET', path);
    expect(final.body).toMatchObject({ n: 120, f: 20.5, xata: { version: 20 } });
  });

  it('20 concurrent upserts with $increment on a new id all succeed and sum up', async () => {
    const path = `${data}/race_upsert`;
    const results = await Promise.all(Array.from({ length: 20 }, () => s.request('POST', path, { n: { $increment: 1 } })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.filter((x) => x === 200)).toHaveLength(19);
    expect((await s.request('GET', path)).body).toMatchObject({ n: 20, xata: { version: 19 } });
  });

  it('division by zero is 400 and leaves the value unchanged', async () => {
    const path = await fresh({ n: 10, f: 1.5 });
    expectError(await s.request('PATCH', path, { n: { $divide: 0 } }), 400, /division by zero/);
    expectError(await s.request('PATCH', path, { f: { $divide: 0 } }), 400, /division by zero/);
    expectError(await s.request('POST', path, { f: { $divide: 0 } }), 400, /division by zero/);
    expect((await s.request('GET', path)).body).toMatchObject({ n: 10, f: 1.5, xata: { version: 0 } });
  });

  it.each([
    ['POST', ''], ['PUT', '/op_put'],
  ])('%s with an operator (insert/replace) is 400 and writes nothing', async (method, suffix) => {
    const before = await s.request('PUT', `${data}/op_put`, { n: 1 });
    expect([200, 201]).toContain(before.status);
    const res = await s.request(method, data + suffix, { id: suffix ? undefined : 'op_post', n: { $increment: 1 } });
    expectError(res, 400, /only allowed when updating/);
    expectError(await s.request('GET', `${data}/op_post`), 404);
    expect((await s.request('GET', `${data}/op_put`)).body).toMatchObject({ n: 1, xata: { version: before.body.xata.version } });
  });

  it.each([
    ['unknown operator', { n: { $pow: 2 } }],
    ['two operators', { n: { $increment: 1, $decrement: 1 } }],
    ['empty object', { n: {} }],
    ['string operand', { n: { $increment: '1' } }],
    ['fractional operand on int', { n: { $increment: 1.5 } }],
    ['unsafe integer operand', { n: { $multiply: 2 ** 53 } }],
    ['operator on a string column', { label: { $increment: 1 } }],
  ])('%s is 400 and leaves the record unchanged', async (_name, body) => {
    const path = await fresh({ n: 3, label: 'x' });
    expectError(await s.request('PATCH', path, body), 400);
    expect((await s.request('GET', path)).body).toMatchObject({ n: 3, label: 'x', xata: { version: 0 } });
  });
});

describeEachEngine('records: columns projection', (engine) => {
  let s: RunningStrata;
  let members: string;
  let teams: string;
  beforeAll(async () => {
    s = await startWithDatabase(engine);
    const people = await createTable(s, 'people', [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }]);
    teams = await createTable(s, 'teams', [{ name: 'name', type: 'string' }, { name: 'owner', type: 'link', link: { table: 'people' } }]);
    members = await createTable(s, 'members', [
      { name: 'name', type: 'string' },
      { name: 'settings', type: 'object', columns: [{ name: 'theme', type: 'string' }, { name: 'plan', type: 'string' }] },
      { name: 'team', type: 'link', link: { table: 'teams' } },
    ]);
    expect((await s.request('POST', people, { id: 'ann', name: 'Ann', age: 40 })).status).toBe(201);
    expect((await s.request('POST', teams, { id: 'core', name: 'Core', owner: 'ann' })).status).toBe(201);
    expect((await s.request('POST', members, { id: 'm1', name: 'Max', settings: { theme: 'dark', plan: 'pro' }, team: 'core' })).status).toBe(201);
    expect((await s.request('POST', members, { id: 'm2', name: 'Solo' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  const xata = expect.objectContaining({ version: expect.any(Number) });
  const cases: Array<[columns: string | undefined, expected: Record<string, unknown>]> = [
    [undefined, { name: 'Max', settings: { theme: 'dark', plan: 'pro' }, team: { id: 'core' } }],
    ['*', { name: 'Max', settings: { theme: 'dark', plan: 'pro' }, team: { id: 'core' } }],
    ['name', { name: 'Max' }],
    ['name,settings.theme', { name: 'Max', settings: { theme: 'dark' } }],
    ['settings', { settings: { theme: 'dark', plan: 'pro' } }],
    ['settings.*', { settings: { theme: 'dark', plan: 'pro' } }],
    ['settings.plan', { settings: { plan: 'pro' } }],
    // A link named is the linked record with its own columns (as `team.*`); its links stay {id}.
    ['team', { team: { id: 'core', xata, name: 'Core', owner: { id: 'ann' } } }],
    ['team.*', { team: { id: 'core', xata, name: 'Core', owner: { id: 'ann' } } }],
    ['team.name', { team: { id: 'core', xata, name: 'Core' } }],
    ['team.owner', { team: { id: 'core', xata, owner: { id: 'ann', xata, name: 'Ann', age: 40 } } }],
    ['team.owner.name', { team: { id: 'core', xata, owner: { id: 'ann', xata, name: 'Ann' } } }],
    ['team.owner.*', { team: { id: 'core', xata, owner: { id: 'ann', xata, name: 'Ann', age: 40 } } }],
    ['name,team.name,team.owner.age', { name: 'Max', team: { id: 'core', xata, name: 'Core', owner: { id: 'ann', xata, age: 40 } } }],
    ['id', {}],
    ['xata', {}],
    ['id,xata.version', {}],
    [' name , settings.theme ', { name: 'Max', settings: { theme: 'dark' } }],
  ];
  it.each(cases)('GET ?columns=%s', async (columns, expected) => {
    const query = columns === undefined ? '' : `?columns=${encodeURIComponent(columns)}`;
    const res = await s.request('GET', `${members}/m1${query}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'm1', xata: expect.objectContaining({ version: 0 }), ...expected });
    expectMeta(res.body, 0);
  });

  it('a null link is left out even when it is expanded', async () => {
    for (const columns of ['team.*', 'team.name', 'team.owner.name', 'name,team']) {
      const res = await s.request('GET', `${members}/m2?columns=${columns}`);
      expect(res.status).toBe(200);
      expect(res.body.team, columns).toBeUndefined();
    }
  });

  it.each(['nope', 'settings.nope', 'team.nope', 'team.owner.nope', 'name.sub', 'nope.*', 'name,nope'])('unknown column %s is 400 on reads and writes', async (columns) => {
    expectError(await s.request('GET', `${members}/m1?columns=${columns}`), 400, /not found in table/);
    expectError(await s.request('PATCH', `${members}/m1?columns=${columns}`, { name: 'Changed' }), 400);
    expectError(await s.request('DELETE', `${members}/m1?columns=${columns}`), 400);
    expect((await s.request('GET', `${members}/m1`)).body).toMatchObject({ name: 'Max', xata: { version: 0 } });
  });

  it('a write returns the projection across links', async () => {
    const res = await s.request('POST', `${members}?columns=name,team.owner.name`, { id: 'm3', name: 'New', team: { id: 'core' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'm3', xata: expect.anything(), name: 'New', team: { id: 'core', xata, owner: { id: 'ann', xata, name: 'Ann' } } });
    const teamRead = await s.request('GET', `${teams}/core?columns=owner.*`);
    expect(teamRead.body).toEqual({ id: 'core', xata: expect.anything(), owner: { id: 'ann', xata, name: 'Ann', age: 40 } });
  });
});

describeEachEngine('records: column types', (engine) => {
  let s: RunningStrata;
  let data: string;
  let targets: string;
  const columns = [
    { name: 's', type: 'string' },
    { name: 't', type: 'text' },
    { name: 'e', type: 'email' },
    { name: 'i', type: 'int' },
    { name: 'f', type: 'float' },
    { name: 'b', type: 'bool' },
    { name: 'd', type: 'datetime' },
    { name: 'm', type: 'multiple' },
    { name: 'l', type: 'link', link: { table: 'targets' } },
    { name: 'j', type: 'json' },
    { name: 'o', type: 'object', columns: [{ name: 'a', type: 'string' }, { name: 'n', type: 'object', columns: [{ name: 'x', type: 'int' }] }] },
    { name: 'v', type: 'vector', vector: { dimension: 3 } },
  ];
  beforeAll(async () => {
    s = await startWithDatabase(engine);
    targets = await createTable(s, 'targets', [{ name: 'label', type: 'string' }]);
    data = await createTable(s, 'typed', columns);
    for (const id of ['t1', 't2', 'doomed']) expect((await s.request('POST', targets, { id, label: id })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  let idCounter = 0;
  const nextId = () => `r${++idCounter}`;

  const valid: Array<[name: string, input: Record<string, unknown>, expected: Record<string, unknown>]> = [
    ['string', { s: 'hello' }, { s: 'hello' }],
    ['string of 2048 chars', { s: 'x'.repeat(2048) }, { s: 'x'.repeat(2048) }],
    ['string, empty', { s: '' }, { s: '' }],
    ['string, unicode', { s: 'héllo 🌍' }, { s: 'héllo 🌍' }],
    ['text, long', { t: 'y'.repeat(10_000) }, { t: 'y'.repeat(10_000) }],
    ['email', { e: 'a.b@example.co' }, { e: 'a.b@example.co' }],
    ['int', { i: 42 }, { i: 42 }],
    ['int, negative', { i: -7 }, { i: -7 }],
    ['int, zero', { i: 0 }, { i: 0 }],
    ['int, max safe', { i: Number.MAX_SAFE_INTEGER }, { i: Number.MAX_SAFE_INTEGER }],
    ['int, min safe', { i: Number.MIN_SAFE_INTEGER }, { i: Number.MIN_SAFE_INTEGER }],
    ['float', { f: 3.25 }, { f: 3.25 }],
    ['float, integral', { f: 2 }, { f: 2 }],
    ['float, large', { f: 1e300 }, { f: 1e300 }],
    ['float, small', { f: -1.5e-10 }, { f: -1.5e-10 }],
    ['bool true', { b: true }, { b: true }],
    ['bool false', { b: false }, { b: false }],
    ['datetime Z', { d: '2024-01-31T12:00:00Z' }, { d: '2024-01-31T12:00:00.000Z' }],
    ['datetime with offset and millis', { d: '2024-01-31T12:00:00.123+02:00' }, { d: '2024-01-31T10:00:00.123Z' }],
    ['datetime leap day', { d: '2024-02-29T23:59:59Z' }, { d: '2024-02-29T23:59:59.000Z' }],
    ['multiple', { m: ['a', 'b', 'a'] }, { m: ['a', 'b', 'a'] }],
    ['multiple, empty', { m: [] }, { m: [] }],
    ['link as id string', { l: 't1' }, { l: { id: 't1' } }],
    ['link as {id}', { l: { id: 't2' } }, { l: { id: 't2' } }],
    ['json object', { j: { a: 1, b: [true, null, 'x'], c: { d: 1.5 } } }, { j: jsonText({ a: 1, b: [true, null, 'x'], c: { d: 1.5 } }) }],
    ['json as JSON text (what the SDK sends)', { j: '{"theme":"dark","n":[1,2]}' }, { j: jsonText({ theme: 'dark', n: [1, 2] }) }],
    ['json array', { j: [1, 'two', { three: 3 }] }, { j: jsonText([1, 'two', { three: 3 }]) }],
    ['json string text', { j: '"just a string"' }, { j: jsonText('just a string') }],
    ['json number text', { j: '12.5' }, { j: jsonText(12.5) }],
    ['json text of an object with a number-like string', { j: '{"zip":"0123"}' }, { j: jsonText({ zip: '0123' }) }],
    ['object nested', { o: { a: 'x', n: { x: 1 } } }, { o: { a: 'x', n: { x: 1 } } }],
    ['object partial', { o: { n: { x: 2 } } }, { o: { n: { x: 2 } } }],
    ['object dotted', { 'o.a': 'y', 'o.n.x': 3 }, { o: { a: 'y', n: { x: 3 } } }],
    ['object mixed dotted and nested', { 'o.n': { x: 4 }, o: { a: 'z' } }, { o: { a: 'z', n: { x: 4 } } }],
    ['vector', { v: [0.5, -1, 2] }, { v: [0.5, -1, 2] }],
    ['xata in the body is ignored', { s: 'meta', xata: { version: 99 } }, { s: 'meta' }],
    ['explicit nulls are left out', { s: null, i: null, j: null, l: null, o: null, v: null }, {}],
  ];
  it.each(valid)('valid %s', async (_name, input, expected) => {
    const id = nextId();
    const created = await s.request('PUT', `${data}/${id}`, input);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ id, xata: expect.objectContaining({ version: 0 }), ...expected });
    const read = await s.request('GET', `${data}/${id}`);
    expect(read.body).toEqual(created.body);
    // The same value written by PATCH onto an existing record.
    const other = nextId();
    expect((await s.request('POST', data, { id: other })).status).toBe(201);
    const patched = await s.request('PATCH', `${data}/${other}`, input);
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toEqual({ id: other, xata: expect.objectContaining({ version: 1 }), ...expected });
  });

  const invalid: Array<[name: string, input: Record<string, unknown>, message: RegExp]> = [
    ['string over 2048 chars', { s: 'x'.repeat(2049) }, /\[s\].*2048/],
    ['string as number', { s: 5 }, /\[s\]/],
    ['string as array', { s: ['a'] }, /\[s\]/],
    ['text as bool', { t: true }, /\[t\]/],
    ['email without @', { e: 'not-an-email' }, /\[e\]/],
    ['email with spaces', { e: 'a b@c.de' }, /\[e\]/],
    ['email as number', { e: 1 }, /\[e\]/],
    ['int with a fraction', { i: 1.5 }, /\[i\].*integer/],
    ['int as string', { i: '5' }, /\[i\]/],
    ['int unsafe', { i: 2 ** 53 }, /\[i\]/],
    ['int huge', { i: 1e20 }, /\[i\]/],
    ['int as bool', { i: true }, /\[i\]/],
    ['float as string', { f: '1.5' }, /\[f\]/],
    ['float as bool', { f: false }, /\[f\]/],
    ['bool as string', { b: 'true' }, /\[b\]/],
    ['bool as number', { b: 1 }, /\[b\]/],
    ['datetime date only', { d: '2024-01-31' }, /\[d\].*RFC 3339/],
    ['datetime without zone', { d: '2024-01-31T12:00:00' }, /\[d\]/],
    ['datetime other format', { d: '31/01/2024 12:00' }, /\[d\]/],
    ['datetime as epoch number', { d: 1706702400000 }, /\[d\]/],
    ['datetime month 13', { d: '2024-13-01T00:00:00Z' }, /\[d\]/],
    ['datetime February 30', { d: '2024-02-30T00:00:00Z' }, /\[d\]/],
    ['datetime April 31', { d: '2023-04-31T00:00:00Z' }, /\[d\]/],
    ['datetime February 29 in a non-leap year', { d: '2023-02-29T00:00:00Z' }, /\[d\]/],
    ['datetime hour 24', { d: '2024-01-01T24:00:00Z' }, /\[d\]/],
    ['multiple as string', { m: 'a' }, /\[m\]/],
    ['multiple with numbers', { m: ['a', 1] }, /\[m\]/],
    ['multiple with null', { m: [null] }, /\[m\]/],
    ['link to a missing record', { l: 'missing' }, /\[l\].*not found/],
    ['link as {id} to a missing record', { l: { id: 'missing' } }, /\[l\].*not found/],
    ['link with an invalid id', { l: 'bad id' }, /\[l\]/],
    ['link as bool', { l: true }, /\[l\]/],
    ['json invalid JSON text', { j: '{not json' }, /\[j\]/],
    ['object as string', { o: 'flat' }, /\[o\].*object/],
    ['object unknown child', { o: { zz: 1 } }, /\[o\.zz\] not found/],
    ['object dotted unknown child', { 'o.n.zz': 1 }, /\[o\.n\.zz\] not found/],
    ['object child with a bad value', { o: { n: { x: 'one' } } }, /\[o\.n\.x\]/],
    ['vector with wrong dimension', { v: [1, 2] }, /\[v\].*3 dimensions/],
    ['vector too long', { v: [1, 2, 3, 4] }, /\[v\].*3 dimensions/],
    ['vector with a string', { v: [1, 2, '3'] }, /\[v\]/],
    ['vector as object', { v: { a: 1 } }, /\[v\]/],
    ['unknown column', { zzz: 1 }, /\[zzz\] not found in table \[typed\]/],
    ['unknown column next to valid ones', { s: 'ok', i: 1, nope: true }, /\[nope\] not found/],
  ];
  it.each(invalid)('invalid %s is 400 on create, replace, update and upsert, writing nothing', async (_name, input, message) => {
    const id = nextId();
    expectError(await s.request('PUT', `${data}/${id}`, input), 400, message);
    expectError(await s.request('GET', `${data}/${id}`), 404);
    expectError(await s.request('POST', data, { id, ...input }), 400, message);
    expectError(await s.request('GET', `${data}/${id}`), 404);
    expectError(await s.request('POST', `${data}/${id}`, input), 400, message);
    expectError(await s.request('GET', `${data}/${id}`), 404);

    const existing = await s.request('POST', data, { id, s: 'before', i: 1, l: 't1', o: { a: 'keep' } });
    expect(existing.status).toBe(201);
    expectError(await s.request('PATCH', `${data}/${id}`, { t: 'changed', ...input }), 400, message);
    expectError(await s.request('PUT', `${data}/${id}`, { t: 'changed', ...input }), 400, message);
    expectError(await s.request('POST', `${data}/${id}`, { t: 'changed', ...input }), 400, message);
    expect((await s.request('GET', `${data}/${id}`)).body).toEqual(existing.body);
  });

  it('deleting the target of a link makes the link disappear', async () => {
    const id = nextId();
    expect((await s.request('POST', data, { id, s: 'linked', l: 'doomed' })).body.l).toEqual({ id: 'doomed' });
    const deleted = await s.request('DELETE', `${targets}/doomed`);
    expect(deleted.status).toBe(200);
    const read = await s.request('GET', `${data}/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('l');
    expect(read.body.s).toBe('linked');
    expect((await s.request('GET', `${data}/${id}?columns=l.*`)).body).toEqual({ id, xata: expect.anything() });
    expectError(await s.request('PATCH', `${data}/${id}`, { l: 'doomed' }), 400, /not found/);
  });

  it('json values are stored as given on every write path, even when shaped like an internal write', async () => {
    const tricky = { kind: 'set', value: 1 };
    for (const [method, path] of [['POST', `${data}/jk1`], ['PUT', `${data}/jk2`]] as const) {
      const created = await s.request(method, path, { j: tricky });
      expect(created.status).toBe(201);
      expect(JSON.parse(created.body.j)).toEqual(tricky);
      expect(JSON.parse((await s.request('GET', path)).body.j)).toEqual(tricky);
    }
  });

  it('a new record may link to itself, but not to another record that does not exist', async () => {
    const table = await createTable(s, 'selfish', [{ name: 'me', type: 'link', link: { table: 'selfish' } }]);
    for (const [method, path, body] of [
      ['PUT', `${table}/s1`, { me: 's1' }],
      ['POST', table, { id: 's2', me: 's2' }],
      ['POST', `${table}/s3`, { me: 's3' }],
    ] as const) {
      const created = await s.request(method, path, body);
      expect(created.status).toBe(201);
      expect(created.body.me).toEqual({ id: created.body.id });
    }
    expectError(await s.request('PUT', `${table}/s4`, { me: 's5' }), 400, /record \[s5\] not found/);
    expect((await s.request('GET', `${table}/s4`)).status).toBe(404);
  });

  it('PUT replacing a record nulls every column it does not name, objects included', async () => {
    const id = nextId();
    const full = { s: 'a', t: 'b', e: 'c@d.ef', i: 1, f: 1.5, b: true, d: '2024-01-01T00:00:00.000Z', m: ['x'], l: { id: 't1' }, j: { k: 1 }, o: { a: 'oa', n: { x: 9 } }, v: [1, 2, 3] };
    const created = await s.request('PUT', `${data}/${id}`, full);
    expect(created.body).toEqual({ id, xata: expect.anything(), ...full, j: jsonText({ k: 1 }) });
    const replaced = await s.request('PUT', `${data}/${id}`, { o: { n: { x: 10 } } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id, xata: expect.objectContaining({ version: 1 }), o: { n: { x: 10 } } });
  });

  it('PATCH with an object column set to null clears all its children', async () => {
    const id = nextId();
    await s.request('POST', data, { id, s: 'keep', o: { a: 'x', n: { x: 1 } } });
    const res = await s.request('PATCH', `${data}/${id}`, { o: { n: null } });
    expect(res.body).toEqual({ id, xata: expect.anything(), s: 'keep', o: { a: 'x' } });
    const res2 = await s.request('PATCH', `${data}/${id}`, { o: null });
    expect(res2.body).toEqual({ id, xata: expect.anything(), s: 'keep' });
  });
});

describeEachEngine('records: notNull, unique, defaultValue', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startWithDatabase(engine); });
  afterAll(async () => { await s?.close(); });

  it('notNull: missing or null is 400 on create, replace and update; nothing is written', async () => {
    const data = await createTable(s, uniqueTable('req'), [{ name: 'req', type: 'string', notNull: true }, { name: 'opt', type: 'int' }]);
    expectError(await s.request('POST', data, { id: 'a', opt: 1 }), 400, /\[req\].*required/);
    expectError(await s.request('POST', data, { id: 'a', req: null }), 400, /\[req\].*required/);
    expectError(await s.request('PUT', `${data}/a`, { opt: 1 }), 400, /\[req\].*required/);
    expectError(await s.request('POST', `${data}/a`, { opt: 1 }), 400, /\[req\].*required/);
    expectError(await s.request('GET', `${data}/a`), 404);

    const created = await s.request('POST', data, { id: 'a', req: 'here', opt: 1 });
    expect(created.status).toBe(201);
    expectError(await s.request('PATCH', `${data}/a`, { req: null, opt: 2 }), 400, /\[req\].*required/);
    expectError(await s.request('PUT', `${data}/a`, { opt: 2 }), 400, /\[req\].*required/);
    expectError(await s.request('POST', `${data}/a`, { req: null }), 400, /\[req\].*required/);
    expect((await s.request('GET', `${data}/a`)).body).toEqual(created.body);

    const patched = await s.request('PATCH', `${data}/a`, { opt: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ req: 'here', opt: 3 });
  });

  it('unique: a duplicate is 422 on create, update, replace and upsert; nothing is written', async () => {
    const data = await createTable(s, uniqueTable('uniq'), [{ name: 'code', type: 'string', unique: true }, { name: 'n', type: 'int', unique: true }, { name: 'note', type: 'string' }]);
    const first = await s.request('POST', data, { id: 'a', code: 'X', n: 1 });
    expect(first.status).toBe(201);
    expectError(await s.request('POST', data, { id: 'b', code: 'X' }), 422, /\[code\].*not unique/);
    expectError(await s.request('GET', `${data}/b`), 404);
    expectError(await s.request('PUT', `${data}/b`, { n: 1 }), 422, /\[n\].*not unique/);
    expectError(await s.request('POST', `${data}/b`, { n: 1 }), 422, /\[n\].*not unique/);
    expectError(await s.request('GET', `${data}/b`), 404);

    const second = await s.request('POST', data, { id: 'b', code: 'Y', n: 2, note: 'keep' });
    expect(second.status).toBe(201);
    expectError(await s.request('PATCH', `${data}/b`, { note: 'changed', code: 'X' }), 422, /not unique/);
    expectError(await s.request('PUT', `${data}/b`, { note: 'changed', code: 'X' }), 422, /not unique/);
    expectError(await s.request('POST', `${data}/b`, { note: 'changed', n: 1 }), 422, /not unique/);
    expect((await s.request('GET', `${data}/b`)).body).toEqual(second.body);

    // Several nulls do not collide; re-writing a record's own value is fine.
    expect((await s.request('POST', data, { id: 'c' })).status).toBe(201);
    expect((await s.request('POST', data, { id: 'd' })).status).toBe(201);
    expect((await s.request('PATCH', `${data}/a`, { code: 'X' })).status).toBe(200);
  });

  it('defaultValue applies to missing columns on create and replace, never over a given value or on PATCH', async () => {
    const data = await createTable(s, uniqueTable('defaults'), [
      { name: 's', type: 'string', defaultValue: 'def' },
      { name: 'i', type: 'int', defaultValue: '7' },
      { name: 'f', type: 'float', defaultValue: '1.5' },
      { name: 'b', type: 'bool', defaultValue: 'true' },
      { name: 'e', type: 'email', defaultValue: 'x@y.zz' },
      { name: 'm', type: 'multiple', defaultValue: '["a","b"]' },
      { name: 'j', type: 'json', defaultValue: '{"k":1}' },
      { name: 'dnow', type: 'datetime', defaultValue: 'now' },
      { name: 'dfix', type: 'datetime', defaultValue: '2020-01-01T00:00:00Z' },
      { name: 'req', type: 'int', notNull: true, defaultValue: '0' },
      { name: 'plain', type: 'string' },
    ]);
    const defaults = { s: 'def', i: 7, f: 1.5, b: true, e: 'x@y.zz', m: ['a', 'b'], j: jsonText({ k: 1 }), dfix: '2020-01-01T00:00:00.000Z', req: 0 };
    const created = await s.request('POST', data, { id: 'a' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'a', xata: expect.anything(), ...defaults, dnow: created.body.xata.createdAt });

    const given = await s.request('POST', data, { id: 'b', s: 'mine', i: 1, b: false, dnow: '2001-01-01T00:00:00Z', req: 5, plain: 'p' });
    expect(given.body).toMatchObject({ s: 'mine', i: 1, b: false, dnow: '2001-01-01T00:00:00.000Z', req: 5, plain: 'p', f: 1.5 });

    const patched = await s.request('PATCH', `${data}/b`, { s: null, plain: null });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('s');
    expect(patched.body).not.toHaveProperty('plain');
    expect(patched.body.i).toBe(1);

    await new Promise((r) => setTimeout(r, 5));
    const replaced = await s.request('PUT', `${data}/b`, { plain: 'again' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id: 'b', xata: expect.anything(), ...defaults, plain: 'again', dnow: replaced.body.xata.updatedAt });
    expect(replaced.body.xata.updatedAt).not.toBe(replaced.body.xata.createdAt);

    const upserted = await s.request('POST', `${data}/c`, { i: { $increment: 2 } });
    expect(upserted.status).toBe(201);
    expect(upserted.body).toMatchObject({ ...defaults, i: 2 });

    const putCreated = await s.request('PUT', `${data}/d`, {});
    expect(putCreated.status).toBe(201);
    expect(putCreated.body).toMatchObject(defaults);
  });
});

describeEachEngine('records: request errors', (engine) => {
  let s: RunningStrata;
  let data: string;
  beforeAll(async () => {
    s = await startWithDatabase(engine);
    data = await createTable(s, 'items', [{ name: 'name', type: 'string' }, { name: 'n', type: 'int' }]);
  });
  afterAll(async () => { await s?.close(); });

  let fixtureCounter = 0;
  /** A record of this test's own; `check()` asserts it is exactly as created. */
  const fixture = async () => {
    const id = `fx${++fixtureCounter}`;
    const created = await s.request('POST', data, { id, name: 'E', n: 1 });
    expect(created.status).toBe(201);
    return {
      id,
      check: async () => {
        const res = await s.request('GET', `${data}/${id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(created.body);
      },
    };
  };

  /** [method, path suffix (ID = the fixture's id), body] */
  const endpoints: Array<[method: string, suffix: string, body?: unknown]> = [
    ['POST', '', { name: 'x' }],
    ['GET', '/ID'],
    ['PUT', '/ID', { name: 'x' }],
    ['PATCH', '/ID', { name: 'x' }],
    ['POST', '/ID', { name: 'x' }],
    ['DELETE', '/ID'],
  ];
  const writeEndpoints = endpoints.filter(([, , body]) => body !== undefined);

  describe.each([
    ['unknown table', '/db/app:main/tables/nope/data', 'table [nope] not found'],
    ['unknown database', '/db/nodb:main/tables/items/data', /\bnodb\b.*not found/],
    ['unknown branch', '/db/app:nobranch/tables/items/data', /\bnobranch\b.*not found/],
  ])('%s', (_name, base, message) => {
    it.each(endpoints)('%s%s is 404', async (method, suffix, body) => {
      const f = await fixture();
      expectError(await s.request(method, base + suffix.replace('ID', f.id), body), 404, message);
      await f.check();
    });
  });

  it.each(endpoints)('%s%s with an invalid database name is 400', async (method, suffix, body) => {
    const f = await fixture();
    expectError(await s.request(method, `/db/bad%20name:main/tables/items/data${suffix.replace('ID', f.id)}`, body), 400, /invalid database name/);
    await f.check();
  });

  const badIds: Array<[string, string]> = [
    ['a space', 'a%20b'],
    ['256 characters', 'x'.repeat(256)],
    ['a slash', 'a%2Fb'],
    ['non-ASCII', '%C3%A9t%C3%A9'],
    ['a dot', 'a.b'],
    ['a quote', `a'b`],
    ['a backtick', 'a%60b'],
    ['braces', 'a%7Bb%7D'],
    ['a pipe', 'a%7Cb'],
    ['a plus', 'a+b'],
  ];
  describe.each(badIds)('a record id with %s', (_name, id) => {
    it.each([['GET'], ['PUT'], ['PATCH'], ['POST'], ['DELETE']])('%s is 400', async (method) => {
      const body = method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' };
      expectError(await s.request(method, `${data}/${id}`, body), 400, /invalid record id|params\/id must NOT have more than 255 characters/);
    });
    it('POST /data with it as the body id is 400', async () => {
      expectError(await s.request('POST', data, { id: decodeURIComponent(id), name: 'x' }), 400, /invalid record id/);
    });
  });

  it('ids over the whole allowed alphabet (letters, digits, _ - ~ :) and 255 characters work', async () => {
    for (const id of ['a-b_c~d:e', 'a-unique-record-john-4', 'UPPER123', '0', 'x'.repeat(255), 'rec_c8hnbch26un1nl0rthkg']) {
      const path = `${data}/${encodeURIComponent(id).replace(/%3A/g, ':')}`;
      const res = await s.request('PUT', path, { name: 'ok' });
      expect(res.status, id).toBe(201);
      expect(res.body.id).toBe(id);
      expect((await s.request('GET', path)).body.id).toBe(id);
      expect((await s.request('PATCH', path, { n: 2 })).body).toMatchObject({ id, n: 2 });
      expect((await s.request('DELETE', path)).body.id).toBe(id);
    }
  });

  it.each(writeEndpoints)('%s%s with an unknown column in the body is 400', async (method, suffix) => {
    const f = await fixture();
    expectError(await s.request(method, data + suffix.replace('ID', f.id), { name: 'x', bogus: 1 }), 400, 'column [bogus] not found in table [items]');
    await f.check();
  });

  describe.each([
    ['malformed JSON', '{"name": '],
    ['trailing garbage', '{"name": "x"} x'],
    ['a JSON array', '[{"name":"x"}]'],
    ['a JSON string', '"x"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
  ])('a body that is %s', (_name, raw) => {
    it.each(writeEndpoints)('%s%s is 400 and writes nothing', async (method, suffix) => {
      const f = await fixture();
      expectError(await s.request(method, data + suffix.replace('ID', f.id), raw), 400);
      await f.check();
    });
  });

  it.each([
    ['PUT', '?ifVersion=abc'],
    ['PUT', '?ifVersion=-1'],
    ['PATCH', '?ifVersion=1.5'],
    ['POST', '?ifVersion=x'],
    ['PUT', '?createOnly=maybe'],
  ])('%s %s (invalid query parameter) is 400', async (method, query) => {
    const f = await fixture();
    expectError(await s.request(method, `${data}/${f.id}${query}`, { name: 'x' }), 400, /^invalid request: /);
    await f.check();
  });

  it('an empty body on PATCH is a no-op write (version +1), on DELETE it is ignored', async () => {
    const f = await fixture();
    const patched = await s.request('PATCH', `${data}/${f.id}`, '');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: f.id, name: 'E', n: 1, xata: { version: 1 } });
    const deleted = await s.request('DELETE', `${data}/${f.id}`, '');
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(f.id);
  });

  it('successful responses carry x-request-id too, and ids differ per request', async () => {
    const f = await fixture();
    const a = await s.request('GET', `${data}/${f.id}`);
    const b = await s.request('GET', `${data}/${f.id}`);
    expect(a.headers.get('x-request-id')).toMatch(/^req_/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describeEachEngine('records: body limit', (engine) => {
  let s: RunningStrata;
  let data: string;
  beforeAll(async () => {
    s = await startWithDatabase(engine, { bodyLimit: 1024 });
    data = await createTable(s, 'small', [{ name: 't', type: 'text' }]);
    expect((await s.request('POST', data, { id: 'existing', t: 'short' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it.each([['POST', ''], ['PUT', '/existing'], ['PATCH', '/existing'], ['POST', '/existing'], ['PUT', '/new']])(
    '%s%s over the limit is 413 and writes nothing', async (method, suffix) => {
      expectError(await s.request(method, data + suffix, { t: 'z'.repeat(2000) }), 413, 'request body is too large');
      expect((await s.request('GET', `${data}/existing`)).body).toMatchObject({ t: 'short', xata: { version: 0 } });
      expectError(await s.request('GET', `${data}/new`), 404);
    });

  it('a body under the limit is accepted', async () => {
    const res = await s.request('PATCH', `${data}/existing`, { t: 'z'.repeat(900) });
    expect(res.status).toBe(200);
    expect(res.body.t).toHaveLength(900);
  });
});

describeEachEngine('records: authentication and scopes', (engine) => {
  let s: RunningStrata;
  let data: string;
  beforeAll(async () => {
    s = await startWithDatabase(engine);
    data = await createTable(s, 'secured', [{ name: 'name', type: 'string' }]);
    expect((await s.request('POST', data, { id: 'existing', name: 'E' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  const endpoints: Array<[method: string, suffix: string, body?: unknown]> = [
    ['POST', '', { name: 'x' }],
    ['GET', '/existing'],
    ['PUT', '/existing', { name: 'x' }],
    ['PATCH', '/existing', { name: 'x' }],
    ['POST', '/existing', { name: 'x' }],
    ['DELETE', '/existing'],
  ];
  const unchanged = async () => expect((await s.request('GET', `${data}/existing`)).body).toMatchObject({ name: 'E', xata: { version: 0 } });

  describe.each([
    ['an empty Authorization header', () => ({ authorization: '' })],
    ['an unknown token', () => ({ authorization: 'Bearer xau_definitelynotarealtoken' })],
    ['a malformed header', () => ({ authorization: `Token ${s.token}` })],
    ['an empty bearer', () => ({ authorization: 'Bearer ' })],
  ])('%s', (_name, headers) => {
    it.each(endpoints)('%s%s is 401 invalid API key', async (method, suffix, body) => {
      const res = await s.request(method, data + suffix, body, headers());
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ message: 'invalid API key' });
      expect(res.body.id).toBe(res.headers.get('x-request-id'));
      await unchanged();
    });
  });

  it.each(endpoints)('%s%s without any Authorization header is 401 invalid API key', async (method, suffix, body) => {
    const response = await fetch(s.url + data + suffix, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(401);
    const json = await response.json();
    expect(json).toEqual({ id: response.headers.get('x-request-id'), message: 'invalid API key' });
    await unchanged();
  });

  it('an expired token is 401', async () => {
    const expired = await s.createToken(0xffff, { expiresAt: new Date(Date.now() - 60_000) });
    const res = await s.request('GET', `${data}/existing`, undefined, { authorization: `Bearer ${expired}` });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'invalid API key' });
  });

  it('a 401 comes before a 404 (unknown table)', async () => {
    const res = await s.request('GET', '/db/app:main/tables/nope/data/x', undefined, { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
  });

  const c = scopeBit('content', 'create');
  const r = scopeBit('content', 'read');
  const u = scopeBit('content', 'update');
  const d = scopeBit('content', 'delete');
  const dbAll = scopeBit('database', 'create') | scopeBit('database', 'read') | scopeBit('database', 'update') | scopeBit('database', 'delete');
  // [scopes, expected status per endpoint in `endpoints` order]
  const matrix: Array<[name: string, bits: number, statuses: number[]]> = [
    ['content:r', r, [403, 200, 403, 403, 403, 403]],
    ['content:c', c, [201, 403, 403, 403, 403, 403]],
    ['content:u', u, [403, 403, 403, 200, 403, 403]],
    ['content:d', d, [403, 403, 403, 403, 403, 200]],
    ['content:cu', c | u, [201, 403, 200, 200, 200, 403]],
    ['database:crud (no content)', dbAll, [403, 403, 403, 403, 403, 403]],
    ['nothing', 0, [403, 403, 403, 403, 403, 403]],
  ];
  describe.each(matrix)('a token with %s', (_name, bits, statuses) => {
    it.each(endpoints.map((e, i) => [e[0], e[1], e[2], statuses[i]!] as const))('%s%s → %s', async (method, suffix, body, expected) => {
      const token = await s.createToken(bits);
      // Each case works on a record of its own (the fixture stays untouched).
      const id = `scope_${bits}_${method}_${suffix ? 'id' : 'new'}`;
      expect((await s.request('PUT', `${data}/${id}`, { name: 'E' })).status).toBe(201);
      const path = suffix ? `${data}/${id}` : data;
      const res = await s.request(method, path, body === undefined ? undefined : suffix ? body : { ...(body as object), id: `${id}_created` }, { authorization: `Bearer ${token}` });
      if (expected === 403) {
        expectError(res, 403, /^this token lacks the content:(create|read|update|delete) scope$/);
        expect((await s.request('GET', `${data}/${id}`)).body).toMatchObject({ name: 'E', xata: { version: 0 } });
        expectError(await s.request('GET', `${data}/${id}_created`), 404);
      } else {
        expect(res.status).toBe(expected);
        expect(res.body.id).toBe(suffix ? id : `${id}_created`);
      }
      await unchanged();
    });
  });
});

describeEachEngine('compiled write statements', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => { s = await startWithDatabase(engine); });
  afterAll(async () => { await s?.close(); });

  it('are kept in a bounded LRU: more distinct column sets than it keeps, each written and read back right', async () => {
    // Which columns a write carries is the client's choice: 11 columns allow 2047 shapes.
    const names = Array.from({ length: 11 }, (_, i) => `c${i}`);
    const data = await createTable(s, uniqueTable('shapes'), names.map((name) => ({ name, type: 'int' })));
    const shapes = WRITE_STATEMENTS_KEPT + 100;
    const body = (mask: number) => Object.fromEntries(names.filter((_, i) => mask & (1 << i)).map((name) => [name, mask]));
    for (let mask = 1; mask <= shapes; mask++) {
      const res = await s.request('PUT', `${data}/r${mask}`, body(mask));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(keptWriteStatements()).toBe(WRITE_STATEMENTS_KEPT);
    // The first shapes were evicted and compile again; a kept one writes other values.
    for (const mask of [1, 2, shapes]) {
      expect((await s.request('PUT', `${data}/again${mask}`, body(mask))).status).toBe(201);
      const read = await s.request('GET', `${data}/again${mask}`);
      expect(read.body).toMatchObject(body(mask));
    }
    expect((await s.request('GET', `${data}/r${shapes}`)).body).toMatchObject(body(shapes));
    expect(keptWriteStatements()).toBe(WRITE_STATEMENTS_KEPT);
  });
});
