import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import type { AuthLimits } from '../rate-limits.js';
import { anyToken, fullAccess, isPublic } from '../route-access.js';
import { clearSessionCookies, readCookie, SESSION_COOKIE, setSessionCookies } from '../session-cookie.js';
import { accountView } from './access-views.js';
import { answerBase } from '../answer-base.js';
import type { InstanceDirectory } from '../../core/instances.js';

/**
 * `GET /auth/me` (any valid token may ask who it is), and the console's login: email and
 * password open a session (httpOnly cookie + CSRF token), logout ends it, logout_all ends every
 * session and revokes every token of the account, and a password change ends the account's other
 * sessions (and revokes its tokens when asked). Failed logins count against the address's limit.
 * The owner generated at first start finishes setup (`/auth/setup`) before anything else.
 */
export const authRoutes = (strata: Strata, limits: AuthLimits, instances: InstanceDirectory): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/auth/me', { config: anyToken }, async (request) => {
    const { account, token, access } = request.actor!;
    // This instance as Xano's CLI prints it (`xano profile me`: extras.instance.id, name, display).
    const instance = instances.list(answerBase(request))[0]!;
    return {
      id: account.id, name: account.name, email: account.email,
      extras: {
        instance: {
          id: instance.name, name: instance.name, display: instance.display, domain: instance.domain, meta_api: instance.meta_api,
          membership: { role: account.isOwner ? 'admin' : 'member', workspace: { id: access.memberships.map((m) => m.databaseId) } },
        },
        ...(token ? { token: { id: token.id, name: token.name } } : { session: true }),
        owner: account.isOwner,
        ...(await strata.accountSetup.isPending(account.id) ? { setup_required: true } : {}),
        memberships: access.memberships.map((m) => ({ workspace_id: m.databaseId, workspace: m.databaseName, role: m.role })),
      },
    };
  });

  app.post('/auth/login', {
    config: isPublic,
    schema: { body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }) },
  }, async (request, reply) => {
    // Checked before the password hash is computed: an address past its limit costs no scrypt.
    await limits.checkAddress(request.ip, reply);
    const account = await strata.accounts.verifyLogin(request.body.email, request.body.password);
    if (!account) {
      await limits.failed(request.ip, reply);
      throw new StrataError('UNAUTHORIZED', 'invalid email or password');
    }
    const session = await strata.sessions.open(account.id);
    setSessionCookies(request, reply, session.secret, session.csrf, session.expiresAt);
    return { account: accountView(account), csrf_token: session.csrf, expires_at: session.expiresAt.toISOString() };
  });

  app.post('/auth/logout', { config: isPublic }, async (request, reply) => {
    const secret = readCookie(request, SESSION_COOKIE);
    if (secret) await strata.sessions.close(secret);
    clearSessionCookies(request, reply);
    return {};
  });

  // Sign out everywhere: every session and every token of the account (the caller's included).
  app.post('/auth/logout_all', { config: fullAccess }, async (request, reply) => {
    const revoked = await strata.accounts.signOutEverywhere(request.actor!.account.id);
    clearSessionCookies(request, reply);
    return { tokens_revoked: revoked };
  });

  app.put('/auth/password', {
    config: fullAccess,
    schema: { body: Type.Object({
      current_password: Type.String({ minLength: 1, maxLength: 1024 }), new_password: Type.String({ minLength: 1, maxLength: 1024 }),
      revoke_tokens: Type.Optional(Type.Boolean({ description: 'Also revoke every token of the account (default false: tokens stay valid)' })),
    }) },
  }, async (request) => {
    const { account, sessionId } = request.actor!;
    const revoked = await strata.accounts.changePassword(account, request.body.current_password, request.body.new_password,
      { keepSession: sessionId, revokeTokens: request.body.revoke_tokens === true });
    return { tokens_revoked: revoked };
  });

  app.post('/auth/setup', {
    config: fullAccess,
    schema: { body: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 255 }),
      email: Type.String({ minLength: 3, maxLength: 320 }),
      password: Type.String({ minLength: 1, maxLength: 1024, description: 'The new password (8 characters at least)' }),
    }) },
  }, async (request) => {
    const { account, sessionId } = request.actor!;
    return accountView(await strata.accountSetup.complete(account, request.body, sessionId));
  });
};
