import type Database from 'better-sqlite3';

/**
 * `strata_json_equal(a, b)`: whether two JSON texts hold the same JSON value, as PostgreSQL's
 * jsonb equality decides it (the dialect's `jsonEquals`): objects equal whatever their key
 * order, arrays in order, numbers by value. SQLite itself compares JSON only as text.
 */
export function registerJsonFunctions(db: Database.Database): void {
  db.function('strata_json_equal', { deterministic: true }, (a: unknown, b: unknown) => {
    if (typeof a !== 'string' || typeof b !== 'string') return null;
    return sameJson(JSON.parse(a), JSON.parse(b)) ? 1 : 0;
  });
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
