import type { BlobStore, PutResult } from '../ports/blob-store.js';
import type { SystemStore } from '../ports/storage.js';
import { StrataError } from '../../kernel/errors.js';

/** The workspace a blob is written for: its quota, and its name for the message. */
export interface BlobOwner { id: number; name: string }

/**
 * STRATA_WORKSPACE_QUOTA_BYTES: the bytes of one workspace's files (library files and record
 * files of every data source), read from the blob ledger (one indexed SUM per upload). An
 * upload may take what is left (and FILE_MAX_BYTES at most); one byte more is a 413 and leaves
 * nothing. Concurrent uploads each see the room before the others, so together they can pass
 * the quota by what they carry: a bound on growth, not an exact cap. 0: no quota (still noted).
 */
export class WorkspaceQuota {
  constructor(private readonly system: Pick<SystemStore, 'blobUsage'>, readonly bytes: number) {}

  async put(blobs: BlobStore, owner: BlobOwner, key: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult> {
    if (this.bytes <= 0) return blobs.put(key, body, maxBytes, owner.id);
    const used = await this.system.blobUsage(owner.id);
    const room = Math.max(0, this.bytes - used);
    try {
      return await blobs.put(key, body, Math.min(maxBytes, room), owner.id);
    } catch (err) {
      if (room < maxBytes && err instanceof StrataError && err.code === 'PAYLOAD_TOO_LARGE') {
        throw new StrataError('PAYLOAD_TOO_LARGE', `workspace ${owner.name} is over its storage quota of ${this.bytes} bytes (${used} used)`, { param: 'content' });
      }
      throw err;
    }
  }
}
