import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { StrataError } from '../kernel/errors.js';
import { markRetryable } from './retry-after.js';

/**
 * Errors in the data API's envelope `{id, message}` (id = request id, also in x-request-id).
 * Client mistakes keep their 4xx, storage being unavailable its 503 (with retry-after); anything
 * else is a 500 with no detail beyond the id.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof StrataError) {
      logServerError(request, err);
      markRetryable(reply, err);
      return reply.status(err.status).send({ id: request.id, message: err.message });
    }
    if (err.validation) {
      return reply.status(400).send({ id: request.id, message: `invalid request: ${err.message}` });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : err.message;
      return reply.status(err.statusCode).send({ id: request.id, message });
    }
    request.log.error({ err }, 'unexpected error');
    return reply.status(500).send({ id: request.id, message: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ id: request.id, message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}

/** A 5xx StrataError in the log: storage being unavailable is an expected episode (a warning, no stack). */
export function logServerError(request: FastifyRequest, err: StrataError): void {
  if (err.code === 'UNAVAILABLE') request.log.warn({ code: err.code, reason: err.message }, 'storage unavailable');
  // A full disk is logged once per episode (health-routes.ts), not for every refused write.
  else if (err.status >= 500 && err.code !== 'STORAGE_FULL') request.log.error({ err }, 'request failed');
}
