import type { SystemStore } from '../../core/ports/storage.js';
import type { BlobInfo, BlobStore, PutResult } from '../../core/ports/blob-store.js';

/**
 * A blob store that keeps the workspace quota's ledger (SystemStore's blob usage): a blob
 * written for a workspace is noted with its size, and every deleted blob is forgotten, whoever
 * deletes it (record writes, library deletes, dropped tables and workspaces, gc). A delete of
 * bytes that fails keeps its row, so usage errs on the high side until gc removes the blob.
 */
export class MeteredBlobStore implements BlobStore {
  readonly kind: BlobStore['kind'];
  constructor(private readonly inner: BlobStore, private readonly system: Pick<SystemStore, 'noteBlobUsage' | 'forgetBlobUsage'>) {
    this.kind = inner.kind;
  }

  async put(key: string, body: AsyncIterable<Uint8Array>, maxBytes: number, owner?: number): Promise<PutResult> {
    const result = await this.inner.put(key, body, maxBytes);
    if (owner === undefined) return result;
    try {
      await this.system.noteBlobUsage(key, owner, result.size);
    } catch (err) {
      await this.inner.delete([key]).catch(() => undefined);
      throw err;
    }
    return result;
  }

  stat(key: string): Promise<BlobInfo | undefined> { return this.inner.stat(key); }
  read(key: string, range?: { start: number; end: number }): AsyncIterable<Buffer> { return this.inner.read(key, range); }
  list(): AsyncIterable<BlobInfo> { return this.inner.list(); }
  close(): Promise<void> { return this.inner.close?.() ?? Promise.resolve(); }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.inner.delete(keys);
    await this.system.forgetBlobUsage(keys);
  }
}
