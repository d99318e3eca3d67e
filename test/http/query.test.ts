import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { PROJECTIONS_KEPT, keptProjections } from '../../src/core/records/projection.js';
import { REQUEST_LIMITS } from '../../src/kernel/request-limits.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * POST /tables/{t}/query over real HTTP on every engine: each filter operator, sorts,
 * columns (link expansion, reverse links), offset and cursor paging in both directions,
 * cursor integrity, and the errors.
 */
type Res = Awaited<ReturnType<RunningStrata['request']>>;
const B = '/db/q:main';

const TEAMS = [{ id: 'red', name: 'Red', rank: 2 }, { id: 'blue', name: 'Blue', rank: 1 }];
const USERS = [
  { id: 'u01', name: 'Alice', email: 'alice@example.com', age: 30, score: 1.5, active: true, tags: ['a', 'b'], birth: '1994-01-02T03:04:05Z', team: 'red', settings: { plan: 'pro' }, bio: 'likes *stars* and 100%' },
  { id: 'u02', name: 'Bob', email: 'bob@example.com', age: 25, score: 2.5, active: false, tags: ['b'], birth: '1999-05-01T00:00:00Z', team: 'blue', settings: { plan: 'free' } },
  { id: 'u03', name: 'bobby', age: 25, active: true, tags: ['c', 'label-x'], team: 'red', settings: { plan: 'free' }, bio: 'under_score' },
  { id: 'u04', name: 'Carol', email: 'carol@corp.io', age: 41, score: -3, tags: [], birth: '1983-12-31T23:59:59.999Z' },
  { id: 'u05', name: 'Dave', age: 19, active: false, tags: ['label-debug', 'a'], team: 'blue' },
  { id: 'u06', name: 'Éve', email: 'eve@example.com', score: 0, active: true },
  { id: 'u07', name: 'Pat', age: 52, tags: ['label-y'], team: 'red', birth: '1970-01-01T00:00:00Z' },
  { id: 'u08', name: 'Peggy', age: 33, score: 9.75, active: true, team: 'blue', settings: { plan: 'pro' } },
];

