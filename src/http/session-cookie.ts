import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's cookies: `strata_session` (httpOnly, SameSite=Strict: scripts cannot read it
 * and other sites cannot send it) and `strata_csrf` (readable, for the console to echo in
 * `x-csrf-token` on state-changing requests). Parsed by hand: two cookies do not need a plugin.
 */
export const SESSION_COOKIE = 'strata_session';
export const CSRF_COOKIE = 'strata_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try { return decodeURIComponent(part.slice(eq + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

const attributes = (request: FastifyRequest, maxAge: number, httpOnly: boolean) =>
  ['Path=/', `Max-Age=${maxAge}`, 'SameSite=Strict', ...(httpOnly ? ['HttpOnly'] : []), ...(request.protocol === 'https' ? ['Secure'] : [])].join('; ');

export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, secret: string, csrf: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${secret}; ${attributes(request, maxAge, true)}`,
    `${CSRF_COOKIE}=${csrf}; ${attributes(request, maxAge, false)}`,
  ]);
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', [`${SESSION_COOKIE}=; ${attributes(request, 0, true)}`, `${CSRF_COOKIE}=; ${attributes(request, 0, false)}`]);
}
