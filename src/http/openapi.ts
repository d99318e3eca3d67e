import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isPublic, workspaceParamOf, type RouteAccess } from './route-access.js';
import { dataApiExamples } from './data-api/openapi-examples.js';

/**
 * OpenAPI documents generated from the same route schemas that validate requests, one per
 * API face: the data API's at /api:data (Swagger UI) and /apispec:data?type=json, the
 * Metadata API's at /api:meta and /apispec:meta?type=json (Xano's naming). Each route's
 * declared access becomes its security requirement and a "Required scope" line, so a
 * document cannot disagree with what the auth guard enforces. Swagger UI is served from the
 * package's own files (no CDN).
 */
export const DATA_API_DOCS = '/api:data';
export const DATA_API_SPEC = '/apispec:data';

/** One API face's document. */
export interface ApiDocs {
  /** Swagger UI's path and the JSON document's path (`?type=json`, as Xano serves it). */
  docsPath: string;
  specPath: string;
  /** The Fastify decorator that returns the document (one per document). */
  decorator: string;
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  servers?: Array<{ url: string; description?: string }>;
  /** Whether a route belongs to this document. */
  includes(url: string): boolean;
  /** The route's path in the document (e.g. without a prefix that the server URL carries). */
  pathOf?(url: string): string;
  tagFor(url: string): string;
  /** Summaries and examples keyed by `METHOD route-url` (description only). */
  examples: Record<string, Record<string, unknown>>;
  /** The "Required scope" line for a route that needs a token but no scope. */
  anyTokenNote?: string;
}

// find-my-way reads ':' as a parameter; '::' is a literal colon.
export const literal = (path: string) => path.replaceAll(':', '::');

const dataApiDocs = (version: string): ApiDocs => ({
  docsPath: DATA_API_DOCS,
  specPath: DATA_API_SPEC,
  decorator: 'swagger',
  info: {
    title: 'Strata data API (Xata-compatible)',
    version,
    description: 'Records, tables, columns, branches and databases over HTTP, wire-compatible with Xata\'s record API. '
      + 'Authenticate with a personal access token: `Authorization: Bearer xau_…`. Errors are `{id, message}`; `id` is the request id, also sent as `x-request-id`.',
  },
  tags: [
    { name: 'records', description: 'Record reads and writes: single records, bulk inserts, transactions' },
    { name: 'queries', description: 'Queries, full-text search, summaries, aggregations and vector search' },
    { name: 'tables', description: 'Tables and columns of a branch' },
    { name: 'branches', description: 'Branches, schema edits and migrations' },
    { name: 'databases', description: 'Databases of this instance (Xata control-plane calls)' },
    { name: 'health', description: 'Liveness and readiness' },
  ],
  includes: (url) => !url.startsWith(literal('/api:meta')),
  tagFor: (url) => {
    if (/\/(query|search|summarize|aggregate|vectorSearch)$/.test(url)) return 'queries';
    if (url.includes('/data') || url.endsWith('/bulk') || url.endsWith('/transaction')) return 'records';
    if (url.includes('/tables/')) return 'tables';
    if (url.startsWith('/workspaces/')) return 'databases';
    if (url.startsWith('/db/') || url.startsWith('/dbs/')) return 'branches';
    return 'health';
  },
  examples: dataApiExamples,
});

/** The data API's document (the Metadata API's is registered with registerApiDocs). */
export function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  return registerApiDocs(app, dataApiDocs(version));
}

export async function registerApiDocs(app: FastifyInstance, docs: ApiDocs): Promise<void> {
  await app.register(swagger, {
    decorator: docs.decorator,
    openapi: {
      openapi: '3.0.3',
      info: docs.info,
      ...(docs.servers ? { servers: docs.servers } : {}),
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Strata personal access token (xau_…)' } } },
      tags: docs.tags,
    },
    transform: ({ schema, url, route }) => docs.includes(url)
      ? { schema: documentRoute(schema ?? {}, url, route, docs), url: docs.pathOf?.(url) ?? url }
      : { schema: { ...schema, hide: true }, url },
  } as Parameters<typeof swagger>[1]);
  const document = () => (app as unknown as Record<string, () => Record<string, unknown>>)[docs.decorator]!();
  // In a context of its own, so that each document can have a Swagger UI (its decorator clashes otherwise).
  await app.register(async (scope) => scope.register(swaggerUi, {
    routePrefix: literal(docs.docsPath),
    uiConfig: { persistAuthorization: true },
    transformSpecification: () => document(),
    transformSpecificationClone: false,
    // The package's default policy adds upgrade-insecure-requests, which breaks the page on a
    // plain-HTTP deployment (Strata's default); this one keeps everything same-origin.
    staticCSP: {
      'default-src': ["'self'"], 'base-uri': ["'self'"], 'object-src': ["'none'"], 'frame-ancestors': ["'self'"],
      'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'],
    },
    uiHooks: {
      // The page links its assets relative to a trailing slash; without one it would use the
      // escaped route prefix ('/api::data/…'), which browsers cannot load.
      onRequest: (request, reply, done) => {
        if (request.url === docs.docsPath) return void reply.redirect(`${docs.docsPath}/`, 301);
        done();
      },
    },
  }));
  app.get(literal(docs.specPath), { config: isPublic, schema: { hide: true } }, async (_request, reply) => {
    return reply.type('application/json').send(document());
  });
}

function documentRoute(schema: FastifySchema, url: string, route: RouteOptions, docs: ApiDocs): FastifySchema {
  const access = route.config?.access as RouteAccess | undefined;
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  // Examples first: a description they carry is kept, with the scope line after it.
  const out: Record<string, unknown> = { ...schema, ...docs.examples[`${method} ${url}`] };
  if (access && 'scopes' in access) {
    const scopes = access.scopes.length === 16 ? 'full access (every scope), or a console session'
      : access.scopes.map((s) => `\`${s.object}:${s.action}\``).join(' and ');
    out.security = [{ bearerAuth: [] }];
    const line = scopes ? `**Required scope:** ${scopes}.` : docs.anyTokenNote ?? '**Required scope:** none (any valid token).';
    const who = access.instanceOwner ? '**Instance owners only.**'
      : access.workspace !== null && workspaceParamOf(url) ? 'The account\'s role in the workspace must allow it too; another workspace answers 404.' : undefined;
    out.description = [out.description, line, who].filter(Boolean).join('\n\n');
  } else {
    out.security = [];
  }
  out.tags ??= [docs.tagFor(url)];
  return out as FastifySchema;
}
