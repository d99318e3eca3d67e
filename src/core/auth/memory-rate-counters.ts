import type { RateCounters, RateWindow } from '../ports/rate-counters.js';

/**
 * Fixed-window counters in this process's memory: right when this process is the only server
 * of its storage (SQLite). Bounded: expired windows are swept once the map is large, and a
 * full map forgets the oldest key.
 */
export class MemoryRateCounters implements RateCounters {
  private readonly windows = new Map<string, RateWindow>();
  constructor(private readonly maxKeys = 100_000, private readonly clock: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<RateWindow> {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetAt: w.resetAt };
  }

  async peek(key: string): Promise<RateWindow | undefined> {
    const w = this.windows.get(key);
    return w && w.resetAt > this.clock() ? { count: w.count, resetAt: w.resetAt } : undefined;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}
