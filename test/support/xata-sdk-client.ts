import { FetcherError, type BaseClientOptions } from '@xata.io/client';
import { expect } from 'vitest';
import type { RunningStrata } from './strata-server.js';

/**
 * Options for an official SDK client talking to a test Strata: a Xata-looking databaseURL (the
 * SDK insists on one) and a fetch that sends every request to the server instead.
 */
export function sdkOptions(s: RunningStrata, database: string): Partial<BaseClientOptions> {
  return {
    apiKey: s.token, branch: 'main', databaseURL: `https://ws-abc.us-east-1.xata.sh/db/${database}`,
    fetch: (url: string, init?: RequestInit) => globalThis.fetch(String(url).replace(/^https?:\/\/[^/]+/, s.url), init),
  };
}

/** The FetcherError a call rejects with, checked for its status. */
export async function fetcherError(promise: Promise<unknown>, status: number): Promise<FetcherError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error, 'expected the call to reject').toBeInstanceOf(FetcherError);
  expect((error as FetcherError).status).toBe(status);
  return error as FetcherError;
}
