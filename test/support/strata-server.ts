import type { FastifyInstance } from 'fastify';
import { Strata } from '../../src/core/strata.js';
import { buildServer } from '../../src/http/server.js';
import { FULL_ACCESS } from '../../src/core/auth/scopes.js';
import type { EngineUnderTest } from './engines.js';
import type { OpsConfig } from '../../src/config-ops.js';
import type { RecorderTiming } from '../../src/core/history/history-recorder.js';
import type { AccessOptions } from '../../src/http/access-options.js';
import type { AccountRow } from '../../src/core/ports/storage.js';
import type { PgTimeouts } from '../../src/storage/postgres/postgres-connections.js';
import { openStrata } from '../../src/open-strata.js';

export interface RunningStrata {
  url: string;
  /** A full-access token of the instance owner. */
  token: string;
  strata: Strata;
  app: FastifyInstance;
  /** Where its storage lives (to look at the engine's own catalog). */
  config: { dataDir: string; databaseUrl?: string };
  /**
   * Another instance-owner token with the given scope bits (never expiring unless told). An
   * account has at most 10 active tokens, so suites that need many get them from more owners.
   */
  createToken(scopes: number, opts?: { expiresAt?: Date }): Promise<string>;
  /** fetch against the server with the owner's token (override headers to change it). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** GET with the owner's token, the body as bytes (file downloads). */
  download(path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }>;
  close(): Promise<void>;
}

/** A real Strata on a loopback port, over a private database of the given engine. */
export async function startStrata(
  engine: EngineUnderTest,
  options: {
    instanceName?: string; bodyLimit?: number; access?: Partial<AccessOptions>; logLevel?: string; logStream?: NodeJS.WritableStream;
    ops?: Partial<OpsConfig>; historyTiming?: Partial<RecorderTiming>; provisioned?: Awaited<ReturnType<EngineUnderTest['provision']>>;
    pgTimeouts?: Partial<PgTimeouts>;
  } = {},
): Promise<RunningStrata> {
  const { config, cleanup } = options.provisioned ?? await engine.provision();
  const strata = await openStrata({ ...config, ops: options.ops, pgTimeouts: options.pgTimeouts }, options.historyTiming);
  // A second node over the same storage (options.provisioned) finds the owner already there.
  const account = (await strata.storage.system.findAccountByEmail('owner@test.local')) ?? await strata.accounts.create({ email: 'owner@test.local', password: 'owner-password', name: 'Owner' });
  const { secret } = await strata.tokens.create(account, { name: 'test', expiresAt: null });
  // Suites send many bad credentials on purpose: the failure limit is off unless a suite sets one.
  const app = await buildServer(strata, {
    instanceName: options.instanceName ?? 'local', bodyLimit: options.bodyLimit ?? 20 * 1024 * 1024, logLevel: options.logLevel ?? 'silent',
    logStream: options.logStream, access: { authFailures: null, ...options.access },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let issued = 0;
  let extra: AccountRow = account;
  return {
    url,
    token: secret,
    strata,
    config,
    app,
    async createToken(scopes = FULL_ACCESS, opts = {}) {
      if (++issued % 9 === 0) {
        extra = await strata.accounts.create({ email: `owner${issued}@test.local`, password: 'owner-password', owner: true });
      }
      return (await strata.tokens.create(extra, { name: `t${issued}`, scopes, expiresAt: opts.expiresAt ?? null })).secret;
    },
    async request(method, path, body, headers = {}) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      // A change stream (SSE) never ends by itself: its status and headers are the answer.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
        return { status: response.status, body: undefined, headers: response.headers };
      }
      const text = await response.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async download(path) {
      const response = await fetch(url + path, { headers: { authorization: `Bearer ${secret}` } });
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
    },
    async close() {
      // A client socket a test left open (a kept-alive or half-drained upload connection) must
      // not hold the suite's teardown: after a grace period, end whatever is still connected.
      const force = setTimeout(() => app.server.closeAllConnections(), 5_000);
      await app.close().finally(() => clearTimeout(force));
      await strata.close();
      await cleanup();
    },
  };
}

/** How many blobs the instance's blob store holds (to see that nothing was left behind). */
export async function blobCount(s: RunningStrata): Promise<number> {
  let n = 0;
  for await (const _ of s.strata.storage.blobs.list()) n++;
  return n;
}
