import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { mayReceive } from '../../core/changes/change-access.js';
import type { ChangeSubscription } from '../../core/changes/change-subscription.js';
import type { BranchContext } from '../../core/databases.js';
import { StrataError } from '../../kernel/errors.js';
import { tableIn } from '../../core/records/record-write.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { authenticateRequest } from '../auth-hook.js';
import { DbBranchParams, resolveBranch, TableParams } from '../data-api/params.js';
import { liveBranch, TableParams as MetaTableParams, WorkspaceParams, guardedWorkspace } from '../meta-api/params.js';
import { sseOutput } from './sse-output.js';

const StreamQuery = Type.Object({
  lastEventId: Type.Optional(Type.String({ description: 'Resume after this event (for clients that cannot send the Last-Event-ID header)' })),
});
const description = 'Server-Sent Events: `insert`, `update` and `delete` events after commit, `id` = the branch\'s sequence number; send `Last-Event-ID` to resume (within the last CHANGES_RETAIN events), comments as heartbeats.';

function lastEventId(request: FastifyRequest): number | undefined {
  const raw = request.headers['last-event-id'] ?? (request.query as { lastEventId?: string }).lastEventId;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new StrataError('BAD_REQUEST', `Last-Event-ID must be an event id (a non-negative integer), got [${String(raw)}]`, { param: 'Last-Event-ID' });
  return value;
}

/**
 * Opens a stream of a branch's changes (of one table, or all). The response is taken over from
 * Fastify (hijacked): it stays open, so it has no duration or size to record in history.
 */
async function streamChanges(strata: Strata, request: FastifyRequest, reply: FastifyReply, ctx: BranchContext, table?: string): Promise<void> {
  const after = lastEventId(request);
  // HEAD (Fastify answers it from the GET route): the headers a stream would have, no stream.
  if (request.method === 'HEAD') return void reply.header('content-type', 'text/event-stream; charset=utf-8').send();
  const actor = request.actor!;
  const scope = { databaseId: ctx.database.id, databaseName: ctx.database.name, branchName: ctx.branch.name };
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive',
    'x-accel-buffering': 'no', 'x-request-id': request.id,
  });
  // Listen for the client leaving before subscribing: one gone while the subscription is being
  // set up (or already gone: `destroyed`) must not leave it, or its heartbeat, behind.
  let sub: ChangeSubscription | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const leave = () => { clearInterval(heartbeat); if (sub) strata.changes.unsubscribe(sub); };
  res.on('close', leave);
  sub = await strata.changes.subscribe(ctx.branch.id, ctx.store, after,
    (row) => (table === undefined || row.table === table) && mayReceive(actor, scope, row), sseOutput(res));
  if (res.destroyed) return leave();
  // Only now: a client that waits for this line knows every later commit reaches it.
  res.write(`retry: 2000\n: connected\n\n`);
  // Heartbeats keep proxies from closing an idle stream; each also re-checks the credentials (a
  // token, or the console's session cookie), so a revoked token or ended session stops
  // receiving within one interval.
  const live = sub;
  heartbeat = setInterval(() => {
    void authenticateRequest(strata, request).then((still) => {
      if (!still) strata.changes.unsubscribe(live);
      else if (!res.writableEnded) res.write(`: heartbeat\n\n`);
    }, () => undefined);
  }, strata.ops.changes.heartbeatMs);
}

const streamConfig = { ...needs('content:read'), history: false as const };

/** `GET /db/{db}:{branch}/changes` and `GET /db/{db}:{branch}/tables/{table}/changes` (data API). */
export const changeRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/db/:dbBranch/changes', { config: streamConfig, schema: { summary: 'Stream the branch\'s record changes (SSE)', params: DbBranchParams, querystring: StreamQuery, description } }, async (request, reply) => {
    await streamChanges(strata, request, reply, await resolveBranch(strata, request.params.dbBranch));
  });
  app.get('/db/:dbBranch/tables/:table/changes', { config: streamConfig, schema: { summary: 'Stream the table\'s record changes (SSE)', params: TableParams, querystring: StreamQuery, description } }, async (request, reply) => {
    const ctx = await resolveBranch(strata, request.params.dbBranch);
    tableIn(await ctx.schema(), request.params.table); // 404 for an unknown table
    await streamChanges(strata, request, reply, ctx, request.params.table);
  });
};

/** `GET /workspace/{id}/changes` and `…/table/{table_id}/changes` in the Metadata API (the live data source). */
export const metaChangeRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/workspace/:workspace_id/changes', { config: streamConfig, schema: { summary: 'Stream the workspace\'s record changes, live data source (SSE)', params: WorkspaceParams, querystring: StreamQuery, description } }, async (request, reply) => {
    await streamChanges(strata, request, reply, await liveBranch(strata, guardedWorkspace(request)));
  });
  app.get('/workspace/:workspace_id/table/:table_id/changes', { config: streamConfig, schema: { summary: 'Stream the table\'s record changes, live data source (SSE)', params: MetaTableParams, querystring: StreamQuery, description } }, async (request, reply) => {
    const ctx = await liveBranch(strata, guardedWorkspace(request));
    const table = await strata.xanoTables.get(ctx, request.params.table_id);
    await streamChanges(strata, request, reply, ctx, table.name);
  });
};
