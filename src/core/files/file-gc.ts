import type { Strata } from '../strata.js';
import { libraryReferences } from './library-usage.js';
import { blobKeyPages, everyTable, REFERENCE_PAGE_ROWS } from './file-references.js';

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
  Object.assign(result, await libraryReport(strata));
  return result;
}

/** The candidates nothing references: not a library file's blob, not in any record's file column. */
async function unreferenced(strata: Strata, candidates: string[], pageRows: number): Promise<string[]> {
  const left = new Set(candidates);
  for (const key of await strata.storage.system.workspaceFileBlobKeys({ among: candidates })) left.delete(key);
  for await (const { ctx, table } of everyTable(strata.databases, strata.storage.system)) {
    if (left.size === 0) break;
    for await (const keys of blobKeyPages(ctx.store, table, undefined, pageRows)) for (const key of keys) left.delete(key);
  }
  return [...left];
}

/**
 * Records' references to library files (they hold no blob key: the library row owns the blob),
 * counted, and those naming a file that is gone (a delete racing a write) listed. Each library
 * file is looked up once per run.
 */
async function libraryReport(strata: Strata): Promise<Pick<GcResult, 'libraryReferences' | 'missingLibraryFiles'>> {
  let count = 0;
  const missingLibraryFiles: GcResult['missingLibraryFiles'] = [];
  const exists = new Map<string, boolean>();
  for await (const use of libraryReferences(strata.databases, strata.storage.system)) {
    count++;
    const key = `${use.databaseId}:${use.fileId}`;
    let found = exists.get(key);
    if (found === undefined) exists.set(key, found = (await strata.storage.system.findWorkspaceFile(use.databaseId, { id: use.fileId })) !== undefined);
    if (!found) missingLibraryFiles.push({ db: use.db, branch: use.branch, table: use.table, record: use.record, fileId: use.fileId });
  }
  return { libraryReferences: count, missingLibraryFiles };
}
