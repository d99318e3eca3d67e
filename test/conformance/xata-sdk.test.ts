import dns from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseClient, buildClient, FetcherError, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';

/**
 * Conformance of the single-record API with the official Xata SDK (@xata.io/client 0.30.1)
 * as the client, against a real Strata on each engine. The SDK is built the two ways an app
 * can point it at Strata (see docs in shared/reference/xata-sdk-wire-log.md §0):
 *   A) zero code: databaseURL `http://<ws>.<region>.localhost:<port>/db/<db>` — the SDK strips
 *      the first two labels and talks to `http://localhost:<port>`;
 *   B) a Xata-looking databaseURL plus a custom `fetch` that rewrites the origin.
 * Each is run with the codegen-style `tables` argument (buildClient subclass) and without it
 * (plain BaseClient, which then GETs /db/{db}:{branch} to learn the schema).
 *
 * `transactions.run(...)` is covered (POST /db/{db}:{branch}/transaction). Not covered here:
 * the array forms (`create([...])`, `read([...])`, `update([...])`, `createOrUpdate([...])`,
 * `createOrReplace([...])`, `delete([...])`), which also need POST /tables/{t}/query — not
 * implemented yet.
 */

// The schema as `xata codegen` would emit it (teams first: users.team links to it).
const tables = [
  {
    name: 'teams',
    columns: [
      { name: 'name', type: 'string' },
      { name: 'city', type: 'string' },
    ],
  },
  {
    name: 'users',
    columns: [
      { name: 'name', type: 'string' },
      { name: 'email', type: 'email' },
      { name: 'age', type: 'int' },
      { name: 'score', type: 'float' },
      { name: 'active', type: 'bool' },
      { name: 'bio', type: 'text' },
      { name: 'tags', type: 'multiple' },
      { name: 'birth', type: 'datetime' },
      { name: 'settings', type: 'json' },
      { name: 'team', type: 'link', link: { table: 'teams' } },
      { name: 'embedding', type: 'vector', vector: { dimension: 3 } },
    ],
  },
] as const;

type InferredTypes = SchemaInference<typeof tables>;
type TeamsRecord = InferredTypes['teams'] & XataRecord;
type UsersRecord = InferredTypes['users'] & XataRecord;
type DatabaseSchema = { teams: TeamsRecord; users: UsersRecord };
const DatabaseClient = buildClient();
class XataClient extends DatabaseClient<DatabaseSchema> {
  constructor(options: Partial<BaseClientOptions>) {
    super(options, tables);
  }
}

const API_ORIGIN_IN_URL = 'https://my-workspace-abc123.us-east-1.xata.sh';

interface Variant {
  key: string;
  label: string;
  construction: 'A' | 'B';
  withTables: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'a', label: 'A (ws.region.localhost URL), buildClient() with generated tables', construction: 'A', withTables: true },
  { key: 'b', label: 'B (xata.sh URL + origin-rewriting fetch), buildClient() with generated tables', construction: 'B', withTables: true },
  { key: 'an', label: 'A (ws.region.localhost URL), BaseClient without tables', construction: 'A', withTables: false },
  { key: 'bn', label: 'B (xata.sh URL + origin-rewriting fetch), BaseClient without tables', construction: 'B', withTables: false },
];

/** A property the static types say is absent (not selected), read anyway. */
const prop = (value: unknown, key: string): unknown => (value as Record<string, unknown> | null | undefined)?.[key];

interface ServerHit { method: string; url: string; host: string; agent: string }

/** The rejection of a call that must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject, but it resolved');
}

async function fetcherError(promise: Promise<unknown>, status: number): Promise<FetcherError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(FetcherError);
  expect((error as FetcherError).status).toBe(status);
  return error as FetcherError;
}

/**
 * The SDK connects to `localhost:<port>`; Strata's test server listens on 127.0.0.1 only.
 * Where `localhost` also resolves to another address (::1 first on some machines), forward
 * that address's port to 127.0.0.1 so construction A works regardless of resolver order.
 */
