import type { FastifyInstance } from 'fastify';
import type { Strata } from '../../core/strata.js';
import { registerHistoryCapture } from './history-capture.js';
import { changeRoutes } from './change-routes.js';
import { registerMetrics } from './metrics-routes.js';
import { registerRequestTimeouts } from './request-timeouts.js';

/** Operations on the HTTP side: request timeouts, request history capture, metrics, change streams, and ending streams on close. */
export async function registerOps(app: FastifyInstance, strata: Strata): Promise<void> {
  registerRequestTimeouts(app, strata.ops.timeouts);
  registerHistoryCapture(app, strata.history.recorder);
  registerMetrics(app, strata);
  await app.register(changeRoutes(strata));
  // Open streams would hold the server's close forever: end them first (SIGTERM, app.close()).
  app.addHook('preClose', async () => { await strata.changes.close(); });
}
