import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { bodyIsOptional, ColumnsQuery, parseColumns, RecordParams, resolveBranch, TableParams, WriteQuery } from './params.js';
import { xataRecordFormat } from './xata-record-format.js';
import { answerFormat } from '../files/file-url-fill.js';

/** Xata's single-record API: `/db/{db}:{branch}/tables/{table}/data[/{id}]`. */
export const recordRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/db/:dbBranch/tables/:table/data';

  app.post(base, { config: needs('content:create'), schema: { params: TableParams, querystring: ColumnsQuery } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const result = await strata.records.insert(ctx, request.params.table, request.body, { columns: parseColumns(request.query.columns), format: await answerFormat(strata, request, ctx) });
    return reply.status(201).send(result.record);
  });

  app.get(`${base}/:id`, { config: needs('content:read'), schema: { params: RecordParams, querystring: ColumnsQuery } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.records.get(ctx, request.params.table, request.params.id, { columns: parseColumns(request.query.columns), format: await answerFormat(strata, request, ctx) });
  });

  app.put(`${base}/:id`, { config: needs('content:create', 'content:update'), preValidation: bodyIsOptional, schema: { params: RecordParams, querystring: WriteQuery } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const { columns, createOnly, ifVersion } = request.query;
    const result = await strata.records.put(ctx, request.params.table, request.params.id, request.body, { columns: parseColumns(columns), createOnly, ifVersion, format: await answerFormat(strata, request, ctx) });
    return reply.status(result.created ? 201 : 200).send(result.record);
  });

  app.patch(`${base}/:id`, { config: needs('content:update'), preValidation: bodyIsOptional, schema: { params: RecordParams, querystring: WriteQuery } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const { columns, ifVersion } = request.query;
    const result = await strata.records.update(ctx, request.params.table, request.params.id, request.body, { columns: parseColumns(columns), ifVersion, format: await answerFormat(strata, request, ctx) });
    return result.record;
  });

  app.post(`${base}/:id`, { config: needs('content:create', 'content:update'), preValidation: bodyIsOptional, schema: { params: RecordParams, querystring: WriteQuery } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const { columns, ifVersion } = request.query;
    const result = await strata.records.upsert(ctx, request.params.table, request.params.id, request.body, { columns: parseColumns(columns), ifVersion, format: await answerFormat(strata, request, ctx) });
    return reply.status(result.created ? 201 : 200).send(result.record);
  });

  app.delete(`${base}/:id`, { config: needs('content:delete'), schema: { params: RecordParams, querystring: ColumnsQuery } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    // The record is gone: its files have no URL any more.
    return strata.records.remove(ctx, request.params.table, request.params.id, { columns: parseColumns(request.query.columns), format: xataRecordFormat });
  });
};
