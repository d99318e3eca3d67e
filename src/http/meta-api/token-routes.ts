import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseScopes } from '../../core/auth/scopes.js';
import { parseExpiry } from '../../core/auth/token-expiry.js';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { anyToken, fullAccess } from '../route-access.js';
import { ScopesText, tokenView } from './access-views.js';

const CreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  scopes: Type.Optional(ScopesText),
  expires_in: Type.Optional(Type.Union([
    Type.String({ maxLength: 32, description: '`1h` … `7d` … `1y`, or `never`' }), Type.Integer({ minimum: 3600, description: 'Seconds' }), Type.Null(),
  ], { description: 'Lifetime: 7 days unless given; at least 1 hour; `never` (or null) for no expiry' })),
});

/** The caller's own personal access tokens: list, create (the secret is answered once), revoke. */
export const tokenRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/token', { config: anyToken }, async (request) => (await strata.tokens.list(request.actor!.account)).map((t) => tokenView(t)));

  app.post('/token', { config: fullAccess, schema: { body: CreateBody } }, async (request) => {
    const { name, scopes, expires_in } = request.body;
    const bits = scopes === undefined ? undefined : withParam(() => parseScopes(scopes), 'scopes');
    const expiresAt = withParam(() => parseExpiry(expires_in), 'expires_in');
    const { token, secret } = await strata.tokens.create(request.actor!.account, { name, scopes: bits, expiresAt });
    return { ...tokenView(token), token: secret };
  });

  app.delete('/token/:token_id', { config: fullAccess, schema: { params: Type.Object({ token_id: Type.String({ minLength: 1, maxLength: 64 }) }) } }, async (request) => {
    await strata.tokens.revoke(request.actor!.account, request.params.token_id);
    return {};
  });
};

/** Names the input a parse failure is about (Xano's payload.param). */
function withParam<T>(parse: () => T, param: string): T {
  try { return parse(); } catch (err) {
    if (err instanceof StrataError) throw new StrataError(err.code, err.message, { param });
    throw err;
  }
}
