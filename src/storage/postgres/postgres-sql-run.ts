import { createHash } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { SqlRows, SqlRun } from '../../core/ports/storage.js';
import { compileSelectOnce, type CompiledSelect } from '../sql/sql-compile.js';
import { quoteId } from '../sql/sql-expression.js';
import { typeOfValues } from '../sql/sql-output.js';
import { driverParams } from '../sql/sql-params.js';
import { invalidSql } from '../../kernel/sql/sql-parse.js';
import { StrataError } from '../../kernel/errors.js';

/**
 * SQL statements on PostgreSQL, with the engine enforcing the isolation the analyser decided:
 * the compiled statement runs as a role of this branch (`strata_sql_<db>_<branch>`, NOLOGIN)
 * that holds SELECT on this branch's tables and nothing else (not Strata's schema, not other
 * branches, not the catalog tables Strata keeps), with `search_path` set to the branch's schema,
 * `statement_timeout` set, all of it LOCAL to the transaction, which is READ ONLY outside
 * write transactions. Rows are fetched through a cursor up to the limit.
 */
const OID_NAMES: Record<number, string> = {
  16: 'bool', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 114: 'json', 700: 'float4', 701: 'float8', 705: 'text',
  1009: '_text', 1016: '_int8', 1022: '_float8', 1043: 'varchar', 1082: 'date', 1114: 'timestamp', 1184: 'timestamptz',
  1700: 'numeric', 3802: 'jsonb',
};

/** numeric as a JSON number when it survives the trip exactly enough (sum/avg), else its text. */
const parseNumeric = (text: string): number | string => (/^-?\d{1,15}(\.\d+)?$/.test(text) ? Number(text) : text);
const answerTypes = { getTypeParser: (oid: number, format?: string) => (oid === 1700 ? parseNumeric : pg.types.getTypeParser(oid, format as 'text')) };

export class PostgresSqlAccess {
  private role: string | undefined;
  private readonly granted = new Set<string>();

  constructor(private readonly pool: pg.Pool, readonly schema: string) {}

