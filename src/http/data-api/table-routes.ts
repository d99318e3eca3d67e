import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { flattenColumns, type ColumnDefinition } from '../../kernel/model/column-types.js';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { ColumnParams, NameBody, resolveBranch, TableParams } from './params.js';

const SchemaBody = Type.Object({ columns: Type.Array(Type.Unknown()) });

/** Tables and columns of a branch: `/db/{db}:{branch}/tables/{table}[/schema|/columns[/{col}]]`. */
export const tableRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/db/:dbBranch/tables/:table';

  app.put(base, { config: needs('database:create'), schema: { params: TableParams } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const columns = (request.body as { columns?: unknown } | undefined)?.columns;
    if (columns !== undefined && !Array.isArray(columns)) throw new StrataError('BAD_REQUEST', 'columns must be an array');
    await strata.schema.createTable(ctx, request.params.table, columns ?? []);
    return reply.status(201).send({ branchName: `${ctx.database.name}:${ctx.branch.name}`, tableName: request.params.table, status: 'completed' });
  });

  app.patch(base, { config: needs('database:update'), schema: { params: TableParams, body: NameBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.renameTable(ctx, request.params.table, request.body.name);
  });

  app.delete(base, { config: needs('database:delete'), schema: { params: TableParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    await strata.schema.table(ctx, request.params.table);
    return strata.schema.removeTable(ctx, request.params.table);
  });

  app.get(`${base}/schema`, { config: needs('database:read'), schema: { params: TableParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const table = await strata.schema.table(ctx, request.params.table);
    return { columns: table.columns };
  });

  app.put(`${base}/schema`, { config: needs('database:update'), schema: { params: TableParams, body: SchemaBody } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const result = await strata.schema.setTableColumns(ctx, request.params.table, request.body.columns);
    return result ? result : reply.status(204).send();
  });

  app.get(`${base}/columns`, { config: needs('database:read'), schema: { params: TableParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const table = await strata.schema.table(ctx, request.params.table);
    return { columns: flattenColumns(table.columns).map(leafToColumn) };
  });

  app.post(`${base}/columns`, { config: needs('database:create'), schema: { params: TableParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    await strata.schema.table(ctx, request.params.table);
    return strata.schema.addColumn(ctx, request.params.table, request.body);
  });

  app.get(`${base}/columns/:column`, { config: needs('database:read'), schema: { params: ColumnParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const table = await strata.schema.table(ctx, request.params.table);
    const column = findColumn(table.columns, request.params.column.split('.'));
    if (!column) throw new StrataError('NOT_FOUND', `column [${request.params.column}] not found in table [${table.name}]`);
    return column;
  });

  app.patch(`${base}/columns/:column`, { config: needs('database:update'), schema: { params: ColumnParams, body: NameBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    await strata.schema.table(ctx, request.params.table);
    return strata.schema.renameColumn(ctx, request.params.table, request.params.column, request.body.name);
  });

  app.delete(`${base}/columns/:column`, { config: needs('database:delete'), schema: { params: ColumnParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    await strata.schema.table(ctx, request.params.table);
    return strata.schema.removeColumn(ctx, request.params.table, request.params.column);
  });
};

function leafToColumn(leaf: ReturnType<typeof flattenColumns>[number]): ColumnDefinition {
  const { path, notNull, unique, ...rest } = leaf;
  return { name: path, ...rest, ...(notNull ? { notNull } : {}), ...(unique ? { unique } : {}) };
}

function findColumn(columns: ColumnDefinition[], path: string[]): ColumnDefinition | undefined {
  const found = columns.find((c) => c.name === path[0]);
  return !found || path.length === 1 ? found : findColumn(found.columns ?? [], path.slice(1));
}