async function bridgeLocalhost(port: number): Promise<net.Server[]> {
  const addresses = await dns.lookup('localhost', { all: true });
  const others = addresses.map((a) => a.address).filter((a) => a !== '127.0.0.1');
  const servers: net.Server[] = [];
  for (const address of others) {
    const server = net.createServer((socket) => {
      const upstream = net.connect(port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    servers.push(server);
  }
  return servers;
}

describeEachEngine('Xata SDK 0.30.1 against Strata: single-record API', (engine) => {
  let s: RunningStrata;
  let port: number;
  let bridges: net.Server[] = [];
  const hits: ServerHit[] = [];

  beforeAll(async () => {
    s = await startStrata(engine);
    port = Number(new URL(s.url).port);
    bridges = await bridgeLocalhost(port);
    s.app.server.on('request', (req: IncomingMessage) => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', host: String(req.headers.host ?? ''), agent: String(req.headers['x-xata-agent'] ?? '') });
    });
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    for (const table of tables) {
      const created = await s.request('PUT', `/db/app:main/tables/${table.name}`, { columns: table.columns });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    for (const bridge of bridges) await new Promise((resolve) => bridge.close(resolve));
    await s?.close();
  });

  /** An SDK client of the given construction; `seen` collects the URLs the SDK built (construction B). */
  function makeClient(variant: Variant, overrides: { apiKey?: string } = {}): { xata: XataClient; seen: string[] } {
    const seen: string[] = [];
    const options: Partial<BaseClientOptions> = {
      apiKey: overrides.apiKey ?? s.token,
      branch: 'main',
      clientName: `conformance-${variant.key}${overrides.apiKey ? '-badkey' : ''}`,
    };
    if (variant.construction === 'A') {
      options.databaseURL = `http://my-ws.local.localhost:${port}/db/app`;
    } else {
      options.databaseURL = `${API_ORIGIN_IN_URL}/db/app`;
      options.fetch = (url: string, init?: RequestInit) => {
        seen.push(`${init?.method ?? 'GET'} ${String(url)}`);
        return globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init);
      };
    }
    // Without tables it is the plain BaseClient an app gets when it skips codegen.
    const xata = variant.withTables ? new XataClient(options) : (new BaseClient(options) as unknown as XataClient);
    return { xata, seen };
  }

  it('serves the branch schema the SDK reads when it has no generated tables (GET /db/app:main)', async () => {
    const branch = await s.request('GET', '/db/app:main');
    expect(branch.status).toBe(200);
    const served = (branch.body.schema.tables as Array<{ name: string; columns: Array<Record<string, unknown>> }>).map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type, ...(c.link ? { link: c.link } : {}), ...(c.vector ? { vector: c.vector } : {}) })),
    }));
    expect(served).toEqual(tables);
  });

  // Real Xata accepts client-chosen ids containing '-' (the SDK's own integration suite
  // creates 'a-unique-record-john-4'), and so UUID ids work.
  it('create with a hyphenated client id, as Xata allows ("a-unique-record-john-4")', async () => {
    const { xata } = makeClient({ key: 'hyphen', label: 'hyphen', construction: 'B', withTables: true });
    const user = await xata.db.users.create('a-unique-record-john-4', { name: 'John' });
    expect(user.id).toBe('a-unique-record-john-4');
    expect((await xata.db.users.read('a-unique-record-john-4'))!.name).toBe('John');
  });

  it('round-trips json values the SDK would mangle if they came back as objects', async () => {
    const { xata } = makeClient({ key: 'jsontext', label: 'jsontext', construction: 'B', withTables: true });
    for (const value of [[1], [[2]], 7, true, { a: [1] }]) {
      const created = await xata.db.users.create({ name: 'J', settings: value });
      expect(created.settings).toEqual(value);
      expect((await xata.db.users.read(created.id))!.settings).toEqual(value);
    }
  });

  for (const variant of VARIANTS) {
    describe(variant.label, () => {
      const id = (name: string) => `${variant.key}_${name}`;
      const agent = `service=conformance-${variant.key}`;
      const myHits = () => hits.filter((h) => h.agent.endsWith(agent));
      let xata: XataClient;
      let seen: string[];

      beforeAll(() => {
        ({ xata, seen } = makeClient(variant));
      });

      it('create with the id as first argument and inside the object (teams)', async () => {
        const red = await xata.db.teams.create(id('red'), { name: 'Red', city: 'Oslo' });
        expect(red.id).toBe(id('red'));
        expect(red.name).toBe('Red');
        expect(red.city).toBe('Oslo');
        expect(red.xata.version).toBe(0);
        const blue = await xata.db.teams.create({ id: id('blue'), name: 'Blue', city: 'Lima' });
        expect(blue.id).toBe(id('blue'));
        expect(blue.name).toBe('Blue');
      });

      it('reaches Strata the way the construction says', async () => {
        const mine = myHits();
        expect(mine.length).toBeGreaterThan(0);
        expect(mine[0]!.agent).toBe(`client=TS_SDK; version=0.30.1; ${agent}`);
        if (variant.construction === 'A') {
          // The SDK dropped `my-ws.local.` and connected to localhost:<port>.
          for (const hit of mine) expect(hit.host).toBe(`localhost:${port}`);
          expect(seen).toEqual([]);
        } else {
          for (const hit of mine) expect(hit.host).toBe(`127.0.0.1:${port}`);
          expect(seen.length).toBe(mine.length);
          for (const url of seen) expect(url).toMatch(new RegExp(`^[A-Z]+ ${API_ORIGIN_IN_URL.replace(/\./g, '\\.')}/db/app:main(/|$)`));
        }
        const writes = mine.filter((h) => h.method !== 'GET');
        expect(writes.map((h) => `${h.method} ${h.url}`)).toEqual([
          `PUT /db/app:main/tables/teams/data/${id('red')}?createOnly=true&columns=*`,
          `PUT /db/app:main/tables/teams/data/${id('blue')}?createOnly=true&columns=*`,
        ]);
        // Without tables the SDK fetched the branch schema first (once, then cached).
        const schemaReads = mine.filter((h) => h.method === 'GET' && h.url === '/db/app:main');
        expect(schemaReads.length).toBe(variant.withTables ? 0 : 1);
        if (!variant.withTables) expect(mine[0]!.url).toBe('/db/app:main');
      });

      it('create without id: a generated id and every column type round-trips as the SDK types it', async () => {
        const birth = new Date('1994-01-02T03:04:05.678Z');
        const before = Date.now();
        const alice = await xata.db.users.create({
          name: 'Alice',
          email: 'alice@example.com',
          age: 30,
          score: 0.1,
          active: true,
          bio: 'Long text\nwith lines, ünïcødé and emoji 👀',
          tags: ['a', 'b, c', 'ü'],
          birth,
          settings: { theme: 'dark', sizes: [1, 2.5], nested: { ok: true, none: null } },
          team: id('red'),
          embedding: [0.1, -0.25, 3],
        });
        const after = Date.now();
        expect(alice.id).toMatch(/^rec_[0-9a-v]{20}$/);
        expect(alice.name).toBe('Alice');
        expect(alice.email).toBe('alice@example.com');
        expect(alice.age).toBe(30);
        expect(alice.score).toBe(0.1);
        expect(alice.active).toBe(true);
        expect(alice.bio).toBe('Long text\nwith lines, ünïcødé and emoji 👀');
        expect(alice.tags).toEqual(['a', 'b, c', 'ü']);
        expect(alice.birth).toBeInstanceOf(Date);
        expect(alice.birth!.getTime()).toBe(birth.getTime());
        expect(alice.settings).toEqual({ theme: 'dark', sizes: [1, 2.5], nested: { ok: true, none: null } });
        expect(alice.embedding).toEqual([0.1, -0.25, 3]);
        // A link comes back as an object, so the SDK keeps it (a bare id string would become null).
        expect(alice.team).not.toBeNull();
        expect(alice.team!.id).toBe(id('red'));
        expect(alice.xata.version).toBe(0);
        expect(alice.xata.createdAt).toBeInstanceOf(Date);
        expect(alice.xata.updatedAt).toBeInstanceOf(Date);
        expect(alice.xata.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(alice.xata.createdAt.getTime()).toBeLessThanOrEqual(after + 1000);
        expect(alice.xata.updatedAt.getTime()).toBe(alice.xata.createdAt.getTime());
        const meta = alice.getMetadata();
        expect(meta.version).toBe(0);
        expect(meta.createdAt).toBeInstanceOf(Date);
        expect(meta.createdAt.getTime()).toBe(alice.xata.createdAt.getTime());

        // json travels as JSON text both ways, as the SDK expects (it JSON.parse()s what it gets).
        const raw = await s.request('GET', `/db/app:main/tables/users/data/${alice.id}`);
        expect(raw.status).toBe(200);
        expect(JSON.parse(raw.body.settings)).toEqual({ theme: 'dark', sizes: [1, 2.5], nested: { ok: true, none: null } });
        expect(raw.body.birth).toBe('1994-01-02T03:04:05.678Z');
        expect(raw.body.team).toEqual({ id: id('red') });

        // And a fresh read gives the same typed values.
        const read = await xata.db.users.read(alice.id);
        expect(read!.birth!.getTime()).toBe(birth.getTime());
        expect(read!.settings).toEqual(alice.settings);
        expect(read!.tags).toEqual(['a', 'b, c', 'ü']);
        expect(read!.team!.id).toBe(id('red'));
      });

      it('unset columns read as null (a null datetime must not become 1970-01-01)', async () => {
        const sparse = await xata.db.users.create({ name: 'Sparse' });
        expect(sparse.birth).toBeNull();
        expect(sparse.team).toBeNull();
        expect(sparse.age).toBeNull();
        expect(sparse.tags).toBeNull();
        expect(sparse.active).toBeNull();
        const read = await xata.db.users.read(sparse.id);
        expect(read!.birth).toBeNull();
        expect(read!.team).toBeNull();
      });

      it('create with a client id, and with column selection returning only those columns plus the expanded link', async () => {
        const bob = await xata.db.users.create(id('bob'), { name: 'Bob', age: 40, team: id('red') });
        expect(bob.id).toBe(id('bob'));
        expect(bob.name).toBe('Bob');
        expect(bob.age).toBe(40);
        expect(bob.team!.id).toBe(id('red'));
        expect(bob.xata.version).toBe(0);

        const carol = await xata.db.users.create({ id: id('carol'), name: 'Carol', age: 33, team: id('red') }, ['name', 'team.name']);
        expect(carol.id).toBe(id('carol'));
        expect(carol.name).toBe('Carol');
        expect(carol.team!.name).toBe('Red');
        expect(carol.team!.id).toBe(id('red'));
        expect(prop(carol.team, 'city')).toBeUndefined();
        expect(prop(carol, 'age')).toBeUndefined();
        expect(carol.xata.version).toBe(0);
        expect(carol.xata.createdAt).toBeInstanceOf(Date);
        // …but the whole record was stored.
        expect((await xata.db.users.read(id('carol')))!.age).toBe(33);
      });

      it('ids with the characters the SDK leaves unencoded (":", "~") work in the path', async () => {
        const odd = await xata.db.users.create(id('x:y~z_1'), { name: 'Odd' });
        expect(odd.id).toBe(id('x:y~z_1'));
        expect((await xata.db.users.read(id('x:y~z_1')))!.name).toBe('Odd');
        expect((await xata.db.users.update(id('x:y~z_1'), { age: 1 }))!.age).toBe(1);
        expect((await xata.db.users.delete(id('x:y~z_1')))!.name).toBe('Odd');
      });

      it('create of an existing id rejects with FetcherError 422 and leaves the record alone', async () => {
        const first = await fetcherError(xata.db.users.create(id('bob'), { name: 'Bob again' }), 422);
        expect(first.message).toMatch(/already exists/);
        expect(first.requestId).toMatch(/^req_/);
        await fetcherError(xata.db.users.create({ id: id('bob'), name: 'Bob again' }), 422);
        const bob = await xata.db.users.read(id('bob'));
        expect(bob!.name).toBe('Bob');
        expect(bob!.xata.version).toBe(0);
      });

      it('read: by id, with columns incl. team.name and team.*, missing → null, readOrThrow', async () => {
        const bob = await xata.db.users.read(id('bob'));
        expect(bob).not.toBeNull();
        expect(bob!.id).toBe(id('bob'));
        expect(bob!.name).toBe('Bob');
        expect(bob!.age).toBe(40);
        expect(bob!.xata.version).toBe(0);
        expect(bob!.xata.createdAt).toBeInstanceOf(Date);
        // Without a selection a link carries only its id.
        expect(bob!.team!.id).toBe(id('red'));
        expect(prop(bob!.team, 'name')).toBeUndefined();

        const picked = await xata.db.users.read(id('bob'), ['name', 'team.name']);
        expect(picked!.name).toBe('Bob');
        expect(picked!.team!.name).toBe('Red');
        expect(prop(picked!.team, 'city')).toBeUndefined();
        expect(prop(picked, 'age')).toBeUndefined();
        expect(picked!.xata.version).toBe(0);

        const expanded = await xata.db.users.read(id('bob'), ['team.*']);
        expect(expanded!.team!.id).toBe(id('red'));
        expect(expanded!.team!.name).toBe('Red');
        expect(expanded!.team!.city).toBe('Oslo');
        expect(expanded!.team!.xata.version).toBe(0);
        expect(prop(expanded, 'name')).toBeUndefined();

        const everything = await xata.db.users.read(id('bob'), ['*', 'team.*']);
        expect(everything!.name).toBe('Bob');
        expect(everything!.age).toBe(40);
        expect(everything!.team!.city).toBe('Oslo');

        // record.read() on a returned record reads it again.
        const again = await bob!.read();
        expect(again!.id).toBe(id('bob'));
        expect(again!.name).toBe('Bob');

        expect(await xata.db.users.read(id('nobody'))).toBeNull();
        const thrown = await rejection(xata.db.users.readOrThrow(id('nobody')));
        expect(thrown).toBeInstanceOf(Error);
        expect((thrown as Error).message).toBe(`Record with id ${id('nobody')} not found`);
        expect((await xata.db.users.readOrThrow(id('bob'))).name).toBe('Bob');
      });

      it('update: returns the updated record; ifVersion match / mismatch (→ null); missing id → null; updateOrThrow', async () => {
        const before = (await xata.db.users.read(id('bob')))!;
        const u1 = await xata.db.users.update(id('bob'), { age: 41 });
        expect(u1!.age).toBe(41);
        expect(u1!.name).toBe('Bob');
        expect(u1!.team!.id).toBe(id('red'));
        expect(u1!.xata.version).toBe(1);
        expect(u1!.xata.createdAt.getTime()).toBe(before.xata.createdAt.getTime());
        expect(u1!.xata.updatedAt.getTime()).toBeGreaterThanOrEqual(before.xata.updatedAt.getTime());

        const u2 = await xata.db.users.update(id('bob'), { age: 42 }, { ifVersion: 1 });
        expect(u2!.age).toBe(42);
        expect(u2!.xata.version).toBe(2);

        expect(await xata.db.users.update(id('bob'), { age: 99 }, { ifVersion: 0 })).toBeNull();
        const unchanged = await xata.db.users.read(id('bob'));
        expect(unchanged!.age).toBe(42);
        expect(unchanged!.xata.version).toBe(2);

        expect(await xata.db.users.update(id('nobody'), { age: 1 })).toBeNull();
        expect(await xata.db.users.read(id('nobody'))).toBeNull();
        const thrown = await rejection(xata.db.users.updateOrThrow(id('nobody'), { age: 1 }));
        expect((thrown as Error).message).toBe(`Record with id ${id('nobody')} not found`);

        const narrow = await xata.db.users.update(id('bob'), { age: 44 }, ['age'], { ifVersion: 2 });
        expect(narrow!.age).toBe(44);
        expect(prop(narrow, 'name')).toBeUndefined();
        expect(narrow!.xata.version).toBe(3);

        const objectForm = await xata.db.users.update({ id: id('bob'), name: 'Bobby' });
        expect(objectForm!.name).toBe('Bobby');
        expect(objectForm!.age).toBe(44);
        expect(objectForm!.xata.version).toBe(4);

        // record.update() on a returned record (sends ifVersion of that record).
        const current = (await xata.db.users.read(id('bob')))!;
        const viaRecord = await current.update({ score: 9.5 }, { ifVersion: current.xata.version });
        expect(viaRecord!.score).toBe(9.5);
        expect(viaRecord!.xata.version).toBe(5);
        expect(await current.update({ score: 1 }, { ifVersion: current.xata.version })).toBeNull();
      });

      it('update with numeric operators ($increment, $decrement, $multiply, $divide)', async () => {
        const start = (await xata.db.users.read(id('bob')))!;
        expect(start.age).toBe(44);
        expect((await xata.db.users.update(id('bob'), { age: { $increment: 1 } }))!.age).toBe(45);
        expect((await xata.db.users.update(id('bob'), { age: { $decrement: 5 } }))!.age).toBe(40);
        expect((await xata.db.users.update(id('bob'), { score: { $multiply: 3 } }))!.score).toBe(28.5);
        const divided = await xata.db.users.update(id('bob'), { score: { $divide: 2 } });
        expect(divided!.score).toBe(14.25);
        expect(divided!.xata.version).toBe(start.xata.version + 4);
        // The full safe-integer range survives (bigint on PostgreSQL must come back as a number).
        const big = await xata.db.users.update(id('bob'), { age: Number.MAX_SAFE_INTEGER });
        expect(big!.age).toBe(Number.MAX_SAFE_INTEGER);
        expect((await xata.db.users.read(id('bob')))!.age).toBe(Number.MAX_SAFE_INTEGER);
        // Operators are for updates; a create with one is refused.
        await fetcherError(xata.db.users.create({ name: 'Op', age: { $increment: 1 } } as never), 400);
      });

      it('update of datetime, json, multiple, link (record object in) and clearing them with null', async () => {
        const blue = (await xata.db.teams.read(id('blue')))!;
        const birth = new Date('2001-09-09T01:46:40.123Z');
        const changed = await xata.db.users.update(id('bob'), {
          birth,
          settings: { list: [{ a: 1 }, 'two', null], deep: { x: { y: 'z' } } },
          tags: ['x'],
          team: blue,
          active: false,
          embedding: [1, 2, 3],
          email: 'bob@example.org',
        });
        expect(changed!.birth).toBeInstanceOf(Date);
        expect(changed!.birth!.getTime()).toBe(birth.getTime());
        expect(changed!.settings).toEqual({ list: [{ a: 1 }, 'two', null], deep: { x: { y: 'z' } } });
        expect(changed!.tags).toEqual(['x']);
        expect(changed!.team!.id).toBe(id('blue'));
        expect(changed!.active).toBe(false);
        expect(changed!.embedding).toEqual([1, 2, 3]);
        expect(changed!.email).toBe('bob@example.org');

        const cleared = await xata.db.users.update(id('bob'), { birth: null, settings: null, tags: null, team: null, active: null });
        expect(cleared!.birth).toBeNull();
        expect(cleared!.settings ?? null).toBeNull();
        expect(cleared!.tags).toBeNull();
        expect(cleared!.team).toBeNull();
        expect(cleared!.active).toBeNull();
        expect(cleared!.name).toBe('Bobby');
      });

      it('invalid values are rejected with a 4xx FetcherError', async () => {
        const badEmail = await fetcherError(xata.db.users.create({ name: 'x', email: 'not-an-email' }), 400);
        expect(badEmail.message).toMatch(/email/);
        await fetcherError(xata.db.users.create({ name: 'x', team: id('no_such_team') }), 400);
        await fetcherError(xata.db.users.create({ name: 'x', embedding: [1, 2] }), 400);
      });

      it('createOrReplace: creates, then replaces the whole record; ifVersion guards the replace', async () => {
        const created = await xata.db.users.createOrReplace(id('erin'), { name: 'Erin', age: 5, tags: ['t'] });
        expect(created!.id).toBe(id('erin'));
        expect(created!.age).toBe(5);
        expect(created!.xata.version).toBe(0);

        const replaced = await xata.db.users.createOrReplace(id('erin'), { name: 'Erin 2' });
        expect(replaced!.name).toBe('Erin 2');
        expect(replaced!.age).toBeNull();
        expect(replaced!.tags).toBeNull();
        expect(replaced!.xata.version).toBe(1);
        expect(replaced!.xata.createdAt.getTime()).toBe(created!.xata.createdAt.getTime());

        await fetcherError(xata.db.users.createOrReplace(id('erin'), { name: 'stale' }, { ifVersion: 0 }), 422);
        expect((await xata.db.users.read(id('erin')))!.name).toBe('Erin 2');
        const guarded = await xata.db.users.createOrReplace({ id: id('erin'), name: 'Erin 3', age: 6 }, { ifVersion: 1 });
        expect(guarded!.name).toBe('Erin 3');
        expect(guarded!.xata.version).toBe(2);
      });

      it('createOrUpdate: creates, then partially updates; operators and ifVersion', async () => {
        const red = (await xata.db.teams.read(id('red')))!;
        const birth = new Date('1970-01-01T00:00:00.001Z');
        // The SDK sends this body untransformed: the link is the whole team record, json an object.
        const created = await xata.db.users.createOrUpdate(id('frank'), { name: 'Frank', birth, settings: { a: 1 }, team: red });
        expect(created!.id).toBe(id('frank'));
        expect(created!.xata.version).toBe(0);
        expect(created!.birth!.getTime()).toBe(1);
        expect(created!.settings).toEqual({ a: 1 });
        expect(created!.team!.id).toBe(id('red'));

        const updated = await xata.db.users.createOrUpdate(id('frank'), { age: 7 });
        expect(updated!.name).toBe('Frank');
        expect(updated!.age).toBe(7);
        expect(updated!.settings).toEqual({ a: 1 });
        expect(updated!.xata.version).toBe(1);

        const incremented = await xata.db.users.createOrUpdate(id('frank'), { age: { $increment: 3 } }, { ifVersion: 1 });
        expect(incremented!.age).toBe(10);
        expect(incremented!.xata.version).toBe(2);

        await fetcherError(xata.db.users.createOrUpdate(id('frank'), { age: 0 }, { ifVersion: 0 }), 422);
        expect((await xata.db.users.read(id('frank')))!.age).toBe(10);

        const objectForm = await xata.db.users.createOrUpdate({ id: id('frank'), name: 'Franky' });
        expect(objectForm!.name).toBe('Franky');
        expect(objectForm!.age).toBe(10);

        const noId = await xata.db.users.createOrUpdate({ name: 'No id' });
        expect(noId!.id).toMatch(/^rec_[0-9a-v]{20}$/);
        expect(noId!.name).toBe('No id');
      });

      it('delete: returns the deleted record (optionally projected); missing → null; deleteOrThrow', async () => {
        const erin = await xata.db.users.delete(id('erin'));
        expect(erin!.id).toBe(id('erin'));
        expect(erin!.name).toBe('Erin 3');
        expect(erin!.age).toBe(6);
        expect(erin!.xata.version).toBe(2);
        expect(await xata.db.users.read(id('erin'))).toBeNull();

        expect(await xata.db.users.delete(id('nobody'))).toBeNull();
        const thrown = await rejection(xata.db.users.deleteOrThrow(id('nobody')));
        expect((thrown as Error).message).toBe(`Record with id ${id('nobody')} not found`);

        const carol = await xata.db.users.delete(id('carol'), ['name']);
        expect(carol!.name).toBe('Carol');
        expect(prop(carol, 'age')).toBeUndefined();
        expect(await xata.db.users.read(id('carol'))).toBeNull();

        const frank = await xata.db.users.deleteOrThrow(id('frank'));
        expect(frank.name).toBe('Franky');
        expect(await xata.db.users.read(id('frank'))).toBeNull();

        const temp = await xata.db.users.create({ name: 'Temp' });
        const viaRecord = await temp.delete();
        expect(viaRecord!.id).toBe(temp.id);
        expect(await xata.db.users.read(temp.id)).toBeNull();
      });

      it('deleting a team nulls the links that pointed at it', async () => {
        await xata.db.teams.create(id('gone'), { name: 'Gone' });
        const member = await xata.db.users.create({ name: 'Member', team: id('gone') });
        expect(member.team!.id).toBe(id('gone'));
        const removed = await xata.db.teams.delete(id('gone'));
        expect(removed!.name).toBe('Gone');
        expect((await xata.db.users.read(member.id))!.team).toBeNull();
      });

      it('a wrong API key rejects with FetcherError 401', async () => {
        const { xata: bad } = makeClient(variant, { apiKey: 'xau_wrong_key' });
        const onRead = await fetcherError(bad.db.users.read(id('bob')), 401);
        expect(onRead.message).toBe('invalid API key');
        await fetcherError(bad.db.users.create({ name: 'Mallory' }), 401);
        await fetcherError(bad.db.users.update(id('bob'), { name: 'Mallory' }), 401);
        expect((await xata.db.users.read(id('bob')))!.name).toBe('Bobby');
      });

      it('transactions.run: operations across tables run atomically and come back in Xata\'s result shapes', async () => {
        const results = await xata.transactions.run([
          { insert: { table: 'teams', record: { id: id('txteam'), name: 'Tx team' }, createOnly: true } },
          { insert: { table: 'users', record: { id: id('tx1'), name: 'Tx', team: id('txteam') }, createOnly: true } },
          { update: { table: 'users', id: id('tx1'), fields: { age: 5 }, ifVersion: 0, upsert: false } },
          { get: { table: 'users', id: id('tx1'), columns: ['name', 'team.name'] } },
          { delete: { table: 'users', id: id('tx1'), failIfMissing: true } },
        ]);
        expect(results).toEqual({
          results: [
            { operation: 'insert', id: id('txteam'), rows: 1 },
            { operation: 'insert', id: id('tx1'), rows: 1 },
            { operation: 'update', id: id('tx1'), rows: 1, columns: {} },
            // Exactly the fields asked: no id or xata unless named.
            { operation: 'get', columns: { name: 'Tx', team: { name: 'Tx team' } } },
            { operation: 'delete', rows: 1 },
          ],
        });
        expect(await xata.db.users.read(id('tx1'))).toBeNull();
        expect((await xata.db.teams.read(id('txteam')))!.name).toBe('Tx team');

        // Failing operations reject with FetcherError 400 naming every one by index, and nothing is written.
        const failed = await fetcherError(xata.transactions.run([
          { insert: { table: 'teams', record: { id: id('txteam2'), name: 'Never' } } },
          { update: { table: 'users', id: id('nobody'), fields: { age: 1 } } },
          { insert: { table: 'teams', record: { id: id('txteam'), name: 'Dup' }, createOnly: true } },
        ]), 400);
        expect(failed.errors).toEqual([
          { index: 1, message: `record [${id('nobody')}] not found` },
          { index: 2, message: `record with ID [${id('txteam')}] already exists` },
        ]);
        expect(failed.requestId).toMatch(/^req_/);
        expect(await xata.db.teams.read(id('txteam2'))).toBeNull();
      });

      it('array forms: create([...]), read([...]), update([...]), createOrUpdate([...]), createOrReplace([...]), delete([...])', async () => {
        const created = await xata.db.users.create([{ name: 'Arr1', age: 1 }, { id: id('arr2'), name: 'Arr2', tags: ['x'] }]);
        expect(created.map((r) => r.name)).toEqual(['Arr1', 'Arr2']);
        expect(created[0]!.id).toMatch(/^rec_/);
        expect(created[1]!.id).toBe(id('arr2'));
        expect(created[1]!.tags).toEqual(['x']);
        const [first, second] = created as [UsersRecord, UsersRecord];

        const read = await xata.db.users.read([second.id, id('nope'), first.id]);
        expect(read.map((r) => r?.name ?? null)).toEqual(['Arr2', null, 'Arr1']);

        const updated = await xata.db.users.update([{ id: first.id, age: 50 }, { id: second.id, age: 51 }]);
        expect(updated.map((r) => [r?.id, r?.age, r?.name, r?.xata.version])).toEqual([[first.id, 50, 'Arr1', 1], [second.id, 51, 'Arr2', 1]]);

        const upserted = await xata.db.users.createOrUpdate([{ id: first.id, score: 1.5 }, { id: id('arr3'), name: 'Arr3' }]);
        expect(upserted.map((r) => [r.id, r.name, r.score ?? null, r.age ?? null])).toEqual([[first.id, 'Arr1', 1.5, 50], [id('arr3'), 'Arr3', null, null]]);

        const replaced = await xata.db.users.createOrReplace([{ id: second.id, name: 'Arr2 again' }, { id: id('arr4'), name: 'Arr4' }]);
        expect(replaced.map((r) => [r.id, r.name, r.age ?? null, r.tags ?? null])).toEqual([[second.id, 'Arr2 again', null, null], [id('arr4'), 'Arr4', null, null]]);

        const deleted = await xata.db.users.delete([first.id, id('arr3')]);
        expect(deleted.map((r) => r?.name)).toEqual(['Arr1', 'Arr3']);
        expect((await xata.db.users.read([first.id, id('arr3'), id('arr4')])).map((r) => r?.id ?? null)).toEqual([null, null, id('arr4')]);
      });
    });
  }
});

