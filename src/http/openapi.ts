import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isPublic, type RouteAccess } from './route-access.js';
import { dataApiExamples } from './data-api/openapi-examples.js';

/**
 * The data API's OpenAPI document, generated from the same route schemas that validate
 * requests. Each route's declared access becomes its security requirement and a "Required
 * scope" line, so the document cannot disagree with what the auth guard enforces.
 * Swagger UI is served from the package's own files (no CDN) at /api:data, the JSON at
 * /apispec:data?type=json (Xano's naming; the Metadata API gets /api:meta the same way).
 */
export const DATA_API_DOCS = '/api:data';
export const DATA_API_SPEC = '/apispec:data';

// find-my-way reads ':' as a parameter; '::' is a literal colon.
const literal = (path: string) => path.replaceAll(':', '::');

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Strata data API (Xata-compatible)',
        version,
        description: 'Records, tables, columns, branches and databases over HTTP, wire-compatible with Xata\'s record API. '
          + 'Authenticate with a personal access token: `Authorization: Bearer xau_…`. Errors are `{id, message}`; `id` is the request id, also sent as `x-request-id`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Strata personal access token (xau_…)' } } },
      tags: [
        { name: 'records', description: 'Record reads and writes: single records, bulk inserts, transactions' },
        { name: 'tables', description: 'Tables and columns of a branch' },
        { name: 'branches', description: 'Branches, schema edits and migrations' },
        { name: 'databases', description: 'Databases of this instance (Xata control-plane calls)' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: ({ schema, url, route }) => ({ schema: documentRoute(schema ?? {}, url, route), url }),
  });
  await app.register(swaggerUi, {
    routePrefix: literal(DATA_API_DOCS),
    uiConfig: { persistAuthorization: true },
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
        if (request.url === DATA_API_DOCS) return void reply.redirect(`${DATA_API_DOCS}/`, 301);
        done();
      },
    },
  });
  app.get(literal(DATA_API_SPEC), { config: isPublic, schema: { hide: true } }, async (_request, reply) => {
    return reply.type('application/json').send(app.swagger());
  });
}

function documentRoute(schema: FastifySchema, url: string, route: RouteOptions): FastifySchema {
  const access = route.config?.access as RouteAccess | undefined;
  const out: Record<string, unknown> = { ...schema };
  if (access && 'scopes' in access) {
    const scopes = access.scopes.map((s) => `\`${s.object}:${s.action}\``).join(' and ');
    out.security = [{ bearerAuth: [] }];
    out.description = [out.description, `**Required scope:** ${scopes}.`].filter(Boolean).join('\n\n');
  } else {
    out.security = [];
  }
  out.tags ??= [tagFor(url)];
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  const examples = dataApiExamples[`${method} ${url}`];
  if (examples) Object.assign(out, examples);
  return out as FastifySchema;
}

function tagFor(url: string): string {
  if (url.includes('/data')) return 'records';
  if (url.includes('/tables/')) return 'tables';
  if (url.startsWith('/workspaces/')) return 'databases';
  if (url.startsWith('/db/') || url.startsWith('/dbs/')) return 'branches';
  return 'health';
}
