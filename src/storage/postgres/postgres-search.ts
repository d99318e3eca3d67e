import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { TableModel } from '../../kernel/model/table-model.js';
import type { SearchTerm } from '../../kernel/plans/search-plan.js';
import { sameColumns, type SearchContext, type SearchDialect } from '../search-dialect.js';
import { candidateWords, KEYS, MAX_KEYED_LENGTH, WORDS } from '../search-words-sql.js';

/**
 * Search on PostgreSQL: per searchable column a stored tsvector — a generated column
 * (`vectorColumn`: a `xata…` name, which user columns cannot take) over the column's text
 * (`simple` config, ASCII punctuation turned into spaces so that emails, paths and hyphenated
 * words split into words as in SQLite) — with a GIN index on it. PostgreSQL computes it on
 * every write, in the writer's transaction, follows renames of the column and copies it with
 * the table; ranking reads it instead of re-parsing every match's text. The generated columns
 * are never selected: Strata names the columns it reads. Typo tolerance needs the index's
 * words, which SQL cannot list: the per-branch word list (search-words-sql.ts) gets each new
 * word from an AFTER INSERT/UPDATE trigger, in the writer's transaction, and its one-deletion
 * keys from a trigger on the list. Words are never removed on delete (an unused word only
 * costs a comparison). One edit of a whole word is a key lookup; otherwise fuzzystrmatch
 * measures the length window in the server when it can be installed, or Node does. Relevance
 * is ts_rank (normalised by length) weighted per target.
 */
/** The system schema (postgres-engine.ts): a function shared by every branch, which copied indexes may use. */
const SYSTEM_SCHEMA = 'strata';
const ARRAY_TEXT = sql`${sql.id(SYSTEM_SCHEMA, '_strata_search_text')}`;
const fn = (tableId: number) => `_strata_search_${tableId}`;
const triggerName = (tableId: number) => `_strata_search_${tableId}`;
// Every ASCII punctuation and symbol character → a space (translate() is immutable, as index expressions must be).
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const SPACES = ' '.repeat(PUNCTUATION.length);

/**
 * The tsvector of a column: the expression of its stored vector (and of the Metadata API's search indexes, which
 * pass their language as `config`, a text search configuration; `simple` here).
 */
export function document(leaf: LeafColumn, ref: RawBuilder<unknown>, config = 'simple'): RawBuilder<unknown> {
  const text = leaf.type === 'multiple' ? sql`${ARRAY_TEXT}(${ref})` : ref;
  return sql`to_tsvector(${sql.lit(config)}::regconfig, translate(${text}, ${sql.lit(PUNCTUATION)}, ${sql.lit(SPACES)}))`;
}

/**
 * The generated column holding a searchable column's tsvector. Paths take up to 63 bytes, as
 * names do, so the name is a digest of the path; user columns cannot start with `xata`.
 */
