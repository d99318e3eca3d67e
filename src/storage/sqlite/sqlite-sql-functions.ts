import type Database from 'better-sqlite3';

/**
 * PostgreSQL's LIKE and ILIKE for SQL statements compiled to SQLite (storage/sql/): SQLite's
 * own LIKE ignores ASCII case and knows no escape by default, PostgreSQL's LIKE is
 * case-sensitive with `\` as escape. Registered on every connection, like the search functions.
 */
const patterns = new Map<string, RegExp>();

function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  const key = (insensitive ? 'i' : 's') + pattern;
  let re = patterns.get(key);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
      else if (c === '%') source += '[\\s\\S]*';
      else if (c === '_') source += '[\\s\\S]';
      else source += escapeRegExp(c);
    }
    re = new RegExp(`^${source}$`, insensitive ? 'iu' : 'u');
    if (patterns.size > 500) patterns.clear();
    patterns.set(key, re);
  }
  return re;
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export function registerSqlFunctions(db: Database.Database): void {
  for (const [name, insensitive] of [['pg_like', false], ['pg_ilike', true]] as const) {
    db.function(name, { deterministic: true }, (value: unknown, pattern: unknown) => {
      if (value === null || pattern === null) return null;
      return likeRegExp(String(pattern), insensitive).test(String(value)) ? 1 : 0;
    });
  }
}
