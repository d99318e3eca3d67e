import { StrataError } from '../../kernel/errors.js';

/**
 * Failures of the database connection itself (as opposed to a statement's error): the server
 * is down, restarting, refusing, cut off or not answering in time. They become one StrataError,
 * UNAVAILABLE (503), so clients learn to retry and no face ever answers 500 for them. The
 * message names the kind of failure, never the server's address.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg's own errors carry no code: they are known by their messages (pg 8, pg-pool 3). */
const PG_MESSAGES: Array<[RegExp, string]> = [
  [/^Connection terminated/, 'the database connection was lost'],
  [/not queryable|Client was closed/, 'the database connection was lost'],
  [/timeout exceeded when trying to connect|connection timeout|timeout expired/, 'no database connection could be had in time'],
  [/^Query read timeout$/, 'the database did not answer in time'],
];

export function unavailable(err: unknown): StrataError | undefined {
  if (err instanceof StrataError) return undefined;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  const reason = NETWORK_CODES.has(code) ? (code === 'ECONNREFUSED' ? 'the database refused the connection' : 'the database connection was lost')
    : code === '57P01' || code === '57P02' ? 'the database is shutting down' // admin_shutdown, crash_shutdown
    : code === '57P03' ? 'the database is starting up or shutting down' // cannot_connect_now
    : code === '57014' && /statement timeout/.test(message) ? 'the database did not answer in time'
    : code === '53300' ? 'the database has no connections to spare' // too_many_connections
    : code.startsWith('08') ? 'the database connection failed' // connection_exception
    : code === '' ? PG_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] : undefined;
  return reason ? new StrataError('UNAVAILABLE', `storage is unavailable: ${reason}`, { cause: err }) : undefined;
}

/** The error as callers should see it: a connection failure as UNAVAILABLE, anything else unchanged. */
export const asUnavailable = (err: unknown): unknown => unavailable(err) ?? err;
