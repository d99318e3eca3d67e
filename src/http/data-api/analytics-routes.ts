import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional, resolveBranch, TableParams } from './params.js';
import { xataRecordFormat as format } from './xata-record-format.js';
import { answerFormat } from '../files/file-url-fill.js';

const Filter = Type.Optional(Type.Unknown({ description: 'Xata filter expression' }));

export const SummarizeBody = Type.Object({
  columns: Type.Optional(Type.Array(Type.String(), { maxItems: 256, description: 'Columns to group by (`col`, `obj.*`, `link.col`, `link.*`)' })),
  summaries: Type.Optional(Type.Unknown({ description: '{name: {"count": "*"|column} | {"min"|"max"|"sum"|"average": column}}' })),
  filter: Filter,
  summariesFilter: Type.Optional(Type.Unknown({ description: 'Xata filter expression over the summary names' })),
  sort: Type.Optional(Type.Unknown({ description: '{"column or summary": "asc"|"desc"}, an array of them, or names' })),
  page: Type.Optional(Type.Object({ size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false })),
  consistency: Type.Optional(Type.Union([Type.Literal('strong'), Type.Literal('eventual')])),
}, { additionalProperties: false });

export const AggregateBody = Type.Object({
  aggs: Type.Optional(Type.Unknown({ description: 'Named aggregations: count, sum, min, max, average, percentiles, uniqueCount, dateHistogram, topValues, numericHistogram (the last three take sub-aggs)' })),
  filter: Filter,
}, { additionalProperties: false });

export const VectorSearchBody = Type.Object({
  column: Type.String({ minLength: 1, description: 'A vector column' }),
  queryVector: Type.Array(Type.Number(), { minItems: 1, maxItems: 10000, description: 'As many numbers as the column has dimensions' }),
  similarityFunction: Type.Optional(Type.String({ description: 'cosineSimilarity (default), l1 or l2' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  filter: Filter,
}, { additionalProperties: false });

/** `POST /db/{db}:{branch}/tables/{table}/summarize|aggregate|vectorSearch`: analytics over one table. */
export const analyticsRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/db/:dbBranch/tables/:table/summarize', { config: needs('content:read'), preValidation: bodyIsOptional, schema: { params: TableParams, body: SummarizeBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.analytics.summarize(ctx, request.params.table, request.body, format);
  });
  app.post('/db/:dbBranch/tables/:table/aggregate', { config: needs('content:read'), preValidation: bodyIsOptional, schema: { params: TableParams, body: AggregateBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.analytics.aggregate(ctx, request.params.table, request.body);
  });
  app.post('/db/:dbBranch/tables/:table/vectorSearch', { config: needs('content:read'), schema: { params: TableParams, body: VectorSearchBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.analytics.vectorSearch(ctx, request.params.table, request.body, await answerFormat(strata, request, ctx));
  });
};
