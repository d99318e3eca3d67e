import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Xid } from 'xid-ts';
import type { Strata } from '../core/strata.js';
import { registerAuth } from './auth-hook.js';
import { registerCanonicalIds } from './path-ids.js';
import { DEFAULT_ACCESS, type AccessOptions } from './access-options.js';
import { AuthLimits } from './rate-limits.js';
import { InstanceDirectory } from '../core/instances.js';
import { registerErrorHandler } from './error-handler.js';
import { registerHostGuard } from './host-guard.js';
import { limitConnectionsPerAddress } from './connection-limit.js';
import { collectRoutes } from './route-table.js';
import { registerApiDocs, registerOpenApi } from './openapi.js';
import { registerMetaApi } from './meta-api/meta-api.js';
import { metaApiDocs } from './meta-api/openapi-doc.js';
import { healthRoutes } from './health-routes.js';
import { recordRoutes } from './data-api/record-routes.js';
import { batchRoutes } from './data-api/batch-routes.js';
import { tableRoutes } from './data-api/table-routes.js';
import { branchRoutes } from './data-api/branch-routes.js';
import { workspaceRoutes } from './data-api/workspace-routes.js';
import { controlPlaneRefusals } from './data-api/control-plane-refusals.js';
import { queryRoutes } from './data-api/query-routes.js';
import { sqlRoutes } from './data-api/sql-routes.js';
import { analyticsRoutes } from './data-api/analytics-routes.js';
import { searchRoutes } from './data-api/search-routes.js';
import { fileRoutes } from './data-api/file-routes.js';
import { fileAccessRoutes } from './files/file-access-routes.js';
import { fileUploadUrlRoutes } from './files/file-upload-url-routes.js';
import { registerFileContentFill } from './files/file-content-fill.js';
import { registerOps } from './ops/register-ops.js';
import { registerConsole } from './console/console-routes.js';
import { REQUEST_LIMITS, limitExceeded } from '../kernel/request-limits.js';
import { jsonTextFault } from '../core/json-depth.js';
import { nulRefused, refuseNulInUrls } from './nul-characters.js';
import { refuseInfiniteNumbers } from './finite-numbers.js';
import { drainRefusedBody } from './refused-body.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServerOptions {
  instanceName: string;
  bodyLimit: number;
  logLevel: string;
  /** Rate limits, this instance's public URL and its fleet (defaults: DEFAULT_ACCESS). */
  access?: Partial<AccessOptions>;
  /** Where log lines go (default: stdout). */
  logStream?: NodeJS.WritableStream;
  /** Fastify's trustProxy: which proxies' x-forwarded-* to believe (client address, protocol, host). */
  trustProxy?: boolean | string;
}

/** Builds the HTTP server: thin routes over the core, one auth hook, one error envelope. */
export async function buildServer(strata: Strata, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'], ...(options.logStream ? { stream: options.logStream } : {}) },
    trustProxy: options.trustProxy ?? false,
    // Per-request lines are logged at debug level by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    genReqId: () => `req_${new Xid().toString()}`,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 600 },
    // strictNumbers: NaN and ±Infinity (`?page=1e999`, a body's `1e400`) are not numbers.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false, strictNumbers: true } },
  });

  // Clients (the Xata SDK among them) send `content-type: application/json` with empty
  // bodies on DELETE; an empty body is "no body", not a parse error. Bodies nested past the
  // limit are refused before parsing (everything that walks a body afterwards recurses), and so
  // are bodies holding a NUL character (nul-characters.ts).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    const fault = jsonTextFault(body as string, REQUEST_LIMITS.jsonDepth);
    if (fault === 'nesting') return done(limitExceeded('JSON body nesting (arrays and objects)', 'jsonDepth', 'body'), undefined);
    if (fault === 'nul') return done(nulRefused('body'), undefined);
    parseJson(request, body as string, done);
  });

  // Hot path: a callback hook (an async one costs a promise and a microtask per request).
  // An error answered before the body was read: the rest is drained, bounded (refused-body.ts).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (reply.statusCode >= 400 && !request.raw.readableEnded && drainRefusedBody(request)) reply.removeHeader('connection');
    done(null, payload);
  });
  // Only when those lines can be written: a hook that logs nothing still runs on every request.
  if (options.logLevel === 'debug' || options.logLevel === 'trace') {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    });
  }

  registerErrorHandler(app);
  registerFileContentFill(app);
  refuseInfiniteNumbers(app);
  refuseNulInUrls(app);
  const access = { ...DEFAULT_ACCESS, ...options.access };
  // Before every route (docs and console included), so no answer is built for a host not ours.
  registerHostGuard(app, access.allowedHosts ?? [], access.publicUrl);
  limitConnectionsPerAddress(app.server, access.maxConnectionsPerAddress);
  app.decorate('publicBaseUrl', access.publicUrl?.replace(/\/+$/, '') ?? null);
  // The docs (Swagger UI's files and the OpenAPI JSON) and the web console's files are public
  // and hold no data; they come before the route table and the auth guard, which cover every
  // API route after them.
  await registerOpenApi(app, VERSION);
  await registerApiDocs(app, metaApiDocs(VERSION));
  await registerConsole(app);
  collectRoutes(app);
  // Nodes sharing PostgreSQL count in it (the limits hold once across them); SQLite's one process counts in memory.
  const limits = new AuthLimits(access, {
    counters: strata.storage.rateCounters,
    onCounterFailure: (err) => app.log.error({ err }, 'rate-limit counters failed: authentication refused (503)'),
  });
  registerAuth(app, strata, limits);
  registerCanonicalIds(app);
  await registerOps(app, strata);

  await app.register(healthRoutes(strata));
  await app.register(recordRoutes(strata));
  await app.register(batchRoutes(strata));
  await app.register(tableRoutes(strata));
  await app.register(queryRoutes(strata));
  await app.register(sqlRoutes(strata));
  await app.register(analyticsRoutes(strata));
  await app.register(searchRoutes(strata));
  await app.register(fileRoutes(strata));
  await app.register(fileAccessRoutes(strata));
  await app.register(fileUploadUrlRoutes(strata));
  await app.register(branchRoutes(strata));
  await app.register(workspaceRoutes(strata, options.instanceName));
  await app.register(controlPlaneRefusals);
  const instances = new InstanceDirectory({
    self: { name: options.instanceName, display: access.display, url: access.publicUrl, customDomain: access.customDomain },
    fleet: access.fleet, rateLimited: access.tokenRequests !== null,
  });
  await registerMetaApi(app, strata, { limits, instances });
  return app;
}
