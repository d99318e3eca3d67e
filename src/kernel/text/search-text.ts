import type { LeafColumn } from '../model/column-types.js';
import type { TableModel } from '../model/table-model.js';

/**
 * What full-text search reads: the searchable column types, and the one tokenizer the core
 * uses for query terms and highlights. It matches the engines' indexes: SQLite FTS5's
 * unicode61 (categories L* N* Co M*, diacritics kept) and PostgreSQL's `simple` config over
 * text whose ASCII punctuation is turned into spaces. Words are lowercased.
 */
const SEARCHABLE_TYPES = new Set<LeafColumn['type']>(['string', 'text', 'email', 'multiple']);
const WORD = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;

/** Most distinct words a query may have: each is looked up (and, fuzzy, compared) on its own. */
export const MAX_QUERY_TERMS = 32;

export function isSearchable(leaf: LeafColumn): boolean {
  return SEARCHABLE_TYPES.has(leaf.type);
}

/** The columns a table's search index covers, in schema order (the index's column order). */
export function searchableLeaves(table: TableModel): LeafColumn[] {
  return table.leaves.filter(isSearchable);
}

export interface Token { word: string; start: number; end: number }

/** The words of a text with their positions (for highlighting). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    tokens.push({ word: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** The distinct words of a query, in order. */
export function queryWords(query: string): string[] {
  return [...new Set(tokenize(query).map((t) => t.word))];
}
