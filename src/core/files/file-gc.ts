import type { Strata } from '../strata.js';
import { blobKeysOf, fileLeaves } from './file-write.js';

/**
 * `strata files gc`: removes blobs nothing points to. A blob is written before the record
 * that points to it commits, so only blobs older than `graceMs` are candidates (an upload in
 * flight is not an orphan); references are read from every file column of every branch.
 * A crash between a blob's write and its record's commit, or between a commit and the release
 * of a replaced blob, leaves exactly such blobs.
 */
export interface GcResult { scanned: number; referenced: number; removed: string[] }

export async function collectGarbage(strata: Strata, opts: { graceMs: number; dryRun?: boolean; now?: number }): Promise<GcResult> {
  const cutoff = (opts.now ?? Date.now()) - opts.graceMs;
  // Candidates first: a blob created after this listing cannot be removed by this run.
  const candidates: string[] = [];
  let scanned = 0;
  for await (const blob of strata.storage.blobs.list()) {
    scanned++;
    if (blob.createdAt <= cutoff) candidates.push(blob.key);
  }
  const referenced = await referencedKeys(strata);
  const removed = candidates.filter((key) => !referenced.has(key));
  if (!opts.dryRun) await strata.storage.blobs.delete(removed);
  return { scanned, referenced: referenced.size, removed };
}

async function referencedKeys(strata: Strata): Promise<Set<string>> {
  // Files of the workspaces' libraries first (they are referenced by their rows).
  const keys = new Set<string>(await strata.storage.system.workspaceFileBlobKeys());
  for (const db of await strata.storage.system.listDatabases()) {
    for (const branch of await strata.storage.system.listBranches(db.id)) {
      const ctx = await strata.databases.resolve(db.name, branch.name);
      const schema = await ctx.schema();
      for (const table of schema.tables.values()) {
        const leaves = fileLeaves(table);
        if (leaves.length === 0) continue;
        const rows = await ctx.store.select({ table, joins: [], fields: leaves.map((leaf) => ({ tableAlias: 't0', column: leaf })) });
        for (const row of rows) for (const value of row) for (const key of blobKeysOf(value)) keys.add(key);
      }
    }
  }
  return keys;
}
