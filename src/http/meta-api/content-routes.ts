import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional } from '../data-api/params.js';
import {
  BrowseQuery, ContentParams, RecordBody, recordPage, RecordParams, SearchBody,
} from './content-params.js';
import { DataSourceHeader, sourceBranch } from './params.js';
import { xanoAnswerFormat } from './xano-record-format.js';

/**
 * A table's records, one at a time or a page at a time:
 * `/workspace/{workspace_id}/table/{table_id}/content[/{content_id}|/search]`, on the data
 * source the `x-data-source` header names (default `live`, branch main).
 */
export const contentRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/table/:table_id/content';

  app.get(base, { config: needs('content:read'), schema: { params: ContentParams, headers: DataSourceHeader, querystring: BrowseQuery } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const { page = 1, per_page: perPage = 50 } = request.query;
    const { records, total } = await strata.xanoContent.page(ctx, request.params.table_id, { page, perPage }, await xanoAnswerFormat(strata, request, ctx));
    return recordPage(page, perPage, records, total);
  });

  app.post(`${base}/search`, { config: needs('content:read'), preValidation: bodyIsOptional, schema: { params: ContentParams, headers: DataSourceHeader, body: SearchBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const { page = 1, per_page: perPage = 50, search, sort } = request.body;
    const { records, total } = await strata.xanoContent.page(ctx, request.params.table_id, { page, perPage, search, sort }, await xanoAnswerFormat(strata, request, ctx));
    return recordPage(page, perPage, records, total);
  });

  app.post(base, { config: needs('content:create'), schema: { params: ContentParams, headers: DataSourceHeader, body: RecordBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoContent.create(ctx, request.params.table_id, request.body, await xanoAnswerFormat(strata, request, ctx));
  });

  app.get(`${base}/:content_id`, { config: needs('content:read'), schema: { params: RecordParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoContent.get(ctx, request.params.table_id, request.params.content_id, await xanoAnswerFormat(strata, request, ctx));
  });

  app.put(`${base}/:content_id`, { config: needs('content:update'), schema: { params: RecordParams, headers: DataSourceHeader, body: RecordBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoContent.update(ctx, request.params.table_id, request.params.content_id, request.body, await xanoAnswerFormat(strata, request, ctx));
  });

  app.delete(`${base}/:content_id`, { config: needs('content:delete'), schema: { params: RecordParams, headers: DataSourceHeader } }, async (request, reply) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoContent.remove(ctx, request.params.table_id, request.params.content_id);
    return reply.send(null); // Xano: "The response will be null"
  });
};
