import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, contains, ge, gt, includesAll, lt, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Queries through the official Xata SDK (@xata.io/client 0.30.1) against a real Strata on
 * each engine: getMany / getPaginated / getAll / getFirst with filters, sorts, column
 * selection and cursors in both directions, read([ids]), and link expansion. Results are
 * compared with what the seeded data says they must be.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }] },
  {
    name: 'people',
    columns: [
      { name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'tags', type: 'multiple' },
      { name: 'joined', type: 'datetime' }, { name: 'team', type: 'link', link: { table: 'teams' } },
    ],
  },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { teams: Inferred['teams'] & XataRecord; people: Inferred['people'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

// 30 people: ages cycle 20..29 (ties), every third one without tags, teams alternate.
const PEOPLE = Array.from({ length: 30 }, (_, i) => ({
  id: `p${String(i).padStart(2, '0')}`,
  name: `Person ${String.fromCharCode(65 + (i % 26))}${i}`,
  age: 20 + (i % 10),
  tags: i % 3 === 0 ? [] : i % 2 === 0 ? ['even', 'x'] : ['odd'],
  joined: new Date(Date.UTC(2020, 0, 1 + i)),
  team: i % 2 === 0 ? 'red' : 'blue',
}));

/** The reference order for `sort age desc`: age desc, then id asc (ties). */
const byAgeDesc = [...PEOPLE].sort((a, b) => b.age - a.age || a.id.localeCompare(b.id)).map((p) => p.id);

describeEachEngine('Xata SDK 0.30.1 against Strata: queries', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/sdkq', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/sdkq:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient({
      apiKey: s.token, branch: 'main', databaseURL: 'https://ws-abc.us-east-1.xata.sh/db/sdkq',
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
    for (const [id, name] of [['red', 'Red'], ['blue', 'Blue']]) expect((await s.request('PUT', `/db/sdkq:main/tables/teams/data/${id}`, { name })).status).toBe(201);
    for (const p of PEOPLE) {
      const res = await s.request('PUT', `/db/sdkq:main/tables/people/data/${p.id}`, { ...p, joined: p.joined.toISOString() });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => { await s?.close(); });

  it('getMany with filter, sort and size returns the matching records in order', async () => {
    const rows = await xata.db.people.filter({ age: gt(25) }).sort('age', 'desc').getMany({ pagination: { size: 5 } });
    expect(rows.map((r) => r.id)).toEqual(byAgeDesc.filter((id) => PEOPLE.find((p) => p.id === id)!.age > 25).slice(0, 5));
    expect(rows[0]!.joined).toBeInstanceOf(Date);
    expect(rows[0]!.team?.id).toMatch(/^(red|blue)$/);
  });

  it('select with link columns, multiple sorts, helper operators and getFirst', async () => {
    const rows = await xata.db.people.select(['name', 'team.name']).filter('tags', includesAll(contains('e'))).filter({ age: { $ge: 22 } }).sort('age', 'asc').sort('name', 'desc').getMany();
    const expected = PEOPLE.filter((p) => p.age >= 22 && p.tags.every((t) => t.includes('e'))).sort((a, b) => a.age - b.age || (a.name < b.name ? 1 : -1));
    expect(rows.map((r) => r.id)).toEqual(expected.slice(0, 20).map((p) => p.id));
    expect(rows[0]!.team?.name).toMatch(/^(Red|Blue)$/);
    expect((rows[0] as any).age).toBeUndefined();
    const first = await xata.db.people.filter({ 'team.name': 'Blue' }).sort('joined', 'desc').getFirst();
    expect(first?.id).toBe('p29');
    expect(await xata.db.people.filter({ name: 'nobody' }).getFirst()).toBeNull();
  });

  it('getPaginated walks forward with cursors, back with previousPage, and jumps to start and end', async () => {
    const page1 = await xata.db.people.sort('age', 'desc').getPaginated({ pagination: { size: 7 } });
    expect(page1.records.map((r) => r.id)).toEqual(byAgeDesc.slice(0, 7));
    expect(page1.hasNextPage()).toBe(true);
    const page2 = await page1.nextPage();
    expect(page2.records.map((r) => r.id)).toEqual(byAgeDesc.slice(7, 14));
    const page3 = await page2.nextPage();
    expect(page3.records.map((r) => r.id)).toEqual(byAgeDesc.slice(14, 21));
    const back = await page3.previousPage();
    expect(back.records.map((r) => r.id)).toEqual(byAgeDesc.slice(7, 14));
    const start = await page3.startPage();
    expect(start.records.map((r) => r.id)).toEqual(byAgeDesc.slice(0, 7));
    const end = await page1.endPage();
    expect(end.records.map((r) => r.id)).toEqual(byAgeDesc.slice(23));
    let page = page1;
    const seen = [...page.records.map((r) => r.id)];
    while (page.hasNextPage()) {
      page = await page.nextPage();
      seen.push(...page.records.map((r) => r.id));
    }
    expect(seen).toEqual(byAgeDesc);
  });

  it('getPaginated with an explicit cursor and offset', async () => {
    const first = await xata.db.people.filter({ age: lt(24) }).getPaginated({ pagination: { size: 4, offset: 2 } });
    const matching = PEOPLE.filter((p) => p.age < 24).map((p) => p.id);
    expect(first.records.map((r) => r.id)).toEqual(matching.slice(2, 6));
    const next = await xata.db.people.getPaginated({ pagination: { size: 4, after: first.meta.page.cursor } });
    expect(next.records.map((r) => r.id)).toEqual(matching.slice(6, 10));
  });

  it('getAll batches through every record with cursors', async () => {
    const all = await xata.db.people.sort('name').getAll({ batchSize: 4 });
    expect(all.map((r) => r.id)).toEqual([...PEOPLE].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => p.id));
    const filtered = await xata.db.people.filter({ joined: ge(new Date(Date.UTC(2020, 0, 25))) }).getAll();
    expect(filtered.map((r) => r.id)).toEqual(PEOPLE.slice(24).map((p) => p.id));
  });

  it('read([ids]) returns records in the order asked, null for missing ones', async () => {
    const rows = await xata.db.people.read(['p05', 'nope', 'p01']);
    expect(rows.map((r) => r?.id ?? null)).toEqual(['p05', null, 'p01']);
    expect(rows[0]!.name).toBe(PEOPLE[5]!.name);
    // The SDK reads up to 1000 ids in one query.
    const ids = Array.from({ length: 1000 }, (_, i) => (i % 40 < 30 ? `p${String(i % 40).padStart(2, '0')}` : `none${i}`));
    const many = await xata.db.people.read(ids);
    expect(many.map((r) => r?.id ?? null)).toEqual(ids.map((id) => (id.startsWith('p') ? id : null)));
  });

  it('random order returns each record once', async () => {
    const rows = await xata.db.people.sort('*', 'random').getMany({ pagination: { size: 30 } });
    expect(rows.map((r) => r.id).sort()).toEqual(PEOPLE.map((p) => p.id));
  });
});
