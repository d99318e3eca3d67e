import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { DbBranchParams, resolveBranch, TableParams } from './params.js';
import { answerFormat } from '../files/file-url-fill.js';

/** Shapes only; the core checks meaning (columns, types, boosters) and names the culprit in its 400. */
const common = {
  query: Type.String({ minLength: 1, maxLength: 2048, description: 'The words to search for (any of them matches)' }),
  fuzziness: Type.Optional(Type.Integer({ minimum: 0, maximum: 2, description: 'Typos tolerated per word (Levenshtein distance), default 1' })),
  prefix: Type.Optional(Type.Union([Type.Literal('phrase'), Type.Literal('disabled')], { description: '"phrase": the last word also matches as a prefix' })),
  highlight: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
    encodeHTML: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
  page: Type.Optional(Type.Object({
    // The upper bounds are the core's (core/xata-messages.ts words the refusal as Xata does).
    size: Type.Optional(Type.Integer({ minimum: 1, description: 'At most 200' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'At most 800' })),
  }, { additionalProperties: false })),
};
const perTable = {
  target: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 256, description: 'Columns to search: names or {column, weight (1–10)}' })),
  filter: Type.Optional(Type.Unknown({ description: 'Xata filter expression, applied with the search' })),
  boosters: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 32, description: '{valueBooster | numericBooster | dateBooster: {column, …, ifMatchesFilter?}}' })),
};

export const TableSearchBody = Type.Object({ ...common, ...perTable }, { additionalProperties: false });
export const BranchSearchBody = Type.Object({
  ...common,
  tables: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 256, description: 'Table names or {table, target, filter, boosters}; all tables by default' })),
}, { additionalProperties: false });

/** Full-text search: `POST /db/{db}:{branch}/tables/{table}/search` and `POST /db/{db}:{branch}/search`. */
export const searchRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/db/:dbBranch/tables/:table/search', { config: needs('content:read'), schema: { params: TableParams, body: TableSearchBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.search.searchTable(ctx, request.params.table, request.body, await answerFormat(strata, request, ctx));
  });
  app.post('/db/:dbBranch/search', { config: needs('content:read'), schema: { params: DbBranchParams, body: BranchSearchBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.search.searchBranch(ctx, request.body, await answerFormat(strata, request, ctx));
  });
};
