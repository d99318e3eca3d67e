import type { Storage } from './storage.js';
import { openSqliteStorage } from './sqlite/sqlite-engine.js';
import { openPostgresStorage } from './postgres/postgres-engine.js';

/** Picks the engine from configuration: PostgreSQL when a URL is set, embedded SQLite otherwise. */
export function openStorage(config: { dataDir: string; databaseUrl?: string; sqliteSynchronous?: string; pgPoolSize?: number }): Promise<Storage> {
  return config.databaseUrl
    ? openPostgresStorage(config.databaseUrl, { poolSize: config.pgPoolSize })
    : openSqliteStorage(config.dataDir, { synchronous: config.sqliteSynchronous });
}