describeEachEngine('query API', (engine) => {
  let s: RunningStrata;
  const q = (body: unknown, table = 'users') => s.request('POST', `${B}/tables/${table}/query`, body);
  /** The ids a query returns, in order. */
  const ids = async (body: Record<string, unknown>, table = 'users') => {
    const res = await q({ page: { size: 1000 }, ...body }, table);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.records.map((r: any) => r.id);
  };
  const sorted = async (filter: unknown) => (await ids({ filter })).sort();

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/q', {})).status).toBe(201);
    const make = async (name: string, columns: unknown[]) => expect((await s.request('PUT', `${B}/tables/${name}`, { columns })).status).toBe(201);
    await make('teams', [{ name: 'name', type: 'string' }, { name: 'rank', type: 'int' }]);
    await make('users', [
      { name: 'name', type: 'string' }, { name: 'email', type: 'email' }, { name: 'age', type: 'int' }, { name: 'score', type: 'float' },
      { name: 'active', type: 'bool' }, { name: 'tags', type: 'multiple' }, { name: 'birth', type: 'datetime' }, { name: 'bio', type: 'text' },
      { name: 'team', type: 'link', link: { table: 'teams' } }, { name: 'settings', type: 'object', columns: [{ name: 'plan', type: 'string' }] },
      { name: 'meta', type: 'json' },
    ]);
    await make('posts', [{ name: 'title', type: 'string' }, { name: 'author', type: 'link', link: { table: 'users' } }, { name: 'likes', type: 'int' }]);
    for (const t of TEAMS) expect((await s.request('PUT', `${B}/tables/teams/data/${t.id}`, t)).status).toBe(201);
    for (const u of USERS) {
      const res = await s.request('PUT', `${B}/tables/users/data/${u.id}`, u);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const posts = [['p1', 'Hello', 'u01', 5], ['p2', 'Again', 'u01', 9], ['p3', 'Third', 'u01', 1], ['p4', 'Mine', 'u02', 3], ['p5', 'Orphan', null, 0]] as const;
    for (const [id, title, author, likes] of posts) expect((await s.request('PUT', `${B}/tables/posts/data/${id}`, { title, author, likes })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it('returns every record in ascending id order by default, with Xata metadata and a page meta', async () => {
    const res = await q({});
    expect(res.status).toBe(200);
    expect(res.body.records.map((r: any) => r.id)).toEqual(USERS.map((u) => u.id));
    expect(res.body.records[0]).toMatchObject({ id: 'u01', name: 'Alice', team: { id: 'red' }, settings: { plan: 'pro' }, tags: ['a', 'b'], birth: '1994-01-02T03:04:05.000Z', xata: { version: 0 } });
    expect(res.body.meta.page).toEqual({ cursor: expect.any(String), more: false, size: 20 });
    // No body at all is the same query.
    const bare = await fetch(`${s.url}${B}/tables/users/query`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } });
    expect((await bare.json()).records).toHaveLength(USERS.length);
  });

  it('equality: bare values, $is, $isNot (missing values included), arrays as any-of, null', async () => {
    expect(await sorted({ name: 'Bob' })).toEqual(['u02']);
    expect(await sorted({ name: { $is: 'Bob' } })).toEqual(['u02']);
    expect(await sorted({ age: { $isNot: 25 } })).toEqual(['u01', 'u04', 'u05', 'u06', 'u07', 'u08']);
    expect(await sorted({ name: ['Bob', 'Carol', 'Zed'] })).toEqual(['u02', 'u04']);
    expect(await sorted({ age: { $is: [19, 52] } })).toEqual(['u05', 'u07']);
    expect(await sorted({ email: null })).toEqual(['u03', 'u05', 'u07', 'u08']);
    expect(await sorted({ active: true })).toEqual(['u01', 'u03', 'u06', 'u08']);
    expect(await sorted({ active: { $isNot: true } })).toEqual(['u02', 'u04', 'u05', 'u07']);
    expect(await sorted({ id: 'u03' })).toEqual(['u03']);
    expect(await sorted({ id: { $any: ['u03', 'u05', 'nope'] } })).toEqual(['u03', 'u05']);
  });

  it('ranges on numbers, dates and metadata, alone and combined', async () => {
    expect(await sorted({ age: { $gt: 30 } })).toEqual(['u04', 'u07', 'u08']);
    expect(await sorted({ age: { $ge: 30 } })).toEqual(['u01', 'u04', 'u07', 'u08']);
    expect(await sorted({ age: { $ge: 20, $lt: 33 } })).toEqual(['u01', 'u02', 'u03']);
    expect(await sorted({ score: { $le: 0 } })).toEqual(['u04', 'u06']);
    // Integer columns against fractional or huge numbers (PostgreSQL cannot bind 2.5 as a bigint).
    expect(await sorted({ age: { $gt: 40.5 } })).toEqual(['u04', 'u07']);
    expect(await sorted({ age: { $le: 24.9 } })).toEqual(['u05']);
    expect(await sorted({ age: 25.5 })).toEqual([]);
    expect(await sorted({ age: [25, 25.5] })).toEqual(['u02', 'u03']);
    expect(await sorted({ age: { $lt: 1e300 } })).toEqual(['u01', 'u02', 'u03', 'u04', 'u05', 'u07', 'u08']);
    expect(await sorted({ 'team.rank': 5e-324 })).toEqual([]);
    expect(await sorted({ score: { $gt: 2.4 } })).toEqual(['u02', 'u08']);
    expect(await sorted({ birth: { $lt: '1990-01-01T00:00:00Z' } })).toEqual(['u04', 'u07']);
    expect(await sorted({ birth: { $ge: '1983-12-31T23:59:59.999Z', $le: '1994-01-02T03:04:05Z' } })).toEqual(['u01', 'u04']);
    expect(await sorted({ 'xata.version': 0, 'xata.createdAt': { $lt: '2999-01-01T00:00:00Z' }, age: 19 })).toEqual(['u05']);
    expect(await sorted({ name: { $ge: 'P' } })).toEqual(['u03', 'u06', 'u07', 'u08']); // byte order: 'b…' and 'É' sort after 'P'
  });

  it('string operators: contains, iContains, startsWith, endsWith, pattern, iPattern; wildcards in values are literal', async () => {
    expect(await sorted({ name: { $contains: 'ob' } })).toEqual(['u02', 'u03']);
    expect(await sorted({ name: { $contains: 'B' } })).toEqual(['u02']);
    expect(await sorted({ name: { $iContains: 'BOB' } })).toEqual(['u02', 'u03']);
    expect(await sorted({ name: { $startsWith: 'P' } })).toEqual(['u07', 'u08']);
    expect(await sorted({ name: { $endsWith: 'y' } })).toEqual(['u03', 'u08']);
    expect(await sorted({ name: { $pattern: 'P*' } })).toEqual(['u07', 'u08']);
    expect(await sorted({ name: { $pattern: 'B?b' } })).toEqual(['u02']);
    expect(await sorted({ name: { $iPattern: 'b?b*' } })).toEqual(['u02', 'u03']);
    expect(await sorted({ email: { $endsWith: '@example.com' } })).toEqual(['u01', 'u02', 'u06']);
    expect(await sorted({ bio: { $contains: '*stars*' } })).toEqual(['u01']);
    expect(await sorted({ bio: { $contains: '100%' } })).toEqual(['u01']);
    expect(await sorted({ bio: { $contains: '_' } })).toEqual(['u03']);
    expect(await sorted({ bio: { $pattern: '*\\*stars\\**' } })).toEqual(['u01']);
    expect(await sorted({ bio: { $pattern: 'under?score' } })).toEqual(['u03']);
    expect(await sorted({ name: { $startsWith: 'É' } })).toEqual(['u06']);
  });

  it('control operators: $all, $any, $none, $not (object and array), several keys ANDed, $exists/$notExists', async () => {
    expect(await sorted({ $any: [{ name: 'Bob' }, { age: 52 }] })).toEqual(['u02', 'u07']);
    expect(await sorted({ $all: [{ active: true }, { age: { $lt: 31 } }] })).toEqual(['u01', 'u03']);
    expect(await sorted({ active: true, age: { $lt: 31 } })).toEqual(['u01', 'u03']);
    expect(await sorted({ $none: [{ active: true }, { age: { $gt: 40 } }] })).toEqual(['u02', 'u05']);
    expect(await sorted({ $not: { active: true } })).toEqual(['u02', 'u04', 'u05', 'u07']);
    expect(await sorted({ $not: [{ active: true }, { team: 'blue' }] })).toEqual(['u04', 'u07']);
    expect(await sorted({ $exists: 'email' })).toEqual(['u01', 'u02', 'u04', 'u06']);
    expect(await sorted({ $notExists: 'birth' })).toEqual(['u03', 'u05', 'u06', 'u08']);
    expect(await sorted({ $any: { name: 'Bob', age: 25 } })).toEqual(['u02']);
    // Column-level combinators.
    expect(await sorted({ age: { $any: [{ $lt: 20 }, { $gt: 50 }] } })).toEqual(['u05', 'u07']);
    expect(await sorted({ age: { $all: [{ $gt: 20 }, { $lt: 30 }] } })).toEqual(['u02', 'u03']);
    expect(await sorted({ age: { $none: [{ $lt: 20 }, { $gt: 40 }] } })).toEqual(['u01', 'u02', 'u03', 'u06', 'u08']);
    expect(await sorted({ name: { $not: { $startsWith: 'B' } } })).toEqual(['u01', 'u03', 'u04', 'u05', 'u06', 'u07', 'u08']);
    // The wire log's complex filter, verbatim.
    expect(await sorted({ $all: [{ $any: [{ name: { $iContains: 'bob' } }, { name: { $pattern: 'P*' } }] }, { $all: [{ $exists: 'email' }, { age: { $le: 60 } }] }, { $not: { name: { $endsWith: 'x' } } }, { email: { $isNot: 'x@y.z' } }] })).toEqual(['u02']);
  });

  it('array operators on multiple columns: $includes/$includesAny, $includesAll, $includesNone with nested predicates', async () => {
    expect(await sorted({ tags: 'a' })).toEqual(['u01', 'u05']);
    expect(await sorted({ tags: { $includes: 'b' } })).toEqual(['u01', 'u02']);
    expect(await sorted({ tags: { $includesAny: { $startsWith: 'label' } } })).toEqual(['u03', 'u05', 'u07']);
    expect(await sorted({ tags: { $includesAll: { $startsWith: 'label' } } })).toEqual(['u04', 'u07']); // u04: empty array
    expect(await sorted({ tags: { $includesNone: 'a' } })).toEqual(['u02', 'u03', 'u04', 'u06', 'u07', 'u08']);
    expect(await sorted({ tags: { $includes: { $all: [{ $contains: 'label' }, { $not: { $endsWith: '-debug' } }] } } })).toEqual(['u03', 'u07']);
    expect(await sorted({ tags: { $includesAll: { $contains: 'a' } } })).toEqual(['u04', 'u05', 'u07']); // 'label-…' contains an a
  });

  it('nested and dotted object paths, link sub-columns and link ids', async () => {
    expect(await sorted({ 'settings.plan': 'pro' })).toEqual(['u01', 'u08']);
    expect(await sorted({ settings: { plan: 'free' } })).toEqual(['u02', 'u03']);
    expect(await sorted({ 'team.name': 'Red' })).toEqual(['u01', 'u03', 'u07']);
    expect(await sorted({ team: { rank: { $lt: 2 } } })).toEqual(['u02', 'u05', 'u08']);
    expect(await sorted({ team: 'blue' })).toEqual(['u02', 'u05', 'u08']);
    expect(await sorted({ 'team.id': 'red', age: { $gt: 26 } })).toEqual(['u01', 'u07']);
    expect(await sorted({ $notExists: 'team' })).toEqual(['u04', 'u06']);
    expect(await ids({ filter: { 'author.name': 'Alice' } }, 'posts')).toEqual(['p1', 'p2', 'p3']);
    expect(await ids({ filter: { 'author.team.name': 'Blue' } }, 'posts')).toEqual(['p4']);
  });

  it('sorts: one and several keys, desc, names, link sub-columns, missing values last in both directions, random', async () => {
    expect(await ids({ sort: { age: 'asc' } })).toEqual(['u05', 'u02', 'u03', 'u01', 'u08', 'u04', 'u07', 'u06']);
    expect(await ids({ sort: [{ age: 'desc' }] })).toEqual(['u07', 'u04', 'u08', 'u01', 'u02', 'u03', 'u05', 'u06']);
    expect(await ids({ sort: [{ age: 'asc' }, { name: 'desc' }] })).toEqual(['u05', 'u03', 'u02', 'u01', 'u08', 'u04', 'u07', 'u06']);
    expect(await ids({ sort: ['name'] })).toEqual(['u01', 'u02', 'u04', 'u05', 'u07', 'u08', 'u03', 'u06']);
    expect(await ids({ sort: [{ 'team.rank': 'asc' }, { id: 'desc' }] })).toEqual(['u08', 'u05', 'u02', 'u07', 'u03', 'u01', 'u06', 'u04']);
    expect(await ids({ sort: { 'xata.createdAt': 'asc' }, filter: { id: { $any: ['u01', 'u02'] } } })).toEqual(['u01', 'u02']);
    const random = await ids({ sort: { '*': 'random' } });
    expect([...random].sort()).toEqual(USERS.map((u) => u.id));
  });

  it('columns: projection, link expansion, always id and xata', async () => {
    const res = await q({ filter: { id: 'u01' }, columns: ['name', 'team.name', 'settings.*'] });
    expect(res.body.records).toEqual([{ id: 'u01', name: 'Alice', team: { id: 'red', name: 'Red', xata: expect.any(Object) }, settings: { plan: 'pro' }, xata: expect.any(Object) }]);
    const linkOnly = await q({ filter: { id: 'u04' }, columns: ['team.*'] });
    expect(linkOnly.body.records).toEqual([{ id: 'u04', xata: expect.any(Object) }]);
  });

  it('column lists are memoised in a bounded LRU: more distinct lists than it keeps, each answered right, evicted ones too', async () => {
    const full = (await q({ filter: { id: 'u01' } })).body.records[0];
    const names = ['name', 'email', 'age', 'score', 'active', 'tags', 'birth', 'bio'];
    // Every non-empty subset of 8 columns (255), each name padded by 0–4 spaces (trimmed by the
    // server, distinct to the memo): 1275 distinct lists, more than the memo keeps.
    const lists: string[][] = [];
    for (let pad = 0; pad < 5; pad++) {
      for (let mask = 1; mask < 256; mask++) lists.push(names.filter((_, i) => mask & (1 << i)).map((n) => ' '.repeat(pad) + n));
    }
    expect(lists.length).toBeGreaterThan(PROJECTIONS_KEPT);
    const expected = (list: string[]) => Object.fromEntries(['id', 'xata', ...list.map((n) => n.trim())].map((k) => [k, full[k]]));
    for (const list of lists) {
      const res = await q({ filter: { id: 'u01' }, columns: list });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.records, list.join(',')).toEqual([expected(list)]);
    }
    expect(keptProjections()).toBe(PROJECTIONS_KEPT);
    // The first lists were evicted and build again; the last ones are still kept.
    for (const list of [lists[0]!, lists[1]!, lists[lists.length - 1]!]) {
      expect((await q({ filter: { id: 'u01' }, columns: list })).body.records).toEqual([expected(list)]);
    }
    expect(keptProjections()).toBe(PROJECTIONS_KEPT);
  });

  it('reverse links: per-record lists with columns, sort, limit, offset and as', async () => {
    const res = await q({
      filter: { id: { $any: ['u01', 'u02', 'u03'] } },
      columns: ['name', { name: '<-posts.author', columns: ['title'], as: 'posts', sort: [{ likes: 'desc' }], limit: 2 }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byId = Object.fromEntries(res.body.records.map((r: any) => [r.id, r]));
    expect(byId.u01.posts.records.map((p: any) => p.title)).toEqual(['Again', 'Hello']);
    expect(byId.u01.posts.records[0]).toEqual({ id: 'p2', title: 'Again', xata: expect.any(Object) });
    expect(byId.u02.posts.records.map((p: any) => p.title)).toEqual(['Mine']);
    expect(byId.u03.posts).toEqual({ records: [] });
    const offset = await q({ filter: { id: 'u01' }, columns: [{ name: '<-posts.author', sort: [{ likes: 'asc' }], limit: 1, offset: 1 }] });
    expect(offset.body.records[0].postsauthor.records.map((p: any) => p.id)).toEqual(['p1']);
    expect(offset.body.records[0].name).toBe('Alice'); // only reverse links asked: all columns come too
    expectError(await q({ columns: [{ name: '<-posts.title' }] }), 400, /no link column \[title\]/);
    expectError(await q({ columns: [{ name: '<-teams.name' }] }), 400, /points to table \[users\]/);
    expectError(await q({ columns: [{ name: '<-posts.author', limit: 5000 }] }), 400, /limit/);
  });

  it('offset paging, size and more', async () => {
    const page = await q({ sort: { name: 'asc' }, page: { size: 3, offset: 2 } });
    expect(page.body.records.map((r: any) => r.id)).toEqual(['u04', 'u05', 'u07']);
    expect(page.body.meta.page).toMatchObject({ more: true, size: 3 });
    const last = await q({ sort: { name: 'asc' }, page: { size: 3, offset: 6 } });
    expect(last.body.records.map((r: any) => r.id)).toEqual(['u03', 'u06']);
    expect(last.body.meta.page.more).toBe(false);
  });

  it('cursor paging forwards and backwards over a sort with ties and missing values, as the SDK sends it', async () => {
    const order = ['u05', 'u02', 'u03', 'u01', 'u08', 'u04', 'u07', 'u06']; // age asc, id breaks ties, missing last
    const first = await q({ sort: [{ age: 'asc' }], page: { size: 3 } });
    expect(first.body.records.map((r: any) => r.id)).toEqual(order.slice(0, 3));
    const second = await q({ page: { after: first.body.meta.page.cursor } });
    expect(second.body.records.map((r: any) => r.id)).toEqual(order.slice(3, 6));
    expect(second.body.meta.page).toMatchObject({ more: true, size: 3 });
    const third = await q({ page: { after: second.body.meta.page.cursor } });
    expect(third.body.records.map((r: any) => r.id)).toEqual(order.slice(6));
    expect(third.body.meta.page.more).toBe(false);
    const empty = await q({ page: { after: third.body.meta.page.cursor } });
    expect(empty.body.records).toEqual([]);
    const back = await q({ page: { before: third.body.meta.page.cursor } });
    expect(back.body.records.map((r: any) => r.id)).toEqual(order.slice(3, 6));
    expect(back.body.meta.page.more).toBe(true);
    const back2 = await q({ page: { before: back.body.meta.page.cursor } });
    expect(back2.body.records.map((r: any) => r.id)).toEqual(order.slice(0, 3));
    expect(back2.body.meta.page.more).toBe(false);
    // The size may change between pages; start and end pages of the same query.
    const bigger = await q({ page: { after: first.body.meta.page.cursor, size: 10 } });
    expect(bigger.body.records.map((r: any) => r.id)).toEqual(order.slice(3));
    const start = await q({ page: { start: third.body.meta.page.cursor } });
    expect(start.body.records.map((r: any) => r.id)).toEqual(order.slice(0, 3));
    const end = await q({ page: { end: first.body.meta.page.cursor } });
    expect(end.body.records.map((r: any) => r.id)).toEqual(order.slice(5));
    // Descending, with a filter carried by the cursor.
    const d1 = await q({ filter: { active: { $isNot: true } }, sort: { age: 'desc' }, page: { size: 2 } });
    expect(d1.body.records.map((r: any) => r.id)).toEqual(['u07', 'u04']);
    const d2 = await q({ page: { after: d1.body.meta.page.cursor } });
    expect(d2.body.records.map((r: any) => r.id)).toEqual(['u02', 'u05']);
    expect((await q({ page: { after: d2.body.meta.page.cursor } })).body.records).toEqual([]);
    // after + before together: the records between two positions.
    const range = await q({ page: { after: first.body.meta.page.cursor, before: third.body.meta.page.cursor, size: 10 } });
    expect(range.body.records.map((r: any) => r.id)).toEqual(order.slice(3, 6));
    // after:"end" is an empty page.
    expect((await q({ page: { after: 'end' } })).body.records).toEqual([]);
  });

  it('cursors are refused when tampered with, forged, or used on another table', async () => {
    const first = await q({ sort: { name: 'asc' }, page: { size: 2 } });
    const cursor: string = first.body.meta.page.cursor;
    expectError(await q({ page: { after: cursor.slice(0, -2) + (cursor.endsWith('A') ? 'BB' : 'AA') } }), 400, /invalid cursor/);
    const [body, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), q: { size: 2 } })).toString('base64url');
    expectError(await q({ page: { after: `${forged}.${mac}` } }), 400, /invalid cursor/);
    expectError(await q({ page: { after: 'garbage' } }), 400, /invalid cursor/);
    expectError(await q({ page: { after: cursor } }, 'posts'), 400, /another table/);
    expectError(await q({ filter: { age: 1 }, page: { after: cursor } }), 400, /cannot be sent with a cursor/);
  });

  it('a cursor continues from its position: records written since then appear in later pages, none twice', async () => {
    expect((await s.request('PUT', `${B}/tables/events`, { columns: [{ name: 'n', type: 'int' }] })).status).toBe(201);
    for (const n of [10, 20, 30, 40]) expect((await s.request('POST', `${B}/tables/events/data`, { n })).status).toBe(201);
    const first = await q({ sort: { n: 'asc' }, page: { size: 2 } }, 'events');
    expect(first.body.records.map((r: any) => r.n)).toEqual([10, 20]);
    // Inserted before the cursor's position (not seen again) and after it (seen).
    for (const n of [5, 25, 50]) expect((await s.request('POST', `${B}/tables/events/data`, { n })).status).toBe(201);
    const second = await q({ page: { after: first.body.meta.page.cursor, size: 10 } }, 'events');
    expect(second.body.records.map((r: any) => r.n)).toEqual([25, 30, 40, 50]);
  });

  it('a cursor carries a large filter (1000 ids, as the SDK sends for read([ids])) to the next page', async () => {
    const many = [...USERS.map((u) => u.id), ...Array.from({ length: 992 }, (_, i) => `missing-record-id-${i}`)];
    const first = await q({ filter: { id: { $any: many } }, page: { size: 5 } });
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    expect(first.body.records.map((r: any) => r.id)).toEqual(USERS.slice(0, 5).map((u) => u.id));
    expect(first.body.meta.page.cursor.length).toBeGreaterThan(16_384);
    const next = await q({ page: { after: first.body.meta.page.cursor } });
    expect(next.status, JSON.stringify(next.body).slice(0, 200)).toBe(200);
    expect(next.body.records.map((r: any) => r.id)).toEqual(USERS.slice(5).map((u) => u.id));
  });

  it('long OR lists (as many predicates as a filter may hold) compile to SQL the engines accept', async () => {
    // Each $not below is a group of its own: half the limit, so both filters fit in it.
    const names = Array.from({ length: REQUEST_LIMITS.filterNodes / 2 - 2 }, (_, i) => ({ name: { $startsWith: `nobody${i}` } }));
    expect(await sorted({ $any: [...names, { name: 'Bob' }] })).toEqual(['u02']);
    expect(await sorted({ $all: [...names.map((n) => ({ $not: n })), { age: 25 }] })).toEqual(['u02', 'u03']);
  });

  it('a query shape compiled before a schema change is not reused after it (same shape, other values, new types and names)', async () => {
    // The same filter shape before and after each change: its memoised SQL and decoders must follow the schema.
    const ok = (res: Res) => { expect(res.status, JSON.stringify(res.body)).toBeLessThan(300); return res; };
    ok(await s.request('PUT', `${B}/tables/shapes`, { columns: [{ name: 'x', type: 'int' }] }));
    ok(await s.request('PUT', `${B}/tables/shapes/data/a`, { x: 5 }));
    ok(await s.request('PUT', `${B}/tables/shapes/data/b`, { x: 7 }));
    const xs = async (table: string, value: unknown) => {
      const res = ok(await q({ filter: { x: { $ge: value } }, sort: [{ x: 'asc' }] }, table));
      return res.body.records.map((r: any) => [r.id, r.x]);
    };
    expect(await xs('shapes', 6)).toEqual([['b', 7]]);
    expect(await xs('shapes', 1)).toEqual([['a', 5], ['b', 7]]);
    expect(ok(await s.request('GET', `${B}/tables/shapes/data/a`)).body.x).toBe(5);

    // Retyped: the column becomes a datetime (values are encoded and decoded as datetimes now).
    ok(await s.request('DELETE', `${B}/tables/shapes/columns/x`));
    ok(await s.request('POST', `${B}/tables/shapes/columns`, { name: 'x', type: 'datetime' }));
    ok(await s.request('PATCH', `${B}/tables/shapes/data/a`, { x: '2020-01-02T03:04:05.006Z' }));
    expect(await xs('shapes', '2019-01-01T00:00:00Z')).toEqual([['a', '2020-01-02T03:04:05.006Z']]);
    // The same SQL text as before the change: PostgreSQL's prepared statements must not be reused either.
    expect(ok(await s.request('GET', `${B}/tables/shapes/data/a`)).body.x).toBe('2020-01-02T03:04:05.006Z');

    // Renamed: the table's SQL name changes.
    ok(await s.request('PATCH', `${B}/tables/shapes`, { name: 'shapes_renamed' }));
    expect(await xs('shapes_renamed', '2020-01-01T00:00:00Z')).toEqual([['a', '2020-01-02T03:04:05.006Z']]);
  });

  it('any generated query (valid or not) answers 200 or a 400, never a 500', async () => {
    const column = fc.constantFrom('name', 'email', 'age', 'score', 'active', 'tags', 'birth', 'bio', 'team', 'team.name', 'team.rank', 'settings', 'settings.plan', 'meta', 'id', 'xata.createdAt', 'nope', '');
    const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constantFrom('2024-01-01T00:00:00Z', '1e999', '*', '\\'));
    const op = fc.constantFrom('$is', '$isNot', '$gt', '$ge', '$lt', '$le', '$contains', '$iContains', '$startsWith', '$endsWith', '$pattern', '$iPattern', '$includes', '$includesAll', '$includesNone', '$any', '$all', '$none', '$not', '$exists', '$bogus');
    const filter: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' },
        fc.dictionary(column, fc.oneof(scalar, fc.dictionary(op, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 2 })), { maxKeys: 2 }),
        fc.record({ k: fc.constantFrom('$any', '$all', '$none', '$not'), v: fc.oneof(tie('node'), fc.array(tie('node'), { maxLength: 3 })) }).map(({ k, v }) => ({ [k]: v })),
        fc.record({ k: fc.constantFrom('$exists', '$notExists'), v: fc.oneof(column, scalar) }).map(({ k, v }) => ({ [k]: v })),
        scalar,
      ),
    })).node;
    const body = fc.record({
      filter, sort: fc.oneof(fc.constant(undefined), fc.dictionary(column, fc.constantFrom('asc', 'desc', 'random', 'up')), fc.array(column, { maxLength: 2 })),
      page: fc.oneof(fc.constant(undefined), fc.record({ size: fc.integer({ min: -1, max: 1001 }), offset: fc.integer({ min: -1, max: 60000 }) }, { requiredKeys: [] })),
      columns: fc.oneof(fc.constant(undefined), fc.array(fc.oneof(column, fc.constant('*'), fc.constant({ name: '<-posts.author' })), { maxLength: 3 })),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const res = await q(b);
      expect([200, 400], JSON.stringify({ b, res: res.body }).slice(0, 500)).toContain(res.status);
    }), { numRuns: 300 });
  });

  it('rejects bad queries with 400 in the API error format, never 500', async () => {
    expectError(await q({ filter: { nope: 1 } }), 400, /column \[nope\] not found/);
    expectError(await q({ filter: { age: 'old' } }), 400, /column \[age\].*a number/);
    expectError(await q({ filter: { age: { $contains: '1' } } }), 400, /text columns only/);
    expectError(await q({ filter: { active: { $gt: true } } }), 400, /booleans/);
    expectError(await q({ filter: { birth: { $gt: 'yesterday' } } }), 400, /RFC 3339/);
    expectError(await q({ filter: { name: { $regex: 'x' } } }), 400, /unknown operator \[\$regex\]/);
    expectError(await q({ filter: { $foo: [] } }), 400, /unknown operator/);
    expectError(await q({ filter: { $any: [] } }), 400, /non-empty array/);
    expectError(await q({ filter: { $exists: 5 } }), 400, /column name/);
    expectError(await q({ filter: { meta: { $gt: true } } }), 400, /\$gt expects a string or a number/);
    expectError(await q({ filter: { 'meta->a->': 1 } }), 400, /steps cannot be empty/);
    expectError(await q({ filter: { name: { $includes: 'x' } } }), 400, /multiple/);
    expectError(await q({ filter: { settings: { plan: 'x', $is: 'y' } } }), 400, /cannot mix/);
    expectError(await q({ filter: 'name' }), 400, /filter must be an object/);
    expectError(await q({ sort: { age: 'up' } }), 400, /asc.*desc/);
    expectError(await q({ sort: { tags: 'asc' } }), 400, /cannot be sorted/);
    expectError(await q({ sort: { '*': 'asc' } }), 400, /random/);
    expectError(await q({ page: { size: 1001 } }), 400, /size/);
    expectError(await q({ page: { size: 0 } }), 400, /size/);
    expectError(await q({ page: { offset: 50001 } }), 400, /offset/);
    expectError(await q({ columns: ['nope'] }), 400, /column \[nope\] not found/);
    expectError(await q({ unknown: true }), 400, /.+/);
    expectError(await q('{"filter":'), 400, /.+/);
    expectError(await q({}, 'nope'), 404, /table \[nope\] not found/);
    expectError(await s.request('POST', '/db/nope:main/tables/users/query', {}), 404, /.+/);
  });
});
