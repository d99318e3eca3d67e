import type { DatabaseService } from '../databases.js';
import type { SystemStore } from '../../storage/storage.js';
import { isLibraryRef, libraryFileLeaves } from './library-refs.js';
import { rowPages } from './file-references.js';

/** A record that references a library file: where it is and which file. */
export interface LibraryUse { branch: string; table: string; record: string; column: string; fileId: number }

/**
 * Which records of a workspace (every data source) reference these library files, found by
 * reading the image, video, audio and attachment columns of every table that has one, a page of rows at a time. `limit`
 * stops the scan early: a refusal names a few records, it does not need all of them.
 */
export async function libraryUsage(databases: DatabaseService, system: SystemStore, databaseId: number, fileIds: number[], limit = Infinity): Promise<LibraryUse[]> {
  const wanted = new Set(fileIds);
  const uses: LibraryUse[] = [];
  if (wanted.size === 0) return uses;
  const database = (await system.listDatabases()).find((d) => d.id === databaseId);
  if (!database) return uses;
  for (const branch of await system.listBranches(databaseId)) {
    const ctx = await databases.resolve(database.name, branch.name);
    for (const table of (await ctx.schema()).tables.values()) {
      const leaves = libraryFileLeaves(table);
      if (leaves.length === 0) continue;
      for await (const rows of rowPages(ctx.store, table, leaves)) {
        for (const row of rows) {
          leaves.forEach((leaf, i) => {
            const value = row[i + 1];
            for (const ref of Array.isArray(value) ? value : [value]) {
              if (isLibraryRef(ref) && wanted.has(ref.id)) uses.push({ branch: branch.name, table: table.name, record: String(row[0]), column: leaf.path, fileId: ref.id });
            }
          });
          if (uses.length >= limit) return uses;
        }
      }
    }
  }
  return uses;
}
