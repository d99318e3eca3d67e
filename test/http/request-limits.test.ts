import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';
import { REQUEST_LIMITS as L } from '../../src/kernel/request-limits.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * The work one request may ask for is bounded (src/core/request-limits.ts), and client
 * mistakes that used to crash a handler (stack overflows, too many SQL variables, infinite
 * numbers, NUL in text) are 4xx in each face's envelope. After every case the server still
 * answers /health.
 */
const B = '/db/lim:main';

/** `{"$not": {"$not": … {"name": "x"} …}}` as JSON text, `depth` operators deep (JSON.stringify would overflow the stack). */
const nested = (op: '$not' | '$all', depth: number): string => {
  const [open, close] = op === '$not' ? ['{"$not": ', '}'] : ['{"$all": [', ']}'];
  return open.repeat(depth) + '{"name": "x"}' + close.repeat(depth);
};
/** The message of a 400 for a limit: `…: at most <value> (request limit <name>)`. */
const limit = (name: keyof typeof L) => new RegExp(`at most ${L[name]} \\(request limit ${name}\\)`);
const columns = (n: number, type = 'int') => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type }));

describeEachEngine('request limits', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let ws: number;
  let content: string;
  const q = (body: unknown) => s.request('POST', `${B}/tables/items/query`, body);

  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    expect((await s.request('PUT', '/workspaces/local/dbs/lim', {})).status).toBe(201);
    const made = await s.request('PUT', `${B}/tables/items`, { columns: [{ name: 'name', type: 'string' }, { name: 'n', type: 'int' }, { name: 'tags', type: 'multiple' }, { name: 'doc', type: 'json' }] });
    expect(made.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await s.request('POST', `${B}/tables/items/data`, { name: `item ${i}`, n: i, tags: ['a'] })).status).toBe(201);
    ws = (await api.ok('POST', '/workspace', { name: 'limws' })).id as number;
    const table = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'products', schema: [{ name: 'name', type: 'text' }, { name: 'price', type: 'int' }] })).id as number;
    content = `/workspace/${ws}/table/${table}/content`;
    await api.ok('POST', content, { name: 'lamp', price: 3 });
  });
  afterEach(async () => {
    if (!s) return;
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(200);
  });
  afterAll(async () => { await s?.close(); });

  it('filter depth: $not 10 000 deep (query) and $all 1 000 deep (aggregate) are 400s; the depth limit is named below the JSON limit', async () => {
    expectError(await q(`{"filter": ${nested('$not', 10_000)}}`), 400);
    expectError(await s.request('POST', `${B}/tables/items/aggregate`, `{"aggs": {"c": {"count": "*"}}, "filter": ${nested('$all', 1000)}}`), 400);
    expectError(await q(`{"filter": ${nested('$all', L.filterDepth + 1)}}`), 400, limit('filterDepth'));
    expectError(await q(`{"filter": ${nested('$not', L.filterDepth + 1)}}`), 400, limit('filterDepth'));
    expect((await q(`{"filter": ${nested('$not', L.filterDepth - 2)}}`)).status).toBe(200);
    expect((await q(`{"filter": ${nested('$all', L.filterDepth - 2)}}`)).status).toBe(200);
  });

  it('filter size: a 30 000-branch $any of patterns is a 400 naming filterNodes; a filter at the limit runs', async () => {
    const branches = (n: number) => Array.from({ length: n }, (_, i) => ({ name: { $iPattern: `*${i}*x` } }));
    expectError(await q({ filter: { $any: branches(30_000) } }), 400, /request limit filter/);
    expectError(await q({ filter: { $any: branches(L.filterNodes + 1) } }), 400, limit('filterNodes'));
    expect((await q({ filter: { $any: branches(L.filterNodes - 2) } })).status).toBe(200);
  });

  it('lists: $any with 40 000 values, $includesAny with 2 000 are 400s naming listValues; 1 000 values run; many lists together name filterValues', async () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    expectError(await q({ filter: { name: { $any: values(40_000) } } }), 400, limit('listValues'));
    expectError(await q({ filter: { name: values(L.listValues + 1) } }), 400, /request limit listValues/);
    expectError(await q({ filter: { tags: { $includesAny: values(2000) } } }), 400, /request limit listValues/);
    expect((await q({ filter: { name: { $any: values(L.listValues) } } })).status).toBe(200);
    const lists = Array.from({ length: 11 }, () => ({ name: values(L.listValues) }));
    expectError(await q({ filter: { $any: lists } }), 400, /request limit filterValues/);
  });

  it('sort: 5 000 keys is a 400 naming sortKeys; a sort at the limit runs', async () => {
    expectError(await q({ sort: Array.from({ length: 5000 }, () => ({ name: 'asc' })) }), 400, limit('sortKeys'));
    expect((await q({ sort: Array.from({ length: L.sortKeys }, (_, i) => ({ [i % 2 ? 'name' : 'n']: 'desc' })) })).status).toBe(200);
  });

  it('the Metadata API search: deep groups, long chains, long in-lists and long sorts are 400s in its envelope', async () => {
    const groups = (depth: number) => '[{"type": "group", "group": {"expression": '.repeat(depth)
      + '[{"type": "statement", "left": {"tag": "col", "operand": "price"}, "op": "=", "right": {"operand": 1}}]' + '}}]'.repeat(depth);
    expectXanoError(await api.call('POST', `${content}/search`, `{"search": ${groups(5000)}}`), 400);
    expectXanoError(await api.call('POST', `${content}/search`, `{"search": ${groups(L.filterDepth + 1)}}`), 400, undefined, /request limit filterDepth/);
    expect((await api.call('POST', `${content}/search`, `{"search": ${groups(L.filterDepth - 2)}}`)).status).toBe(200);
    const chain = Array.from({ length: 2000 }, (_, i) => ({ 'price|>|or': i }));
    expectXanoError(await api.call('POST', `${content}/search`, { search: chain }), 400, undefined, /request limit filterNodes/);
    expectXanoError(await api.call('POST', `${content}/search`, { search: [{ 'price|in': Array.from({ length: 40_000 }, (_, i) => i) }] }), 400, 'search.0.price|in', /request limit listValues/);
    expectXanoError(await api.call('POST', `${content}/search`, { sort: Array.from({ length: 100 }, () => ({ name: 'asc' })) }), 400, 'sort', /request limit sortKeys/);
    expect((await api.call('POST', `${content}/search`, { search: [{ 'price|in': [1, 3] }] })).body.items).toHaveLength(1);
  });

  it('Metadata API paging: page=1e999, per_page=Infinity and a history page of 1e106 are 400s', async () => {
    expectXanoError(await api.call('GET', `${content}?page=1e999`), 400);
    expectXanoError(await api.call('GET', `${content}?per_page=Infinity`), 400);
    expectXanoError(await api.call('GET', `${content}?page=NaN`), 400);
    expectXanoError(await api.call('POST', `${content}/search`, '{"page": 1e400}'), 400);
    expectXanoError(await api.call('POST', `/workspace/${ws}/request_history/search`, '{"page": 1e106}'), 400);
    expectXanoError(await api.call('GET', `/workspace/${ws}/request_history?page=1e999`), 400);
    expectXanoError(await api.call('GET', `/workspace/${ws}/table?page=1e999`), 400);
  });

  it('data API numbers: ifVersion=1e999, page sizes of 1e400 and an offset of Infinity are 400s', async () => {
    expect((await s.request('PUT', `${B}/tables/items/data/x`, { n: 1 })).status).toBe(201);
    expectError(await s.request('PATCH', `${B}/tables/items/data/x?ifVersion=1e999`, { n: 1 }), 400);
    expectError(await s.request('PATCH', `${B}/tables/items/data/x?ifVersion=Infinity`, { n: 1 }), 400);
    expectError(await q('{"page": {"size": 1e400}}'), 400);
    expectError(await q('{"page": {"offset": 1e400}}'), 400);
    expectError(await s.request('POST', `${B}/tables/items/summarize`, '{"page": {"size": 1e400}}'), 400);
    expectError(await s.request('POST', `${B}/tables/items/search`, '{"query": "x", "page": {"size": 1e400}}'), 400);
    expectError(await s.request('POST', `/db/lim:main/search`, '{"query": "x", "page": {"size": 1e400}}'), 400);
  });

  it('a 20 000-deep JSON body is a 400 (any route), and so is a json value nested past the limit', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    expectError(await s.request('PUT', '/workspaces/local/settings', `{"a": ${deep}}`), 400, /nest/);
    expectError(await q(`{"filter": ${deep}}`), 400, /nest/);
    expectXanoError(await api.call('POST', content, `{"name": ${deep}}`), 400);
    // Within the body's limit but inside JSON text (the SDK sends json values as text).
    expectError(await s.request('POST', `${B}/tables/items/data`, { doc: deep }), 400, /nest/);
    const ok = '['.repeat(50) + ']'.repeat(50);
    expect((await s.request('PUT', '/workspaces/local/settings', `{"a": ${ok}}`)).status).toBe(200);
  });

  it('summaries and aggregations per request are bounded', async () => {
    const summaries = Object.fromEntries(Array.from({ length: L.summaries + 1 }, (_, i) => [`s${i}`, { count: '*' }]));
    expectError(await s.request('POST', `${B}/tables/items/summarize`, { summaries }), 400, /request limit summaries/);
    const aggs = Object.fromEntries(Array.from({ length: L.aggregations + 1 }, (_, i) => [`a${i}`, { count: '*' }]));
    expectError(await s.request('POST', `${B}/tables/items/aggregate`, { aggs }), 400, /request limit aggregations/);
    // Sub-aggregations count too.
    const counts = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, { count: '*' }]));
    const nestedAggs = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`t${i}`, { topValues: { column: 'name', size: 1, aggs: counts } }]));
    expectError(await s.request('POST', `${B}/tables/items/aggregate`, { aggs: nestedAggs }), 400, /request limit aggregations/);
    const fine = Object.fromEntries(Array.from({ length: L.aggregations }, (_, i) => [`a${i}`, { count: '*' }]));
    expect((await s.request('POST', `${B}/tables/items/aggregate`, { aggs: fine })).status).toBe(200);
  });

  it('columns per table: every schema path refuses a table past the limit with a 400, before it is built', async () => {
    const tooMany = columns(L.columnsPerTable + 1);
    expectError(await s.request('PUT', `${B}/tables/wide`, { columns: columns(1000) }), 400, /request limit columnsPerTable/);
    expectError(await s.request('PUT', `${B}/tables/wide`, { columns: tooMany }), 400, limit('columnsPerTable'));
    expect((await s.request('GET', `${B}/tables/wide/schema`)).status).toBe(404);
    expectError(await s.request('POST', `${B}/schema/apply`, { edits: { operations: [{ addTable: { table: 'wide' } }, ...tooMany.map((column) => ({ addColumn: { table: 'wide', column } }))] } }), 400, /request limit columnsPerTable/);
    expectError(await s.request('POST', `${B}/schema/compare`, { schema: { tables: [{ name: 'wide', columns: tooMany }] } }), 400, /request limit columnsPerTable/);
    // An object's children count one each.
    expectError(await s.request('PUT', `${B}/tables/wide`, { columns: [{ name: 'o', type: 'object', columns: tooMany }] }), 400, /request limit columnsPerTable/);
    // A table at the limit takes no more.
    expect((await s.request('PUT', `${B}/tables/full`, { columns: columns(L.columnsPerTable) })).status).toBe(201);
    expectError(await s.request('POST', `${B}/tables/full/columns`, { name: 'more', type: 'int' }), 400, /request limit columnsPerTable/);
    expectError(await s.request('PUT', `${B}/tables/items/schema`, { columns: tooMany }), 400, /request limit columnsPerTable/);
    // The Metadata API: table create with a schema, PUT schema.
    const xano = Array.from({ length: L.columnsPerTable + 1 }, (_, i) => ({ name: `c${i}`, type: 'int' }));
    expectXanoError(await api.call('POST', `/workspace/${ws}/table`, { name: 'wide', schema: xano }), 400, undefined, /request limit columnsPerTable/);
    const table = (await api.ok('GET', `/workspace/${ws}/table`)).items.find((t: { name: string }) => t.name === 'products').id;
    expectXanoError(await api.call('PUT', `/workspace/${ws}/table/${table}/schema`, { schema: xano }), 400, undefined, /request limit columnsPerTable/);
  });

  it('NUL: a notNull column with a NUL in its default, and NUL in text or json values, are 400s on every engine', async () => {
    expectError(await s.request('POST', `${B}/tables/items/columns`, { name: 'nul', type: 'string', notNull: true, defaultValue: 'a\u0000b' }), 400, /NUL/);
    expectError(await s.request('POST', `${B}/tables/items/columns`, { name: 'nul', type: 'string', notNull: true, defaultValue: "x'); DROP TABLE items; --\u0000" }), 400, /NUL/);
    expectError(await s.request('POST', `${B}/tables/items/data`, { name: 'a\u0000b' }), 400, /NUL/);
    expectError(await s.request('POST', `${B}/tables/items/data`, { tags: ['ok', '\u0000'] }), 400, /NUL/);
    expectError(await s.request('POST', `${B}/tables/items/data`, { doc: { k: 'a\u0000' } }), 400, /NUL/);
    expectError(await s.request('POST', `${B}/tables/items/data`, { doc: { ['k\u0000']: 1 } }), 400, /NUL/);
    expectXanoError(await api.call('POST', content, { name: 'lamp\u0000' }), 400, undefined, /NUL/);
    // A filter on a NUL matches nothing rather than failing (PostgreSQL refuses the text).
    expectError(await q({ filter: { name: 'a\u0000' } }), 400, /NUL/);
  });

  it('a notNull default with quotes reaches DDL as data, not SQL: added to a table with records, read back exactly', async () => {
    const value = "it's \"quoted\" ); DROP TABLE items; -- ünïcode";
    const added = await s.request('POST', `${B}/tables/items/columns`, { name: 'label', type: 'string', notNull: true, defaultValue: value });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const rows = await q({ columns: ['label'], page: { size: 1 } });
    expect(rows.body.records[0].label).toBe(value);
    const num = await s.request('POST', `${B}/tables/items/columns`, { name: 'weight', type: 'float', notNull: true, defaultValue: '1e300' });
    expect(num.status, JSON.stringify(num.body)).toBe(200);
    expect((await q({ columns: ['weight'], page: { size: 1 } })).body.records[0].weight).toBe(1e300);
  });
});
