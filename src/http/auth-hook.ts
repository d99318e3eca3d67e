import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { allows, scopeBit, type Scope } from '../core/auth/scopes.js';
import { StrataError } from '../core/errors.js';
import type { Strata } from '../core/strata.js';

/**
 * Authenticates the bearer token and checks the route's declared scopes. Each guarded route
 * gets its own onRequest hook with its scopes folded into one bit mask when it is
 * registered, so a request does the token lookup and one AND; public routes (and unknown
 * routes, which fall through to the 404 handler) run no auth hook at all.
 */
export function registerAuth(app: FastifyInstance, strata: Strata): void {
  const guards = new WeakSet<Function>();
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access (public or scopes)`);
    if ('public' in access) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    if (existing.some((hook) => guards.has(hook))) return; // already guarded (HEAD copies a GET route's options)
    const guard = authGuard(strata, access.scopes);
    guards.add(guard);
    route.onRequest = [guard, ...existing];
  });
}

function authGuard(strata: Strata, scopes: Scope[]): onRequestAsyncHookHandler {
  const required = scopes.reduce((bits, scope) => bits | scopeBit(scope.object, scope.action), 0);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    // The auth scheme is case-insensitive (RFC 9110 §11.1): `bearer xau_…` is as good as `Bearer xau_…`.
    const secret = header && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const actor = secret ? await strata.tokens.authenticate(secret) : undefined;
    if (!actor) throw new StrataError('UNAUTHORIZED', 'invalid API key');
    if ((actor.token.scopes & required) !== required) {
      const missing = scopes.find((scope) => !allows(actor.token.scopes, scope))!;
      throw new StrataError('FORBIDDEN', `this token lacks the ${missing.object}:${missing.action} scope`);
    }
    request.actor = actor;
  };
}
