import type { FastifyInstance } from 'fastify';
import type { Strata } from '../../core/strata.js';
import { registerHistoryCapture } from './history-capture.js';

/** Operations on the HTTP side: request history capture (more: metrics, change streams). */
export async function registerOps(app: FastifyInstance, strata: Strata): Promise<void> {
  registerHistoryCapture(app, strata.history.recorder);
}
