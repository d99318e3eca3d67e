import type Database from 'better-sqlite3';
import { deletionKeys } from '../../kernel/text/fuzzy.js';
import { tokenize } from '../../kernel/text/search-text.js';
import { MAX_KEYED_LENGTH } from '../search-words-sql.js';

/**
 * Table-valued functions the search triggers call (sqlite-search.ts), registered on every
 * connection like the vector functions: `strata_search_words(text)` lists a text's distinct
 * words with the tokenizer of the query side (search-text.ts), and
 * `strata_search_deletions(word)` a word's one-deletion keys (fuzzy.ts). A connection without
 * them (the sqlite3 shell) cannot write to a searchable table.
 */
export function registerSearchFunctions(db: Database.Database): void {
  db.table('strata_search_words', {
    columns: ['word'],
    parameters: ['text'],
    *rows(text: unknown) {
      if (typeof text !== 'string') return;
      for (const word of new Set(tokenize(text).map((t) => t.word))) yield [word];
    },
  });
  db.table('strata_search_deletions', {
    columns: ['key'],
    parameters: ['word'],
    *rows(word: unknown) {
      if (typeof word !== 'string' || [...word].length > MAX_KEYED_LENGTH) return;
      for (const key of deletionKeys(word)) yield [key];
    },
  });
}
