import type { LeafColumn } from '../../kernel/model/column-types.js';
import { FILE_TYPES } from '../../kernel/model/xano-column.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { WorkspaceFileRow, WriteValue } from '../ports/storage.js';
import { StrataError } from '../../kernel/errors.js';

/**
 * Xano's image, video, audio and attachment columns holding files of the workspace's library.
 * A file object that names a library file — by `id`, or by a `/vault/…` path — must name one
 * of this workspace, of a media type the column takes; the record then stores the library's
 * own metadata `{id, path, name, size, type, mime, access}` (plus `meta` when given), whatever
 * else the client sent. Other file objects (files kept elsewhere) are stored as given.
 */
export type LibraryLookup = (ref: { id: number } | { path: string }) => Promise<WorkspaceFileRow | undefined>;

/** A stored reference to a library file, as a record holds it. */
export interface LibraryFileRef { id: number; path: string; name: string; size: number; type: string; mime: string; access: 'public' | 'private'; meta?: unknown }

export const libraryFileLeaves = (table: TableModel): LeafColumn[] =>
  table.leaves.filter((leaf) => leaf.xano && (FILE_TYPES as readonly string[]).includes(leaf.xano.type));

/** Whether a stored value is a library reference (it has the library's integer id and a vault path). */
export const isLibraryRef = (value: unknown): value is LibraryFileRef =>
  typeof value === 'object' && value !== null && typeof (value as LibraryFileRef).id === 'number' && typeof (value as LibraryFileRef).path === 'string';

export async function resolveLibraryFiles(lookup: LibraryLookup | undefined, table: TableModel, values: Map<LeafColumn, WriteValue>): Promise<Map<LeafColumn, WriteValue>> {
  const leaves = libraryFileLeaves(table).filter((leaf) => values.get(leaf)?.kind === 'set');
  if (leaves.length === 0 || !lookup) return values;
  const out = new Map(values);
  for (const leaf of leaves) {
    const value = (values.get(leaf) as { value: unknown }).value;
    if (value === null || value === undefined) continue;
    const resolved = Array.isArray(value)
      ? await Promise.all(value.map((item, i) => resolveOne(lookup, leaf, item, `${leaf.path}.${i}`)))
      : await resolveOne(lookup, leaf, value, leaf.path);
    out.set(leaf, { kind: 'set', value: resolved });
  }
  return out;
}

async function resolveOne(lookup: LibraryLookup, leaf: LeafColumn, value: unknown, where: string): Promise<unknown> {
  if (typeof value !== 'object' || value === null) return value;
  const given = value as Record<string, unknown>;
  const ref = typeof given.id === 'number' ? { id: given.id } : typeof given.path === 'string' && given.path.startsWith('/vault/') ? { path: given.path } : undefined;
  if (!ref) return value;
  const row = await lookup(ref);
  const named = 'id' in ref ? `id ${ref.id}` : `path ${ref.path}`;
  if (!row || (typeof given.path === 'string' && given.path !== row.path)) {
    throw new StrataError('INVALID_VALUE', `column [${where}]: no file with ${named} in this workspace's library`, { param: where });
  }
  const kind = leaf.xano!.type;
  if (kind !== 'attachment' && !row.mime.startsWith(`${kind}/`)) {
    throw new StrataError('INVALID_VALUE', `column [${where}]: library file ${row.id} is ${row.mime}, not ${kind === 'video' ? 'a' : 'an'} ${kind}`, { param: where });
  }
  const stored: LibraryFileRef = { id: row.id, path: row.path, name: row.name, size: row.size, type: row.type, mime: row.mime, access: row.access };
  if (given.meta !== undefined) stored.meta = given.meta;
  return stored;
}
