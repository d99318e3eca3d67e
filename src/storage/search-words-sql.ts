import { sql, type RawBuilder } from 'kysely';
import { deletionKeys } from '../kernel/text/fuzzy.js';
import type { TermToExpand } from '../kernel/plans/search-plan.js';
import type { SearchContext } from './search-dialect.js';

/**
 * The word list behind typo tolerance, the same on both engines: `_strata_search_words`
 * (table id, word) holds every word the table's index has held, fed by the engine's record
 * triggers in the writer's transaction; `_strata_search_keys` (table id, key, word) holds each
 * word's one-deletion keys (fuzzy.ts `deletionKeys`), fed by a trigger on the word list, so
 * a word's neighbours within one edit are a few indexed lookups instead of a scan of the list.
 * Words are never removed when records go (an unused word costs a lookup, and SQLite checks
 * each variant against its index before using it); a rebuild of a table's index starts afresh.
 */
export const WORDS = '_strata_search_words';
export const KEYS = '_strata_search_keys';
/** Longer words get no keys (a long token — a hash, a blob of base64 — would add one long key per character); a longer query term scans the length window. */
export const MAX_KEYED_LENGTH = 32;

/**
 * Words that may be within the term's edits: for one edit of a whole word, the words sharing
 * a key with it (a superset of its neighbours; the caller measures); otherwise every word in
 * the length window, to be measured by the caller or narrowed by `filter` (the engine's own
 * distance prefilter).
 */
export async function candidateWords(c: SearchContext, tableId: number, term: TermToExpand, filter?: RawBuilder<unknown>): Promise<string[]> {
  const length = [...term.text].length;
  if (term.edits === 1 && !term.prefix && length <= MAX_KEYED_LENGTH) {
    const keys = deletionKeys(term.text);
    const r = await sql<{ word: string }>`SELECT "word" FROM ${c.table(KEYS)} WHERE "table_id" = ${tableId} AND "key" IN (${sql.join([term.text, ...keys])})
      UNION SELECT "word" FROM ${c.table(WORDS)} WHERE "table_id" = ${tableId} AND "word" IN (${sql.join(keys)})`.execute(c.db);
    return r.rows.map((row) => row.word);
  }
  const longest = term.prefix ? sql`` : sql` AND length("word") <= ${length + term.edits}`;
  const r = await sql<{ word: string }>`SELECT DISTINCT "word" FROM ${c.table(WORDS)}
    WHERE "table_id" = ${tableId} AND length("word") >= ${length - term.edits}${longest}${filter ? sql` AND ${filter}` : sql``}`.execute(c.db);
  return r.rows.map((row) => row.word);
}
