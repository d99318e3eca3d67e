import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { applyMigration } from '../../src/core/schema/apply-migration.js';
import { engineCatalog } from '../support/engine-indexes.js';
import { expectError } from '../support/data-api-errors.js';

/**
 * Full-text search over real HTTP, on every engine: POST /tables/{t}/search and POST /search.
 * Relevance, targets and weights, filters, boosters, typo tolerance, prefixes, highlights,
 * paging, several tables, and an index that follows every write and schema change.
 */

type Res = Awaited<ReturnType<RunningStrata['request']>>;

const BRANCH = '/db/app:main';
let tableCounter = 0;
const uniqueTable = (prefix: string) => `${prefix}_${++tableCounter}`;

/** Words no test searches for, so that the words under test stay rare (bm25 gives words in most records next to no weight). */
const FILLERS = Array.from({ length: 12 }, (_, i) => ({ id: `filler${i}`, title: `lorem ipsum ${i}`, body: 'dolor sit amet consectetur adipiscing elit sed do' }));

const ids = (res: Res): string[] => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.records.map((r: { id: string }) => r.id);
};

const scores = (res: Res): number[] => res.body.records.map((r: { xata: { score: number } }) => r.xata.score);

function expectBestFirst(res: Res): void {
  const s = scores(res);
  for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
}

