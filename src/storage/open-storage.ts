import type { Storage } from '../core/ports/storage.js';
import { openSqliteStorage } from './sqlite/sqlite-engine.js';
import { openPostgresStorage } from './postgres/postgres-engine.js';
import type { PgTimeouts } from './postgres/postgres-connections.js';

/** Picks the engine from configuration: PostgreSQL when a URL is set, embedded SQLite otherwise. */
export interface StorageConfig { dataDir: string; databaseUrl?: string; sqliteSynchronous?: string; pgPoolSize?: number; pgTimeouts?: Partial<PgTimeouts> }

export function openStorage(config: StorageConfig): Promise<Storage> {
  return config.databaseUrl
    ? openPostgresStorage(config.databaseUrl, { poolSize: config.pgPoolSize, timeouts: config.pgTimeouts })
    : openSqliteStorage(config.dataDir, { synchronous: config.sqliteSynchronous });
}
