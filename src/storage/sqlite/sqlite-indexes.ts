import { sql } from 'kysely';
import { StrataError } from '../../kernel/errors.js';
import type { IndexDialect } from '../index-dialect.js';
import { createFts, dropFts, TOKENIZE, type FtsNames } from './sqlite-search.js';

/**
 * The Metadata API's indexes on SQLite. btree and unique are ordinary indexes (found by name:
 * VACUUM INTO keeps names). A search index is a contentless FTS5 table of its own, fed by
 * triggers as the table's search index is (sqlite-search.ts), with FTS5's tokenizer for its
 * language: `simple` is unicode61 (as the data API's search), `english` adds the porter
 * stemmer. FTS5 has no stemmer for other languages, SQLite no spatial index over GeoJSON text
 * and no vector index (without sqlite-vec): those are refused, naming SQLite.
 */
const TOKENIZERS: Partial<Record<string, string>> = { simple: TOKENIZE, english: `porter ${TOKENIZE}` };
const ftsNames = (name: string): FtsNames => ({ fts: `_strata_${name}`, trigger: (event) => `_strata_${name}_${event}` });
const missing = (message: string) => new StrataError('UNPROCESSABLE', `SQLite: ${message}`, { param: 'type' });

export const sqliteIndexes: IndexDialect = {
  descending: ' DESC',

  async locate(c, _table, name) {
    const r = await sql`SELECT 1 FROM "sqlite_master" WHERE "type" = 'index' AND "name" = ${name}`.execute(c.db);
    return r.rows.length > 0 ? name : undefined;
  },

  async createSearch(c, table, name, lang, fields) {
    const tokenize = TOKENIZERS[lang];
    if (!tokenize) {
      throw new StrataError('UNPROCESSABLE', `SQLite: no full-text stemmer for [${lang}] (FTS5 stems English only); use lang simple or english`, { param: 'lang' });
    }
    await createFts(c, table.name, fields.map((f) => f.leaf), ftsNames(name), tokenize);
  },

  async dropSearch(c, _table, name) {
    await dropFts(c, ftsNames(name));
  },

  async createSpatial() {
    throw missing('spatial indexes are not available (SQLite has no GiST; geometries are stored as GeoJSON text)');
  },

  async createVector() {
    throw missing('vector indexes are not available (no vector index extension such as sqlite-vec; vector search is exact)');
  },

  async createGin() {
    throw missing('gin indexes are not available (SQLite has no inverted index over json or lists); this engine builds btree, unique and search (lang simple or english) indexes');
  },
};
