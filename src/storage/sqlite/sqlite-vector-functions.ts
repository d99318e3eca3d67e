import type Database from 'better-sqlite3';

/**
 * `strata_vector_score(vector_json, query_json, fn)`: the similarity that the dialect's
 * `vectorScore` stands for (sql-dialect.ts), as a SQLite function — vectors are JSON text
 * here and SQLite has no arrays. Same operations, same order as the PostgreSQL SQL.
 */
export function registerVectorFunctions(db: Database.Database): void {
  // One query vector per statement: parse it once, not once per row.
  let lastText: string | undefined;
  let lastQuery: number[] = [];
  db.function('strata_vector_score', { deterministic: true }, (stored: unknown, queryText: unknown, fn: unknown) => {
    if (typeof stored !== 'string' || typeof queryText !== 'string') return null;
    if (queryText !== lastText) {
      lastQuery = JSON.parse(queryText) as number[];
      lastText = queryText;
    }
    return vectorScore(JSON.parse(stored) as number[], lastQuery, String(fn));
  });
}

function vectorScore(a: number[], b: number[], fn: string): number | null {
  if (a.length !== b.length) return null;
  if (fn === 'l1') {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return 1 / (1 + sum);
  }
  if (fn === 'l2') {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) * (a[i]! - b[i]!);
    return 1 / (1 + Math.sqrt(sum));
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const norms = Math.sqrt(na) * Math.sqrt(nb);
  return norms === 0 ? null : dot / norms + 1;
}
