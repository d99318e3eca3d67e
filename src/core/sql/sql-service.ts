import type { BranchContext } from '../databases.js';
import { StrataError } from '../../kernel/errors.js';
import { allows, type ScopeAction } from '../auth/scopes.js';
import { runWrite } from '../records/write-transaction.js';
import type { SqlRows } from '../ports/storage.js';
import { analyseStatement, type SqlAnalysis, type SqlKind } from './sql-analysis.js';
import { invalidSql, parseStatement } from '../../kernel/sql/sql-parse.js';
import { runSqlWrite, type SqlBounds } from './sql-write.js';

/**
 * SQL over HTTP (`POST /db/{db}:{branch}/sql` and `/sql/batch`): one statement of the
 * PostgreSQL subset per request, parsed by PostgreSQL's grammar, checked against the branch's
 * schema (sql-analysis.ts), then either run as a SELECT on the branch's storage or, for
 * INSERT/UPDATE/DELETE, applied through the record API's write path (sql-write.ts).
 */
export interface SqlStatement { statement: string; params?: unknown[] | null }
export interface SqlAnswer extends SqlRows { warning?: string }

export const SQL_LIMITS = {
  /** Rows of one answer; past it the answer is cut and says so in `warning`. Also the rows one write may change. */
  maxRows: 1000,
  /** Characters of one statement. */
  statementLength: 100_000,
  /** Parameters of one statement. */
  params: 1000,
  /** Statements of one batch. */
  batchStatements: 100,
  /** PostgreSQL's statement_timeout for each statement (SQLite: see sqlite-sql-run.ts). */
  timeoutMs: 10_000,
} as const;

const ACTIONS: Record<SqlKind, ScopeAction> = { read: 'read', insert: 'create', update: 'update', delete: 'delete' };
const KIND_NAMES: Record<SqlKind, string> = { read: 'a SELECT', insert: 'an INSERT', update: 'an UPDATE', delete: 'a DELETE' };

export class SqlService {
  constructor(private readonly bounds: SqlBounds = { maxRows: SQL_LIMITS.maxRows, timeoutMs: SQL_LIMITS.timeoutMs }) {}

  async run(ctx: BranchContext, input: SqlStatement, grant: number): Promise<SqlAnswer> {
    const { analysis, params } = await this.prepare(ctx, input, grant);
    if (analysis.kind === 'read') {
      const rows = await ctx.store.runSql({ select: analysis.root, params, schema: await ctx.schema(), ...this.bounds });
      return answer(rows, this.bounds.maxRows);
    }
    return runWrite(ctx, async (w) => answer(await runSqlWrite(w, analysis, params, this.bounds), this.bounds.maxRows));
  }

  /** Every statement in one transaction: all of them take effect, or none. */
  async batch(ctx: BranchContext, inputs: SqlStatement[], grant: number): Promise<SqlAnswer[]> {
    if (inputs.length === 0) return [];
    if (inputs.length > SQL_LIMITS.batchStatements) throw invalidSql(`a batch holds at most ${SQL_LIMITS.batchStatements} statements`);
    const prepared: Array<{ analysis: SqlAnalysis; params: unknown[] }> = [];
    for (const [i, input] of inputs.entries()) {
      try {
        prepared.push(await this.prepare(ctx, input, grant));
      } catch (err) {
        throw withIndex(err, i);
      }
    }
    return runWrite(ctx, async (w) => {
      const answers: SqlAnswer[] = [];
      for (const [i, { analysis, params }] of prepared.entries()) {
        try {
          const rows = analysis.kind === 'read'
            ? await w.tx.runSql({ select: analysis.root, params, schema: w.schema, ...this.bounds })
            : await runSqlWrite(w, analysis, params, this.bounds);
          answers.push(answer(rows, this.bounds.maxRows));
        } catch (err) {
          throw withIndex(err, i);
        }
      }
      return answers;
    });
  }

  private async prepare(ctx: BranchContext, input: SqlStatement, grant: number): Promise<{ analysis: SqlAnalysis; params: unknown[] }> {
    if (typeof input.statement !== 'string' || input.statement.trim() === '') throw invalidSql('the statement is empty');
    if (input.statement.length > SQL_LIMITS.statementLength) throw invalidSql(`a statement holds at most ${SQL_LIMITS.statementLength} characters`);
    const params = input.params ?? [];
    if (params.length > SQL_LIMITS.params) throw invalidSql(`a statement takes at most ${SQL_LIMITS.params} parameters`);
    const analysis = analyseStatement(await parseStatement(input.statement), await ctx.schema(), params);
    const action = ACTIONS[analysis.kind];
    if (!allows(grant, { object: 'content', action })) {
      throw new StrataError('FORBIDDEN', `${KIND_NAMES[analysis.kind]} needs the content:${action} scope, which this token lacks`);
    }
    return { analysis, params };
  }
}

function answer(rows: SqlRows, maxRows: number): SqlAnswer {
  if (!rows.truncated) return rows;
  return { ...rows, warning: `the answer was cut to its first ${maxRows} rows: add a LIMIT (or page with OFFSET) to read the rest` };
}

/** A batch names the statement that failed. */
function withIndex(err: unknown, index: number): unknown {
  if (!(err instanceof StrataError)) return err;
  return new StrataError(err.code, `statement ${index}: ${err.message}`, { param: err.param });
}
