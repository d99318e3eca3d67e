import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { XANO_TYPES } from '../../kernel/model/xano-column.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { columnBody, STORED_AS } from './column-bodies.js';
import { ColumnParams, DataSourceHeader, sourceBranch, TableParams } from './params.js';

const SchemaBody = Type.Object({ schema: Type.Array(Type.Unknown(), { description: 'Every column (Xano descriptors), `id` first or left out' }) });
const RenameBody = Type.Object({ old_name: Type.String({ minLength: 1 }), new_name: Type.String({ minLength: 1 }) });

/** A table's columns: `/workspace/{workspace_id}/table/{table_id}/schema[/{name}|/rename|/type/{type}]`. */
export const schemaRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/table/:table_id/schema';

  app.get(base, { config: needs('database:read'), schema: { params: TableParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoSchema.describe(ctx, request.params.table_id);
  });

  app.put(base, { config: needs('database:update'), schema: { params: TableParams, headers: DataSourceHeader, body: SchemaBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoSchema.replace(ctx, request.params.table_id, request.body.schema);
  });

  app.post(`${base}/rename`, { config: needs('database:update'), schema: { params: TableParams, headers: DataSourceHeader, body: RenameBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoSchema.rename(ctx, request.params.table_id, request.body.old_name, request.body.new_name);
    return {};
  });

  for (const type of XANO_TYPES) {
    app.post(`${base}/type/${type}`, {
      config: needs('database:create'),
      schema: { params: TableParams, headers: DataSourceHeader, body: columnBody(type), description: `Adds a ${type} column, stored as ${STORED_AS[type]}.` },
    }, async (request) => {
      const ctx = await sourceBranch(strata, request);
      return strata.xanoSchema.add(ctx, request.params.table_id, type, request.body);
    });
  }

  app.get(`${base}/:schema_name`, { config: needs('database:read'), schema: { params: ColumnParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return strata.xanoSchema.column(ctx, request.params.table_id, request.params.schema_name);
  });

  app.delete(`${base}/:schema_name`, { config: needs('database:delete'), schema: { params: ColumnParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoSchema.remove(ctx, request.params.table_id, request.params.schema_name);
    return {};
  });
};
