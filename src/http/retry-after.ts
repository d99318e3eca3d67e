import type { FastifyReply } from 'fastify';
import type { StrataError } from '../kernel/errors.js';

/**
 * Storage unavailable (503) tells clients when to come back: a few seconds, the time the
 * LISTEN connection's backoff and a restarting PostgreSQL usually need. Both faces send it.
 */
export const RETRY_AFTER_SECONDS = 2;

export function markRetryable(reply: FastifyReply, err: StrataError): void {
  if (err.code === 'UNAVAILABLE') reply.header('retry-after', String(RETRY_AFTER_SECONDS));
}
