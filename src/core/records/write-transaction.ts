import type { TableModel } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';
import type { BranchContext } from '../databases.js';
import type { RecordKey, WriteScope } from './record-write.js';
import { ChangeCollector } from '../changes/change-collector.js';
import { FileEffects } from '../files/file-effects.js';

interface Claim { table: TableModel; key: RecordKey; raceError?: () => StrataError }

/**
 * Runs record writes (one, or a whole bulk/transaction request) in one transaction, against
 * the schema as it is inside that transaction.
 *
 * The schema cache is warmed first: a cold load from inside a burst of transactions that hold
 * every pooled connection would wait for a connection forever (PostgreSQL); inside, a schema
 * changed meanwhile is re-read through the transaction's own connection.
 *
 * Two requests can both find an id free and both insert it (PostgreSQL runs writes in
 * parallel); the loser's insert fails on the primary key once the winner commits. Then the
 * loser runs again, now finding the record (upsert, replace), or reports the claim's error
 * (insert, createOnly).
 */
export async function runWrite<T>(ctx: BranchContext, fn: (w: WriteScope) => Promise<T>, opts: { storedBlobs?: string[] } = {}): Promise<T> {
  await ctx.schema();
  await ctx.changes?.ready(ctx.store);
  // Blobs stored before the transaction (streamed uploads) survive a retry, not a failure.
  const inherited = opts.storedBlobs ?? [];
  const lib = ctx.files?.library;
  const library = lib && ((ref: { id: number } | { path: string }) => lib.find(ctx.database.id, ref));
  for (let attempt = 1; ; attempt++) {
    const claims: Claim[] = [];
    const files = ctx.files && new FileEffects(ctx.files, inherited, ctx.database);
    try {
      let lastSeq: number | undefined;
      const result = await ctx.store.transaction(async (tx) => {
        const schema = await ctx.schema(tx);
        const now = Date.now();
        const changes = ctx.changes && new ChangeCollector(tx, schema, now);
        const value = await fn({
          tx, schema, now, files, library,
          claim: (table, key, raceError) => { claims.push({ table, key, raceError }); },
          changed: changes && ((table, key, op) => changes.note(table, key, op)),
          changedMany: changes && ((table, keys, op) => changes.noteMany(table, keys, op)),
        });
        // Last, so the log's counter row stays locked only from here to commit (PostgreSQL).
        lastSeq = await changes?.flush(ctx.branch.id, ctx.changes!.retain);
        return value;
      });
      if (lastSeq !== undefined) ctx.changes!.committed(ctx.branch.id, lastSeq);
      await files?.committed();
      return result;
    } catch (err) {
      // Only a uniqueness conflict on an id we were inserting can be the race described above.
      const conflict = err instanceof StrataError && err.code === 'CONSTRAINT_VIOLATION';
      const lost = conflict && claims.length > 0 && attempt < 3 ? await firstTaken(ctx, claims) : undefined;
      const retry = lost !== undefined && !lost.raceError;
      await files?.rolledBack(retry ? inherited : []);
      if (!retry) throw lost?.raceError ? lost.raceError() : err;
    }
  }
}

async function firstTaken(ctx: BranchContext, claims: Claim[]): Promise<Claim | undefined> {
  for (const claim of claims) {
    if ((await ctx.store.recordVersion(claim.table, claim.key)) !== undefined) return claim;
  }
  return undefined;
}