export const vectorColumn = (path: string) => `${VECTOR_PREFIX}${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
const VECTOR_PREFIX = 'xata_tsv_';
const VECTOR_LIKE = 'xata\\_tsv\\_%';

/** The words of these columns of a row (from their stored vectors), for the word list. */
const wordsOf = (leaves: LeafColumn[], row: string) =>
  sql`unnest(tsvector_to_array(${sql.join(leaves.map((l) => sql`COALESCE(${sql.raw(row)}.${sql.id(vectorColumn(l.path))}, ''::tsvector)`), sql` || `)}))`;

const qualifiedText = (c: SearchContext, name: string) => c.table(name).compile(c.db).sql;

async function hasTrigger(c: SearchContext, table: TableModel): Promise<boolean> {
  const r = await sql`SELECT 1 FROM pg_trigger WHERE "tgrelid" = to_regclass(${qualifiedText(c, table.name)}) AND "tgname" = ${triggerName(table.id)}`.execute(c.db);
  return r.rows.length > 0;
}

/** The word list, its keys, and the trigger that derives the one from the other (once per branch). */
async function ensureWordList(c: SearchContext): Promise<void> {
  const words = c.table(WORDS);
  const keys = c.table(KEYS);
  await sql`CREATE TABLE IF NOT EXISTS ${words} ("table_id" integer NOT NULL, "word" text COLLATE "C" NOT NULL)`.execute(c.db);
  await sql`CREATE INDEX IF NOT EXISTS "_strata_search_words_ix" ON ${words} ("table_id", "word")`.execute(c.db);
  await sql`CREATE TABLE IF NOT EXISTS ${keys} ("table_id" integer NOT NULL, "key" text COLLATE "C" NOT NULL, "word" text COLLATE "C" NOT NULL)`.execute(c.db);
  await sql`CREATE INDEX IF NOT EXISTS "_strata_search_keys_ix" ON ${keys} ("table_id", "key")`.execute(c.db);
  const r = await sql`SELECT 1 FROM pg_trigger WHERE "tgrelid" = to_regclass(${qualifiedText(c, WORDS)}) AND "tgname" = '_strata_search_keys'`.execute(c.db);
  if (r.rows.length > 0) return;
  // Keys over characters (left/substr count characters), as fuzzy.ts's deletionKeys does over code points.
  await sql`CREATE OR REPLACE FUNCTION ${c.table('_strata_search_word_keys')}() RETURNS trigger LANGUAGE plpgsql AS $strata$
    BEGIN
      IF length(NEW."word") <= ${sql.lit(MAX_KEYED_LENGTH)} THEN
        INSERT INTO ${keys} ("table_id", "key", "word")
          SELECT DISTINCT NEW."table_id", left(NEW."word", i - 1) || substr(NEW."word", i + 1), NEW."word" FROM generate_series(1, length(NEW."word")) AS i;
      END IF;
      RETURN NULL;
    END $strata$`.execute(c.db);
  await sql`CREATE TRIGGER "_strata_search_keys" AFTER INSERT ON ${words} FOR EACH ROW EXECUTE FUNCTION ${c.table('_strata_search_word_keys')}()`.execute(c.db);
}

export async function ensureArrayText(c: SearchContext): Promise<void> {
  // array_to_string is only STABLE; an index over a multiple column needs an IMMUTABLE wrapper.
  await sql`SELECT pg_advisory_xact_lock(727276)`.execute(c.db);
  const exists = await sql<{ f: string | null }>`SELECT to_regprocedure(${`${SYSTEM_SCHEMA}._strata_search_text(text[])`})::text AS "f"`.execute(c.db);
  if (exists.rows[0]?.f) return;
  await sql`CREATE FUNCTION ${ARRAY_TEXT}(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT array_to_string($1, '' '')'`.execute(c.db);
}

/** The table's stored vectors, each with the column it is computed from (null if none: not one of ours). */
async function vectorColumns(c: SearchContext, table: TableModel): Promise<Array<{ column: string; source: string | null }>> {
  const r = await sql<{ column: string; source: string | null }>`
    SELECT a."attname" AS "column", s."attname" AS "source" FROM pg_attribute a
    JOIN pg_attrdef ad ON ad."adrelid" = a."attrelid" AND ad."adnum" = a."attnum"
    LEFT JOIN pg_depend d ON d."classid" = 'pg_attrdef'::regclass AND d."objid" = ad."oid" AND d."deptype" = 'n'
      AND d."refclassid" = 'pg_class'::regclass AND d."refobjid" = a."attrelid"
    LEFT JOIN pg_attribute s ON s."attrelid" = a."attrelid" AND s."attnum" = d."refobjsubid"
    WHERE a."attrelid" = to_regclass(${qualifiedText(c, table.name)}) AND a."attnum" > 0 AND NOT a."attisdropped"
      AND a."attgenerated" = 's' AND a."attname" LIKE ${VECTOR_LIKE}
    ORDER BY a."attnum"`.execute(c.db);
  return r.rows;
}

/**
 * One stored vector per searchable column, and a GIN index on each. A vector is found by the
 * column it is computed from, so one whose column was renamed is renamed after it (copies of a
 * branch keep them all). An added vector is computed for every row (one rewrite of the table for
 * all columns added at once). Without `fastupdate` a write updates the index itself: with it,
 * writes pile up in a pending list (up to 4 MB) that every search scans until vacuum merges it
 * (60 ms per rare-word search after 100 000 inserts). Expression indexes that are not the
 * Metadata API's are the search indexes of index versions before 3, over the text itself: dropped.
 */
