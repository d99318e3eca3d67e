import { StrataError } from '../kernel/errors.js';

/**
 * Name rules from the Xata contract. Identifiers that pass these checks are still always
 * quoted in SQL; the checks exist to give clients a clear 400 and to keep names portable.
 */
// DBName, BranchName, TableName: [a-zA-Z0-9_\-~]+, 1–255 in Xata. PostgreSQL truncates
// identifiers at 63 bytes, so Strata caps table and column names there (documented).
const SIMPLE_NAME = /^[a-zA-Z0-9_\-~]+$/;
const COLUMN_SEGMENT = /^[a-zA-Z0-9_\-~]+$/;
// RecordID: the spec writes `[a-zA-Z0-9_-~:]`, where `_-~` would be a range that excludes
// `-`; Xata itself accepts `-` (its SDK tests create 'a-unique-record-john-4'), so `-` is literal.
const RECORD_ID = /^[a-zA-Z0-9_\-~:]+$/;

export const MAX_IDENTIFIER_LENGTH = 63;
/**
 * Names the engines give their own columns of every row (SQLite's row number, PostgreSQL's
 * system columns): a user column so named would shadow SQLite's rowid (which search reads) or
 * be refused by PostgreSQL. SQLite's identifiers ignore case, so these are compared without it.
 */
const ENGINE_ROW_COLUMNS = new Set(['rowid', '_rowid_', 'oid', 'ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

export function assertDatabaseName(name: string): string {
  if (!SIMPLE_NAME.test(name) || name.length > 255) {
    throw new StrataError('INVALID_NAME', `invalid database name [${name}]: use letters, digits, _ - ~ (1–255 characters)`);
  }
  return name;
}

export function assertBranchName(name: string): string {
  if (!SIMPLE_NAME.test(name) || name.length > 255) {
    throw new StrataError('INVALID_NAME', `invalid branch name [${name}]: use letters, digits, _ - ~ (1–255 characters)`);
  }
  return name;
}

export function assertTableName(name: string): string {
  if (!SIMPLE_NAME.test(name) || Buffer.byteLength(name) > MAX_IDENTIFIER_LENGTH) {
    throw new StrataError('INVALID_NAME', `invalid table name [${name}]: use letters, digits, _ - ~ (1–${MAX_IDENTIFIER_LENGTH} characters)`);
  }
  if (name.startsWith('_strata') || name.startsWith('xata')) {
    throw new StrataError('INVALID_NAME', `invalid table name [${name}]: names starting with "xata" or "_strata" are reserved`);
  }
  return name;
}

/** A single column name segment (an object's child is a separate segment). */
export function assertColumnName(name: string): string {
  if (!COLUMN_SEGMENT.test(name)) {
    throw new StrataError('INVALID_NAME', `invalid column name [${name}]: use letters, digits, _ - ~`);
  }
  if (name === 'id' || name.startsWith('xata')) {
    throw new StrataError('INVALID_NAME', `invalid column name [${name}]: "id" and names starting with "xata" are reserved`);
  }
  if (ENGINE_ROW_COLUMNS.has(name.toLowerCase())) {
    throw new StrataError('INVALID_NAME', `invalid column name [${name}]: the storage engines reserve ${[...ENGINE_ROW_COLUMNS].join(', ')}`);
  }
  return name;
}

export function assertColumnPathLength(path: string): string {
  if (Buffer.byteLength(path) > MAX_IDENTIFIER_LENGTH) {
    throw new StrataError('INVALID_NAME', `column [${path}]: the full column path is limited to ${MAX_IDENTIFIER_LENGTH} characters`);
  }
  return path;
}

export function isValidRecordId(id: string): boolean {
  return id.length >= 1 && id.length <= 255 && RECORD_ID.test(id);
}

export function assertRecordId(id: string): string {
  if (!isValidRecordId(id)) {
    throw new StrataError('INVALID_ID', `invalid record id [${id}]: 1–255 characters of letters, digits and _ - ~ :`);
  }
  return id;
}
