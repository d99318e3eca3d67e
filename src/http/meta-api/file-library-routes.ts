import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { StrataError } from '../../core/errors.js';
import { LIBRARY_FILE_TYPES, type LibraryFileType } from '../../core/files/file-library.js';
import type { WorkspaceFileRow } from '../../storage/storage.js';
import { needs } from '../route-access.js';
import { metaPage, WorkspaceParams, xanoTime } from './params.js';
import { baseUrl, libraryFileUrl } from '../files/file-url-fill.js';

const FileParams = Type.Object({
  workspace_id: WorkspaceParams.properties.workspace_id,
  file_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The file id' }),
});
const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
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
 * (search, access, sort, order, paging), delete one, delete many. The multipart body is parsed
 * by Node's fetch implementation (`Request.formData()`), which holds the upload in memory:
 * bodies beyond FILE_MAX_BYTES (plus the envelope) are refused before and while reading.
 */
export const fileLibraryRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // Left unparsed here: the route reads the raw stream.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  const base = '/workspace/:workspace_id/file';

  app.get(base, { config: needs('files:read'), schema: { params: WorkspaceParams, querystring: ListQuery } }, async (request) => {
    const { database } = await strata.workspaces.get(request.params.workspace_id);
    const q = request.query;
    const rows = await strata.fileLibrary.list(database.id, {
      ...(q.search ? { search: q.search } : {}), ...(q.access ? { access: q.access } : {}),
      sort: q.sort, order: q.order, limit: q.per_page + 1, offset: (q.page - 1) * q.per_page,
    });
    return metaPage(q.page, await fileViews(strata, request, rows.slice(0, q.per_page)), rows.length > q.per_page);
  });

  app.post(base, { config: needs('files:create'), schema: { params: WorkspaceParams } }, async (request, reply) => {
    const { database } = await strata.workspaces.get(request.params.workspace_id);
    let form: FormData;
    try {
      form = await readForm(request, strata.ops.fileMaxBytes + MULTIPART_OVERHEAD);
    } catch (err) {
      if (!request.raw.readableEnded) reply.header('connection', 'close');
      throw err;
    }
    const content = form.get('content');
    if (!(content instanceof Blob)) throw new StrataError('BAD_REQUEST', 'content is required: a file part of a multipart/form-data body', { param: 'content' });
    if (content.size > strata.ops.fileMaxBytes) throw tooLarge(strata.ops.fileMaxBytes);
    // (the blob store enforces the same limit again while writing)
    const type = field(form, 'type') ?? 'attachment';
    if (!(LIBRARY_FILE_TYPES as readonly string[]).includes(type)) throw new StrataError('BAD_REQUEST', `type must be one of ${LIBRARY_FILE_TYPES.join(', ')}`, { param: 'type' });
    const access = field(form, 'access') ?? 'public';
    if (access !== 'public' && access !== 'private') throw new StrataError('BAD_REQUEST', 'access must be public or private', { param: 'access' });
    const file = await strata.fileLibrary.upload(database.id, {
      content, name: content instanceof File ? content.name : '', declaredType: content.type, type: type as LibraryFileType, access,
    });
    return (await fileViews(strata, request, [file]))[0];
  });

  // Registered before `/:file_id`; a static segment wins over a parameter in any case.
  app.delete(`${base}/bulk_delete`, { config: needs('files:delete'), schema: { params: WorkspaceParams, body: BulkDeleteBody } }, async (request) => {
    const { database } = await strata.workspaces.get(request.params.workspace_id);
    await strata.fileLibrary.delete(database.id, request.body.ids);
    return null;
  });

  app.delete(`${base}/:file_id`, { config: needs('files:delete'), schema: { params: FileParams } }, async (request) => {
    const { database } = await strata.workspaces.get(request.params.workspace_id);
    const deleted = await strata.fileLibrary.delete(database.id, [request.params.file_id]);
    if (deleted.length === 0) throw new StrataError('NOT_FOUND', `file ${request.params.file_id} not found`);
    return null;
  });
};

/** Too large (413; the Metadata API answers it as an input error on `content`). */
const tooLarge = (max: number) => new StrataError('PAYLOAD_TOO_LARGE', `file is larger than the limit of ${max} bytes`, { param: 'content' });

/** A text field of the form, or undefined when absent or empty. */
function field(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function readForm(request: FastifyRequest, max: number): Promise<FormData> {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) throw new StrataError('BAD_REQUEST', 'the body must be multipart/form-data', { param: 'content' });
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > max) throw tooLarge(max);
  const raw = request.raw;
  async function* counted(): AsyncIterable<Uint8Array> {
    let n = 0;
    for await (const chunk of raw) {
      n += (chunk as Buffer).length;
      if (n > max) throw tooLarge(max);
      yield chunk as Buffer;
    }
  }
  const web = new Request('http://strata.invalid/', { method: 'POST', headers: { 'content-type': type }, body: counted() as any, duplex: 'half' } as RequestInit);
  try {
    return await web.formData();
  } catch (err) {
    if (err instanceof StrataError) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof StrataError) throw cause;
    throw new StrataError('BAD_REQUEST', `malformed multipart body: ${(err as Error).message}`, { param: 'content' });
  }
}
