import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { RecordFormat, ValueOwner } from '../../core/records/projection.js';
import { fileOutput, type StoredFile } from '../../core/files/file-object.js';
import { pickFileFields, type FileSelection } from '../../core/files/file-fields.js';
import { writeXataMeta } from '../../core/records/xata-meta.js';
import { rfc3339 } from '../../core/records/rfc3339.js';

/**
 * How a stored file is shown: without URLs by default; answers to a request fill them in
 * (http/files/file-url-fill.ts). `fields`: the file fields `columns` named (absent: the defaults).
 */
export type FileShow = (leaf: LeafColumn, file: StoredFile, owner: ValueOwner | undefined, fields: FileSelection | undefined) => Record<string, unknown>;

/** Records in Xata's dialect: `id` as a string, `xata: {version, createdAt, updatedAt}`, RFC 3339 datetimes, json as JSON text, links as `{id}`. */
export function xataRecordFormatWith(showFile: FileShow): RecordFormat {
  return {
    value(leaf, value, owner, fields) {
      if (leaf.type === 'datetime') return rfc3339(value as number);
      // json travels as JSON text, as the SDK expects: it JSON.parse()s every json value it
      // receives (an object would survive that, but `[1]` or `"123"` would not).
      if (leaf.type === 'json') return JSON.stringify(value);
      if (leaf.type === 'file') return showFile(leaf, value as StoredFile, owner, fields);
      if (leaf.type === 'file[]') return (value as StoredFile[]).map((file) => showFile(leaf, file, owner, fields));
      return value;
    },
    meta: writeXataMeta,
    linkId: (id) => ({ id: String(id) }),
  };
}

/** Xata's dialect with files' `url`/`signedUrl` empty (answers that name no live file: a deleted record). */
export const xataRecordFormat: RecordFormat = xataRecordFormatWith((_leaf, file, _owner, fields) => fields ? pickFileFields(fileOutput(file), fields) : fileOutput(file));
