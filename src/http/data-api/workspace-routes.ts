import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { instanceOwners, needs } from '../route-access.js';
import { bodyIsOptional } from './params.js';

const WsParams = Type.Object({ ws: Type.String() });
const WsDbParams = Type.Object({ ws: Type.String(), db: Type.String({ minLength: 1, maxLength: 255 }) });

const RenameBody = Type.Object({ newName: Type.String({ minLength: 1, maxLength: 255 }) });
/** Regions a database is created in; every database answers on any host, so the region is only a label. */
const DEFAULT_REGION = 'local';

/**
 * Xata's control-plane calls for databases, as its tooling drives them. The instance plays
 * a Xata workspace: its configured name is the only `{ws}` that exists.
 */
export const workspaceRoutes = (strata: Strata, instanceName: string): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const checkWorkspace = (ws: string) => {
    if (ws !== instanceName) throw new StrataError('NOT_FOUND', `workspace [${ws}] not found`);
  };

  // The one workspace, in Xata's shape (the CLI picks it without asking when it is alone).
  const workspace = async (isOwner: boolean) => ({
    id: instanceName, unique_id: instanceName, name: instanceName, slug: instanceName,
    role: isOwner ? 'owner' : 'maintainer', plan: 'free', memberCount: await strata.accounts.count(),
  });

  app.get('/workspaces', { config: needs('database:read') }, async (request) => ({
    workspaces: [await workspace(request.actor!.access.isOwner)],
  }));

  app.get('/workspaces/:ws', { config: needs('database:read'), schema: { params: WsParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    const { unique_id: _u, role: _r, ...shown } = await workspace(request.actor!.access.isOwner);
    return shown;
  });

  app.get('/workspaces/:ws/regions', { config: needs('database:read'), schema: { params: WsParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    const regions = new Set([DEFAULT_REGION, ...(await strata.databases.list()).map((d) => d.region)]);
    return { regions: [...regions].map((id) => ({ id, name: id })) };
  });

  app.get('/workspaces/:ws/dbs', { config: needs('database:read'), schema: { params: WsParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    const databases = await strata.databases.list(request.actor!.access);
    return { databases: databases.map((d) => ({ name: d.name, region: d.region, createdAt: d.createdAt, numberOfBranches: d.branchCount })) };
  });

  // Only instance owners create databases (workspaces); members see only theirs.
  app.put('/workspaces/:ws/dbs/:db', {
    config: instanceOwners(needs('database:create')),
    preValidation: bodyIsOptional,
    schema: { params: WsDbParams, body: Type.Object({ region: Type.Optional(Type.String()), branchName: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    checkWorkspace(request.params.ws);
    const { database, branch } = await strata.databases.create(request.params.db, request.body.region || DEFAULT_REGION);
    return reply.status(201).send({ databaseName: database.name, branchName: branch.name, status: 'completed' });
  });

  app.get('/workspaces/:ws/dbs/:db', { config: needs('database:read'), schema: { params: WsDbParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    const database = await strata.databases.get(request.params.db);
    return { name: database.name, region: database.region, createdAt: database.createdAt };
  });

  app.post('/workspaces/:ws/dbs/:db/rename', { config: needs('database:update'), schema: { params: WsDbParams, body: RenameBody } }, async (request) => {
    checkWorkspace(request.params.ws);
    const database = await strata.databases.rename(request.params.db, request.body.newName);
    return { name: database.name, region: database.region, createdAt: database.createdAt };
  });

  app.delete('/workspaces/:ws/dbs/:db', { config: needs('database:delete'), schema: { params: WsDbParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    await strata.databases.remove(request.params.db);
    return { status: 'completed' };
  });

  app.get('/workspaces/:ws/settings', { config: needs('database:read'), schema: { params: WsParams } }, async (request) => {
    checkWorkspace(request.params.ws);
    return strata.settings.get('workspace');
  });

  // PUT and PATCH both merge (the SDK's test harness PATCHes `{postgresEnabled: true}`).
  for (const method of ['put', 'patch'] as const) {
    app[method]('/workspaces/:ws/settings', { config: instanceOwners(needs('database:update')), schema: { params: WsParams, body: Type.Record(Type.String(), Type.Unknown()) } }, async (request) => {
      checkWorkspace(request.params.ws);
      return strata.settings.merge('workspace', request.body);
    });
  }
};
