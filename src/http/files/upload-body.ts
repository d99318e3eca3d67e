import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Strata } from '../../core/strata.js';
import type { BranchContext } from '../../core/databases.js';
import type { FileTarget, PutOptions } from '../../core/files/file-service.js';
import type { StoredFile } from '../../core/files/file-object.js';
import { tooLarge } from '../../core/ports/blob-store.js';

/**
 * Routes whose body is a file's raw bytes (the binary file endpoints, upload URLs): bodies
 * of any type are left unparsed and streamed by the route. An empty `Content-Type` — what the
 * Xata SDK sends for a Blob without a type — counts as none (the type is then read from the
 * bytes) instead of Fastify's 415.
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers['content-type']?.trim() === '') delete request.headers['content-type'];
    done();
  });
}

/**
 * Streams the request body into a file. A declared length past FILE_MAX_BYTES is refused
 * before a byte is read (a streamed body is counted as it comes); the rest of a refused body
 * is drained, bounded, while the answer goes out (refused-body.ts).
 */
export async function receiveUpload(
  strata: Strata, request: FastifyRequest, ctx: BranchContext, target: FileTarget, options: PutOptions = {},
): Promise<{ file: StoredFile; created: boolean }> {
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > strata.ops.fileMaxBytes) throw tooLarge(strata.ops.fileMaxBytes);
  return strata.files.put(ctx, target, request.raw, request.headers['content-type'], options);
}
