import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import type { DataSource } from '../../core/workspaces.js';
import { needs } from '../route-access.js';
import { LabelParams, WorkspaceParams, guardedWorkspace } from './params.js';

const Color = Type.String({ maxLength: 64, description: 'A display colour such as #ebc346' });
const view = (s: DataSource) => ({ label: s.label, color: s.color });

/** Data sources: `live` is branch main; any other label is the branch of that name (a copy of live's schema). */
export const datasourceRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/datasource';

  app.get(base, { config: needs('database:read'), schema: { params: WorkspaceParams } }, async (request) => {
    return (await strata.workspaces.dataSources(guardedWorkspace(request))).map(view);
  });

  app.post(base, { config: needs('database:create'), schema: { params: WorkspaceParams, body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 255 }), color: Type.Optional(Color) }) } }, async (request) => {
    return view(await strata.workspaces.createDataSource(guardedWorkspace(request), request.body.label, request.body.color));
  });

  app.put(`${base}/:label`, { config: needs('database:update'), schema: { params: LabelParams, body: Type.Object({ color: Type.Optional(Color) }) } }, async (request) => {
    return view(await strata.workspaces.updateDataSource(guardedWorkspace(request), request.params.label, request.body.color));
  });

  app.delete(`${base}/:label`, { config: needs('database:delete'), schema: { params: LabelParams } }, async (request) => {
    await strata.workspaces.removeDataSource(guardedWorkspace(request), request.params.label);
    return {};
  });
};
