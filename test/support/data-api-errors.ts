import { expect } from 'vitest';
import type { RunningStrata } from './strata-server.js';

export type DataApiAnswer = Awaited<ReturnType<RunningStrata['request']>>;

/**
 * A Data API error as Xata shapes it: the status, `{id, message}` and nothing else, the id being
 * this request's (`x-request-id`). `message` is matched exactly (string) or by pattern.
 */
export function expectError(res: DataApiAnswer, status: number, message?: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ id: res.headers.get('x-request-id'), message: expect.any(String) });
  expect(res.body.id).toMatch(/^req_[0-9a-v]{20}$/);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}
