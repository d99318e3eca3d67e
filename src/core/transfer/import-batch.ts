import { StrataError } from '../../kernel/errors.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import type { BatchService } from '../records/batch-service.js';
import { BatchFailure, type ItemError } from '../records/batch-runner.js';
import { parseRecordInput, type ParsedInput } from '../records/record-input.js';
import { createRecords } from '../records/record-insert-many.js';
import { tableIn } from '../records/record-write.js';
import { runWrite } from '../records/write-transaction.js';
import { exportRecordFormat } from './export-record-format.js';

/**
 * One import batch in one transaction: every body parsed and checked as a record body
 * (parseRecordInput, core/values), then written by createRecords (the insert rules, batched).
 * Refused records come back as a BatchFailure by index and nothing is written. Should the engine
 * itself refuse the batch (a unique column's duplicate, found only by the INSERT), the batch runs
 * again through the bulk insert path record by record, which names the record to blame.
 */
export async function insertImportBatch(batches: BatchService, ctx: BranchContext, table: TableModel, bodies: Array<Record<string, unknown>>): Promise<void> {
  // Integer ids the engine is to assign: record by record (the engine numbers each insert).
  if (table.idKind === 'int' && bodies.some((b) => b.id === undefined)) {
    await batches.bulkInsert(ctx, table.name, bodies, { format: exportRecordFormat });
    return;
  }
  try {
    await runWrite(ctx, async (w) => {
      const current = tableIn(w.schema, table.name);
      const errors: ItemError[] = [];
      const inputs: Array<ParsedInput | undefined> = bodies.map((body, index) => {
        try {
          return parseRecordInput(current, body, { allowOperators: false });
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
    await batches.bulkInsert(ctx, table.name, bodies, { format: exportRecordFormat });
  }
}
