import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { StrataError } from '../../kernel/errors.js';
import type { FilePlace, LibraryPlace } from '../../core/files/file-urls.js';
import { isPublic } from '../route-access.js';
import { sendFile, type SendableFile } from './file-send.js';

/**
 * `GET /file/{accessId}`: a record's file or a workspace library file, public (a record's file
 * while its `enablePublicUrl` is on, a library file while its access is public), or any of
 * them with a valid, unexpired signature (`?expires=…&verify=…`). No token: the URL is the
 * credential. Everything else, including an altered access id or signature, is 403.
 */
export const fileAccessRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/file/:accessId', {
    config: isPublic,
    schema: { params: Type.Object({ accessId: Type.String({ maxLength: 2000 }) }), querystring: Type.Object({ expires: Type.Optional(Type.String()), verify: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const { accessId } = request.params;
    const signer = await strata.fileUrls.signer();
    const place = signer.place(accessId);
    const signed = request.query.verify !== undefined && signer.verify(accessId, request.query.expires, request.query.verify);
    if (request.query.verify !== undefined && !signed) throw new StrataError('FORBIDDEN', 'invalid or expired file URL');
    const { file, isPublic: open } = 'library' in place ? await libraryFile(strata, place) : await recordFile(strata, place);
    if (!signed && !open) throw new StrataError('FORBIDDEN', 'this file is not public: use a signed URL');
    return sendFile(request, reply, strata.storage.blobs, file);
  });
};

interface Found { file: SendableFile; isPublic: boolean }

async function recordFile(strata: Strata, place: FilePlace): Promise<Found> {
  try {
    const ctx = await strata.databases.resolve(place.db, place.branch);
    const file = await strata.files.find(ctx, { table: place.table, id: place.record, column: place.column, ...(place.fileId ? { fileId: place.fileId } : {}) });
    return { file, isPublic: file.enablePublicUrl };
  } catch (err) {
    if (err instanceof StrataError && err.status === 404) throw new StrataError('NOT_FOUND', 'file not found');
    throw err;
  }
}

/** A library file is read each time: deleting it, or its workspace, takes effect at once. */
async function libraryFile(strata: Strata, place: LibraryPlace): Promise<Found> {
  const row = await strata.fileLibrary.find(place.library, { id: place.file });
  if (!row) throw new StrataError('NOT_FOUND', 'file not found');
  return { file: { key: row.blobKey, name: row.name, mediaType: row.mime, size: row.size }, isPublic: row.access === 'public' };
}
