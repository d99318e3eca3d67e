import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { PageNumber } from '../page-number.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import fastifyMultipart from '@fastify/multipart';
import type { Strata } from '../../core/strata.js';
import { StrataError } from '../../kernel/errors.js';
import type { WorkspaceFileRow } from '../../core/ports/storage.js';
import { needs } from '../route-access.js';
import { metaPage, WorkspaceParams, xanoTime, guardedWorkspace } from './params.js';
import { baseUrl, libraryFileUrl } from '../files/file-url-fill.js';
import { libraryUploadLimits, readLibraryUpload } from './library-upload-form.js';

const FileParams = Type.Object({
  workspace_id: WorkspaceParams.properties.workspace_id,
  file_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The file id' }),
});
const ListQuery = Type.Object({
  page: PageNumber,
  per_page: Type.Integer({ minimum: 1, maximum: 10_000, default: 50 }),
  search: Type.Optional(Type.String({ maxLength: 255, description: 'A part of the file name (case-insensitive)' })),
  access: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
  sort: Type.Union([Type.Literal('created_at'), Type.Literal('name'), Type.Literal('size'), Type.Literal('mime')], { default: 'created_at' }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
});
const BulkDeleteBody = Type.Object({ ids: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: 10_000 }) });

/**
 * Xano's file object `{id, created_at, name, size, type, mime, access, path}`, plus `url`:
 * where to download it (public: a stable URL; private: signed, valid LIBRARY_SIGNED_URL_TTL).
 */
export const fileView = (f: WorkspaceFileRow, url: string) => ({
  id: f.id, created_at: xanoTime(f.createdAt), name: f.name, size: f.size, type: f.type, mime: f.mime, access: f.access, path: f.path, url,
});

/** Library files as the API shows them to this request (URLs on the host the client reached). */
export async function fileViews(strata: Strata, request: FastifyRequest, rows: WorkspaceFileRow[]) {
  const signer = await strata.fileUrls.signer();
  return rows.map((row) => fileView(row, libraryFileUrl(baseUrl(request), signer, row)));
}

/** Room for the multipart envelope around the file (boundaries, part headers, the small fields). */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * A workspace's file library: upload (multipart/form-data: `content`, `type`, `access`), list
 * (search, access, sort, order, paging), delete one, delete many. The upload streams: the
 * `content` part goes straight into the blob store as it arrives (library-upload-form.ts), so
 * an upload costs no more memory than a chunk, and one past FILE_MAX_BYTES is refused as soon
 * as its bytes say so.
 */
export const fileLibraryRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/file';

  app.get(base, { config: needs('files:read'), schema: { params: WorkspaceParams, querystring: ListQuery } }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    const q = request.query;
    const rows = await strata.fileLibrary.list(database.id, {
      ...(q.search ? { search: q.search } : {}), ...(q.access ? { access: q.access } : {}),
      sort: q.sort, order: q.order, limit: q.per_page + 1, offset: (q.page - 1) * q.per_page,
    });
    return metaPage(q.page, await fileViews(strata, request, rows.slice(0, q.per_page)), rows.length > q.per_page);
  });

  // The multipart parser in a scope of its own: no other route's body parsing changes.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: libraryUploadLimits(strata.ops.fileMaxBytes) });
    scope.withTypeProvider<TypeBoxTypeProvider>().post(base, { config: needs('files:create'), schema: { params: WorkspaceParams } }, async (request, reply) => {
      try {
        const { database } = await strata.workspaces.get(guardedWorkspace(request));
        checkLength(request, strata.ops.fileMaxBytes + MULTIPART_OVERHEAD);
        const { content, meta } = await readLibraryUpload(request, (body) => strata.fileLibrary.store(database, body), (c) => strata.fileLibrary.discard(c));
        const file = await strata.fileLibrary.create(database.id, content, meta);
        return (await fileViews(strata, request, [file]))[0];
      } catch (err) {
        // The rest of a refused body is not worth reading: close the connection after answering.
        if (!request.raw.readableEnded) reply.header('connection', 'close');
        throw err;
      }
    });
  });

  // Registered before `/:file_id`; a static segment wins over a parameter in any case.
  app.delete(`${base}/bulk_delete`, { config: needs('files:delete'), schema: { params: WorkspaceParams, body: BulkDeleteBody } }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    await strata.fileLibrary.delete(database.id, request.body.ids);
    return null;
  });

  app.delete(`${base}/:file_id`, { config: needs('files:delete'), schema: { params: FileParams } }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    const deleted = await strata.fileLibrary.delete(database.id, [request.params.file_id]);
    if (deleted.length === 0) throw new StrataError('NOT_FOUND', `file ${request.params.file_id} not found`);
    return null;
  });
};

/** A declared length past the limit is refused before a byte is read (a chunked body is counted as it comes). */
function checkLength(request: FastifyRequest, max: number): void {
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > max) {
    throw new StrataError('PAYLOAD_TOO_LARGE', `file is larger than the limit of ${max - MULTIPART_OVERHEAD} bytes`, { param: 'content' });
  }
}
