import type { RecordFormat } from './projection.js';
import type { Operation } from './transaction-operations.js';
import {
  createRecord, deleteRecord, patchRecord, putRecord, readRecord, readWritten, type WriteScope,
} from './record-write.js';
import { noRowsDeleted } from '../xata-messages.js';

type Columns = Record<string, unknown>;

/** One result of a transaction, in the shapes of Xata's TransactionSuccess. */
export type OperationResult =
  | { operation: 'insert'; id: string; rows: number; columns?: Columns }
  | { operation: 'update'; id: string; rows: number; columns?: Columns }
  | { operation: 'delete'; rows: number; columns?: Columns }
  | { operation: 'get'; columns?: Columns };

/**
 * Runs one transaction operation through the same write rules as the single-record API.
 *
 * `columns` in a result is the record (id, xata and the requested columns) when the operation
 * asked for columns. Without them, the shapes copy what Xata's own integration tests expect:
 * an update, and an insert that may replace (explicit id, createOnly not set), carry
 * `columns: {}`; a plain insert and a delete carry no `columns`; a get returns the whole record.
 */
export async function runOperation(w: WriteScope, op: Operation, format: RecordFormat): Promise<OperationResult> {
  const read = { columns: op.columns, format };
  switch (op.kind) {
    case 'insert': {
      if (op.key === undefined || op.createOnly) {
        const key = await createRecord(w, op.table, op.input);
        return { operation: 'insert', id: String(key), rows: 1, ...(op.columns ? { columns: await readWritten(w, op.table, key, read) } : {}) };
      }
      await putRecord(w, op.table, op.key, op.input, { ifVersion: op.ifVersion });
      return { operation: 'insert', id: String(op.key), rows: 1, columns: op.columns ? await readWritten(w, op.table, op.key, read) : {} };
    }
    case 'update': {
      await patchRecord(w, op.table, op.id, op.key, op.input, { upsert: op.upsert, ifVersion: op.ifVersion });
      return { operation: 'update', id: op.id, rows: 1, columns: op.columns ? await readWritten(w, op.table, op.key!, read) : {} };
    }
    case 'delete': {
      const record = op.columns && op.key !== undefined ? await readRecord(w.tx, w.schema, op.table, op.key, read) : undefined;
      const deleted = op.key !== undefined && (await deleteRecord(w, op.table, op.key));
      if (!deleted && op.failIfMissing) throw noRowsDeleted(op.table.name);
      return { operation: 'delete', rows: deleted ? 1 : 0, ...(record ? { columns: record } : {}) };
    }
    case 'get': {
      const record = op.key === undefined ? undefined : await readRecord(w.tx, w.schema, op.table, op.key, read);
      return { operation: 'get', ...(record ? { columns: record } : {}) };
    }
  }
}
