import type Database from 'better-sqlite3';
import { percentileOfSorted } from '../../kernel/percentile.js';

/**
 * `strata_percentile(value, q)`: the aggregate the dialect's `percentile` stands for
 * (sql-dialect.ts) — Xata's percentile rule (core/analytics/percentile.ts) over a group's
 * non-null values. SQLite's own percentile_cont interpolates at another rank.
 */
interface Group { values: number[]; q: number }

export function registerPercentileFunction(db: Database.Database): void {
  db.aggregate<Group>('strata_percentile', {
    deterministic: true,
    start: () => ({ values: [], q: 0 }),
    // better-sqlite3 passes each SQL argument after the state (its typings name only one).
    step: ((state: Group, value: unknown, q: unknown) => {
      state.q = Number(q);
      if (value !== null && value !== undefined) state.values.push(Number(value));
    }) as (state: Group, ...args: unknown[]) => void,
    result: (state: Group) => percentileOfSorted(state.values.sort((a, b) => a - b), state.q),
  });
}
