import type { BranchSchema } from '../model/table-model.js';
import { StrataError, badRequest } from '../errors.js';
import type { BranchContext } from '../databases.js';
import type { WriteScope } from './record-write.js';
import { runWrite } from './write-transaction.js';

/** Records per bulk insert and operations per transaction, as on Xata. */
export const MAX_BATCH_SIZE = 1000;

export interface ItemError { index: number; message: string; status: number }

/**
 * Items of a bulk insert or transaction that failed, by index; nothing was written. Each
 * face renders it in its own envelope; the message alone serves any other caller.
 */
export class BatchFailure extends StrataError {
  constructor(readonly errors: ItemError[]) {
    super('BAD_REQUEST', errors.map((e) => `[${e.index}] ${e.message}`).join('; '));
  }

  static at(index: number, err: StrataError): BatchFailure {
    return new BatchFailure([{ index, message: err.message, status: err.status }]);
  }
}

/**
 * Runs a batch in one transaction: every item is checked first (all bad items are reported
 * together), then executed in order, each seeing the writes of those before it. The first
 * item that fails at run time rolls everything back and is reported with its index.
 * `prepare` gets the transaction's schema and returns the per-item check; what it throws
 * itself (say, a missing table) concerns the whole request and is not tied to an item.
 */
export async function runBatch<P, R>(
  ctx: BranchContext, items: unknown[], what: string,
  prepare: (schema: BranchSchema) => (item: unknown) => P,
  execute: (w: WriteScope, prepared: P) => Promise<R>,
): Promise<R[]> {
  if (items.length > MAX_BATCH_SIZE) throw badRequest(`too many ${what}: ${items.length} given, at most ${MAX_BATCH_SIZE} are allowed`);
  let current = -1;
  try {
    return await runWrite(ctx, async (w) => {
      current = -1;
      const prepared = prepareAll(items, prepare(w.schema));
      const results: R[] = [];
      for (let i = 0; i < prepared.length; i++) {
        current = i;
        results.push(await execute(forItem(w, i), prepared[i]!));
      }
      return results;
    });
  } catch (err) {
    const itemError = current >= 0 && err instanceof StrataError && !(err instanceof BatchFailure) && err.status < 500;
    throw itemError ? BatchFailure.at(current, err) : err;
  }
}

function prepareAll<P>(items: unknown[], check: (item: unknown) => P): P[] {
  const errors: ItemError[] = [];
  const prepared = items.map((item, index) => {
    try {
      return check(item);
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      errors.push({ index, message: err.message, status: err.status });
      return undefined as P;
    }
  });
  if (errors.length > 0) throw new BatchFailure(errors);
  return prepared;
}

/** The scope an item runs in: a create race it loses is reported against its index. */
function forItem(w: WriteScope, index: number): WriteScope {
  return { ...w, claim: (table, key, raceError) => w.claim(table, key, raceError && (() => BatchFailure.at(index, raceError()))) };
}
