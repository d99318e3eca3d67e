import { sql } from 'kysely';
import { StrataError } from '../../kernel/errors.js';
import { GIN_OPS } from '../../kernel/model/table-index.js';
import type { SearchContext } from '../search-dialect.js';
import type { IndexDialect, WeightedLeaf } from '../index-dialect.js';
import { document, ensureArrayText } from './postgres-search.js';

/**
 * The Metadata API's indexes on PostgreSQL. Every index carries a comment `strata:index:<id>`,
 * which `CREATE TABLE … (LIKE … INCLUDING ALL)` copies along while it renames the index, so a
 * branch copy's indexes are found by id (and the data API's search sync leaves them alone).
 * A search index is one GIN expression index over the fields' tsvectors in its language's
 * text search configuration, each field weighted (setweight) by its priority; spatial and
 * vector indexes need PostGIS and pgvector, installed on first use when the server offers
 * them (pg_available_extensions) and refused with a 4xx naming PostgreSQL otherwise.
 */
const LABEL = 'strata:index:';
const qualified = (c: SearchContext, name: string) => c.table(name).compile(c.db).sql;
const unavailable = (message: string, param = 'type') => new StrataError('UNPROCESSABLE', `PostgreSQL: ${message}`, { param });

/** Priorities → tsvector weights: the highest priority is A, the next B, C, and every lower one D (PostgreSQL has four). */
function weightLetters(fields: WeightedLeaf[]): string[] {
  const ranks = [...new Set(fields.map((f) => f.priority))].sort((a, b) => b - a);
  return fields.map((f) => 'ABCD'[Math.min(ranks.indexOf(f.priority), 3)]!);
}

/** The schema an extension lives in, installing it first when the server offers it. */
async function extensionSchema(c: SearchContext, extension: string, feature: string): Promise<string> {
  const schemaOf = async () => (await sql<{ s: string }>`SELECT n."nspname" AS "s" FROM pg_extension e
    JOIN pg_namespace n ON n."oid" = e."extnamespace" WHERE e."extname" = ${extension}`.execute(c.db)).rows[0]?.s;
  const installed = await schemaOf();
  if (installed) return installed;
  const offered = await sql`SELECT 1 FROM pg_available_extensions WHERE "name" = ${extension}`.execute(c.db);
  if (offered.rows.length === 0) throw unavailable(`${feature} need the ${extension} extension, which this server does not offer (pg_available_extensions)`);
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS ${sql.id(extension)}`.execute(c.db);
  } catch (err) {
    throw unavailable(`${feature} need the ${extension} extension, which could not be installed: ${(err as Error).message}`);
  }
  return (await schemaOf())!;
}

export const postgresIndexes: IndexDialect = {
  descending: ' DESC NULLS LAST',

  async locate(c, table, _name, id) {
    const r = await sql<{ name: string }>`SELECT ic."relname" AS "name" FROM pg_index i JOIN pg_class ic ON ic."oid" = i."indexrelid"
      WHERE i."indrelid" = to_regclass(${qualified(c, table.name)}) AND obj_description(i."indexrelid", 'pg_class') = ${LABEL + id}`.execute(c.db);
    return r.rows[0]?.name;
  },

  async label(c, name, id) {
    await sql`COMMENT ON INDEX ${c.table(name)} IS ${sql.lit(LABEL + id)}`.execute(c.db);
  },

  async createSearch(c, table, name, lang, fields) {
    const known = await sql`SELECT 1 FROM pg_ts_config WHERE "cfgname" = ${lang}`.execute(c.db);
    if (known.rows.length === 0) throw unavailable(`no text search configuration [${lang}] on this server (pg_ts_config)`, 'lang');
    if (fields.some((f) => f.leaf.type === 'multiple')) await ensureArrayText(c);
    const letters = weightLetters(fields);
    const parts = fields.map((f, i) => sql`setweight(COALESCE(${document(f.leaf, sql.id(f.leaf.path), lang)}, ''::tsvector), ${sql.lit(letters[i]!)})`);
    await sql`CREATE INDEX ${sql.id(name)} ON ${c.table(table.name)} USING gin ((${sql.join(parts, sql` || `)}))`.execute(c.db);
  },

  async dropSearch(c, table, name, id) {
    const found = await postgresIndexes.locate(c, table, name, id);
    if (found) await sql`DROP INDEX ${c.table(found)}`.execute(c.db);
  },

  async createSpatial(c, table, name, leaf) {
    const schema = await extensionSchema(c, 'postgis', 'spatial indexes');
    await sql`CREATE INDEX ${sql.id(name)} ON ${c.table(table.name)}
      USING gist ((${sql.id(schema, 'st_geomfromgeojson')}(${sql.id(leaf.path)}::text)) ${sql.id(schema, 'gist_geometry_ops_2d')})`.execute(c.db);
  },

  async createVector(c, table, name, leaf, op) {
    const schema = await extensionSchema(c, 'vector', 'vector indexes');
    const type = sql`${sql.id(schema, 'vector')}(${sql.lit(leaf.vector?.dimension ?? 0)})`;
    await sql`CREATE INDEX ${sql.id(name)} ON ${c.table(table.name)}
      USING hnsw ((CAST(${sql.id(leaf.path)} AS ${type})) ${sql.id(schema, op)})`.execute(c.db);
  },

  async createGin(c, table, name, leaf, op) {
    if (!GIN_OPS.includes(op)) throw unavailable(`unknown gin operator class [${op}]`, 'op');
    // text[] COLLATE "C" and jsonb: the operator class is PostgreSQL's own (array_ops, jsonb_ops, jsonb_path_ops).
    await sql`CREATE INDEX ${sql.id(name)} ON ${c.table(table.name)} USING gin (${sql.id(leaf.path)} ${sql.raw(op)})`.execute(c.db);
  },
};
