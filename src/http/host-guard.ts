import type { FastifyInstance } from 'fastify';
import { StrataError } from '../kernel/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served whatever Host the request names (probes: load balancers call by address). */
    anyHost?: boolean;
  }
}

/**
 * STRATA_ALLOWED_HOSTS: the hosts this instance answers for. A request naming another host
 * (its Host header, or X-Forwarded-Host behind a trusted proxy) is refused with 421 Misdirected
 * Request before authentication, so no answer carries URLs on a host an attacker chose. An entry
 * without a port allows that name on any port; with a port, only that one. The public URL's host
 * is always allowed with the list. No list: no check.
 */
export function registerHostGuard(app: FastifyInstance, listed: readonly string[], publicUrl?: string): void {
  if (listed.length === 0) return;
  const allowedHosts = publicUrl ? [...listed, new URL(publicUrl).host] : listed;
  const exact = new Set(allowedHosts.filter((h) => hasPort(h)).map((h) => h.toLowerCase()));
  const names = new Set(allowedHosts.filter((h) => !hasPort(h)).map((h) => h.toLowerCase()));
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config?.anyHost) return done();
    const host = request.host.toLowerCase();
    if (exact.has(host) || names.has(request.hostname.toLowerCase())) return done();
    done(new StrataError('MISDIRECTED', `this server does not answer for host [${host.slice(0, 255)}]`, { param: 'host' }));
  });
}

/** `name:port` or `[v6]:port` (a bare IPv6 address is bracketed, so its colons are inside). */
const hasPort = (host: string): boolean => /:\d+$/.test(host) && !/^\[[^\]]*\]$/.test(host);
