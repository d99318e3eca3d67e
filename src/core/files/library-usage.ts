import type { DatabaseService } from '../databases.js';
import type { SystemStore } from '../ports/storage.js';
import { isLibraryRef, libraryFileLeaves } from './library-refs.js';
import { everyTable, rowPages } from './file-references.js';

/** A record that references a library file: where it is and which file. */
export interface LibraryUse { db: string; databaseId: number; branch: string; table: string; record: string; column: string; fileId: number }

/**
 * Every record value that references a library file, in one database or all of them: the
 * image, video, audio and attachment columns of every table of every branch, read a page of
 * rows at a time. Used to refuse deleting a file in use and by gc's report of dangling ones.
 */
export async function* libraryReferences(databases: DatabaseService, system: SystemStore, databaseId?: number): AsyncIterable<LibraryUse> {
  for await (const { ctx, table } of everyTable(databases, system, databaseId)) {
    const leaves = libraryFileLeaves(table);
    if (leaves.length === 0) continue;
    for await (const rows of rowPages(ctx.store, table, leaves)) {
      for (const row of rows) {
        for (const [i, leaf] of leaves.entries()) {
          const value = row[i + 1];
          for (const ref of Array.isArray(value) ? value : [value]) {
            if (isLibraryRef(ref)) yield { db: ctx.database.name, databaseId: ctx.database.id, branch: ctx.branch.name, table: table.name, record: String(row[0]), column: leaf.path, fileId: ref.id };
          }
        }
      }
    }
  }
}

/**
 * Which records of a workspace (every data source) reference these library files. `limit`
 * stops the scan early: a refusal names a few records, it does not need all of them.
 */
export async function libraryUsage(databases: DatabaseService, system: SystemStore, databaseId: number, fileIds: number[], limit = Infinity): Promise<LibraryUse[]> {
  const wanted = new Set(fileIds);
  const uses: LibraryUse[] = [];
  if (wanted.size === 0) return uses;
  for await (const use of libraryReferences(databases, system, databaseId)) {
    if (!wanted.has(use.fileId)) continue;
    uses.push(use);
    if (uses.length >= limit) break;
  }
  return uses;
}
