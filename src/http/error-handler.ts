import type { FastifyError, FastifyInstance } from 'fastify';
import { StrataError } from '../core/errors.js';

/**
 * Errors in the data API's envelope `{id, message}` (id = request id, also in x-request-id).
 * Client mistakes keep their 4xx; anything else is a 500 with no detail beyond the id.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof StrataError) {
      // A full disk is logged once per episode (health-routes.ts), not for every refused write.
      if (err.status >= 500 && err.code !== 'STORAGE_FULL') request.log.error({ err }, 'request failed');
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
