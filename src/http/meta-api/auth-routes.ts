import type { FastifyPluginAsync } from 'fastify';
import { anyToken } from '../route-access.js';

/** `GET /auth/me`: the account behind the token (any valid token may ask). */
export const authRoutes = (): FastifyPluginAsync => async (app) => {
  app.get('/auth/me', { config: anyToken }, async (request) => {
    const { account, token } = request.actor!;
    return { id: account.id, name: account.name, email: account.email, extras: { token: { id: token.id, name: token.name }, owner: account.isOwner } };
  });
};
