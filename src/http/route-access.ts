import type { Scope } from '../core/auth/scopes.js';
import type { Actor } from '../core/auth/tokens.js';

/**
 * Every route declares, next to its schema, who may call it: `public`, or the scopes a
 * token needs (all of them). auth-hook.ts turns that into the route's guard; a route that
 * declares nothing is refused at start-up, so nothing is reachable by accident.
 */
export type RouteAccess = { public: true } | { scopes: Scope[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor?: Actor;
  }
}

export const needs = (...scopes: Array<`${Scope['object']}:${Scope['action']}`>): { access: RouteAccess } => ({
  access: { scopes: scopes.map((s) => { const [object, action] = s.split(':'); return { object, action } as Scope; }) },
});

export const isPublic: { access: RouteAccess } = { access: { public: true } };

/** A valid token, whatever its scopes: for "who am I" (the Metadata API's /auth/me). */
export const anyToken: { access: RouteAccess } = { access: { scopes: [] } };
