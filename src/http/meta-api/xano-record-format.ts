import type { FastifyRequest } from 'fastify';
import type { RecordFormat } from '../../core/records/projection.js';
import type { Strata } from '../../core/strata.js';
import type { BranchContext } from '../../core/databases.js';
import { fileOutput, type StoredFile } from '../../core/files/file-object.js';
import { FILE_TYPES } from '../../kernel/model/xano-column.js';
import { isLibraryRef, type LibraryFileRef } from '../../core/files/library-refs.js';
import { baseUrl, libraryFileUrl } from '../files/file-url-fill.js';

type ShowLibraryFile = (ref: LibraryFileRef) => LibraryFileRef & { url?: string };

/**
 * Records in Xano's dialect (the Metadata API's content endpoints): integer ids stay numbers,
 * timestamps are epoch milliseconds (`created_at: 1681336868222`), json and lists are plain
 * values, a table reference is the referenced id. Password columns are left out: they hold
 * hashes, which Xano never shows. No `xata` metadata. Library files in image, video, audio
 * and attachment columns get their download `url` when the format belongs to a request.
 */
function xanoRecordFormatWith(showLibraryFile: ShowLibraryFile): RecordFormat {
  const show = (value: unknown) => (isLibraryRef(value) ? showLibraryFile(value) : value);
  return {
    value(leaf, value) {
      // undefined is left out when the record is serialised.
      if (leaf.xano?.type === 'password') return undefined;
      // Xata file columns: their metadata without the blob key.
      if (leaf.type === 'file') return fileOutput(value as StoredFile);
      if (leaf.type === 'file[]') return (value as StoredFile[]).map(fileOutput);
      if (leaf.xano && (FILE_TYPES as readonly string[]).includes(leaf.xano.type)) return Array.isArray(value) ? value.map(show) : show(value);
      return value;
    },
    meta(out, id) {
      out.id = id;
    },
    linkId: (id) => id,
  };
}


/** Xano's dialect without URLs (answers that belong to no request). */
export const xanoRecordFormat: RecordFormat = xanoRecordFormatWith((ref) => ref);

/** The content endpoints' format for this request: library files with URLs on the host the client reached. */
export async function xanoAnswerFormat(strata: Strata, request: FastifyRequest, ctx: BranchContext): Promise<RecordFormat> {
  const signer = await strata.fileUrls.signer();
  const base = baseUrl(request);
  return xanoRecordFormatWith((ref) => ({ ...ref, url: libraryFileUrl(base, signer, { databaseId: ctx.database.id, id: ref.id, access: ref.access }) }));
}