describeEachEngine('search: one table', (engine) => {
  let s: RunningStrata;
  const search = (table: string, body: unknown) => s.request('POST', `${BRANCH}/tables/${table}/search`, body);

  /** Creates a table with these columns and records (ids given), plus the filler records. */
  async function seed(prefix: string, columns: unknown[], records: Array<Record<string, unknown>>, fillers = true): Promise<string> {
    const name = uniqueTable(prefix);
    const created = await s.request('PUT', `${BRANCH}/tables/${name}`, { columns });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    for (const record of [...records, ...(fillers ? FILLERS : [])]) {
      const res = await s.request('POST', `${BRANCH}/tables/${name}/data`, record);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    return name;
  }
  const docColumns = [
    { name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'author', type: 'email' },
    { name: 'tags', type: 'multiple' }, { name: 'category', type: 'string' }, { name: 'views', type: 'int' },
    { name: 'rating', type: 'float' }, { name: 'published', type: 'datetime' }, { name: 'featured', type: 'bool' },
    { name: 'meta', type: 'object', columns: [{ name: 'summary', type: 'text' }, { name: 'pages', type: 'int' }] },
  ];

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  it('finds records holding any query word, with id, xata.table, xata.score and xata.highlight, and counts them', async () => {
    const t = await seed('docs', docColumns, [
      { id: 'q1', title: 'Quantum computing basics', author: 'ada@example.com', views: 3 },
      { id: 'q2', title: 'Cooking for beginners', body: 'A quantum of patience helps.' },
      { id: 'q3', title: 'Gardening', tags: ['roses', 'quantum'] },
      { id: 'q4', title: 'Astronomy', meta: { summary: 'Nothing quantum here, apart from this word.' } },
      { id: 'q5', title: 'Unrelated', category: 'quantum-adjacent' },
    ]);
    const res = await search(t, { query: 'quantum', fuzziness: 0 });
    expect(new Set(ids(res))).toEqual(new Set(['q1', 'q2', 'q3', 'q4', 'q5']));
    expect(res.body.totalCount).toBe(5);
    expectBestFirst(res);
    const q1 = res.body.records.find((r: { id: string }) => r.id === 'q1');
    expect(q1).toMatchObject({ id: 'q1', title: 'Quantum computing basics', author: 'ada@example.com', views: 3 });
    expect(q1.xata).toEqual({
      version: 0, createdAt: expect.any(String), updatedAt: expect.any(String),
      table: t, score: expect.any(Number), highlight: { title: ['<em>Quantum</em> computing basics'] },
    });
    expect(q1.xata.score).toBeGreaterThan(0);
    expect(Object.keys(res.body)).toEqual(['records', 'totalCount']);

    const none = await search(t, { query: 'xylophone', fuzziness: 0 });
    expect(none.body).toEqual({ records: [], totalCount: 0 });
    // Words are what match: punctuation alone finds nothing; an email's parts are words.
    expect((await search(t, { query: '!!!' })).body).toEqual({ records: [], totalCount: 0 });
    expect(ids(await search(t, { query: 'ada', fuzziness: 0 }))).toEqual(['q1']);
    expect(ids(await search(t, { query: 'QUANTUM Basics', fuzziness: 0 }))[0]).toBe('q1');
  });

  it('ranks by relevance: more query words, more occurrences, shorter values first', async () => {
    const t = await seed('rank', docColumns, [
      { id: 'both', title: 'nebula telescope' },
      { id: 'one', title: 'nebula' },
      { id: 'long', title: 'the great nebula of the far southern winter sky seen from a hill' },
      { id: 'many', body: 'nebula nebula nebula dolor sit amet consectetur' },
      { id: 'few', body: 'nebula dolor sit amet consectetur adipiscing elit' },
    ]);
    const order = ids(await search(t, { query: 'nebula telescope', fuzziness: 0, target: ['title'] }));
    expect(order).toEqual(['both', 'one', 'long']);
    const byFrequency = ids(await search(t, { query: 'nebula', fuzziness: 0, target: ['body'] }));
    expect(byFrequency).toEqual(['many', 'few']);
  });

  it('searches only the target columns, weighted', async () => {
    const t = await seed('weights', docColumns, [
      { id: 'inTitle', title: 'orbit report', body: 'dolor sit amet consectetur adipiscing elit sed do' },
      { id: 'inBody', title: 'lorem ipsum 99', body: 'orbit report dolor sit amet consectetur adipiscing elit' },
    ]);
    expect(ids(await search(t, { query: 'orbit', fuzziness: 0, target: ['title'] }))).toEqual(['inTitle']);
    expect(ids(await search(t, { query: 'orbit', fuzziness: 0, target: [{ column: 'body' }] }))).toEqual(['inBody']);
    const titleHeavy = await search(t, { query: 'orbit', fuzziness: 0, target: [{ column: 'title', weight: 10 }, { column: 'body', weight: 1 }] });
    expect(ids(titleHeavy)).toEqual(['inTitle', 'inBody']);
    const bodyHeavy = await search(t, { query: 'orbit', fuzziness: 0, target: [{ column: 'title', weight: 1 }, { column: 'body', weight: 10 }] });
    expect(ids(bodyHeavy)).toEqual(['inBody', 'inTitle']);
    // Highlights cover the target columns only; an object column names its sub-columns, `*` every other column.
    const highlighted = await search(t, { query: 'orbit', fuzziness: 0, target: ['body'] });
    expect(highlighted.body.records[0].xata.highlight).toEqual({ body: ['<em>orbit</em> report dolor sit amet consectetur adipiscing elit'] });
    expect(new Set(ids(await search(t, { query: 'orbit', fuzziness: 0, target: ['*'] })))).toEqual(new Set(['inTitle', 'inBody']));
    const nested = await seed('nested', docColumns, [{ id: 'n1', meta: { summary: 'orbit insertion' } }], false);
    const viaObject = await search(nested, { query: 'orbit', fuzziness: 0, target: ['meta'] });
    expect(ids(viaObject)).toEqual(['n1']);
    expect(viaObject.body.records[0].xata.highlight).toEqual({ meta: { summary: ['<em>orbit</em> insertion'] } });
  });

  it('combines the search with a Xata filter in the same query (totalCount counts the filtered matches)', async () => {
    const t = await seed('filtered', docColumns, [
      { id: 'a', title: 'comet sighting', category: 'science', views: 10 },
      { id: 'b', title: 'comet tail', category: 'science', views: 1 },
      { id: 'c', title: 'comet cocktail', category: 'food', views: 50 },
      { id: 'd', title: 'meteor', category: 'science', views: 100 },
    ]);
    const science = await search(t, { query: 'comet', fuzziness: 0, filter: { category: 'science' } });
    expect(new Set(ids(science))).toEqual(new Set(['a', 'b']));
    expect(science.body.totalCount).toBe(2);
    const popular = await search(t, { query: 'comet', fuzziness: 0, filter: { $any: [{ views: { $ge: 10 } }, { title: { $contains: 'tail' } }] } });
    expect(new Set(ids(popular))).toEqual(new Set(['a', 'b', 'c']));
    expect((await search(t, { query: 'comet', fuzziness: 0, filter: { category: 'none' } })).body).toEqual({ records: [], totalCount: 0 });
  });

  it('filters and boosts by columns of linked records (joined in the same query)', async () => {
    const teams = await seed('teams', [{ name: 'name', type: 'string' }, { name: 'size', type: 'int' }], [
      { id: 'big', name: 'Big team', size: 100 }, { id: 'small', name: 'Small team', size: 2 },
    ], false);
    const t = await seed('members', [{ name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'team', type: 'link', link: { table: teams } }], [
      { id: 'm1', title: 'rocket engineer', team: 'small' },
      { id: 'm2', title: 'rocket scientist', team: 'big' },
      { id: 'm3', title: 'rocket fan' },
    ]);
    expect(ids(await search(t, { query: 'rocket', fuzziness: 0, filter: { 'team.name': { $contains: 'Big' } } }))).toEqual(['m2']);
    expect(ids(await search(t, { query: 'rocket', fuzziness: 0, filter: { team: 'small' } }))).toEqual(['m1']);
    const boosted = await search(t, { query: 'rocket', fuzziness: 0, boosters: [{ numericBooster: { column: 'team.size', factor: 1 } }] });
    expect(ids(boosted)).toEqual(['m2', 'm1', 'm3']);
    expect(boosted.body.records[0].team).toEqual({ id: 'big' });
  });

  describe('boosters', () => {
    let t: string;
    beforeAll(async () => {
      // The same text everywhere (and as many words: bm25 weighs a record's length), so relevance
      // ties and the boosters alone decide the order.
      t = await seed('boost', docColumns, [
        { id: 'b1', title: 'boosted item', category: 'plain', views: 5, rating: 0.5, published: '2024-01-01T00:00:00Z', tags: ['x'] },
        { id: 'b2', title: 'boosted item', category: 'featured', views: 500, rating: 2, published: '2023-06-01T00:00:00Z', tags: ['y'] },
        { id: 'b3', title: 'boosted item', category: 'plain', views: 50, rating: 4, published: '2024-01-10T00:00:00Z', tags: ['hot'] },
      ]);
    });
    const run = (boosters: unknown[]) => search(t, { query: 'boosted', fuzziness: 0, boosters });

    it('without boosters equal relevance falls back to id order', async () => {
      const res = await run([]);
      expect(ids(res)).toEqual(['b1', 'b2', 'b3']);
      expect(new Set(scores(res)).size).toBe(1);
    });

    it('valueBooster multiplies the score of records holding the value (multiple columns: an element)', async () => {
      expect(ids(await run([{ valueBooster: { column: 'category', value: 'featured', factor: 10 } }]))).toEqual(['b2', 'b1', 'b3']);
      expect(ids(await run([{ valueBooster: { column: 'tags', value: 'hot', factor: 3 } }]))).toEqual(['b3', 'b1', 'b2']);
      const plain = await run([]);
      const boosted = await run([{ valueBooster: { column: 'category', value: 'featured', factor: 10 } }]);
      expect(boosted.body.records[0].xata.score).toBeCloseTo(plain.body.records[0].xata.score * 10, 6);
      // ifMatchesFilter limits it to the records the filter matches.
      expect(ids(await run([{ valueBooster: { column: 'category', value: 'featured', factor: 10, ifMatchesFilter: { views: { $lt: 100 } } } }]))).toEqual(['b1', 'b2', 'b3']);
    });

    it('numericBooster adds factor × modifier(value)', async () => {
      expect(ids(await run([{ numericBooster: { column: 'views', factor: 1 } }]))).toEqual(['b2', 'b3', 'b1']);
      expect(ids(await run([{ numericBooster: { column: 'views', factor: -1 } }]))).toEqual(['b1', 'b3', 'b2']);
      expect(ids(await run([{ numericBooster: { column: 'views', factor: 2, modifier: 'reciprocal' } }]))).toEqual(['b1', 'b3', 'b2']);
      expect(ids(await run([{ numericBooster: { column: 'rating', factor: 1, modifier: 'log1p' } }]))).toEqual(['b3', 'b2', 'b1']);
      const plain = scores(await run([]))[0]!;
      const logged = await run([{ numericBooster: { column: 'views', factor: 2, modifier: 'log' } }]);
      expect(logged.body.records[0].xata.score).toBeCloseTo(plain + 2 * Math.log10(500), 6);
      expect(ids(await run([{ numericBooster: { column: 'views', factor: 1, ifMatchesFilter: { category: 'plain' } } }]))).toEqual(['b3', 'b1', 'b2']);
    });

    it('dateBooster adds factor × decay^(distance / scale) from the origin', async () => {
      const near2024 = await run([{ dateBooster: { column: 'published', origin: '2024-01-10T00:00:00Z', scale: '1d', decay: 0.5, factor: 5 } }]);
      expect(ids(near2024)).toEqual(['b3', 'b1', 'b2']);
      const plain = scores(await run([]))[0]!;
      expect(near2024.body.records[0].xata.score).toBeCloseTo(plain + 5, 6); // at the origin: the full factor
      expect(near2024.body.records[1].xata.score).toBeCloseTo(plain + 5 * 0.5 ** 9, 6); // nine days (scales) away
      expect(ids(await run([{ dateBooster: { column: 'published', origin: '2023-06-01T00:00:00Z', scale: '30d', decay: 0.5 } }]))).toEqual(['b2', 'b1', 'b3']);
      expect(ids(await run([{ dateBooster: { column: 'published', origin: '2023-06-01T00:00:00Z', scale: '30d', decay: 0.5, ifMatchesFilter: { category: 'plain' } } }]))).toEqual(['b1', 'b3', 'b2']);
      // System timestamps work too; a recent origin boosts every record a little.
      const created = await run([{ dateBooster: { column: 'xata.createdAt', scale: '1h', decay: 0.5 } }]);
      for (const score of scores(created)) expect(score).toBeGreaterThan(plain + 0.5);
    });

    it('boosters combine: value boosters multiply, the others add', async () => {
      const plain = scores(await run([]))[0]!;
      const res = await run([
        { valueBooster: { column: 'category', value: 'featured', factor: 4 } },
        { numericBooster: { column: 'rating', factor: 1 } },
      ]);
      const b2 = res.body.records.find((r: { id: string }) => r.id === 'b2');
      expect(b2.xata.score).toBeCloseTo(plain * 4 + 2, 6);
    });
  });

  it('tolerates typos up to `fuzziness` edits per word (default 1), exact matches first', async () => {
    const t = await seed('typos', docColumns, [
      { id: 'photo', title: 'photosynthesis explained' },
      { id: 'grey', title: 'grey theory' },
      { id: 'gray', title: 'gray theory' },
    ]);
    expect(ids(await search(t, { query: 'photosinthesis', fuzziness: 0 }))).toEqual([]);
    expect(ids(await search(t, { query: 'photosinthesis', fuzziness: 1 }))).toEqual(['photo']);
    expect(ids(await search(t, { query: 'photosinthesis' }))).toEqual(['photo']); // default 1
    expect(ids(await search(t, { query: 'fotosynthesis', fuzziness: 1 }))).toEqual([]);
    const two = await search(t, { query: 'fotosynthesis', fuzziness: 2 });
    expect(ids(two)).toEqual(['photo']);
    expect(two.body.records[0].xata.highlight).toEqual({ title: ['<em>photosynthesis</em> explained'] });
    // Both spellings within one edit; the exact one ranks first.
    expect(ids(await search(t, { query: 'gray', fuzziness: 1 }))).toEqual(['gray', 'grey']);
    expect(ids(await search(t, { query: 'grey', fuzziness: 1 }))).toEqual(['grey', 'gray']);
    expect(ids(await search(t, { query: 'gray', fuzziness: 0 }))).toEqual(['gray']);
    // Swapped neighbours are one edit (as in Elasticsearch, Xata's engine), also as a prefix.
    expect(ids(await search(t, { query: 'thoery', fuzziness: 1 }))).toEqual(['gray', 'grey']);
    expect(ids(await search(t, { query: 'thoery', fuzziness: 0 }))).toEqual([]);
    expect(ids(await search(t, { query: 'phtoo', fuzziness: 1, prefix: 'phrase' }))).toEqual(['photo']);
    // A one-letter word is never fuzzy.
    expect(ids(await search(t, { query: 'x', fuzziness: 2 }))).toEqual([]);
  });

  it('prefix "phrase" lets the last word match as a prefix; "disabled" (the default) matches whole words', async () => {
    const t = await seed('prefix', docColumns, [
      { id: 'p1', title: 'Alice in Wonderland' },
      { id: 'p2', title: 'Alicante travel guide' },
      { id: 'p3', title: 'Wonder woman' },
    ]);
    expect(ids(await search(t, { query: 'ali', fuzziness: 0 }))).toEqual([]);
    expect(ids(await search(t, { query: 'ali', fuzziness: 0, prefix: 'disabled' }))).toEqual([]);
    const prefixed = await search(t, { query: 'ali', fuzziness: 0, prefix: 'phrase' });
    expect(new Set(ids(prefixed))).toEqual(new Set(['p1', 'p2']));
    expect(prefixed.body.records.find((r: { id: string }) => r.id === 'p2').xata.highlight).toEqual({ title: ['<em>Alicante</em> travel guide'] });
    // Only the last word is a prefix.
    expect(ids(await search(t, { query: 'wonder ali', fuzziness: 0, prefix: 'phrase' })).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(ids(await search(t, { query: 'ali wonder', fuzziness: 0, prefix: 'phrase' })).sort()).toEqual(['p1', 'p3']);
    // With typos allowed, a prefix may be misspelt too.
    expect(new Set(ids(await search(t, { query: 'alx', fuzziness: 1, prefix: 'phrase' })))).toEqual(new Set(['p1', 'p2']));
  });

  it('highlights matched words in context, HTML-encoded unless encodeHTML is false, or not at all', async () => {
    const long = `${'Filler words go here. '.repeat(20)}The needle sits in the middle. ${'More filler after it. '.repeat(20)}`;
    const t = await seed('hl', docColumns, [
      { id: 'h1', title: '<b>Tom & Jerry</b> "cartoon"', tags: ['cartoon', 'cats', 'mice'] },
      { id: 'h2', body: long, meta: { summary: 'A needle, a thread' } },
    ], false);
    const encoded = await search(t, { query: 'jerry', fuzziness: 0 });
    expect(encoded.body.records[0].xata.highlight).toEqual({ title: ['&lt;b&gt;Tom &amp; <em>Jerry</em>&lt;/b&gt; &quot;cartoon&quot;'] });
    const explicit = await search(t, { query: 'jerry', fuzziness: 0, highlight: { enabled: true, encodeHTML: true } });
    expect(explicit.body.records[0].xata.highlight).toEqual(encoded.body.records[0].xata.highlight);
    const raw = await search(t, { query: 'jerry', fuzziness: 0, highlight: { encodeHTML: false } });
    expect(raw.body.records[0].xata.highlight).toEqual({ title: ['<b>Tom & <em>Jerry</em></b> "cartoon"'] });
    const off = await search(t, { query: 'jerry', fuzziness: 0, highlight: { enabled: false } });
    expect(off.body.records[0].xata).not.toHaveProperty('highlight');
    expect(off.body.records[0].xata.score).toBeGreaterThan(0);
    // Every matching column; a multiple column per matching element.
    const cartoon = await search(t, { query: 'cartoon mice', fuzziness: 0 });
    expect(cartoon.body.records[0].xata.highlight).toEqual({
      title: ['&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &quot;<em>cartoon</em>&quot;'],
      tags: ['<em>cartoon</em>', '<em>mice</em>'],
    });
    // Long text: a fragment around the match, not the whole value.
    const needle = await search(t, { query: 'needle', fuzziness: 0 });
    const highlight = needle.body.records[0].xata.highlight;
    expect(highlight.meta).toEqual({ summary: ['A <em>needle</em>, a thread'] });
    expect(highlight.body).toHaveLength(1);
    expect(highlight.body[0]).toContain('The <em>needle</em> sits in the middle.');
    expect(highlight.body[0].length).toBeLessThan(160);
  });

  it('pages by size and offset over a stable order; totalCount is every match', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, title: 'paging word', views: i }));
    const t = await seed('paging', docColumns, records);
    const all = await search(t, { query: 'paging', fuzziness: 0, page: { size: 200 } });
    expect(all.body.totalCount).toBe(30);
    expect(ids(all)).toEqual(records.map((r) => r.id)); // ties: by id
    const firstPage = await search(t, { query: 'paging', fuzziness: 0 });
    expect(ids(firstPage)).toEqual(ids(all).slice(0, 25)); // default size 25
    const pages: string[] = [];
    for (const offset of [0, 10, 20]) {
      const page = await search(t, { query: 'paging', fuzziness: 0, page: { size: 10, offset } });
      expect(page.body.totalCount).toBe(30);
      expect(page.body.records).toHaveLength(10);
      pages.push(...ids(page));
    }
    expect(pages).toEqual(ids(all));
    const boosted = await search(t, { query: 'paging', fuzziness: 0, page: { size: 5, offset: 2 }, boosters: [{ numericBooster: { column: 'views', factor: 1 } }] });
    expect(ids(boosted)).toEqual(['r27', 'r26', 'r25', 'r24', 'r23']);
    expect((await search(t, { query: 'paging', fuzziness: 0, page: { offset: 800 } })).body).toEqual({ records: [], totalCount: 30 });
  });

  it('answers 400 {id, message} for bad input, 404 for an unknown table or branch, never 500', async () => {
    const t = await seed('bad', docColumns, [{ id: 'x', title: 'anything' }], false);
    const bad: unknown[] = [
      {}, { query: '' }, { query: [] }, { query: 'a', fuzziness: 3 }, { query: 'a', fuzziness: -1 }, { query: 'a', fuzziness: 1.5 },
      { query: 'a', prefix: 'word' }, { query: 'a', page: { size: 0 } }, { query: 'a', page: { size: 201 } }, { query: 'a', page: { offset: 801 } },
      { query: 'a', page: { cursor: 'x' } }, { query: 'a', highlight: { enabled: 'yes' } }, { query: 'a', highlight: { color: true } }, { query: 'a', tables: [] },
      { query: 'a', target: 'title' }, { query: 'a', target: [{ column: 'title', weight: 11 }] }, { query: 'a', target: [{ column: 'title', weight: 0 }] },
      { query: 'a', target: [{ name: 'title' }] }, { query: 'a', target: [5] },
      { query: 'a', filter: 'title' }, { query: 'a', filter: { nope: 1 } }, { query: 'a', filter: { views: 'many' } },
      { query: 'a', boosters: {} }, { query: 'a', boosters: [{ magicBooster: { column: 'views' } }] },
      { query: 'a', boosters: [{ valueBooster: { column: 'views', value: 'x', factor: 2 } }] },
      { query: 'a', boosters: [{ valueBooster: { column: 'category', value: 'x' } }] },
      { query: 'a', boosters: [{ numericBooster: { column: 'title', factor: 1 } }] },
      { query: 'a', boosters: [{ numericBooster: { column: 'views', factor: 1, modifier: 'cube' } }] },
      { query: 'a', boosters: [{ numericBooster: { column: 'nope', factor: 1 } }] },
      { query: 'a', boosters: [{ dateBooster: { column: 'published', scale: '1w', decay: 0.5 } }] },
      { query: 'a', boosters: [{ dateBooster: { column: 'published', scale: '1d', decay: 2 } }] },
      { query: 'a', boosters: [{ dateBooster: { column: 'published', scale: '1d', decay: 0.5, origin: 'yesterday' } }] },
      { query: 'a', boosters: [{ dateBooster: { column: 'views', scale: '1d', decay: 0.5 } }] },
      { query: 'a', boosters: [{ valueBooster: { column: 'category', value: 'x', factor: 1, ifMatchesFilter: { nope: 1 } } }] },
      { query: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') },
    ];
    for (const body of bad) {
      const res = await search(t, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectError(res, 400);
    }
    expectError(await search(t, { query: 'a', target: ['nope'] }), 400, /target column \[nope\] not found/);
    expectError(await search(t, { query: 'a', target: ['views'] }), 400, /target column \[views\] is not searchable/);
    expectError(await search(t, { query: 'a', target: ['meta.pages'] }), 400, /not searchable/);
    expectError(await search(t, { query: 'a', fuzziness: 3 }), 400, /fuzziness/);
    expectError(await search(t, { query: '' }), 400, /query/);
    expectError(await search('nosuchtable', { query: 'a' }), 404, /table \[nosuchtable\] not found/);
    expectError(await s.request('POST', '/db/app:nobranch/tables/x/search', { query: 'a' }), 404);
    expectError(await s.request('POST', '/db/nodb:main/tables/x/search', { query: 'a' }), 404);
    expectError(await s.request('POST', `${BRANCH}/tables/${t}/search`, '{"query": '), 400);
  });

  it('a table without searchable columns has nothing to find', async () => {
    const t = await seed('numbers', [{ name: 'n', type: 'int' }], [{ n: 1 }], false);
    expect((await search(t, { query: 'one' })).body).toEqual({ records: [], totalCount: 0 });
  });

  describe('the index follows every write, in the same transaction', () => {
    it('inserts, updates, replaces, upserts and deletes', async () => {
      const t = await seed('writes', docColumns, [{ id: 'w1', title: 'alpha' }]);
      const data = `${BRANCH}/tables/${t}/data`;
      const find = async (word: string, fuzziness = 0) => ids(await search(t, { query: word, fuzziness }));
      expect(await find('alpha')).toEqual(['w1']);
      expect((await s.request('POST', data, { id: 'w2', title: 'beta', tags: ['gamma'] })).status).toBe(201);
      expect(await find('beta')).toEqual(['w2']);
      expect(await find('gamma')).toEqual(['w2']);
      // A new word is at once a typo target as well.
      expect(await find('gamna', 1)).toEqual(['w2']);
      expect((await s.request('PATCH', `${data}/w1`, { title: 'delta' })).status).toBe(200);
      expect(await find('alpha')).toEqual([]);
      expect(await find('delta')).toEqual(['w1']);
      expect((await s.request('PATCH', `${data}/w1`, { views: 7 })).status).toBe(200); // no searchable column touched
      expect(await find('delta')).toEqual(['w1']);
      expect((await s.request('PUT', `${data}/w1`, { body: 'epsilon' })).status).toBe(200); // replace: title gone
      expect(await find('delta')).toEqual([]);
      expect(await find('epsilon')).toEqual(['w1']);
      expect((await s.request('POST', `${data}/w3`, { meta: { summary: 'zeta' } })).status).toBe(201); // upsert creates
      expect(await find('zeta')).toEqual(['w3']);
      expect((await s.request('POST', `${data}/w3`, { meta: { summary: 'eta' } })).status).toBe(200); // upsert updates
      expect(await find('zeta')).toEqual([]);
      expect(await find('eta')).toEqual(['w3']);
      expect((await s.request('PATCH', `${data}/w2`, { tags: null, title: null })).status).toBe(200);
      expect(await find('gamma')).toEqual([]);
      expect(await find('beta')).toEqual([]);
      expect((await s.request('DELETE', `${data}/w1`)).status).toBe(200);
      expect(await find('epsilon')).toEqual([]);
      expect((await search(t, { query: 'epsilon eta beta', fuzziness: 0 })).body.totalCount).toBe(1);
    });

    it('typo variants follow inserts, updates and deletes (the word list and its one-deletion keys)', async () => {
      const t = await seed('wordlist', [{ name: 'title', type: 'string' }, { name: 'tags', type: 'multiple' }], [{ id: 'w1', title: 'granite quarry' }], false);
      expect(ids(await search(t, { query: 'granit' }))).toEqual(['w1']); // a deletion
      expect(ids(await search(t, { query: 'graniet' }))).toEqual(['w1']); // a transposition
      expect(ids(await search(t, { query: 'grxnite' }))).toEqual(['w1']); // a substitution
      expect(ids(await search(t, { query: 'granites' }))).toEqual(['w1']); // an insertion
      expect((await s.request('PATCH', `${BRANCH}/tables/${t}/data/w1`, { title: 'marble', tags: ['basalt'] })).status).toBe(200);
      expect(ids(await search(t, { query: 'granit' }))).toEqual([]);
      expect(ids(await search(t, { query: 'marbel' }))).toEqual(['w1']);
      expect(ids(await search(t, { query: 'basalx' }))).toEqual(['w1']);
      expect(ids(await search(t, { query: 'basaltic', fuzziness: 2 }))).toEqual(['w1']); // two edits: the length window
      expect((await s.request('DELETE', `${BRANCH}/tables/${t}/data/w1`)).status).toBe(200);
      expect((await search(t, { query: 'marbel' })).body).toEqual({ records: [], totalCount: 0 });
      expect((await s.request('POST', `${BRANCH}/tables/${t}/data`, { id: 'w2', title: 'marble again' })).status).toBe(201);
      expect(ids(await search(t, { query: 'marbel' }))).toEqual(['w2']);
    });

    it('totalCount is exact up to 10 000 matches and 10 000 beyond (Xata, on Elasticsearch, stops counting there)', async () => {
      const t = await seed('manymatches', [{ name: 'title', type: 'string' }], [], false);
      const ctx = await s.strata.databases.resolve('app', 'main');
      const table = (await ctx.schema()).tables.get(t)!;
      const title = table.leaf('title')!;
      await ctx.store.transaction(async (tx) => {
        for (let i = 0; i < 10_001; i++) await tx.insertRecord(table, `m${String(i).padStart(5, '0')}`, new Map([[title, `common word ${i}`]]), Date.now());
      });
      const page = await search(t, { query: 'common', fuzziness: 0, page: { size: 3 } });
      expect(page.body.totalCount).toBe(10_000);
      expect(ids(page)).toEqual(['m00000', 'm00001', 'm00002']); // equal relevance: by id
      expect((await search(t, { query: 'common', fuzziness: 0, page: { size: 3, offset: 800 } })).body.totalCount).toBe(10_000);
      expect(ids(await search(t, { query: 'common', fuzziness: 0, page: { size: 3, offset: 800 } }))).toEqual(['m00800', 'm00801', 'm00802']);
      expect((await search(t, { query: 'common', fuzziness: 0, filter: { title: { $endsWith: ' 7' } } })).body.totalCount).toBe(1);
      expect((await search(t, { query: '9999 10000', fuzziness: 0 })).body.totalCount).toBe(2);
    }, 120_000);

    it('a rolled-back transaction leaves the index as it was', async () => {
      const t = await seed('rollback', docColumns, [{ id: 'keep', title: 'steady' }, { id: 'gone', title: 'fleeting' }]);
      const ctx = await s.strata.databases.resolve('app', 'main');
      const table = (await ctx.schema()).tables.get(t)!;
      const title = table.leaf('title')!;
      const failed = ctx.store.transaction(async (tx) => {
        await tx.insertRecord(table, 'ghost', new Map([[title, 'phantom']]), Date.now());
        await tx.updateRecord(table, 'keep', new Map([[title, { kind: 'set', value: 'wobbly' }]]), Date.now(), {});
        await tx.deleteRecord(table, 'gone');
        throw new Error('roll back');
      });
      await expect(failed).rejects.toThrow('roll back');
      expect(ids(await search(t, { query: 'phantom wobbly', fuzziness: 0 }))).toEqual([]);
      expect(ids(await search(t, { query: 'phantm', fuzziness: 1 }))).toEqual([]);
      expect(ids(await search(t, { query: 'steady', fuzziness: 0 }))).toEqual(['keep']);
      expect(ids(await search(t, { query: 'fleeting', fuzziness: 0 }))).toEqual(['gone']);
    });
  });

  describe('the index follows schema changes', () => {
    const columnsOf = (t: string) => `${BRANCH}/tables/${t}/columns`;

    it('an added column is searchable, with its default value on existing records', async () => {
      const t = await seed('addcol', [{ name: 'title', type: 'string' }], [{ id: 'a1', title: 'first' }], false);
      expect((await s.request('POST', columnsOf(t), { name: 'notes', type: 'text' })).status).toBe(200);
      expect((await s.request('PATCH', `${BRANCH}/tables/${t}/data/a1`, { notes: 'xylophone lessons' })).status).toBe(200);
      expect(ids(await search(t, { query: 'xylophone', fuzziness: 0 }))).toEqual(['a1']);
      expect(ids(await search(t, { query: 'xylophone', fuzziness: 0, target: ['notes'] }))).toEqual(['a1']);
      expect((await s.request('POST', columnsOf(t), { name: 'kind', type: 'string', notNull: true, defaultValue: 'marimba' })).status).toBe(200);
      expect(ids(await search(t, { query: 'marimba', fuzziness: 0, target: ['kind'] }))).toEqual(['a1']);
      expect(ids(await search(t, { query: 'marimbo', fuzziness: 1 }))).toEqual(['a1']);
      expect((await s.request('POST', columnsOf(t), { name: 'more', type: 'object', columns: [{ name: 'labels', type: 'multiple' }] })).status).toBe(200);
      expect((await s.request('POST', `${BRANCH}/tables/${t}/data`, { id: 'a2', more: { labels: ['vibraphone'] } })).status).toBe(201);
      expect(ids(await search(t, { query: 'vibraphone', fuzziness: 0, target: ['more.labels'] }))).toEqual(['a2']);
      expect(ids(await search(t, { query: 'first', fuzziness: 0 }))).toEqual(['a1']);
    });

    it('a renamed column keeps its words under its new name, and new writes are indexed', async () => {
      const t = await seed('renamecol', [{ name: 'title', type: 'string' }, { name: 'body', type: 'text' }], [{ id: 'r1', title: 'harbour', body: 'lighthouse' }], false);
      expect((await s.request('PATCH', `${columnsOf(t)}/title`, { name: 'heading' })).status).toBe(200);
      const found = await search(t, { query: 'harbour', fuzziness: 0, target: ['heading'] });
      expect(ids(found)).toEqual(['r1']);
      expect(found.body.records[0].xata.highlight).toEqual({ heading: ['<em>harbour</em>'] });
      expectError(await search(t, { query: 'harbour', target: ['title'] }), 400, /not found/);
      expect((await s.request('PATCH', `${BRANCH}/tables/${t}/data/r1`, { heading: 'marina' })).status).toBe(200);
      expect(ids(await search(t, { query: 'harbour', fuzziness: 0 }))).toEqual([]);
      expect(ids(await search(t, { query: 'marina', fuzziness: 0 }))).toEqual(['r1']);
      expect((await s.request('POST', `${BRANCH}/tables/${t}/data`, { id: 'r2', heading: 'quay' })).status).toBe(201);
      expect(ids(await search(t, { query: 'quai', fuzziness: 1 }))).toEqual(['r2']);
    });

    it('a dropped column no longer matches; the others still do, and writes go on', async () => {
      const t = await seed('dropcol', [{ name: 'title', type: 'string' }, { name: 'secret', type: 'text' }, { name: 'n', type: 'int' }],
        [{ id: 'd1', title: 'visible', secret: 'hidden' }], false);
      expect(ids(await search(t, { query: 'hidden', fuzziness: 0 }))).toEqual(['d1']);
      expect((await s.request('DELETE', `${columnsOf(t)}/secret`)).status).toBe(200);
      expect(ids(await search(t, { query: 'hidden', fuzziness: 0 }))).toEqual([]);
      expect(ids(await search(t, { query: 'visible', fuzziness: 0 }))).toEqual(['d1']);
      expect((await s.request('DELETE', `${columnsOf(t)}/n`)).status).toBe(200);
      expect((await s.request('POST', `${BRANCH}/tables/${t}/data`, { id: 'd2', title: 'fresh' })).status).toBe(201);
      expect(ids(await search(t, { query: 'fresh', fuzziness: 0 }))).toEqual(['d2']);
      expect((await s.request('DELETE', `${columnsOf(t)}/title`)).status).toBe(200);
      expect((await search(t, { query: 'visible' })).body).toEqual({ records: [], totalCount: 0 });
    });

    it('a renamed table keeps its index; a dropped table takes it along (its id reused by the next table)', async () => {
      const t = await seed('renametable', [{ name: 'title', type: 'string' }], [{ id: 'm1', title: 'migrating' }], false);
      const renamed = `${t}_new`;
      expect((await s.request('PATCH', `${BRANCH}/tables/${t}`, { name: renamed })).status).toBe(200);
      expect(ids(await search(renamed, { query: 'migrating', fuzziness: 0 }))).toEqual(['m1']);
      expect((await s.request('POST', `${BRANCH}/tables/${renamed}/data`, { id: 'm2', title: 'arrived' })).status).toBe(201);
      expect(ids(await search(renamed, { query: 'arrivd', fuzziness: 1 }))).toEqual(['m2']);
      expectError(await search(t, { query: 'migrating' }), 404);

      // The newest table's id goes to the next table created after it is dropped.
      const last = await seed('lasttable', [{ name: 'title', type: 'string' }], [{ id: 'l1', title: 'ghostly' }], false);
      expect((await s.request('DELETE', `${BRANCH}/tables/${last}`)).status).toBe(200);
      const next = await seed('nexttable', [{ name: 'title', type: 'string' }], [], false);
      expect((await search(next, { query: 'ghostly', fuzziness: 1 })).body).toEqual({ records: [], totalCount: 0 });
      expect((await s.request('POST', `${BRANCH}/tables/${next}/data`, { id: 'n1', title: 'ghostly again' })).status).toBe(201);
      expect(ids(await search(next, { query: 'ghostly', fuzziness: 0 }))).toEqual(['n1']);
    });

    it('a table of integer ids (Metadata API tables) is searchable too', async () => {
      const ctx = await s.strata.databases.resolve('app', 'main');
      await ctx.store.transaction((tx) => applyMigration(tx, [
        { addTable: { table: 'int_ids' } },
        { addColumn: { table: 'int_ids', column: { name: 'name', type: 'string' } } },
      ], { idKind: 'int' }));
      s.strata.databases.schemaChanged(ctx.branch.id);
      for (const name of ['first light', 'second light', 'dark']) {
        expect((await s.request('POST', `${BRANCH}/tables/int_ids/data`, { name })).status).toBe(201);
      }
      expect(ids(await search('int_ids', { query: 'light', fuzziness: 0 }))).toEqual(['1', '2']);
      expect((await s.request('DELETE', `${BRANCH}/tables/int_ids/data/1`)).status).toBe(200);
      expect(ids(await search('int_ids', { query: 'light', fuzziness: 0 }))).toEqual(['2']);
    });
  });

  // PostgreSQL keeps a stored tsvector per searchable column (a generated column, GIN-indexed): never a record's field.
  // An engine-specific test, registered on that engine's suite only (not a skip elsewhere).
  if (engine.name === 'postgres') it('PostgreSQL: stored vectors follow the columns, stay hidden, and replace older indexes', async () => {
    const t = await seed('vectors', [{ name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'tags', type: 'multiple' }, { name: 'n', type: 'int' }],
      [{ id: 'v1', title: 'anchor', body: 'compass', tags: ['sextant'], n: 1 }], false);
    expect(ids(await search(t, { query: 'sextant', fuzziness: 0 }))).toEqual(['v1']);
    const ctx = await s.strata.databases.resolve('app', 'main');
    const catalog = await engineCatalog(s.config, ctx.branch.id);
    try {
      /** The table's generated columns, in column order: the column their expression reads, and their GIN indexes. */
      const vectors = async () => (await catalog.rows(`SELECT a.attname AS name, pg_get_expr(ad.adbin, ad.adrelid) AS expr,
          (SELECT count(*) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = a.attrelid AND i.indkey[0] = a.attnum AND am.amname = 'gin')::int AS gin
        FROM pg_attribute a JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attrelid = $1::regclass AND a.attgenerated = 's' ORDER BY a.attnum`, [t])) as Array<{ name: string; expr: string; gin: number }>;
      const expected = async (columns: string[]) => {
        const found = await vectors();
        expect(found.map((v) => v.expr.match(/\b(title|body|tags)\b/)?.[1])).toEqual(columns);
        expect(found.map((v) => v.gin)).toEqual(columns.map(() => 1));
        expect(found.every((v) => v.name.startsWith('xata_tsv_'))).toBe(true);
      };
      const expressions = async () => (await catalog.rows(`SELECT count(*)::int AS n FROM pg_index WHERE indrelid = $1::regclass AND indexprs IS NOT NULL`, [t]))[0]!.n;
      await expected(['title', 'body', 'tags']);
      expect(await expressions()).toBe(0);

      // Never a field: not in records, queries or the schema.
      const record = (await s.request('GET', `${BRANCH}/tables/${t}/data/v1`)).body;
      expect(Object.keys(record).sort()).toEqual(['body', 'id', 'n', 'tags', 'title', 'xata']);
      const queried = (await s.request('POST', `${BRANCH}/tables/${t}/query`, {})).body.records[0];
      expect(Object.keys(queried).sort()).toEqual(['body', 'id', 'n', 'tags', 'title', 'xata']);
      const schema = (await s.request('GET', `${BRANCH}/tables/${t}/schema`)).body;
      expect(schema.columns.map((c: { name: string }) => c.name)).toEqual(['title', 'body', 'tags', 'n']);

      // Two searchable columns swap names in one migration: each vector follows its column.
      await ctx.store.transaction((tx) => applyMigration(tx, [
        { renameColumn: { table: t, oldName: 'title', newName: 'swap' } },
        { renameColumn: { table: t, oldName: 'body', newName: 'title' } },
        { renameColumn: { table: t, oldName: 'swap', newName: 'body' } },
      ]));
      s.strata.databases.schemaChanged(ctx.branch.id);
      expect(ids(await search(t, { query: 'compass', fuzziness: 0, target: ['title'] }))).toEqual(['v1']);
      expect(ids(await search(t, { query: 'anchor', fuzziness: 0, target: ['body'] }))).toEqual(['v1']);
      expect(ids(await search(t, { query: 'anchor', fuzziness: 0, target: ['title'] }))).toEqual([]);
      expect((await s.request('PATCH', `${BRANCH}/tables/${t}/data/v1`, { title: 'rudder' })).status).toBe(200);
      expect(ids(await search(t, { query: 'rudder', fuzziness: 0, target: ['title'] }))).toEqual(['v1']);
      expect(ids(await search(t, { query: 'ruddr', fuzziness: 1 }))).toEqual(['v1']);
      await expected(['body', 'title', 'tags']); // in column order: the old title (now body) first

      // An index from before stored vectors (version 2: expression indexes) is rebuilt on the next search.
      await catalog.rows(`ALTER TABLE "${t}" ${(await vectors()).map((v) => `DROP COLUMN "${v.name}"`).join(', ')}`, []);
      await catalog.rows(`CREATE INDEX "sx_old" ON "${t}" USING gin (to_tsvector('simple'::regconfig, "title"))`, []);
      await catalog.rows(`UPDATE "_strata_search" SET "version" = 2`, []);
      s.strata.databases.schemaChanged(ctx.branch.id);
      expect(ids(await search(t, { query: 'rudder', fuzziness: 0, target: ['title'] }))).toEqual(['v1']);
      await expected(['body', 'title', 'tags']);
      expect(await expressions()).toBe(0);

      // A dropped searchable column takes its vector along.
      expect((await s.request('DELETE', `${BRANCH}/tables/${t}/columns/tags`)).status).toBe(200);
      await expected(['body', 'title']);
      expect(ids(await search(t, { query: 'anchor', fuzziness: 0 }))).toEqual(['v1']);
    } finally {
      await catalog.close();
    }
  });

  it('branch copies search their own records, with and without data', async () => {
    const t = await seed('copied', [{ name: 'title', type: 'string' }, { name: 'tags', type: 'multiple' }], [
      { id: 'c1', title: 'original record', tags: ['shared'] },
      { id: 'c2', title: 'deleted before the copy' },
    ], false);
    expect((await s.request('DELETE', `${BRANCH}/tables/${t}/data/c2`)).status).toBe(200);
    expect((await s.request('PUT', '/db/app:withdata', { from: 'main', copyData: true })).status).toBe(201);
    expect((await s.request('PUT', '/db/app:schemaonly', { from: 'main' })).status).toBe(201);
    const on = (branch: string, body: unknown) => s.request('POST', `/db/app:${branch}/tables/${t}/search`, body);

    expect(ids(await on('withdata', { query: 'original', fuzziness: 0 }))).toEqual(['c1']);
    expect(ids(await on('withdata', { query: 'deleted', fuzziness: 0 }))).toEqual([]);
    expect(ids(await on('withdata', { query: 'orignal', fuzziness: 1 }))).toEqual(['c1']);
    expect((await s.request('POST', `/db/app:withdata/tables/${t}/data`, { id: 'c3', title: 'branch only', tags: ['devwork'] })).status).toBe(201);
    expect(ids(await on('withdata', { query: 'devwork', fuzziness: 0 }))).toEqual(['c3']);
    expect(ids(await on('withdata', { query: 'devwrk', fuzziness: 1 }))).toEqual(['c3']);
    expect(ids(await search(t, { query: 'devwork' }))).toEqual([]); // main is untouched
    expect((await s.request('POST', `${BRANCH}/tables/${t}/data`, { id: 'c4', title: 'main only' })).status).toBe(201);
    expect(ids(await on('withdata', { query: 'main', fuzziness: 0 }))).toEqual([]);

    expect((await on('schemaonly', { query: 'original shared', fuzziness: 1 })).body).toEqual({ records: [], totalCount: 0 });
    expect((await s.request('POST', `/db/app:schemaonly/tables/${t}/data`, { id: 's1', title: 'fresh start' })).status).toBe(201);
    expect(ids(await on('schemaonly', { query: 'fresh', fuzziness: 0 }))).toEqual(['s1']);
    expect(ids(await on('schemaonly', { query: 'frsh', fuzziness: 1 }))).toEqual(['s1']);
    // A schema change on the copy keeps its index working.
    expect((await s.request('POST', `/db/app:withdata/tables/${t}/columns`, { name: 'extra', type: 'string' })).status).toBe(200);
    expect(ids(await on('withdata', { query: 'original', fuzziness: 0 }))).toEqual(['c1']);
  });
});

