import type Database from 'better-sqlite3';
import { isOutOfSpace, storageFull } from '../../core/ports/storage-full.js';

/** Hears of a file's writes: refused for want of space, or committed. */
export interface SpaceMeter { refused(): void; wrote(): void }

const COMMIT = /^\s*(commit|end)\b/i;
const ROLLBACK = /^\s*rollback\s*$/i;

/**
 * A statement of a writer connection whose refusals for want of space (SQLITE_FULL, as a full
 * disk or a file's size limit gives) become STORAGE_FULL (507) and start the space episode, and
 * whose commits (a COMMIT, or a change outside a transaction) end it. Used for the files whose
 * writes run outside a branch transaction (the system store, the request history); a branch's
 * transaction maps its own errors. Kysely's SQLite driver calls only `reader`, `all`, `run` and `iterate`.
 */
export function spaceChecked(statement: Database.Statement, text: string, raw: Database.Database, meter: SpaceMeter): Database.Statement {
  const commits = !statement.readonly || COMMIT.test(text);
  const checked = <T>(execute: () => T): T => {
    let result: T;
    try {
      result = execute();
    } catch (err) {
      if (!isOutOfSpace(err)) throw err;
      meter.refused();
      throw storageFull();
    }
    if (commits && !raw.inTransaction) meter.wrote();
    return result;
  };
  // SQLite may roll a transaction back itself when it runs out of space; the driver's ROLLBACK
  // that follows would then fail ("no transaction is active") and hide the 507.
  if (ROLLBACK.test(text)) {
    return {
      get reader() { return false; },
      get readonly() { return true; },
      run: (...params: unknown[]) => (raw.inTransaction ? statement.run(...params) : { changes: 0, lastInsertRowid: 0 }),
    } as unknown as Database.Statement;
  }
  return {
    get reader() { return statement.reader; },
    get readonly() { return statement.readonly; },
    all: (...params: unknown[]) => checked(() => statement.all(...params)),
    run: (...params: unknown[]) => checked(() => statement.run(...params)),
    iterate: (...params: unknown[]) => checked(() => statement.iterate(...params)),
  } as unknown as Database.Statement;
}
