import type { FastifyPluginAsync } from 'fastify';
import { PageNumber } from '../page-number.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TableModel } from '../../kernel/model/table-model.js';
import { updatedAt } from '../../core/schema/xano-tables.js';
import { describeSchema } from '../../core/schema/xano-column-output.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional } from '../data-api/params.js';
import { DataSourceHeader, sourceBranch, metaPage, TableParams, WorkspaceParams, xanoTime } from './params.js';
import type { BranchContext } from '../../core/databases.js';
import type { TableCreateInput } from '../../core/schema/xano-tables.js';
import { scriptInput, withScriptLines, xanoscriptView } from './xanoscript/table-script.js';

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
const IncludeXanoScript = Type.Optional(Type.Boolean({ default: false, description: 'Also answer the table\'s XanoScript definition (`xanoscript: {status, value}`)' }));
const ReadQuery = Type.Object({ include_xanoscript: IncludeXanoScript });
const ListQuery = Type.Object({
  include_xanoscript: IncludeXanoScript,
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
/** PUT …/table/{id} (2026): the whole definition, in one transaction; the fields given replace what the table has (schema and index as PUT …/schema and PUT …/index do). */
const UpdateBody = Type.Object({ ...CreateBody.properties, name: Type.Optional(Type.String({ minLength: 1 })) });
const XanoScriptBody = Type.String({ description: 'A XanoScript table definition: `table name { schema { int id … } index = [ … ] }`' });
/** JSON (or multipart-free JSON-like) bodies, or a XanoScript definition (`Content-Type: text/x-xanoscript`). */
const eitherBody = (json: typeof CreateBody | typeof UpdateBody) => ({
  content: { 'application/json': { schema: json }, 'text/x-xanoscript': { schema: XanoScriptBody } },
});
const MetaBody = Type.Object({
  name: Nullable(Type.String({ minLength: 1 })), description: Nullable(Type.String()), docs: Nullable(Type.String()),
  tag: Nullable(Type.Array(Type.String())), auth: Nullable(Type.Boolean()),
});

/** Tables of a workspace's data source (`x-data-source`, default live): `/workspace/{workspace_id}/table[/{table_id}[/meta|/autocomplete]]`. */
export const tableRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/workspace/:workspace_id/table';

  /** The table's view, with its XanoScript when asked (`include_xanoscript=true`). */
  const answer = async (ctx: BranchContext, table: TableModel, withScript: boolean | undefined) =>
    (withScript ? { ...tableView(table), xanoscript: xanoscriptView(table, await ctx.schema()) } : tableView(table));

  app.get(base, { config: needs('database:read'), schema: { params: WorkspaceParams, headers: DataSourceHeader, querystring: ListQuery } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const { page = 1, per_page: perPage = 50, search, sort = 'name', order = 'asc', include_xanoscript: withScript } = request.query;
    const { items, more } = await strata.xanoTables.list(ctx, { page, perPage, search, sort, order });
    const schema = withScript ? await ctx.schema() : undefined;
    return metaPage(page, items.map((t) => (schema ? { ...tableView(t), xanoscript: xanoscriptView(t, schema) } : tableView(t))), more);
  });

  app.post(base, {
    config: needs('database:create'),
    schema: { params: WorkspaceParams, headers: DataSourceHeader, querystring: ReadQuery, body: eitherBody(CreateBody) },
  }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const body = request.body as unknown as string | TableCreateInput;
    let table: TableModel;
    if (typeof body === 'string') {
      const { definition, input } = scriptInput(body, await ctx.schema());
      table = await withScriptLines(definition, () => strata.xanoTables.create(ctx, input));
    } else {
      table = await strata.xanoTables.create(ctx, body);
    }
    return answer(ctx, table, request.query.include_xanoscript);
  });

  app.get(`${base}/:table_id`, { config: needs('database:read'), schema: { params: TableParams, headers: DataSourceHeader, querystring: ReadQuery } }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    return answer(ctx, await strata.xanoTables.get(ctx, request.params.table_id), request.query.include_xanoscript);
  });

  app.put(`${base}/:table_id`, {
    config: needs('database:update'),
    schema: { params: TableParams, headers: DataSourceHeader, querystring: ReadQuery, body: eitherBody(UpdateBody) },
  }, async (request) => {
    const ctx = await sourceBranch(strata, request);
    const id = request.params.table_id;
    const body = request.body as unknown as string | Partial<TableCreateInput>;
    const table = await strata.xanoTables.get(ctx, id); // 404 before the script is read against the schema
    if (typeof body === 'string') {
      const schema = await ctx.schema();
      const { definition, input } = scriptInput(body, schema, describeSchema(table, schema));
      await withScriptLines(definition, () => strata.xanoSchema.replaceTable(ctx, id, input));
    } else {
      await strata.xanoSchema.replaceTable(ctx, id, body);
    }
    return answer(ctx, await strata.xanoTables.get(ctx, id), request.query.include_xanoscript);
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
