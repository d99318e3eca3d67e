import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { SQL_LIMITS, type SqlAnswer } from '../../core/sql/sql-service.js';
import { needs } from '../route-access.js';
import { DbBranchParams, resolveBranch } from './params.js';

const Statement = Type.String({ minLength: 1, maxLength: SQL_LIMITS.statementLength, description: 'One statement of the PostgreSQL subset Strata runs (README: SQL), `$1`… for parameters' });
const Params = Type.Union([Type.Array(Type.Unknown(), { maxItems: SQL_LIMITS.params }), Type.Null()]);
const Consistency = Type.Optional(Type.Union([Type.Literal('strong'), Type.Literal('eventual')], { description: 'Accepted; every read is strong' }));
const ResponseType = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('array')]));

const SqlBody = Type.Object({ statement: Statement, params: Type.Optional(Params), consistency: Consistency, responseType: ResponseType }, { additionalProperties: false });
const SqlBatchBody = Type.Object({
  statements: Type.Array(Type.Object({ statement: Statement, params: Type.Optional(Params) }, { additionalProperties: false }), { maxItems: SQL_LIMITS.batchStatements }),
  consistency: Consistency, responseType: ResponseType,
}, { additionalProperties: false });

const ACCESS = 'Needs `content:read`; an INSERT, UPDATE or DELETE also needs `content:create`, `content:update` or `content:delete` (decided from the parsed statement).';

/** Xata's SQL endpoints, as `xata.sql`, `@xata.io/kysely` and `@xata.io/drizzle` call them. */
export const sqlRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/db/:dbBranch/sql', {
    config: needs('content:read'),
    schema: { summary: 'Run one SQL statement', params: DbBranchParams, body: SqlBody, description: `Runs one SQL statement on the branch. ${ACCESS} Answers \`{records}\` (json) or \`{rows}\` (array), with \`columns\`, \`total\` and, when the answer was cut to ${SQL_LIMITS.maxRows} rows, \`warning\`.` },
  }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const result = await strata.sql.run(ctx, request.body, request.grant!);
    return shape(result, request.body.responseType ?? 'json');
  });

  app.post('/db/:dbBranch/sql/batch', {
    config: needs('content:read'),
    schema: { summary: 'Run SQL statements in one transaction', params: DbBranchParams, body: SqlBatchBody, description: `Runs up to ${SQL_LIMITS.batchStatements} SQL statements in one transaction: all of them take effect, or none (the error names the statement). ${ACCESS}` },
  }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const results = await strata.sql.batch(ctx, request.body.statements, request.grant!);
    return { results: results.map((r) => shape(r, request.body.responseType ?? 'json')) };
  });
};

function shape(result: SqlAnswer, type: 'json' | 'array'): Record<string, unknown> {
  const warning = result.warning === undefined ? {} : { warning: result.warning };
  if (type === 'array') return { rows: result.rows, columns: result.columns, total: result.rows.length, ...warning };
  const records = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
  return { records, columns: result.columns, total: records.length, ...warning };
}
