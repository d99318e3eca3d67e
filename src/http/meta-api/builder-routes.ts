import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { PageNumber } from '../page-number.js';
import { needs } from '../route-access.js';
import { guardedWorkspace, metaPage, WorkspaceParams } from './params.js';

/**
 * What Xano's function builder holds — API groups and their endpoints, functions, background
 * tasks, table triggers, multidocs — and Strata has none of: tools read these lists first
 * (Xano's CLI `workspace pull`, the community CLI's `pull`), so a list answers what is true,
 * an empty page in Xano's paging shape; creating one is an input error saying why, and one
 * by id is not found.
 */
export interface BuilderKind { path: string; what: string; idParam: string }
export const BUILDER_KINDS: BuilderKind[] = [
  { path: '/workspace/:workspace_id/apigroup', what: 'API group', idParam: 'apigroup_id' },
  { path: '/workspace/:workspace_id/apigroup/:apigroup_id/api', what: 'API endpoint', idParam: 'api_id' },
  { path: '/workspace/:workspace_id/function', what: 'function', idParam: 'function_id' },
  { path: '/workspace/:workspace_id/task', what: 'background task', idParam: 'task_id' },
  { path: '/workspace/:workspace_id/table/trigger', what: 'table trigger', idParam: 'trigger_id' },
  { path: '/workspace/:workspace_id/multidoc', what: 'multidoc', idParam: 'multidoc_id' },
];

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const ListQuery = Type.Object({ page: Type.Optional(PageNumber), per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 50 })) });
const paramsOf = (kind: BuilderKind, withId: boolean) => {
  const names = [...kind.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!).filter((n) => n !== 'workspace_id');
  return Type.Object({ ...WorkspaceParams.properties, ...Object.fromEntries([...names, ...(withId ? [kind.idParam] : [])].map((n) => [n, Id])) });
};
const refused = (kind: BuilderKind) => new StrataError('BAD_REQUEST', `Strata has no function builder: a ${kind.what} cannot be created here (Strata serves tables, files and records)`, { param: kind.idParam.replace(/_id$/, '') });
const missing = (kind: BuilderKind, id: unknown) => new StrataError('NOT_FOUND', `${kind.what} [${String(id)}] not found: Strata has no function builder`, { param: kind.idParam });

export const builderRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  for (const kind of BUILDER_KINDS) {
    const one = `${kind.path}/:${kind.idParam}`;
    app.get(kind.path, { config: needs('content:read'), schema: { params: paramsOf(kind, false), querystring: ListQuery } }, async (request) => {
      await strata.workspaces.get(guardedWorkspace(request)); // 404 for an unknown workspace
      return metaPage((request.query as { page?: number }).page ?? 1, [], false);
    });
    app.post(kind.path, { config: needs('content:create'), schema: { params: paramsOf(kind, false) } }, async () => { throw refused(kind); });
    app.get(one, { config: needs('content:read'), schema: { params: paramsOf(kind, true) } }, async (request) => { throw missing(kind, (request.params as Record<string, unknown>)[kind.idParam]); });
    app.put(one, { config: needs('content:update'), schema: { params: paramsOf(kind, true) } }, async (request) => { throw missing(kind, (request.params as Record<string, unknown>)[kind.idParam]); });
    app.delete(one, { config: needs('content:delete'), schema: { params: paramsOf(kind, true) } }, async (request) => { throw missing(kind, (request.params as Record<string, unknown>)[kind.idParam]); });
  }
};
