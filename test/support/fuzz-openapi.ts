import type { FastifyInstance } from 'fastify';
import { routeTable, type RouteEntry } from '../../src/http/route-table.js';
import type { JsonSchema } from './fuzz-bodies.js';

/**
 * The operations the fuzzer calls, read from the server's own OpenAPI documents (both faces),
 * each joined with the access its route declares (route-table.ts), so that a route added
 * tomorrow is fuzzed, and judged, without anyone listing it here.
 */
export const API_DOCUMENTS = ['/apispec:data?type=json', '/apispec:meta?type=json'];

export interface Parameter { name: string; schema?: JsonSchema }
export interface FuzzOperation {
  method: string;
  /** The path template as served, `{name}` for parameters (the document's server prefix included). */
  path: string;
  /** The registered route (find-my-way's spelling) and its declared access. */
  route: RouteEntry;
  pathParams: string[];
  query: Parameter[];
  headers: Parameter[];
  /** The declared body, if any: its content type and (JSON) schema. */
  body: { contentType: string; schema?: JsonSchema } | null;
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}
interface OpenApiDocument { servers?: Array<{ url: string }>; paths: Record<string, Record<string, OpenApiOperation>> }

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

export async function fetchDocuments(baseUrl: string): Promise<OpenApiDocument[]> {
  return Promise.all(API_DOCUMENTS.map(async (path) => {
    const response = await fetch(baseUrl + path, { signal: AbortSignal.timeout(10_000) });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return await response.json() as OpenApiDocument;
  }));
}

/** Every operation of the documents; one the route table does not know fails loudly (a document out of step). */
export function operationsOf(documents: OpenApiDocument[], app: FastifyInstance): FuzzOperation[] {
  const routes = new Map(routeTable(app).map((r) => [`${r.method} ${r.url}`, r]));
  return documents.flatMap((doc) => {
    const prefix = doc.servers?.[0]?.url ?? '';
    return Object.entries(doc.paths).flatMap(([template, operations]) => Object.entries(operations)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]): FuzzOperation => {
        const path = prefix + template;
        // find-my-way writes a literal ':' as '::' and a parameter as ':name'.
        const url = path.replaceAll(':', '::').replace(/\{(\w+)\}/g, ':$1');
        const route = routes.get(`${method.toUpperCase()} ${url}`);
        if (!route) throw new Error(`the document lists ${method.toUpperCase()} ${path}, which the route table does not have`);
        const params = op.parameters ?? [];
        const content = Object.entries(op.requestBody?.content ?? {})[0];
        return {
          method: method.toUpperCase(), path, route,
          pathParams: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
          query: params.filter((p) => p.in === 'query'),
          headers: params.filter((p) => p.in === 'header'),
          body: content ? { contentType: content[0], schema: content[1].schema } : null,
        };
      }));
  });
}

/** Words the documents use as keys and operators (property names, `$operators` in examples and descriptions). */
export function vocabularyOf(documents: OpenApiDocument[]): string[] {
  const words = new Set<string>();
  const text = JSON.stringify(documents);
  for (const m of text.matchAll(/\$[a-zA-Z]+/g)) words.add(m[0]);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'properties' && v && typeof v === 'object') Object.keys(v).forEach((name) => words.add(name));
      if (key === 'example' && v && typeof v === 'object') collectKeys(v, words);
      walk(v);
    }
  };
  walk(documents);
  return [...words].sort();
}

function collectKeys(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => collectKeys(v, into));
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) { into.add(key); collectKeys(v, into); }
}
