import type Database from 'better-sqlite3';

/**
 * JSON as PostgreSQL's jsonb sees it, for SQLite, which compares JSON only as text:
 * - `strata_json_equal(a, b)`: whether two JSON texts hold the same value (the dialect's
 *   `jsonEquals`): objects whatever their key order, arrays in order, numbers by value;
 * - `strata_json_canonical(a)`: the value as jsonb writes it as text (the dialect's
 *   `jsonGroupKey`): keys by byte length, then bytes; `", "` and `": "` between items. Equal
 *   values get equal text, so they group together and sort as PostgreSQL sorts jsonb's text.
 */
export function registerJsonFunctions(db: Database.Database): void {
  db.function('strata_json_canonical', { deterministic: true }, (a: unknown) => (typeof a === 'string' ? jsonbText(JSON.parse(a)) : null));
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

/** jsonb's text output (numbers as JavaScript writes them, which is jsonb's for numbers without exponents). */
export function jsonbText(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonbText).join(', ')}]`;
  const keys = Object.keys(v).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText((v as Record<string, unknown>)[k])}`).join(', ')}}`;
}
