import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { openEngine, uniqueName, type OpenedStorage } from './fixtures.js';
import { MemoryRateCounters } from '../../src/core/auth/memory-rate-counters.js';
import type { RateCounters } from '../../src/core/ports/rate-counters.js';

/**
 * The rate-limit counters each engine's server uses (PostgreSQL's shared table; SQLite's one
 * process counts in memory): concurrent hits are each counted once, a peek counts nothing,
 * and a key whose window has ended starts over.
 */
describeEachEngine('storage: rate-limit counters', (engine) => {
  let opened: OpenedStorage;
  let counters: RateCounters;
  beforeAll(async () => {
    opened = await openEngine(engine);
    expect(opened.storage.rateCounters !== undefined).toBe(engine.name === 'postgres');
    counters = opened.storage.rateCounters ?? new MemoryRateCounters();
  });
  afterAll(async () => { await opened?.close(); });

  it('counts concurrent hits once each, in one window', async () => {
    const key = uniqueName('auth');
    const windows = await Promise.all(Array.from({ length: 40 }, () => counters.hit(key, 600_000)));
    expect(windows.map((w) => w.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(windows.map((w) => w.resetAt)).size).toBe(1);
    expect(windows[0]!.resetAt).toBeGreaterThan(Date.now() + 500_000);
    expect(await counters.peek(key)).toEqual({ count: 40, resetAt: windows[0]!.resetAt });
    expect(await counters.peek(key)).toMatchObject({ count: 40 });
    expect(await counters.peek(uniqueName('auth'))).toBeUndefined();
  });

  it('a key whose window has ended starts over at 1', async () => {
    const key = uniqueName('token');
    await counters.hit(key, 50);
    await counters.hit(key, 50);
    let open = true;
    for (let i = 0; i < 100 && open; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = (await counters.peek(key)) !== undefined;
    }
    expect(open).toBe(false);
    expect((await counters.hit(key, 600_000)).count).toBe(1);
  });
});
