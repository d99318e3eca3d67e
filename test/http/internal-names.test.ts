import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { metaClient } from '../support/xano.js';

/**
 * User columns named like the aliases, loop variables and internal columns the generated SQL
 * uses (search sync and ranking, selects, groups, vector scores, the word list, SQLite's rowid):
 * every statement qualifies its references, so none of them is ambiguous or reads the wrong column.
 * Names an engine keeps for its own row columns (SQLite's rowid, PostgreSQL's system columns) are refused.
 * The names come from grepping the SQL builders in src/storage (AS "…", DECLARE …, unnest … AS …).
 */
const INTERNAL = [
  'w', 't', 'r', 's', 'x', 'a', 'b', 'h', 'n', 'e', 'i', 'v', 'k', 'one', 'seq', 'key', 'word', 'table_id', 'value',
  'rank', 'score', 'rid', 'row', 'doc', 't0', 't1', 'c0', 'c1', '_id', '_score', '_h', '_c',
  '_m', '_p', '_rn', '_v', 'was', 'f', 'exists',
];

describeEachEngine('columns named like the SQL\'s internal names', (engine) => {
  let s: RunningStrata;
  const table = '/db/names:main/tables/things';
  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/names', {})).status).toBe(201);
    const columns = [
      { name: 'body', type: 'text' }, { name: 'tags', type: 'multiple' }, { name: 'emb', type: 'vector', vector: { dimension: 2 } },
      ...INTERNAL.map((name, i) => ({ name, type: i % 3 === 0 ? 'text' : i % 3 === 1 ? 'string' : 'int' })),
    ];
    const created = await s.request('PUT', table, { columns });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  const valueOf = (name: string, i: number, n: number) => (i % 3 === 2 ? n * 10 + i : `${name} word${n} common`);
  const record = (n: number) => ({
    body: `lamp number${n} bright`, tags: ['red', `tag${n}`], emb: [1, n],
    ...Object.fromEntries(INTERNAL.map((name, i) => [name, valueOf(name, i, n)])),
  });

  it('inserts, updates, reads, queries, searches and aggregates', async () => {
    for (const n of [1, 2, 3]) {
      const r = await s.request('PUT', `${table}/data/rec${n}`, record(n));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const patched = await s.request('PATCH', `${table}/data/rec2`, { w: 'patched wolf', rank: 'ranked', score: 99, body: 'lamp dimmed' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const got = await s.request('GET', `${table}/data/rec2`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ w: 'patched wolf', rank: 'ranked', score: 99, t0: valueOf('t0', INTERNAL.indexOf('t0'), 2) });

    const query = await s.request('POST', `${table}/query`, { filter: { w: { $contains: 'wolf' }, score: { $gt: 1 } }, sort: [{ rank: 'asc' }, { t: 'desc' }] });
    expect(query.status, JSON.stringify(query.body)).toBe(200);
    expect(query.body.records.map((r: { id: string }) => r.id)).toEqual(['rec2']);

    // Words of the internal-name text columns and of `body` are found (the word list included: a typo).
    for (const [q, fuzziness, ids] of [['wolf', 0, ['rec2']], ['number3', 0, ['rec3']], ['numbr1', 1, ['rec1']], ['word1', 0, ['rec1']], ['tag2', 0, ['rec2']]] as const) {
      const found = await s.request('POST', `${table}/search`, { query: q, fuzziness });
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      expect(found.body.records.map((r: { id: string }) => r.id), q).toEqual(ids);
    }
    const boosted = await s.request('POST', `${table}/search`, { query: 'common', boosters: [{ numericBooster: { column: 'score', factor: 1 } }] });
    expect(boosted.status, JSON.stringify(boosted.body)).toBe(200);
    expect(boosted.body.records[0].id).toBe('rec2');

    const summary = await s.request('POST', `${table}/summarize`, { columns: ['s'], summaries: { n: { count: '*' }, top: { max: 'score' } }, sort: [{ s: 'asc' }] });
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    expect(summary.body.summaries).toHaveLength(3);
    const aggs = await s.request('POST', `${table}/aggregate`, { aggs: { rank: { count: '*' }, w: { topValues: { column: 'tags', size: 1 } } } });
    expect(aggs.status, JSON.stringify(aggs.body)).toBe(200);
    expect(aggs.body.aggs.rank).toBe(3);
    const near = await s.request('POST', `${table}/vectorSearch`, { column: 'emb', queryVector: [1, 3], size: 1 });
    expect(near.status, JSON.stringify(near.body)).toBe(200);
    expect(near.body.records[0].id).toBe('rec3');

    const removed = await s.request('DELETE', `${table}/data/rec1`);
    expect(removed.status).toBe(200);
    const after = await s.request('POST', `${table}/search`, { query: 'number1', fuzziness: 0 });
    expect(after.body.records).toEqual([]);
  });

  it('refuses the names the engines keep for their own row columns, in any case, with a 400 naming them', async () => {
    for (const name of ['rowid', 'ROWID', '_rowid_', 'oid', 'ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']) {
      const r = await s.request('POST', `${table}/columns`, { name, type: 'string' });
      expect([r.status, r.body.message], name).toEqual([400, expect.stringContaining(`[${name}]`)]);
    }
  });

  it('does the same through the Metadata API (a column `w` next to a text column)', async () => {
    const api = metaClient(s);
    const ws = (await api.ok('POST', '/workspace', { name: 'names_meta' })).id as number;
    const schema = [{ name: 'id', type: 'int' }, { name: 'title', type: 'text' }, ...INTERNAL.filter((n) => n !== 'id').map((name) => ({ name, type: 'text' }))];
    const t = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'items', schema })).id as number;
    const url = `/workspace/${ws}/table/${t}/content`;
    const created = await api.ok('POST', url, { title: 'hello there', w: 'wide', rank: 'first' });
    expect(created).toMatchObject({ id: 1, title: 'hello there', w: 'wide', rank: 'first' });
    expect(await api.ok('PUT', `${url}/1`, { w: 'wider' })).toMatchObject({ w: 'wider' });
    expect((await api.ok('POST', `${url}/search`, { search: [{ w: 'wider' }] })).itemsTotal).toBe(1);
  });
});
