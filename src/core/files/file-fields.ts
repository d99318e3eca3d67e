import { isFileType, type LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';

/**
 * The fields of a file (Xata's FileResponse) a `columns` projection can name: `photo.name`,
 * `attachments.base64Content`, … — the same list for `file` and `file[]` columns (the SDK's
 * `XataFileFields`). `photo` and `photo.*` mean DEFAULT_FILE_FIELDS: every field but the
 * content and the upload URL, which cost a blob read or grant a write and are only given
 * when named (as Xata's own tests ask for them: `photo.*` next to `photo.base64Content`).
 */
export const FILE_FIELDS = [
  'id', 'name', 'mediaType', 'base64Content', 'enablePublicUrl', 'signedUrlTimeout', 'uploadUrlTimeout',
  'size', 'version', 'url', 'signedUrl', 'uploadUrl', 'attributes',
] as const;
export type FileField = typeof FILE_FIELDS[number];
export type FileSelection = ReadonlySet<FileField>;

export const DEFAULT_FILE_FIELDS: FileSelection = new Set(FILE_FIELDS.filter((f) => f !== 'base64Content' && f !== 'uploadUrl'));
const KNOWN = new Set<string>(FILE_FIELDS);

/**
 * `col.field` when `col` is a file column of the table: its leaf and field; a name that is
 * not a file field is a 400 listing them. Undefined when the path does not start at a file column.
 */
export function fileFieldOf(table: TableModel, path: string): { leaf: LeafColumn; field: FileField } | undefined {
  let dot = path.indexOf('.');
  let leaf: LeafColumn | undefined;
  // The file column may sit inside an object column (`profile.avatar.name`): the first prefix that is one.
  for (; dot > 0; dot = path.indexOf('.', dot + 1)) {
    leaf = table.leaf(path.slice(0, dot));
    if (leaf) break;
  }
  if (!leaf || !isFileType(leaf.type)) return undefined;
  const field = path.slice(dot + 1);
  if (!KNOWN.has(field)) {
    throw new StrataError('BAD_REQUEST', `column [${path}]: [${field}] is not a file field (one of ${FILE_FIELDS.join(', ')}, or *)`);
  }
  return { leaf, field: field as FileField };
}

/** Keeps the selected fields of a file as shown (in FILE_FIELDS order). */
export function pickFileFields(file: Record<string, unknown>, fields: FileSelection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of FILE_FIELDS) if (fields.has(field) && file[field] !== undefined) out[field] = file[field];
  return out;
}