  /** The branch's role, with SELECT on these tables (granted once per process, idempotent). */
  async roleFor(tables: Iterable<string>): Promise<string> {
    this.role ??= await this.roleName();
    const missing = [...tables].filter((t) => !this.granted.has(t));
    if (missing.length === 0) return this.role;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Role creation and grants race between connections (and nodes): one at a time.
      await client.query('SELECT pg_advisory_xact_lock(727275)');
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [this.role]);
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${quoteId(this.role)} NOLOGIN`);
      // A superuser may take any role; any other user needs membership (CREATEROLE suffices to grant it).
      const superuser = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
      if (!superuser.rows[0]?.rolsuper) await client.query(`GRANT ${quoteId(this.role)} TO CURRENT_USER`);
      await client.query(`GRANT USAGE ON SCHEMA ${quoteId(this.schema)} TO ${quoteId(this.role)}`);
      await client.query(`GRANT SELECT ON ${missing.map((t) => `${quoteId(this.schema)}.${quoteId(t)}`).join(', ')} TO ${quoteId(this.role)}`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    for (const t of missing) this.granted.add(t);
    return this.role;
  }

  /** After the branch's schema is dropped: its role goes too (roles are the cluster's, not the database's). */
  async dropRole(): Promise<void> {
    const role = await this.roleName();
    await this.pool.query(`DROP ROLE IF EXISTS ${quoteId(role)}`).catch(() => undefined);
  }

  /** A table dropped and made again elsewhere lost its grant: forget them all, grant again. */
  forget(): void {
    this.granted.clear();
  }

  private async roleName(): Promise<string> {
    const db = await this.pool.query<{ name: string }>('SELECT current_database() AS name');
    const hash = createHash('sha256').update(db.rows[0]!.name).digest('hex').slice(0, 10);
    return `strata_sql_${hash}_${this.schema.replace(/^strata_branch_/, '')}`;
  }

  compile(run: SqlRun): CompiledSelect {
    return compileSelectOnce({ dialect: 'postgres', schema: run.schema, tableSql: (t) => `${quoteId(this.schema)}.${quoteId(t)}` }, run.select);
  }

  /**
   * A read outside any write: its own READ ONLY transaction on a pooled connection, in three
   * round trips (the socket writes are most of this path's cost): the transaction's setup as
   * one simple query (its values are Strata's own, escaped as literals), the cursor with the
   * client's parameters, then the rows and the commit together.
   */
  async read(run: SqlRun): Promise<SqlRows> {
    const compiled = this.compile(run);
    for (let attempt = 1; ; attempt++) {
      const role = await this.roleFor(tablesOf(run));
      const client = await this.pool.connect();
      try {
        await client.query(`BEGIN READ ONLY; SET LOCAL ROLE ${quoteId(role)}; ${this.settings(client, run.timeoutMs)}`);
        await client.query({ text: `DECLARE strata_sql NO SCROLL CURSOR FOR ${compiled.text}`, values: driverParams(run.params, 'postgres') });
        const [fetched] = await client.query({ text: `FETCH ${run.maxRows + 1} FROM strata_sql; COMMIT`, rowMode: 'array', types: answerTypes }) as unknown as [pg.QueryResult];
        const truncated = fetched!.rows.length > run.maxRows;
        const rows = (fetched!.rows as unknown[][]).slice(0, run.maxRows).map(answerRow);
        const columns = compiled.columns.map((c, i) => ({ name: c.name, type: OID_NAMES[fetched!.fields[i]?.dataTypeID ?? 0] ?? c.type ?? typeOfValues(rows, i) }));
        return { columns, rows, truncated };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((err as { code?: string }).code === '42501' && attempt === 1) { this.forget(); continue; }
        throw engineError(err);
      } finally {
        client.release();
      }
    }
  }

  /** A read inside a write transaction (a write's WHERE, its RETURNING): as the role, then back. */
  async readIn(trx: Kysely<any>, run: SqlRun): Promise<SqlRows> {
    const compiled = this.compile(run);
    // Kysely keys rows by column name, which would merge duplicates: rename them by position.
    const text = `SELECT * FROM (${compiled.text}) AS "strata_sql"(${compiled.columns.map((_, i) => `"c${i}"`).join(', ')})`;
    const role = await this.roleFor(tablesOf(run));
    const previous = await sql<{ path: string; timeout: string }>`SELECT current_setting('search_path') AS "path", current_setting('statement_timeout') AS "timeout"`.execute(trx);
    await sql.raw(`SET LOCAL ROLE ${quoteId(role)}`).execute(trx);
    await sql`SELECT set_config('search_path', ${quoteId(this.schema)}, true), set_config('statement_timeout', ${String(run.timeoutMs)}, true)`.execute(trx);
    let result;
    try {
      result = await withParams(text, run.params).execute(trx);
    } catch (err) {
      if ((err as { code?: string }).code === '42501') this.forget();
      throw engineError(err);
    }
    await sql.raw('RESET ROLE').execute(trx);
    await sql`SELECT set_config('search_path', ${previous.rows[0]!.path}, true), set_config('statement_timeout', ${previous.rows[0]!.timeout}, true)`.execute(trx);
    const rows = result.rows.slice(0, run.maxRows).map((r) => compiled.columns.map((_, i) => answerValue(r[`c${i}`])));
    return { columns: compiled.columns.map((c, i) => ({ name: c.name, type: c.type ?? typeOfValues(rows, i) })), rows, truncated: result.rows.length > run.maxRows };
  }

  /** The branch's search path and the statement's time limit, LOCAL to the transaction. */
  private settings(client: pg.PoolClient, timeoutMs: number): string {
    return `SELECT set_config('search_path', ${client.escapeLiteral(quoteId(this.schema))}, true), set_config('statement_timeout', ${client.escapeLiteral(String(timeoutMs))}, true)`;
  }
}

function tablesOf(run: SqlRun): string[] {
  return [...run.schema.tables.keys()];
}

/**
 * The compiled text with its `$n` as Kysely values (Kysely numbers them again in order). The
 * text is the compiler's own (identifiers double-quoted, strings single-quoted with quotes
 * doubled), so a `$` outside quotes is always a parameter.
 */
function withParams(text: string, params: readonly unknown[]) {
  const values = driverParams(params, 'postgres');
  const parts: Array<ReturnType<typeof sql.raw>> = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    const m = c === '$' ? /^\$(\d+)/.exec(text.slice(i)) : null;
    if (!m) continue;
    parts.push(sql.raw(text.slice(start, i)), sql`${values[Number(m[1]) - 1] ?? null}`);
    i += m[0].length - 1;
    start = i + 1;
  }
  parts.push(sql.raw(text.slice(start)));
  return sql<Record<string, unknown>>`${sql.join(parts, sql.raw(''))}`;
}

const answerRow = (row: unknown[]): unknown[] => row.map(answerValue);
const answerValue = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

/** PostgreSQL's complaints about a statement (syntax, types, names, timeouts) are a 400 with its words. */
function engineError(err: unknown): unknown {
  // The pool's guard calls a statement timeout UNAVAILABLE (503 elsewhere); here the limit is
  // the SQL API's own, set by the read, so running past it is the statement's fault.
  const cause = err instanceof StrataError && err.code === 'UNAVAILABLE' ? err.cause : err;
  const code = (cause as { code?: string } | undefined)?.code;
  if (code === '57014') return invalidSql('the statement ran past its time limit (statement_timeout) and was cancelled');
  if (err !== cause || typeof code !== 'string' || code.length !== 5) return err;
  if (['42', '22', '21', '2F', '0A', '25'].includes(code.slice(0, 2)) || code === '42501') return invalidSql(String((err as Error).message));
  return err;
}
