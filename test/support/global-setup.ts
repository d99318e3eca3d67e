import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { buildIfChanged } from './fresh-build.js';
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
  provide('chromiumPath', findChromium());
  // Suites that spawn the real CLI or server run the compiled code, and the console's suites load
  // the built console (which imports a few src/core modules): build each when its sources changed.
  const shared = ['package-lock.json', 'tsconfig.json'];
  buildIfChanged({
    name: 'server', inputs: ['src', 'tsconfig.build.json', ...shared], output: 'dist/main.js',
    build: () => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' }),
  });
  // The console as it ships: vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  buildIfChanged({
    name: 'console', inputs: ['console', 'src', ...shared], output: 'dist/console/index.html',
    build: () => execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } }),
  });
}

/** The browser for the console's end-to-end tests (CHROMIUM_PATH, or Debian's chromium). */
function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((file) => fs.existsSync(file)) ?? null;
  if (!found) {
    if (process.env.CI === 'true') throw new Error('Chromium is required in CI for the console tests but was not found (apt-get install chromium, or set CHROMIUM_PATH)');
    console.warn('\n*** Chromium not found (apt-get install chromium, or set CHROMIUM_PATH): every [chromium] console suite is SKIPPED (set CI=true to make this a failure) ***\n');
  }
  return found;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
    /** The browser for the console suites, or null when there is none (the suites are skipped). */
    chromiumPath: string | null;
  }
}
