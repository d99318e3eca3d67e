import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { SEARCH_LANGUAGES, SPATIAL_OP, VECTOR_OPS, type IndexType } from '../../kernel/model/table-index.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { DataSourceHeader, sourceBranch, TableParams } from './params.js';

/** The bodies of `POST …/index/{type}`, as Xano's Swagger declares them (the core checks the columns). */
const Name = Type.String({ minLength: 1, description: 'A column (`group.name` for an object\'s field)' });
const Fields = (field: TSchema) => Type.Array(field, { minItems: 1 });
const Ordered = Type.Object({ fields: Fields(Type.Object({ name: Name, op: Type.Union([Type.Literal('asc'), Type.Literal('desc')]) })) });
const BODIES = {
  btree: Ordered,
  unique: Ordered,
  search: Type.Object({
    name: Type.String({ minLength: 1 }),
    lang: Type.Union(SEARCH_LANGUAGES.map((l) => Type.Literal(l))),
    fields: Fields(Type.Object({ name: Name, priority: Type.Integer({ minimum: 0 }) })),
  }),
  spatial: Type.Object({ fields: Fields(Type.Object({ name: Name, op: Type.Literal(SPATIAL_OP) })) }),
  vector: Type.Object({ fields: Fields(Type.Object({ name: Name, op: Type.Union(VECTOR_OPS.map((o) => Type.Literal(o))) })) }),
} as const;
const IndexParams = Type.Object({ ...TableParams.properties, index_id: Type.String({ minLength: 1, description: 'The index id' }) });
const ReplaceBody = Type.Object({ index: Type.Array(Type.Unknown(), { description: 'Every index; `primary` (the id) may be listed' }) });

/** A table's indexes: `/workspace/{workspace_id}/table/{table_id}/index[/{type}|/{index_id}]`. */
export const indexRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/table/:table_id/index';

  app.get(base, { config: needs('database:read'), schema: { params: TableParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoIndexes.list(ctx, request.params.table_id);
  });

  app.put(base, { config: needs('database:update'), schema: { params: TableParams, headers: DataSourceHeader, body: ReplaceBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoIndexes.replace(ctx, request.params.table_id, request.body.index);
  });

  // kobylinski/xano-cli's addIndex posts `{type, fields, …}` to …/index itself (PUT's item shape); the core checks the rest.
  const AnyIndex = Type.Object({ type: Type.String({ minLength: 1, description: `btree, unique, search, spatial, vector or gin` }) });
  app.post(base, { config: needs('database:create'), schema: { params: TableParams, headers: DataSourceHeader, body: AnyIndex } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoIndexes.create(ctx, request.params.table_id, request.body.type as IndexType, request.body);
  });

  for (const type of ['btree', 'unique', 'search', 'spatial', 'vector'] as const) {
    app.post(`${base}/${type}`, { config: needs('database:create'), schema: { params: TableParams, headers: DataSourceHeader, body: BODIES[type] } }, async (request) => {
      const ctx = await sourceBranch(strata, request);
      return strata.xanoIndexes.create(ctx, request.params.table_id, type, request.body);
    });
  }

  app.delete(`${base}/:index_id`, { config: needs('database:delete'), schema: { params: IndexParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoIndexes.remove(ctx, request.params.table_id, request.params.index_id);
    return {};
  });
};
