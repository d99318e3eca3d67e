import type { FastifyPluginAsync } from 'fastify';
import type { Strata } from '../core/strata.js';
import { isPublic } from './route-access.js';
import { storageFull } from '../core/ports/storage-full.js';

/** Liveness and readiness: the only data-free routes that need no token; probes call by address, so any Host. */
export const healthRoutes = (strata: Strata): FastifyPluginAsync => async (app) => {
  const fullness = strata.storage.fullness;
  // Once per episode: every refused write answers 507, but the log says it when it starts and ends.
  const stop = fullness?.onChange((full) => {
    if (full) app.log.error('storage is full: writes are refused (507) until disk space is freed; reads still work');
    else app.log.warn('storage accepts writes again (disk space was freed)');
  });
  if (stop) app.addHook('onClose', async () => { stop(); });

  app.get('/health', { config: { ...isPublic, anyHost: true } }, async () => ({ status: 'ok' }));
  // PostgreSQL: whether the LISTEN connection is up. Reported, not decisive: while it is being made
  // again the node serves on (other nodes' changes reach it once it is back, see postgres-listener.ts).
  const listener = () => {
    const stats = strata.storage.listenerStats?.();
    return stats ? { listener: stats.connected ? 'up' : 'down' } : {};
  };
  app.get('/ready', { config: { ...isPublic, anyHost: true } }, async (_request, reply) => {
    const storage = strata.storage.engine;
    // Until a write succeeds again: reads work, but an instance that cannot write is not ready.
    if (fullness?.full) return reply.status(503).send({ status: 'unavailable', storage, reason: storageFull().message });
    try {
      await strata.ping();
      return { status: 'ready', storage, ...listener() };
    } catch {
      return reply.status(503).send({ status: 'unavailable', storage, ...listener() });
    }
  });
};
