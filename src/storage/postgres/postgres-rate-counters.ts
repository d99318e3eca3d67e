import type pg from 'pg';
import type { RateCounters, RateWindow } from '../../core/ports/rate-counters.js';

/**
 * Rate-limit counters in `strata.rate_counters`, shared by every node on the database: one
 * row per key (`auth:<address>`, `token:<id>`) with its window's end and count. A hit is one
 * atomic upsert (a row whose window has ended starts over at 1), so concurrent hits on any
 * node are all counted; the database's clock decides windows, so nodes' clocks need not agree.
 * Rows of ended windows are deleted at most once a minute per node, by a hit.
 */
const HIT = `INSERT INTO "rate_counters" AS c ("key", "resets_at", "count")
  VALUES ($1, now() + $2 * interval '1 millisecond', 1)
  ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN c."resets_at" <= now() THEN 1 ELSE c."count" + 1 END,
    "resets_at" = CASE WHEN c."resets_at" <= now() THEN EXCLUDED."resets_at" ELSE c."resets_at" END
  RETURNING "count", (extract(epoch FROM "resets_at") * 1000)::float8`;
const PEEK = `SELECT "count", (extract(epoch FROM "resets_at") * 1000)::float8 FROM "rate_counters" WHERE "key" = $1 AND "resets_at" > now()`;
const PRUNE = `DELETE FROM "rate_counters" WHERE "resets_at" <= now()`;
const PRUNE_EVERY_MS = 60_000;

export class PostgresRateCounters implements RateCounters {
  private lastPrune = Date.now();
  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, windowMs: number): Promise<RateWindow> {
    const result = await this.pool.query({ name: 'strata_rate_hit', text: HIT, values: [key, windowMs], rowMode: 'array' });
    this.pruneNowAndThen();
    const [count, resetAt] = result.rows[0] as [number, number];
    return { count, resetAt };
  }

  async peek(key: string): Promise<RateWindow | undefined> {
    const result = await this.pool.query({ name: 'strata_rate_peek', text: PEEK, values: [key], rowMode: 'array' });
    const row = result.rows[0] as [number, number] | undefined;
    return row && { count: row[0], resetAt: row[1] };
  }

  /** Off the request's path; a failed prune is tried again a minute later. */
  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.pool.query(PRUNE).catch(() => undefined);
  }
}
