import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional, resolveBranch, TableParams } from './params.js';
import { answerFormat } from '../files/file-url-fill.js';

// A cursor carries its query (filter included), so a large filter makes a large cursor.
const Cursor = Type.String({ minLength: 1, maxLength: 1_048_576 });
export const QueryBody = Type.Object({
  filter: Type.Optional(Type.Unknown({ description: 'Xata filter expression' })),
  sort: Type.Optional(Type.Unknown({ description: '{"column": "asc"|"desc"}, an array of them or of column names, or {"*": "random"}' })),
  page: Type.Optional(Type.Object({
    // The upper bounds are the core's (core/xata-messages.ts words the refusal as Xata does).
    size: Type.Optional(Type.Integer({ minimum: 1, description: 'At most 1000' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'At most 49000' })),
    after: Type.Optional(Cursor), before: Type.Optional(Cursor), start: Type.Optional(Cursor), end: Type.Optional(Cursor),
  }, { additionalProperties: false })),
  columns: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 256, description: 'Column names (`*`, `obj.*`, `link.col`) or reverse-link objects {name: "<-table.link", as, columns, sort, limit, offset}' })),
  consistency: Type.Optional(Type.Union([Type.Literal('strong'), Type.Literal('eventual')])),
}, { additionalProperties: false });

/** `POST /db/{db}:{branch}/tables/{table}/query`: filtered, sorted, paged reads. */
export const queryRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/db/:dbBranch/tables/:table/query', { config: needs('content:read'), preValidation: bodyIsOptional, schema: { params: TableParams, body: QueryBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.queries.query(ctx, request.params.table, request.body, await answerFormat(strata, request, ctx));
  });
};
