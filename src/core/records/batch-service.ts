import { badRequest } from '../../kernel/errors.js';
import type { BranchContext } from '../databases.js';
import { parseRecordInput } from './record-input.js';
import { createRecord, readWritten, tableIn, type ReadOptions } from './record-write.js';
import { runBatch } from './batch-runner.js';
import { parseOperation } from './transaction-operations.js';
import { runOperation, type OperationResult } from './run-operation.js';
import { buildProjection, type RecordFormat } from './projection.js';

export interface BulkResult { ids: string[]; records?: Array<Record<string, unknown>> }

/**
 * Many records in one request, all or nothing: bulk inserts into one table, and transactions
 * of inserts, updates, deletes and reads across tables. Both run the single-record rules
 * (record-write.ts) inside one transaction; failures come back as a BatchFailure by index.
 */
export class BatchService {
  /** POST /tables/{t}/bulk: each record as POST /data would insert it; `columns` also returns the records. */
  async bulkInsert(ctx: BranchContext, tableName: string, records: unknown[], opts: ReadOptions): Promise<BulkResult> {
    tableIn(await ctx.schema(), tableName);
    if (records.length === 0) throw badRequest('records: at least one record is required');
    const withRecords = opts.columns !== undefined;
    const written = await runBatch(ctx, records, 'records',
      (schema) => {
        const table = tableIn(schema, tableName);
        if (withRecords) buildProjection(schema, table, opts.columns); // a bad column concerns the request, not a record
        return (record) => {
          if (typeof record !== 'object' || record === null || Array.isArray(record)) throw badRequest('a record must be a JSON object');
          return { table, input: parseRecordInput(table, record, { allowOperators: false }) };
        };
      },
      async (w, { table, input }) => {
        const key = await createRecord(w, table, input);
        return { id: String(key), record: withRecords ? await readWritten(w, table, key, { columns: opts.columns, format: opts.format }) : undefined };
      });
    return { ids: written.map((r) => r.id), ...(withRecords ? { records: written.map((r) => r.record!) } : {}) };
  }

  /** POST /db/{db}:{branch}/transaction: operations in order, each seeing the writes before it. */
  transaction(ctx: BranchContext, operations: unknown[], format: RecordFormat): Promise<OperationResult[]> {
    return runBatch(ctx, operations, 'operations',
      (schema) => (raw) => parseOperation(schema, raw),
      (w, op) => runOperation(w, op, format),
      { everyFailure: true });
  }
}
