/**
 * The error catalogue. Core code throws StrataError with a stable code; each HTTP face
 * renders it in its own envelope (the data API as `{id, message}`). Tests assert codes.
 */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  INVALID_NAME: 400,
  INVALID_ID: 400,
  UNKNOWN_COLUMN: 400,
  INVALID_VALUE: 400,
  INVALID_SCHEMA: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A request for a host this instance does not answer for (STRATA_ALLOWED_HOSTS). */
  MISDIRECTED: 421,
  VERSION_MISMATCH: 422,
  ALREADY_EXISTS: 422,
  CONSTRAINT_VIOLATION: 422,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** The disk (or the database file's size limit) refused a write. */
  STORAGE_FULL: 507,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The input the error is about (a column, a field), for faces that name it (Xano's payload.param). */
  readonly param: string | undefined;
  constructor(code: ErrorCode, message: string, options: { param?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.status = ErrorCodes[code];
    this.param = options.param;
  }
}

export const badRequest = (message: string) => new StrataError('BAD_REQUEST', message);
export const invalidValue = (message: string) => new StrataError('INVALID_VALUE', message);
export const notFound = (message: string) => new StrataError('NOT_FOUND', message);
export const unprocessable = (message: string) => new StrataError('UNPROCESSABLE', message);
