import type { BranchSchema, TableModel } from '../../kernel/model/table-model.js';
import type { BranchReader } from '../ports/storage.js';
import type { BranchContext } from '../databases.js';
import { parseRecordInput } from './record-input.js';
import {
  checkBodyId, createRecord, deleteRecord, newRecordKey, patchRecord, putRecord, readRecord, readWritten, recordNotFound, storageId, tableIn,
  type ReadOptions, type WriteScope,
} from './record-write.js';
import { runWrite } from './write-transaction.js';

export type { ReadOptions } from './record-write.js';
export interface WriteOptions extends ReadOptions { ifVersion?: number; createOnly?: boolean }
export interface WriteResult { record: Record<string, unknown>; created: boolean }

/**
 * Single-record reads and writes for every API face. Each write is one step of the rules in
 * record-write.ts, run in its own transaction, and returns the record as written.
 */
export class RecordService {
  async table(ctx: BranchContext, name: string, via?: BranchReader): Promise<{ schema: BranchSchema; table: TableModel }> {
    const schema = await ctx.schema(via);
    return { schema, table: tableIn(schema, name) };
  }

  async get(ctx: BranchContext, tableName: string, id: string, opts: ReadOptions): Promise<Record<string, unknown>> {
    const { schema, table } = await this.table(ctx, tableName);
    const key = storageId(table, id);
    const record = key === undefined ? undefined : await readRecord(ctx.store, schema, table, key, opts);
    if (!record) throw recordNotFound(id);
    return record;
  }

  /** POST /data: a new record; an `id` in the body is used (and must be new), otherwise one is generated. */
  async insert(ctx: BranchContext, tableName: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.write(ctx, tableName, async (w, table) => {
      const key = await createRecord(w, table, parseRecordInput(table, body, { allowOperators: false }));
      return { record: await readWritten(w, table, key, opts), created: true };
    });
  }

  /** PUT /data/{id}: create (201) or replace (200); createOnly refuses to replace, ifVersion guards it. */
  async put(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.write(ctx, tableName, async (w, table) => {
      const key = newRecordKey(table, id);
      const input = parseRecordInput(table, body, { allowOperators: false });
      checkBodyId(input.id, id);
      const { created } = await putRecord(w, table, key, input, opts);
      return { record: await readWritten(w, table, key, opts), created };
    });
  }

  /** PATCH /data/{id}: partial update of an existing record (404 when missing). */
  async update(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.patch(ctx, tableName, id, body, opts, false);
  }

  /** POST /data/{id}: partial update, or create when the record does not exist. */
  async upsert(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    return this.patch(ctx, tableName, id, body, opts, true);
  }

  private patch(ctx: BranchContext, tableName: string, id: string, body: unknown, opts: WriteOptions, upsert: boolean): Promise<WriteResult> {
    return this.write(ctx, tableName, async (w, table) => {
      const key = upsert ? newRecordKey(table, id) : storageId(table, id);
      const input = parseRecordInput(table, body, { allowOperators: true });
      checkBodyId(input.id, id);
      const { created } = await patchRecord(w, table, id, key, input, { upsert, ifVersion: opts.ifVersion });
      return { record: await readWritten(w, table, key!, opts), created };
    });
  }

  /** DELETE /data/{id}: returns the record as it was; links pointing at it become null. */
  async remove(ctx: BranchContext, tableName: string, id: string, opts: ReadOptions): Promise<Record<string, unknown>> {
    return this.write(ctx, tableName, async (w, table) => {
      const key = storageId(table, id);
      const record = key === undefined ? undefined : await readRecord(w.tx, w.schema, table, key, opts);
      if (!record) throw recordNotFound(id);
      await deleteRecord(w, table, key!);
      return record;
    });
  }

  /** A missing table is reported before a transaction is opened for it. */
  private async write<T>(ctx: BranchContext, tableName: string, fn: (w: WriteScope, table: TableModel) => Promise<T>): Promise<T> {
    await this.table(ctx, tableName);
    return runWrite(ctx, (w) => fn(w, tableIn(w.schema, tableName)));
  }
}
