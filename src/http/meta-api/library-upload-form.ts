import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { StrataError } from '../../kernel/errors.js';
import { LIBRARY_FILE_TYPES, type LibraryContent, type LibraryFileMeta, type LibraryFileType } from '../../core/files/file-library.js';

/**
 * The multipart body of a library upload (`content`, `type`, `access`), read part by part as
 * it arrives: the file part streams straight into the blob store, the small fields may come
 * before or after it. Anything else is refused by name, before more of the body is read.
 */
export interface LibraryUploadForm { content: LibraryContent; meta: LibraryFileMeta }

/** What the form may hold; busboy stops a body that goes past it. */
export const libraryUploadLimits = (maxBytes: number) => ({
  fieldNameSize: 100, fieldSize: 1024, headerPairs: 20,
  // Room for one extra part of each kind, so a duplicate is refused by name rather than by count.
  fields: 3, files: 2, parts: 5,
  // One byte past the limit reaches the blob store, which refuses it (413, nothing kept).
  fileSize: maxBytes + 1,
});

/**
 * Without `access` a file is private: served only with a signed URL. Xano's contract says public
 * by default; Strata deviates so that nothing is published unless the uploader says so.
 */
const DEFAULT_ACCESS = 'private';

const bad = (message: string, param: string) => new StrataError('BAD_REQUEST', message, { param });

export async function readLibraryUpload(
  request: FastifyRequest, store: (body: AsyncIterable<Uint8Array>) => Promise<LibraryContent>, discard: (content: LibraryContent) => Promise<void>,
): Promise<LibraryUploadForm> {
  if (!request.isMultipart()) throw bad('the body must be multipart/form-data', 'content');
  let content: LibraryContent | undefined;
  let file: { name: string; declaredType: string } | undefined;
  // Checked as they arrive: a bad field before the file stops the upload before its bytes.
  const fields: { type?: LibraryFileType; access?: 'public' | 'private' } = {};
  try {
    const parts = request.parts();
    for (;;) {
      let next: IteratorResult<MultipartFile | MultipartValue>;
      try { next = await parts.next(); } catch (err) { throw formError(err); }
      if (next.done) break;
      const part = next.value;
      const name = part.fieldname;
      if (name === 'content') {
        if (part.type !== 'file') throw bad('content must be a file part (with a filename), not a text field', 'content');
        if (content) throw bad('one file per upload: the form has a second content part', 'content');
        content = await storeFile(part, store);
        file = { name: formFileName(part.filename), declaredType: part.mimetype };
      } else if (name === 'type' || name === 'access') {
        if (part.type !== 'field') throw bad(`${name} must be a text field, not a file`, name);
        if (fields[name] !== undefined) throw bad(`${name} was sent twice`, name);
        if (part.valueTruncated) throw bad(`${name} is too long`, name);
        if (name === 'type') fields.type = fileType(String(part.value));
        else fields.access = fileAccess(String(part.value));
      } else {
        throw bad(`unknown part [${name.slice(0, 100)}]: a library upload takes content, type and access`, name.slice(0, 100));
      }
    }
    if (!content || !file) throw bad('content is required: a file part of a multipart/form-data body', 'content');
    return { content, meta: { ...file, type: fields.type ?? 'attachment', access: fields.access ?? DEFAULT_ACCESS } };
  } catch (err) {
    if (content) await discard(content);
    throw err;
  }
}

async function storeFile(part: MultipartFile, store: (body: AsyncIterable<Uint8Array>) => Promise<LibraryContent>): Promise<LibraryContent> {
  try {
    return await store(part.file);
  } catch (err) {
    if (err instanceof StrataError && err.code === 'PAYLOAD_TOO_LARGE') throw new StrataError(err.code, err.message, { param: 'content' });
    // The stream failed, not the store: the body was cut or malformed.
    if (!(err instanceof StrataError) && part.file.errored) throw formError(err);
    throw err;
  }
}

/**
 * Browsers and fetch escape `"`, CR and LF in a part's filename as `%22`, `%0D`, `%0A` (the HTML
 * standard's multipart encoding); busboy leaves them as sent. The core sanitises the result.
 */
const formFileName = (raw: string): string => raw.replace(/%(22|0d|0a)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** An empty field means its default, as a form's empty select would send it. */
function fileType(value: string): LibraryFileType {
  if (!value) return 'attachment';
  if (!(LIBRARY_FILE_TYPES as readonly string[]).includes(value)) throw bad(`type must be one of ${LIBRARY_FILE_TYPES.join(', ')}`, 'type');
  return value as LibraryFileType;
}

function fileAccess(value: string): 'public' | 'private' {
  if (!value) return DEFAULT_ACCESS;
  if (value !== 'public' && value !== 'private') throw bad('access must be public or private', 'access');
  return value;
}

/** The multipart parser's errors (busboy's and @fastify/multipart's) as input errors in our words. */
function formError(err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const { code, message } = err as { code?: string; message?: string };
  switch (code) {
    case 'FST_PARTS_LIMIT': case 'FST_FILES_LIMIT': case 'FST_FIELDS_LIMIT':
      return bad('too many parts: a library upload takes content, type and access', 'body');
    case 'FST_PROTO_VIOLATION': return bad('a part has a reserved name', 'body');
    case 'FST_INVALID_JSON_FIELD_ERROR': return bad('a field declared as JSON is not valid JSON', 'body');
    case 'FST_MP_PREMATURE_CLOSE': return bad('the request ended before the form was complete', 'body');
    default: return bad(`malformed multipart body: ${message ?? 'unreadable'}`, 'body');
  }
}
