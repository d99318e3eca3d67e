import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import type { XanoBranch } from '../../core/xano-branches.js';
import { needs } from '../route-access.js';
import { BranchLabelParams, WorkspaceParams, guardedWorkspace, xanoTime } from './params.js';

/** A branch as Xano shows it (`{created_at, label, live, backup}`), with the description and colour its CLI sets. */
const view = (b: XanoBranch) => ({ created_at: xanoTime(b.createdAt), label: b.label, live: b.live, backup: false, description: b.description, color: b.color });

const Label = Type.String({ minLength: 1, maxLength: 200, description: 'Letters, digits, _ - ~' });
const Color = Type.String({ maxLength: 64, description: 'A display colour such as #ebc346' });
// What Xano's CLI sends (xano-inc/cli src/commands/branch/{create,edit}/index.ts).
const CreateBody = Type.Object({
  label: Label,
  source_branch: Type.Optional(Type.String({ minLength: 1, description: 'The branch whose schema is copied (default v1)' })),
  description: Type.Optional(Type.String()), color: Type.Optional(Color),
});
const UpdateBody = Type.Object({ label: Type.Optional(Label), description: Type.Optional(Type.String()), color: Type.Optional(Color) });

/**
 * Xano's branches: `/workspace/{workspace_id}/branch[/{branch_label}[/live]]`. `v1` is branch
 * main with its data sources; another branch is a Strata branch of its own (xano-branches.ts).
 */
export const branchRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/branch';
  const one = `${base}/:branch_label`;

  app.get(base, { config: needs('database:read'), schema: { params: WorkspaceParams } }, async (request) => {
    return (await strata.xanoBranches.list(guardedWorkspace(request))).map(view);
  });

  app.post(base, { config: needs('database:create'), schema: { params: WorkspaceParams, body: CreateBody } }, async (request) => {
    const { label, source_branch: source, description, color } = request.body;
    return view(await strata.xanoBranches.create(guardedWorkspace(request), { label, source, description, color }));
  });

  app.get(one, { config: needs('database:read'), schema: { params: BranchLabelParams } }, async (request) => {
    return view(await strata.xanoBranches.get(guardedWorkspace(request), request.params.branch_label));
  });

  app.put(one, { config: needs('database:update'), schema: { params: BranchLabelParams, body: UpdateBody } }, async (request) => {
    return view(await strata.xanoBranches.update(guardedWorkspace(request), request.params.branch_label, request.body));
  });

  app.delete(one, { config: needs('database:delete'), schema: { params: BranchLabelParams } }, async (request) => {
    await strata.xanoBranches.remove(guardedWorkspace(request), request.params.branch_label);
    return {};
  });

  app.post(`${one}/live`, { config: needs('database:update'), schema: { params: BranchLabelParams } }, async (request) => {
    return view(await strata.xanoBranches.setLive(guardedWorkspace(request), request.params.branch_label));
  });
};
