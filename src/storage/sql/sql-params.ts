/**
 * Parameters as a driver takes them. The SDK's `xata.sql` sends text and nulls only (it
 * stringifies as node-postgres does); `sql/batch` sends JSON values as they are. PostgreSQL
 * infers a parameter's type from where it is used; SQLite compares by the column's affinity,
 * so numbers as text still compare as numbers with numeric columns.
 */
const CANONICAL_NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/;

export function driverParams(params: readonly unknown[], dialect: 'postgres' | 'sqlite'): unknown[] {
  return params.map((p) => {
    if (p === null || p === undefined) return null;
    // PostgreSQL reads '4' as a number where a number is expected (count(*) > $1); SQLite would
    // compare text with a number and find text larger. Canonical numbers go as numbers: a text
    // column still compares them as text ('42' = 42 there), while '007' or '1e3' stay text.
    if (dialect === 'sqlite' && typeof p === 'string' && CANONICAL_NUMBER.test(p) && String(Number(p)) === p) return Number(p);
    if (typeof p === 'boolean') return dialect === 'sqlite' ? (p ? 1 : 0) : p;
    if (typeof p === 'object') return JSON.stringify(p);
    return p;
  });
}
