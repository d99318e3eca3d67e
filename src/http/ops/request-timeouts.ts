import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TimeoutsConfig } from '../../config-ops.js';

const hasBody = (raw: IncomingMessage) => raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;

/**
 * Bounds on how long a client may take to send its request, so a stalled upload cannot hold
 * a connection (and its partial blob) forever:
 * - the whole request (Node's `requestTimeout`, checked every few seconds): headers and body;
 *   a change stream's GET is complete once its headers are in, so a stream is never cut by it;
 * - a pause while the body arrives: the socket's idle timeout, set for the time the body is
 *   being read only, so a slow answer (a long bulk write) or an open stream is not cut. Node
 *   destroys a timed-out socket; the body's reader fails and removes what it had written.
 */
export function registerRequestTimeouts(app: FastifyInstance, timeouts: TimeoutsConfig): void {
  const server = app.server;
  server.requestTimeout = timeouts.requestMs;
  // Headers come first: they get at most the request's time (Node's default is 60 s).
  if (timeouts.requestMs > 0) server.headersTimeout = Math.min(server.headersTimeout, timeouts.requestMs);
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (!raw.complete && hasBody(raw)) {
      const socket = raw.socket;
      socket.setTimeout(timeouts.idleMs);
      // Once answered, the socket's timeout is Node's again (keep-alive): leave it alone.
      raw.once('end', () => { if (!reply.raw.writableFinished) socket.setTimeout(0); });
    }
    done();
  });
}
