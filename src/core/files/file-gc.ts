import type { Strata } from '../strata.js';
import { blobKeysOf, fileLeaves } from './file-write.js';
import { isLibraryRef, libraryFileLeaves } from './library-refs.js';
import type { BranchContext } from '../databases.js';
import type { TableModel } from '../model/table-model.js';

/**
 * `strata files gc`: removes blobs nothing points to. A blob is written before the record
 * that points to it commits, so only blobs older than `graceMs` are candidates (an upload in
 * flight is not an orphan); references are read from every file column of every branch.
 * A crash between a blob's write and its record's commit, or between a commit and the release
 * of a replaced blob, leaves exactly such blobs.
 */
export interface GcResult {
  scanned: number; referenced: number; removed: string[];
  /** Record values that reference library files (Xano file columns), and those whose library file is gone. */
  libraryReferences: number; missingLibraryFiles: Array<{ db: string; branch: string; table: string; record: string; fileId: number }>;
}

export async function collectGarbage(strata: Strata, opts: { graceMs: number; dryRun?: boolean; now?: number }): Promise<GcResult> {
  const cutoff = (opts.now ?? Date.now()) - opts.graceMs;
  // Candidates first: a blob created after this listing cannot be removed by this run.
  const candidates: string[] = [];
  let scanned = 0;
  for await (const blob of strata.storage.blobs.list()) {
    scanned++;
    if (blob.createdAt <= cutoff) candidates.push(blob.key);
  }
  const { keys: referenced, libraryReferences, missingLibraryFiles } = await references(strata);
  const removed = candidates.filter((key) => !referenced.has(key));
  if (!opts.dryRun) await strata.storage.blobs.delete(removed);
  return { scanned, referenced: referenced.size, removed, libraryReferences, missingLibraryFiles };
}

async function references(strata: Strata) {
  // Files of the workspaces' libraries first (they are referenced by their rows; records
  // reference library files by id, and a library file in use cannot be deleted).
  const keys = new Set<string>(await strata.storage.system.workspaceFileBlobKeys());
  let libraryReferences = 0;
  const missingLibraryFiles: GcResult['missingLibraryFiles'] = [];
  for (const db of await strata.storage.system.listDatabases()) {
    for (const branch of await strata.storage.system.listBranches(db.id)) {
      const ctx = await strata.databases.resolve(db.name, branch.name);
      const schema = await ctx.schema();
      for (const table of schema.tables.values()) {
        for (const use of await libraryRefsOf(ctx, table)) {
          libraryReferences++;
          if (!(await strata.storage.system.findWorkspaceFile(db.id, { id: use.fileId }))) missingLibraryFiles.push({ db: db.name, branch: branch.name, table: table.name, record: use.record, fileId: use.fileId });
        }
        const leaves = fileLeaves(table);
        if (leaves.length === 0) continue;
        const rows = await ctx.store.select({ table, joins: [], fields: leaves.map((leaf) => ({ tableAlias: 't0', column: leaf })) });
        for (const row of rows) for (const value of row) for (const key of blobKeysOf(value)) keys.add(key);
      }
    }
  }
  return { keys, libraryReferences, missingLibraryFiles };
}

async function libraryRefsOf(ctx: BranchContext, table: TableModel): Promise<Array<{ record: string; fileId: number }>> {
  const leaves = libraryFileLeaves(table);
  if (leaves.length === 0) return [];
  const rows = await ctx.store.select({ table, joins: [], fields: [{ tableAlias: 't0', column: 'id' }, ...leaves.map((leaf) => ({ tableAlias: 't0', column: leaf }))] });
  const out: Array<{ record: string; fileId: number }> = [];
  for (const row of rows) {
    for (const value of row.slice(1)) {
      for (const ref of Array.isArray(value) ? value : [value]) if (isLibraryRef(ref)) out.push({ record: String(row[0]), fileId: ref.id });
    }
  }
  return out;
}
