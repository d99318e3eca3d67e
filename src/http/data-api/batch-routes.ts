import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { BatchFailure } from '../../core/records/batch-runner.js';
import { assertOperationScopes } from '../../core/records/transaction-operations.js';
import { needs } from '../route-access.js';
import { ColumnsQuery, DbBranchParams, parseColumns, resolveBranch, TableParams } from './params.js';
import { answerFormat } from '../files/file-url-fill.js';
import type { OperationResult } from '../../core/records/run-operation.js';
import { requestedFields } from './requested-fields.js';

// Only the envelope is validated here: each record or operation is checked by the core, so a
// mistake in one is reported against its index instead of as one schema error for the body.
const BulkBody = Type.Object({ records: Type.Array(Type.Unknown()) });
const TransactionBody = Type.Object({ operations: Type.Array(Type.Unknown()) });

/** Xata's many-record API: bulk insert into a table, and transactions across tables. */
export const batchRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/db/:dbBranch/tables/:table/bulk', {
    config: needs('content:create'),
    schema: {
      params: TableParams, querystring: ColumnsQuery, body: BulkBody,
      description: 'Inserts 1 to 1000 records in one transaction: all of them, or none. Each record is inserted as `POST …/data` would insert it (an `id` given must be new). Needs only `content:create`, as `POST …/data` does: it can only add records (and, with `columns`, return them as written).',
    },
  }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const columns = parseColumns(request.query.columns);
    try {
      const result = await strata.batches.bulkInsert(ctx, request.params.table, request.body.records, { columns, format: await answerFormat(strata, request, ctx) });
      return result.records ? { records: result.records } : { recordIDs: result.ids };
    } catch (err) {
      return sendFailure(request, reply, 'bulk', err);
    }
  });

  app.post('/db/:dbBranch/transaction', {
    config: needs('content:read'),
    schema: {
      params: DbBranchParams, body: TransactionBody,
      description: 'Runs up to 1000 insert, update, delete and get operations across tables in one transaction: all of them, or none. '
        + 'Operations see the writes of those before them. Needs `content:read`, and each operation the scope of its single-record endpoint: '
        + 'insert `content:create`, update `content:update` (and `content:create` with `upsert`), delete `content:delete`, get `content:read` (403 naming the first operation that lacks it). '
        + 'A token with only `content:create` can insert many records with `POST …/tables/{table}/bulk`.',
    },
  }, async (request, reply) => {
    assertOperationScopes(request.body.operations, request.grant!);
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    try {
      const results = await strata.batches.transaction(ctx, request.body.operations, await answerFormat(strata, request, ctx));
      return { results: results.map((result, i) => onlyRequested(result, request.body.operations[i])) };
    } catch (err) {
      return sendFailure(request, reply, 'transaction', err);
    }
  });
};

/** A `get` with `columns` answers those fields only (requested-fields.ts); other results are as the core made them. */
function onlyRequested(result: OperationResult, operation: unknown): OperationResult {
  const columns = (operation as { get?: { columns?: unknown } }).get?.columns;
  if (result.operation !== 'get' || !result.columns || !Array.isArray(columns)) return result;
  return { ...result, columns: requestedFields(result.columns, columns as string[]) };
}

/**
 * Failed items in each endpoint's envelope (HTTP 400, nothing written): Xata's
 * TransactionFailure `{id, errors: [{index, message}]}`, and its BulkError
 * `{errors: [{message, status}]}` (plus the request id, as every Strata error carries).
 */
function sendFailure(request: FastifyRequest, reply: FastifyReply, kind: 'bulk' | 'transaction', err: unknown): FastifyReply {
  if (!(err instanceof BatchFailure)) throw err;
  const errors = kind === 'transaction'
    ? err.errors.map((e) => ({ index: e.index, message: e.message }))
    : err.errors.map((e) => ({ message: `record ${e.index}: ${e.message}`, status: e.status }));
  return reply.status(400).send({ id: request.id, errors });
}
