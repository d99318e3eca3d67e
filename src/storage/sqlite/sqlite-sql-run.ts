import type { SqliteHandle } from './sqlite-connection.js';
import type { SqlRows, SqlRun } from '../../core/ports/storage.js';
import { compileSelectOnce } from '../sql/sql-compile.js';
import { quoteId } from '../sql/sql-expression.js';
import { fromSqlite, typeOfValues } from '../sql/sql-output.js';
import { driverParams } from '../sql/sql-params.js';
import { invalidSql } from '../../kernel/sql/sql-parse.js';

/**
 * SQL statements on SQLite: compiled from PostgreSQL's tree (storage/sql/), run on a
 * connection that holds this branch's file only (one file per branch; the compiled text can
 * name nothing but its tables), refused unless SQLite itself calls the statement read-only,
 * and read row by row up to the limit. SQLite cannot interrupt a running statement from
 * here, so the time bound is the row bound (documented).
 */
export function sqliteSqlRunner(handle: SqliteHandle): (run: SqlRun) => Promise<SqlRows> {
  return async (run) => {
    const compiled = compileSelectOnce({ dialect: 'sqlite', schema: run.schema, tableSql: quoteId }, run.select);
    // Prepared once per compiled text, on the connection's raw-mode cache (cleared after DDL).
    // Iteration below is synchronous, so one statement is never iterated twice at a time.
    let statement;
    try {
      statement = handle.arrayStatement(compiled.text);
    } catch (err) {
      throw engineError(err);
    }
    if (!statement.readonly) throw invalidSql('the statement would write (only SELECT runs here)');
    const rows: unknown[][] = [];
    let truncated = false;
    try {
      for (const row of statement.iterate(named(driverParams(run.params, 'sqlite'))) as Iterable<unknown[]>) {
        if (rows.length === run.maxRows) { truncated = true; break; }
        rows.push(row.map((raw, i) => fromSqlite(compiled.columns[i]!.kind, raw)));
      }
    } catch (err) {
      throw engineError(err);
    }
    const columns = compiled.columns.map((c, i) => ({ name: c.name, type: c.type ?? typeOfValues(rows, i) }));
    return { columns, rows, truncated };
  };
}

/** `$n` was compiled to `@pn`: better-sqlite3 binds named parameters from an object. */
function named(values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));
}

/** SQLite's complaints about a statement are the client's mistake: a 400 with SQLite's words. */
function engineError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_ERROR' || code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE' || code === 'SQLITE_TOOBIG' || (err instanceof RangeError) || (err instanceof TypeError)) {
    return invalidSql(String((err as Error).message));
  }
  return err;
}
