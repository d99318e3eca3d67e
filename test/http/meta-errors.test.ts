import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, StrataError, type ErrorCode } from '../../src/kernel/errors.js';
import { registerXanoErrors } from '../../src/http/meta-api/xano-errors.js';

/**
 * Xano's envelope for every error the core can raise: each catalogue code maps to one of
 * Xano's six codes with the matching status (storage unavailable keeps its 503, as ERROR_FATAL, with retry-after);
 * unexpected errors are ERROR_FATAL without detail.
 * (The HTTP suites cover the codes that real requests produce, on both engines.)
 */
const EXPECTED: Record<number, [number, string]> = {
  400: [400, 'ERROR_CODE_INPUT_ERROR'], 401: [401, 'ERROR_CODE_UNAUTHORIZED'], 403: [403, 'ERROR_CODE_ACCESS_DENIED'],
  404: [404, 'ERROR_CODE_NOT_FOUND'], 421: [400, 'ERROR_CODE_INPUT_ERROR'], 409: [400, 'ERROR_CODE_INPUT_ERROR'], 413: [400, 'ERROR_CODE_INPUT_ERROR'],
  422: [400, 'ERROR_CODE_INPUT_ERROR'], 429: [429, 'ERROR_CODE_TOO_MANY_REQUESTS'], 500: [500, 'ERROR_FATAL'], 503: [503, 'ERROR_FATAL'],
  // Storage full keeps its status (a 5xx all the same): retrying at once is pointless.
  507: [507, 'ERROR_FATAL'],
};

async function appThrowing(error: Error) {
  const app = Fastify({ logger: false });
  registerXanoErrors(app);
  app.get('/boom', async () => { throw error; });
  await app.ready();
  return app;
}

describe('the Metadata API\'s error envelope', () => {
  for (const code of Object.keys(ErrorCodes) as ErrorCode[]) {
    it(`${code} (${ErrorCodes[code]}) → ${EXPECTED[ErrorCodes[code]]!.join(' ')}`, async () => {
      const app = await appThrowing(new StrataError(code, `failed: column [c1] is bad`, code === 'BAD_REQUEST' ? { param: 'name' } : {}));
      const res = await app.inject({ method: 'GET', url: '/boom' });
      const [status, xano] = EXPECTED[ErrorCodes[code]]!;
      expect(res.statusCode).toBe(status);
      const payload = status === 400 ? { param: code === 'BAD_REQUEST' ? 'name' : 'c1' } : null;
      expect(res.json()).toEqual({ code: xano, message: 'failed: column [c1] is bad', payload });
      expect(res.headers['retry-after']).toBe(code === 'UNAVAILABLE' ? '2' : undefined);
    });
  }

  it('an unexpected error is ERROR_FATAL with no message, stack or detail of its own', async () => {
    const app = await appThrowing(new TypeError('secret detail at /src/x.ts:1'));
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 500, body: { code: 'ERROR_FATAL', message: 'internal error', payload: null } });
    expect(res.body).not.toMatch(/secret|\.ts|stack/);
  });
});
