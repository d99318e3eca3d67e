import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { canonicalId } from '../core/ids.js';
import { StrataError } from '../kernel/errors.js';

/**
 * Path parameters that name an object by number (`workspace_id`, `table_id`, `file_id`) have
 * one spelling. The validator coerces types (query strings need it), and it reads `0x5`,
 * `5e0`, `+5`, ` 5` and `05` as 5; so every route whose params declare an integer gets this
 * check before validation runs, and the auth guard applies the same rule to the workspace.
 */
export function registerCanonicalIds(app: FastifyInstance): void {
  const checks = new WeakSet<Function>();
  app.addHook('onRoute', (route) => {
    const names = integerParams(route.schema?.params);
    if (names.length === 0) return;
    const existing = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    if (existing.some((hook) => checks.has(hook))) return; // HEAD copies a GET route's options
    const check: preValidationHookHandler = (request, _reply, done) => {
      const params = request.params as Record<string, unknown>;
      for (const name of names) {
        const value = params[name];
        if (typeof value === 'string' && canonicalId(value) === undefined) return done(invalidPathId(name, value));
      }
      done();
    };
    checks.add(check);
    route.preValidation = [check, ...existing];
  });
}

export function invalidPathId(name: string, value: string): StrataError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return new StrataError('INVALID_ID', `invalid ${name} [${shown}]: write it in decimal digits, with no sign, spaces or leading zeros`, { param: name });
}

function integerParams(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (!properties) return [];
  return Object.entries(properties).filter(([, property]) => property.type === 'integer').map(([name]) => name);
}
