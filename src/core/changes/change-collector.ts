import type { ChangeInput, ChangeOp } from '../ports/change-log.js';
import type { BranchTx } from '../ports/storage.js';
import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import { readRecord, type RecordKey } from '../records/record-write.js';
import { changeRecordFormat } from './change-format.js';
import { buildProjection, materialize } from '../records/projection.js';

/**
 * The changes one write transaction makes, in the order it makes them. Each insert or update
 * reads the record back right after the write (inside the transaction), so an event carries
 * the record as that step left it; `flush` appends them to the branch's log before commit.
 */
export class ChangeCollector {
  private readonly rows: ChangeInput[] = [];

  constructor(private readonly tx: BranchTx, private readonly schema: BranchSchema, private readonly now: number) {}

  async note(table: TableModel, key: RecordKey, op: ChangeOp): Promise<void> {
    let record: Record<string, unknown> | undefined;
    if (op !== 'delete') record = await readRecord(this.tx, this.schema, table, key, { format: changeRecordFormat });
    const version = record ? (record.xata as { version: number }).version : null;
    this.rows.push({ at: this.now, table: table.name, recordId: String(key), op, version, record: record ? JSON.stringify(record) : null });
  }

  /** Inserts or updates of many records of one table, read back in one query (in the order given). */
  async noteMany(table: TableModel, keys: RecordKey[], op: Exclude<ChangeOp, 'delete'>): Promise<void> {
    if (keys.length === 0) return;
    const projection = buildProjection(this.schema, table, undefined);
    const rows = await this.tx.select({ ...projection.plan, where: { kind: 'idIn', tableAlias: 't0', values: keys } });
    const byId = new Map(rows.map((row) => {
      const record = materialize(projection.root, row, changeRecordFormat);
      return [String(record.id), record];
    }));
    for (const key of keys) {
      const record = byId.get(String(key));
      const version = record ? (record.xata as { version: number }).version : null;
      this.rows.push({ at: this.now, table: table.name, recordId: String(key), op, version, record: record ? JSON.stringify(record) : null });
    }
  }

  /** Appends to the log; answers the last sequence number, or undefined when nothing changed. */
  async flush(branchId: number, retain: number): Promise<number | undefined> {
    if (this.rows.length === 0) return undefined;
    return this.tx.appendChanges(branchId, this.rows, retain);
  }
}
