import { invalidValue } from '../../kernel/errors.js';
import type { LeafColumn } from '../../kernel/model/column-types.js';

/**
 * A file column's stored value: the metadata of one file (`file`) or of up to 50 (`file[]`),
 * with `key`, the blob holding its bytes (null for an empty file). `key` never leaves the
 * server: the API shows `id` and URLs instead.
 */
export interface StoredFile {
  id?: string;
  key: string | null;
  name: string;
  mediaType: string;
  size: number;
  version: number;
  enablePublicUrl: boolean;
  signedUrlTimeout: number;
  /** Seconds an upload URL stays valid; absent in files stored before it was kept (the default). */
  uploadUrlTimeout?: number;
  attributes: Record<string, unknown>;
}

/** A file as a record write gives it, before its bytes reach the blob store (file-write.ts). */
export class PendingFile {
  constructor(
    readonly id: string | undefined,
    readonly name: string | undefined,
    readonly mediaType: string | undefined,
    readonly content: Buffer | undefined,
    readonly enablePublicUrl: boolean | undefined,
    readonly signedUrlTimeout: number | undefined,
    readonly uploadUrlTimeout: number | undefined,
  ) {}
}

export const MAX_FILES_PER_COLUMN = 50;
export const MAX_INLINE_BASE64 = 20 * 1024 * 1024;
export const MAX_SIGNED_URL_TIMEOUT = 24 * 60 * 60;
export const DEFAULT_SIGNED_URL_TIMEOUT = 60;
export const DEFAULT_UPLOAD_URL_TIMEOUT = 24 * 60 * 60;
const MEDIA_TYPE = /^\w+\/[-+.\w]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FILE_ID = /^[a-zA-Z0-9_\-~:]{1,255}$/;
const INPUT_KEYS = new Set(['id', 'name', 'mediaType', 'base64Content', 'enablePublicUrl', 'signedUrlTimeout', 'uploadUrlTimeout']);

/**
 * A file name safe to store and to put in a Content-Disposition header: the last path
 * segment only (no traversal), no control characters (no header injection), ≤ 1024 chars.
 */
export function sanitizeFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return clean === '.' || clean === '..' ? '' : clean.slice(0, 1024);
}

export function checkMediaType(leaf: LeafColumn | string, value: string): string {
  if (!MEDIA_TYPE.test(value) || value.length > 255) throw invalidValue(`column [${typeof leaf === 'string' ? leaf : leaf.path}]: invalid mediaType [${value}]`);
  return value.toLowerCase();
}

export function checkSignedUrlTimeout(where: string, value: unknown, name = 'signedUrlTimeout'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SIGNED_URL_TIMEOUT) {
    throw invalidValue(`column [${where}]: ${name} must be an integer from 1 to ${MAX_SIGNED_URL_TIMEOUT} seconds`);
  }
  return value;
}

/** One input file object (InputFile / InputFileEntry) → a PendingFile. */
export function parseFileInput(leaf: LeafColumn, value: unknown, inArray: boolean): PendingFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue(`column [${leaf.path}]: invalid value, expected a file object {name, mediaType, base64Content}`);
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!INPUT_KEYS.has(key) && !OUTPUT_ONLY.has(key)) throw invalidValue(`column [${leaf.path}]: unknown file property [${key}]`);
  }
  if (v.id !== undefined && (!inArray || typeof v.id !== 'string' || !FILE_ID.test(v.id))) throw invalidValue(`column [${leaf.path}]: invalid file id`);
  if (v.name !== undefined && typeof v.name !== 'string') throw invalidValue(`column [${leaf.path}]: file name must be a string`);
  if (v.mediaType !== undefined && typeof v.mediaType !== 'string') throw invalidValue(`column [${leaf.path}]: mediaType must be a string`);
  if (v.enablePublicUrl !== undefined && typeof v.enablePublicUrl !== 'boolean') throw invalidValue(`column [${leaf.path}]: enablePublicUrl must be true or false`);
  let content: Buffer | undefined;
  if (v.base64Content !== undefined) {
    const text = v.base64Content;
    if (typeof text !== 'string' || !BASE64.test(text) || text.length % 4 === 1) throw invalidValue(`column [${leaf.path}]: base64Content must be base64 text`);
    if (text.length > MAX_INLINE_BASE64) throw invalidValue(`column [${leaf.path}]: base64Content is limited to ${MAX_INLINE_BASE64} characters (use the binary file endpoint)`);
    content = Buffer.from(text, 'base64');
  }
  return new PendingFile(
    v.id as string | undefined,
    v.name === undefined ? undefined : sanitizeFileName(v.name as string),
    v.mediaType === undefined ? undefined : checkMediaType(leaf, v.mediaType as string),
    content,
    v.enablePublicUrl as boolean | undefined,
    v.signedUrlTimeout === undefined ? undefined : checkSignedUrlTimeout(leaf.path, v.signedUrlTimeout),
    v.uploadUrlTimeout === undefined ? undefined : checkSignedUrlTimeout(leaf.path, v.uploadUrlTimeout, 'uploadUrlTimeout'),
  );
}

/** Output fields the SDK may send back unchanged with a record it read (ignored). */
const OUTPUT_ONLY = new Set(['size', 'version', 'url', 'signedUrl', 'uploadUrl', 'attributes', 'storageKey']);

/** The write value of a file or file[] column (null handled by the caller). */
export function coerceFileValue(leaf: LeafColumn, value: unknown): PendingFile | PendingFile[] {
  if (leaf.type === 'file') return parseFileInput(leaf, value, false);
  if (!Array.isArray(value)) throw invalidValue(`column [${leaf.path}]: invalid value, expected an array of file objects`);
  if (value.length > MAX_FILES_PER_COLUMN) throw invalidValue(`column [${leaf.path}]: at most ${MAX_FILES_PER_COLUMN} files per column`);
  const files = value.map((item) => parseFileInput(leaf, item, true));
  const ids = files.map((f) => f.id).filter(Boolean);
  if (new Set(ids).size !== ids.length) throw invalidValue(`column [${leaf.path}]: file ids must be unique`);
  return files;
}

/** A stored file as the data API shows it (FileResponse): no blob key; URLs are filled in per request (file-url-fill.ts). */
export function fileOutput(file: StoredFile): Record<string, unknown> {
  return {
    ...(file.id !== undefined ? { id: file.id } : {}),
    name: file.name, mediaType: file.mediaType, size: file.size, version: file.version,
    enablePublicUrl: file.enablePublicUrl, signedUrlTimeout: file.signedUrlTimeout,
    uploadUrlTimeout: file.uploadUrlTimeout ?? DEFAULT_UPLOAD_URL_TIMEOUT,
    url: '', signedUrl: '', attributes: file.attributes,
  };
}
