import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { StrataError } from '../../kernel/errors.js';
import { isPublic } from '../route-access.js';
import { acceptRawBodies, receiveUpload } from './upload-body.js';
import { fileUrlScope, fileWithUrls } from './file-url-fill.js';

/**
 * `PUT /file/{accessId}?expires=…&verify=…`: an upload URL, as a record write or read hands
 * out when `columns` names `<col>.uploadUrl`. No token: the URL is the credential, signed for
 * uploading (file-urls.ts) and valid `uploadUrlTimeout` seconds. The raw body becomes the
 * file's content exactly as the binary file endpoint's PUT would store it (FILE_MAX_BYTES,
 * media type from Content-Type or the bytes, one new version); the file must still be there.
 * A missing, altered or expired signature, or a library file's id, is 403.
 */
export const fileUploadUrlRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  acceptRawBodies(app);
  app.put('/file/:accessId', {
    config: isPublic,
    schema: { params: Type.Object({ accessId: Type.String({ maxLength: 2000 }) }), querystring: Type.Object({ expires: Type.Optional(Type.String()), verify: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const { accessId } = request.params;
    const signer = await strata.fileUrls.signer();
    const place = signer.place(accessId);
    if ('library' in place || !signer.verify(accessId, request.query.expires, request.query.verify, Date.now(), 'upload')) {
      throw new StrataError('FORBIDDEN', 'invalid or expired upload URL');
    }
    const ctx = await strata.databases.resolve(place.db, place.branch);
    const target = { table: place.table, id: place.record, column: place.column, ...(place.fileId ? { fileId: place.fileId } : {}) };
    const { file } = await receiveUpload(strata, request, ctx, target, { existing: true });
    // Xata answers an upload URL's PUT with 201 (its SDK's integration test expects it).
    return reply.status(201).send(fileWithUrls(await fileUrlScope(strata, request, ctx), { table: place.table, record: place.record, column: place.column }, file));
  });
};
