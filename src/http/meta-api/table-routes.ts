import type { FastifyPluginAsync } from 'fastify';
import { PageNumber } from '../page-number.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TableModel } from '../../kernel/model/table-model.js';
import { updatedAt } from '../../core/schema/xano-tables.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional } from '../data-api/params.js';
import { DataSourceHeader, sourceBranch, metaPage, TableParams, WorkspaceParams, xanoTime } from './params.js';

/** A table as the Metadata API shows it (Xano's Table object, plus its autocomplete). */
export function tableView(t: TableModel) {
  return {
    id: t.id, created_at: xanoTime(t.createdAt), updated_at: xanoTime(updatedAt(t)), name: t.name,
    description: t.meta?.description ?? '', docs: t.meta?.docs ?? '', guid: t.meta?.guid ?? '', auth: t.meta?.auth ?? false,
    tag: t.meta?.tag ?? [], autocomplete: t.meta?.autocomplete ?? [],
  };
}

const Autocomplete = Type.Array(Type.Object({ name: Type.String({ minLength: 1 }) }));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const ListQuery = Type.Object({
  page: Type.Optional(PageNumber),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 50 })),
  search: Type.Optional(Type.String({ description: 'Part of a table name (case-insensitive)' })),
  sort: Type.Optional(Type.Union([Type.Literal('created_at'), Type.Literal('updated_at'), Type.Literal('name')], { default: 'name' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
});
const CreateBody = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  docs: Type.Optional(Type.String()),
  auth: Nullable(Type.Boolean()),
  guid: Nullable(Type.String()),
  schema: Nullable(Type.Array(Type.Unknown(), { description: 'Columns (Xano descriptors); `id` may come first. Without a schema the table gets `created_at`.' })),
  index: Nullable(Type.Unknown({ description: 'Indexes, as `PUT …/index` takes them; built with the table, in the same transaction' })),
  tag: Nullable(Type.Array(Type.String())),
  autocomplete: Nullable(Autocomplete),
});
const MetaBody = Type.Object({
  name: Nullable(Type.String({ minLength: 1 })), description: Nullable(Type.String()), docs: Nullable(Type.String()),
  tag: Nullable(Type.Array(Type.String())), auth: Nullable(Type.Boolean()),
});

/** Tables of a workspace's data source (`x-data-source`, default live): `/workspace/{workspace_id}/table[/{table_id}[/meta|/autocomplete]]`. */
export const tableRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/table';

  app.get(base, { config: needs('database:read'), schema: { params: WorkspaceParams, headers: DataSourceHeader, querystring: ListQuery } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const { page = 1, per_page: perPage = 50, search, sort = 'name', order = 'asc' } = request.query;
    const { items, more } = await strata.xanoTables.list(ctx, { page, perPage, search, sort, order });
    return metaPage(page, items.map(tableView), more);
  });

  app.post(base, { config: needs('database:create'), schema: { params: WorkspaceParams, headers: DataSourceHeader, body: CreateBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return tableView(await strata.xanoTables.create(ctx, request.body));
  });

  app.get(`${base}/:table_id`, { config: needs('database:read'), schema: { params: TableParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return tableView(await strata.xanoTables.get(ctx, request.params.table_id));
  });

  app.put(`${base}/:table_id/meta`, { config: needs('database:update'), preValidation: bodyIsOptional, schema: { params: TableParams, headers: DataSourceHeader, body: MetaBody } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return tableView(await strata.xanoTables.updateMeta(ctx, request.params.table_id, request.body));
  });

  app.put(`${base}/:table_id/autocomplete`, { config: needs('database:update'), schema: { params: TableParams, headers: DataSourceHeader, body: Type.Object({ autocomplete: Autocomplete }) } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const table = await strata.xanoTables.setAutocomplete(ctx, request.params.table_id, request.body.autocomplete);
    return { id: table.id, autocomplete: table.meta?.autocomplete ?? [] };
  });

  app.delete(`${base}/:table_id`, { config: needs('database:delete'), schema: { params: TableParams, headers: DataSourceHeader } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    await strata.xanoTables.remove(ctx, request.params.table_id);
    return {};
  });
};
