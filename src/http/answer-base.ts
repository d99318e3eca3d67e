import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** STRATA_PUBLIC_URL (no trailing slash), or null: then answers follow the request. */
    publicBaseUrl: string | null;
  }
}

/**
 * The base of every URL an answer carries (file URLs, the Master Metadata API's base URLs):
 * the configured public URL, never the request's Host; without one, this server as the client
 * reached it (Host, or X-Forwarded-* behind a trusted proxy).
 */
export function answerBase(request: FastifyRequest): string {
  return request.server.publicBaseUrl ?? `${request.protocol}://${request.host}`;
}
