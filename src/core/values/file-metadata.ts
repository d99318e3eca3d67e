import type { FILE_TYPES } from '../../kernel/model/xano-column.js';

/**
 * The file-metadata objects that image, video, audio and attachment columns hold (Xano's
 * File shape: `{path, name, type, size, mime, meta?, access?}`). Uploading the files is
 * another part of the API; a column only checks the object's shape and that an image column
 * holds an image (and so on) when a MIME type is given. Returns a problem, or undefined.
 */
const KEYS = new Set(['path', 'name', 'type', 'size', 'mime', 'meta', 'access', 'id', 'created_at', 'url']);
const MIME_PREFIX: Partial<Record<(typeof FILE_TYPES)[number], string>> = { image: 'image/', video: 'video/', audio: 'audio/' };

export function fileMetadataProblem(kind: (typeof FILE_TYPES)[number], value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a file object {path, name, type, size, mime}';
  const file = value as Record<string, unknown>;
  const unknown = Object.keys(file).find((key) => !KEYS.has(key));
  if (unknown) return `a file object without the field [${unknown}] (allowed: ${[...KEYS].join(', ')})`;
  if ((typeof file.path !== 'string' || file.path === '') && typeof file.id !== 'number') return 'a file object with a path (or the id of a library file)';
  if (file.path !== undefined && typeof file.path !== 'string') return 'a file object whose path is a string';
  if (file.id !== undefined && (typeof file.id !== 'number' || !Number.isSafeInteger(file.id) || file.id < 1)) return 'a file object whose id is a library file id';
  for (const key of ['name', 'mime', 'url'] as const) {
    if (file[key] !== undefined && typeof file[key] !== 'string') return `a file object whose ${key} is a string`;
  }
  if (file.size !== undefined && (typeof file.size !== 'number' || !Number.isSafeInteger(file.size) || file.size < 0)) return 'a file object whose size is a non-negative integer';
  if (file.type !== undefined && file.type !== kind && !(kind === 'attachment' && typeof file.type === 'string')) return `a file object of type "${kind}"`;
  if (file.access !== undefined && file.access !== 'public' && file.access !== 'private') return 'a file object whose access is "public" or "private"';
  if (file.meta !== undefined && (typeof file.meta !== 'object' || file.meta === null || Array.isArray(file.meta))) return 'a file object whose meta is an object';
  const prefix = MIME_PREFIX[kind];
  if (prefix && typeof file.mime === 'string' && !file.mime.startsWith(prefix)) return `${kind === 'audio' ? 'an' : 'a'} ${kind} file (mime ${prefix}*)`;
  return undefined;
}