describeEachEngine('search: several tables (POST /db/{db}:{branch}/search)', (engine) => {
  let s: RunningStrata;
  const searchAll = (body: unknown) => s.request('POST', '/db/multi:main/search', body);
  const tableOf = (res: Res) => res.body.records.map((r: { id: string; xata: { table: string } }) => `${r.xata.table}/${r.id}`);

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/multi', { region: 'local' })).status).toBe(201);
    const tables: Record<string, { columns: unknown[]; records: Array<Record<string, unknown>> }> = {
      teams: {
        columns: [{ name: 'name', type: 'string' }, { name: 'labels', type: 'multiple' }],
        records: [
          { id: 't1', name: 'Team fruits', labels: ['apple', 'banana'] },
          { id: 't2', name: 'Team animals', labels: ['lion', 'eagle'] },
          { id: 't3', name: 'Mixed fruits and animals', labels: ['banana', 'lion'] },
        ],
      },
      users: {
        columns: [{ name: 'full_name', type: 'string' }, { name: 'bio', type: 'text' }, { name: 'age', type: 'int' }],
        records: [
          { id: 'u1', full_name: 'Owner of team fruits', bio: 'Grows apples', age: 40 },
          { id: 'u2', full_name: 'Owner of team animals', bio: 'Feeds lions', age: 30 },
          { id: 'u3', full_name: 'Visitor', bio: 'Likes fruits', age: 20 },
        ],
      },
      counters: { columns: [{ name: 'n', type: 'int' }], records: [{ id: 'k1', n: 1 }] },
    };
    for (const [name, { columns, records }] of Object.entries(tables)) {
      expect((await s.request('PUT', `/db/multi:main/tables/${name}`, { columns })).status).toBe(201);
      for (const record of records) expect((await s.request('POST', `/db/multi:main/tables/${name}/data`, record)).status).toBe(201);
    }
  });
  afterAll(async () => { await s?.close(); });

  it('searches every table by default; each record names its table; best first across tables', async () => {
    const res = await searchAll({ query: 'fruits', fuzziness: 0 });
    expect(res.status).toBe(200);
    expect(new Set(tableOf(res))).toEqual(new Set(['teams/t1', 'teams/t3', 'users/u1', 'users/u3']));
    expect(res.body.totalCount).toBe(4);
    expectBestFirst(res);
    for (const record of res.body.records) {
      expect(record.xata).toEqual({
        version: 0, createdAt: expect.any(String), updatedAt: expect.any(String),
        score: expect.any(Number), highlight: expect.any(Object), table: expect.stringMatching(/^(teams|users)$/),
      });
    }
    const u3 = res.body.records.find((r: { id: string }) => r.id === 'u3');
    expect(u3).toMatchObject({ full_name: 'Visitor', bio: 'Likes fruits', age: 20, xata: { highlight: { bio: ['Likes <em>fruits</em>'] } } });
  });

  it('limits the search to the listed tables, each with its own target, filter and boosters', async () => {
    expect(tableOf(await searchAll({ query: 'fruits', fuzziness: 0, tables: ['teams'] })).sort()).toEqual(['teams/t1', 'teams/t3']);
    const filtered = await searchAll({ query: 'fruits animals', fuzziness: 0, tables: [{ table: 'users', filter: { age: { $ge: 30 } } }, 'teams'] });
    expect(new Set(tableOf(filtered))).toEqual(new Set(['users/u1', 'users/u2', 'teams/t1', 'teams/t2', 'teams/t3']));
    expect(filtered.body.totalCount).toBe(5);
    const targeted = await searchAll({ query: 'fruits', fuzziness: 0, tables: [{ table: 'users', target: ['bio'] }] });
    expect(tableOf(targeted)).toEqual(['users/u3']);
    const boosted = await searchAll({ query: 'owner', fuzziness: 0, tables: [{ table: 'users', boosters: [{ numericBooster: { column: 'age', factor: 1 } }] }] });
    expect(tableOf(boosted)).toEqual(['users/u1', 'users/u2']);
    const labels = await searchAll({ query: 'lion', fuzziness: 0, tables: [{ table: 'teams', target: ['labels'] }], highlight: { enabled: false } });
    expect(tableOf(labels).sort()).toEqual(['teams/t2', 'teams/t3']);
    expect(labels.body.records[0].xata).not.toHaveProperty('highlight');
  });

  it('pages across tables after merging them by score', async () => {
    const all = await searchAll({ query: 'fruits animals', fuzziness: 0 });
    expect(all.body.totalCount).toBe(6);
    const paged: string[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await searchAll({ query: 'fruits animals', fuzziness: 0, page: { size: 2, offset } });
      expect(page.body.totalCount).toBe(6);
      paged.push(...tableOf(page));
    }
    expect(paged).toEqual(tableOf(all));
    expect((await searchAll({ query: 'fruits', fuzziness: 0, prefix: 'phrase', page: { offset: 10 } })).body.records).toEqual([]);
  });

  it('typos and prefixes work across tables', async () => {
    expect(new Set(tableOf(await searchAll({ query: 'fruts', fuzziness: 1 })))).toEqual(new Set(['teams/t1', 'teams/t3', 'users/u1', 'users/u3']));
    expect(new Set(tableOf(await searchAll({ query: 'ban', fuzziness: 0, prefix: 'phrase' })))).toEqual(new Set(['teams/t1', 'teams/t3']));
  });

  it('answers 404 for an unknown table and 400 for bad tables', async () => {
    expectError(await searchAll({ query: 'x', tables: ['nope'] }), 404, /table \[nope\] not found/);
    expectError(await searchAll({ query: 'x', tables: [5] }), 400);
    expectError(await searchAll({ query: 'x', tables: [{ name: 'teams' }] }), 400);
    expectError(await searchAll({ query: 'x', tables: ['teams', 'teams'] }), 400, /twice/);
    expectError(await searchAll({ query: 'x', tables: [{ table: 'teams', sort: 'name' }] }), 400);
    expectError(await searchAll({ query: 'x', tables: [{ table: 'counters', target: ['n'] }] }), 400, /not searchable/);
    expectError(await searchAll({ query: 'x', target: ['name'] }), 400);
    expectError(await searchAll({ query: 'x', fuzziness: 3 }), 400);
    expectError(await searchAll({ query: '' }), 400);
    expectError(await s.request('POST', '/db/nodb:main/search', { query: 'x' }), 404);
  });
});
