import { expect } from 'vitest';
import type { RunningStrata } from './strata-server.js';

type Response = Awaited<ReturnType<RunningStrata['request']>>;

const CODES: Record<number, string> = {
  400: 'ERROR_CODE_INPUT_ERROR', 401: 'ERROR_CODE_UNAUTHORIZED', 403: 'ERROR_CODE_ACCESS_DENIED',
  404: 'ERROR_CODE_NOT_FOUND', 429: 'ERROR_CODE_TOO_MANY_REQUESTS', 500: 'ERROR_FATAL', 503: 'ERROR_FATAL',
};

/** The Metadata API's error envelope: exact status, `{code, message, payload}`; input errors name their param. */
export function expectXanoError(res: Response, status: number, param?: string, message?: string | RegExp): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      code: CODES[status],
      message: message === undefined ? expect.any(String) : typeof message === 'string' ? message : expect.stringMatching(message),
      payload: status === 400 ? { param: param ?? expect.any(String) } : null,
    },
  });
  expect(res.body.message.length).toBeGreaterThan(0);
}

/** Calls the Metadata API (`/api:meta` + path) and expects `status`; returns the body. */
export function metaClient(s: RunningStrata) {
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => s.request(method, `/api:meta${path}`, body, headers);
  const ok = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await call(method, path, body);
    expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  return { call, ok };
}
