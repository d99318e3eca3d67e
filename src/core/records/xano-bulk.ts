import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import { badRequest, StrataError } from '../../kernel/errors.js';
import { MAX_BATCH_SIZE, runBatch } from './batch-runner.js';
import { parseRecordInput, type ParsedInput } from './record-input.js';
import { createRecord, deleteRecord, newRecordKey, patchRecord, storageId, type RecordKey, type WriteScope } from './record-write.js';
import { matchingIds, searchFilter, tableById } from './xano-content.js';
import { fromXanoRecord } from './xano-record-input.js';
import { runWrite } from './write-transaction.js';
import { collectBlobKeys } from '../files/file-references.js';

/**
 * The Metadata API's writes of many records, each request one transaction (all or nothing):
 * bulk create/patch (batch-runner.ts: every item checked first and bad ones reported by
 * index, then run in order), bulk delete, patch/delete of every record a search matches, and
 * truncate. Each record goes through the same write rules as a single write (record-write.ts).
 */
export interface DeleteReport { deleted: RecordKey[]; missing: unknown[] }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const inputError = (param: string, message: string) => new StrataError('BAD_REQUEST', message, { param });

export class XanoBulkService {
  /** POST …/content/bulk: the new ids, in order. With `allowIds` an item's `id` is used (and must be new). */
  async create(ctx: BranchContext, tableId: number, items: unknown[], allowIds: boolean): Promise<RecordKey[]> {
    tableById(await ctx.schema(), tableId);
    return runBatch(ctx, items, 'items',
      (schema) => {
        const table = tableById(schema, tableId);
        return (item) => {
          const input = recordInput(table, item, allowIds);
          if (input.id !== undefined && input.id !== null) newRecordKey(table, String(input.id)); // an id this table can hold
          return { table, input };
        };
      },
      (w, { table, input }) => createRecord(w, table, input));
  }

  /** POST …/content/bulk/patch: `[{row_id, updates}]`; a missing record fails the request. Returns the ids patched. */
  async patch(ctx: BranchContext, tableId: number, items: unknown[]): Promise<RecordKey[]> {
    tableById(await ctx.schema(), tableId);
    return runBatch(ctx, items, 'items',
      (schema) => {
        const table = tableById(schema, tableId);
        return (item) => {
          if (!isObject(item) || (typeof item.row_id !== 'number' && typeof item.row_id !== 'string')) throw badRequest('an item is {row_id, updates}; row_id is required');
          const id = String(item.row_id);
          return { table, id, key: storageId(table, id), input: recordInput(table, item.updates ?? {}, false) };
        };
      },
      async (w, { table, id, key, input }) => {
        await patchRecord(w, table, id, key, input, { upsert: false });
        return key!;
      });
  }

  /** POST …/content/bulk/delete: deletes the records that exist; ids that match none are reported, not fatal. */
  async remove(ctx: BranchContext, tableId: number, rowIds: unknown[]): Promise<DeleteReport> {
    tableById(await ctx.schema(), tableId);
    if (rowIds.length > MAX_BATCH_SIZE) throw inputError('row_ids', `too many row_ids: ${rowIds.length} given, at most ${MAX_BATCH_SIZE} are allowed`);
    return runWrite(ctx, async (w) => {
      const table = tableById(w.schema, tableId);
      const report: DeleteReport = { deleted: [], missing: [] };
      for (const rowId of rowIds) {
        const key = typeof rowId === 'number' || typeof rowId === 'string' ? storageId(table, String(rowId)) : undefined;
        if (key !== undefined && (await deleteRecord(w, table, key))) report.deleted.push(key);
        else report.missing.push(rowId);
      }
      return report;
    });
  }

  /** POST …/content/search/patch: the same partial values on every record the search matches. */
  async searchPatch(ctx: BranchContext, tableId: number, search: unknown, updates: unknown): Promise<RecordKey[]> {
    const schema = await ctx.schema();
    const table = tableById(schema, tableId);
    searchFilter(schema, table, search); // a bad search or value is a 400 before anything runs
    recordInput(table, updates, false, 'updates');
    return runWrite(ctx, async (w) => {
      const current = tableById(w.schema, tableId);
      const input = recordInput(current, updates, false, 'updates');
      const ids = await matchingIds(w.tx, w.schema, current, search);
      try {
        // Each record gets its own copy: the write rules may rewrite values (link ids, hashes).
        for (const key of ids) await patchRecord(w, current, String(key), key, { values: new Map([...input.values].map(([leaf, v]) => [leaf, { ...v }])) }, { upsert: false });
      } catch (err) {
        throw inputNamed(err, 'updates'); // a link to nothing, a unique value: it is about the updates
      }
      return ids;
    });
  }

  /** POST …/content/search/delete: deletes every record the search matches (an empty search matches all). */
  async searchDelete(ctx: BranchContext, tableId: number, search: unknown): Promise<RecordKey[]> {
    const schema = await ctx.schema();
    searchFilter(schema, tableById(schema, tableId), search);
    return runWrite(ctx, async (w) => {
      const table = tableById(w.schema, tableId);
      const ids = await matchingIds(w.tx, w.schema, table, search);
      for (const key of ids) await deleteRecord(w, table, key);
      return ids;
    });
  }

  /** DELETE …/truncate: every record goes, and its files; links to them become null; `reset` restarts ids at 1. */
  async truncate(ctx: BranchContext, tableId: number, reset: boolean): Promise<number> {
    tableById(await ctx.schema(), tableId);
    return runWrite(ctx, async (w) => {
      const table = tableById(w.schema, tableId);
      // Their files go with them, once the truncate commits (runWrite releases them).
      if (w.files) await collectBlobKeys(w.tx, table, w.files.released);
      const deleted = await w.tx.truncateRecords(table, { resetIds: reset });
      await clearAllLinksTo(w, table);
      return deleted;
    });
  }
}

/** An item or `updates` body in Xano's dialect, parsed by the shared rules; errors name their input. */
function recordInput(table: TableModel, body: unknown, keepId: boolean, param?: string): ParsedInput {
  if (!isObject(body)) throw param ? inputError(param, `${param} must be an object`) : badRequest('a record must be a JSON object');
  try {
    return parseRecordInput(table, fromXanoRecord(table, body, { keepId }), { allowOperators: false });
  } catch (err) {
    throw param ? inputNamed(err, param) : err;
  }
}

/** A client error about a column, re-named under the body field it came from (`updates.price`). */
function inputNamed(err: unknown, field: string): unknown {
  if (!(err instanceof StrataError) || err.status >= 500) return err;
  const column = err.param ?? /column \[([^\]]+)\]/.exec(err.message)?.[1];
  return new StrataError(err.code, err.message, { param: column ? `${field}.${column}` : field });
}

async function clearAllLinksTo(w: WriteScope, table: TableModel): Promise<void> {
  for (const other of w.schema.tables.values()) {
    for (const leaf of other.leaves) if (leaf.link?.table === table.name) await w.tx.clearLinksTo(other, leaf, 'all');
  }
}
