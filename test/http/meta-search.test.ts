import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { expectXanoError, metaClient } from '../support/xano.js';

/**
 * POST …/content/search, search/patch and search/delete over real HTTP: both search formats
 * (A: "col|op|or" keys; B: statements and groups), every operator on numbers, text, dates,
 * booleans, lists and link paths, AND/OR precedence, sorting, paging, and the 400s.
 */
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const PRODUCTS = [
  { name: 'Lamp', price: 30, rating: 4.5, released: day('2024-01-10'), active: true, tags: ['home', 'light'], category: 1 },
  { name: 'Desk', price: 120, rating: 3, released: day('2024-03-05'), active: true, tags: ['home', 'office'], category: 2 },
  { name: 'chair', price: 45, released: day('2023-12-31'), active: false, tags: ['office'], category: 2 },
  { name: 'Laptop', price: 900, rating: 4.8, released: day('2024-06-01'), active: true, tags: [] },
  { name: 'lamp shade', price: 15, rating: 2, active: false, category: 1 },
  { name: 'Mug', rating: 5, released: day('2024-01-10'), active: true, tags: ['kitchen'] },
];

const st = (col: string, op: string, operand: unknown, extra: Record<string, unknown> = {}) =>
  ({ type: 'statement', left: { tag: 'col', operand: col }, op, right: { tag: 'const', operand }, ...extra });
const wrapped = (col: string, op: string, operand: unknown, tag = 'const') =>
  ({ type: 'statement', statement: { left: { tag: 'col', operand: col }, op, right: { tag, operand } } });
const group = (items: unknown[], or = false) => ({ type: 'group', or, group: { expression: items } });

