import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLES } from '../../core/auth/roles.js';
import { parseScopes } from '../../core/auth/scopes.js';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { fullAccess, needs } from '../route-access.js';
import { ScopesText, memberView } from './access-views.js';
import { WorkspaceParams, guardedWorkspace } from './params.js';

const MemberParams = Type.Object({ workspace_id: WorkspaceParams.properties.workspace_id, account_id: Type.String({ minLength: 1, maxLength: 320, description: 'The account id (acc_…), or its email when adding or changing a member' }) });

/**
 * A workspace's members and their roles. Members may list them; the workspace's owners and
 * admins (and instance owners) manage them (the core decides who may touch owners).
 */
export const memberRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/member';

  app.get(base, { config: needs('database:read'), schema: { params: WorkspaceParams } }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    return (await strata.members.list(database)).map(memberView);
  });

  app.put(`${base}/:account_id`, {
    config: fullAccess,
    // `permissions: null` means the role's, like leaving it out: said so before validation,
    // whose type coercion would otherwise turn null into "" (refused as empty) on the string branch.
    preValidation: async (request) => {
      const body = request.body as { permissions?: unknown } | null;
      if (body && typeof body === 'object' && body.permissions === null) delete body.permissions;
    },
    schema: { params: MemberParams, body: Type.Object({
      role: Type.Union(ROLES.map((r) => Type.Literal(r)), { description: 'owner, admin, editor or viewer' }),
      permissions: Type.Optional(Type.Union([ScopesText, Type.Null()], { description: 'A custom permission set replacing the role\'s (null: the role\'s)' })),
    }) },
  }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    const { role, permissions } = request.body;
    let mask: number | null = null;
    if (typeof permissions === 'string') {
      if (!permissions.trim()) throw new StrataError('BAD_REQUEST', 'permissions cannot be empty (null for the role\'s)', { param: 'permissions' });
      mask = parseScopes(permissions);
    }
    return memberView(await strata.members.set(request.actor!.access, database, request.params.account_id, role, mask));
  });

  app.delete(`${base}/:account_id`, { config: fullAccess, schema: { params: MemberParams } }, async (request) => {
    const { database } = await strata.workspaces.get(guardedWorkspace(request));
    await strata.members.remove(request.actor!.access, database, request.params.account_id);
    return {};
  });
};
