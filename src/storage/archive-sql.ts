import { sql, type Kysely } from 'kysely';
import type { TableModel } from '../kernel/model/table-model.js';
import type { ArchivedRecord, SystemRow, SystemTableName } from '../core/ports/archive-store.js';
import type { BranchSqlOptions } from './branch-sql.js';

/**
 * The SQL of archives, shared by both engines: records read in id order with their system
 * columns (written back by BranchSql.insertArchivedRecords, the import's insert); the instance's tables read and written row for row.
 */

const SYSTEM = ['"id"', '"xata_version"', '"xata_createdat"', '"xata_updatedat"'];

export async function readArchivedRecords(db: Kysely<any>, opts: BranchSqlOptions, table: TableModel, after: string | number | undefined, limit: number): Promise<ArchivedRecord[]> {
  const leaves = table.leaves;
  const columns = sql.join([...SYSTEM.map((c) => sql.raw(c)), ...leaves.map((l) => sql.id(l.path))]);
  const where = after === undefined ? sql`` : sql`WHERE "id" > ${after}`;
  const r = await sql<Record<string, unknown>>`SELECT ${columns} FROM ${opts.table(table.name)} ${where} ORDER BY "id" LIMIT ${limit}`.execute(db);
  const d = opts.dialect;
  return r.rows.map((row) => {
    const values: Record<string, unknown> = {};
    for (const leaf of leaves) {
      const raw = row[leaf.path];
      if (raw !== null && raw !== undefined) values[leaf.path] = d.decode(leaf, raw);
    }
    const id = row.id as string | number;
    return {
      id: table.idKind === 'int' ? Number(id) : String(id), version: Number(row.xata_version),
      createdAt: d.decodeTimestamp(row.xata_createdat), updatedAt: d.decodeTimestamp(row.xata_updatedat), values,
    };
  });
}

/** Instance rows of one workspace, or every row when no workspace is named. */
export async function readSystemRows(db: Kysely<any>, table: SystemTableName, databaseId?: number): Promise<SystemRow[]> {
  const scoped: Partial<Record<SystemTableName, string>> = { databases: 'id', branches: 'database_id', members: 'database_id', workspace_files: 'database_id' };
  let where = sql``;
  if (databaseId !== undefined) {
    const column = scoped[table];
    if (!column) return [];
    where = sql`WHERE ${sql.id(column)} = ${databaseId}`;
  }
  const order = table === 'settings' ? sql`"key"` : table === 'members' ? sql`"account_id", "database_id"` : sql`"id"`;
  const r = await sql<SystemRow>`SELECT * FROM ${sql.id(table)} ${where} ORDER BY ${order}`.execute(db);
  return r.rows.map((row) => {
    const out: SystemRow = {};
    for (const [k, v] of Object.entries(row)) out[k] = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as string | number);
    return out;
  });
}

const IDENTITY_TABLES: ReadonlySet<SystemTableName> = new Set(['databases', 'branches', 'workspace_files']);

export async function insertSystemRows(db: Kysely<any>, engine: 'sqlite' | 'postgres', table: SystemTableName, rows: SystemRow[]): Promise<void> {
  for (const row of rows) {
    const keys = Object.keys(row);
    const upsert = table === 'settings' ? sql` ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"` : sql``;
    await sql`INSERT INTO ${sql.id(table)} (${sql.join(keys.map((k) => sql.id(k)))}) VALUES (${sql.join(keys.map((k) => row[k]))})${upsert}`.execute(db);
  }
  // SQLite's AUTOINCREMENT follows the largest id by itself; an identity must be moved.
  if (engine === 'postgres' && IDENTITY_TABLES.has(table) && rows.length > 0) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT MAX("id") FROM ${sql.id(table)}))`.execute(db);
  }
}

export async function clearSystemRows(db: Kysely<any>): Promise<void> {
  for (const table of ['sessions', 'members', 'tokens', 'workspace_files', 'branches', 'databases', 'accounts', 'settings', 'blob_usage']) {
    await sql`DELETE FROM ${sql.id(table)}`.execute(db);
  }
}

export async function countArchivedRecords(db: Kysely<any>, opts: BranchSqlOptions, table: TableModel): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS "n" FROM ${opts.table(table.name)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
