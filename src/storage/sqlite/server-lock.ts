import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * One server per SQLite DATA_DIR. Its caches (schemas, resolved branches) and its single writer
 * per file assume it owns the files, so a second server is refused at start. The lock is
 * SQLite's own on a file of its own (`server.lock`): a connection in exclusive locking mode
 * keeps the write lock it took until it closes, and the operating system drops it with the
 * process, so a server ended by `kill -9` never blocks its restart. The CLI does not take it:
 * it may work on the files while the server runs.
 */
export function claimDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'server.lock');
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS "holder" ("pid" INTEGER)');
    db.prepare('INSERT INTO "holder" ("pid") VALUES (?)').run(process.pid);
    db.exec('DELETE FROM "holder" WHERE "pid" <> ' + process.pid);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new Error(`another Strata server is running on ${dataDir} (it holds ${file}); stop it first, or give this one its own DATA_DIR`);
    }
    throw err;
  }
  return () => db.close();
}
