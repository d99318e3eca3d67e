import type { BranchSchema } from '../../kernel/model/table-model.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
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
 *
 * With `everyFailure` (Xata's transactions report every failing operation, not the first),
 * a failure is followed by a second attempt that finds them all: each item that passed its
 * check runs in a savepoint, so one that fails leaves no trace and the next still runs; the
 * failures of both phases come back together and nothing is written. Should that attempt
 * find no failure at all (the data changed in between), it is a complete run and commits.
 * The first attempt takes no savepoints: batches that succeed pay nothing for this.
 */
export async function runBatch<P, R>(
  ctx: BranchContext, items: unknown[], what: string,
  prepare: (schema: BranchSchema) => (item: unknown) => P,
  execute: (w: WriteScope, prepared: P) => Promise<R>,
  opts: { everyFailure?: boolean } = {},
): Promise<R[]> {
  if (items.length > MAX_BATCH_SIZE) throw badRequest(`too many ${what}: ${items.length} given, at most ${MAX_BATCH_SIZE} are allowed`);
  let current = -1;
  try {
    return await runWrite(ctx, async (w) => {
      current = -1;
      const { prepared, errors } = prepareAll(items, prepare(w.schema));
      if (errors.length > 0) throw new BatchFailure(errors);
      const results: R[] = [];
      for (let i = 0; i < prepared.length; i++) {
        current = i;
        results.push(await execute(forItem(w, i), prepared[i]!));
      }
      return results;
    });
  } catch (err) {
    const itemError = current >= 0 && isItemError(err);
    if (!itemError && !(err instanceof BatchFailure)) throw err;
    if (!opts.everyFailure) throw itemError ? BatchFailure.at(current, err as StrataError) : err;
    return runReportingEvery(ctx, items, prepare, execute);
  }
}

const isItemError = (err: unknown): err is StrataError => err instanceof StrataError && !(err instanceof BatchFailure) && err.status < 500;

/** The second attempt of runBatch with everyFailure: every item isolated in a savepoint. */
async function runReportingEvery<P, R>(
  ctx: BranchContext, items: unknown[],
  prepare: (schema: BranchSchema) => (item: unknown) => P,
  execute: (w: WriteScope, prepared: P) => Promise<R>,
): Promise<R[]> {
  return runWrite(ctx, async (w) => {
    const { prepared, errors, failed } = prepareAll(items, prepare(w.schema));
    const results: R[] = [];
    for (let i = 0; i < prepared.length; i++) {
      if (failed.has(i)) continue;
      try {
        results.push(await w.tx.savepoint(() => execute(forItem(w, i), prepared[i]!)));
      } catch (err) {
        if (!isItemError(err)) throw err;
        errors.push({ index: i, message: err.message, status: err.status });
      }
    }
    if (errors.length > 0) throw new BatchFailure(errors.sort((a, b) => a.index - b.index));
    return results;
  });
}

function prepareAll<P>(items: unknown[], check: (item: unknown) => P): { prepared: P[]; errors: ItemError[]; failed: Set<number> } {
  const errors: ItemError[] = [];
  const failed = new Set<number>();
  const prepared = items.map((item, index) => {
    try {
      return check(item);
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      errors.push({ index, message: err.message, status: err.status });
      failed.add(index);
      return undefined as P;
    }
  });
  return { prepared, errors, failed };
}

/** The scope an item runs in: a create race it loses is reported against its index. */
function forItem(w: WriteScope, index: number): WriteScope {
  return { ...w, claim: (table, key, raceError) => w.claim(table, key, raceError && (() => BatchFailure.at(index, raceError()))) };
}
