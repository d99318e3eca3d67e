import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows } from '../core/auth/scopes.js';
import { StrataError } from '../core/errors.js';
import type { Strata } from '../core/strata.js';

/** Authenticates the bearer token and checks the route's declared scopes. */
export function registerAuth(app: FastifyInstance, strata: Strata): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) throw new Error(`route ${route.method} ${route.url} declares no access (public or scopes)`);
  });

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return; // unknown routes fall through to the 404 handler
    const header = request.headers.authorization;
    const secret = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const actor = secret ? await strata.tokens.authenticate(secret) : undefined;
    if (!actor) throw new StrataError('UNAUTHORIZED', 'invalid API key');
    for (const scope of access.scopes) {
      if (!allows(actor.token.scopes, scope)) {
        throw new StrataError('FORBIDDEN', `this token lacks the ${scope.object}:${scope.action} scope`);
      }
    }
    request.actor = actor;
  });
}
