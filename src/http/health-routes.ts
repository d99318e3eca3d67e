import type { FastifyPluginAsync } from 'fastify';
import type { Strata } from '../core/strata.js';
import { isPublic } from './route-access.js';

/** Liveness and readiness: the only data-free routes that need no token; probes call by address, so any Host. */
export const healthRoutes = (strata: Strata): FastifyPluginAsync => async (app) => {
  app.get('/health', { config: { ...isPublic, anyHost: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: { ...isPublic, anyHost: true } }, async (_request, reply) => {
    try {
      await strata.ping();
      return { status: 'ready', storage: strata.storage.engine };
    } catch {
      return reply.status(503).send({ status: 'unavailable', storage: strata.storage.engine });
    }
  });
};
