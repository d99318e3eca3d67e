import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { MigrationEngine, MigrationSet } from './system-migration-sets.js';

export interface MigrateOptions {
  engine: MigrationEngine;
  /** PostgreSQL: the schema the tables live in (`strata`). */
  schema?: string;
  /** Migrations after the release's own, by name (tests supply a later migration this way). */
  extra?: Record<string, Migration>;
}

/**
 * Brings one set of Strata's own tables to its latest migration, all or nothing: the pending
 * migrations run in one transaction (PostgreSQL: Kysely's; SQLite: BEGIN IMMEDIATE here, which
 * also holds another process's writer off). The caller holds the start lock (PostgreSQL's
 * advisory lock), so of several nodes starting at once one migrates and the others find it done.
 * An install made before migrations (tables there, no migration table) is recorded at migration 1
 * without re-creating anything (the set's baseline).
 */
export async function migrateSystemTables(db: Kysely<any>, set: MigrationSet, opts: MigrateOptions): Promise<void> {
  if (opts.engine === 'sqlite') await sql`BEGIN IMMEDIATE`.execute(db);
  try {
    // None recorded: a failed first migration leaves Kysely's table behind, empty.
    const recorded = (await hasTable(db, set.table, opts)) ? await recordedNames(db, set.table, opts) : [];
    const baseline = recorded.length === 0 && (await hasTable(db, set.marker, opts));
    const migrations = { ...set.migrations(opts.engine, baseline), ...opts.extra };
    // Up to date, the usual start: skip the Migrator, whose checks introspect every table of the
    // database (on PostgreSQL every branch's too: ~0.4 s at 1,500 tables, growing with them).
    const names = Object.keys(migrations);
    if (recorded.length === names.length && names.every((n) => recorded.includes(n))) {
      if (opts.engine === 'sqlite') await sql`COMMIT`.execute(db);
      return;
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: set.table,
      migrationLockTableName: set.lockTable,
      migrationTableSchema: opts.schema,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Strata's own tables (${set.marker}…) could not be migrated${failed ? `: migration ${failed} failed` : ''} (${reason}); `
        + 'nothing of this start\'s migrations was applied', { cause: error });
    }
    if (opts.engine === 'sqlite') await sql`COMMIT`.execute(db);
  } catch (err) {
    if (opts.engine === 'sqlite') await sql`ROLLBACK`.execute(db).catch(() => undefined);
    throw err;
  }
}

async function hasTable(db: Kysely<any>, name: string, opts: MigrateOptions): Promise<boolean> {
  if (opts.engine === 'sqlite') {
    const r = await sql`SELECT 1 FROM "sqlite_master" WHERE "type" = 'table' AND "name" = ${name}`.execute(db);
    return r.rows.length > 0;
  }
  const r = await sql<{ found: boolean }>`SELECT to_regclass(${`"${opts.schema}"."${name}"`}) IS NOT NULL AS "found"`.execute(db);
  return r.rows[0]!.found;
}

async function recordedNames(db: Kysely<any>, table: string, opts: MigrateOptions): Promise<string[]> {
  const ref = opts.schema ? sql.id(opts.schema, table) : sql.id(table);
  const r = await sql<{ name: string }>`SELECT "name" FROM ${ref}`.execute(db);
  return r.rows.map((row) => row.name);
}
