import { loadConfig } from './config.js';
import { ConfigError } from './config-values.js';
import { bootstrapOwner } from './core/bootstrap.js';
import { buildServer } from './http/server.js';
import { claimDataDir } from './storage/sqlite/server-lock.js';
import { openStrata } from './open-strata.js';

/** `npm start`: validate configuration, open storage, create the owner on first start, serve. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`strata: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // SQLite: one server per DATA_DIR (PostgreSQL nodes share their database by design).
  // Held until exit (a collected handle would close it and drop the lock).
  const releaseDataDir = config.databaseUrl ? undefined : claimDataDir(config.dataDir);
  const strata = await openStrata(config);
  const first = await bootstrapOwner(strata, config.ownerEmail);
  const app = await buildServer(strata, {
    instanceName: config.instanceName, bodyLimit: config.bodyLimit, logLevel: config.logLevel, access: config.access, trustProxy: config.trustProxy,
  });
  // Graceful shutdown, bounded: stop accepting, end change streams, let in-flight requests
  // finish (app.close), then write the queued request history and close storage (strata.close).
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error({ timeoutMs: config.ops.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.ops.shutdownTimeoutMs).unref();
    try {
      await app.close();
      await strata.close();
      releaseDataDir?.();
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    clearTimeout(timer);
    app.log.info('shut down');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Printed once the server listens, so the links carry the real port (PORT=0 picks one).
  const base = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  if (first) {
    const line = '='.repeat(72);
    console.log([
      line,
      ' Strata first start: an owner account and a full-access token were created.',
      ' They are shown this once; store them now.',
      '',
      `   email:    ${first.email}`,
      `   password: ${first.password}`,
      `   token:    ${first.token}`,
      '',
      ' The token has full access and expires in 7 days; make others with npx strata token create.',
      '',
      ` Finish setup: open the console at ${base}/ and sign in with`,
      ' this email and password; it asks for your name, email and a password of your own.',
      '',
      ` Try:  curl -H "Authorization: Bearer ${first.token}" ${base}/workspaces/${config.instanceName}/dbs`,
      line,
    ].join('\n'));
  }
  console.log(`Strata serving on http://${config.host}:${port} (${strata.storage.engine}${config.databaseUrl ? '' : `, data in ${config.dataDir}`})`);
}

main().catch((err) => {
  console.error('strata: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
