import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional } from '../data-api/params.js';
import {
  BulkBody, BulkDeleteBody, BulkPatchBody, ContentParams, SearchDeleteBody, SearchPatchBody, TruncateBody,
} from './content-params.js';
import { DataSourceHeader, sourceBranch } from './params.js';

/**
 * Writes of many records, each request one transaction (all or nothing):
 * `…/content/bulk[/patch|/delete]`, `…/content/search/{patch,delete}` and `…/truncate`. A
 * bulk item that fails is reported by index in the error's `payload.errors` (xano-errors.ts).
 */
export const contentBulkRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const table = '/workspace/:workspace_id/table/:table_id';
  const base = `${table}/content`;
  const success = (ids: unknown[]) => ({ success: ids, success_total: ids.length });

  app.post(`${base}/bulk`, { config: needs('content:create'), schema: { params: ContentParams, headers: DataSourceHeader, body: BulkBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoBulk.create(ctx, request.params.table_id, request.body.items, request.body.allow_id_field ?? false);
  });

  app.post(`${base}/bulk/patch`, { config: needs('content:update'), schema: { params: ContentParams, headers: DataSourceHeader, body: BulkPatchBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return success(await strata.xanoBulk.patch(ctx, request.params.table_id, request.body.items));
  });

  app.post(`${base}/bulk/delete`, { config: needs('content:delete'), schema: { params: ContentParams, headers: DataSourceHeader, body: BulkDeleteBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const { deleted, missing } = await strata.xanoBulk.remove(ctx, request.params.table_id, request.body.row_ids);
    return { ...success(deleted), error: missing };
  });

  app.post(`${base}/search/patch`, { config: needs('content:update'), schema: { params: ContentParams, headers: DataSourceHeader, body: SearchPatchBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return success(await strata.xanoBulk.searchPatch(ctx, request.params.table_id, request.body.search, request.body.updates));
  });

  app.post(`${base}/search/delete`, { config: needs('content:delete'), preValidation: bodyIsOptional, schema: { params: ContentParams, headers: DataSourceHeader, body: SearchDeleteBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return success(await strata.xanoBulk.searchDelete(ctx, request.params.table_id, request.body.search));
  });

  app.delete(`${table}/truncate`, { config: needs('content:delete'), schema: { params: ContentParams, headers: DataSourceHeader, body: TruncateBody } }, async (request, reply) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoBulk.truncate(ctx, request.params.table_id, request.body.reset);
    return reply.send(null);
  });
};
