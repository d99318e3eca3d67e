import { StrataError } from '../../kernel/errors.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import type { BatchService } from '../records/batch-service.js';
import { BatchFailure, runBatch, type ItemError } from '../records/batch-runner.js';
import { parseRecordInput, type ParsedInput } from '../records/record-input.js';
import { createRecords } from '../records/record-insert-many.js';
import { tableIn } from '../records/record-write.js';
import { runWrite } from '../records/write-transaction.js';
import type { MappedRow } from './row-mapping.js';
import { exportRecordFormat } from './export-record-format.js';

/**
 * One import batch in one transaction: every body parsed and checked as a record body
 * (parseRecordInput, core/values), then written by createRecords (the insert rules, batched),
 * each record with its own version and timestamps when the row has them (`stamps`).
 * Refused records come back as a BatchFailure by index and nothing is written. Should the engine
 * itself refuse the batch (a unique column's duplicate, found only by the INSERT), the batch runs
 * again record by record (runBatch), still through createRecords, which names the record to blame.
 */
export async function insertImportBatch(batches: BatchService, ctx: BranchContext, table: TableModel, rows: MappedRow[]): Promise<void> {
  // Integer ids the engine is to assign: record by record (the engine numbers each insert; no stamps kept).
  if (table.idKind === 'int' && rows.some((r) => r.body.id === undefined)) {
    await batches.bulkInsert(ctx, table.name, rows.map((r) => r.body), { format: exportRecordFormat });
    return;
  }
  try {
    await runWrite(ctx, async (w) => {
      const current = tableIn(w.schema, table.name);
      const errors: ItemError[] = [];
      const inputs: Array<ParsedInput | undefined> = rows.map((row, index) => {
        try {
          return parsed(current, row);
        } catch (err) {
          if (!(err instanceof StrataError)) throw err;
          errors.push({ index, message: err.message, status: err.status });
          return undefined;
        }
      });
      if (errors.length > 0) throw new BatchFailure(errors);
      await createRecords(w, current, inputs as ParsedInput[]);
    });
  } catch (err) {
    if (err instanceof BatchFailure || !(err instanceof StrataError) || err.status >= 500) throw err;
    await oneByOne(ctx, table, rows);
  }
}

function parsed(table: TableModel, row: MappedRow): ParsedInput {
  const input = parseRecordInput(table, row.body, { allowOperators: false });
  if (row.stamps) input.stamps = row.stamps;
  return input;
}

/** The batch again, one createRecords per record: the first that fails is reported by its index. */
async function oneByOne(ctx: BranchContext, table: TableModel, rows: MappedRow[]): Promise<void> {
  await runBatch(ctx, rows, 'records', (schema) => {
    const current = tableIn(schema, table.name);
    return (row) => ({ table: current, input: parsed(current, row as MappedRow) });
  }, async (w, { table: current, input }) => {
    try {
      await createRecords(w, current, [input]);
    } catch (err) {
      // Its one record's failure, as the record's own error (runBatch puts the batch's index on it).
      if (err instanceof BatchFailure) throw new StrataError('INVALID_VALUE', err.errors[0]!.message);
      throw err;
    }
  });
}
