import type { RecordFormat } from '../records/projection.js';
import { fileOutput, type StoredFile } from '../files/file-object.js';
import { writeXataMeta } from '../records/xata-meta.js';

/**
 * Records as change events carry them: plain JSON (datetimes as RFC 3339, json values as
 * themselves, links as ids), `xata: {version, createdAt, updatedAt}`, and never a password
 * hash: a stream subscriber is a reader, and readers of the Metadata API never see them either.
 */
export const changeRecordFormat: RecordFormat = {
  value(leaf, value) {
    if (leaf.xano?.type === 'password') return undefined;
    if (leaf.type === 'datetime' && typeof value === 'number') return new Date(value).toISOString();
    if (leaf.type === 'file') return fileOutput(value as StoredFile);
    if (leaf.type === 'file[]') return (value as StoredFile[]).map(fileOutput);
    return value;
  },
  meta: writeXataMeta,
  linkId: (id) => id,
};
