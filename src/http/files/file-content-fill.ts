import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BlobStore } from '../../core/ports/blob-store.js';
import type { StoredFile } from '../../core/files/file-object.js';
import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * `base64Content` in answers (`columns: ['photo.base64Content']`). Records are materialised
 * synchronously, so a file shown with its content gets a placeholder and its blob is read once
 * the answer is complete, before it is serialised (the preSerialization hook below): one pass,
 * whichever route built the answer. The sizes are known from the records, so an answer past
 * `answerFileContent` is refused while it is being built, before any blob is read.
 */
export class FileContentFill {
  private readonly pending: Array<{ out: Record<string, unknown>; key: string }> = [];
  private bytes = 0;
  constructor(private readonly blobs: BlobStore) {}

  /** Notes that `out` (a file as shown) needs the content of `file`. */
  add(out: Record<string, unknown>, file: StoredFile): void {
    this.bytes += file.size;
    if (this.bytes > REQUEST_LIMITS.answerFileContent) throw limitExceeded('bytes of file content (base64Content) in one answer', 'answerFileContent', 'columns');
    out.base64Content = '';
    if (file.key && file.size > 0) this.pending.push({ out, key: file.key });
  }

  async settle(): Promise<void> {
    for (const { out, key } of this.pending.splice(0)) {
      const chunks: Buffer[] = [];
      for await (const chunk of this.blobs.read(key)) chunks.push(chunk);
      out.base64Content = Buffer.concat(chunks).toString('base64');
    }
  }
}

const fills = new WeakMap<FastifyRequest, FileContentFill>();

/** The request's content fill, created on first use. */
export function contentFill(request: FastifyRequest, blobs: BlobStore): FileContentFill {
  let fill = fills.get(request);
  if (!fill) fills.set(request, fill = new FileContentFill(blobs));
  return fill;
}

/** Reads the content an answer asked for before it is serialised (a callback hook: no promise on requests without any). */
export function registerFileContentFill(app: FastifyInstance): void {
  app.addHook('preSerialization', (request, _reply, payload, done) => {
    const fill = fills.get(request);
    if (!fill) return done(null, payload);
    fills.delete(request);
    fill.settle().then(() => done(null, payload), (err: Error) => done(err));
  });
}
