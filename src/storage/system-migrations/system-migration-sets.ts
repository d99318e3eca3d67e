import type { Migration } from 'kysely';
import { initialSchema, initialSchemaBaseline } from './system/0001-initial-schema.js';
import { initialHistorySchema, initialHistorySchemaBaseline } from './history/0001-initial-schema.js';

export type MigrationEngine = 'sqlite' | 'postgres';

/**
 * A list of migrations over one group of Strata's own tables, in code (no directory scan:
 * it runs the same from src/ and dist/). Names sort in the order they run; a new migration
 * is a new file `NNNN-purpose.ts` in the set's folder and a line here, never an edit of one
 * that shipped.
 */
export interface MigrationSet {
  /** Kysely's bookkeeping tables for this set (applied migrations, Kysely's lock row). */
  table: string;
  lockTable: string;
  /** A table the last release before migrations always created: there without `table`, the install predates migrations. */
  marker: string;
  /** The migrations; `baseline`: an install that predates migrations, so migration 1 must not create what is there. */
  migrations(engine: MigrationEngine, baseline: boolean): Record<string, Migration>;
}

/** accounts … sessions (SQLite `strata.db`; PostgreSQL's `strata` schema, with blobs and rate counters). */
export const SYSTEM_MIGRATIONS: MigrationSet = {
  table: 'kysely_migration',
  lockTable: 'kysely_migration_lock',
  marker: 'accounts',
  migrations: (engine, baseline) => ({
    '0001-initial-schema': baseline ? initialSchemaBaseline(engine) : initialSchema(engine),
  }),
};

/** request_history (SQLite `history.db`; PostgreSQL's `strata` schema, with its own bookkeeping tables). */
export const HISTORY_MIGRATIONS: MigrationSet = {
  table: 'kysely_history_migration',
  lockTable: 'kysely_history_migration_lock',
  marker: 'request_history',
  migrations: (engine, baseline) => ({
    '0001-initial-schema': baseline ? initialHistorySchemaBaseline(engine) : initialHistorySchema(engine),
  }),
};
