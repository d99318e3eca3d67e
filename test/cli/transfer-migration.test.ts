import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildClient, type BaseClientOptions, type SchemaInference, type XataRecord } from '@xata.io/client';
import { describeEachEngine, type EngineUnderTest } from '../support/engines.js';
import { strataCli } from '../support/transfer-cli.js';
import { startStrata } from '../support/strata-server.js';
import { sdkOptions } from '../support/xata-sdk-client.js';
import { openStrata } from '../../src/open-strata.js';
import { exportRecordFormat } from '../../src/core/transfer/export-record-format.js';

/**
 * Coming from Xata (`xata schema dump` + per-table exports) and from Xano (the Metadata API's
 * table schemas + CSV exports): `strata import` recreates the database with ids preserved; the
 * official Xata SDK then reads it back from a running Strata.
 */
const tables = [
  { name: 'teams', columns: [{ name: 'name', type: 'string' }] },
  {
    name: 'users',
    columns: [
      { name: 'name', type: 'string' }, { name: 'email', type: 'email', unique: true }, { name: 'team', type: 'link', link: { table: 'teams' } },
      { name: 'avatar', type: 'file', file: { defaultPublicAccess: false } }, { name: 'joined', type: 'datetime' }, { name: 'profile', type: 'json' },
    ],
  },
] as const;
type Inferred = SchemaInference<typeof tables>;
type Schema = { teams: Inferred['teams'] & XataRecord; users: Inferred['users'] & XataRecord };
class XataClient extends buildClient()<Schema> {
  constructor(options: Partial<BaseClientOptions>) { super(options, tables); }
}

