import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteEngine } from '../support/engines.js';
import { migrate, newBranch, openEngine, readAll, sqliteBranchFile, tableOf, valuesOf, type OpenedStorage } from './fixtures.js';
import { openSqlite, type SqliteHandle } from '../../src/storage/sqlite/sqlite-connection.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { BranchStore } from '../../src/core/ports/storage.js';

/**
 * SQLite only: the connection settings Strata relies on, a WAL that stays bounded under
 * sustained writes, and writes that survive the process being killed once acknowledged.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist');
const MB = 1024 * 1024;

const pragma = (db: Database.Database, name: string) => db.pragma(name, { simple: true });
const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
/** The store's own connections (the engine keeps them private; the test looks inside). */
const handlesOf = (store: BranchStore) => store as unknown as { writer: SqliteHandle; reader: SqliteHandle };

/** A checkpoint from a separate connection: it can only truncate the WAL when no connection holds a read snapshot. */
function checkpointTruncate(file: string): { busy: number; log: number; checkpointed: number } {
  const db = new Database(file, { timeout: 200 });
  try {
    return (db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>)[0]!;
  } finally {
    db.close();
  }
}

describe('[sqlite] storage: connection settings', () => {
  let opened: OpenedStorage;
  beforeAll(async () => { opened = await openEngine(sqliteEngine); });
  afterAll(async () => { await opened?.close(); });

  it('branch connections run in WAL mode with a bounded journal, a busy timeout, NORMAL sync and foreign keys', async () => {
    const { store } = await newBranch(opened.storage);
    const { writer, reader } = handlesOf(store);
    expect(pragma(writer.raw, 'journal_mode')).toBe('wal');
    expect(pragma(writer.raw, 'journal_size_limit')).toBe(64 * MB);
    expect(pragma(writer.raw, 'busy_timeout')).toBe(5000);
    expect(pragma(writer.raw, 'synchronous')).toBe(1); // NORMAL
    expect(pragma(writer.raw, 'foreign_keys')).toBe(1);
    expect(writer.raw.readonly).toBe(false);
    // the read connection only reads, in the same WAL file
    expect(reader.raw.readonly).toBe(true);
    expect(pragma(reader.raw, 'journal_mode')).toBe('wal');
    expect(pragma(reader.raw, 'busy_timeout')).toBe(5000);
  });

  it('the instance database is in WAL mode too', () => {
    const db = new Database(path.join(opened.config.dataDir, 'strata.db'), { readonly: true });
    try {
      expect(pragma(db, 'journal_mode')).toBe('wal');
    } finally { db.close(); }
  });

  it('SQLITE_SYNCHRONOUS=FULL is honoured, anything else means NORMAL', () => {
    const file = path.join(opened.config.dataDir, 'sync-test.db');
    const full = openSqlite(file, { synchronous: 'FULL' });
    const other = openSqlite(file, { synchronous: 'OFF' });
    try {
      expect(pragma(full.raw, 'synchronous')).toBe(2);
      expect(pragma(other.raw, 'synchronous')).toBe(1);
      expect(pragma(full.raw, 'journal_size_limit')).toBe(64 * MB);
    } finally {
      full.raw.close();
      other.raw.close();
    }
  });

  it('the statement cache keeps a statement prepared once and leaves none un-reset', async () => {
    const file = path.join(opened.config.dataDir, 'cache-test.db');
    const handle = openSqlite(file);
    try {
      handle.raw.exec('CREATE TABLE t (x INTEGER)');
      for (let k = 0; k < 5; k++) await handle.kysely.insertInto('t').values({ x: k }).execute();
      const rows = await handle.kysely.selectFrom('t').selectAll().execute();
      expect(rows).toHaveLength(5);
      // nothing holds a read snapshot, so another connection can truncate the WAL
      expect(checkpointTruncate(file).busy).toBe(0);
      expect(fileSize(`${file}-wal`)).toBe(0);
    } finally {
      await handle.kysely.destroy();
    }
  });
});

