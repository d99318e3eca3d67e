import type { FastifyRequest } from 'fastify';

/**
 * What happens to the rest of a body the server answered before reading it all (a body over
 * BODY_LIMIT or FILE_MAX_BYTES, a refused token, a bad upload URL). Fastify marks such answers
 * `connection: close` (and our upload routes did), so Node closed the socket right after the
 * answer while the client was still sending: the kernel then resets the connection, and a
 * reset can discard the answer before the client reads it — Node's fetch (undici) reports
 * `fetch failed` (EPIPE, ECONNRESET) instead of the 413. Instead the answer goes out at once,
 * on a connection kept open, and the rest of the body is read and discarded — undici stops
 * sending by itself once it has the whole answer — but only up to DRAIN_BYTES and DRAIN_MS:
 * past either the connection is closed, so a client cannot make the server read a refused
 * gigabyte. A stalled client is cut by the idle timeout as usual (ops/request-timeouts.ts).
 * A body drained to its end leaves a clean keep-alive connection.
 */
export const DRAIN_BYTES = 16 * 1024 * 1024;
export const DRAIN_MS = 10_000;

/** Starts the bounded drain of the request's unread body; false when there is nothing left to read. */
export function drainRefusedBody(request: FastifyRequest): boolean {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return false;
  if (draining.has(raw)) return true;
  draining.add(raw);
  const socket = raw.socket;
  let seen = 0;
  const stop = () => { clearTimeout(timer); if (!socket.destroyed) socket.destroy(); };
  const timer = setTimeout(stop, DRAIN_MS).unref();
  raw.on('data', (chunk: Buffer) => { seen += chunk.length; if (seen > DRAIN_BYTES) stop(); });
  raw.once('end', () => clearTimeout(timer));
  raw.once('close', () => clearTimeout(timer));
  raw.resume();
  return true;
}

const draining = new WeakSet<object>();
