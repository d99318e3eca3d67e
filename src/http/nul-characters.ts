import type { FastifyInstance } from 'fastify';
import { StrataError } from '../kernel/errors.js';

/**
 * PostgreSQL stores no NUL character in text, and a lookup with one fails inside the driver;
 * SQLite would take it. So no request may carry one, on either engine: a 400 at the edge, in
 * the face's own envelope, before any lookup. JSON bodies are checked while their text is
 * scanned for nesting (core/json-depth.ts); paths and query strings here. Node's parser
 * already refuses a raw NUL byte in a URL, so only its escape `%00` can arrive.
 */
export function refuseNulInUrls(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const at = request.url.indexOf('%00');
    if (at < 0) return done();
    const query = request.url.indexOf('?');
    done(nulRefused(query >= 0 && at > query ? 'query' : 'path'));
  });
}

export const nulRefused = (where: 'path' | 'query' | 'body'): StrataError =>
  new StrataError('BAD_REQUEST', `invalid request: the ${where} contains a NUL character (\\u0000), which Strata does not store`, { param: where });
