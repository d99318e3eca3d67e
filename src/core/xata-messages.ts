import { StrataError } from '../kernel/errors.js';

/**
 * The errors whose words are Xata's: clients (the official SDK's own tests among them) match
 * these texts exactly, so each is written once, here, and every place that raises one calls
 * it. Errors Xata does not word for us keep their own text where they are raised.
 */

/** Above the largest page (`/query`: 1000; search: 200). */
export const pageSizeTooLarge = (max: number) => new StrataError('BAD_REQUEST', `page size exceeds max limit of ${max}`);

/** Above the deepest offset (`/query`: 49000; search: 800). */
export const pageOffsetTooLarge = (max: number) => new StrataError('BAD_REQUEST', `page offset must not exceed ${max}`);

/** A transaction's delete with `failIfMissing` found nothing to delete. */
export const noRowsDeleted = (table: string) => new StrataError('BAD_REQUEST', `table [${table}]: no rows deleted`);

export const tableNotFound = (table: string) => new StrataError('NOT_FOUND', `table [${table}] not found`);

export const recordNotFound = (id: unknown) => new StrataError('NOT_FOUND', `record [${String(id)}] not found`);

/** An insert (createOnly) of an id that is taken. */
export const recordAlreadyExists = (id: unknown) => new StrataError('ALREADY_EXISTS', `record with ID [${String(id)}] already exists`);

/** A column a request names (in `columns`, a record, a filter) that the table does not have. */
export const columnNotFound = (column: string, table: string) => new StrataError('UNKNOWN_COLUMN', `column [${column}] not found in table [${table}]`);

/** A key that is not a valid token (or an expired one). */
export const invalidApiKey = () => new StrataError('UNAUTHORIZED', 'invalid API key');
