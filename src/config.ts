import path from 'node:path';
import { loadOpsConfig, type OpsConfig } from './config-ops.js';
import { ConfigError, integer } from './config-values.js';
import type { AccessOptions } from './http/access-options.js';
import { loadAccessConfig } from './config-access.js';
import type { PgTimeouts } from './storage/postgres/postgres-connections.js';

/** Strata's configuration, from the environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** The instance's name: the `{workspace}` in Xata's `/workspaces/{ws}/…` paths. */
  instanceName: string;
  bodyLimit: number;
  logLevel: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  pgPoolSize: number;
  /** Connect, statement and pool-acquire bounds towards PostgreSQL (failures answer 503). */
  pgTimeouts: PgTimeouts;
  ownerEmail: string;
  /** Request history, change streams and shutdown (config-ops.ts). */
  ops: OpsConfig;
  /** Rate limits, public URL and fleet (config-access.ts). */
  access: AccessOptions;
  trustProxy: boolean | string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  const instanceName = env.STRATA_INSTANCE_NAME?.trim() || 'local';
  if (!/^[a-zA-Z0-9_\-~]+$/.test(instanceName)) throw new ConfigError('STRATA_INSTANCE_NAME may hold letters, digits, _ - ~ only');
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const sync = (env.SQLITE_SYNCHRONOUS?.trim() || 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new ConfigError('SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  let access;
  try {
    access = loadAccessConfig(env, (name, fallback, min, max) => integer(env, name, fallback, min, max));
  } catch (err) {
    throw err instanceof ConfigError ? err : new ConfigError((err as Error).message);
  }
  return {
    ...access,
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR?.trim() || './data'),
    databaseUrl,
    instanceName,
    bodyLimit: integer(env, 'BODY_LIMIT', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    logLevel,
    sqliteSynchronous: sync,
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1000),
    pgTimeouts: {
      connectMs: integer(env, 'PG_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
      queryMs: integer(env, 'PG_QUERY_TIMEOUT_MS', 30_000, 100, 24 * 3_600_000),
      acquireMs: integer(env, 'PG_ACQUIRE_TIMEOUT_MS', 10_000, 100, 600_000),
    },
    ownerEmail: env.STRATA_OWNER_EMAIL?.trim() || 'owner@strata.local',
    ops: loadOpsConfig(env),
  };
}
