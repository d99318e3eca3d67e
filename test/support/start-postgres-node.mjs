// One Strata node's storage start (the built code, dist/) on DATABASE_URL, with a test-only
// second migration that notes which process ran it and is slow enough for starts to overlap.
import { sql } from 'kysely';

const { openPostgresStorage } = await import(new URL('../../dist/storage/postgres/postgres-engine.js', import.meta.url));
const slowNote = {
  async up(db) {
    await sql`INSERT INTO "settings" ("key", "value") VALUES (${`test-migration-ran-${process.pid}`}, 'yes')`.execute(db);
    await sql`SELECT pg_sleep(0.5)`.execute(db);
    await sql`ALTER TABLE "accounts" ADD COLUMN "note" text`.execute(db);
  },
};
const storage = await openPostgresStorage(process.env.DATABASE_URL, { poolSize: 2, extraMigrations: { system: { '0002-test-slow-note': slowNote } } });
await storage.close();
console.log('started');
