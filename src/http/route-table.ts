import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from './route-access.js';

/** One registered route (one entry per method) and the access it declares. */
export interface RouteEntry { method: string; url: string; access: RouteAccess | undefined }

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Records every route the server registers, with its declared access. Must be called before
 * any route is registered (onRoute sees only routes added after it). Used by the access tests
 * to derive the scope matrix from the route declarations themselves.
 */
export function collectRoutes(app: FastifyInstance): void {
  const entries: RouteEntry[] = [];
  tables.set(app, entries);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) entries.push({ method: String(method), url: route.url, access: route.config?.access });
  });
}

/** The routes of a server built with collectRoutes, in registration order. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  const entries = tables.get(app);
  if (!entries) throw new Error('routeTable: the server was built without collectRoutes');
  return entries;
}
