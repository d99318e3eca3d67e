import type { FastifyPluginAsync } from 'fastify';
import { PageNumber } from '../page-number.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import type { HistoryCondition, HistoryRow } from '../../core/ports/history-store.js';
import { needs } from '../route-access.js';
import { bodyIsOptional } from '../data-api/params.js';
import { metaPage, WorkspaceParams, xanoTime, guardedWorkspace } from '../meta-api/params.js';
import { listConditions, searchConditions, sortOf } from './history-query.js';

/** An entry as the Metadata API shows it (Xano's item, plus Strata's token, client and size fields). */
function entryView(row: HistoryRow & { id: number }, includeOutput: boolean) {
  return {
    id: row.id, created_at: xanoTime(new Date(row.createdAt).toISOString()), duration: row.durationMs / 1000, status: row.status,
    verb: row.verb, uri: row.uri, input: row.input === null ? {} : JSON.parse(row.input),
    request_headers: JSON.parse(row.requestHeaders) as string[], response_headers: JSON.parse(row.responseHeaders) as string[],
    workspace_id: row.workspaceId, branch: row.branch, token_id: row.tokenId, client_ip: row.clientIp, response_size: row.responseSize,
    ...(includeOutput ? { output: row.output === null ? null : JSON.parse(row.output) } : {}),
  };
}

const PerPage = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
const ListQuery = Type.Object({
  page: Type.Optional(PageNumber),
  per_page: Type.Optional(PerPage),
  branch: Type.Optional(Type.String({ description: 'A data source label or branch name (`live` = main); empty = all' })),
  include_output: Type.Optional(Type.Boolean({ default: false })),
  from: Type.Optional(Type.String({ description: 'Only entries at or after this time (epoch ms or a date)' })),
  to: Type.Optional(Type.String({ description: 'Only entries before this time (epoch ms or a date)' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  status_min: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  status_max: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  verb: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Part of the request URI' })),
  min_duration: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds' })),
  max_duration: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds' })),
  token_id: Type.Optional(Type.String({ minLength: 1 })),
  sort: Type.Optional(Type.Union([Type.Literal('created_at'), Type.Literal('duration'), Type.Literal('status')], { default: 'created_at' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
});
const SearchBody = Type.Object({
  page: Type.Optional(PageNumber),
  per_page: Type.Optional(PerPage),
  branch: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  search: Type.Optional(Type.Unknown({ description: 'Xano "field|op" conditions, ANDed: `[{"status|>=": 400}, {"verb": "POST"}]`. Fields: id, created_at, duration (s), status, verb, uri, branch, token_id; ops =, !=, <, <=, >, >=, in, not in, like' })),
  sort: Type.Optional(Type.Unknown({ description: '`{"created_at": "desc"}` or a list of such objects' })),
  include_output: Type.Optional(Type.Boolean()),
});

/** `/workspace/{id}/request_history[/search]` in the Metadata API (Request History: Read). */
export const historyRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/request_history';
  const run = async (workspaceId: number, where: HistoryCondition[], sort: ReturnType<typeof sortOf>, page: number, perPage: number, includeOutput: boolean) => {
    await strata.workspaces.get(workspaceId); // 404 for an unknown workspace
    // One row more than the page tells whether there is a next page, without counting.
    const rows = await strata.history.search({ workspaceId, where, sort, offset: (page - 1) * perPage, limit: perPage + 1, includeOutput });
    return metaPage(page, rows.slice(0, perPage).map((r) => entryView(r, includeOutput)), rows.length > perPage);
  };

  app.get(base, { config: { ...needs('history:read'), history: false }, schema: { summary: 'Browse request history', params: WorkspaceParams, querystring: ListQuery } }, async (request) => {
    const q = request.query;
    const sort = [{ field: q.sort === 'duration' ? 'duration' as const : q.sort === 'status' ? 'status' as const : 'created_at' as const, desc: (q.order ?? 'desc') === 'desc' }];
    return run(guardedWorkspace(request), listConditions(q), sort, q.page ?? 1, q.per_page ?? 50, q.include_output ?? false);
  });

  app.post(`${base}/search`, { config: { ...needs('history:read'), history: false }, preValidation: bodyIsOptional, schema: { summary: 'Search request history', params: WorkspaceParams, body: SearchBody } }, async (request) => {
    const b = request.body ?? {};
    const where = [...searchConditions(b.search), ...listConditions({ branch: b.branch ?? undefined })];
    return run(guardedWorkspace(request), where, sortOf(b.sort), b.page ?? 1, b.per_page ?? 50, b.include_output ?? false);
  });
};
