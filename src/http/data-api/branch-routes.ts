import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Strata } from '../../core/strata.js';
import type { MigrationOp } from '../../core/schema/migration-ops.js';
import { needs } from '../route-access.js';
import { bodyIsOptional, DbBranchParams, resolveBranch, splitDbBranch } from './params.js';
import { assertBranchName } from '../../core/names.js';
import { HISTORY_PAGE_MAX } from '../../core/schema/schema-history.js';

const DbParams = Type.Object({ db: Type.String({ minLength: 1, maxLength: 255 }) });
const CreateBranchBody = Type.Object({
  from: Type.Optional(Type.String()),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** Strata extension: copy the source branch's records too (Xata copies the schema only). */
  copyData: Type.Optional(Type.Boolean()),
});
const Operations = Type.Array(Type.Unknown());
const CompareBody = Type.Object({ schema: Type.Unknown(), schemaOperations: Type.Optional(Operations), branchOperations: Type.Optional(Operations) });
const CompareBranchesBody = Type.Object({ sourceBranchOperations: Type.Optional(Operations), targetBranchOperations: Type.Optional(Operations) });
const CompareBranchesParams = Type.Object({ dbBranch: DbBranchParams.properties.dbBranch, branchName: Type.String({ minLength: 1, maxLength: 255 }) });
const ApplyBody = Type.Object({ edits: Type.Object({ operations: Operations }) });
const PreviewBody = Type.Object({ edits: Type.Optional(Type.Object({ operations: Operations })) });
const UpdateBody = Type.Object({ parentID: Type.Optional(Type.String()), operations: Operations });
const PushBody = Type.Object({ migrations: Type.Array(Type.Unknown()) });
const HistoryBody = Type.Object({
  since: Type.Optional(Type.String({ minLength: 1 })),
  page: Type.Optional(Type.Object({
    after: Type.Optional(Type.String({ minLength: 1 })),
    before: Type.Optional(Type.String({ minLength: 1 })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX })),
  })),
});

/** Branches, their schema and migrations: `/dbs/{db}`, `/db/{db}:{branch}[/schema/…|/migrations]`. */
export const branchRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/dbs/:db', { config: needs('database:read'), schema: { params: DbParams } }, async (request) => {
    const { database, branches } = await strata.databases.branches(request.params.db);
    return { databaseName: database.name, branches: branches.map((b) => ({ name: b.name, createdAt: b.createdAt })) };
  });

  app.get('/dbs/:db/settings', { config: needs('database:read'), schema: { params: DbParams } }, async (request) => {
    const database = await strata.databases.get(request.params.db);
    return { searchEnabled: true, ...database.settings };
  });

  app.patch('/dbs/:db/settings', { config: needs('database:update'), preValidation: bodyIsOptional, schema: { params: DbParams, body: Type.Object({ searchEnabled: Type.Optional(Type.Boolean()) }) } }, async (request) => {
    const database = await strata.databases.updateSettings(request.params.db, request.body);
    return { searchEnabled: true, ...database.settings };
  });

  app.get('/db/:dbBranch', { config: needs('database:read'), schema: { params: DbBranchParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const schema = await ctx.schema();
    const migrations = await ctx.store.listMigrations();
    return {
      databaseName: ctx.database.name,
      branchName: ctx.branch.name,
      createdAt: ctx.branch.createdAt,
      id: `bb_${ctx.branch.id}`,
      version: migrations.length,
      lastMigrationID: schema.lastMigrationId,
      metadata: ctx.branch.metadata,
      ...(ctx.branch.parent ? { startedFrom: { branchName: ctx.branch.parent, dbBranchID: '', migrationID: '' } } : {}),
      schema: {
        tables: schema.ordered().map((t) => ({ name: t.name, columns: t.columns, revLinks: revLinks(schema.ordered(), t.name) })),
        tablesOrder: schema.ordered().map((t) => t.name),
      },
    };
  });

  app.put('/db/:dbBranch', { config: needs('database:create'), preValidation: bodyIsOptional, schema: { params: DbBranchParams, body: CreateBranchBody, querystring: Type.Object({ from: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const { db, branch } = splitDbBranch(request.params.dbBranch);
    const { from, copyData, metadata } = request.body;
    await strata.databases.createBranch(db, branch, { from: from ?? request.query.from, copyData, metadata });
    return reply.status(201).send({ databaseName: db, branchName: branch, status: 'completed' });
  });

  app.delete('/db/:dbBranch', { config: needs('database:delete'), schema: { params: DbBranchParams } }, async (request) => {
    const { db, branch } = splitDbBranch(request.params.dbBranch);
    await strata.databases.removeBranch(db, branch);
    return { status: 'completed' };
  });

  app.get('/db/:dbBranch/migrations', { config: needs('database:read'), schema: { params: DbBranchParams } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const migrations = await ctx.store.listMigrations();
    return {
      migrations: migrations.map((m) => ({ id: m.id, parentID: m.parentId, createdAt: m.createdAt, status: 'completed', localChanges: false, operations: m.operations })),
    };
  });

  app.post('/db/:dbBranch/schema/compare', { config: needs('database:read'), schema: { params: DbBranchParams, body: CompareBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.compare(ctx, request.body.schema, { target: request.body.schemaOperations, source: request.body.branchOperations });
  });

  app.post('/db/:dbBranch/schema/compare/:branchName', { config: needs('database:read'), preValidation: bodyIsOptional, schema: { params: CompareBranchesParams, body: CompareBranchesBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    const other = await strata.databases.resolve(ctx.database.name, assertBranchName(request.params.branchName));
    return strata.schema.compareBranches(ctx, other, { source: request.body.sourceBranchOperations, target: request.body.targetBranchOperations });
  });

  app.post('/db/:dbBranch/schema/history', { config: needs('database:read'), preValidation: bodyIsOptional, schema: { params: DbBranchParams, body: HistoryBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.history(ctx, request.body);
  });

  app.post('/db/:dbBranch/schema/push', { config: needs('database:update'), schema: { params: DbBranchParams, body: PushBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.push(ctx, request.body.migrations);
  });

  app.post('/db/:dbBranch/schema/preview', { config: needs('database:update'), preValidation: bodyIsOptional, schema: { params: DbBranchParams, body: PreviewBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.preview(ctx, (request.body.edits?.operations ?? []) as MigrationOp[]);
  });

  app.post('/db/:dbBranch/schema/update', { config: needs('database:update'), schema: { params: DbBranchParams, body: UpdateBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.update(ctx, request.body.operations as MigrationOp[], request.body.parentID);
  });

  app.post('/db/:dbBranch/schema/apply', { config: needs('database:update'), schema: { params: DbBranchParams, body: ApplyBody } }, async (request) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    return strata.schema.migrate(ctx, request.body.edits.operations as MigrationOp[]);
  });
};

function revLinks(tables: Array<{ name: string; leaves: Array<{ path: string; link?: { table: string } }> }>, target: string) {
  return tables.flatMap((t) => t.leaves.filter((l) => l.link?.table === target).map((l) => ({ table: t.name, column: l.path })));
}
