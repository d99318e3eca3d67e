import net from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { startStrata, type RunningStrata } from '../support/strata-server.js';
import { DEFAULT_OPS } from '../../src/config-ops.js';

const HEARTBEAT_MS = 200;

/** Heartbeat timers (intervals of HEARTBEAT_MS) started and not yet cleared, from now on. */
function trackHeartbeats(): { running: Set<unknown>; stop: () => void } {
  const running = new Set<unknown>();
  const set = vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number, ...args: unknown[]) => {
    const timer = setIntervalOriginal(fn, ms, ...args);
    if (ms === HEARTBEAT_MS) running.add(timer);
    return timer;
  }) as typeof setInterval);
  const clear = vi.spyOn(globalThis, 'clearInterval').mockImplementation(((timer?: unknown) => {
    running.delete(timer);
    clearIntervalOriginal(timer as NodeJS.Timeout);
  }) as typeof clearInterval);
  return { running, stop: () => { set.mockRestore(); clear.mockRestore(); } };
}
const setIntervalOriginal = globalThis.setInterval;
const clearIntervalOriginal = globalThis.clearInterval;

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Clients that open a change stream and are gone at once (a closed tab, a killed script). */
describeEachEngine('abandoned change streams', (engine) => {
  let s: RunningStrata;
  beforeAll(async () => {
    s = await startStrata(engine, { ops: { ...DEFAULT_OPS, changes: { retain: 50, heartbeatMs: HEARTBEAT_MS } } });
    expect((await s.request('PUT', '/workspaces/local/dbs/gone', {})).status).toBe(201);
    expect((await s.request('PUT', '/db/gone:main/tables/posts', { columns: [{ name: 'title', type: 'string' }] })).status).toBe(201);
  });
  afterAll(async () => { await s?.close(); });

  const subscribers = async () => /strata_change_subscribers (\d+)/.exec((await s.request('GET', '/metrics')).body as string)?.[1];

  it('leaves no subscription and no heartbeat behind when 50 clients close their stream at once', async () => {
    const heartbeats = trackHeartbeats();
    const { port } = new URL(s.url);
    const paths = ['/db/gone:main/changes', '/db/gone:main/tables/posts/changes'];
    await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET ${paths[i % 2]} HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\nauthorization: Bearer ${s.token}\r\n\r\n`);
        // Gone before the server could subscribe (i.e. still in the auth guard or the subscribe call).
        socket.destroy();
        resolve();
      });
      socket.on('error', () => resolve());
    })));
    // The server has had time for every request (several heartbeat intervals): all are gone, within a bounded wait.
    await new Promise((r) => setTimeout(r, 800));
    await until(() => s.strata.changes.stats.subscribers === 0);
    expect(await subscribers()).toBe('0');
    await until(() => heartbeats.running.size === 0);
    heartbeats.stop();
  });
});
