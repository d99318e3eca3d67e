import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { anyToken, fullAccess, instanceOwners } from '../route-access.js';
import { AccountParams, accountView } from './access-views.js';

/** The instance's accounts, managed by its owners. */
export const accountRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/account', { config: instanceOwners(anyToken) }, async () => (await strata.accounts.list()).map(accountView));

  app.post('/account', {
    config: instanceOwners(fullAccess),
    schema: { body: Type.Object({
      email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }),
      name: Type.Optional(Type.String({ maxLength: 255 })), owner: Type.Optional(Type.Boolean({ description: 'An instance owner (default: a member of no workspace)' })),
    }) },
  }, async (request) => accountView(await strata.accounts.create(request.body)));

  app.get('/account/:account_id', { config: instanceOwners(anyToken), schema: { params: AccountParams } }, async (request) => {
    return accountView(await strata.accounts.get(request.params.account_id));
  });

  app.put('/account/:account_id', {
    config: instanceOwners(fullAccess),
    schema: { params: AccountParams, body: Type.Object({
      name: Type.Optional(Type.String({ maxLength: 255 })), owner: Type.Optional(Type.Boolean()),
      password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'A new password (ends the account\'s sessions)' })),
    }) },
  }, async (request) => accountView(await strata.accounts.update(request.params.account_id, request.body)));

  app.delete('/account/:account_id', { config: instanceOwners(fullAccess), schema: { params: AccountParams } }, async (request) => {
    await strata.accounts.remove(request.params.account_id);
    return {};
  });
};
