import { isFileType, type LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { BranchContext } from '../databases.js';
import { StrataError, badRequest } from '../../kernel/errors.js';
import { recordNotFound, storageId, tableIn, type RecordKey, type WriteScope } from '../records/record-write.js';
import { runWrite } from '../records/write-transaction.js';
import { DEFAULT_SIGNED_URL_TIMEOUT, checkMediaType, sanitizeFileName, type StoredFile } from './file-object.js';
import { FileEffects } from './file-effects.js';
import { storeContent } from './file-blobs.js';
import { newFileId, readFileValues } from './file-write.js';

/**
 * The binary file endpoints (`…/data/{id}/column/{col}/file[/{fileId}]`) and `GET /file/…`:
 * one file of one record, its bytes streamed in or out. An upload streams into a new blob
 * first, then one transaction points the record at it; the old blob is released after commit.
 */
export interface FileTarget { table: string; id: string; column: string; fileId?: string }
/**
 * `name`: renames the file in the same write. `appendable`: a `file[]` target without a file id
 * appends a new file. `existing`: only a file that is there may take the bytes (an upload URL
 * names one; a file deleted since is not brought back).
 */
export interface PutOptions { name?: string; appendable?: boolean; existing?: boolean }

export class FileService {
  /** The stored file (with its blob key), or 404. */
  async find(ctx: BranchContext, target: FileTarget): Promise<StoredFile> {
    const schema = await ctx.schema();
    const { table, leaf, key } = locate(tableIn(schema, target.table), target);
    const values = key === undefined ? undefined : await readFileValues(ctx.store, table, key, [leaf]);
    if (!values) throw recordNotFound(target.id);
    const file = pick(leaf, values.get(leaf), target.fileId);
    if (!file) throw fileNotFound(target);
    return file;
  }

  /**
   * Streams a body into the column's file (or file[] item), replacing its content. `name`, when
   * given, renames the file in the same write (sanitised like every file name); else it keeps its name.
   */
  async put(ctx: BranchContext, target: FileTarget, body: AsyncIterable<Uint8Array>, contentType: string | undefined, options: PutOptions = {}): Promise<{ file: StoredFile; created: boolean }> {
    if (!ctx.files) throw new StrataError('INTERNAL', 'file storage is not configured');
    const { name, appendable = false } = options;
    const schema = await ctx.schema();
    locate(tableIn(schema, target.table), target, appendable);
    const declared = contentType ? checkMediaType(target.column, contentType.split(';')[0]!.trim()) : undefined;
    const newName = name === undefined ? undefined : sanitizeFileName(name);
    if (newName === '') throw badRequest(`column [${target.column}]: the file name [${name!.slice(0, 100)}] is empty once path segments and control characters are removed`);
    const upload = new FileEffects(ctx.files, [], ctx.database);
    let stored;
    try {
      stored = await storeContent(upload, body, declared);
    } catch (err) {
      await upload.rolledBack();
      throw err;
    }
    return runWrite(ctx, async (w) => {
      const { table, leaf, key } = locate(tableIn(w.schema, target.table), target, appendable);
      const current = await lockedFileValue(w, table, key, leaf);
      if (current === undefined) throw recordNotFound(target.id);
      const prior = pick(leaf, current, target.fileId);
      if (options.existing && !prior) throw fileNotFound(target);
      const file: StoredFile = {
        ...(leaf.type === 'file[]' ? { id: target.fileId ?? newFileId() } : {}),
        key: stored.key, name: newName ?? prior?.name ?? '', mediaType: stored.mediaType, size: stored.size, version: (prior?.version ?? 0) + 1,
        enablePublicUrl: prior?.enablePublicUrl ?? false, signedUrlTimeout: prior?.signedUrlTimeout ?? DEFAULT_SIGNED_URL_TIMEOUT,
        ...(prior?.uploadUrlTimeout !== undefined ? { uploadUrlTimeout: prior.uploadUrlTimeout } : {}), attributes: stored.attributes,
      };
      if (prior?.key) w.files!.released.push(prior.key);
      await setColumn(w, table, key!, leaf, replaceIn(leaf, current, target.fileId, file));
      return { file, created: !prior };
    }, { storedBlobs: [stored.key] });
  }

  /** Removes the file (a file column becomes null, a file[] item leaves the array); answers it as it was. */
  async delete(ctx: BranchContext, target: FileTarget): Promise<StoredFile> {
    return runWrite(ctx, async (w) => {
      const { table, leaf, key } = locate(tableIn(w.schema, target.table), target);
      const current = await lockedFileValue(w, table, key, leaf);
      if (current === undefined) throw recordNotFound(target.id);
      const prior = pick(leaf, current, target.fileId);
      if (!prior) throw fileNotFound(target);
      if (prior.key) w.files!.released.push(prior.key);
      await setColumn(w, table, key!, leaf, replaceIn(leaf, current, target.fileId, undefined));
      return prior;
    });
  }
}

/** The column's value, the record locked first (PostgreSQL): concurrent uploads to one record take turns, none is lost. */
async function lockedFileValue(w: WriteScope, table: TableModel, key: RecordKey | undefined, leaf: LeafColumn): Promise<unknown> {
  if (key === undefined || (await w.tx.recordVersion(table, key)) === undefined) return undefined;
  return (await readFileValues(w.tx, table, key, [leaf]))?.get(leaf);
}

const fileNotFound = (t: FileTarget) => new StrataError('NOT_FOUND', `file not found in column [${t.column}] of record [${t.id}]`);

/** The target's table, column and record key; `appendable`: a file[] target may leave out the file id (a new file). */
function locate(table: TableModel, target: FileTarget, appendable = false): { table: TableModel; leaf: LeafColumn; key: RecordKey | undefined } {
  const leaf = table.leaf(target.column);
  if (!leaf) throw new StrataError('UNKNOWN_COLUMN', `column [${target.column}] not found in table [${table.name}]`);
  if (!isFileType(leaf.type)) throw badRequest(`column [${target.column}] is not a file column`);
  if (leaf.type === 'file[]' && !target.fileId && !appendable) throw badRequest(`column [${target.column}] is a file[] column: name the file (…/file/{fileId})`);
  if (leaf.type === 'file' && target.fileId) throw badRequest(`column [${target.column}] holds one file: use …/file without a file id`);
  if (target.fileId && !/^[a-zA-Z0-9_\-~:]{1,255}$/.test(target.fileId)) throw badRequest(`invalid file id [${target.fileId}]`);
  return { table, leaf, key: storageId(table, target.id) };
}

function pick(leaf: LeafColumn, value: unknown, fileId: string | undefined): StoredFile | undefined {
  if (value === null || value === undefined) return undefined;
  if (leaf.type === 'file') return value as StoredFile;
  return (value as StoredFile[]).find((f) => f.id === fileId);
}

/** The column's new value with the file put in (or taken out when `file` is undefined). */
function replaceIn(leaf: LeafColumn, current: unknown, fileId: string | undefined, file: StoredFile | undefined): unknown {
  if (leaf.type === 'file') return file ?? null;
  const items = ((current as StoredFile[] | null) ?? []).filter((f) => f.id !== fileId);
  if (file) {
    const at = ((current as StoredFile[] | null) ?? []).findIndex((f) => f.id === fileId);
    if (at >= 0) items.splice(at, 0, file); else items.push(file);
    if (items.length > 50) throw new StrataError('INVALID_VALUE', `column [${leaf.path}]: at most 50 files per column`);
  }
  return items;
}

async function setColumn(w: WriteScope, table: TableModel, key: RecordKey, leaf: LeafColumn, value: unknown): Promise<void> {
  await w.tx.updateRecord(table, key, new Map([[leaf, { kind: 'set', value }]]), w.now, {});
  await w.changed?.(table, key, 'update');
}
