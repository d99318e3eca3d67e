import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * A branch's indexes as the engine's own catalog lists them (sqlite_master and pragmas,
 * pg_index), on a connection of its own: what really exists, not what Strata's catalog says.
 */
export interface EngineIndex { name: string; unique: boolean; columns: Array<{ name: string; desc: boolean }>; definition: string }
export interface EngineCatalog {
  /** Plain column indexes of a table (primary key, expression indexes and the search index's, on generated columns, left out), by name. */
  indexes(table: string): Promise<EngineIndex[]>;
  /** SQL text of objects whose name starts with `prefix`: SQLite tables/triggers, PostgreSQL index definitions. */
  objects(table: string, prefix: string): Promise<string[]>;
  /** Rows of a query. */
  rows(query: string, params: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** The query plan of a SELECT, as text. */
  explain(query: string, params: unknown[]): Promise<string>;
  close(): Promise<void>;
}

export async function engineCatalog(config: { dataDir: string; databaseUrl?: string }, branchId: number): Promise<EngineCatalog> {
  if (!config.databaseUrl) {
    const db = new Database(path.join(config.dataDir, 'branches', `branch-${branchId}.db`), { readonly: true, fileMustExist: true });
    return {
      async indexes(table) {
        const list = db.prepare(`SELECT name, "unique" AS u FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name`).all(table) as Array<{ name: string; u: number }>;
        return list.map((ix) => ({
          name: ix.name, unique: ix.u === 1,
          columns: (db.prepare('SELECT name, "desc" AS d FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(ix.name) as Array<{ name: string; d: number }>)
            .map((c) => ({ name: c.name, desc: c.d === 1 })),
          definition: (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(ix.name) as { sql: string }).sql,
        }));
      },
      async objects(_table, prefix) {
        return (db.prepare(`SELECT sql FROM sqlite_master WHERE substr(name, 1, length(?)) = ? ORDER BY name`).all(prefix, prefix) as Array<{ sql: string }>).map((r) => r.sql);
      },
      async rows(query, params) {
        return db.prepare(query).all(...params) as Array<Record<string, unknown>>;
      },
      async explain(query, params) {
        return (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      },
      async close() { db.close(); },
    };
  }
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  const schema = `strata_branch_${branchId}`;
  await client.query(`SET search_path TO "${schema}"`);
  return {
    async indexes(table) {
      const r = await client.query(`SELECT ic.relname AS name, i.indisunique AS u, pg_get_indexdef(i.indexrelid) AS def,
          ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols,
          ARRAY(SELECT (o & 1) = 1 FROM unnest(i.indoption::int2[]) WITH ORDINALITY x(o, ord) ORDER BY ord)::bool[] AS descs
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE n.nspname = $1 AND c.relname = $2 AND NOT i.indisprimary AND i.indexprs IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_attribute g WHERE g.attrelid = i.indrelid AND g.attnum = ANY (i.indkey) AND g.attgenerated <> '')
        ORDER BY ic.relname`, [schema, table]);
      return r.rows.map((row) => ({
        name: row.name, unique: row.u, definition: row.def,
        columns: (row.cols as string[]).map((name, i) => ({ name, desc: (row.descs as boolean[])[i] === true })),
      }));
    },
    async objects(table, prefix) {
      const r = await client.query(`SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE n.nspname = $1 AND c.relname = $2 AND left(ic.relname, length($3)) = $3 ORDER BY ic.relname`, [schema, table, prefix]);
      return r.rows.map((row) => row.def as string);
    },
    async rows(query, params) {
      return (await client.query(query, params)).rows;
    },
    async explain(query, params) {
      // A small table would be scanned whatever its indexes; ask whether the index CAN serve the query.
      await client.query('SET enable_seqscan = off');
      const r = await client.query(`EXPLAIN ${query}`, params);
      return r.rows.map((row) => row['QUERY PLAN'] as string).join('\n');
    },
    async close() { await client.end(); },
  };
}
