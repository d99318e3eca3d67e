import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { StrataError } from '../../core/errors.js';
import { isPublic } from '../route-access.js';
import { sendFile } from './file-send.js';

/**
 * `GET /file/{accessId}`: a public file (while its `enablePublicUrl` is on), or any file with
 * a valid, unexpired signature (`?expires=…&verify=…`). No token: the URL is the credential.
 * Everything else, including an altered access id or signature, is 403.
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
    if ('library' in place) throw new StrataError('NOT_FOUND', 'file not found');
    if (request.query.verify !== undefined && !signed) throw new StrataError('FORBIDDEN', 'invalid or expired file URL');
    let file;
    try {
      const ctx = await strata.databases.resolve(place.db, place.branch);
      file = await strata.files.find(ctx, { table: place.table, id: place.record, column: place.column, ...(place.fileId ? { fileId: place.fileId } : {}) });
    } catch (err) {
      if (err instanceof StrataError && err.status === 404) throw new StrataError('NOT_FOUND', 'file not found');
      throw err;
    }
    if (!signed && !file.enablePublicUrl) throw new StrataError('FORBIDDEN', 'this file is not public: use a signed URL');
    return sendFile(request, reply, strata.storage.blobs, file);
  });
};
