import { sql, type RawBuilder } from 'kysely';
import type { LeafColumn } from '../../kernel/model/column-types.js';
import type { SearchTerm } from '../../kernel/plans/search-plan.js';
import { sameColumns, type SearchContext, type SearchDialect } from '../search-dialect.js';
import { candidateWords, KEYS, WORDS } from '../search-words-sql.js';

/**
 * Search on SQLite: per table a contentless FTS5 table (`_strata_fts_<table id>`, one column
 * per searchable column, rowid = the record's rowid) fed by AFTER INSERT/UPDATE/DELETE
 * triggers, so it changes in the writer's transaction. The same triggers add the record's
 * words to the branch's word list (search-words-sql.ts) through `strata_search_words`
 * (sqlite-search-functions.ts), for typo tolerance; a variant found there is used only if the
 * FTS table still holds it. Relevance is FTS5's bm25 with the targets' weights.
 *
 * Renames need nothing (SQLite rewrites triggers; the index is keyed by table id and column
 * position); a column added or dropped rebuilds the index. VACUUM INTO (branch copies) keeps
 * rowids, and a schema-only copy empties its tables through the triggers.
 */
const fts = (tableId: number) => `_strata_fts_${tableId}`;
/** The fts5vocab table of index version 1, dropped on rebuild. */
const vocab = (tableId: number) => `_strata_fts_${tableId}_vocab`;
const trigger = (tableId: number, event: 'ins' | 'del' | 'upd') => `_strata_fts_${tableId}_${event}`;
// unicode61 over letters, digits, private use and marks; diacritics kept (as PostgreSQL's `simple` config does).
export const TOKENIZE = `unicode61 remove_diacritics 0 categories 'L* N* Co M*'`;

/** A column's indexed text: a multiple column's elements joined by spaces (not its JSON, whose escapes would leak words). */
function textOf(leaf: LeafColumn, row: string): RawBuilder<unknown> {
  const ref = sql`${sql.raw(row)}.${sql.id(leaf.path)}`;
  return leaf.type === 'multiple' ? sql`(SELECT group_concat("value", ' ') FROM json_each(${ref}))` : ref;
}

const ftsColumns = (leaves: LeafColumn[]) => leaves.map((_, i) => sql.id(`c${i}`));

/** The record's words into the word list (whose trigger adds their keys). */
function addWords(tableId: number, leaves: LeafColumn[], row: string): RawBuilder<unknown> {
  const text = sql.join(leaves.map((l) => sql`coalesce(${textOf(l, row)}, '')`), sql` || ' ' || `);
  return sql`INSERT OR IGNORE INTO ${sql.id(WORDS)} ("table_id", "word") SELECT ${sql.lit(tableId)}, "word" FROM strata_search_words(${text});`;
}

