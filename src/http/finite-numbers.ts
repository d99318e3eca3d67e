import type { FastifyInstance } from 'fastify';
import { StrataError } from '../kernel/errors.js';

/**
 * Ajv's type coercion turns a query-string or path value such as `1e999` or `Infinity` into
 * an infinite number and lets it through `integer` and `maximum` (strictNumbers only checks
 * values that were numbers to begin with, like a body's `1e400`). After validation, every
 * coerced number must be finite: a 400 naming the parameter, in the face's own envelope.
 */
export function refuseInfiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const bad = infiniteKey(request.query) ?? infiniteKey(request.params);
    if (bad === undefined) return done();
    done(new StrataError('BAD_REQUEST', `invalid request: [${bad}] must be a finite number`, { param: bad }));
  });
}

function infiniteKey(values: unknown): string | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  for (const [key, value] of Object.entries(values)) if (typeof value === 'number' && !Number.isFinite(value)) return key;
  return undefined;
}
