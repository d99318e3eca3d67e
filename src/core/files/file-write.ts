import { Xid } from 'xid-ts';
import { isFileType, type LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';
import type { BranchReader, WriteValue } from '../ports/storage.js';
import type { RecordKey, WriteScope } from '../records/record-write.js';
import { DEFAULT_SIGNED_URL_TIMEOUT, PendingFile, type StoredFile } from './file-object.js';
import { bufferBody, storeContent } from './file-blobs.js';
import { resolveLibraryFiles } from './library-refs.js';

/**
 * The write step for file columns, run by record-write.ts inside the record's transaction:
 * pending files (from base64 in the body) are written to the blob store and become stored
 * file metadata; blobs the record stops pointing to are noted as released.
 */
export const fileLeaves = (table: TableModel): LeafColumn[] => table.leaves.filter((l) => isFileType(l.type));

/** The record's current values of these file columns. */
export async function readFileValues(reader: BranchReader, table: TableModel, key: RecordKey, leaves: LeafColumn[]): Promise<Map<LeafColumn, unknown> | undefined> {
  if (leaves.length === 0) return new Map();
  const rows = await reader.select({ table, joins: [], fields: leaves.map((leaf) => ({ tableAlias: 't0', column: leaf })), where: { kind: 'idEquals', tableAlias: 't0', value: key } });
  const row = rows[0];
  return row && new Map(leaves.map((leaf, i) => [leaf, row[i]]));
}

export const blobKeysOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).map((f) => (f as StoredFile).key).filter((k): k is string => typeof k === 'string');

/**
 * Resolves the file values of a write. `mode`: an insert has no previous values; a replace
 * releases every file column it does not set; a patch touches only the columns it sets.
 */
export async function resolveFiles(w: WriteScope, table: TableModel, key: RecordKey | null, given: Map<LeafColumn, WriteValue>, mode: 'insert' | 'replace' | 'patch'): Promise<Map<LeafColumn, WriteValue>> {
  const values = await resolveLibraryFiles(w.library, table, given);
  const leaves = fileLeaves(table);
  if (leaves.length === 0) return values;
  const touched = mode === 'replace' ? leaves : leaves.filter((l) => values.has(l));
  if (touched.length === 0) return values;
  const previous = mode === 'insert' || key === null ? new Map<LeafColumn, unknown>() : (await readFileValues(w.tx, table, key, touched)) ?? new Map();
  const out = new Map(values);
  for (const leaf of touched) {
    const write = values.get(leaf);
    const before = previous.get(leaf) ?? null;
    const after = write?.kind === 'set' ? await resolveValue(w, leaf, write.value, before) : null;
    if (write) out.set(leaf, { kind: 'set', value: after });
    const kept = new Set(blobKeysOf(after));
    for (const k of blobKeysOf(before)) if (!kept.has(k)) w.files!.released.push(k);
  }
  return out;
}

/** Notes every blob of a record about to be deleted as released. */
export async function releaseRecordFiles(w: WriteScope, table: TableModel, key: RecordKey): Promise<void> {
  const leaves = fileLeaves(table);
  if (leaves.length === 0) return;
  const current = await readFileValues(w.tx, table, key, leaves);
  for (const value of current?.values() ?? []) w.files!.released.push(...blobKeysOf(value));
}

async function resolveValue(w: WriteScope, leaf: LeafColumn, value: unknown, before: unknown): Promise<unknown> {
  if (value === null) return null;
  if (leaf.type === 'file') return resolveOne(w, value as PendingFile, (before as StoredFile | null) ?? undefined);
  const old = new Map(((before as StoredFile[] | null) ?? []).map((f) => [f.id, f]));
  const items: StoredFile[] = [];
  for (const pending of value as PendingFile[]) {
    const prior = pending.id !== undefined ? old.get(pending.id) : undefined;
    items.push(await resolveOne(w, pending, prior, pending.id ?? newFileId()));
  }
  return items;
}

export const newFileId = (): string => new Xid().toString();

/** One pending file → stored metadata; without new content it keeps the bytes it had. */
async function resolveOne(w: WriteScope, pending: PendingFile, prior: StoredFile | undefined, id?: string): Promise<StoredFile> {
  if (!(pending instanceof PendingFile)) return pending as StoredFile; // already resolved (a retried write)
  const base: StoredFile = prior ?? { key: null, name: '', mediaType: 'application/octet-stream', size: 0, version: 0, enablePublicUrl: false, signedUrlTimeout: DEFAULT_SIGNED_URL_TIMEOUT, attributes: {} };
  const next: StoredFile = {
    ...(id !== undefined ? { id } : {}),
    key: base.key, name: pending.name ?? base.name, mediaType: pending.mediaType ?? base.mediaType, size: base.size, version: base.version,
    enablePublicUrl: pending.enablePublicUrl ?? base.enablePublicUrl, signedUrlTimeout: pending.signedUrlTimeout ?? base.signedUrlTimeout,
    ...(pending.uploadUrlTimeout ?? base.uploadUrlTimeout) !== undefined ? { uploadUrlTimeout: pending.uploadUrlTimeout ?? base.uploadUrlTimeout } : {},
    attributes: base.attributes,
  };
  if (pending.content) {
    if (!w.files) throw new StrataError('INTERNAL', 'file storage is not configured');
    const stored = await storeContent(w.files, bufferBody(pending.content), pending.mediaType);
    Object.assign(next, { key: stored.key, size: stored.size, mediaType: stored.mediaType, attributes: stored.attributes, version: base.version + 1 });
  }
  return next;
}
