import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.js';
import { newBlobKey } from '../ports/blob-store.js';
import type { SystemStore, WorkspaceFileQuery, WorkspaceFileRow } from '../ports/storage.js';
import { StrataError } from '../../kernel/errors.js';
import { sanitizeFileName } from './file-object.js';
import { contradicts, sniffMediaType } from './file-sniff.js';
import type { LibraryUse } from './library-usage.js';
import type { BlobOwner, WorkspaceQuota } from './workspace-quota.js';

export const LIBRARY_FILE_TYPES = ['image', 'video', 'audio', 'attachment'] as const;
export type LibraryFileType = (typeof LIBRARY_FILE_TYPES)[number];
/** How long a private library file's signed URL stays valid (an answer's URL is signed when it is given). */
export const LIBRARY_SIGNED_URL_TTL = 60 * 60;

/** Content already in the blob store, waiting for its row: its key, size and first bytes (for sniffing). */
export interface LibraryContent { key: string; size: number; head: Buffer }

/** What the row of an upload says: its declared name and media type, its library type and access. */
export interface LibraryFileMeta { name: string; declaredType: string; type: LibraryFileType; access: 'public' | 'private' }

/**
 * A workspace's file library (Xano's `/workspace/{id}/file`): files that belong to the
 * workspace rather than to a record. Content goes to the blob store first, then the row;
 * a failed insert releases the blob, a delete releases it after the row is gone (a crash in
 * between leaves an orphan for `files gc`, which counts library files as references).
 */
export class FileLibrary {
  constructor(
    private readonly system: SystemStore, private readonly blobs: BlobStore, private readonly maxBytes: number, private readonly quota: WorkspaceQuota,
    /** The records that reference files (library-usage.ts): a file in use is not deleted. */
    private readonly usage: (databaseId: number, ids: number[], limit: number) => Promise<LibraryUse[]> = async () => [],
  ) {}

  /**
   * Streams an upload's bytes into a new blob (beyond the limit: 413, nothing left behind).
   * The row comes after, with `create`, once the rest of the request is read: a multipart
   * form may name the file's type after its content.
   */
  async store(workspace: BlobOwner, body: AsyncIterable<Uint8Array>): Promise<LibraryContent> {
    const key = newBlobKey();
    const { size, head } = await this.quota.put(this.blobs, workspace, key, body, this.maxBytes);
    return { key, size, head };
  }

  /** Releases stored content that will get no row (the request failed after its bytes were in). */
  discard(content: LibraryContent): Promise<void> {
    return this.blobs.delete([content.key]);
  }

  /**
   * The row for stored content, after checking the declared media type and the library type
   * against its first bytes. Any failure releases the blob.
   */
  async create(databaseId: number, content: LibraryContent, meta: LibraryFileMeta): Promise<WorkspaceFileRow> {
    try {
      const name = sanitizeFileName(meta.name) || 'file';
      const declared = meta.declaredType.split(';')[0]!.trim().toLowerCase();
      if (declared && contradicts(declared, content.head)) {
        throw new StrataError('INVALID_VALUE', `file content is not of the declared media type [${declared}]`, { param: 'content' });
      }
      const mime = !declared || declared === 'application/octet-stream' ? sniffMediaType(content.head) ?? (declared || 'application/octet-stream') : declared;
      if (meta.type !== 'attachment' && !mime.startsWith(`${meta.type}/`)) {
        throw new StrataError('INVALID_VALUE', `a file of type [${meta.type}] must be ${meta.type}/*, got [${mime}]`, { param: 'type' });
      }
      return await this.system.insertWorkspaceFile({
        databaseId, createdAt: new Date().toISOString(), name, size: content.size, type: meta.type, mime, access: meta.access,
        blobKey: content.key, path: `/vault/${randomBytes(12).toString('base64url')}/${name}`,
      });
    } catch (err) {
      await this.discard(content);
      throw err;
    }
  }

  find(databaseId: number, ref: { id: number } | { path: string }): Promise<WorkspaceFileRow | undefined> {
    return this.system.findWorkspaceFile(databaseId, ref);
  }

  list(databaseId: number, query: WorkspaceFileQuery): Promise<WorkspaceFileRow[]> {
    return this.system.listWorkspaceFiles(databaseId, query);
  }

  /**
   * Deletes files by id; ids of other workspaces or of no file are ignored. Answers the deleted
   * rows. Files that records still reference are refused (409, naming up to 5 records), all of
   * them or none: the records would keep a file object whose URL no longer serves anything.
   */
  async delete(databaseId: number, ids: number[]): Promise<WorkspaceFileRow[]> {
    const uses = await this.usage(databaseId, [...new Set(ids)], 5);
    if (uses.length > 0) {
      const named = uses.map((u) => `${u.table}/${u.record}.${u.column}${u.branch === 'main' ? '' : ` (data source ${u.branch})`}`).join(', ');
      throw new StrataError('CONFLICT', `file ${uses[0]!.fileId} is used by records: ${named}${uses.length >= 5 ? ', …' : ''}; remove it from them first`, { param: 'file_id' });
    }
    const rows = await this.system.deleteWorkspaceFiles(databaseId, [...new Set(ids)]);
    await this.blobs.delete(rows.map((r) => r.blobKey));
    return rows;
  }
}
