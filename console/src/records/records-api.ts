import { ApiError, call, data, seg } from '../api/http';
import { type SchemaColumn, type XataRecord } from './table-columns';

/**
 * The grid's calls to the data API (Xata dialect) for one table of one branch. Every call
 * goes through the shared client, so errors carry the API's own message.
 */
export interface TableRef { ws: string; branch: string; table: string }

export const tablePath = (t: TableRef) => `/db/${seg(t.ws)}:${seg(t.branch)}/tables/${seg(t.table)}`;
export const recordPath = (t: TableRef, id: string) => `${tablePath(t)}/data/${seg(id)}`;
/** The binary file endpoint (the session cookie is enough to GET it, so it serves as an img src). */
export const filePath = (t: TableRef, id: string, column: string, fileId?: string) =>
  `${recordPath(t, id)}/column/${seg(column)}/file${fileId ? `/${seg(fileId)}` : ''}`;

export interface PageResult { records: XataRecord[]; cursor?: string; more: boolean }
export type Sort = { column: string; direction: 'asc' | 'desc' } | null;
export type PageRequest =
  | { kind: 'query'; filter?: unknown; sort: Sort; size: number; after?: string }
  | { kind: 'search'; query: string; filter?: unknown; size: number; offset: number };

export const loadSchema = (t: TableRef, signal?: AbortSignal) =>
  data<{ columns: SchemaColumn[] }>('GET', `${tablePath(t)}/schema`, undefined, { signal });

export async function loadPage(t: TableRef, request: PageRequest, signal?: AbortSignal): Promise<PageResult> {
  if (request.kind === 'search') {
    const body = { query: request.query, fuzziness: 1, ...(request.filter ? { filter: request.filter } : {}), page: { size: request.size, offset: request.offset } };
    const answer = await data<{ records: XataRecord[]; totalCount: number }>('POST', `${tablePath(t)}/search`, body, { signal });
    return { records: answer.records, more: request.offset + answer.records.length < answer.totalCount };
  }
  // A cursor carries the query it continues (filter and sort): it is sent alone.
  const body = request.after
    ? { page: { after: request.after, size: request.size } }
    : { ...(request.filter ? { filter: request.filter } : {}), ...(request.sort ? { sort: [{ [request.sort.column]: request.sort.direction }] } : {}), page: { size: request.size } };
  const answer = await data<{ records: XataRecord[]; meta: { page: { cursor: string; more: boolean } } }>('POST', `${tablePath(t)}/query`, body, { signal });
  return { records: answer.records, cursor: answer.meta.page.cursor, more: answer.meta.page.more };
}

export const getRecord = (t: TableRef, id: string) => data<XataRecord>('GET', recordPath(t, id));
export const createRecord = (t: TableRef, values: Record<string, unknown>, id?: string) =>
  id ? data<XataRecord>('PUT', `${recordPath(t, id)}?createOnly=true`, values) : data<XataRecord>('POST', `${tablePath(t)}/data`, values);

/** A partial update that only applies to the record as the user saw it (`ifVersion`). */
export const updateRecord = (t: TableRef, id: string, values: Record<string, unknown>, ifVersion: number) =>
  data<XataRecord>('PATCH', `${recordPath(t, id)}?ifVersion=${ifVersion}`, values);

/** The API refused an update because the record moved on since it was loaded (422 version mismatch). */
export const isVersionConflict = (error: unknown) =>
  error instanceof ApiError && (error.status === 422 || error.status === 409) && /version mismatch/i.test(error.message);

/**
 * Deletes the records in one transaction: all of them, or none (a record already gone fails
 * it, so the user learns the list they confirmed was out of date). The API's failure names
 * the operation and the record; the message adds that nothing was deleted.
 */
export async function deleteRecords(t: TableRef, ids: string[]): Promise<void> {
  const operations = ids.map((id) => ({ delete: { table: t.table, id, failIfMissing: true } }));
  try {
    await data('POST', `/db/${seg(t.ws)}:${seg(t.branch)}/transaction`, { operations });
  } catch (err) {
    // Refused means refused whole (a lost connection leaves it unknown: said as is).
    if (err instanceof ApiError && err.status >= 400) throw new ApiError(err.status, `Nothing was deleted: ${err.message}`, err.code, err.payload);
    throw err;
  }
}

/**
 * Streams a file's bytes to the binary endpoint with its own content type, named in the same
 * write by a `Content-Disposition` header (a Strata extension): one write, one new version,
 * and no second request racing other changes to a file[] list. For a file[] item, `fileId`
 * is the new item's id.
 */
export async function uploadFile(t: TableRef, id: string, column: string, file: File, fileId?: string): Promise<void> {
  await call('PUT', filePath(t, id, column, fileId), undefined, {
    raw: file, headers: { 'content-type': file.type || 'application/octet-stream', 'content-disposition': uploadDisposition(file.name) },
  });
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback (header values cannot carry
 * other characters) and the exact name per RFC 5987, which the server prefers.
 */
export function uploadDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

export const removeFile = (t: TableRef, id: string, column: string, fileId?: string) =>
  call('DELETE', filePath(t, id, column, fileId));