describe('[sqlite] storage: bounded WAL under sustained writes', () => {
  let opened: OpenedStorage;
  beforeAll(async () => { opened = await openEngine(sqliteEngine); });
  afterAll(async () => { await opened?.close(); });

  it('a checkpoint of a separate connection is refused while a statement is left un-reset (the check can fail)', async () => {
    const { store, branchId } = await newBranch(opened.storage);
    await migrate(store, [{ addTable: { table: 'p' } }]);
    const p = await tableOf(store, 'p');
    await store.transaction(async (tx) => {
      for (let k = 0; k < 3; k++) await tx.insertRecord(p, `r${k}`, new Map(), 1);
    });
    const file = sqliteBranchFile(opened.config.dataDir, branchId);
    const pinning = new Database(file, { readonly: true });
    try {
      const iterator = pinning.prepare('SELECT id FROM p').iterate();
      iterator.next(); // a stepped statement that is not reset holds a read snapshot
      await store.transaction((tx) => tx.insertRecord(p, 'after', new Map(), 1));
      expect(checkpointTruncate(file).busy).toBe(1);
      iterator.return?.();
      expect(checkpointTruncate(file).busy).toBe(0);
    } finally {
      pinning.close();
    }
  });

  it('20k write transactions interleaved with reads keep the WAL under ~70 MB, and a checkpoint truncates it', async () => {
    const { store, branchId } = await newBranch(opened.storage);
    await migrate(store, [
      { addTable: { table: 'log' } },
      { addColumn: { table: 'log', column: { name: 'n', type: 'int' } } },
      { addColumn: { table: 'log', column: { name: 'payload', type: 'text' } } },
    ], { idKind: 'int' });
    const log = await tableOf(store, 'log');
    const file = sqliteBranchFile(opened.config.dataDir, branchId);
    // ~1.5 KB a row: 20k transactions without working checkpoints would write well over 70 MB of WAL
    const payload = 'x'.repeat(1500);
    const TOTAL = 20_000;
    let maxWal = 0;
    for (let k = 0; k < TOTAL; k++) {
      await store.transaction((tx) => tx.insertRecord(log, null, valuesOf(log, { n: k, payload }), k));
      if (k % 200 === 0) {
        // reads on the read connection and the system store between the writes
        expect(await store.existingIds(log, [k + 1])).toEqual(new Set([String(k + 1)]));
        await readAll(store, 'log', { kind: 'idEquals', tableAlias: 't0', value: k + 1 });
        await opened.storage.system.getSetting('nothing');
        await store.countRows(log);
        maxWal = Math.max(maxWal, fileSize(`${file}-wal`));
      }
    }
    maxWal = Math.max(maxWal, fileSize(`${file}-wal`));
    console.info(`largest WAL seen: ${(maxWal / MB).toFixed(1)} MB`);
    expect(await store.countRows(log)).toBe(TOTAL);
    expect(maxWal).toBeGreaterThan(0);
    expect(maxWal).toBeLessThan(70 * MB);
    // the main file holds the data: checkpoints did run
    expect(fileSize(file)).toBeGreaterThan(20 * MB);
    const result = checkpointTruncate(file);
    expect(result.busy).toBe(0);
    expect(fileSize(`${file}-wal`)).toBe(0);
    // and the instance database too
    const systemFile = path.join(opened.config.dataDir, 'strata.db');
    expect(checkpointTruncate(systemFile).busy).toBe(0);
    expect(fileSize(`${systemFile}-wal`)).toBe(0);
  }, 180_000);
});

describe('[sqlite] storage: durability across a process crash', () => {
  let opened: OpenedStorage | undefined;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    // The child runs the compiled storage, which test/support/global-setup.ts builds once per run.
    for (const f of ['storage/open-storage.js', 'kernel/model/table-model.js']) {
      if (!fs.existsSync(path.join(DIST, f))) throw new Error(`the build did not produce dist/${f}`);
    }
  });
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });
  afterAll(async () => { await opened?.close(); });

  it('acknowledged writes survive SIGKILL; an open transaction at the time does not', async () => {
    opened = await openEngine(sqliteEngine);
    const { store, branchId } = await newBranch(opened.storage);
    await migrate(store, [{ addTable: { table: 'events' } }, { addColumn: { table: 'events', column: { name: 'n', type: 'int' } } }], { idKind: 'int' });
    const config = opened.config;
    await opened.storage.close();

    const N = 300;
    const script = `
      const { openStorage } = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'storage/open-storage.js')).href)});
      const { TableModel } = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'kernel/model/table-model.js')).href)});
      const storage = await openStorage({ dataDir: process.env.DATA_DIR });
      const store = await storage.branch(Number(process.env.BRANCH_ID));
      const { tables } = await store.loadCatalog();
      const table = new TableModel(tables.find((t) => t.name === 'events'));
      const leaf = table.leaf('n');
      for (let i = 0; i < Number(process.env.N); i++) {
        await store.transaction((tx) => tx.insertRecord(table, null, new Map([[leaf, i]]), Date.now()));
      }
      process.stdout.write('committed\\n');
      // a transaction that is never acknowledged: it is open when the process dies
      store.transaction(async (tx) => {
        for (let i = 0; i < 50; i++) await tx.insertRecord(table, null, new Map([[leaf, -1]]), Date.now());
        process.stdout.write('pending\\n');
        await new Promise(() => {});
      });
      setInterval(() => {}, 1000);
    `;
    child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: config.dataDir, BRANCH_ID: String(branchId), N: String(N) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += String(d); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      child!.stdout!.on('data', (d) => {
        stdout += String(d);
        if (stdout.includes('committed\n') && stdout.includes('pending\n')) { clearTimeout(timer); resolve(true); }
      });
      void exited.then(() => { clearTimeout(timer); resolve(false); });
    });
    if (!ready) throw new Error(`the child did not report its writes: stdout=${stdout} stderr=${stderr}`);
    expect(child.kill('SIGKILL')).toBe(true);
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });

    // the acknowledged writes are in the WAL, not yet checkpointed: recovery has work to do
    const file = sqliteBranchFile(config.dataDir, branchId);
    expect(fileSize(`${file}-wal`)).toBeGreaterThan(0);

    const storage = await openStorage(config);
    opened = { storage, config, close: async () => { await storage.close(); fs.rmSync(config.dataDir, { recursive: true, force: true }); } };
    const reopened = await storage.branch(branchId);
    const rows = await readAll(reopened, 'events');
    expect(rows).toHaveLength(N);
    expect(rows.map((r) => r.values.n)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // the branch is writable after recovery and ids go on
    const events = await tableOf(reopened, 'events');
    expect(await reopened.transaction((tx) => tx.insertRecord(events, null, valuesOf(events, { n: N }), 1))).toBeGreaterThan(N);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally { check.close(); }
  }, 120_000);
});