async function syncVectors(c: SearchContext, table: TableModel, leaves: LeafColumn[]): Promise<void> {
  const target = c.table(table.name);
  const wanted = new Map(leaves.map((l) => [l.path, l]));
  const kept = new Set<string>();
  const renames: Array<{ from: string; to: string }> = [];
  for (const { column, source } of await vectorColumns(c, table)) {
    if (source !== null && wanted.has(source) && !kept.has(source)) {
      kept.add(source);
      if (column !== vectorColumn(source)) renames.push({ from: column, to: vectorColumn(source) });
    } else {
      await sql`ALTER TABLE ${target} DROP COLUMN ${sql.id(column)}`.execute(c.db);
    }
  }
  // Through temporary names, in case two searchable columns swapped names (`t` is not a hex digit).
  for (const [i, r] of renames.entries()) await sql`ALTER TABLE ${target} RENAME COLUMN ${sql.id(r.from)} TO ${sql.id(`${VECTOR_PREFIX}t${i}`)}`.execute(c.db);
  for (const [i, r] of renames.entries()) await sql`ALTER TABLE ${target} RENAME COLUMN ${sql.id(`${VECTOR_PREFIX}t${i}`)} TO ${sql.id(r.to)}`.execute(c.db);
  const added = leaves.filter((l) => !kept.has(l.path));
  if (added.length > 0) {
    const clauses = added.map((l) => sql`ADD COLUMN ${sql.id(vectorColumn(l.path))} tsvector GENERATED ALWAYS AS (${document(l, sql.id(l.path))}) STORED`);
    await sql`ALTER TABLE ${target} ${sql.join(clauses)}`.execute(c.db);
  }

  const r = await sql<{ index: string; column: string | null }>`
    SELECT ic."relname" AS "index", a."attname" AS "column" FROM pg_index i
    JOIN pg_class ic ON ic."oid" = i."indexrelid"
    LEFT JOIN pg_attribute a ON i."indexprs" IS NULL AND i."indnatts" = 1 AND a."attrelid" = i."indrelid" AND a."attnum" = i."indkey"[0]
    WHERE i."indrelid" = to_regclass(${qualifiedText(c, table.name)}) AND (i."indexprs" IS NOT NULL OR a."attname" LIKE ${VECTOR_LIKE})
      AND COALESCE(obj_description(i."indexrelid", 'pg_class'), '') NOT LIKE 'strata:index:%'`.execute(c.db); // the Metadata API's (postgres-indexes.ts)
  const indexed = new Set<string>();
  for (const { index, column } of r.rows) {
    if (column !== null && !indexed.has(column)) indexed.add(column);
    else await sql`DROP INDEX IF EXISTS ${c.table(index)}`.execute(c.db);
  }
  for (const leaf of leaves) {
    const column = vectorColumn(leaf.path);
    if (indexed.has(column)) continue;
    const name = `sx_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    await sql`CREATE INDEX ${sql.id(name)} ON ${target} USING gin (${sql.id(column)}) WITH (fastupdate = off)`.execute(c.db);
  }
}

/** Drops the stored vectors computed from this column (PostgreSQL refuses to drop a column a generated column reads). */
async function dropVectorsOf(c: SearchContext, table: TableModel, path: string): Promise<void> {
  for (const { column, source } of await vectorColumns(c, table)) {
    if (source === path) await sql`ALTER TABLE ${c.table(table.name)} DROP COLUMN ${sql.id(column)}`.execute(c.db);
  }
}

/** tsquery text: any of the terms (and their variants); a prefix term as `word:*`. */
function tsquery(terms: SearchTerm[], withVariants: boolean): string {
  const quote = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return terms.flatMap((t) => [quote(t.text) + (t.prefix ? ':*' : ''), ...(withVariants ? t.variants.map(quote) : [])]).join(' | ');
}

/** Where fuzzystrmatch lives in this database, if it is (or can be) installed; per storage (pool). */
const fuzzyFunctions = new WeakMap<Kysely<any>, Promise<string | null>>();

function fuzzystrmatch(db: Kysely<any>): Promise<string | null> {
  let found = fuzzyFunctions.get(db);
  if (!found) {
    const schemaOf = async () => (await sql<{ s: string }>`SELECT n."nspname" AS "s" FROM pg_extension e
      JOIN pg_namespace n ON n."oid" = e."extnamespace" WHERE e."extname" = 'fuzzystrmatch'`.execute(db)).rows[0]?.s ?? null;
    found = (async () => {
      const schema = await schemaOf();
      if (schema) return schema;
      // A trusted extension since PostgreSQL 13; without it, distances are measured in Node.
      try { await sql`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`.execute(db); } catch { /* not available or not allowed */ }
      return schemaOf();
    })();
    fuzzyFunctions.set(db, found);
  }
  return found;
}

export const postgresSearch: SearchDialect = {
  async hasStateTable(c) {
    const r = await sql<{ e: boolean }>`SELECT to_regclass(${qualifiedText(c, '_strata_search')}) IS NOT NULL AS "e"`.execute(c.db);
    return r.rows[0]?.e === true;
  },

  async sync(c, table, leaves, covered) {
    const words = c.table(WORDS);
    await ensureWordList(c);
    if (leaves.some((l) => l.type === 'multiple')) await ensureArrayText(c);
    await syncVectors(c, table, leaves);
    const target = c.table(table.name);
    const name = sql.id(triggerName(table.id));
    if (leaves.length === 0) {
      await sql`DROP TRIGGER IF EXISTS ${name} ON ${target}`.execute(c.db);
      await sql`DROP FUNCTION IF EXISTS ${c.table(fn(table.id))}()`.execute(c.db);
      await sql`DELETE FROM ${words} WHERE "table_id" = ${table.id}`.execute(c.db);
      await sql`DELETE FROM ${c.table(KEYS)} WHERE "table_id" = ${table.id}`.execute(c.db);
      return;
    }
    // One indexed lookup per distinct word of the row (a join could be planned, and cached, as a
    // scan of the whole list). Concurrent writers may add the same new word twice: harmless (read
    // with DISTINCT), and without a unique index they never wait on each other.
    const body = sql`DECLARE w text;
    BEGIN
      FOR w IN SELECT DISTINCT x FROM ${wordsOf(leaves, 'NEW')} AS x LOOP
        IF NOT EXISTS (SELECT 1 FROM ${words} s WHERE s."table_id" = ${sql.lit(table.id)} AND s."word" = w) THEN
          INSERT INTO ${words} ("table_id", "word") VALUES (${sql.lit(table.id)}, w);
        END IF;
      END LOOP;
      RETURN NULL;
    END`;
    // Column names live in the function body, so it is rewritten on every schema change. Its
    // plans are cached from the first call, maybe while the list was nearly empty: keep them on the index.
    await sql`CREATE OR REPLACE FUNCTION ${c.table(fn(table.id))}() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off AS $strata$ ${body} $strata$`.execute(c.db);
    const paths = leaves.map((l) => l.path);
    if (!covered || !sameColumns(covered, paths) || !(await hasTrigger(c, table))) {
      // The trigger's lock waits for writes in flight and holds new ones until commit, so the
      // words read below are all there are.
      await sql`DROP TRIGGER IF EXISTS ${name} ON ${target}`.execute(c.db);
      await sql`CREATE TRIGGER ${name} AFTER INSERT OR UPDATE OF ${sql.join(leaves.map((l) => sql.id(l.path)))} ON ${target}
        FOR EACH ROW EXECUTE FUNCTION ${c.table(fn(table.id))}()`.execute(c.db);
    }
    if (!covered) {
      await sql`DELETE FROM ${words} WHERE "table_id" = ${table.id}`.execute(c.db);
      await sql`DELETE FROM ${c.table(KEYS)} WHERE "table_id" = ${table.id}`.execute(c.db);
    }
    const fill = covered ? leaves.filter((l) => !covered.includes(l.path)) : leaves;
    if (fill.length > 0) {
      // Every reference qualified: the table's own columns may be named like anything here (`w`, `word`, …).
      await sql`INSERT INTO ${words} ("table_id", "word")
        SELECT DISTINCT ${sql.lit(table.id)}, "_w"."word" FROM ${target} AS "_t", ${wordsOf(fill, '"_t"')} AS "_w"("word")
        WHERE NOT EXISTS (SELECT 1 FROM ${words} AS "_s" WHERE "_s"."table_id" = ${sql.lit(table.id)} AND "_s"."word" = "_w"."word")`.execute(c.db);
    }
  },

  async drop(c, tableId) {
    await sql`DROP FUNCTION IF EXISTS ${c.table(fn(tableId))}() CASCADE`.execute(c.db);
    const exists = await sql<{ e: boolean }>`SELECT to_regclass(${qualifiedText(c, WORDS)}) IS NOT NULL AS "e"`.execute(c.db);
    if (exists.rows[0]?.e) {
      await sql`DELETE FROM ${c.table(WORDS)} WHERE "table_id" = ${tableId}`.execute(c.db);
      await sql`DELETE FROM ${c.table(KEYS)} WHERE "table_id" = ${tableId}`.execute(c.db);
    }
  },

  // The trigger's UPDATE OF list and the column's stored vector depend on the column, so they
  // go first; the schema change's sync re-creates the trigger. The word list stays valid.
  async beforeDropColumn(c, table, leaf) {
    await sql`DROP TRIGGER IF EXISTS ${sql.id(triggerName(table.id))} ON ${c.table(table.name)}`.execute(c.db);
    await dropVectorsOf(c, table, leaf.path);
    return false;
  },

  async candidateTerms(c, table, term) {
    const length = [...term.text].length;
    const k = term.edits;
    const schema = length + k <= 255 ? await fuzzystrmatch(c.db) : null; // levenshtein takes at most 255 characters
    if (!schema) return candidateWords(c, table.id, term);
    // A prefilter for the length window: levenshtein counts a transposition as two edits, so it
    // allows 2k; the exact distance (transpositions as one edit) is applied in Node by nearestTerms.
    const lev = (word: RawBuilder<unknown>) => sql`${sql.id(schema, 'levenshtein_less_equal')}(${word}, ${term.text}, ${2 * k}) <= ${2 * k}`;
    // A prefix term is near a word when it is near one of the word's prefixes of about its length.
    const tests = term.prefix
      ? Array.from({ length: 2 * k + 1 }, (_, i) => length - k + i).filter((n) => n > 0).map((n) => lev(sql`left("word", ${n})`))
      : [sql`CASE WHEN length("word") <= 255 THEN ${lev(sql`"word"`)} ELSE false END`];
    return candidateWords(c, table.id, term, sql`(${sql.join(tests, sql` OR `)})`);
  },

  match(_c, plan) {
    const query = sql`to_tsquery('simple'::regconfig, ${tsquery(plan.terms, true)})`;
    // The stored vectors (their GIN indexes find the matches; ts_rank reads them without re-parsing).
    const docs = plan.targets.map((t) => ({ doc: sql.id('t0', vectorColumn(t.leaf.path)), weight: t.weight }));
    const matches = (q: RawBuilder<unknown>) => sql`(${sql.join(docs.map((d) => sql`${d.doc} @@ ${q}`), sql` OR `)})`;
    const hasVariants = plan.terms.some((t) => t.variants.length > 0);
    return {
      where: matches(query),
      // ts_rank normalisation 1: divided by 1 + log(length), so a word in a short value counts more (as bm25's does).
      // A column without a value ranks NULL: it counts as 0, not as a NULL total.
      rank: sql`(${sql.join(docs.map((d) => sql`${sql.lit(d.weight)} * COALESCE(ts_rank(${d.doc}, ${query}, 1), 0)`), sql` + `)})`,
      ...(hasVariants ? { exact: matches(sql`to_tsquery('simple'::regconfig, ${tsquery(plan.terms, false)})`) } : {}),
    };
  },

  // enable_seqscan = off for the one statement (a penalty, not a ban: the GIN index is always there
  // to match with). Outside a transaction it takes one; inside, the setting is put back after.
  async throughIndex(db, run) {
    if (!db.isTransaction) {
      return db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        return run(trx);
      });
    }
    const was = await sql<{ was: string }>`SELECT current_setting('enable_seqscan') AS "was", set_config('enable_seqscan', 'off', true)`.execute(db);
    const result = await run(db);
    await sql`SELECT set_config('enable_seqscan', ${was.rows[0]?.was ?? 'on'}, true)`.execute(db);
    return result;
  },

  float: (value) => sql`CAST(${value} AS double precision)`,
  epochMs: (value) => sql`CAST(extract(epoch from ${value}) * 1000 AS double precision)`,
};
