import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isPublic } from '../route-access.js';

/** Where `npm run build` writes the console (vite, console/vite.config.ts): dist/console from src/ and dist/ alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

/**
 * The web console's client-side routes (console/src/App.tsx): each answers with the console's
 * page so a screen can be reloaded or bookmarked. Everything else stays the APIs'.
 */
export const CONSOLE_PATHS = ['/', '/login', '/setup', '/tokens', '/w/*'];

// The console loads only its own files and talks only to this origin; nobody may frame it.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the console: the page at its routes and the hashed, immutable assets under /assets/.
 * Registered before the auth guard (like the API docs): these files hold no data; the
 * console's own API calls are authenticated like any other client's.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  let page: Buffer | undefined;
  const sendPage = async (reply: FastifyReply) => {
    try {
      page ??= await readFile(CONSOLE_DIR + 'index.html');
    } catch {
      return reply.status(503).type('text/plain; charset=utf-8')
        .send('The web console is not built. Run `npm run build` (npm install does it too), then restart Strata.\n');
    }
    return reply.headers(PAGE_HEADERS).send(page);
  };
  for (const url of CONSOLE_PATHS) app.get(url, { config: isPublic, schema: { hide: true } }, (_request, reply) => sendPage(reply));
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: CONSOLE_DIR + 'assets', prefix: '/assets/', decorateReply: false, index: false, wildcard: true,
      immutable: true, maxAge: '365d', // file names carry their content hash
    });
  });
}
