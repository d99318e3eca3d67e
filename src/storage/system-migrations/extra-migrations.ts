import type { Migration } from 'kysely';

/** Migrations run after a set's own, by name: how tests supply a later release's migration. */
export interface ExtraMigrations {
  system?: Record<string, Migration>;
  history?: Record<string, Migration>;
}
