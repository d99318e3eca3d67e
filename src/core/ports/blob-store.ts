import { randomBytes } from 'node:crypto';
import { StrataError } from '../../kernel/errors.js';

/**
 * Where file contents live. Records hold only a file's metadata and its blob key; blobs are
 * written before the record's transaction and released after it (core/files/file-effects.ts),
 * so a blob without a reference can exist only after a crash, until `strata files gc`.
 */
export interface BlobInfo { key: string; size: number; createdAt: number }

/** What an upload learnt on the way through: its size and first bytes (media type, image size). */
export interface PutResult { size: number; head: Buffer }

export interface BlobStore {
  readonly kind: 'disk' | 'postgres';
  /**
   * Streams a body into a new blob; beyond `maxBytes` it fails with 413 and leaves nothing.
   * `owner`: the workspace (database id) whose quota the blob counts against (metered-blob-store.ts).
   */
  put(key: string, body: AsyncIterable<Uint8Array>, maxBytes: number, owner?: number): Promise<PutResult>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** The blob's bytes, `start`…`end` inclusive when given, streamed in chunks. */
  read(key: string, range?: { start: number; end: number }): AsyncIterable<Buffer>;
  /** Removes blobs; missing keys are ignored. */
  delete(keys: string[]): Promise<void>;
  /** Every blob, complete or not (an interrupted upload is listed too, for gc). */
  list(): AsyncIterable<BlobInfo>;
  close?(): Promise<void>;
}

/** 128 random bits, hex: never guessable, never a path. */
export const newBlobKey = (): string => randomBytes(16).toString('hex');
export const isBlobKey = (key: string): boolean => /^[0-9a-f]{32}$/.test(key);

/** How many bytes of the head are kept for sniffing (image headers sit well within it). */
export const HEAD_BYTES = 64 * 1024;

export const tooLarge = (max: number) => new StrataError('PAYLOAD_TOO_LARGE', `file is larger than the limit of ${max} bytes`);

/** Counts bytes through an upload, keeps its head, and refuses the first byte past the limit. */
export class UploadMeter {
  size = 0;
  private readonly headParts: Buffer[] = [];
  private headSize = 0;
  constructor(private readonly max: number) {}
  take(chunk: Uint8Array): Buffer {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.size += buf.length;
    if (this.size > this.max) throw tooLarge(this.max);
    if (this.headSize < HEAD_BYTES) {
      const part = buf.subarray(0, HEAD_BYTES - this.headSize);
      this.headParts.push(Buffer.from(part));
      this.headSize += part.length;
    }
    return buf;
  }
  get head(): Buffer { return Buffer.concat(this.headParts); }
}
