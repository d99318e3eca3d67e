/** A key's fixed window: the events counted in it so far and when it ends (epoch ms). */
export interface RateWindow { count: number; resetAt: number }

/**
 * Where rate-limit counters live. A process that owns its storage alone (SQLite: one server
 * per DATA_DIR) counts in memory (memory-rate-counters.ts); nodes that share one PostgreSQL
 * database count in it (storage/postgres/postgres-rate-counters.ts), so a limit holds once
 * across all of them instead of once per node. Either may throw; callers fail closed.
 */
export interface RateCounters {
  /** Counts one event for the key: in its open window, or in a new one of `windowMs` once the last has ended. */
  hit(key: string, windowMs: number): Promise<RateWindow>;
  /** The key's open window without counting anything; undefined when it has none. */
  peek(key: string): Promise<RateWindow | undefined>;
}
