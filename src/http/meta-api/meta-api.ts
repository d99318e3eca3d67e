import type { FastifyInstance } from 'fastify';
import type { InstanceDirectory } from '../../core/instances.js';
import type { Strata } from '../../core/strata.js';
import { literal } from '../openapi.js';
import type { AuthLimits } from '../rate-limits.js';
import { accountRoutes } from './account-routes.js';
import { authRoutes } from './auth-routes.js';
import { branchRoutes } from './branch-routes.js';
import { builderRoutes } from './builder-routes.js';
import { contentBulkRoutes } from './content-bulk-routes.js';
import { contentRoutes } from './content-routes.js';
import { fileLibraryRoutes } from './file-library-routes.js';
import { instanceRoutes } from './instance-routes.js';
import { memberRoutes } from './member-routes.js';
import { tokenRoutes } from './token-routes.js';
import { datasourceRoutes } from './datasource-routes.js';
import { indexRoutes } from './index-routes.js';
import { META_PREFIX } from './params.js';
import { schemaRoutes } from './schema-routes.js';
import { tableRoutes } from './table-routes.js';
import { workspaceRoutes } from './workspace-routes.js';
import { archiveRoutes } from './archive-routes.js';
import { registerXanoErrors } from './xano-errors.js';
import { historyRoutes } from '../ops/history-routes.js';
import { metaChangeRoutes } from '../ops/change-routes.js';

/**
 * The Metadata API (Xano's dialect) under /api:meta, in a context of its own: its errors,
 * validation failures and unknown routes come out in Xano's `{code, message, payload}`,
 * while the data API keeps `{id, message}`.
 */
export async function registerMetaApi(app: FastifyInstance, strata: Strata, access: { limits: AuthLimits; instances: InstanceDirectory }): Promise<void> {
  await app.register(async (meta) => {
    registerXanoErrors(meta);
    // XanoScript bodies (the 2026 API's code objects): read as text, so a route can answer
    // them in the envelope (a JSON body schema refuses one as an input error), never a 415.
    meta.addContentTypeParser('text/x-xanoscript', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    await meta.register(authRoutes(strata, access.limits, access.instances));
    // Access management and the Master Metadata API's instance calls (access-routes in the docs).
    await meta.register(instanceRoutes(access.instances));
    await meta.register(accountRoutes(strata));
    await meta.register(tokenRoutes(strata));
    await meta.register(memberRoutes(strata));
    await meta.register(workspaceRoutes(strata));
    await meta.register(archiveRoutes(strata));
    await meta.register(branchRoutes(strata));
    await meta.register(datasourceRoutes(strata));
    // `/table/trigger` is a static path there: the router prefers it to `/table/{table_id}`.
    await meta.register(builderRoutes(strata));
    await meta.register(tableRoutes(strata));
    await meta.register(schemaRoutes(strata));
    await meta.register(indexRoutes(strata));
    await meta.register(contentRoutes(strata));
    await meta.register(contentBulkRoutes(strata));
    await meta.register(fileLibraryRoutes(strata));
    await meta.register(historyRoutes(strata));
    await meta.register(metaChangeRoutes(strata));
  }, { prefix: literal(META_PREFIX) });
}
