import { sql } from 'kysely';
import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { IdKind } from '../../kernel/model/table-model.js';
import { StrataError } from '../../kernel/errors.js';
import { limitExceeded } from '../../kernel/request-limits.js';
import type { SqlDialect } from '../sql-dialect.js';
import { likePattern } from '../filter-sql.js';
import type { PatternPart } from '../../kernel/plans/filter-ast.js';
import { sqliteSearch } from './sqlite-search.js';
import { sqliteIndexes } from './sqlite-indexes.js';
import { notUnique } from '../index-sql.js';
import { isOutOfSpace, storageFull } from '../../core/ports/storage-full.js';

/** Xata patterns as GLOB patterns (case-sensitive, unlike SQLite's LIKE): `*` `?` `[` are bracketed. */
function globPattern(parts: PatternPart[]): string {
  return parts.map((p) => ('literal' in p ? p.literal.replace(/[*?[]/g, (c) => `[${c}]`) : p.wildcard === 'many' ? '*' : '?')).join('');
}

/**
 * SQLite storage of logical values: datetimes as epoch milliseconds (INTEGER), booleans
 * as 0/1, arrays, vectors and json as JSON text. STRICT-like affinity is kept by the core,
 * which validates every value before it reaches SQL.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  timestampType: 'INTEGER',

  idColumn(kind: IdKind): string {
    return kind === 'int' ? '"id" INTEGER PRIMARY KEY AUTOINCREMENT' : '"id" TEXT PRIMARY KEY NOT NULL';
  },

  columnType(leaf: LeafColumn, linkIdKind: IdKind | undefined): string {
    switch (leaf.type) {
      case 'int': case 'bool': case 'datetime': return 'INTEGER';
      case 'float': return 'REAL';
      case 'link': return linkIdKind === 'int' ? 'INTEGER' : 'TEXT';
      default: return 'TEXT';
    }
  },

  encode(leaf: LeafColumn, value: unknown): unknown {
    switch (leaf.type) {
      case 'bool': return value ? 1 : 0;
      case 'multiple': case 'vector': case 'json': case 'file': case 'file[]': return JSON.stringify(value);
      default: return value;
    }
  },

  decode(leaf: LeafColumn, raw: unknown): unknown {
    switch (leaf.type) {
      case 'bool': return raw === 1 || raw === 1n;
      case 'multiple': case 'vector': case 'json': case 'file': case 'file[]': return JSON.parse(String(raw));
      case 'int': case 'datetime': return Number(raw);
      default: return raw;
    }
  },

  encodeTimestamp: (ms) => ms,
  decodeTimestamp: (raw) => Number(raw),

  mapError(err: unknown): StrataError | undefined {
    const code = (err as { code?: string }).code;
    const message = String((err as Error).message ?? '');
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // `t.a` or, for a composite unique index, `t.a, t.b`.
      const columns = /UNIQUE constraint failed: (.+)$/.exec(message)?.[1]?.split(', ').map((c) => c.slice(c.indexOf('.') + 1));
      return new StrataError('CONSTRAINT_VIOLATION', notUnique(columns));
    }
    if (message.startsWith('too many SQL variables')) return limitExceeded('SQL variables in one statement', 'sqlVariables');
    if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
      const column = /NOT NULL constraint failed: [^.]+\.(.+)$/.exec(message)?.[1];
      return new StrataError('INVALID_VALUE', column ? `column [${column}]: value is required` : 'a required value is missing');
    }
    if (isOutOfSpace(err)) return storageFull();
    return undefined;
  },

  // SQLite's LIKE folds ASCII case only; GLOB is case-sensitive.
  patternText: (pattern, caseInsensitive) => (caseInsensitive ? likePattern(pattern) : globPattern(pattern)),
  matchPattern(value, patternText, caseInsensitive) {
    return caseInsensitive ? sql`${value} LIKE ${patternText} ESCAPE '\\'` : sql`${value} GLOB ${patternText}`;
  },

  arrayElements(column, alias) {
    return sql`json_each(${column}) AS ${sql.id(alias)}`;
  },

  jsonPathText: (path) => `$${path.map((step) => ('key' in step ? `."${step.key}"` : `[${step.index}]`)).join('')}`,
  jsonAt(column, pathText, alias) {
    // json_type names integer/real/text/true/false; the path is bound once and read from "_p".
    const type = sql`json_type(${column}, "_p"."p")`;
    const typed = sql`CASE ${type} WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'text' THEN 'string' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' ELSE ${type} END`;
    const raw = sql`SELECT ${typed} AS "t", ${column} ->> "_p"."p" AS "v", ${column} -> "_p"."p" AS "j" FROM (SELECT ${pathText} AS "p") AS "_p"`;
    return sql`(SELECT "t", CASE WHEN "t" = 'string' THEN "v" END AS "s", CASE WHEN "t" = 'number' THEN "v" END AS "n", "j" FROM (${raw}) AS "_q" WHERE "t" IS NOT NULL AND "t" <> 'null') AS ${sql.id(alias)}`;
  },
  jsonStrings(json, alias) {
    return sql`(SELECT "value" FROM json_each(CASE WHEN json_type(${json}) = 'array' THEN ${json} ELSE '[]' END) WHERE "type" = 'text') AS ${sql.id(alias)}`;
  },
  // Functions registered on every connection (sqlite-json-functions.ts): SQLite compares JSON only as text.
  jsonGroupKey: (column) => sql`strata_json_canonical(${column})`,
  jsonSortText: (key) => key, // already jsonb's text
  jsonEquals: (json, jsonText) => sql`strata_json_equal(${json}, ${jsonText})`,

  async resetIdentity(db, _table, name) {
    // AUTOINCREMENT keeps each table's high-water mark in sqlite_sequence; without a row it starts at 1.
    await sql`DELETE FROM sqlite_sequence WHERE name = ${name}`.execute(db);
  },
  async nextIdentity(db, table, name) {
    // The high-water mark, or the largest id should the table never have handed one out.
    const r = await sql<{ n: number | null }>`SELECT MAX(COALESCE((SELECT "seq" FROM sqlite_sequence WHERE name = ${name}), 0),
      COALESCE((SELECT MAX("id") FROM ${table}), 0)) AS "n"`.execute(db);
    return Number(r.rows[0]?.n ?? 0) + 1;
  },
  async setNextIdentity(db, _table, name, next) {
    await sql`DELETE FROM sqlite_sequence WHERE name = ${name}`.execute(db);
    if (next > 1) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${name}, ${next - 1})`.execute(db);
  },

  // Datetimes are stored as epoch ms already.
  epochMs: (value) => value,

  startOfCalendar(wallMs, unit) {
    // Whole seconds (floored, also before 1970), then SQLite's date modifiers; a quarter is
    // the start of the month moved back to the quarter's first month.
    const seconds = sql`((${wallMs}) - ((((${wallMs}) % 1000) + 1000) % 1000)) / 1000`;
    const modifiers = unit === 'year' ? sql`'start of year'`
      : unit === 'month' ? sql`'start of month'`
      : sql`'start of month', '-' || ((CAST(strftime('%m', ${seconds}, 'unixepoch') AS INTEGER) - 1) % 3) || ' months'`;
    return sql`(CAST(strftime('%s', ${seconds}, 'unixepoch', ${modifiers}) AS INTEGER) * 1000)`;
  },

  // A JS aggregate registered on every connection (sqlite-percentile-function.ts): the rule needs the group's count and sorted values.
  percentile: (value, q) => sql`strata_percentile(${value}, ${sql.lit(q)})`,

  // A function registered on every connection (sqlite-vector-functions.ts): SQLite has no arrays to do it in SQL.
  vectorScore: (column, query, fn) => sql`strata_vector_score(${column}, ${JSON.stringify(query)}, ${fn})`,

  // One writer at a time: nothing to lock.
  forUpdate: '',
  forKeyShare: '',
  notNullNeedsDdlDefault: true,

  async beforeDropColumn(db, tableName, path) {
    // SQLite refuses to drop an indexed column; drop the column's own indexes first.
    const indexes = await sql<{ name: string }>`
      SELECT il."name" AS "name" FROM pragma_index_list(${tableName}) il
      WHERE il."origin" = 'c' AND EXISTS (SELECT 1 FROM pragma_index_info(il."name") ii WHERE ii."name" = ${path})`.execute(db);
    for (const index of indexes.rows) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  },

  search: sqliteSearch,
  indexes: sqliteIndexes,
};
