import { expect } from 'vitest';
import type { RunningStrata } from './strata-server.js';
import { metaClient } from './xano.js';

/**
 * A workspace with something of every kind an archive must carry: a Xata table (string ids,
 * every value type, a link, a file, versions above 0, search), a Metadata API table (integer
 * ids with a gap and a deleted last id, so the next generated id is not max + 1) with an index.
 */
export const FILE_BYTES = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));

export async function seedArchiveWorkspace(s: RunningStrata, name = 'shop'): Promise<{ ws: number; products: number }> {
  const ok = async (method: string, path: string, body?: unknown, status = 201) => {
    const res = await s.request(method, path, body);
    expect(res.status, `${method} ${path} → ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  await ok('PUT', `/workspaces/local/dbs/${name}`, { region: 'local' });
  const db = `/db/${name}:main`;
  await ok('PUT', `${db}/tables/users`, { columns: [{ name: 'name', type: 'string', unique: true }, { name: 'email', type: 'email' }] });
  await ok('PUT', `${db}/tables/posts`, {
    columns: [
      { name: 'title', type: 'string' }, { name: 'body', type: 'text' }, { name: 'n', type: 'int' }, { name: 'f', type: 'float' },
      { name: 'b', type: 'bool' }, { name: 'd', type: 'datetime' }, { name: 'tags', type: 'multiple' }, { name: 'meta', type: 'json' },
      { name: 'v', type: 'vector', vector: { dimension: 3 } }, { name: 'doc', type: 'file' }, { name: 'author', type: 'link', link: { table: 'users' } },
      { name: 'settings', type: 'object', columns: [{ name: 'theme', type: 'string' }] },
    ],
  });
  await ok('PUT', `${db}/tables/users/data/ada`, { name: 'Ada', email: 'ada@example.com' });
  await ok('POST', `${db}/tables/users/data`, { name: 'Grace', email: 'grace@example.com' });
  await ok('PUT', `${db}/tables/posts/data/p1`, {
    title: 'Lamp review', body: 'A bright brass lamp for reading', n: 9007199254740991, f: 1.25, b: true, d: '2024-01-31T12:00:00.123Z',
    tags: ['a', 'b'], meta: { deep: { x: [1, 2] } }, v: [0.5, -1, 2], author: 'ada', settings: { theme: 'dark' },
    doc: { name: 'lamp.bin', mediaType: 'application/octet-stream', base64Content: FILE_BYTES.toString('base64') },
  });
  await ok('PUT', `${db}/tables/posts/data/p2`, { title: 'Desk notes', body: 'An oak desk and a lamp', b: false, tags: [] });
  for (let i = 0; i < 30; i++) await ok('POST', `${db}/tables/posts/data`, { title: `bulk ${i}`, body: i % 3 === 0 ? 'lamp' : 'chair', n: i });
  await ok('PATCH', `${db}/tables/posts/data/p2`, { n: 2 }, 200);
  await ok('PATCH', `${db}/tables/posts/data/p2`, { f: 2.5 }, 200);

  const api = metaClient(s);
  const ws = (await api.ok('GET', '/workspace')).find((w: { name: string }) => w.name === name).id as number;
  const products = (await api.ok('POST', `/workspace/${ws}/table`, {
    name: 'products', schema: [{ name: 'id', type: 'int' }, { name: 'created_at', type: 'timestamp', default: 'now' }, { name: 'name', type: 'text' }, { name: 'price', type: 'int' }],
  })).id as number;
  await api.ok('POST', `/workspace/${ws}/table/${products}/index/btree`, { fields: [{ name: 'price', op: 'asc' }] });
  for (const [n, price] of [['Lamp', 30], ['Desk', 200], ['Chair', 80], ['Rug', 55], ['Vase', 12]] as const) {
    await api.ok('POST', `/workspace/${ws}/table/${products}/content`, { name: n, price });
  }
  await api.ok('DELETE', `/workspace/${ws}/table/${products}/content/3`);
  await api.ok('DELETE', `/workspace/${ws}/table/${products}/content/5`);
  return { ws, products };
}

const withoutUrls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'url' && k !== 'signedUrl').map(([k, v]) => [k, withoutUrls(v)]));
  }
  return value;
};

/** What a restore must reproduce exactly, read over HTTP. */
export async function observeArchiveWorkspace(s: RunningStrata, ws: number, products: number, name = 'shop') {
  const db = `/db/${name}:main`;
  const all = async (table: string) => (await s.request('POST', `${db}/tables/${table}/query`, { page: { size: 200 }, sort: [{ id: 'asc' }] })).body.records;
  const file = await s.download(`${db}/tables/posts/data/p1/column/doc/file`);
  const search = (await s.request('POST', `${db}/tables/posts/search`, { query: 'lamp', fuzziness: 0, page: { size: 50 } })).body;
  const schema = (await s.request('GET', `${db}/tables/posts/schema`)).body;
  const content = (await s.request('GET', `/api:meta/workspace/${ws}/table/${products}/content?per_page=100`)).body;
  const indexes = (await s.request('GET', `/api:meta/workspace/${ws}/table/${products}/index`)).body;
  const migrations = (await s.request('GET', `${db}/migrations`)).body;
  return {
    users: await all('users'), posts: withoutUrls(await all('posts')), schema, migrations,
    file: { status: file.status, sha: file.bytes.equals(FILE_BYTES) },
    search: { total: search.totalCount, ids: (search.records as Array<{ id: string }>).map((r) => r.id).sort() },
    products: content, indexes,
  };
}