describeEachEngine('strata import from Xata and Xano exports', (engine: EngineUnderTest) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-migrate-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('recreates a Xata database from `xata schema dump` and table exports, ids preserved, and the SDK reads it', async () => {
    const provisioned = await engine.provision();
    let cleanup: (() => Promise<void>) | undefined = provisioned.cleanup;
    cleanups.push(() => cleanup?.());
    const dir = tmp();
    // A file the export names by URL, served on loopback.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const files = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'image/png' }); res.end(png); });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => files.close(() => resolve())));
    const fileUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}/files/face.png`;

    // What `xata schema dump` writes: the branch's schema (PostgreSQL-era dumps list xata_* columns too).
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify({
      tables: [
        { name: 'teams', columns: [{ name: 'xata_id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'xata_createdat', type: 'datetime' }] },
        { name: 'users', columns: tables[1].columns },
      ],
    }, null, 2));
    // teams: a CSV with PostgreSQL-era metadata columns; users: a JSON export with Xata's record shape.
    // Their version and timestamps are kept (RFC 3339 or epoch ms); a value that is neither fails its row.
    const blueCreated = Date.UTC(2023, 4, 1, 10);
    fs.writeFileSync(path.join(dir, 'teams.csv'), [
      'xata_id,name,xata_createdat,xata_updatedat,xata_version', 'rec_red,Red,2023-05-01T10:00:00Z,2023-05-02 10:00:00+0000,3',
      `rec_blue,Blue,${blueCreated},${blueCreated},0`, 'rec_old,Old,yesterday,,1', 'rec_neg,Neg,,,-1', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify([
      {
        id: 'rec_ann', xata: { version: 2, createdAt: '2023-06-01T00:00:00.000Z', updatedAt: '2023-06-02T00:00:00.000Z' },
        name: 'Ann', email: 'ann@example.com', team: { id: 'rec_red' }, joined: '2023-06-01T12:00:00.000Z', profile: '{"langs":["en","fr"]}',
        avatar: { name: 'ann.png', mediaType: 'image/png', base64Content: png.toString('base64'), size: png.length, url: 'https://example.invalid/old' },
      },
      { id: 'rec_bob', name: 'Bob', email: 'bob@example.com', team: 'rec_blue', avatar: { name: 'bob.png', url: fileUrl, mediaType: 'image/png', size: png.length } },
      { id: 'rec_cy', name: 'Cy', email: 'cy@example.com', team: { id: 'rec_green' } },
      { id: 'rec_dup', name: 'Dup', email: 'bob@example.com' }, // the unique column refuses it (found by the INSERT itself)
    ], null, 2));

    const usersText = fs.readFileSync(path.join(dir, 'users.json'), 'utf8').split('\n');
    const cyLine = usersText.findIndex((l) => l.includes('"rec_cy"')); // the line of its `{`, 1-based
    const dupLine = usersText.findIndex((l) => l.includes('"rec_dup"'));
    const run = await strataCli(['import', '--database', 'fromxata', '--schema', path.join(dir, 'schema.json'), '--dir', dir], provisioned.config);
    expect(run.stdout).toContain('teams.csv → fromxata:main/teams: read 4, imported 2, failed 2');
    expect(run.stderr).toContain(`error: ${path.join(dir, 'teams.csv')}:4: column xata_createdat: invalid value, expected an RFC 3339 date-time or epoch milliseconds`);
    expect(run.stderr).toContain(`error: ${path.join(dir, 'teams.csv')}:5: column xata_version: invalid value, expected a non-negative integer version`);
    expect(run.stdout).toContain('users.json → fromxata:main/users: read 4, imported 2, failed 2');
    expect(run.stderr).toContain(`error: ${path.join(dir, 'users.json')}:${cyLine}: column team: record [rec_green] not found in table [teams]`);
    expect(run.stderr).toContain(`error: ${path.join(dir, 'users.json')}:${dupLine}: column email: value is not unique`);

    const s = await startStrata(engine, { provisioned });
    cleanup = () => s.close();
    const xata = new XataClient(sdkOptions(s, 'fromxata'));
    const ann = await xata.db.users.read('rec_ann', ['*', 'team.name', 'avatar.base64Content', 'avatar.name', 'avatar.mediaType', 'avatar.size']);
    expect(ann).toMatchObject({ id: 'rec_ann', name: 'Ann', email: 'ann@example.com', team: { id: 'rec_red', name: 'Red' }, profile: { langs: ['en', 'fr'] } });
    expect(ann!.joined?.toISOString()).toBe('2023-06-01T12:00:00.000Z');
    expect(ann!.avatar).toMatchObject({ name: 'ann.png', mediaType: 'image/png', size: png.length, base64Content: png.toString('base64') });
    const bob = await xata.db.users.read('rec_bob', ['name', 'team.name', 'avatar.base64Content', 'avatar.name']);
    expect(bob).toMatchObject({ name: 'Bob', team: { name: 'Blue' }, avatar: { name: 'bob.png', base64Content: png.toString('base64') } });
    expect((await xata.db.teams.getAll()).map((t) => t.id).sort()).toEqual(['rec_blue', 'rec_red']);
    // The records' own version and timestamps, as the SDK reads them (rec_ann's batch went record by record: rec_dup).
    const meta = (r: XataRecord | null) => r && { version: r.xata.version, createdAt: r.xata.createdAt.toISOString(), updatedAt: r.xata.updatedAt.toISOString() };
    expect(meta(ann)).toEqual({ version: 2, createdAt: '2023-06-01T00:00:00.000Z', updatedAt: '2023-06-02T00:00:00.000Z' });
    expect(meta(await xata.db.teams.read('rec_red'))).toEqual({ version: 3, createdAt: '2023-05-01T10:00:00.000Z', updatedAt: '2023-05-02T10:00:00.000Z' });
    expect(meta(await xata.db.teams.read('rec_blue'))).toEqual({ version: 0, createdAt: '2023-05-01T10:00:00.000Z', updatedAt: '2023-05-01T10:00:00.000Z' });
    const bobMeta = meta(await xata.db.users.read('rec_bob'))!; // no metadata in the export: the import's own
    expect(bobMeta.version).toBe(0);
    expect(Date.parse(bobMeta.createdAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(await xata.db.users.read('rec_cy')).toBeNull();
    expect(await xata.db.users.read('rec_dup')).toBeNull();
  }, 120_000);

  it('recreates Xano tables from Metadata API schemas and CSV exports, integer ids and references preserved', async () => {
    const provisioned = await engine.provision();
    cleanups.push(provisioned.cleanup);
    const schemaDir = tmp();
    const dataDir = tmp();
    // GET /workspace/{id}/table (names of the ids tableref_id uses) and GET …/table/{t}/schema per table.
    fs.writeFileSync(path.join(schemaDir, 'tables.json'), JSON.stringify({ curPage: 1, nextPage: null, prevPage: null, items: [{ id: 7, name: 'authors' }, { id: 9, name: 'books' }] }));
    const column = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, description: '', nullable: true, default: '', required: false, access: 'public', sensitive: false, style: 'single', ...extra });
    fs.writeFileSync(path.join(schemaDir, 'books.json'), JSON.stringify([column('id', 'int', { nullable: false, required: true }), column('created_at', 'timestamp'), column('title', 'text'), column('author_id', 'int', { tableref_id: 7 })]));
    fs.writeFileSync(path.join(schemaDir, 'authors.json'), JSON.stringify([column('id', 'int', { nullable: false, required: true }), column('created_at', 'timestamp'), column('name', 'text')]));
    fs.writeFileSync(path.join(dataDir, 'authors.csv'), 'id,created_at,name\n5,1700000000000,Ann\n12,2023-11-14 22:13:20+0000,Bob\n');
    fs.writeFileSync(path.join(dataDir, 'books.csv'), 'id,created_at,title,author_id\n3,1700000000000,Dune,12\n4,,Emma,5\n8,,Lost,99\n');

    const run = await strataCli(['import', '--database', 'fromxano', '--xano-schema', schemaDir, '--dir', dataDir], provisioned.config);
    expect(run.stdout).toContain('schema: 2 tables created (authors, books)');
    expect(run.stdout).toContain('authors.csv → fromxano:main/authors: read 2, imported 2, failed 0');
    expect(run.stdout).toContain('books.csv → fromxano:main/books: read 3, imported 2, failed 1');
    expect(run.stderr).toContain(`error: ${path.join(dataDir, 'books.csv')}:4: column author_id: record [99] not found in table [authors]`);

    const strata = await openStrata(provisioned.config);
    try {
      const ctx = await strata.databases.resolve('fromxano', 'main');
      const books = (await strata.queries.query(ctx, 'books', { columns: ['*', 'author_id.name'], page: { size: 10 } }, exportRecordFormat)).records;
      expect(books.map((b) => [b.id, b.title, (b.author_id as { name: string }).name])).toEqual([['3', 'Dune', 'Bob'], ['4', 'Emma', 'Ann']]);
      expect((await strata.records.get(ctx, 'authors', '12', { format: exportRecordFormat })).created_at).toBe('2023-11-14T22:13:20.000Z');
      // The id sequence moved past the imported ids: a new record does not collide.
      const added = await strata.records.insert(ctx, 'authors', { name: 'Cy' }, { format: exportRecordFormat });
      expect(Number(added.record.id)).toBeGreaterThan(12);
    } finally { await strata.close(); }

    // A CSV without ids: the engine numbers the records, after the ones there.
    fs.writeFileSync(path.join(dataDir, 'more.csv'), 'name\nDan\nEli\n');
    const more = await strataCli(['import', '--database', 'fromxano', '--table', 'authors', '--file', path.join(dataDir, 'more.csv')], provisioned.config);
    expect(more.stdout).toContain('read 2, imported 2, failed 0');
    const check = await openStrata(provisioned.config);
    try {
      const ctx = await check.databases.resolve('fromxano', 'main');
      const authors = (await check.queries.query(ctx, 'authors', { page: { size: 10 } }, exportRecordFormat)).records;
      expect(authors.map((a) => a.name)).toEqual(['Ann', 'Bob', 'Cy', 'Dan', 'Eli']);
      expect(new Set(authors.map((a) => a.id)).size).toBe(5);
    } finally { await strata.close(); }
  }, 120_000);
});
