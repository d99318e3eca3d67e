import type { RecordFormat } from '../records/projection.js';
import { fileOutput, type StoredFile } from '../files/file-object.js';
import { rfc3339 } from '../records/rfc3339.js';
import { writeXataMeta } from '../records/xata-meta.js';

/**
 * Records as export writes them: Xata's shape (`id`, `xata: {version, createdAt, updatedAt}`,
 * RFC 3339 datetimes), with json values as values (not JSON text), links as the bare id and
 * files as their metadata (no URLs: an export outlives any signed URL). Each file object carries
 * its blob key under FILE_BLOB_KEY, a symbol JSON never writes, for withFileContent (file-content.ts).
 */
export const FILE_BLOB_KEY = Symbol('file blob key');

export const exportRecordFormat: RecordFormat = {
  value(leaf, value) {
    if (leaf.type === 'datetime') return rfc3339(value as number);
    if (leaf.type === 'file') return exportedFile(value as StoredFile);
    if (leaf.type === 'file[]') return (value as StoredFile[]).map(exportedFile);
    return value;
  },
  meta: writeXataMeta,
  linkId: (id) => String(id),
};

function exportedFile(file: StoredFile): Record<string, unknown> {
  const { url: _url, signedUrl: _signed, ...rest } = fileOutput(file);
  Object.defineProperty(rest, FILE_BLOB_KEY, { value: file.key, enumerable: false });
  return rest;
}
