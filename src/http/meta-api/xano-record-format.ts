import type { RecordFormat } from '../../core/records/projection.js';
import { fileOutput, type StoredFile } from '../../core/files/file-object.js';

/**
 * Records in Xano's dialect (the Metadata API's content endpoints): integer ids stay numbers,
 * timestamps are epoch milliseconds (`created_at: 1681336868222`), json and lists are plain
 * values, a table reference is the referenced id. Password columns are left out: they hold
 * hashes, which Xano never shows. No `xata` metadata.
 */
export const xanoRecordFormat: RecordFormat = {
  value(leaf, value) {
    // undefined is left out when the record is serialised.
    if (leaf.xano?.type === 'password') return undefined;
    // Xata file columns: their metadata without the blob key.
    if (leaf.type === 'file') return fileOutput(value as StoredFile);
    if (leaf.type === 'file[]') return (value as StoredFile[]).map(fileOutput);
    return value;
  },
  meta(out, id) {
    out.id = id;
  },
  linkId: (id) => id,
};
