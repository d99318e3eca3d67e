import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { registerSearchFunctions } from './sqlite-search-functions.js';
import { registerVectorFunctions } from './sqlite-vector-functions.js';
import { spaceChecked, type SpaceMeter } from './sqlite-space-check.js';
import { registerPercentileFunction } from './sqlite-percentile-function.js';
import { registerJsonFunctions } from './sqlite-json-functions.js';
import { registerSqlFunctions } from './sqlite-sql-functions.js';

/**
 * One SQLite file opened the way Strata needs it: WAL, NORMAL sync (durable across a
 * process crash; set SQLITE_SYNCHRONOUS=FULL for power loss), a bounded WAL, and a
 * statement cache so hot queries are prepared once.
 */
export interface SqliteHandle {
  raw: Database.Database;
  kysely: Kysely<any>;
  /** Runs SQL text on a cached statement in raw mode: rows as arrays (the hot read path). */
  arrays(text: string, params: readonly unknown[]): unknown[][];
  /** The cached raw-mode statement `arrays` runs, for callers that iterate it themselves. */
  arrayStatement(text: string): Database.Statement;
  /** Runs SQL text that returns no rows on a cached statement; answers the rows changed. */
  run(text: string, params: readonly unknown[]): number;
  clearStatements(): void;
}

const STATEMENT_CACHE_LIMIT = 500;

export function openSqlite(file: string, opts: { readonly?: boolean; synchronous?: string; space?: SpaceMeter } = {}): SqliteHandle {
  const raw = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  raw.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    raw.pragma('journal_mode = WAL');
    raw.pragma('journal_size_limit = 67108864');
  }
  raw.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -16000');
  raw.defaultSafeIntegers(false);
  registerVectorFunctions(raw);
  registerSearchFunctions(raw);
  registerPercentileFunction(raw);
  registerJsonFunctions(raw);
  registerSqlFunctions(raw);

  const statements = new Map<string, Database.Statement>();
  // Kysely's SQLite driver calls prepare() for every query and then all() (readers,
  // including RETURNING) or run(): never get(), which would leave a statement un-reset
  // and pin the WAL. The cache keeps prepared statements between calls.
  const database = {
    close: () => raw.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_LIMIT) statements.delete(statements.keys().next().value!);
        statement = opts.space ? spaceChecked(raw.prepare(text), text, raw, opts.space) : raw.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
  const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: database as any }) });
  // Raw-mode statements live apart: Kysely expects the statements it prepares to return objects.
  const arrayStatements = new Map<string, Database.Statement>();
  const arrayStatement = (text: string): Database.Statement => {
    let statement = arrayStatements.get(text);
    if (!statement) {
      if (arrayStatements.size >= STATEMENT_CACHE_LIMIT) arrayStatements.delete(arrayStatements.keys().next().value!);
      statement = raw.prepare(text).raw(true);
      arrayStatements.set(text, statement);
    }
    return statement;
  };
  const arrays = (text: string, params: readonly unknown[]): unknown[][] => arrayStatement(text).all(...params) as unknown[][];
  const run = (text: string, params: readonly unknown[]): number => database.prepare(text).run(...params).changes;
  return { raw, kysely, arrays, arrayStatement, run, clearStatements: () => { statements.clear(); arrayStatements.clear(); } };
}
