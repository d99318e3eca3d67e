import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isOutOfSpace, storageFull, type StorageFullness } from '../../core/ports/storage-full.js';
import { isBlobKey, UploadMeter, type BlobInfo, type BlobStore, type PutResult } from '../../core/ports/blob-store.js';

/**
 * Blobs as files under DATA_DIR/blobs/<first two hex digits>/<key>. An upload goes to
 * `<key>.<random>.partial` and is renamed into place once complete, so a reader never sees
 * half a file and a crash leaves only a `.partial` file that gc removes.
 */
const PARTIAL = /^[0-9a-f]{32}\.[0-9a-f]{8}\.partial$/;

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk';
  constructor(private readonly root: string, private readonly fullness?: StorageFullness) {}

  private file(key: string): string {
    // Keys are generated hex; checking anyway keeps any other string out of the path.
    if (!isBlobKey(key) && !PARTIAL.test(key)) throw new Error(`invalid blob key [${key}]`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult> {
    const final = this.file(key);
    await fsp.mkdir(path.dirname(final), { recursive: true });
    const partial = `${final}.${randomBytes(4).toString('hex')}.partial`;
    const meter = new UploadMeter(maxBytes);
    const handle = await fsp.open(partial, 'wx');
    try {
      for await (const chunk of body) {
        const buf = meter.take(chunk);
        await handle.write(buf);
      }
      await handle.sync();
      await handle.close();
      await fsp.rename(partial, final);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fsp.rm(partial, { force: true });
      if (!isOutOfSpace(err)) throw err;
      this.fullness?.refused();
      throw storageFull();
    }
    this.fullness?.wrote();
    return { size: meter.size, head: meter.head };
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const st = await fsp.stat(this.file(key));
      return { key, size: st.size, createdAt: st.mtimeMs };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *read(key: string, range?: { start: number; end: number }): AsyncIterable<Buffer> {
    yield* fs.createReadStream(this.file(key), { highWaterMark: 256 * 1024, ...(range ? { start: range.start, end: range.end } : {}) }) as AsyncIterable<Buffer>;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await fsp.rm(this.file(key), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    let dirs: string[];
    try { dirs = await fsp.readdir(this.root); } catch { return; }
    // One directory (1/256 of the blobs) in memory at a time, in key order.
    for (const dir of dirs.sort()) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of (await fsp.readdir(path.join(this.root, dir))).sort()) {
        const st = await fsp.stat(path.join(this.root, dir, name)).catch(() => undefined);
        if (!st) continue;
        // A partial upload is listed under its own name, which delete() accepts.
        yield { key: name, size: st.size, createdAt: st.mtimeMs };
      }
    }
  }
}
