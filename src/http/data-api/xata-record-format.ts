import type { RecordFormat } from '../../core/records/projection.js';
import { fileOutput, type StoredFile } from '../../core/files/file-object.js';
import { writeXataMeta } from '../../core/records/xata-meta.js';

/** Records in Xata's dialect: `id` as a string, `xata: {version, createdAt, updatedAt}`, RFC 3339 datetimes, json as JSON text, links as `{id}`. */
export const xataRecordFormat: RecordFormat = {
  value(leaf, value) {
    if (leaf.type === 'datetime') return new Date(value as number).toISOString();
    // json travels as JSON text, as the SDK expects: it JSON.parse()s every json value it
    // receives (an object would survive that, but `[1]` or `"123"` would not).
    if (leaf.type === 'json') return JSON.stringify(value);
    if (leaf.type === 'file') return fileOutput(value as StoredFile);
    if (leaf.type === 'file[]') return (value as StoredFile[]).map(fileOutput);
    return value;
  },
  meta: writeXataMeta,
  linkId: (id) => ({ id: String(id) }),
};
