import type pg from 'pg';
import { UploadMeter, type BlobInfo, type BlobStore, type PutResult } from '../../core/ports/blob-store.js';

/**
 * Blobs in PostgreSQL itself, so every node of a deployment sees the same files with nothing
 * else to run: `blobs` (one row per blob, `complete` once every chunk is in) and
 * `blob_chunks` (1 MiB bytea rows). Chunks are written one statement each as the body
 * streams in, and read back one at a time, so neither side holds a whole file in memory.
 */
export const CHUNK_BYTES = 1024 * 1024;
const LIST_PAGE = 1000;

export class PostgresBlobStore implements BlobStore {
  readonly kind = 'postgres';
  constructor(private readonly pool: pg.Pool) {}

  async put(key: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult> {
    const meter = new UploadMeter(maxBytes);
    await this.pool.query(`INSERT INTO "blobs" ("key") VALUES ($1)`, [key]);
    try {
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingSize = 0;
      const flush = async (final: boolean) => {
        while (pendingSize >= CHUNK_BYTES || (final && pendingSize > 0)) {
          const all = Buffer.concat(pending);
          const chunk = all.subarray(0, CHUNK_BYTES);
          await this.pool.query(`INSERT INTO "blob_chunks" ("key", "seq", "data") VALUES ($1, $2, $3)`, [key, seq++, chunk]);
          const rest = all.subarray(chunk.length);
          pending = rest.length ? [rest] : [];
          pendingSize = rest.length;
        }
      };
      for await (const piece of body) {
        const buf = meter.take(piece);
        pending.push(buf);
        pendingSize += buf.length;
        if (pendingSize >= CHUNK_BYTES) await flush(false);
      }
      await flush(true);
      await this.pool.query(`UPDATE "blobs" SET "size" = $2, "complete" = true WHERE "key" = $1`, [key, meter.size]);
    } catch (err) {
      await this.delete([key]).catch(() => undefined);
      throw err;
    }
    return { size: meter.size, head: meter.head };
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    const { rows } = await this.pool.query<{ size: string; created_at: Date }>(`SELECT "size", "created_at" FROM "blobs" WHERE "key" = $1 AND "complete"`, [key]);
    const row = rows[0];
    return row && { key, size: Number(row.size), createdAt: row.created_at.getTime() };
  }

  async *read(key: string, range?: { start: number; end: number }): AsyncIterable<Buffer> {
    const info = await this.stat(key);
    if (!info || info.size === 0) return;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? info.size - 1, info.size - 1);
    for (let seq = Math.floor(start / CHUNK_BYTES); seq <= Math.floor(end / CHUNK_BYTES); seq++) {
      const { rows } = await this.pool.query<{ data: Buffer }>(`SELECT "data" FROM "blob_chunks" WHERE "key" = $1 AND "seq" = $2`, [key, seq]);
      const data = rows[0]?.data;
      if (!data) throw new Error(`blob ${key}: chunk ${seq} is missing`);
      const base = seq * CHUNK_BYTES;
      yield data.subarray(Math.max(0, start - base), Math.min(data.length, end - base + 1));
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.pool.query(`DELETE FROM "blobs" WHERE "key" = ANY($1::text[])`, [keys]);
  }

  /** In key order, a page of rows at a time (keyset), so a store of millions is never read at once. */
  async *list(): AsyncIterable<BlobInfo> {
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<{ key: string; size: string; created_at: Date }>(
        `SELECT "key", "size", "created_at" FROM "blobs" WHERE "key" > $1 ORDER BY "key" LIMIT ${LIST_PAGE}`, [after]);
      for (const row of rows) yield { key: row.key, size: Number(row.size), createdAt: row.created_at.getTime() };
      if (rows.length < LIST_PAGE) return;
      after = rows[rows.length - 1]!.key;
    }
  }
}
