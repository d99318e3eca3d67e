import type { FastifyInstance } from 'fastify';
import type { Strata } from '../../core/strata.js';
import { literal } from '../openapi.js';
import { authRoutes } from './auth-routes.js';
import { contentBulkRoutes } from './content-bulk-routes.js';
import { contentRoutes } from './content-routes.js';
import { datasourceRoutes } from './datasource-routes.js';
import { indexRoutes } from './index-routes.js';
import { META_PREFIX } from './params.js';
import { schemaRoutes } from './schema-routes.js';
import { tableRoutes } from './table-routes.js';
import { workspaceRoutes } from './workspace-routes.js';
import { registerXanoErrors } from './xano-errors.js';
import { historyRoutes } from '../ops/history-routes.js';
import { metaChangeRoutes } from '../ops/change-routes.js';

/**
 * The Metadata API (Xano's dialect) under /api:meta, in a context of its own: its errors,
 * validation failures and unknown routes come out in Xano's `{code, message, payload}`,
 * while the data API keeps `{id, message}`.
 */
export async function registerMetaApi(app: FastifyInstance, strata: Strata): Promise<void> {
  await app.register(async (meta) => {
    registerXanoErrors(meta);
    await meta.register(authRoutes());
    await meta.register(workspaceRoutes(strata));
    await meta.register(datasourceRoutes(strata));
    await meta.register(tableRoutes(strata));
    await meta.register(schemaRoutes(strata));
    await meta.register(indexRoutes(strata));
    await meta.register(contentRoutes(strata));
    await meta.register(contentBulkRoutes(strata));
    await meta.register(historyRoutes(strata));
    await meta.register(metaChangeRoutes(strata));
  }, { prefix: literal(META_PREFIX) });
}
