import { execFileSync } from 'node:child_process';
import { ADMIN_URL, postgresAvailable } from './postgres.js';

/**
 * Decides once whether the PostgreSQL suites run. Without a server they are skipped and
 * said to be skipped; with CI=true a missing server fails the run instead.
 */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const available = await postgresAvailable();
  if (!available) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but is not reachable at ${ADMIN_URL}`);
    }
    console.warn(`\n*** PostgreSQL not reachable at ${ADMIN_URL}: every [postgres] suite is SKIPPED (set CI=true to make this a failure) ***\n`);
  }
  provide('postgresAvailable', available);
  // Suites that spawn the real CLI or server run the compiled code: build it once, fresh.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
  }
}
