import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { resolveBranch } from './params.js';
import { fileOutput } from '../../core/files/file-object.js';
import type { FileTarget } from '../../core/files/file-service.js';
import { sendFile } from '../files/file-send.js';
import { uploadFileName } from '../files/upload-file-name.js';
import { fileUrlScope, fileWithUrls } from '../files/file-url-fill.js';
import { acceptRawBodies, receiveUpload } from '../files/upload-body.js';

const FileParams = Type.Object({
  dbBranch: Type.String(), table: Type.String(), id: Type.String({ minLength: 1, maxLength: 255 }), column: Type.String({ minLength: 1 }),
  fileId: Type.Optional(Type.String({ maxLength: 255 })),
});

/**
 * Xata's binary file endpoints: GET streams a file out, PUT streams the raw body in (its
 * Content-Type is the media type; a Strata extension: a `Content-Disposition` filename names
 * the file in the same write), DELETE removes it. `…/file` is a `file` column,
 * `…/file/{fileId}` an item of a `file[]` column (the SDK sends `…/file/` for the former); a PUT
 * to a `file[]` column's `…/file` (no id, as `xata.files.upload` sends without a `fileId`)
 * appends a new file.
 */
export const fileRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  acceptRawBodies(app);

  const base = '/db/:dbBranch/tables/:table/data/:id/column/:column/file';
  const target = (p: { table: string; id: string; column: string; fileId?: string }): FileTarget =>
    ({ table: p.table, id: p.id, column: p.column, ...(p.fileId ? { fileId: p.fileId } : {}) });

  for (const path of [base, `${base}/:fileId`]) {
    app.get(path, { config: needs('files:read'), schema: { params: FileParams } }, async (request, reply) => {
      const ctx = await resolveBranch(strata, request.params.dbBranch);
      const file = await strata.files.find(ctx, target(request.params));
      return sendFile(request, reply, strata.storage.blobs, file);
    });

    app.put(path, { config: needs('files:create', 'files:update'), schema: { params: FileParams } }, async (request, reply) => {
      const ctx = await resolveBranch(strata, request.params.dbBranch);
      const name = uploadFileName(request.headers['content-disposition']);
      const { file, created } = await receiveUpload(strata, request, ctx, target(request.params), { name, appendable: true });
      const { table, id: record, column } = request.params;
      return reply.status(created ? 201 : 200).send(fileWithUrls(await fileUrlScope(strata, request, ctx), { table, record, column }, file));
    });

    app.delete(path, { config: needs('files:delete'), schema: { params: FileParams } }, async (request) => {
      const ctx = await resolveBranch(strata, request.params.dbBranch);
      return fileOutput(await strata.files.delete(ctx, target(request.params)));
    });
  }
};

