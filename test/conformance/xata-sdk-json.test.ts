import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * JSON columns through the official Xata SDK (@xata.io/client 0.30.1) on each engine: the
 * filters of the SDK's own json suite (`config->bg->alpha`, whole-value equality, `$isNot`
 * and `$not` leaving out records without the path) and more operators, with the answers
 * that suite expects; summarize grouped by a json column.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }, { name: 'config', type: 'json' }] },
  { name: 'kits', columns: [{ name: 'name', type: 'string' }, { name: 'config', type: 'json' }] },
] as const;

type Inferred = SchemaInference<typeof tables>;
type Schema = { teams: Inferred['teams'] & XataRecord; kits: Inferred['kits'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

const R1 = { color: 'blue', bg: { path: 'a/b/c', alpha: 0.8 }, themes: ['dark'] };
const R2 = { color: 'red', bg: { path: 'a/b/c', alpha: 0.2 }, themes: ['light'] };

describeEachEngine('Xata SDK 0.30.1 against Strata: json columns', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/sdkjson', {})).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/sdkjson:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    xata = new XataClient({
      apiKey: s.token, branch: 'main', databaseURL: 'https://ws-abc.us-east-1.xata.sh/db/sdkjson',
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
    // As in the suite: two rows without the paths, then r1 and r2; and three more of another shape.
    await xata.db.teams.create([
      { id: 'h1', name: 'hello', config: { hello: 'world' } },
      { id: 'h2', name: 'hello', config: '{"hello":"world"}' },
      { id: 'r1', name: 'r1', config: R1 },
      { id: 'r2', name: 'r2', config: R2 },
      { id: 'shirt', name: 'Xata xwag T-shirt', config: { color: 'purple', size: 'M' } },
      { id: 'book', name: 'Meditations', config: { author: 'Marcus Aurelius', isbn: '978-0140449334', pages: 304 } },
      { id: 'rope', name: 'Long climbing rope', config: { length: 80, thickness: 9.8, color: 'blue', tags: ['outdoor', 9, true] } },
      { id: 'none', name: 'no config' },
    ]);
  });
  afterAll(async () => { await s?.close(); });

  const ids = async (filter: Record<string, unknown>) => (await xata.db.teams.filter(filter as never).getAll()).map((r) => r.id).sort();

  it('answers the filters of the SDK suite as it expects', async () => {
    expect(await ids({ config: JSON.stringify(R2) })).toEqual(['r2']);
    expect((await xata.db.teams.filter('config->bg->path' as never, 'a/b/c').getAll()).map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    expect(await ids({ 'config->bg->alpha': 0.8 })).toEqual(['r1']);
    expect(await ids({ 'config->bg->alpha': { $gt: 0.5 } })).toEqual(['r1']);
    expect(await ids({ 'config->bg->alpha': { $lt: 0.5 } })).toEqual(['r2']);
    expect(await ids({ 'config->bg->alpha': 1 })).toEqual([]);
    expect(await ids({ $not: { 'config->bg->alpha': 1 } })).toEqual(['r1', 'r2']);
    expect(await ids({ 'config->bg->alpha': { $isNot: 0.8 } })).toEqual(['r2']);
    expect(await ids({ 'config->themes->0': { $isNot: 'dark' } })).toEqual(['r2']);
    expect(await ids({ 'config->themes': { $contains: 'dark' } })).toEqual(['r1']);
    expect(await ids({ 'config->themes': { $is: '["dark"]' } })).toEqual(['r1']);
    expect(await ids({ 'config->bg->path': { $contains: 'a/b' } })).toEqual(['r1', 'r2']);
    expect(await ids({ 'config->size': 'M' })).toEqual(['shirt']);
    expect(await ids({ 'config->length': { $gt: 50 } })).toEqual(['rope']);
    expect(await ids({ 'config->isbn': { $contains: '0140449334' } })).toEqual(['book']);
    expect(await ids({ 'config->color': { $isNot: 'yellow' } })).toEqual(['r1', 'r2', 'rope', 'shirt']);
    const read = await xata.db.teams.read('r1');
    expect(read?.config).toEqual(R1);
  });

  it('compares typed: strings with strings, numbers with numbers, booleans and objects as JSON', async () => {
    expect(await ids({ 'config->pages': '304' })).toEqual([]);
    expect(await ids({ 'config->pages': 304 })).toEqual(['book']);
    expect(await ids({ 'config->isbn': { $ge: '978' } })).toEqual(['book']);
    expect(await ids({ 'config->isbn': { $gt: 5 } })).toEqual([]);
    expect(await ids({ 'config->thickness': { $ge: 9.8, $lt: 10 } })).toEqual(['rope']);
    expect(await ids({ 'config->color': { $any: ['red', 'purple'] } })).toEqual(['r2', 'shirt']);
    expect(await ids({ 'config->color': ['red', 'purple'] })).toEqual(['r2', 'shirt']);
    expect(await ids({ 'config->bg': { $is: { alpha: 0.2, path: 'a/b/c' } } })).toEqual(['r2']);
    expect(await ids({ 'config->bg': JSON.stringify({ alpha: 0.8, path: 'a/b/c' }) })).toEqual(['r1']);
    expect(await ids({ 'config->tags->2': true })).toEqual(['rope']);
    expect(await ids({ 'config->tags->2': false })).toEqual([]);
    expect(await ids({ 'config->tags': { $contains: 'door' } })).toEqual(['rope']);
    expect(await ids({ config: JSON.stringify({ hello: 'world' }) })).toEqual(['h1', 'h2']);
  });

  it('string operators, $exists, $none and nesting; a missing path matches no condition on it, negated or not', async () => {
    expect(await ids({ 'config->color': { $startsWith: 'bl' } })).toEqual(['r1', 'rope']);
    expect(await ids({ 'config->color': { $endsWith: 'LE', } })).toEqual([]);
    expect(await ids({ 'config->color': { $iContains: 'URP' } })).toEqual(['shirt']);
    expect(await ids({ 'config->color': { $pattern: 'r*' } })).toEqual(['r2']);
    expect(await ids({ 'config->color': { $iPattern: 'B?UE' } })).toEqual(['r1', 'rope']);
    expect(await ids({ $exists: 'config->bg->alpha' })).toEqual(['r1', 'r2']);
    expect(await ids({ $notExists: 'config->bg' })).toEqual(['book', 'h1', 'h2', 'none', 'rope', 'shirt']);
    expect(await ids({ 'config->color': { $none: ['blue', 'red'] } })).toEqual(['shirt']);
    // NOT (a OR b) = NOT a AND NOT b, and NOT b is unknown without a size: only the shirt has one, and it is M.
    expect(await ids({ $not: { $any: [{ 'config->color': 'blue' }, { 'config->size': 'M' }] } })).toEqual([]);
    expect(await ids({ $not: { $any: [{ 'config->color': 'blue' }, { 'config->size': 'L' }] } })).toEqual(['shirt']);
    expect(await ids({ $not: { $all: [{ 'config->color': 'blue' }, { name: 'r1' }] } })).toEqual(['book', 'h1', 'h2', 'none', 'r2', 'rope', 'shirt']);
    expect(await ids({ $not: { $not: { 'config->bg->alpha': 0.8 } } })).toEqual(['r1']);
    // The SDK drops null operands from filters, so these go over HTTP.
    const query = async (filter: unknown) => (await s.request('POST', '/db/sdkjson:main/tables/teams/query', { filter })).body.records.map((r: any) => r.id).sort();
    expect(await query({ 'config->color': null })).toEqual(['book', 'h1', 'h2', 'none']);
    expect(await query({ 'config->color': { $is: null } })).toEqual(['book', 'h1', 'h2', 'none']);
    expect(await query({ 'config->color': { $isNot: null } })).toEqual(['r1', 'r2', 'rope', 'shirt']);
  });

  it('summarize groups by a json column: equal values are one group whatever their key order, sorted alike on both engines', async () => {
    await xata.db.kits.create([
      { id: 'k1', name: 'a', config: { a: 1, b: 2 } },
      { id: 'k2', name: 'b', config: '{"b":2,"a":1}' },
      { id: 'k3', name: 'c', config: { a: 1 } },
      { id: 'k4', name: 'd', config: [1, 2] },
      { id: 'k5', name: 'e' },
    ]);
    // The SDK suite's own check: the group's json comes back parsed.
    const plain = await xata.db.teams.summarize({ columns: ['config'], summaries: {}, filter: { name: 'hello' } });
    expect(plain.summaries).toEqual([{ config: { hello: 'world' } }]);
    const groups = await xata.db.kits.summarize({ columns: ['config'], summaries: { n: { count: '*' } } });
    // jsonb's text order, byte-wise: [1, 2] < {"a": 1, "b": 2} < {"a": 1} (',' < '}'); no value last.
    expect(groups.summaries).toEqual([{ config: [1, 2], n: 1 }, { config: { a: 1, b: 2 }, n: 2 }, { config: { a: 1 }, n: 1 }, { config: null, n: 1 }]);
    const filtered = await xata.db.kits.summarize({ columns: ['config'], summaries: { n: { count: '*' } }, summariesFilter: { 'config->a': 1 } as never });
    expect(filtered.summaries).toEqual([{ config: { a: 1, b: 2 }, n: 2 }, { config: { a: 1 }, n: 1 }]);
    const whole = await xata.db.kits.summarize({ columns: ['config'], summaries: { n: { count: '*' } }, summariesFilter: { config: '{"b":2,"a":1}' } as never });
    expect(whole.summaries).toEqual([{ config: { a: 1, b: 2 }, n: 2 }]);
    const sorted = await xata.db.kits.summarize({ columns: ['config'], summaries: { n: { count: '*' } }, sort: [{ column: 'config', direction: 'desc' }], pagination: { size: 2 } });
    expect(sorted.summaries).toEqual([{ config: { a: 1 }, n: 1 }, { config: { a: 1, b: 2 }, n: 2 }]);
  });

  it('bad paths and operators are a 400 naming them', async () => {
    const bad = async (filter: unknown, message: RegExp) => {
      const res = await s.request('POST', '/db/sdkjson:main/tables/teams/query', { filter });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message).toMatch(message);
    };
    await bad({ 'config->': 1 }, /steps cannot be empty/);
    await bad({ 'config->a"b': 1 }, /cannot contain/);
    await bad({ 'config->a\\b': 1 }, /cannot contain/);
    await bad({ 'name->x': 1 }, /json columns only/);
    await bad({ 'nope->x': 1 }, /column \[nope\] not found/);
    await bad({ '->x': 1 }, /starts with a column/);
    await bad({ 'config->x': { $gt: true } }, /\$gt expects a string or a number/);
    await bad({ 'config->x': { $contains: 5 } }, /takes a string/);
    await bad({ 'config->x': { $includes: 'a' } }, /multiple/);
    await bad({ 'config->x': { $foo: 1 } }, /unknown operator/);
    await bad({ 'config->x': 'a\u0000' }, /NUL/);
    await bad({ [`config${'->a'.repeat(129)}`]: 1 }, /at most 128 steps/);
  });
});
