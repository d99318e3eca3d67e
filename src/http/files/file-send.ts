import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore } from '../../core/ports/blob-store.js';
import type { StoredFile } from '../../core/files/file-object.js';
import { essence, showsInline } from './passive-media.js';

/**
 * Sends a stored file: streamed from the blob store (never buffered whole), with its type,
 * length, a strong ETag (a blob's bytes never change: new content is a new blob), single byte
 * ranges (206/416), conditional GETs (304) and a Content-Disposition built from the sanitised
 * name (ASCII fallback plus RFC 5987 UTF-8). Files are not pages of this origin: only passive
 * types are shown inline (passive-media.ts), every other one is an `attachment`; and every
 * answer carries `Content-Security-Policy: sandbox` (a document opened anyway runs no script,
 * in an opaque origin that reads no cookie of ours) and `nosniff` (the browser keeps to the
 * type: a text/plain file is never sniffed as HTML).
 */
/** What sending needs of a file: its blob, name, type and size (a record's file or a library file). */
export type SendableFile = Pick<StoredFile, 'key' | 'name' | 'mediaType' | 'size'>;

export function sendFile(request: FastifyRequest, reply: FastifyReply, blobs: BlobStore, file: SendableFile): FastifyReply {
  const type = essence(file.mediaType);
  const etag = `"${file.key ?? 'empty'}"`;
  reply.header('content-type', type);
  reply.header('etag', etag);
  reply.header('accept-ranges', 'bytes');
  reply.header('content-security-policy', 'sandbox');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-disposition', contentDisposition(showsInline(type) ? 'inline' : 'attachment', file.name));
  reply.header('cache-control', 'private, max-age=0, must-revalidate');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  if (!file.key || file.size === 0) return reply.header('content-length', 0).status(200).send('');
  const range = parseRange(request.headers.range, file.size);
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${file.size}`).send('');
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`).header('content-length', range.end - range.start + 1);
    return reply.send(Readable.from(blobs.read(file.key, range)));
  }
  reply.header('content-length', file.size);
  return reply.send(Readable.from(blobs.read(file.key)));
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; several ranges or a malformed header → the whole file (allowed by RFC 9110). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  if (!name) return kind;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}
