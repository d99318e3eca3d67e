import type { FastifyRequest } from 'fastify';
import type { Strata } from '../../core/strata.js';
import type { BranchContext } from '../../core/databases.js';
import type { RecordFormat } from '../../core/records/projection.js';
import { DEFAULT_UPLOAD_URL_TIMEOUT, fileOutput, type StoredFile } from '../../core/files/file-object.js';
import { pickFileFields } from '../../core/files/file-fields.js';
import type { FileSigner } from '../../core/files/file-urls.js';
import { xataRecordFormatWith } from '../data-api/xata-record-format.js';
import { LIBRARY_SIGNED_URL_TTL } from '../../core/files/file-library.js';
import type { WorkspaceFileRow } from '../../core/ports/storage.js';
import { answerBase } from '../answer-base.js';
import { contentFill } from './file-content-fill.js';
import { allows } from '../../core/auth/scopes.js';
import { StrataError } from '../../kernel/errors.js';

/** This server's base URL for file URLs: the public URL, or as the client reached it (answer-base.ts). */
export const baseUrl: (request: FastifyRequest) => string = answerBase;

/** Where a branch's file URLs point: this server as the request reached it, and the signer. */
export interface FileUrlScope { base: string; db: string; branch: string; signer: FileSigner }

export async function fileUrlScope(strata: Strata, request: FastifyRequest, ctx: BranchContext): Promise<FileUrlScope> {
  return { base: baseUrl(request), db: ctx.database.name, branch: ctx.branch.name, signer: await strata.fileUrls.signer() };
}

/**
 * A stored file as the data API shows it, with `url` (public files) and `signedUrl` (every
 * file, valid `signedUrlTimeout` seconds) naming its place: table, record, column, file id.
 * `withUploadUrl` adds `uploadUrl`: the same place signed for uploading, valid `uploadUrlTimeout`
 * seconds (PUT /file/{accessId}?…, file-upload-url-routes.ts).
 */
export function fileWithUrls(scope: FileUrlScope, place: { table: string; record: string; column: string }, file: StoredFile, withUploadUrl = false): Record<string, unknown> {
  const out = fileOutput(file);
  const accessId = scope.signer.accessId({ db: scope.db, branch: scope.branch, ...place, fileId: file.id ?? null });
  const url = `${scope.base}/file/${accessId}`;
  if (file.enablePublicUrl) out.url = url;
  out.signedUrl = `${url}?${scope.signer.sign(accessId, file.signedUrlTimeout)}`;
  if (withUploadUrl) out.uploadUrl = `${url}?${scope.signer.sign(accessId, file.uploadUrlTimeout ?? DEFAULT_UPLOAD_URL_TIMEOUT, Date.now(), 'upload')}`;
  return out;
}

/** An upload URL lets its holder replace the file's bytes: only for those who could do so themselves (the binary PUT's scopes). */
function mayUpload(request: FastifyRequest): void {
  const grant = request.grant ?? 0;
  if (!allows(grant, { object: 'files', action: 'create' }) || !allows(grant, { object: 'files', action: 'update' })) {
    throw new StrataError('FORBIDDEN', 'uploadUrl needs the files:create and files:update scopes');
  }
}

/**
 * A library file's URL (the Metadata API's `/workspace/{id}/file`): public files at a stable
 * `/file/{accessId}`, private ones signed for LIBRARY_SIGNED_URL_TTL from now.
 */
export function libraryFileUrl(base: string, signer: FileSigner, file: Pick<WorkspaceFileRow, 'databaseId' | 'id' | 'access'>): string {
  const accessId = signer.accessId({ library: file.databaseId, file: file.id });
  const url = `${base}/file/${accessId}`;
  return file.access === 'public' ? url : `${url}?${signer.sign(accessId, LIBRARY_SIGNED_URL_TTL)}`;
}

/**
 * The record format of the data API's answers to this request: Xata's dialect with file URLs
 * filled in wherever a file is shown — the table's own columns, expanded links, reverse links,
 * search hits of every table, bulk and transaction results — since the record being
 * materialised names the place (ValueOwner). Fields named in `columns` (`photo.uploadUrl`,
 * `photo.base64Content`, `photo.name`) choose what is shown; the content is read before the
 * answer is sent (file-content-fill.ts).
 */
export async function answerFormat(strata: Strata, request: FastifyRequest, ctx: BranchContext): Promise<RecordFormat> {
  const scope = await fileUrlScope(strata, request, ctx);
  return xataRecordFormatWith((leaf, file, owner, fields) => {
    if (fields?.has('uploadUrl')) mayUpload(request);
    const out = owner
      ? fileWithUrls(scope, { table: owner.table.name, record: String(owner.id), column: leaf.path }, file, fields?.has('uploadUrl'))
      : fileOutput(file);
    if (!fields) return out;
    const shown = pickFileFields(out, fields);
    if (fields.has('base64Content')) contentFill(request, strata.storage.blobs).add(shown, file);
    return shown;
  });
}