describeEachEngine('Metadata API: content search', (engine) => {
  let s: RunningStrata;
  let api: ReturnType<typeof metaClient>;
  let url: string;
  const ids = async (search: unknown, sort?: unknown) => {
    const body = await api.ok('POST', `${url}/search`, { search, ...(sort ? { sort } : {}) });
    return body.items.map((r: { id: number }) => r.id);
  };

  beforeAll(async () => {
    s = await startStrata(engine);
    api = metaClient(s);
    const ws = (await api.ok('POST', '/workspace', { name: 'search_ws' })).id;
    const categories = (await api.ok('POST', `/workspace/${ws}/table`, { name: 'categories', schema: [{ name: 'id', type: 'int' }, { name: 'name', type: 'text' }] })).id;
    await api.ok('POST', `/workspace/${ws}/table/${categories}/content/bulk`, { items: [{ name: 'Home' }, { name: 'Office' }] });
    const products = (await api.ok('POST', `/workspace/${ws}/table`, {
      name: 'products',
      schema: [
        { name: 'id', type: 'int' }, { name: 'name', type: 'text' }, { name: 'price', type: 'int' }, { name: 'rating', type: 'decimal' },
        { name: 'released', type: 'timestamp' }, { name: 'active', type: 'bool' }, { name: 'tags', type: 'text', style: 'list' },
        { name: 'category', type: 'tableref', tableref_id: categories }, { name: 'meta', type: 'json' },
      ],
    })).id;
    url = `/workspace/${ws}/table/${products}/content`;
    expect(await api.ok('POST', `${url}/bulk`, { items: PRODUCTS })).toEqual([1, 2, 3, 4, 5, 6]);
  });
  afterAll(async () => { await s?.close(); });

  describe('format A', () => {
    it('equality, comparisons and AND', async () => {
      expect(await ids({ id: 3 })).toEqual([3]);
      expect(await ids([{ id: 3 }])).toEqual([3]);
      expect(await ids([{ 'price|>': 30 }])).toEqual([2, 3, 4]);
      expect(await ids([{ 'price|>': 30 }, { 'price|<': 200 }])).toEqual([2, 3]);
      expect(await ids([{ 'price|>=': 30, 'price|<=': 45 }])).toEqual([1, 3]);
      expect(await ids([{ 'rating|>': 4.5 }])).toEqual([4, 6]);
      expect(await ids([{ 'price|==': 120 }])).toEqual([2]);
      expect(await ids([{ 'price|': 120 }])).toEqual([2]);
      expect(await ids([])).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('OR chains bind like SQL: AND before OR', async () => {
      expect(await ids([{ 'price|<': 20 }, { 'price|>|or': 500 }])).toEqual([4, 5]);
      // price < 20 OR (price > 500 AND active): a left-to-right reading would drop 5.
      expect(await ids([{ 'price|<': 20 }, { 'price|>|or': 500 }, { active: true }])).toEqual([4, 5]);
      expect(await ids([{ active: false }, { 'name|or': 'Mug' }])).toEqual([3, 5, 6]);
      expect(await ids([{ 'released|>|': day('2024-03-01') }])).toEqual([2, 4]); // a trailing pipe, as some clients send
    });

    it('in / not in, null checks, != as the complement', async () => {
      expect(await ids({ 'id|in': [2, 3, 7] })).toEqual([2, 3]);
      expect(await ids({ 'id|not in': [1, 2, 3, 4] })).toEqual([5, 6]);
      expect(await ids({ 'name|in': ['Desk', 'Mug'] })).toEqual([2, 6]);
      expect(await ids({ 'price|in': [] })).toEqual([]);
      expect(await ids({ rating: null })).toEqual([3]);
      expect(await ids({ 'rating|!=': null })).toEqual([1, 2, 4, 5, 6]);
      expect(await ids({ 'price|!=': 30 })).toEqual([2, 3, 4, 5, 6]); // Mug has no price: != matches it
      expect(await ids({ 'price|not in': [30, 45] })).toEqual([2, 4, 5, 6]);
    });

    it('like is case-sensitive, ilike is not; text compares byte-wise', async () => {
      expect(await ids({ 'name|like': 'L%' })).toEqual([1, 4]);
      expect(await ids({ 'name|like': '%amp%' })).toEqual([1, 5]);
      expect(await ids({ 'name|ilike': 'l%' })).toEqual([1, 4, 5]);
      expect(await ids({ 'name|like': 'M_g' })).toEqual([6]);
      expect(await ids({ 'name|not like': '%a%' })).toEqual([2, 6]);
      expect(await ids({ 'name|not ilike': '%L%' })).toEqual([2, 3, 6]);
      expect(await ids({ 'name|>=': 'a' })).toEqual([3, 5]);
      expect(await ids({ 'name|<': 'Lamp' })).toEqual([2]);
    });

    it('dates: epoch ms, RFC 3339 or YYYY-MM-DD', async () => {
      expect(await ids({ 'released|>=': '2024-01-10' })).toEqual([1, 2, 4, 6]);
      expect(await ids({ 'released|<': day('2024-01-10') })).toEqual([3]);
      expect(await ids({ released: '2024-01-10T00:00:00Z' })).toEqual([1, 6]);
      expect(await ids([{ 'released|>': '2024-01-01' }, { 'released|<': '2024-04-01' }])).toEqual([1, 2, 6]);
    });

    it('booleans, lists (some element matches) and link paths', async () => {
      expect(await ids({ active: false })).toEqual([3, 5]);
      expect(await ids({ 'active|!=': true })).toEqual([3, 5]);
      expect(await ids({ tags: 'office' })).toEqual([2, 3]);
      expect(await ids({ 'tags|in': ['kitchen', 'light'] })).toEqual([1, 6]);
      expect(await ids({ 'tags|!=': 'home' })).toEqual([3, 4, 5, 6]);
      expect(await ids({ 'category.name': 'Office' })).toEqual([2, 3]);
      expect(await ids({ category: 1 })).toEqual([1, 5]);
      expect(await ids({ meta: null })).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('refuses what it cannot search with 400 and payload.param', async () => {
      const bad = (search: unknown) => api.call('POST', `${url}/search`, { search });
      expectXanoError(await bad([{ 'price|~': 1 }]), 400, 'search.0.price|~', /unknown operator \[~\]/);
      expectXanoError(await bad({ 'price|~': 1 }), 400, 'search.price|~');
      expectXanoError(await bad([{ id: 1 }, { price: 'abc' }]), 400, 'search.1.price', /expected an integer/);
      expectXanoError(await bad([{ ghost: 1 }]), 400, 'search.0.ghost', /not found/);
      expectXanoError(await bad([{ 'price|in': 3 }]), 400, 'search.0.price|in');
      expectXanoError(await bad([{ 'price|in': [1, 'x'] }]), 400, 'search.0.price|in.1');
      expectXanoError(await bad([{ 'active|>': true }]), 400, 'search.0.active|>');
      expectXanoError(await bad([{ 'price|like': '1%' }]), 400, 'search.0.price|like');
      expectXanoError(await bad([{ 'released|>': 'soon' }]), 400, 'search.0.released|>');
      expectXanoError(await bad([{ 'released|>': 9e15 }]), 400, 'search.0.released|>'); // beyond any engine's dates
      expectXanoError(await bad([{ 'meta|=': 1 }]), 400, 'search.0.meta|=');
      expectXanoError(await bad([{ 'price|>|<': 1 }]), 400, 'search.0.price|>|<');
      expectXanoError(await bad([{ 'price|>': null }]), 400, 'search.0.price|>');
      expectXanoError(await bad([5]), 400, 'search.0');
      expectXanoError(await bad('price'), 400, 'search');
    });
  });

  describe('format B', () => {
    it('statements joined by AND/OR', async () => {
      expect(await ids([st('name', '==', 'Lamp'), st('id', '==', 2, { or: true })])).toEqual([1, 2]);
      expect(await ids([st('price', '>', 30), st('price', '<', 200)])).toEqual([2, 3]);
      expect(await ids([st('price', '<', 20), st('price', '>', 500, { or: true }), st('active', '=', true)])).toEqual([4, 5]);
      expect(await ids([st('name', 'like', '%amp%')])).toEqual([1, 5]);
      expect(await ids([st('name', 'NOT LIKE', '%a%')])).toEqual([2, 6]);
      expect(await ids([st('rating', '=', null)])).toEqual([3]);
      expect(await ids([st('rating', '!=', null)])).toEqual([1, 2, 4, 5, 6]);
      expect(await ids(st('id', 'in', [1, 6]))).toEqual([1, 6]);
    });

    it('groups (nested, wrapped statements) and tags', async () => {
      // The docs' intended example, price in (…) AND (released >= date OR rating = 5), with `or` on the item it joins.
      expect(await ids([
        st('price', 'in', [30, 45]),
        group([wrapped('released', '>=', '2024-01-01', 'const:date'), { ...wrapped('rating', '=', '5', 'const:decimal'), or: true }]),
      ])).toEqual([1]);
      // As the docs literally wrote it (`or` on the group, none inside): price in (…) OR (released >= date AND rating = 5).
      expect(await ids([
        st('price', 'in', [30, 45]),
        group([wrapped('released', '>=', '2024-01-01', 'const:date'), wrapped('rating', '=', '5', 'const:decimal')], true),
      ])).toEqual([1, 3, 6]);
      expect(await ids([
        st('active', '=', true),
        group([wrapped('price', '<', 50), { ...wrapped('name', '=', 'Mug'), or: true }]),
      ])).toEqual([1, 6]);
      expect(await ids([st('price', '>', 500), group([wrapped('active', '=', 'false', 'const:bool'), group([wrapped('price', '=', '15', 'const:int')])], true)])).toEqual([4, 5]);
      expect(await ids([{ ...st('price', '=', '120'), right: { tag: 'const:int', operand: '120' } }])).toEqual([2]);
      expect(await ids([{ ...st('price', '=', 120), right: { operand: 120 } }])).toEqual([2]); // no tag: the JSON value
      expect(await ids([wrapped('category.name', '=', 'Home')])).toEqual([1, 5]);
      expect(await ids([wrapped('released', '<', '2024-01-10', 'const:date')])).toEqual([3]);
      expect(await ids([st('name', 'not in', ['Lamp', 'Desk']), st('tags', '=', 'office')])).toEqual([3]);
      expect(await ids([{ ...st('name', '=', 'Lamp'), left: { tag: 'col', operand: 'name', filters: [{ name: 'trim', disabled: true }] } }])).toEqual([1]);
    });

    it('refuses malformed statements with 400 and payload.param', async () => {
      const bad = (search: unknown) => api.call('POST', `${url}/search`, { search });
      expectXanoError(await bad([st('price', '~', 1)]), 400, 'search.0.op');
      expectXanoError(await bad([st('id', '=', 1), st('price', '>', 'x')]), 400, 'search.1.right.operand');
      expectXanoError(await bad([group([wrapped('ghost', '=', 1)])]), 400, 'search.0.group.expression.0.statement.left.operand');
      expectXanoError(await bad([{ ...st('price', '=', 1), right: { tag: 'const:weird', operand: 1 } }]), 400, 'search.0.right.tag');
      expectXanoError(await bad([{ ...st('price', '=', 1), right: { tag: 'const:int', operand: 'x' } }]), 400, 'search.0.right.operand');
      expectXanoError(await bad([{ ...st('name', '=', 'x'), right: { tag: 'const', operand: 'x', filters: [{ name: 'concat', arg: [] }] } }]), 400, 'search.0.right.filters');
      expectXanoError(await bad([{ ...st('name', '=', 'x'), left: { tag: 'const', operand: 'name' } }]), 400, 'search.0.left');
      expectXanoError(await bad([{ type: 'group', group: {} }]), 400, 'search.0.group.expression');
      expectXanoError(await bad([st('id', '=', 1), { type: 'other' }]), 400, 'search.1.type');
      expectXanoError(await bad([st('id', '=', 1), 'x']), 400, 'search.1');
      expectXanoError(await bad([{ ...st('id', '=', 1), or: 'yes' }]), 400, 'search.0.or');
    });
  });

  it('sorts (object or array, missing values last), pages and counts the matches', async () => {
    expect(await ids([], { price: 'desc' })).toEqual([4, 2, 3, 1, 5, 6]);
    expect(await ids([], { price: 'asc' })).toEqual([5, 1, 3, 2, 4, 6]);
    expect(await ids([], [{ active: 'desc' }, { name: 'asc' }])).toEqual([2, 1, 4, 6, 3, 5]);
    expect(await ids([{ 'price|>': 20 }], [{ price: 'DESC' }])).toEqual([4, 2, 3, 1]);
    expect(await ids([], [{ 'category.name': 'asc' }, { id: 'desc' }])).toEqual([5, 1, 3, 2, 6, 4]);
    const page = await api.ok('POST', `${url}/search`, { page: 2, per_page: 2, sort: { id: 'desc' }, search: [{ 'price|!=': null }] });
    expect({ ...page, items: page.items.map((r: { id: number }) => r.id) })
      .toEqual({ items: [3, 2], itemsReceived: 2, curPage: 2, nextPage: 3, prevPage: 1, offset: 2, perPage: 2, itemsTotal: 5, pageTotal: 3 });
    expect(page.items[0]).toEqual({ id: 3, name: 'chair', price: 45, rating: null, released: day('2023-12-31'), active: false, tags: ['office'], category: 2, meta: null });
    expectXanoError(await api.call('POST', `${url}/search`, { sort: { price: 'up' } }), 400, 'sort.price');
    expectXanoError(await api.call('POST', `${url}/search`, { sort: [{ tags: 'asc' }] }), 400, 'sort.0.tags');
    expectXanoError(await api.call('POST', `${url}/search`, { sort: [{ ghost: 'asc' }] }), 400, 'sort.0.ghost');
    expectXanoError(await api.call('POST', `${url}/search`, { per_page: 0 }), 400, 'per_page');
  });

  it('search/patch updates every match (read back); a bad value changes nothing', async () => {
    expect(await api.ok('POST', `${url}/search/patch`, { search: [{ active: false }], updates: { rating: 1.5 } })).toEqual({ success: [3, 5], success_total: 2 });
    expect(await ids({ rating: 1.5 })).toEqual([3, 5]);
    expect(await api.ok('POST', `${url}/search/patch`, { search: [st('name', 'ilike', 'la%')], updates: { tags: ['sale'], released: day('2025-01-01') } }))
      .toEqual({ success: [1, 4, 5], success_total: 3 });
    expect(await ids({ tags: 'sale' })).toEqual([1, 4, 5]);
    expect(await ids({ released: '2025-01-01' })).toEqual([1, 4, 5]);
    expect(await api.ok('POST', `${url}/search/patch`, { search: { id: 99 }, updates: { price: 1 } })).toEqual({ success: [], success_total: 0 });

    expectXanoError(await api.call('POST', `${url}/search/patch`, { search: [{ active: true }], updates: { price: 'cheap' } }), 400, 'updates.price');
    expectXanoError(await api.call('POST', `${url}/search/patch`, { search: [{ active: true }], updates: { category: 77 } }), 400, 'updates.category');
    expectXanoError(await api.call('POST', `${url}/search/patch`, { search: [{ 'active|?': true }], updates: { price: 1 } }), 400, 'search.0.active|?');
    expectXanoError(await api.call('POST', `${url}/search/patch`, { search: [] }), 400, 'updates');
    expect(await ids({ 'category|!=': 77 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await api.ok('GET', `${url}/2`)).price).toBe(120);
  });

  it('search/delete removes every match (read back), through either format', async () => {
    expect(await api.ok('POST', `${url}/search/delete`, { search: [{ 'price|<': 40 }] })).toEqual({ success: [1, 5], success_total: 2 });
    expect(await ids([])).toEqual([2, 3, 4, 6]);
    expect(await api.ok('POST', `${url}/search/delete`, { search: [st('name', '=', 'Mug'), st('price', '>', 500, { or: true })] })).toEqual({ success: [4, 6], success_total: 2 });
    expect(await ids([])).toEqual([2, 3]);
    expectXanoError(await api.call('POST', `${url}/search/delete`, { search: [{ 'price|>': 'x' }] }), 400, 'search.0.price|>');
    expect(await ids([])).toEqual([2, 3]);
    expect(await api.ok('POST', `${url}/search/delete`, { search: [] })).toEqual({ success: [2, 3], success_total: 2 });
    expect(await ids([])).toEqual([]);
  });
});
