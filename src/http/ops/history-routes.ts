import type { FastifyPluginAsync } from 'fastify';
import { PageNumber } from '../page-number.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { HistoryBranches } from '../../core/history/history-branches.js';
import type { HistoryCondition } from '../../core/ports/history-store.js';
import { needs } from '../route-access.js';
import { answerBase } from '../answer-base.js';
import { bodyIsOptional } from '../data-api/params.js';
import { metaPage, WorkspaceParams, guardedWorkspace } from '../meta-api/params.js';
import { listConditions, searchConditions, sortOf, time } from './history-query.js';
import { historyEntryView } from './history-view.js';

const DAY = 86_400_000;
const PerPage = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
const ObjectId = (what: string) => Type.Integer({ minimum: 0, description: `${what}; Strata serves none, so any id above 0 matches no entry` });
/** The filters both endpoints take in the query string (kobylinski/xano-cli sends them on the search too). */
const SharedQuery = {
  page: Type.Optional(PageNumber),
  per_page: Type.Optional(PerPage),
  branch: Type.Optional(Type.String({ description: 'A Xano branch label (`v1` = main and its data sources); another value is taken as a data source label (`live` = main); empty = all' })),
  datasource: Type.Optional(Type.String({ minLength: 1, description: 'A data source label (`live` = main)' })),
  api_id: Type.Optional(ObjectId('An API group (S-2025)')),
  apigroup_id: Type.Optional(ObjectId('An API group (S-2026)')),
  query_id: Type.Optional(ObjectId('An API endpoint')),
  include_output: Type.Optional(Type.Boolean({ default: false })),
};
const ListQuery = Type.Object({
  ...SharedQuery,
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
const SearchQuery = Type.Object(SharedQuery);
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Conditions = 'Xano "field|op" conditions, ANDed: `[{"status|>=": 400}, {"verb": "POST"}]`. Fields: id, created_at, duration (s), status, verb, uri, branch, token_id; ops =, !=, <, <=, >, >=, in, not in, like';
const SearchBody = Type.Object({
  page: Nullable(PageNumber),
  per_page: Nullable(PerPage),
  branch: Nullable(Type.String()),
  branch_id: Nullable(Type.Integer({ minimum: 0, description: 'A Xano branch id (S-2025; the `branch_id` entries carry)' })),
  datasource: Nullable(Type.String({ minLength: 1 })),
  api_id: Nullable(ObjectId('An API group (S-2025)')),
  apigroup_id: Nullable(ObjectId('An API group (S-2026)')),
  query_id: Nullable(ObjectId('An API endpoint')),
  search: Type.Optional(Type.Unknown({ description: Conditions })),
  filter: Type.Optional(Type.Unknown({ description: 'The same as `search` (kobylinski/xano-cli sends `filter`)' })),
  sort: Type.Optional(Type.Unknown({ description: '`{"created_at": "desc"}` or a list of such objects' })),
  include_output: Nullable(Type.Boolean()),
  // The flat filters Xano's own CLI sends (xano-inc/cli `history request search`).
  method: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'The HTTP verb (Xano CLI)' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'The status (Xano CLI)' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Part of the request URI (Xano CLI)' })),
  start_date: Type.Optional(Type.String({ description: 'Only entries at or after this date (Xano CLI)' })),
  end_date: Type.Optional(Type.String({ description: 'Only entries before this date (Xano CLI)' })),
});

interface Placement { branch?: string | null; branch_id?: number | null; datasource?: string | null; api_id?: number | null; apigroup_id?: number | null; query_id?: number | null }

/** Branch, data source and API-object filters; undefined when they match no entry (an unknown branch id, any API object). */
function placement(branches: HistoryBranches, p: Placement): HistoryCondition[] | undefined {
  if ([p.api_id, p.apigroup_id, p.query_id].some((id) => typeof id === 'number' && id > 0)) return undefined;
  const out: HistoryCondition[] = [];
  if (typeof p.branch_id === 'number' && p.branch_id > 0) {
    const byId = branches.id(p.branch_id);
    if (!byId) return undefined;
    out.push(...byId);
  }
  if (p.branch) out.push(...branches.label(p.branch));
  if (p.datasource) out.push(...branches.dataSource(p.datasource));
  return out;
}

/** `/workspace/{id}/request_history[/search]` in the Metadata API (Request History: Read). */
export const historyRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/request_history';
  interface Run { base: string; where: HistoryCondition[]; place: Placement; sort: ReturnType<typeof sortOf>; page: number; perPage: number; includeOutput: boolean }
  const run = async (workspaceId: number, r: Run) => {
    const branches = new HistoryBranches(await strata.xanoBranches.list(workspaceId)); // 404 for an unknown workspace
    const place = placement(branches, r.place);
    if (!place) return metaPage(r.page, [], false);
    // One row more than the page tells whether there is a next page, without counting.
    const rows = await strata.history.search({
      workspaceId, where: [...r.where, ...place], sort: r.sort, offset: (r.page - 1) * r.perPage, limit: r.perPage + 1, includeOutput: r.includeOutput,
    });
    return metaPage(r.page, rows.slice(0, r.perPage).map((row) => historyEntryView(row, branches, r.base, r.includeOutput)), rows.length > r.perPage);
  };

  app.get(base, { config: { ...needs('history:read'), history: false }, schema: { summary: 'Browse request history', params: WorkspaceParams, querystring: ListQuery } }, async (request) => {
    const q = request.query;
    const sort = [{ field: q.sort === 'duration' ? 'duration' as const : q.sort === 'status' ? 'status' as const : 'created_at' as const, desc: (q.order ?? 'desc') === 'desc' }];
    return run(guardedWorkspace(request), {
      base: answerBase(request), where: listConditions(q), place: q, sort, page: q.page ?? 1, perPage: q.per_page ?? 50, includeOutput: q.include_output ?? false,
    });
  });

  app.post(`${base}/search`, {
    config: { ...needs('history:read'), history: false }, preValidation: bodyIsOptional,
    schema: { summary: 'Search request history', params: WorkspaceParams, querystring: SearchQuery, body: SearchBody },
  }, async (request) => {
    const q = request.query;
    const b = request.body ?? {};
    const where = [
      ...searchConditions(b.search), ...searchConditions(b.filter),
      ...listConditions({ verb: b.method, status: b.status, path: b.path }),
      ...(b.start_date !== undefined ? [{ field: 'created_at' as const, op: '>=' as const, value: time(b.start_date, 'start_date') }] : []),
      // A bare date ends with its day (the CLI's "to date").
      ...(b.end_date !== undefined ? [{ field: 'created_at' as const, op: '<' as const, value: time(b.end_date, 'end_date') + (/^\d{4}-\d{2}-\d{2}$/.test(b.end_date) ? DAY : 0) }] : []),
    ];
    // The body wins over the query string for what both carry.
    const pick = <K extends keyof Placement>(k: K) => (b[k] ?? q[k as keyof typeof q]) as Placement[K];
    const place: Placement = { branch: pick('branch'), branch_id: b.branch_id, datasource: pick('datasource'), api_id: pick('api_id'), apigroup_id: pick('apigroup_id'), query_id: pick('query_id') };
    return run(guardedWorkspace(request), {
      base: answerBase(request), where, place, sort: sortOf(b.sort), page: b.page ?? q.page ?? 1, perPage: b.per_page ?? q.per_page ?? 50,
      includeOutput: b.include_output ?? q.include_output ?? false,
    });
  });
};