async function ensureWordList(c: SearchContext): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS ${sql.id(WORDS)} ("table_id" integer NOT NULL, "word" text NOT NULL, PRIMARY KEY ("table_id", "word")) WITHOUT ROWID`.execute(c.db);
  await sql`CREATE TABLE IF NOT EXISTS ${sql.id(KEYS)} ("table_id" integer NOT NULL, "key" text NOT NULL, "word" text NOT NULL, PRIMARY KEY ("table_id", "key", "word")) WITHOUT ROWID`.execute(c.db);
  await sql`CREATE TRIGGER IF NOT EXISTS "_strata_search_words_keys" AFTER INSERT ON ${sql.id(WORDS)} BEGIN
    INSERT OR IGNORE INTO ${sql.id(KEYS)} ("table_id", "key", "word") SELECT new."table_id", "key", new."word" FROM strata_search_deletions(new."word");
    END`.execute(c.db);
}

/**
 * An FTS5 index's objects: the FTS table and its triggers; for a table's own (data API) index
 * also the table whose word list (typo candidates) the triggers feed, and index version 1's
 * fts5vocab table, dropped on rebuild.
 */
export interface FtsNames { fts: string; trigger: (event: 'ins' | 'del' | 'upd') => string; words?: { tableId: number; legacyVocab: string } }
const tableIndex = (tableId: number): FtsNames => ({ fts: fts(tableId), trigger: (event) => trigger(tableId, event), words: { tableId, legacyVocab: vocab(tableId) } });

export async function dropFts(c: SearchContext, names: FtsNames): Promise<void> {
  for (const event of ['ins', 'del', 'upd'] as const) await sql`DROP TRIGGER IF EXISTS ${sql.id(names.trigger(event))}`.execute(c.db);
  if (names.words) await sql`DROP TABLE IF EXISTS ${sql.id(names.words.legacyVocab)}`.execute(c.db);
  await sql`DROP TABLE IF EXISTS ${sql.id(names.fts)}`.execute(c.db);
  if (!names.words) return;
  const words = await sql`SELECT 1 FROM "sqlite_master" WHERE "type" = 'table' AND "name" = ${WORDS}`.execute(c.db);
  if (words.rows.length === 0) return;
  await sql`DELETE FROM ${sql.id(WORDS)} WHERE "table_id" = ${names.words.tableId}`.execute(c.db);
  await sql`DELETE FROM ${sql.id(KEYS)} WHERE "table_id" = ${names.words.tableId}`.execute(c.db);
}

/**
 * A contentless FTS5 index over `leaves` of a table (column i is `c<i>`), fed by triggers in
 * the writer's transaction and filled from the table's records. Also used by the Metadata
 * API's search indexes (sqlite-indexes.ts), with their own names and tokenizer.
 */
export async function createFts(c: SearchContext, tableName: string, leaves: LeafColumn[], names: FtsNames, tokenize = TOKENIZE): Promise<void> {
  const index = sql.id(names.fts);
  const columns = ftsColumns(leaves);
  await sql`CREATE VIRTUAL TABLE ${index} USING fts5(${sql.join(columns)}, content='', contentless_delete=1, tokenize=${sql.lit(tokenize)})`.execute(c.db);
  if (names.words) await ensureWordList(c);
  const target = c.table(tableName);
  const insert = sql`INSERT INTO ${index} ("rowid", ${sql.join(columns)}) VALUES (new.rowid, ${sql.join(leaves.map((l) => textOf(l, 'new')))});
    ${names.words ? addWords(names.words.tableId, leaves, 'new') : sql``}`;
  const remove = sql`DELETE FROM ${index} WHERE "rowid" = old.rowid;`;
  await sql`CREATE TRIGGER ${sql.id(names.trigger('ins'))} AFTER INSERT ON ${target} BEGIN ${insert} END`.execute(c.db);
  await sql`CREATE TRIGGER ${sql.id(names.trigger('del'))} AFTER DELETE ON ${target} BEGIN ${remove} END`.execute(c.db);
  // Only writes that set an indexed column touch the index.
  await sql`CREATE TRIGGER ${sql.id(names.trigger('upd'))} AFTER UPDATE OF ${sql.join(leaves.map((l) => sql.id(l.path)))} ON ${target}
    BEGIN ${remove} ${insert} END`.execute(c.db);
  await sql`INSERT INTO ${index} ("rowid", ${sql.join(columns)})
    SELECT "t".rowid, ${sql.join(leaves.map((l) => textOf(l, '"t"')))} FROM ${target} AS "t"`.execute(c.db);
  if (names.words) {
    const text = sql.join(leaves.map((l) => sql`coalesce(${textOf(l, '"t"')}, '')`), sql` || ' ' || `);
    await sql`INSERT OR IGNORE INTO ${sql.id(WORDS)} ("table_id", "word")
      SELECT DISTINCT ${sql.lit(names.words.tableId)}, "w"."word" FROM ${target} AS "t", strata_search_words(${text}) AS "w"`.execute(c.db);
  }
}

/** An FTS5 query: any of the terms (and their variants) in the target columns. */
function ftsQuery(columns: string[], terms: SearchTerm[], withVariants: boolean): string {
  const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;
  const parts = terms.flatMap((t) => [quote(t.text) + (t.prefix ? ' *' : ''), ...(withVariants ? t.variants.map(quote) : [])]);
  return `{${columns.join(' ')}} : (${parts.join(' OR ')})`;
}

export const sqliteSearch: SearchDialect = {
  async hasStateTable(c) {
    const r = await sql`SELECT 1 FROM "sqlite_master" WHERE "type" = 'table' AND "name" = '_strata_search'`.execute(c.db);
    return r.rows.length > 0;
  },

  async sync(c, table, leaves, covered) {
    if (covered && sameColumns(covered, leaves.map((l) => l.path))) return;
    await dropFts(c, tableIndex(table.id));
    if (leaves.length > 0) await createFts(c, table.name, leaves, tableIndex(table.id));
  },

  async drop(c, tableId) {
    await dropFts(c, tableIndex(tableId));
  },

  async beforeDropColumn(c, table) {
    // SQLite refuses to drop a column a trigger names; the index is rebuilt without it afterwards.
    for (const event of ['ins', 'del', 'upd'] as const) await sql`DROP TRIGGER IF EXISTS ${sql.id(trigger(table.id, event))}`.execute(c.db);
    return true;
  },

  candidateTerms: (c, table, term) => candidateWords(c, table.id, term),

  async liveTerms(c, table, words) {
    // The word list keeps words whose records are gone: a variant counts if the index still has it.
    const index = sql.id(fts(table.id));
    const r = await sql<{ value: string }>`SELECT "value" FROM json_each(${JSON.stringify(words)}) AS "w"
      WHERE EXISTS (SELECT 1 FROM ${index} WHERE ${index} MATCH '"' || replace("w"."value", '"', '""') || '"')
      ORDER BY "w"."key"`.execute(c.db);
    return r.rows.map((row) => row.value);
  },

  match(_c, plan, leaves) {
    const index = sql.id(fts(plan.table.id));
    const columns = plan.targets.map((t) => `c${leaves.indexOf(t.leaf)}`);
    // bm25 weighs each index column; columns outside the targets weigh nothing (and are not matched).
    const weights = leaves.map((leaf) => sql.lit(plan.targets.find((t) => t.leaf === leaf)?.weight ?? 0));
    const hasVariants = plan.terms.some((t) => t.variants.length > 0);
    return {
      join: sql` JOIN (SELECT "rowid" AS "rid", -bm25(${index}, ${sql.join(weights)}) AS "rank" FROM ${index}
        WHERE ${index} MATCH ${ftsQuery(columns, plan.terms, true)}) AS "_m" ON "_m"."rid" = "t0".rowid`,
      rank: sql`"_m"."rank"`,
      ...(hasVariants ? { exact: sql`"_m"."rid" IN (SELECT "rowid" FROM ${index} WHERE ${index} MATCH ${ftsQuery(columns, plan.terms, false)})` } : {}),
    };
  },

  float: (value) => sql`CAST(${value} AS REAL)`,
  epochMs: (value) => sql`CAST(${value} AS REAL)`,
};
