import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import type { Workspace } from '../../core/workspaces.js';
import { instanceOwners, needs } from '../route-access.js';
import { WorkspaceParams, guardedWorkspace } from './params.js';

export const workspaceView = (w: Workspace) => ({
  id: w.database.id, name: w.database.name, description: w.description, branch: w.liveBranch,
  swagger: w.docs.swagger, documentation: { require_token: w.docs.requireToken },
});

const CreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Also the data API\'s database name: letters, digits, _ - ~' }),
  description: Type.Optional(Type.String()),
});
// What Xano's CLI `workspace edit` sends (xano-inc/cli src/commands/workspace/edit/index.ts); other documentation settings are refused.
const UpdateBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), description: Type.Optional(Type.String()),
  swagger: Type.Optional(Type.Boolean({ description: 'Kept and answered (Strata serves no per-workspace API docs to switch)' })),
  documentation: Type.Optional(Type.Object({ require_token: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
});

/** Workspaces: `/workspace[/{workspace_id}]`. A workspace IS the database of the same name. */
export const workspaceRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/workspace', { config: needs('database:read') }, async (request) => (await strata.workspaces.list(request.actor!.access)).map(workspaceView));

  app.post('/workspace', { config: instanceOwners(needs('database:create')), schema: { body: CreateBody } }, async (request) => {
    return workspaceView(await strata.workspaces.create(request.body.name, request.body.description));
  });

  app.get('/workspace/:workspace_id', { config: needs('database:read'), schema: { params: WorkspaceParams } }, async (request) => {
    return workspaceView(await strata.workspaces.get(guardedWorkspace(request)));
  });

  app.put('/workspace/:workspace_id', { config: needs('database:update'), schema: { params: WorkspaceParams, body: UpdateBody } }, async (request) => {
    const { name, description, swagger, documentation } = request.body;
    return workspaceView(await strata.workspaces.update(guardedWorkspace(request), { name, description, swagger, requireToken: documentation?.require_token }));
  });

  app.delete('/workspace/:workspace_id', { config: needs('database:delete'), schema: { params: WorkspaceParams } }, async (request) => {
    await strata.workspaces.remove(guardedWorkspace(request));
    return {};
  });
};
