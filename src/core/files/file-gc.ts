import type { Strata } from '../strata.js';
import type { BranchContext } from '../databases.js';
import type { TableModel } from '../model/table-model.js';
import { isLibraryRef, libraryFileLeaves } from './library-refs.js';
import { blobKeyPages, REFERENCE_PAGE_ROWS, rowPages } from './file-references.js';
import { fileLeaves } from './file-write.js';

/**
 * `strata files gc`: removes blobs nothing points to. A blob is written before the record
 * that points to it commits, so only blobs older than `graceMs` are candidates (an upload in
 * flight is not an orphan). A crash between a blob's write and its record's commit, or between
 * a commit and the release of a replaced blob, leaves exactly such blobs.
 *
 * Memory stays bounded: the blob listing is taken a page of candidates at a time, and each
 * page is checked against the library's rows and then against every file column of every
 * branch, read a page of rows at a time; what no reference claimed is an orphan. A store with
 * more candidates than a page costs one reference scan per page (normally there is one page:
 * candidates are only the blobs past the grace period that may be orphans).
 */
export interface GcResult {
  /** Blobs listed; of those, past the grace period and still referenced (by a record or the library). */
  scanned: number; referenced: number; removed: string[];
  /** Record values that reference library files (Xano file columns), and those whose library file is gone. */
  libraryReferences: number; missingLibraryFiles: Array<{ db: string; branch: string; table: string; record: string; fileId: number }>;
}

export interface GcOptions { graceMs: number; dryRun?: boolean; now?: number; pageSize?: number }

export async function collectGarbage(strata: Strata, opts: GcOptions): Promise<GcResult> {
  const cutoff = (opts.now ?? Date.now()) - opts.graceMs;
  const pageSize = opts.pageSize ?? REFERENCE_PAGE_ROWS;
  const result: GcResult = { scanned: 0, referenced: 0, removed: [], libraryReferences: 0, missingLibraryFiles: [] };
  // Each page of candidates is listed before its references are read: a blob created after
  // its listing cannot be removed by this run.
  let page: string[] = [];
  const sweep = async () => {
    const orphans = await unreferenced(strata, page, pageSize);
    result.referenced += page.length - orphans.length;
    if (!opts.dryRun) await strata.storage.blobs.delete(orphans);
    result.removed.push(...orphans);
    page = [];
  };
  for await (const blob of strata.storage.blobs.list()) {
    result.scanned++;
    if (blob.createdAt > cutoff) continue;
    page.push(blob.key);
    if (page.length >= pageSize) await sweep();
  }
  if (page.length > 0) await sweep();
  Object.assign(result, await libraryReport(strata, pageSize));
  return result;
}

/** The candidates nothing references: not a library file's blob, not in any record's file column. */
async function unreferenced(strata: Strata, candidates: string[], pageRows: number): Promise<string[]> {
  const left = new Set(candidates);
  for (const key of await strata.storage.system.workspaceFileBlobKeys({ among: candidates })) left.delete(key);
  for await (const { ctx, table } of tablesOf(strata)) {
    if (left.size === 0) break;
    if (fileLeaves(table).length === 0) continue;
    for await (const keys of blobKeyPages(ctx.store, table, undefined, pageRows)) for (const key of keys) left.delete(key);
  }
  return [...left];
}

/** Every table of every branch of every database. */
async function* tablesOf(strata: Strata): AsyncIterable<{ db: string; branch: string; ctx: BranchContext; table: TableModel }> {
  for (const db of await strata.storage.system.listDatabases()) {
    for (const branch of await strata.storage.system.listBranches(db.id)) {
      const ctx = await strata.databases.resolve(db.name, branch.name);
      for (const table of (await ctx.schema()).tables.values()) yield { db: db.name, branch: branch.name, ctx, table };
    }
  }
}

/**
 * Records' references to library files (they hold no blob key: the library row owns the blob),
 * counted, and those naming a file that is gone (a delete racing a write) listed.
 */
async function libraryReport(strata: Strata, pageRows: number): Promise<Pick<GcResult, 'libraryReferences' | 'missingLibraryFiles'>> {
  let libraryReferences = 0;
  const missingLibraryFiles: GcResult['missingLibraryFiles'] = [];
  for await (const { db, branch, ctx, table } of tablesOf(strata)) {
    const leaves = libraryFileLeaves(table);
    if (leaves.length === 0) continue;
    for await (const rows of rowPages(ctx.store, table, leaves, pageRows)) {
      for (const row of rows) {
        for (const value of row.slice(1)) {
          for (const ref of Array.isArray(value) ? value : [value]) {
            if (!isLibraryRef(ref)) continue;
            libraryReferences++;
            if (!(await strata.storage.system.findWorkspaceFile(ctx.database.id, { id: ref.id }))) missingLibraryFiles.push({ db, branch, table: table.name, record: String(row[0]), fileId: ref.id });
          }
        }
      }
    }
  }
  return { libraryReferences, missingLibraryFiles };
}
