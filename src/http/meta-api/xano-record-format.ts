import type { RecordFormat } from '../../core/records/projection.js';

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
    return value;
  },
  meta(out, id) {
    out.id = id;
  },
  linkId: (id) => id,
};