/**
 * The SDK's analytics calls — aggregate(), summarize(), query.summarize() and vectorSearch() —
 * against a seeded branch, with and without generated tables (the SDK then reads the branch
 * schema to type summaries and records: dates become Dates, links records).
 */
describeEachEngine('Xata SDK 0.30.1 against Strata: analytics and vector search', (engine) => {
  let s: RunningStrata;
  const users = [
    { id: 'u1', name: 'Ann', age: 30, active: true, tags: ['a', 'b'], team: 'red', embedding: [1, 0, 0], birth: '1990-05-01T00:00:00.000Z' },
    { id: 'u2', name: 'Bob', age: 17, active: true, tags: ['a'], team: 'red', embedding: [0, 1, 0], birth: '2007-02-03T00:00:00.000Z' },
    { id: 'u3', name: 'Cid', age: 45, active: false, tags: ['b'], team: 'blue', embedding: [1, 1, 0], birth: '1979-11-30T00:00:00.000Z' },
    { id: 'u4', name: 'Dee', age: 30, active: true, tags: [], team: 'blue', embedding: [0.9, 0.1, 0], birth: '1990-12-24T00:00:00.000Z' },
    { id: 'u5', name: 'Eve', active: true },
  ];

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    for (const table of tables) expect((await s.request('PUT', `/db/app:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    for (const team of [{ id: 'red', name: 'Red', city: 'Oslo' }, { id: 'blue', name: 'Blue', city: 'Lima' }]) {
      expect((await s.request('POST', '/db/app:main/tables/teams/data', team)).status).toBe(201);
    }
    for (const user of users) expect((await s.request('POST', '/db/app:main/tables/users/data', user)).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  for (const withTables of [true, false]) {
    describe(withTables ? 'buildClient() with generated tables' : 'BaseClient without tables', () => {
      let xata: XataClient;
      beforeAll(() => {
        const options: Partial<BaseClientOptions> = {
          apiKey: s.token, branch: 'main', databaseURL: `${API_ORIGIN_IN_URL}/db/app`,
          fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
        };
        xata = withTables ? new XataClient(options) : (new BaseClient(options) as unknown as XataClient);
      });

      it('aggregate(): metrics, a filtered count and top values, under the request filter', async () => {
        const result = await xata.db.users.aggregate({
          total: { count: '*' },
          adults: { count: { filter: { age: { $ge: 18 } } } },
          avgAge: { average: { column: 'age' } },
          // The SDK's types allow topValues on scalar columns only; its wire format (and Xata) take multiple columns too.
          byTag: { topValues: { column: 'tags' as never, size: 5 } },
        }, { active: true });
        expect(result.aggs.total).toBe(4);
        expect(result.aggs.adults).toBe(2);
        expect(result.aggs.avgAge).toBeCloseTo(77 / 3, 12);
        expect(result.aggs.byTag.values).toEqual([{ $key: 'a', $count: 2 }, { $key: 'b', $count: 1 }]);
        expect((await xata.db.users.aggregate()).aggs).toEqual({ count: 5 });
      });

      it('aggregate(): a date histogram with sub-aggregations and percentiles', async () => {
        const result = await xata.db.users.aggregate({
          byDecade: { dateHistogram: { column: 'birth', calendarInterval: 'year', timezone: '+02:00', aggs: { oldest: { max: { column: 'age' } } } } },
          ages: { percentiles: { column: 'age', percentiles: [50, 75] } },
        });
        const nonEmpty = result.aggs.byDecade.values.filter((b) => b.$count > 0);
        expect(nonEmpty).toEqual([
          { $key: '1979-01-01T00:00:00.000+02:00', $count: 1, oldest: 45 },
          { $key: '1990-01-01T00:00:00.000+02:00', $count: 2, oldest: 30 },
          { $key: '2007-01-01T00:00:00.000+02:00', $count: 1, oldest: 17 },
        ]);
        expect(result.aggs.byDecade.values).toHaveLength(2007 - 1979 + 1);
        // Elasticsearch's rule for small sets (rank n·q − ½ over 17, 30, 30, 45): 75% is halfway from 30 to 45.
        expect(result.aggs.ages.values).toEqual({ '50.0': 30, '75.0': 37.5 });
      });

      it('summarize(): group by a link sub-column, sort by a summary, summariesFilter, page size', async () => {
        const result = await xata.db.users.summarize({
          columns: ['team.name'],
          summaries: { n: { count: '*' }, maxAge: { max: 'age' } },
          sort: { n: 'desc' },
          summariesFilter: { n: { $gt: 1 } },
          pagination: { size: 10 },
        });
        expect(result.summaries.map((r) => [r.team?.name, r.n, r.maxAge])).toEqual([['Blue', 2, 45], ['Red', 2, 30]]);
        const byBirth = await xata.db.users.summarize({ columns: ['birth'], summaries: { n: { count: '*' } }, filter: { age: 30 } });
        expect(byBirth.summaries.map((r) => r.birth)).toEqual([new Date('1990-05-01T00:00:00.000Z'), new Date('1990-12-24T00:00:00.000Z')]);
      });

      it('filter(...).select(...).summarize(): the query\'s filter and columns group the summary', async () => {
        const result = await xata.db.users.filter({ age: { $gt: 18 } }).select(['age']).summarize({ summaries: { n: { count: '*' } } });
        expect(result.summaries.map((r) => [r.age, r.n])).toEqual([[30, 2], [45, 1]]);
      });

      it('vectorSearch(): nearest first with xata.score, size, filter and similarity function', async () => {
        const cosine = await xata.db.users.vectorSearch('embedding', [1, 0, 0], { size: 2, filter: { active: true } });
        expect(cosine.records.map((r) => r.name)).toEqual(['Ann', 'Dee']);
        expect(cosine.records[0]!.xata.score).toBeCloseTo(2, 12);
        expect(cosine.records[1]!.getMetadata().score).toBeCloseTo(0.9 / Math.sqrt(0.82) + 1, 12);
        expect(cosine.records[1]!.team?.id).toBe('blue');
        const l2 = await xata.db.users.vectorSearch('embedding', [1, 0, 0], { similarityFunction: 'l2' });
        expect(l2.records.map((r) => r.id)).toEqual(['u1', 'u4', 'u3', 'u2']);
        expect(l2.totalCount).toBe(4);
        await fetcherError(xata.db.users.vectorSearch('embedding', [1, 0]), 400);
      });
    });
  }
});

/**
 * Full-text search through the SDK: `xata.db.<table>.search`, `xata.search.all` and
 * `xata.search.byTable`. The plugin reads every table's columns from the generated `tables`
 * (without them it fails after the request, as Xata's own does), so the client is built
 * with them; it reaches Strata through an origin-rewriting fetch (construction B).
 */
describeEachEngine('Xata SDK 0.30.1 against Strata: search', (engine) => {
  let s: RunningStrata;
  let xata: XataClient;

  beforeAll(async () => {
    s = await startStrata(engine);
    expect((await s.request('PUT', '/workspaces/local/dbs/app', { region: 'local' })).status).toBe(201);
    for (const table of tables) {
      expect((await s.request('PUT', `/db/app:main/tables/${table.name}`, { columns: table.columns })).status).toBe(201);
    }
    xata = new XataClient({
      apiKey: s.token, branch: 'main', clientName: 'conformance-search',
      databaseURL: `${API_ORIGIN_IN_URL}/db/app`,
      fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
    });
    await xata.db.teams.create('fruits', { name: 'Team fruits', city: 'Oslo' });
    await xata.db.teams.create('animals', { name: 'Team animals', city: 'Lima' });
    await xata.db.users.create('alice', { name: 'Alice', bio: 'Grows fruits on a farm', age: 30, active: true, tags: ['farmer'], birth: new Date('1990-05-01T00:00:00Z'), team: 'fruits' });
    await xata.db.users.create('alicia', { name: 'Alicia', bio: 'Paints fruits and flowers', age: 50, active: true });
    await xata.db.users.create('albert', { name: 'Albert', bio: 'Keeps bees', age: 70, active: false });
    await xata.db.users.create('bob', { name: 'Bob', bio: 'Owner of team animals', age: 40, active: true });
  });
  afterAll(async () => { await s?.close(); });

  it('db.<table>.search: targets, weights, filter, boosters, paging and highlights, as records with search metadata', async () => {
    // The call of the wire log ("table search"), against real data.
    const result = await xata.db.users.search('ali', {
      fuzziness: 0, prefix: 'phrase', target: ['name', { column: 'bio', weight: 2 }], filter: { active: true },
      boosters: [{ numericBooster: { column: 'age', factor: 2 } }], page: { size: 5, offset: 0 }, highlight: { enabled: true },
    });
    expect(result.totalCount).toBe(2);
    expect(result.records.map((r) => r.id)).toEqual(['alicia', 'alice']); // age 50 boosts past age 30
    const [alicia, alice] = result.records;
    expect(alicia!.name).toBe('Alicia');
    expect(alice!.birth).toEqual(new Date('1990-05-01T00:00:00Z'));
    expect(alice!.team!.id).toBe('fruits');
    expect(alice!.tags).toEqual(['farmer']);
    const meta = alice!.getMetadata();
    expect(meta.score).toBeGreaterThan(60);
    expect(meta.highlight).toEqual({ name: ['<em>Alice</em>'] });
    expect(meta.version).toBe(0);
    expect(meta.createdAt).toBeInstanceOf(Date);
    expect(alicia!.getMetadata().score!).toBeGreaterThan(meta.score!);
    // The records are live SDK records.
    expect((await alice!.read())!.name).toBe('Alice');

    const typo = await xata.db.users.search('frutis', { fuzziness: 2, target: ['bio'], highlight: { encodeHTML: false } });
    expect(typo.records.map((r) => r.id).sort()).toEqual(['alice', 'alicia']);
    expect(typo.records.find((r) => r.id === 'alice')!.getMetadata().highlight).toEqual({ bio: ['Grows <em>fruits</em> on a farm'] });
    expect((await xata.db.users.search('frutis', { fuzziness: 0 })).records).toEqual([]);
    const paged = await xata.db.users.search('fruits bees animals', { fuzziness: 0, page: { size: 2, offset: 2 } });
    expect(paged.totalCount).toBe(4);
    expect(paged.records).toHaveLength(2);
  });

  it('search.all: one list of {table, record} across tables, best first, with xata.table', async () => {
    // The call of the wire log ("branch search (all tables)"); the SDK's types cannot infer a mix of names and objects.
    const result = await xata.search.all<'users' | 'teams'>('fruits', { tables: ['users', { table: 'teams', target: ['name'] }], fuzziness: 0 });
    expect(result.totalCount).toBe(3);
    expect(result.records.map((r) => `${r.table}/${r.record.id}`).sort()).toEqual(['teams/fruits', 'users/alice', 'users/alicia']);
    const scores = result.records.map((r) => r.record.getMetadata().score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const { table, record } of result.records) {
      expect(record.getMetadata().table).toBe(table);
      expect(record.getMetadata().highlight).toBeDefined();
    }
    const team = result.records.find((r) => r.table === 'teams')!;
    if (team.table === 'teams') {
      expect(team.record.name).toBe('Team fruits');
      expect(team.record.city).toBe('Oslo');
    }
    const filtered = await xata.search.all('fruits', { tables: [{ table: 'users', filter: { age: { $gt: 40 } } }], fuzziness: 0 });
    expect(filtered.records.map((r) => r.record.id)).toEqual(['alicia']);
  });

  it('search.byTable: the same response grouped by table; all tables by default', async () => {
    // The call of the wire log ("branch search byTable").
    const result = await xata.search.byTable('animals', { fuzziness: 0 });
    expect(result.totalCount).toBe(2);
    expect(result.records.teams?.map((r) => r.id)).toEqual(['animals']);
    expect(result.records.users?.map((r) => r.id)).toEqual(['bob']);
    expect(result.records.users![0]!.bio).toBe('Owner of team animals');
    expect(result.records.users![0]!.getMetadata().table).toBe('users');
    const typos = await xata.search.byTable('frts', { fuzziness: 2, prefix: 'phrase' });
    expect(typos.records.users?.map((r) => r.id).sort()).toEqual(['alice', 'alicia']);
    expect(typos.records.teams?.map((r) => r.id)).toEqual(['fruits']);
  });

  it('bad searches reject with FetcherError 400, an unknown table with 404', async () => {
    const unknownTarget = await fetcherError(xata.db.users.search('x', { target: ['nope' as 'name'] }), 400);
    expect(unknownTarget.message).toMatch(/target column \[nope\] not found/);
    await fetcherError(xata.db.users.search('x', { target: ['age' as 'name'] }), 400);
    await fetcherError(xata.db.users.search('', {}), 400);
    await fetcherError(xata.search.all('x', { tables: ['ghosts'] } as never), 404);
  });
});
